//! Properties of the packets that open, re-authenticate and close a connection: CONNECT and its
//! will, CONNACK, AUTH and DISCONNECT (MQTT 5.0 §3.1.2.11, §3.1.3.2, §3.2.2.3, §3.14.2.2, §3.15.2.2).

use bytes::Bytes;

use super::{
    NOT_ALLOWED, PropertySet, PropertySink, id, read_flag, read_maximum_packet_size,
    read_maximum_qos, read_payload_format, read_receive_maximum, read_response_topic,
    read_user_property,
};
use crate::error::DecodeError;
use crate::reader::Reader;
use crate::types::QoS;

/// CONNECT properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectProperties {
    /// Seconds the session outlives the connection (absent: 0).
    pub session_expiry_interval: Option<u32>,
    /// How many QoS 1/2 PUBLISHes the client accepts in flight (never 0).
    pub receive_maximum: Option<u16>,
    /// Largest packet the client accepts (never 0).
    pub maximum_packet_size: Option<u32>,
    /// Highest topic alias the client accepts from the server.
    pub topic_alias_maximum: Option<u16>,
    /// Whether the client wants Response Information in CONNACK.
    pub request_response_information: Option<bool>,
    /// Whether the server may send Reason Strings and User Properties on failures.
    pub request_problem_information: Option<bool>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Extended authentication method.
    pub authentication_method: Option<String>,
    /// Extended authentication data.
    pub authentication_data: Option<Bytes>,
}

impl PropertySet for ConnectProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::SESSION_EXPIRY_INTERVAL => self.session_expiry_interval = Some(r.u32()?),
            id::RECEIVE_MAXIMUM => self.receive_maximum = Some(read_receive_maximum(r)?),
            id::MAXIMUM_PACKET_SIZE => {
                self.maximum_packet_size = Some(read_maximum_packet_size(r)?);
            }
            id::TOPIC_ALIAS_MAXIMUM => self.topic_alias_maximum = Some(r.u16()?),
            id::REQUEST_RESPONSE_INFORMATION => {
                self.request_response_information = Some(read_flag(r)?);
            }
            id::REQUEST_PROBLEM_INFORMATION => {
                self.request_problem_information = Some(read_flag(r)?);
            }
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            id::AUTHENTICATION_METHOD => self.authentication_method = Some(r.string()?),
            id::AUTHENTICATION_DATA => self.authentication_data = Some(r.binary()?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.opt_four(id::SESSION_EXPIRY_INTERVAL, self.session_expiry_interval);
        sink.opt_two(id::RECEIVE_MAXIMUM, self.receive_maximum);
        sink.opt_four(id::MAXIMUM_PACKET_SIZE, self.maximum_packet_size);
        sink.opt_two(id::TOPIC_ALIAS_MAXIMUM, self.topic_alias_maximum);
        let response_information = self.request_response_information;
        sink.opt_flag(id::REQUEST_RESPONSE_INFORMATION, response_information);
        let problem_information = self.request_problem_information;
        sink.opt_flag(id::REQUEST_PROBLEM_INFORMATION, problem_information);
        sink.user_properties(&self.user_properties);
        sink.opt_str(
            id::AUTHENTICATION_METHOD,
            self.authentication_method.as_deref(),
        );
        sink.opt_field(id::AUTHENTICATION_DATA, self.authentication_data.as_deref());
    }
}

/// Will properties, carried in the CONNECT payload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WillProperties {
    /// Seconds to wait after the connection ends before publishing the will.
    pub will_delay_interval: Option<u32>,
    /// 1 if the will payload is UTF-8 text, 0 if unspecified bytes.
    pub payload_format_indicator: Option<u8>,
    /// Lifetime of the will message in seconds.
    pub message_expiry_interval: Option<u32>,
    /// MIME-like description of the payload.
    pub content_type: Option<String>,
    /// Topic for a response to the will message.
    pub response_topic: Option<String>,
    /// Data the requester uses to match a response.
    pub correlation_data: Option<Bytes>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
}

