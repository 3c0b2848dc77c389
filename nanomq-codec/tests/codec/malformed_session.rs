//! One byte vector per framing and session rule (fixed header, remaining length, strings,
//! CONNECT, CONNACK, DISCONNECT, AUTH): each must be refused with the right error, the right
//! MQTT 5.0 reason code, and for the right reason.

#![allow(clippy::panic)] // A test that fails should stop loudly; none of this runs on network input.

use crate::common;

use nanomq_codec::{DecodeError, ProtocolVersion, ReasonCode};

use ProtocolVersion::{V3_1, V3_1_1, V5};
use common::malformed::*;

#[test]
fn fixed_header() {
    rejects(V3_1_1, b"\x00\x00", MALFORMED, "type 0");
    rejects(V3_1_1, b"\xF0\x00", MALFORMED, "AUTH before");
    rejects(V3_1, b"\xF0\x00", MALFORMED, "AUTH before");
    rejects(V3_1_1, b"\x36\x05\x00\x01a\x00\x01", MALFORMED, "QoS 3");
    rejects(V5, b"\x38\x04\x00\x01a\x00", MALFORMED, "DUP");
    rejects(V3_1_1, b"\x60\x02\x00\x01", MALFORMED, "flags");
    rejects(V3_1_1, b"\x6A\x02\x00\x01", MALFORMED, "flags");
    rejects(V3_1_1, b"\x80\x06\x00\x01\x00\x01a\x00", MALFORMED, "flags");
    rejects(V5, b"\xA0\x05\x00\x01\x00\x01a", MALFORMED, "flags");
    rejects(V3_1_1, b"\x21\x02\x00\x00", MALFORMED, "flags");
    rejects(V3_1_1, b"\x12\x00", MALFORMED, "flags");
    rejects(V5, b"\xC1\x00", MALFORMED, "flags");
    rejects(V5, b"\xE8\x00", MALFORMED, "flags");
}

#[test]
fn remaining_length() {
    // A fifth length byte is refused as soon as the fourth shows a continuation bit.
    rejects(V3_1_1, b"\x30\xFF\xFF\xFF\xFF", MALFORMED, "four bytes");
    rejects(V3_1_1, b"\x30\x80\x80\x80\x80\x01", MALFORMED, "four bytes");
    // Declared length longer than the fields: bytes left over inside the packet.
    rejects(V3_1_1, b"\x40\x03\x00\x01\x00", MALFORMED, "left over");
    rejects(V3_1_1, b"\xC0\x01\x00", MALFORMED, "left over");
    rejects(V3_1_1, b"\xE0\x01\x00", MALFORMED, "left over");
    rejects(V3_1_1, b"\x20\x03\x00\x00\x00", MALFORMED, "left over");
    // Declared length shorter than the fields: a field runs past the packet.
    rejects(V3_1_1, b"\x30\x04\x00\x0Aab", MALFORMED, "past the end");
    rejects(V3_1_1, b"\x40\x01\x00", MALFORMED, "past the end");
    rejects(V3_1_1, b"\x32\x04\x00\x01a\x00", MALFORMED, "past the end");
    rejects(V5, b"\x20\x02\x00\x00", MALFORMED, "past the end");
}

#[test]
fn strings() {
    rejects(V3_1_1, b"\x30\x04\x00\x02\xC3\x28", MALFORMED, "UTF-8");
    // U+D800 encoded as if it were a character.
    rejects(V3_1_1, b"\x30\x05\x00\x03\xED\xA0\x80", MALFORMED, "UTF-8");
    rejects(V3_1_1, b"\x30\x05\x00\x03a\x00b", MALFORMED, "U+0000");
    rejects(
        V3_1_1,
        b"\x10\x0D\x00\x04MQTT\x04\x02\x00\x3C\x00\x01\x00",
        MALFORMED,
        "U+0000",
    );
    // A user property value with an invalid byte.
    let bytes = b"\xE0\x09\x00\x07\x26\x00\x01k\x00\x01\xFF";
    rejects(V5, bytes, MALFORMED, "UTF-8");
}

