//! Byte-vector checks: decode to the expected packet, encode back to the same bytes, and
//! every strict prefix is "need more bytes" without consuming anything.

use bytes::BytesMut;
use nanomq_codec::{Packet, PacketId, ProtocolVersion, decode_packet, encode_packet, encoded_len};

pub const MAX: usize = 1 << 20;

pub fn pid(id: u16) -> PacketId {
    PacketId::new(id).unwrap()
}

/// Decodes `bytes` to `packet`, encodes `packet` to `bytes`, and checks every strict prefix.
pub fn check(version: ProtocolVersion, bytes: &[u8], packet: Packet) {
    let mut buf = BytesMut::from(bytes);
    assert_eq!(
        decode_packet(&mut buf, version, MAX),
        Ok(Some(packet.clone()))
    );
    assert!(buf.is_empty(), "decode left {} bytes", buf.len());

    let mut out = BytesMut::new();
    assert_eq!(encode_packet(&packet, version, &mut out), Ok(()));
    assert_eq!(&out[..], bytes, "encoding of {packet:?}");
    assert_eq!(encoded_len(&packet, version), Ok(bytes.len()));

    check_prefixes(version, bytes);
}

/// Decodes `bytes` to `packet` where the encoder picks another (shorter) form.
pub fn check_decode(version: ProtocolVersion, bytes: &[u8], packet: Packet) {
    let mut buf = BytesMut::from(bytes);
    assert_eq!(decode_packet(&mut buf, version, MAX), Ok(Some(packet)));
    assert!(buf.is_empty());
    check_prefixes(version, bytes);
}

pub fn check_prefixes(version: ProtocolVersion, bytes: &[u8]) {
    for len in 0..bytes.len() {
        let mut buf = BytesMut::from(&bytes[..len]);
        assert_eq!(
            decode_packet(&mut buf, version, MAX),
            Ok(None),
            "prefix {len}"
        );
        assert_eq!(&buf[..], &bytes[..len], "prefix {len} was consumed");
    }
}