impl PropertySet for WillProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::WILL_DELAY_INTERVAL => self.will_delay_interval = Some(r.u32()?),
            id::PAYLOAD_FORMAT_INDICATOR => {
                self.payload_format_indicator = Some(read_payload_format(r)?);
            }
            id::MESSAGE_EXPIRY_INTERVAL => self.message_expiry_interval = Some(r.u32()?),
            id::CONTENT_TYPE => self.content_type = Some(r.string()?),
            id::RESPONSE_TOPIC => self.response_topic = Some(read_response_topic(r)?),
            id::CORRELATION_DATA => self.correlation_data = Some(r.binary()?),
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.opt_four(id::WILL_DELAY_INTERVAL, self.will_delay_interval);
        sink.opt_byte(id::PAYLOAD_FORMAT_INDICATOR, self.payload_format_indicator);
        sink.opt_four(id::MESSAGE_EXPIRY_INTERVAL, self.message_expiry_interval);
        sink.opt_str(id::CONTENT_TYPE, self.content_type.as_deref());
        sink.opt_str(id::RESPONSE_TOPIC, self.response_topic.as_deref());
        sink.opt_field(id::CORRELATION_DATA, self.correlation_data.as_deref());
        sink.user_properties(&self.user_properties);
    }
}

/// CONNACK properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnAckProperties {
    /// Session expiry the server will use, if it overrides the client's.
    pub session_expiry_interval: Option<u32>,
    /// How many QoS 1/2 PUBLISHes the server accepts in flight (never 0).
    pub receive_maximum: Option<u16>,
    /// Highest QoS the server accepts (absent: 2).
    pub maximum_qos: Option<QoS>,
    /// Whether the server supports retained messages (absent: yes).
    pub retain_available: Option<bool>,
    /// Largest packet the server accepts (never 0).
    pub maximum_packet_size: Option<u32>,
    /// Client identifier the server assigned to a client that sent an empty one.
    pub assigned_client_identifier: Option<String>,
    /// Highest topic alias the server accepts from the client.
    pub topic_alias_maximum: Option<u16>,
    /// Human-readable diagnostic.
    pub reason_string: Option<String>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Whether wildcard subscriptions are supported (absent: yes).
    pub wildcard_subscription_available: Option<bool>,
    /// Whether subscription identifiers are supported (absent: yes).
    pub subscription_identifiers_available: Option<bool>,
    /// Whether shared subscriptions are supported (absent: yes).
    pub shared_subscription_available: Option<bool>,
    /// Keep alive the server imposes, overriding the client's.
    pub server_keep_alive: Option<u16>,
    /// Basis for the client's response topics.
    pub response_information: Option<String>,
    /// Another server the client should use.
    pub server_reference: Option<String>,
    /// Extended authentication method.
    pub authentication_method: Option<String>,
    /// Extended authentication data.
    pub authentication_data: Option<Bytes>,
}

