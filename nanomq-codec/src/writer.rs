//! Sizing and writing of the MQTT data types; sizing checks the limits so writing cannot fail.

use bytes::{BufMut, BytesMut};

use super::error::EncodeError;

/// Largest value a Variable Byte Integer (and so the remaining length) can hold.
pub const MAX_VARINT: u32 = 268_435_455;

/// Bytes a Variable Byte Integer takes for `value` (at most [`MAX_VARINT`]).
pub(super) fn varint_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Checks that `value` fits a Variable Byte Integer and returns its encoded size.
pub(super) fn checked_varint_len(value: u32) -> Result<usize, EncodeError> {
    if value > MAX_VARINT {
        return Err(EncodeError::VarIntTooLarge { value });
    }
    Ok(varint_len(value as usize))
}

/// Size of a length-prefixed string or binary field, checking the 65,535-byte limit.
pub(super) fn field_len(len: usize) -> Result<usize, EncodeError> {
    if len > usize::from(u16::MAX) {
        return Err(EncodeError::FieldTooLong { len });
    }
    Ok(2 + len)
}

/// Writes a Variable Byte Integer; `value` was checked against [`MAX_VARINT`] while sizing.
pub(super) fn put_varint(buf: &mut BytesMut, mut value: usize) {
    loop {
        // Truncation keeps the low seven bits, which is the point.
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            buf.put_u8(byte);
            return;
        }
        buf.put_u8(byte | 0x80);
    }
}

/// Writes a length-prefixed field; its length was checked by [`field_len`] while sizing.
pub(super) fn put_field(buf: &mut BytesMut, bytes: &[u8]) {
    buf.put_u16(bytes.len() as u16);
    buf.put_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_sizes_match_writes() {
        for value in [
            0,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            268_435_455,
        ] {
            let mut buf = BytesMut::new();
            put_varint(&mut buf, value);
            assert_eq!(buf.len(), varint_len(value), "{value}");
        }
        let mut buf = BytesMut::new();
        put_varint(&mut buf, 321);
        assert_eq!(&buf[..], &[0xC1, 0x02]);
        assert!(checked_varint_len(MAX_VARINT + 1).is_err());
    }

    #[test]
    fn field_len_enforces_the_16_bit_prefix() {
        assert_eq!(field_len(65_535), Ok(65_537));
        assert_eq!(
            field_len(65_536),
            Err(EncodeError::FieldTooLong { len: 65_536 })
        );
    }
}
