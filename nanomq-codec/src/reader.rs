//! Bounds-checked reads of the MQTT data types (MQTT 5.0 §1.5) from one received packet.

use bytes::Bytes;

use super::error::DecodeError;
use super::types::PacketId;

/// A cursor over one whole packet; every read is checked against the packet's end.
pub(super) struct Reader {
    frame: Bytes,
    pos: usize,
}

const TRUNCATED: DecodeError =
    DecodeError::MalformedPacket("field runs past the end of the packet");

impl Reader {
    /// Starts reading `frame` at `pos` (just after the fixed header).
    pub(super) fn new(frame: Bytes, pos: usize) -> Self {
        Self { frame, pos }
    }

    /// Offset of the next byte to read within the packet.
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left until the end of the packet.
    pub(super) fn remaining(&self) -> usize {
        self.frame.len().saturating_sub(self.pos)
    }

    /// Whether the whole packet has been read.
    pub(super) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    fn take(&mut self, len: usize) -> Result<&[u8], DecodeError> {
        let end = self.pos.checked_add(len).ok_or(TRUNCATED)?;
        let bytes = self.frame.get(self.pos..end).ok_or(TRUNCATED)?;
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        self.take(N)?.try_into().map_err(|_| TRUNCATED)
    }

    /// A single byte.
    pub(super) fn u8(&mut self) -> Result<u8, DecodeError> {
        let byte = *self.frame.get(self.pos).ok_or(TRUNCATED)?;
        self.pos += 1;
        Ok(byte)
    }

    /// A big-endian Two Byte Integer.
    pub(super) fn u16(&mut self) -> Result<u16, DecodeError> {
        self.array().map(u16::from_be_bytes)
    }

    /// A big-endian Four Byte Integer.
    pub(super) fn u32(&mut self) -> Result<u32, DecodeError> {
        self.array().map(u32::from_be_bytes)
    }

    /// A Variable Byte Integer of at most four bytes (MQTT 5.0 §1.5.5).
    pub(super) fn varint(&mut self) -> Result<u32, DecodeError> {
        let mut value = 0u32;
        for shift in [0, 7, 14, 21] {
            let byte = self.u8()?;
            value |= u32::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::MalformedPacket(
            "variable byte integer longer than four bytes",
        ))
    }

    /// A non-zero packet identifier [MQTT-2.2.1-3].
    pub(super) fn packet_id(&mut self) -> Result<PacketId, DecodeError> {
        PacketId::new(self.u16()?).ok_or(DecodeError::ProtocolError("packet identifier 0"))
    }

    /// A UTF-8 Encoded String, borrowed from the packet.
    pub(super) fn str(&mut self) -> Result<&str, DecodeError> {
        let len = usize::from(self.u16()?);
        let bytes = self.take(len)?;
        // [MQTT-1.5.4-1]: ill-formed UTF-8 (surrogates included) is a Malformed Packet.
        let text = std::str::from_utf8(bytes)
            .map_err(|_| DecodeError::MalformedPacket("string is not valid UTF-8"))?;
        // [MQTT-1.5.4-2]: in valid UTF-8 a zero byte can only be U+0000.
        if bytes.contains(&0) {
            return Err(DecodeError::MalformedPacket("string contains U+0000"));
        }
        Ok(text)
    }

    /// A UTF-8 Encoded String, copied out of the packet.
    pub(super) fn string(&mut self) -> Result<String, DecodeError> {
        self.str().map(str::to_owned)
    }

    /// Binary Data, as a zero-copy slice of the packet.
    pub(super) fn binary(&mut self) -> Result<Bytes, DecodeError> {
        let len = usize::from(self.u16()?);
        let start = self.pos;
        self.take(len)?;
        Ok(self.frame.slice(start..start + len))
    }

    /// Everything up to the end of the packet (a PUBLISH payload), zero-copy.
    pub(super) fn rest(&mut self) -> Bytes {
        let start = self.pos.min(self.frame.len());
        self.pos = self.frame.len();
        self.frame.slice(start..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: &'static [u8]) -> Reader {
        Reader::new(Bytes::from_static(bytes), 0)
    }

    #[test]
    fn varint_boundaries() {
        let cases: [(&'static [u8], u32); 6] = [
            (&[0x00], 0),
            (&[0x7F], 127),
            (&[0x80, 0x01], 128),
            (&[0xFF, 0x7F], 16_383),
            (&[0x80, 0x80, 0x01], 16_384),
            (&[0xFF, 0xFF, 0xFF, 0x7F], 268_435_455),
        ];
        for (bytes, value) in cases {
            assert_eq!(reader(bytes).varint(), Ok(value));
        }
        assert!(matches!(
            reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x01]).varint(),
            Err(DecodeError::MalformedPacket(_))
        ));
        assert_eq!(reader(&[0x80]).varint(), Err(TRUNCATED));
    }

    #[test]
    fn strings_are_checked() {
        assert_eq!(reader(b"\x00\x02hi").str(), Ok("hi"));
        assert_eq!(reader(b"\x00\x03hi").str(), Err(TRUNCATED));
        assert!(reader(b"\x00\x01\xFF").str().is_err());
        // An encoded surrogate (U+D800) is ill-formed UTF-8.
        assert!(reader(b"\x00\x03\xED\xA0\x80").str().is_err());
        assert!(reader(b"\x00\x02a\x00").str().is_err());
    }

    #[test]
    fn binary_and_rest_are_slices() {
        let mut r = reader(b"\x00\x02abcd");
        assert_eq!(r.binary(), Ok(Bytes::from_static(b"ab")));
        assert_eq!(r.rest(), Bytes::from_static(b"cd"));
        assert!(r.is_empty());
        assert_eq!(r.rest(), Bytes::new());
    }

    #[test]
    fn packet_id_zero_is_rejected() {
        assert!(matches!(
            reader(&[0, 0]).packet_id(),
            Err(DecodeError::ProtocolError(_))
        ));
        assert_eq!(
            reader(&[0x12, 0x34]).packet_id().map(PacketId::get),
            Ok(0x1234)
        );
    }
}
