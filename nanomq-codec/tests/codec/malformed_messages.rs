//! One byte vector per rule of the message packets (PUBLISH, the PUBACK family, SUBSCRIBE,
//! SUBACK, UNSUBSCRIBE, UNSUBACK): each must be refused with the right error, the right MQTT
//! 5.0 reason code, and for the right reason.

#![allow(clippy::panic)] // A test that fails should stop loudly; none of this runs on network input.

use crate::common;

use nanomq_codec::{DecodeError, Packet, ProtocolVersion, ReasonCode};

use ProtocolVersion::{V3_1, V3_1_1, V5};
use common::malformed::*;

const TOPIC_FILTER: ReasonCode = ReasonCode::TOPIC_FILTER_INVALID;

#[test]
fn publish() {
    rejects(
        V3_1_1,
        b"\x32\x05\x00\x01a\x00\x00",
        PROTOCOL,
        "packet identifier 0",
    );
    rejects(V3_1_1, b"\x30\x05\x00\x03a/+", TOPIC_NAME, "wildcard");
    rejects(V3_1, b"\x30\x05\x00\x03a/+", TOPIC_NAME, "wildcard");
    rejects(V3_1_1, b"\x30\x03\x00\x01#", TOPIC_NAME, "wildcard");
    rejects(V3_1_1, b"\x30\x02\x00\x00", TOPIC_NAME, "empty");
    rejects(
        V5,
        b"\x30\x03\x00\x00\x00",
        PROTOCOL,
        "without a topic alias",
    );
    let alias_zero = DecodeError::TopicAliasInvalid;
    assert_eq!(
        decode(V5, b"\x30\x07\x00\x01a\x03\x23\x00\x00"),
        Err(alias_zero)
    );
    assert_eq!(
        DecodeError::TopicAliasInvalid.reason_code(),
        ReasonCode::TOPIC_ALIAS_INVALID
    );
    rejects(
        V5,
        b"\x30\x06\x00\x01a\x02\x0B\x00",
        PROTOCOL,
        "subscription identifier 0",
    );
    rejects(V5, b"\x30\x06\x00\x01a\x02\x01\x02", PROTOCOL, "0 or 1");
    rejects(
        V5,
        b"\x30\x08\x00\x01a\x04\x01\x01\x01\x00",
        PROTOCOL,
        "more than once",
    );
    rejects(
        V5,
        b"\x30\x09\x00\x01a\x05\x11\x00\x00\x00\x01",
        MALFORMED,
        "not allowed",
    );
    rejects(
        V5,
        b"\x30\x06\x00\x01a\x02\x7F\x00",
        MALFORMED,
        "not allowed",
    );
    rejects(
        V5,
        b"\x30\x07\x00\x01a\x03\x80\x01\x00",
        MALFORMED,
        "not allowed",
    );
    rejects(
        V5,
        b"\x30\x05\x00\x01a\x09\x00",
        MALFORMED,
        "property length exceeds",
    );
    // Message Expiry needs 4 bytes but the property length leaves it 2.
    rejects(
        V5,
        b"\x30\x09\x00\x01a\x02\x02\x00\x00\x00\x3C",
        MALFORMED,
        "property length",
    );
    rejects(
        V5,
        b"\x30\x09\x00\x01a\x05\x08\x00\x02a#",
        PROTOCOL,
        "response topic",
    );
    // Several Subscription Identifiers are fine: a server sends one per matching subscription.
    let repeated = decode(V5, b"\x30\x08\x00\x01a\x04\x0B\x01\x0B\x02");
    assert!(
        matches!(repeated, Ok(Some(Packet::Publish(_)))),
        "{repeated:?}"
    );
}

#[test]
fn publish_acks() {
    for first in [0x40, 0x50, 0x62, 0x70] {
        rejects(
            V3_1_1,
            &[first, 0x02, 0x00, 0x00],
            PROTOCOL,
            "packet identifier 0",
        );
    }
    rejects(V5, b"\x40\x03\x00\x01\x92", PROTOCOL, "reason code");
    rejects(V5, b"\x62\x03\x00\x01\x10", PROTOCOL, "reason code");
    rejects(V5, b"\x70\x03\x00\x01\x80", PROTOCOL, "reason code");
    let twice = b"\x40\x0C\x00\x01\x00\x08\x1F\x00\x01a\x1F\x00\x01b";
    rejects(V5, twice, PROTOCOL, "more than once");
    rejects(
        V5,
        b"\x40\x06\x00\x01\x00\x02\x23\x00",
        MALFORMED,
        "not allowed",
    );
}