#[test]
fn connect() {
    let unknown = b"\x10\x0D\x00\x04MQTX\x04\x02\x00\x3C\x00\x01a";
    rejects(V3_1_1, unknown, PROTOCOL, "protocol name");
    let unsupported = ReasonCode::UNSUPPORTED_PROTOCOL_VERSION;
    for (bytes, name, level) in [
        (
            &b"\x10\x0D\x00\x04MQTT\x03\x02\x00\x3C\x00\x01a"[..],
            "MQTT",
            3,
        ),
        (b"\x10\x0D\x00\x04MQTT\x06\x02\x00\x3C\x00\x01a", "MQTT", 6),
        (
            b"\x10\x0F\x00\x06MQIsdp\x04\x02\x00\x3C\x00\x01a",
            "MQIsdp",
            4,
        ),
    ] {
        let error = DecodeError::UnsupportedProtocolVersion { name, level };
        assert_eq!(decode(V5, bytes), Err(error.clone()));
        assert_eq!(error.reason_code(), unsupported);
    }
    let connect = |flags: u8, tail: &[u8]| {
        let mut bytes = b"\x10\x00\x00\x04MQTT\x04".to_vec();
        bytes.push(flags);
        bytes.extend_from_slice(b"\x00\x3C\x00\x01a");
        bytes.extend_from_slice(tail);
        bytes[1] = u8::try_from(bytes.len() - 2).unwrap_or(0);
        bytes
    };
    rejects(V3_1_1, &connect(0x03, b""), MALFORMED, "reserved flag");
    rejects(
        V3_1_1,
        &connect(0x1E, b"\x00\x01t\x00\x00"),
        MALFORMED,
        "will QoS 3",
    );
    rejects(
        V3_1_1,
        &connect(0x0A, b""),
        MALFORMED,
        "without the will flag",
    );
    rejects(
        V3_1_1,
        &connect(0x22, b""),
        MALFORMED,
        "without the will flag",
    );
    rejects(
        V3_1_1,
        &connect(0x42, b"\x00\x01p"),
        MALFORMED,
        "password flag",
    );
    rejects(
        V3_1,
        &connect(0x42, b"\x00\x01p"),
        MALFORMED,
        "password flag",
    );
    rejects(
        V3_1_1,
        &connect(0x06, b"\x00\x03a/#\x00\x00"),
        TOPIC_NAME,
        "wildcard",
    );
    rejects(
        V3_1_1,
        &connect(0x06, b"\x00\x00\x00\x00"),
        TOPIC_NAME,
        "empty",
    );
    // 5.0: Authentication Data without Authentication Method (§3.1.2.11.10).
    let bytes = b"\x10\x12\x00\x04MQTT\x05\x02\x00\x3C\x04\x16\x00\x01d\x00\x01a";
    rejects(V5, bytes, PROTOCOL, "authentication method");
    let bytes = b"\x10\x10\x00\x04MQTT\x05\x02\x00\x3C\x02\x17\x02\x00\x01a";
    rejects(V5, bytes, PROTOCOL, "0 or 1");
    let bytes = b"\x10\x11\x00\x04MQTT\x05\x02\x00\x3C\x03\x21\x00\x00\x00\x01a";
    rejects(V5, bytes, PROTOCOL, "receive maximum 0");
    let bytes = b"\x10\x13\x00\x04MQTT\x05\x02\x00\x3C\x05\x27\x00\x00\x00\x00\x00\x01a";
    rejects(V5, bytes, PROTOCOL, "maximum packet size 0");
    // A will property that CONNECT does not allow, and one that only the will allows.
    let bytes = b"\x10\x15\x00\x04MQTT\x05\x06\x00\x3C\x00\x00\x01a\x02\x23\x00\x00\x01t\x00\x00";
    rejects(V5, bytes, MALFORMED, "not allowed");
    let bytes = b"\x10\x13\x00\x04MQTT\x05\x02\x00\x3C\x05\x18\x00\x00\x00\x01\x00\x01a";
    rejects(V5, bytes, MALFORMED, "not allowed");
}

#[test]
fn connack() {
    rejects(V3_1_1, b"\x20\x02\x00\x06", MALFORMED, "return code");
    rejects(V3_1_1, b"\x20\x02\x02\x00", MALFORMED, "reserved flags");
    rejects(V3_1_1, b"\x20\x02\x01\x05", PROTOCOL, "session present");
    rejects(V5, b"\x20\x03\x01\x87\x00", PROTOCOL, "session present");
    rejects(V5, b"\x20\x03\x00\x10\x00", PROTOCOL, "reason code");
    rejects(V5, b"\x20\x05\x00\x00\x02\x24\x02", PROTOCOL, "maximum QoS");
    rejects(V5, b"\x20\x05\x00\x00\x02\x25\x02", PROTOCOL, "0 or 1");
    rejects(V5, b"\x20\x05\x00\x00\x02\x28\x07", PROTOCOL, "0 or 1");
    rejects(
        V5,
        b"\x20\x06\x00\x00\x03\x21\x00\x00",
        PROTOCOL,
        "receive maximum 0",
    );
}

#[test]
fn disconnect_and_auth() {
    rejects(V5, b"\xE0\x01\x01", PROTOCOL, "reason code");
    rejects(V5, b"\xE0\x01\x8A", PROTOCOL, "reason code");
    rejects(
        V5,
        b"\xE0\x05\x00\x03\x23\x00\x01",
        MALFORMED,
        "not allowed",
    );
    rejects(
        V5,
        b"\xE0\x08\x00\x05\x11\x00\x00\x00\x01\x00",
        MALFORMED,
        "left over",
    );
    rejects(V5, b"\xF0\x01\x00", MALFORMED, "past the end");
    rejects(V5, b"\xF0\x02\x80\x00", PROTOCOL, "reason code");
    rejects(V5, b"\xF0\x04\x18\x02\x11\x00", MALFORMED, "not allowed");
}
