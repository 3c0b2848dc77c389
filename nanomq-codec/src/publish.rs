//! PUBLISH (MQTT 3.1.1 §3.3, 5.0 §3.3): an application message in either direction.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::properties::{self, PublishProperties};
use super::reader::Reader;
use super::topic::validate_topic_name;
use super::types::{PacketId, ProtocolVersion, QoS};
use super::writer::{field_len, put_field};

/// An application message.
///
/// Decoding rejects a topic with wildcards or U+0000 as [`DecodeError::TopicNameInvalid`]
/// (reason 0x90). An empty topic is allowed only in 5.0 with a topic alias, which the broker
/// resolves; without one it is a [`DecodeError::ProtocolError`] (5.0 §3.3.2.3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    /// Whether this is a redelivery (never set at QoS 0).
    pub dup: bool,
    /// Delivery QoS.
    pub qos: QoS,
    /// Whether the message is (to be) retained.
    pub retain: bool,
    /// Topic name; empty only in 5.0 when `properties.topic_alias` is set.
    pub topic: Arc<str>,
    /// Packet identifier; present if and only if `qos` is above 0.
    pub packet_id: Option<PacketId>,
    /// PUBLISH properties (5.0 only; empty otherwise).
    pub properties: PublishProperties,
    /// The application payload, a zero-copy slice of the received packet.
    pub payload: Bytes,
}

const DUP: u8 = 0b1000;
const RETAIN: u8 = 0b0001;

impl Publish {
    /// Reads the variable header and payload; `flags` were checked with the fixed header.
    pub(super) fn decode(
        flags: u8,
        version: ProtocolVersion,
        r: &mut Reader,
    ) -> Result<Self, DecodeError> {
        let qos = QoS::try_from((flags >> 1) & 0b11)
            .map_err(|_| DecodeError::MalformedPacket("PUBLISH with QoS 3"))?;
        let topic = r.str()?;
        // An empty topic is judged once we know whether a topic alias stands in for it.
        if !(topic.is_empty() && version.is_v5()) {
            validate_topic_name(topic).map_err(DecodeError::TopicNameInvalid)?;
        }
        let topic: Arc<str> = Arc::from(topic);
        let packet_id = match qos {
            QoS::AtMostOnce => None,
            QoS::AtLeastOnce | QoS::ExactlyOnce => Some(r.packet_id()?),
        };
        let properties: PublishProperties = if version.is_v5() {
            properties::decode(r)?
        } else {
            PublishProperties::default()
        };
        if topic.is_empty() && properties.topic_alias.is_none() {
            // 5.0 §3.3.2.3.4: a zero-length topic name needs a topic alias.
            return Err(DecodeError::ProtocolError(
                "empty topic name without a topic alias",
            ));
        }
        Ok(Self {
            dup: flags & DUP != 0,
            qos,
            retain: flags & RETAIN != 0,
            topic,
            packet_id,
            properties,
            payload: r.rest(),
        })
    }

    /// The low nibble of the first fixed-header byte.
    pub(super) fn header_flags(&self) -> u8 {
        let mut flags = (self.qos as u8) << 1;
        if self.dup {
            flags |= DUP;
        }
        if self.retain {
            flags |= RETAIN;
        }
        flags
    }

    /// Size of the variable header and payload.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let id_len = match (self.qos, self.packet_id) {
            (QoS::AtMostOnce, None) => 0,
            (QoS::AtMostOnce, Some(_)) => {
                return Err(EncodeError::InvalidPacket(
                    "QoS 0 PUBLISH with a packet identifier",
                ));
            }
            (_, Some(_)) => 2,
            (_, None) => {
                return Err(EncodeError::InvalidPacket(
                    "QoS 1/2 PUBLISH without a packet identifier",
                ));
            }
        };
        let mut len = field_len(self.topic.len())? + id_len + self.payload.len();
        if version.is_v5() {
            len += properties::encoded_len(&self.properties)?;
        }
        Ok(len)
    }

    /// Writes the variable header and payload.
    pub(super) fn write_body(&self, version: ProtocolVersion, buf: &mut BytesMut) {
        self.write_head(version, buf);
        buf.put_slice(&self.payload);
    }

    /// Writes the variable header: everything of the body but the payload.
    pub(super) fn write_head(&self, version: ProtocolVersion, buf: &mut BytesMut) {
        put_field(buf, self.topic.as_bytes());
        if let Some(packet_id) = self.packet_id {
            buf.put_u16(packet_id.get());
        }
        if version.is_v5() {
            properties::write(&self.properties, buf);
        }
    }
}
