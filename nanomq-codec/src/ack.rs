//! PUBACK, PUBREC, PUBREL and PUBCOMP (5.0 §3.4-§3.7): one shape, told apart by packet type.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::properties::{self, AckProperties};
use super::reader::Reader;
use super::reason::ReasonCode;
use super::types::{PacketId, PacketKind, ProtocolVersion};

/// An acknowledgement in the QoS 1/2 flows; [`PubAck`], [`PubRec`], [`PubRel`] and [`PubComp`]
/// name it per packet type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishAck {
    /// Identifier of the PUBLISH (or PUBREC/PUBREL) being acknowledged.
    pub packet_id: PacketId,
    /// Outcome (5.0 only; 3.x has none and it is not sent).
    pub reason: ReasonCode,
    /// Properties (5.0 only; empty otherwise).
    pub properties: AckProperties,
}

/// PUBACK: the answer to a QoS 1 PUBLISH.
pub type PubAck = PublishAck;
/// PUBREC: the first answer to a QoS 2 PUBLISH.
pub type PubRec = PublishAck;
/// PUBREL: the answer to PUBREC.
pub type PubRel = PublishAck;
/// PUBCOMP: the answer to PUBREL, ending a QoS 2 flow.
pub type PubComp = PublishAck;

/// Which of the four acknowledgements a [`PublishAck`] is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // named after the packets
pub enum AckKind {
    /// PUBACK.
    PubAck,
    /// PUBREC.
    PubRec,
    /// PUBREL.
    PubRel,
    /// PUBCOMP.
    PubComp,
}

impl PublishAck {
    /// A successful acknowledgement without properties.
    pub fn new(packet_id: PacketId) -> Self {
        Self {
            packet_id,
            reason: ReasonCode::SUCCESS,
            properties: AckProperties::default(),
        }
    }

    /// Reads the variable header of a packet of type `kind`.
    pub(super) fn decode(
        kind: PacketKind,
        version: ProtocolVersion,
        r: &mut Reader,
    ) -> Result<Self, DecodeError> {
        let mut ack = Self::new(r.packet_id()?);
        if !version.is_v5() || r.is_empty() {
            // 5.0 §3.4.2.1: without a reason code byte the reason is Success.
            return Ok(ack);
        }
        ack.reason = ReasonCode(r.u8()?);
        if !ack.reason.is_allowed_in(kind) {
            return Err(DecodeError::ProtocolError(
                "reason code not allowed in this packet",
            ));
        }
        // 5.0 §3.4.2.2: a remaining length below 4 means no properties.
        if !r.is_empty() {
            ack.properties = properties::decode(r)?;
        }
        Ok(ack)
    }

    /// Size of the variable header: the short form (packet id only) for a plain success;
    /// otherwise the reason code *and* the property length, even when it is 0. The 3-byte
    /// form (reason, no property length) is valid but some clients (rumqttc 0.25) cannot
    /// read it, so it is never sent.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if !version.is_v5() {
            return Ok(2);
        }
        Ok(match properties::encoded_len(&self.properties)? {
            1 if self.reason == ReasonCode::SUCCESS => 2,
            properties_len => 3 + properties_len,
        })
    }

    /// Writes the variable header in the form `body_len` chose.
    pub(super) fn write_body(&self, body_len: usize, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if body_len > 2 {
            buf.put_u8(self.reason.0);
        }
        if body_len > 3 {
            properties::write(&self.properties, buf);
        }
    }
}
