//! The fixed header (MQTT 5.0 §2.1): packet type, flags and remaining length, read without
//! touching the buffer so that "is a whole packet here?" costs a few byte reads.

use super::error::DecodeError;
use super::types::{PacketKind, ProtocolVersion};

/// The parsed fixed header of a packet at the front of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FixedHeader {
    /// The packet type.
    pub(super) kind: PacketKind,
    /// The low four bits of the first byte (only PUBLISH gives them a meaning).
    pub(super) flags: u8,
    /// Bytes taken by the fixed header itself (2..=5).
    pub(super) header_len: usize,
    /// The remaining length: bytes of variable header and payload.
    pub(super) remaining_len: usize,
}

impl FixedHeader {
    /// Size of the whole packet, fixed header included.
    pub(super) fn packet_len(&self) -> usize {
        self.header_len + self.remaining_len
    }
}

/// Reads the fixed header at the front of `buf`; `Ok(None)` if it has not fully arrived.
///
/// The first byte is checked as soon as it is there and an over-long remaining length as soon
/// as its fourth byte is, so garbage is rejected without waiting for more input.
pub(super) fn parse_fixed_header(
    buf: &[u8],
    version: ProtocolVersion,
) -> Result<Option<FixedHeader>, DecodeError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let kind = PacketKind::from_type(first >> 4)
        .ok_or(DecodeError::MalformedPacket("packet type 0 is reserved"))?;
    let flags = first & 0x0F;
    check_flags(kind, flags, version)?;

    let mut remaining_len = 0;
    for (index, shift) in [0, 7, 14, 21].into_iter().enumerate() {
        let Some(&byte) = buf.get(1 + index) else {
            return Ok(None);
        };
        remaining_len |= usize::from(byte & 0x7F) << shift;
        if byte & 0x80 == 0 {
            return Ok(Some(FixedHeader {
                kind,
                flags,
                header_len: 2 + index,
                remaining_len,
            }));
        }
    }
    Err(DecodeError::MalformedPacket(
        "remaining length longer than four bytes",
    ))
}

/// Enforces the flag bits of Table 2-2; any other value is a Malformed Packet [MQTT-2.1.3-1].
fn check_flags(kind: PacketKind, flags: u8, version: ProtocolVersion) -> Result<(), DecodeError> {
    let expected = match kind {
        PacketKind::Publish => return check_publish_flags(flags),
        // MQTT 3.1 sets DUP on these when it resends them (3.1 §3.6, §3.8, §3.10).
        PacketKind::PubRel | PacketKind::Subscribe | PacketKind::Unsubscribe
            if version == ProtocolVersion::V3_1 =>
        {
            return match flags & 0b0111 {
                0b0010 => Ok(()),
                _ => Err(DecodeError::MalformedPacket("invalid fixed header flags")),
            };
        }
        PacketKind::PubRel | PacketKind::Subscribe | PacketKind::Unsubscribe => 0b0010,
        // CONNECT carries its own version, so AUTH is judged by the negotiated one only.
        PacketKind::Auth if !version.is_v5() => {
            return Err(DecodeError::MalformedPacket("AUTH before MQTT 5.0"));
        }
        _ => 0,
    };
    if flags != expected {
        return Err(DecodeError::MalformedPacket("invalid fixed header flags"));
    }
    Ok(())
}

fn check_publish_flags(flags: u8) -> Result<(), DecodeError> {
    let qos = (flags >> 1) & 0b11;
    if qos == 3 {
        // [MQTT-3.3.1-4]
        return Err(DecodeError::MalformedPacket("PUBLISH with QoS 3"));
    }
    if qos == 0 && flags & 0b1000 != 0 {
        // [MQTT-3.3.1-2]
        return Err(DecodeError::MalformedPacket("DUP set on a QoS 0 PUBLISH"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    #[test]
    fn incomplete_headers_need_more_bytes() {
        assert_eq!(parse_fixed_header(&[], V4), Ok(None));
        assert_eq!(parse_fixed_header(&[0x30], V4), Ok(None));
        assert_eq!(parse_fixed_header(&[0x30, 0x80, 0x80], V4), Ok(None));
    }

    #[test]
    fn lengths_and_sizes() {
        let header = parse_fixed_header(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F], V4);
        let header = header
            .ok()
            .flatten()
            .map(|h| (h.header_len, h.packet_len()));
        assert_eq!(header, Some((5, 268_435_460)));
        let ping = parse_fixed_header(&[0xC0, 0x00], V4).ok().flatten();
        assert_eq!(
            ping.map(|h| (h.kind, h.packet_len())),
            Some((PacketKind::PingReq, 2))
        );
    }

    #[test]
    fn bad_first_bytes_fail_at_once() {
        for first in [0x00, 0x31 | 0x06, 0x38, 0x60, 0x80, 0xA0, 0x21, 0xF0] {
            assert!(
                parse_fixed_header(&[first], V4).is_err(),
                "{first:#04x} should be rejected"
            );
        }
        assert!(parse_fixed_header(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF], V4).is_err());
        assert_eq!(parse_fixed_header(&[0xF0], ProtocolVersion::V5), Ok(None));
        assert_eq!(parse_fixed_header(&[0x6A], ProtocolVersion::V3_1), Ok(None));
        assert!(parse_fixed_header(&[0x6A], V4).is_err());
    }
}
