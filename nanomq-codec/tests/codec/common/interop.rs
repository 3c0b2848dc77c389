//! Cross-check helpers: run the independent `mqttbytes` codec on our bytes and ours on theirs.

use bytes::BytesMut;
use mqttbytes::{v4, v5};
use nanomq_codec::{Packet, ProtocolVersion, decode_packet, encode_packet};

use ProtocolVersion::{V3_1_1, V5};

pub const MAX: usize = 1 << 20;

/// Decodes bytes written by `mqttbytes` with our codec; they must form exactly one packet.
pub fn decode_theirs(mut bytes: BytesMut, version: ProtocolVersion) -> Packet {
    let packet = decode_packet(&mut bytes, version, MAX).unwrap().unwrap();
    assert!(bytes.is_empty());
    packet
}

pub fn encode(packet: &Packet, version: ProtocolVersion) -> BytesMut {
    let mut buf = BytesMut::new();
    encode_packet(packet, version, &mut buf).unwrap();
    buf
}

pub fn read_v4(packet: &Packet) -> v4::Packet {
    let mut buf = encode(packet, V3_1_1);
    let theirs = v4::read(&mut buf, MAX).unwrap();
    assert!(buf.is_empty());
    theirs
}

pub fn read_v5(packet: &Packet) -> v5::Packet {
    let mut buf = encode(packet, V5);
    let theirs = v5::read(&mut buf, MAX).unwrap();
    assert!(buf.is_empty());
    theirs
}

/// Runs a `mqttbytes` writer and returns what it wrote.
pub fn written<E: std::fmt::Debug>(
    write: impl FnOnce(&mut BytesMut) -> Result<usize, E>,
) -> BytesMut {
    let mut buf = BytesMut::new();
    write(&mut buf).unwrap();
    buf
}

pub fn user(key: &str, value: &str) -> Vec<(String, String)> {
    vec![(key.into(), value.into())]
}
