//! Property-test checks: encode then decode gives the packet back with every strict prefix
//! "need more"; corrupted and truncated packets never panic the decoder; and the strategies
//! for the values both packet families share.

use std::fmt::Debug;

use bytes::{Bytes, BytesMut};
use nanomq_codec::{
    Packet, ProtocolVersion, QoS, ReasonCode, decode_packet, encode_packet, encoded_len,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::BoxedStrategy;

use ProtocolVersion::V5;

pub const MAX: usize = 1 << 20;

pub fn encode(packet: &Packet, version: ProtocolVersion) -> BytesMut {
    let mut buf = BytesMut::new();
    encode_packet(packet, version, &mut buf).unwrap();
    buf
}

/// Encode then decode gives the packet back, and every strict prefix asks for more bytes.
pub fn check_round_trip(version: ProtocolVersion, packet: Packet) -> Result<(), TestCaseError> {
    let bytes = encode(&packet, version);
    prop_assert_eq!(encoded_len(&packet, version), Ok(bytes.len()));
    let mut buf = bytes.clone();
    prop_assert_eq!(decode_packet(&mut buf, version, MAX), Ok(Some(packet)));
    prop_assert!(buf.is_empty());
    for len in 0..bytes.len() {
        let mut prefix = BytesMut::from(&bytes[..len]);
        prop_assert_eq!(decode_packet(&mut prefix, version, MAX), Ok(None));
        prop_assert_eq!(&prefix[..], &bytes[..len]);
    }
    Ok(())
}

/// Corrupts a few bytes of a valid packet and cuts it short: decoding must not panic, and
/// whatever it still accepts must re-encode to bytes that read back the same.
pub fn check_mutated(
    version: ProtocolVersion,
    packet: &Packet,
    mutations: Vec<(Index, u8)>,
    cut: Index,
) -> Result<(), TestCaseError> {
    let mut bytes = encode(packet, version);
    for (index, byte) in mutations {
        let at = index.index(bytes.len());
        bytes[at] = byte;
    }
    let truncated = BytesMut::from(&bytes[..cut.index(bytes.len())]);
    for mut buf in [bytes, truncated] {
        if let Ok(Some(packet)) = decode_packet(&mut buf, version, MAX) {
            let version = match &packet {
                Packet::Connect(connect) => connect.protocol,
                _ => version,
            };
            let mut again = encode(&packet, version);
            prop_assert_eq!(decode_packet(&mut again, version, MAX), Ok(Some(packet)));
        }
    }
    Ok(())
}

pub fn reason(codes: &'static [u8]) -> impl Strategy<Value = ReasonCode> {
    select(codes).prop_map(ReasonCode)
}

/// Properties only exist in 5.0; for 3.x the only valid value is the empty set.
pub fn v5_only<T, S>(version: ProtocolVersion, strategy: S) -> BoxedStrategy<T>
where
    T: Default + Clone + Debug + 'static,
    S: Strategy<Value = T> + 'static,
{
    if version == V5 {
        strategy.boxed()
    } else {
        Just(T::default()).boxed()
    }
}

pub fn text() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,8}"
}

pub fn topic_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9/_ $é€]{1,12}"
}

pub fn binary(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

pub fn user_properties() -> impl Strategy<Value = Vec<(String, String)>> {
    vec((text(), text()), 0..3)
}

pub fn qos() -> impl Strategy<Value = QoS> {
    select(&[QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce][..])
}
