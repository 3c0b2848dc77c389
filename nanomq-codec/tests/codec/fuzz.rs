//! Robustness: random bytes, and frames assembled from plausible MQTT fields (strings, varints,
//! property ids, protocol names) with a correct remaining length so that they reach the deep
//! parsing paths, never make the decoder panic. Whatever it accepts re-encodes to bytes that
//! read back the same, and "need more bytes" never consumes anything.

#![allow(clippy::unwrap_used)] // Encoding a packet the decoder produced cannot fail.

use bytes::{BufMut, BytesMut};
use nanomq_codec::{Packet, ProtocolVersion, decode_packet, encode_packet};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use ProtocolVersion::{V3_1, V3_1_1, V5};

fn version() -> impl Strategy<Value = ProtocolVersion> {
    select(&[V3_1, V3_1_1, V5][..])
}

fn put_varint(buf: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            buf.push(byte);
            return;
        }
        buf.push(byte | 0x80);
    }
}

fn length_prefixed(bytes: &[u8]) -> Vec<u8> {
    let mut field = (bytes.len() as u16).to_be_bytes().to_vec();
    field.extend_from_slice(bytes);
    field
}

/// CONNECT protocol names and levels, so that CONNECT bodies get past their first check.
const PROTOCOL_HEADERS: &[&[u8]] = &[
    b"\x00\x04MQTT\x05",
    b"\x00\x04MQTT\x04",
    b"\x00\x06MQIsdp\x03",
];

/// One field of a variable header or payload, valid or nearly so.
fn field() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<u8>().prop_map(|byte| vec![byte]),
        any::<u16>().prop_map(|value| value.to_be_bytes().to_vec()),
        "[a-z/+#$\u{0}é]{0,6}".prop_map(|text| length_prefixed(text.as_bytes())),
        vec(any::<u8>(), 0..6).prop_map(|bytes| length_prefixed(&bytes)),
        (0..300_000_000usize).prop_map(|value| {
            let mut field = Vec::new();
            put_varint(&mut field, value);
            field
        }),
        (0..0x2Cu8, any::<[u8; 4]>()).prop_map(|(id, value)| {
            let mut field = vec![id];
            field.extend_from_slice(&value);
            field
        }),
        select(PROTOCOL_HEADERS).prop_map(<[u8]>::to_vec),
    ]
}

/// A frame with a valid-looking first byte and a remaining length that matches its body.
fn frame() -> impl Strategy<Value = Vec<u8>> {
    // Mostly the flags Table 2-2 requires, so that the body gets parsed; sometimes noise.
    let first = (1..=15u8, any::<u8>(), 0..4u8).prop_map(|(kind, noise, pick)| {
        let flags = match (pick, kind) {
            (0, _) => noise & 0x0F,
            (_, 3) => {
                let qos = noise % 3;
                let dup = if qos > 0 { noise & 0b1000 } else { 0 };
                dup | qos << 1 | noise >> 7
            }
            (_, 6 | 8 | 10) => 0b0010,
            _ => 0,
        };
        kind << 4 | flags
    });
    (first, vec(field(), 0..8)).prop_map(|(first, fields)| {
        let body = fields.concat();
        let mut frame = vec![first];
        put_varint(&mut frame, body.len());
        frame.extend_from_slice(&body);
        frame
    })
}

/// Decodes everything in `buf`, as a connection would, until it needs more bytes or fails.
fn drain(
    mut buf: BytesMut,
    version: ProtocolVersion,
    max_size: usize,
) -> Result<(), TestCaseError> {
    loop {
        let before = buf.clone();
        match decode_packet(&mut buf, version, max_size) {
            Ok(Some(packet)) => {
                let version = match &packet {
                    Packet::Connect(connect) => connect.protocol,
                    _ => version,
                };
                let mut again = BytesMut::new();
                encode_packet(&packet, version, &mut again).unwrap();
                prop_assert_eq!(
                    decode_packet(&mut again, version, usize::MAX),
                    Ok(Some(packet))
                );
            }
            Ok(None) => {
                prop_assert_eq!(buf, before);
                return Ok(());
            }
            Err(_) => return Ok(()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn random_bytes_never_panic(
        version in version(),
        bytes in vec(any::<u8>(), 0..300),
        max_size in prop_oneof![Just(usize::MAX), 0..64usize],
    ) {
        drain(BytesMut::from(&bytes[..]), version, max_size)?;
    }

    #[test]
    fn plausible_frames_never_panic(version in version(), frames in vec(frame(), 1..4)) {
        let mut buf = BytesMut::new();
        for frame in &frames {
            buf.put_slice(frame);
        }
        drain(buf, version, usize::MAX)?;
    }
}
