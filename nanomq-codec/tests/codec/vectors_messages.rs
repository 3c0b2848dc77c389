//! Byte vectors for the message packets (PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE,
//! SUBACK, UNSUBSCRIBE, UNSUBACK) in MQTT 3.1, 3.1.1 and 5.0, laid out after the examples of
//! the specifications: each decodes to the expected packet, encodes back to the same bytes,
//! and every strict prefix asks for more bytes without consuming any.

// A failed expectation in a test should stop it loudly; none of this runs on network input.
#![allow(clippy::unwrap_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use nanomq_codec::{
    AckProperties, Auth, EncodeError, Packet, ProtocolVersion, PubAck, Publish, PublishAck,
    PublishProperties, QoS, ReasonCode, RetainHandling, SubAck, Subscribe, SubscribeFilter,
    SubscribeProperties, SubscriptionOptions, UnsubAck, Unsubscribe, UnsubscribeProperties,
    decode_packet, encode_packet, encoded_len,
};

use ProtocolVersion::{V3_1, V3_1_1, V5};
use common::vectors::*;

fn publish(qos: QoS, topic: &str, packet_id: Option<u16>, payload: &'static [u8]) -> Publish {
    Publish {
        dup: false,
        qos,
        retain: false,
        topic: Arc::from(topic),
        packet_id: packet_id.map(pid),
        properties: PublishProperties::default(),
        payload: Bytes::from_static(payload),
    }
}

#[test]
fn publish_3() {
    let qos0 = publish(QoS::AtMostOnce, "a/b", None, b"hello");
    check(V3_1_1, b"\x30\x0A\x00\x03a/bhello", Packet::Publish(qos0));
    let dup_retained = Publish {
        dup: true,
        retain: true,
        ..publish(QoS::AtLeastOnce, "a/b", Some(10), b"x")
    };
    let bytes = b"\x3B\x08\x00\x03a/b\x00\x0Ax";
    check(V3_1_1, bytes, Packet::Publish(dup_retained));
    let empty = publish(QoS::ExactlyOnce, "a/b", Some(1), b"");
    check(
        V3_1_1,
        b"\x34\x07\x00\x03a/b\x00\x01",
        Packet::Publish(empty),
    );
    let v31 = publish(QoS::AtLeastOnce, "t", Some(5), b"z");
    check(V3_1, b"\x32\x06\x00\x01t\x00\x05z", Packet::Publish(v31));
}

#[test]
fn publish_with_two_byte_remaining_length() {
    // 321 encodes as 0xC1 0x02 (5.0 §1.5.5): a 3-byte topic field and a 318-byte payload.
    static PAYLOAD: [u8; 318] = [7; 318];
    let mut bytes = b"\x30\xC1\x02\x00\x01a".to_vec();
    bytes.extend_from_slice(&PAYLOAD);
    let packet = publish(QoS::AtMostOnce, "a", None, &PAYLOAD);
    check(V3_1_1, &bytes, Packet::Publish(packet));
}

#[test]
fn publish_5() {
    let plain = publish(QoS::AtMostOnce, "a/b", None, b"x");
    check(V5, b"\x30\x07\x00\x03a/b\x00x", Packet::Publish(plain));

    let bytes = b"\x32\x22\x00\x01a\x00\x01\x1A\x01\x01\x02\x00\x00\x00\x3C\x23\x00\x03\
                  \x26\x00\x01k\x00\x01v\x0B\x01\x0B\xAC\x02\x03\x00\x01thi";
    let packet = Publish {
        properties: PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(60),
            topic_alias: Some(3),
            user_properties: vec![("k".into(), "v".into())],
            subscription_identifiers: vec![1, 300],
            content_type: Some("t".into()),
            ..PublishProperties::default()
        },
        ..publish(QoS::AtLeastOnce, "a", Some(1), b"hi")
    };
    check(V5, bytes, Packet::Publish(packet));

    // An empty topic stands for the topic the alias was bound to (5.0 §3.3.2.3.4).
    let aliased = Publish {
        properties: PublishProperties {
            topic_alias: Some(5),
            ..PublishProperties::default()
        },
        ..publish(QoS::AtMostOnce, "", None, b"")
    };
    check(
        V5,
        b"\x30\x06\x00\x00\x03\x23\x00\x05",
        Packet::Publish(aliased),
    );
}

#[test]
fn publish_payload_is_a_slice_of_the_input() {
    let mut buf = BytesMut::from(&b"\x30\x0A\x00\x03a/bhello"[..]);
    let start = buf.as_ptr() as usize;
    let Ok(Some(Packet::Publish(publish))) = decode_packet(&mut buf, V3_1_1, MAX) else {
        panic!("not a PUBLISH");
    };
    assert_eq!(publish.payload.as_ptr() as usize, start + 7);
}

fn ack(id: u16, reason: ReasonCode, reason_string: Option<&str>) -> PublishAck {
    PublishAck {
        packet_id: pid(id),
        reason,
        properties: AckProperties {
            reason_string: reason_string.map(Into::into),
            user_properties: Vec::new(),
        },
    }
}

