//! Properties of PUBLISH and of its acknowledgements and the subscription acknowledgements
//! (MQTT 5.0 §3.3.2.3, §3.4.2.2, §3.9.2.1, §3.11.2.1).

use bytes::Bytes;

use super::{
    NOT_ALLOWED, PropertySet, PropertySink, id, read_payload_format, read_response_topic,
    read_subscription_identifier, read_user_property,
};
use crate::error::DecodeError;
use crate::reader::Reader;

/// PUBLISH properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishProperties {
    /// 1 if the payload is UTF-8 text, 0 if unspecified bytes.
    pub payload_format_indicator: Option<u8>,
    /// Lifetime of the message in seconds.
    pub message_expiry_interval: Option<u32>,
    /// Topic alias (never 0); the broker resolves it and checks the upper bound.
    pub topic_alias: Option<u16>,
    /// Topic for a response to this message.
    pub response_topic: Option<String>,
    /// Data the requester uses to match a response.
    pub correlation_data: Option<Bytes>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
    /// Identifiers of the matching subscriptions; only a server sends these [MQTT-3.3.4-6].
    pub subscription_identifiers: Vec<u32>,
    /// MIME-like description of the payload.
    pub content_type: Option<String>,
}

impl PropertySet for PublishProperties {
    // A server PUBLISH carries one Subscription Identifier per matching subscription (§3.3.4).
    // A client must send none [MQTT-3.3.4-6]; the codec does not know which side sent the
    // packet, so the broker enforces that.
    const REPEATABLE: u64 = 1 << id::USER_PROPERTY | 1 << id::SUBSCRIPTION_IDENTIFIER;

    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::PAYLOAD_FORMAT_INDICATOR => {
                self.payload_format_indicator = Some(read_payload_format(r)?);
            }
            id::MESSAGE_EXPIRY_INTERVAL => self.message_expiry_interval = Some(r.u32()?),
            id::TOPIC_ALIAS => match r.u16()? {
                0 => return Err(DecodeError::TopicAliasInvalid),
                alias => self.topic_alias = Some(alias),
            },
            id::RESPONSE_TOPIC => self.response_topic = Some(read_response_topic(r)?),
            id::CORRELATION_DATA => self.correlation_data = Some(r.binary()?),
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            id::SUBSCRIPTION_IDENTIFIER => {
                let identifier = read_subscription_identifier(r)?;
                self.subscription_identifiers.push(identifier);
            }
            id::CONTENT_TYPE => self.content_type = Some(r.string()?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.opt_byte(id::PAYLOAD_FORMAT_INDICATOR, self.payload_format_indicator);
        sink.opt_four(id::MESSAGE_EXPIRY_INTERVAL, self.message_expiry_interval);
        sink.opt_two(id::TOPIC_ALIAS, self.topic_alias);
        sink.opt_str(id::RESPONSE_TOPIC, self.response_topic.as_deref());
        sink.opt_field(id::CORRELATION_DATA, self.correlation_data.as_deref());
        sink.user_properties(&self.user_properties);
        for &identifier in &self.subscription_identifiers {
            sink.varint(id::SUBSCRIPTION_IDENTIFIER, identifier);
        }
        sink.opt_str(id::CONTENT_TYPE, self.content_type.as_deref());
    }
}

/// Properties of PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AckProperties {
    /// Human-readable diagnostic.
    pub reason_string: Option<String>,
    /// User Properties, in order.
    pub user_properties: Vec<(String, String)>,
}

impl PropertySet for AckProperties {
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError> {
        match id {
            id::REASON_STRING => self.reason_string = Some(r.string()?),
            id::USER_PROPERTY => self.user_properties.push(read_user_property(r)?),
            _ => return Err(NOT_ALLOWED),
        }
        Ok(())
    }

    fn visit<S: PropertySink>(&self, sink: &mut S) {
        sink.opt_str(id::REASON_STRING, self.reason_string.as_deref());
        sink.user_properties(&self.user_properties);
    }
}