#[test]
fn subscribe() {
    rejects(
        V3_1_1,
        b"\x82\x02\x00\x01",
        PROTOCOL,
        "without a topic filter",
    );
    rejects(
        V5,
        b"\x82\x03\x00\x01\x00",
        PROTOCOL,
        "without a topic filter",
    );
    rejects(
        V3_1_1,
        b"\x82\x06\x00\x00\x00\x01a\x00",
        PROTOCOL,
        "packet identifier 0",
    );
    rejects(
        V3_1_1,
        b"\x82\x06\x00\x01\x00\x01a\x04",
        MALFORMED,
        "reserved",
    );
    rejects(
        V3_1,
        b"\x82\x06\x00\x01\x00\x01a\x08",
        MALFORMED,
        "reserved",
    );
    rejects(V3_1_1, b"\x82\x06\x00\x01\x00\x01a\x03", MALFORMED, "QoS 3");
    rejects(
        V5,
        b"\x82\x07\x00\x01\x00\x00\x01a\x40",
        MALFORMED,
        "reserved",
    );
    rejects(V5, b"\x82\x07\x00\x01\x00\x00\x01a\x03", PROTOCOL, "QoS 3");
    rejects(
        V5,
        b"\x82\x07\x00\x01\x00\x00\x01a\x30",
        PROTOCOL,
        "retain handling 3",
    );
    rejects(
        V5,
        b"\x82\x09\x00\x01\x02\x0B\x00\x00\x01a\x00",
        PROTOCOL,
        "identifier 0",
    );
    let twice = b"\x82\x0B\x00\x01\x04\x0B\x01\x0B\x02\x00\x01a\x00";
    rejects(V5, twice, PROTOCOL, "more than once");
    let no_local_shared = b"\x82\x10\x00\x01\x00\x00\x0A$share/g/a\x04";
    rejects(V5, no_local_shared, PROTOCOL, "no local");
    rejects(
        V3_1_1,
        b"\x82\x0A\x00\x01\x00\x05a/#/b\x00",
        TOPIC_FILTER,
        "'#'",
    );
    rejects(
        V3_1_1,
        b"\x82\x08\x00\x01\x00\x03a+\x00\x00",
        MALFORMED,
        "U+0000",
    );
    rejects(
        V3_1_1,
        b"\x82\x07\x00\x01\x00\x02a+\x00",
        TOPIC_FILTER,
        "'+'",
    );
    rejects(
        V3_1_1,
        b"\x82\x06\x00\x01\x00\x00\x00\x01",
        TOPIC_FILTER,
        "empty",
    );
    rejects(
        V5,
        b"\x82\x0E\x00\x01\x00\x00\x08$share//\x00",
        TOPIC_FILTER,
        "share name",
    );
    rejects(
        V5,
        b"\x82\x0F\x00\x01\x00\x00\x09$share/g/\x00",
        TOPIC_FILTER,
        "shared",
    );
}

#[test]
fn suback() {
    rejects(V3_1_1, b"\x90\x03\x00\x01\x03", MALFORMED, "return code");
    rejects(
        V3_1_1,
        b"\x90\x02\x00\x01",
        PROTOCOL,
        "without a reason code",
    );
    rejects(V5, b"\x90\x04\x00\x01\x00\x04", PROTOCOL, "reason code");
    rejects(
        V5,
        b"\x90\x03\x00\x01\x00",
        PROTOCOL,
        "without a reason code",
    );
}

#[test]
fn unsubscribe_and_unsuback() {
    rejects(
        V3_1_1,
        b"\xA2\x02\x00\x01",
        PROTOCOL,
        "without a topic filter",
    );
    rejects(
        V3_1_1,
        b"\xA2\x06\x00\x01\x00\x01+\x2B",
        MALFORMED,
        "past the end",
    );
    rejects(V3_1_1, b"\xA2\x06\x00\x01\x00\x02#a", TOPIC_FILTER, "'#'");
    rejects(V3_1_1, b"\xB0\x03\x00\x01\x00", MALFORMED, "left over");
    rejects(V5, b"\xB0\x04\x00\x01\x00\x10", PROTOCOL, "reason code");
    rejects(
        V5,
        b"\xB0\x03\x00\x01\x00",
        PROTOCOL,
        "without a reason code",
    );
}