#[test]
fn publish_acks_3() {
    for version in [V3_1, V3_1_1] {
        check(
            version,
            b"\x40\x02\x00\x0A",
            Packet::PubAck(PubAck::new(pid(10))),
        );
        check(
            version,
            b"\x50\x02\x00\x0A",
            Packet::PubRec(PublishAck::new(pid(10))),
        );
        check(
            version,
            b"\x62\x02\x00\x0A",
            Packet::PubRel(PublishAck::new(pid(10))),
        );
        check(
            version,
            b"\x70\x02\x00\x0A",
            Packet::PubComp(PublishAck::new(pid(10))),
        );
    }
    // MQTT 3.1 resends PUBREL with DUP set.
    check_decode(
        V3_1,
        b"\x6A\x02\x00\x0A",
        Packet::PubRel(PublishAck::new(pid(10))),
    );
}

#[test]
fn publish_acks_5() {
    let success = ack(10, ReasonCode::SUCCESS, None);
    check(V5, b"\x40\x02\x00\x0A", Packet::PubAck(success.clone()));
    // A non-success reason is always sent with its property length (0), for clients that
    // cannot read the 3-byte form; the 3-byte form still decodes.
    let no_subscribers = ack(10, ReasonCode::NO_MATCHING_SUBSCRIBERS, None);
    check(
        V5,
        b"\x50\x04\x00\x0A\x10\x00",
        Packet::PubRec(no_subscribers.clone()),
    );
    check_decode(V5, b"\x50\x03\x00\x0A\x10", Packet::PubRec(no_subscribers));
    let not_found = ack(10, ReasonCode::PACKET_IDENTIFIER_NOT_FOUND, None);
    check(
        V5,
        b"\x62\x04\x00\x0A\x92\x00",
        Packet::PubRel(not_found.clone()),
    );
    check_decode(V5, b"\x62\x03\x00\x0A\x92", Packet::PubRel(not_found));
    let with_reason = ack(10, ReasonCode::SUCCESS, Some("r"));
    check(
        V5,
        b"\x70\x08\x00\x0A\x00\x04\x1F\x00\x01r",
        Packet::PubComp(with_reason),
    );
    // Longer forms than needed still decode (5.0 §3.4.2.1, §3.4.2.2).
    check_decode(V5, b"\x40\x03\x00\x0A\x00", Packet::PubAck(success.clone()));
    check_decode(V5, b"\x40\x04\x00\x0A\x00\x00", Packet::PubAck(success));
}

fn options(qos: QoS) -> SubscriptionOptions {
    SubscriptionOptions {
        qos,
        ..SubscriptionOptions::default()
    }
}

#[test]
fn subscribe_3() {
    // 3.1.1 Figure 3.22: "a/b" at QoS 1 and "c/d" at QoS 2.
    let bytes = b"\x82\x0E\x00\x01\x00\x03a/b\x01\x00\x03c/d\x02";
    let packet = Subscribe {
        packet_id: pid(1),
        filters: vec![
            SubscribeFilter {
                filter: "a/b".into(),
                options: options(QoS::AtLeastOnce),
            },
            SubscribeFilter {
                filter: "c/d".into(),
                options: options(QoS::ExactlyOnce),
            },
        ],
        properties: SubscribeProperties::default(),
    };
    check(V3_1_1, bytes, Packet::Subscribe(packet.clone()));
    check(V3_1, bytes, Packet::Subscribe(packet));
}

