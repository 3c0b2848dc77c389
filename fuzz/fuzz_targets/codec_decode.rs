//! The MQTT codec on arbitrary bytes, as a broker reads them: every packet type, MQTT 3.1,
//! 3.1.1 and 5.0, any packet size limit. It must never panic; what it decodes must encode, and
//! decode again to the same packet.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use nanomq_codec::{ProtocolVersion, decode_packet, encode_packet};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let version = match selector % 3 {
        0 => ProtocolVersion::V3_1,
        1 => ProtocolVersion::V3_1_1,
        _ => ProtocolVersion::V5,
    };
    let max_size = if selector & 0x80 == 0 {
        256
    } else {
        usize::MAX
    };
    let mut buf = BytesMut::from(input);
    // A connection decodes packet after packet until one is incomplete or bad.
    while let Ok(Some(packet)) = decode_packet(&mut buf, version, max_size) {
        let mut encoded = BytesMut::new();
        if encode_packet(&packet, version, &mut encoded).is_err() {
            continue;
        }
        let again = decode_packet(&mut encoded, version, usize::MAX)
            .expect("what the codec encodes, it decodes")
            .expect("a whole packet");
        assert_eq!(again, packet, "round trip");
        assert!(encoded.is_empty(), "nothing left over");
    }
});
