//! CONNECT (MQTT 3.1 §3.1, 3.1.1 §3.1, 5.0 §3.1): the first packet a client sends.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::properties::{self, ConnectProperties, WillProperties};
use super::reader::Reader;
use super::topic::validate_topic_name;
use super::types::{ProtocolVersion, QoS};
use super::writer::{field_len, put_field};

/// A client's request to open a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    /// The protocol version the client speaks; CONNECT is always encoded in this version.
    pub protocol: ProtocolVersion,
    /// Clean Start (5.0) or Clean Session (3.x).
    pub clean_start: bool,
    /// Keep alive in seconds; 0 disables it.
    pub keep_alive: u16,
    /// Client identifier; may be empty (whether that is accepted is the broker's decision).
    pub client_id: String,
    /// The will message, if the client set one.
    pub will: Option<LastWill>,
    /// User name, if present.
    pub username: Option<String>,
    /// Password, if present (binary data).
    pub password: Option<Bytes>,
    /// CONNECT properties (5.0 only; empty otherwise).
    pub properties: ConnectProperties,
}

/// The message a server publishes when the client disappears without a DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastWill {
    /// Topic name to publish to.
    pub topic: Arc<str>,
    /// Message payload.
    pub payload: Bytes,
    /// QoS to publish with.
    pub qos: QoS,
    /// Whether the message is retained.
    pub retain: bool,
    /// Will properties (5.0 only; empty otherwise).
    pub properties: WillProperties,
}

const CLEAN_START: u8 = 0b0000_0010;
const WILL: u8 = 0b0000_0100;
const WILL_QOS_SHIFT: u8 = 3;
const WILL_RETAIN: u8 = 0b0010_0000;
const PASSWORD: u8 = 0b0100_0000;
const USERNAME: u8 = 0b1000_0000;

impl Connect {
    /// Reads the variable header and payload; the protocol version comes from the packet itself.
    pub(super) fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        let protocol = read_protocol(r)?;
        let v5 = protocol.is_v5();
        let flags = r.u8()?;
        if flags & 1 != 0 {
            // [MQTT-3.1.2-3]
            return Err(DecodeError::MalformedPacket("CONNECT reserved flag set"));
        }
        let will_qos = QoS::try_from((flags >> WILL_QOS_SHIFT) & 0b11)
            .map_err(|_| DecodeError::MalformedPacket("will QoS 3"))?;
        let has_will = flags & WILL != 0;
        let will_retain = flags & WILL_RETAIN != 0;
        if !has_will && (will_qos != QoS::AtMostOnce || will_retain) {
            // [MQTT-3.1.2-11], [MQTT-3.1.2-13] (5.0); [MQTT-3.1.2-13], [MQTT-3.1.2-15] (3.1.1)
            return Err(DecodeError::MalformedPacket(
                "will QoS or retain set without the will flag",
            ));
        }
        if !v5 && flags & PASSWORD != 0 && flags & USERNAME == 0 {
            // [MQTT-3.1.2-22] (3.1.1); 5.0 allows a password without a user name.
            return Err(DecodeError::MalformedPacket(
                "password flag without the user name flag",
            ));
        }
        let keep_alive = r.u16()?;
        let properties: ConnectProperties = if v5 {
            properties::decode(r)?
        } else {
            ConnectProperties::default()
        };
        if properties.authentication_data.is_some() && properties.authentication_method.is_none() {
            return Err(DecodeError::ProtocolError(
                "authentication data without an authentication method",
            ));
        }
        let client_id = r.string()?;
        let will = if has_will {
            let properties = if v5 {
                properties::decode(r)?
            } else {
                WillProperties::default()
            };
            let topic = r.str()?;
            validate_topic_name(topic).map_err(DecodeError::TopicNameInvalid)?;
            let topic = Arc::from(topic);
            Some(LastWill {
                topic,
                payload: r.binary()?,
                qos: will_qos,
                retain: will_retain,
                properties,
            })
        } else {
            None
        };
        let username = if flags & USERNAME != 0 {
            Some(r.string()?)
        } else {
            None
        };
        let password = if flags & PASSWORD != 0 {
            Some(r.binary()?)
        } else {
            None
        };
        Ok(Self {
            protocol,
            clean_start: flags & CLEAN_START != 0,
            keep_alive,
            client_id,
            will,
            username,
            password,
            properties,
        })
    }

    /// Size of the variable header and payload.
    pub(super) fn body_len(&self) -> Result<usize, EncodeError> {
        let v5 = self.protocol.is_v5();
        // Protocol name, level, flags, keep alive.
        let mut len = field_len(self.protocol.protocol_name().len())? + 4;
        if v5 {
            len += properties::encoded_len(&self.properties)?;
        }
        len += field_len(self.client_id.len())?;
        if let Some(will) = &self.will {
            if v5 {
                len += properties::encoded_len(&will.properties)?;
            }
            len += field_len(will.topic.len())? + field_len(will.payload.len())?;
        }
        if let Some(username) = &self.username {
            len += field_len(username.len())?;
        }
        if let Some(password) = &self.password {
            len += field_len(password.len())?;
        }
        Ok(len)
    }

    /// Writes the variable header and payload.
    pub(super) fn write_body(&self, buf: &mut BytesMut) {
        let v5 = self.protocol.is_v5();
        put_field(buf, self.protocol.protocol_name().as_bytes());
        buf.put_u8(self.protocol.level());
        buf.put_u8(self.flags());
        buf.put_u16(self.keep_alive);
        if v5 {
            properties::write(&self.properties, buf);
        }
        put_field(buf, self.client_id.as_bytes());
        if let Some(will) = &self.will {
            if v5 {
                properties::write(&will.properties, buf);
            }
            put_field(buf, will.topic.as_bytes());
            put_field(buf, &will.payload);
        }
        if let Some(username) = &self.username {
            put_field(buf, username.as_bytes());
        }
        if let Some(password) = &self.password {
            put_field(buf, password);
        }
    }

    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_start {
            flags |= CLEAN_START;
        }
        if let Some(will) = &self.will {
            flags |= WILL | (will.qos as u8) << WILL_QOS_SHIFT;
            if will.retain {
                flags |= WILL_RETAIN;
            }
        }
        if self.username.is_some() {
            flags |= USERNAME;
        }
        if self.password.is_some() {
            flags |= PASSWORD;
        }
        flags
    }
}

/// Reads the protocol name and level and maps them to a version [MQTT-3.1.2-1], [MQTT-3.1.2-2].
fn read_protocol(r: &mut Reader) -> Result<ProtocolVersion, DecodeError> {
    let name = match r.str()? {
        "MQTT" => "MQTT",
        "MQIsdp" => "MQIsdp",
        _ => return Err(DecodeError::ProtocolError("unknown protocol name")),
    };
    let level = r.u8()?;
    match (name, level) {
        ("MQIsdp", 3) => Ok(ProtocolVersion::V3_1),
        ("MQTT", 4) => Ok(ProtocolVersion::V3_1_1),
        ("MQTT", 5) => Ok(ProtocolVersion::V5),
        _ => Err(DecodeError::UnsupportedProtocolVersion { name, level }),
    }
}