#[test]
fn subscribe_5() {
    let bytes = b"\x82\x18\x00\x01\x02\x0B\x05\x00\x03a/+\x2E\x00\x0A$share/g/x\x01";
    let packet = Subscribe {
        packet_id: pid(1),
        filters: vec![
            SubscribeFilter {
                filter: "a/+".into(),
                options: SubscriptionOptions {
                    qos: QoS::ExactlyOnce,
                    no_local: true,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            },
            SubscribeFilter {
                filter: "$share/g/x".into(),
                options: options(QoS::AtLeastOnce),
            },
        ],
        properties: SubscribeProperties {
            subscription_identifier: Some(5),
            user_properties: Vec::new(),
        },
    };
    check(V5, bytes, Packet::Subscribe(packet));
}

fn suback(reasons: Vec<ReasonCode>) -> Packet {
    Packet::SubAck(SubAck {
        packet_id: pid(1),
        reasons,
        properties: AckProperties::default(),
    })
}

#[test]
fn suback_3_and_5() {
    let granted = vec![ReasonCode::GRANTED_QOS_1, ReasonCode::GRANTED_QOS_2];
    let mut three = granted.clone();
    three.push(ReasonCode::UNSPECIFIED_ERROR);
    check(V3_1_1, b"\x90\x05\x00\x01\x01\x02\x80", suback(three));
    let five = vec![
        ReasonCode::GRANTED_QOS_0,
        ReasonCode::NOT_AUTHORIZED,
        ReasonCode::WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED,
    ];
    check(
        V5,
        b"\x90\x06\x00\x01\x00\x00\x87\xA2",
        suback(five.clone()),
    );
    // 3.x can only say "failure" (0x80) for every error.
    let mut out = BytesMut::new();
    assert_eq!(encode_packet(&suback(five), V3_1_1, &mut out), Ok(()));
    assert_eq!(&out[..], b"\x90\x05\x00\x01\x00\x80\x80");
}

#[test]
fn unsubscribe_and_unsuback() {
    let unsubscribe = |filters: &[&str]| {
        Packet::Unsubscribe(Unsubscribe {
            packet_id: pid(2),
            filters: filters.iter().map(|f| (*f).into()).collect(),
            properties: UnsubscribeProperties::default(),
        })
    };
    check(
        V3_1_1,
        b"\xA2\x0A\x00\x02\x00\x03a/b\x00\x01#",
        unsubscribe(&["a/b", "#"]),
    );
    check(V3_1, b"\xA2\x05\x00\x02\x00\x01x", unsubscribe(&["x"]));
    check(V5, b"\xA2\x06\x00\x02\x00\x00\x01x", unsubscribe(&["x"]));

    let unsuback = |reasons: Vec<ReasonCode>| {
        Packet::UnsubAck(UnsubAck {
            packet_id: pid(2),
            reasons,
            properties: AckProperties::default(),
        })
    };
    check(V3_1_1, b"\xB0\x02\x00\x02", unsuback(Vec::new()));
    let reasons = vec![ReasonCode::SUCCESS, ReasonCode::NO_SUBSCRIPTION_EXISTED];
    check(V5, b"\xB0\x05\x00\x02\x00\x00\x11", unsuback(reasons));
}

#[test]
fn encode_refuses_what_the_wire_cannot_carry() {
    let mut out = BytesMut::new();
    let auth = Packet::Auth(Auth::default());
    assert!(matches!(
        encode_packet(&auth, V3_1_1, &mut out),
        Err(EncodeError::NotInVersion { .. })
    ));
    let long_topic = publish(QoS::AtMostOnce, &"t".repeat(65_536), None, b"");
    assert_eq!(
        encode_packet(&Packet::Publish(long_topic), V5, &mut out),
        Err(EncodeError::FieldTooLong { len: 65_536 })
    );
    let no_id = publish(QoS::AtLeastOnce, "t", None, b"");
    assert!(matches!(
        encode_packet(&Packet::Publish(no_id), V5, &mut out),
        Err(EncodeError::InvalidPacket(_))
    ));
    let id_at_qos0 = publish(QoS::AtMostOnce, "t", Some(1), b"");
    assert!(encode_packet(&Packet::Publish(id_at_qos0), V5, &mut out).is_err());
    let bad_identifier = Subscribe {
        packet_id: pid(1),
        filters: vec![SubscribeFilter {
            filter: "t".into(),
            options: options(QoS::AtMostOnce),
        }],
        properties: SubscribeProperties {
            subscription_identifier: Some(268_435_456),
            user_properties: Vec::new(),
        },
    };
    assert_eq!(
        encode_packet(&Packet::Subscribe(bad_identifier), V5, &mut out),
        Err(EncodeError::VarIntTooLarge { value: 268_435_456 })
    );
    // calloc'd and never touched: sizing a 256 MiB payload costs no real memory.
    let mut huge = publish(QoS::AtMostOnce, "t", None, b"");
    huge.payload = Bytes::from(vec![0u8; 268_435_456]);
    let huge = Packet::Publish(huge);
    assert!(matches!(
        encoded_len(&huge, V3_1_1),
        Err(EncodeError::PacketTooLarge { .. })
    ));
    assert!(matches!(
        encode_packet(&huge, V3_1_1, &mut out),
        Err(EncodeError::PacketTooLarge { .. })
    ));
    assert!(out.is_empty(), "a refused packet must append nothing");
}

#[test]
fn publish_head_plus_payload_is_the_whole_packet() {
    use nanomq_codec::encode_publish_head;
    let mut with_alias = publish(QoS::ExactlyOnce, "a/b", Some(7), b"payload bytes");
    with_alias.properties.topic_alias = Some(3);
    let cases = [
        (V3_1_1, publish(QoS::AtMostOnce, "t", None, b"")),
        (
            V3_1_1,
            publish(QoS::AtLeastOnce, "sensors/1", Some(1), &[0x55; 300]),
        ),
        (V5, with_alias),
    ];
    for (version, packet) in cases {
        let mut whole = BytesMut::new();
        encode_packet(&Packet::Publish(packet.clone()), version, &mut whole).unwrap();
        let mut split = BytesMut::new();
        let len = encode_publish_head(&packet, version, &mut split).unwrap();
        split.extend_from_slice(&packet.payload);
        assert_eq!(split, whole);
        assert_eq!(len, whole.len());
    }
}