impl PropertySet for ConnAckProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::SESSION_EXPIRY_INTERVAL => self.session_expiry_interval = Some(r.u32()?),
            id::RECEIVE_MAXIMUM => self.receive_maximum = Some(read_receive_maximum(r)?),
            id::MAXIMUM_QOS => self.maximum_qos = Some(read_maximum_qos(r)?),
            id::RETAIN_AVAILABLE => self.retain_available = Some(read_flag(r)?),
            id::MAXIMUM_PACKET_SIZE => {
                self.maximum_packet_size = Some(read_maximum_packet_size(r)?);
            }
            id::ASSIGNED_CLIENT_IDENTIFIER => {
                self.assigned_client_identifier = Some(r.string()?);
            }
            id::TOPIC_ALIAS_MAXIMUM => self.topic_alias_maximum = Some(r.u16()?),
            id::REASON_STRING => self.reason_string = Some(r.string()?),
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            id::WILDCARD_SUBSCRIPTION_AVAILABLE => {
                self.wildcard_subscription_available = Some(read_flag(r)?);
            }
            id::SUBSCRIPTION_IDENTIFIER_AVAILABLE => {
                self.subscription_identifiers_available = Some(read_flag(r)?);
            }
            id::SHARED_SUBSCRIPTION_AVAILABLE => {
                self.shared_subscription_available = Some(read_flag(r)?);
            }
            id::SERVER_KEEP_ALIVE => self.server_keep_alive = Some(r.u16()?),
            id::RESPONSE_INFORMATION => self.response_information = Some(r.string()?),
            id::SERVER_REFERENCE => self.server_reference = Some(r.string()?),
            id::AUTHENTICATION_METHOD => self.authentication_method = Some(r.string()?),
            id::AUTHENTICATION_DATA => self.authentication_data = Some(r.binary()?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.opt_four(id::SESSION_EXPIRY_INTERVAL, self.session_expiry_interval);
        sink.opt_two(id::RECEIVE_MAXIMUM, self.receive_maximum);
        sink.opt_byte(id::MAXIMUM_QOS, self.maximum_qos.map(|qos| qos as u8));
        sink.opt_flag(id::RETAIN_AVAILABLE, self.retain_available);
        sink.opt_four(id::MAXIMUM_PACKET_SIZE, self.maximum_packet_size);
        let assigned = self.assigned_client_identifier.as_deref();
        sink.opt_str(id::ASSIGNED_CLIENT_IDENTIFIER, assigned);
        sink.opt_two(id::TOPIC_ALIAS_MAXIMUM, self.topic_alias_maximum);
        sink.opt_str(id::REASON_STRING, self.reason_string.as_deref());
        sink.user_properties(&self.user_properties);
        let wildcard = self.wildcard_subscription_available;
        sink.opt_flag(id::WILDCARD_SUBSCRIPTION_AVAILABLE, wildcard);
        let identifiers = self.subscription_identifiers_available;
        sink.opt_flag(id::SUBSCRIPTION_IDENTIFIER_AVAILABLE, identifiers);
        let shared = self.shared_subscription_available;
        sink.opt_flag(id::SHARED_SUBSCRIPTION_AVAILABLE, shared);
        sink.opt_two(id::SERVER_KEEP_ALIVE, self.server_keep_alive);
        sink.opt_str(
            id::RESPONSE_INFORMATION,
            self.response_information.as_deref(),
        );
        sink.opt_str(id::SERVER_REFERENCE, self.server_reference.as_deref());
        sink.opt_str(
            id::AUTHENTICATION_METHOD,
            self.authentication_method.as_deref(),
        );
        sink.opt_field(id::AUTHENTICATION_DATA, self.authentication_data.as_deref());
    }
}

/// DISCONNECT properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisconnectProperties {
    /// New session expiry, sent by the client only.
    pub session_expiry_interval: Option<u32>,
    /// Human-readable diagnostic.
    pub reason_string: Option<String>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Another server the client should use.
    pub server_reference: Option<String>,
}

impl PropertySet for DisconnectProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::SESSION_EXPIRY_INTERVAL => self.session_expiry_interval = Some(r.u32()?),
            id::REASON_STRING => self.reason_string = Some(r.string()?),
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            id::SERVER_REFERENCE => self.server_reference = Some(r.string()?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.opt_four(id::SESSION_EXPIRY_INTERVAL, self.session_expiry_interval);
        sink.opt_str(id::REASON_STRING, self.reason_string.as_deref());
        sink.user_properties(&self.user_properties);
        sink.opt_str(id::SERVER_REFERENCE, self.server_reference.as_deref());
    }
}

/// AUTH properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthProperties {
    /// Extended authentication method.
    pub authentication_method: Option<String>,
    /// Extended authentication data.
    pub authentication_data: Option<Bytes>,
    /// Human-readable diagnostic.
    pub reason_string: Option<String>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
}

impl PropertySet for AuthProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::AUTHENTICATION_METHOD => self.authentication_method = Some(r.string()?),
            id::AUTHENTICATION_DATA => self.authentication_data = Some(r.binary()?),
            id::REASON_STRING => self.reason_string = Some(r.string()?),
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.opt_str(
            id::AUTHENTICATION_METHOD,
            self.authentication_method.as_deref(),
        );
        sink.opt_field(id::AUTHENTICATION_DATA, self.authentication_data.as_deref());
        sink.opt_str(id::REASON_STRING, self.reason_string.as_deref());
        sink.user_properties(&self.user_properties);
    }
}
