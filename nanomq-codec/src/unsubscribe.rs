//! UNSUBSCRIBE and UNSUBACK (MQTT 3.1.1 §3.10-§3.11, 5.0 §3.10-§3.11).

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::properties::{self, AckProperties, UnsubscribeProperties};
use super::reader::Reader;
use super::reason::ReasonCode;
use super::topic::validate_topic_filter;
use super::types::{PacketId, PacketKind, ProtocolVersion};
use super::writer::{field_len, put_field};

/// A request to remove subscriptions; invalid filters fail decoding with reason 0x8F.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// Packet identifier, echoed in UNSUBACK.
    pub packet_id: PacketId,
    /// The topic filters to remove, at least one.
    pub filters: Vec<String>,
    /// UNSUBSCRIBE properties (5.0 only; empty otherwise).
    pub properties: UnsubscribeProperties,
}

/// The server's answer to UNSUBSCRIBE; 3.x carries only the packet identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubAck {
    /// Identifier of the UNSUBSCRIBE being answered.
    pub packet_id: PacketId,
    /// One reason code per filter (5.0 only; not sent in 3.x, and empty when decoding 3.x).
    pub reasons: Vec<ReasonCode>,
    /// Properties (5.0 only; empty otherwise).
    pub properties: AckProperties,
}

impl Unsubscribe {
    /// Reads the variable header and payload.
    pub(super) fn decode(version: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = r.packet_id()?;
        let properties = if version.is_v5() {
            properties::decode(r)?
        } else {
            UnsubscribeProperties::default()
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter = r.str()?;
            validate_topic_filter(filter).map_err(DecodeError::TopicFilterInvalid)?;
            filters.push(filter.to_owned());
        }
        if filters.is_empty() {
            // [MQTT-3.10.3-2]
            return Err(DecodeError::ProtocolError(
                "UNSUBSCRIBE without a topic filter",
            ));
        }
        Ok(Self {
            packet_id,
            filters,
            properties,
        })
    }

    /// Size of the variable header and payload.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let mut len = 2;
        if version.is_v5() {
            len += properties::encoded_len(&self.properties)?;
        }
        for filter in &self.filters {
            len += field_len(filter.len())?;
        }
        Ok(len)
    }

    /// Writes the variable header and payload.
    pub(super) fn write_body(&self, version: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if version.is_v5() {
            properties::write(&self.properties, buf);
        }
        for filter in &self.filters {
            put_field(buf, filter.as_bytes());
        }
    }
}

impl UnsubAck {
    /// Reads the variable header and payload.
    pub(super) fn decode(version: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = r.packet_id()?;
        if !version.is_v5() {
            return Ok(Self {
                packet_id,
                reasons: Vec::new(),
                properties: AckProperties::default(),
            });
        }
        let properties = properties::decode(r)?;
        let mut reasons = Vec::with_capacity(r.remaining());
        while !r.is_empty() {
            let reason = ReasonCode(r.u8()?);
            if !reason.is_allowed_in(PacketKind::UnsubAck) {
                return Err(DecodeError::ProtocolError(
                    "reason code not allowed in UNSUBACK",
                ));
            }
            reasons.push(reason);
        }
        if reasons.is_empty() {
            return Err(DecodeError::ProtocolError("UNSUBACK without a reason code"));
        }
        Ok(Self {
            packet_id,
            reasons,
            properties,
        })
    }

    /// Size of the variable header and payload.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if !version.is_v5() {
            return Ok(2);
        }
        Ok(2 + properties::encoded_len(&self.properties)? + self.reasons.len())
    }

    /// Writes the variable header and payload.
    pub(super) fn write_body(&self, version: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if version.is_v5() {
            properties::write(&self.properties, buf);
            buf.extend(self.reasons.iter().map(|reason| reason.0));
        }
    }
}
