//! DISCONNECT (all versions) and AUTH (5.0 only): the packets made of a reason and properties.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::properties::{self, AuthProperties, DisconnectProperties, PropertySet};
use super::reader::Reader;
use super::reason::ReasonCode;
use super::types::{PacketKind, ProtocolVersion};

/// The last packet of a connection, from either side; 3.x sends neither reason nor properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disconnect {
    /// Why the connection ends (5.0 only).
    pub reason: ReasonCode,
    /// DISCONNECT properties (5.0 only).
    pub properties: DisconnectProperties,
}

/// An extended authentication step (5.0 §3.15); it does not exist in 3.x.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Auth {
    /// SUCCESS, CONTINUE_AUTHENTICATION or RE_AUTHENTICATE.
    pub reason: ReasonCode,
    /// AUTH properties.
    pub properties: AuthProperties,
}

impl Disconnect {
    /// Reads the variable header; a 3.x DISCONNECT has none.
    pub(super) fn decode(version: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        if !version.is_v5() {
            return Ok(Self::default());
        }
        // 5.0 §3.14.2.1: remaining length 0 means Normal disconnection, 1 means no properties.
        let (reason, properties) = decode_reason_and_properties(PacketKind::Disconnect, r)?;
        Ok(Self { reason, properties })
    }

    /// Size of the variable header: empty for a plain normal disconnection.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if !version.is_v5() {
            return Ok(0);
        }
        // The valid 1-byte form (reason code, no property length) is not readable by some
        // clients (rumqttc 0.25), so it is never sent.
        Ok(match properties::encoded_len(&self.properties)? {
            1 if self.reason == ReasonCode::NORMAL_DISCONNECTION => 0,
            properties_len => 1 + properties_len,
        })
    }

    /// Writes the variable header in the form `body_len` chose.
    pub(super) fn write_body(&self, body_len: usize, buf: &mut BytesMut) {
        write_reason_and_properties(self.reason, &self.properties, body_len, buf);
    }
}

impl Auth {
    /// Reads the variable header.
    pub(super) fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        let (reason, properties) = decode_reason_and_properties(PacketKind::Auth, r)?;
        Ok(Self { reason, properties })
    }

    /// Size of the variable header; AUTH may only be shortened to nothing (5.0 §3.15.2.1).
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if !version.is_v5() {
            return Err(EncodeError::NotInVersion {
                kind: PacketKind::Auth,
                version,
            });
        }
        Ok(match properties::encoded_len(&self.properties)? {
            1 if self.reason == ReasonCode::SUCCESS => 0,
            properties_len => 1 + properties_len,
        })
    }

    /// Writes the variable header in the form `body_len` chose.
    pub(super) fn write_body(&self, body_len: usize, buf: &mut BytesMut) {
        write_reason_and_properties(self.reason, &self.properties, body_len, buf);
    }
}

/// Reads an optional reason code and optional properties that end the packet.
fn decode_reason_and_properties<P: PropertySet>(
    kind: PacketKind,
    r: &mut Reader,
) -> Result<(ReasonCode, P), DecodeError> {
    if r.is_empty() {
        return Ok((ReasonCode::SUCCESS, P::default()));
    }
    let reason = ReasonCode(r.u8()?);
    if !reason.is_allowed_in(kind) {
        return Err(DecodeError::ProtocolError(
            "reason code not allowed in this packet",
        ));
    }
    // An AUTH with a reason code must carry a property length (5.0 §3.15.2.2); a DISCONNECT
    // may stop after the reason code (5.0 §3.14.2.2).
    if r.is_empty() && kind == PacketKind::Disconnect {
        return Ok((reason, P::default()));
    }
    Ok((reason, properties::decode(r)?))
}

fn write_reason_and_properties<P: PropertySet>(
    reason: ReasonCode,
    properties: &P,
    body_len: usize,
    buf: &mut BytesMut,
) {
    if body_len > 0 {
        buf.put_u8(reason.0);
    }
    if body_len > 1 {
        properties::write(properties, buf);
    }
}
