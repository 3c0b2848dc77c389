//! CONNACK (MQTT 3.1 §3.2, 3.1.1 §3.2, 5.0 §3.2): the server's answer to CONNECT.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::properties::{self, ConnAckProperties};
use super::reader::Reader;
use super::reason::ReasonCode;
use super::types::{PacketKind, ProtocolVersion};

/// The server's answer to CONNECT.
///
/// `code` always holds the MQTT 5.0 reason code. For 3.x it is mapped to the return codes
/// 0..=5: SUCCESS 0, UNSUPPORTED_PROTOCOL_VERSION 1, CLIENT_IDENTIFIER_NOT_VALID 2,
/// SERVER_UNAVAILABLE 3, BAD_USERNAME_OR_PASSWORD 4, NOT_AUTHORIZED 5; every other error is
/// sent as 3 ("server unavailable"), the v3 code for a refusal the client cannot fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck {
    /// Whether the server resumed an existing session (always false in MQTT 3.1).
    pub session_present: bool,
    /// The outcome, as an MQTT 5.0 reason code.
    pub code: ReasonCode,
    /// CONNACK properties (5.0 only; empty otherwise).
    pub properties: ConnAckProperties,
}

impl ConnAck {
    /// Reads the variable header.
    pub(super) fn decode(version: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let flags = r.u8()?;
        // MQTT 3.1 leaves this byte unused, so whatever it holds means nothing.
        let session_present = version != ProtocolVersion::V3_1 && flags & 1 != 0;
        if version != ProtocolVersion::V3_1 && flags & !1 != 0 {
            // [MQTT-3.2.2-1]
            return Err(DecodeError::MalformedPacket("CONNACK reserved flags set"));
        }
        let raw = r.u8()?;
        let code = if version.is_v5() {
            let code = ReasonCode(raw);
            if !code.is_allowed_in(PacketKind::ConnAck) {
                return Err(DecodeError::ProtocolError(
                    "reason code not allowed in CONNACK",
                ));
            }
            code
        } else {
            ReasonCode::from_v3_connect_return(raw)
                .ok_or(DecodeError::MalformedPacket("reserved CONNACK return code"))?
        };
        if session_present && code.is_error() {
            // [MQTT-3.2.2-4] (3.1.1), [MQTT-3.2.2-6] (5.0)
            return Err(DecodeError::ProtocolError(
                "session present on a refused connection",
            ));
        }
        let properties = if version.is_v5() {
            properties::decode(r)?
        } else {
            ConnAckProperties::default()
        };
        Ok(Self {
            session_present,
            code,
            properties,
        })
    }

    /// Size of the variable header.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if version.is_v5() {
            Ok(2 + properties::encoded_len(&self.properties)?)
        } else {
            Ok(2)
        }
    }

    /// Writes the variable header.
    pub(super) fn write_body(&self, version: ProtocolVersion, buf: &mut BytesMut) {
        let session_present = self.session_present && version != ProtocolVersion::V3_1;
        buf.put_u8(u8::from(session_present));
        if version.is_v5() {
            buf.put_u8(self.code.0);
            properties::write(&self.properties, buf);
        } else {
            buf.put_u8(self.code.to_v3_connect_return());
        }
    }
}
