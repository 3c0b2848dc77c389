//! Malformed-input checks: a byte vector must be refused with the right error, reason code
//! and explanation.

use bytes::BytesMut;
use nanomq_codec::{DecodeError, Packet, ProtocolVersion, ReasonCode, decode_packet};

pub const MALFORMED: ReasonCode = ReasonCode::MALFORMED_PACKET;

pub const PROTOCOL: ReasonCode = ReasonCode::PROTOCOL_ERROR;

pub const TOPIC_NAME: ReasonCode = ReasonCode::TOPIC_NAME_INVALID;

pub fn decode(version: ProtocolVersion, bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
    decode_packet(&mut BytesMut::from(bytes), version, 1 << 20)
}

/// Asserts that `bytes` is refused with `reason`, and that the message mentions `why`.
pub fn rejects(version: ProtocolVersion, bytes: &[u8], reason: ReasonCode, why: &str) {
    match decode(version, bytes) {
        Err(error) => {
            assert_eq!(error.reason_code(), reason, "{error} for {bytes:02X?}");
            assert!(
                error.to_string().contains(why),
                "{error:?} does not say {why:?}"
            );
        }
        Ok(packet) => panic!("{bytes:02X?} decoded to {packet:?}, expected {why:?}"),
    }
}
