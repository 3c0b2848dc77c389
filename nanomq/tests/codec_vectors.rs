//! Byte vectors for every packet type in MQTT 3.1, 3.1.1 and 5.0, laid out after the examples
//! and figures of the specifications: each decodes to the expected packet, encodes back to the
//! same bytes, and every strict prefix of it asks for more bytes without consuming any.

// A failed expectation in a test should stop it loudly; none of this runs on network input.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use nanomq::codec::{
    AckProperties, Auth, AuthProperties, ConnAck, ConnAckProperties, Connect, ConnectProperties,
    DecodeError, Disconnect, DisconnectProperties, EncodeError, LastWill, Packet, PacketId,
    ProtocolVersion, PubAck, Publish, PublishAck, PublishProperties, QoS, ReasonCode,
    RetainHandling, SubAck, Subscribe, SubscribeFilter, SubscribeProperties, SubscriptionOptions,
    UnsubAck, Unsubscribe, UnsubscribeProperties, WillProperties, decode_packet, encode_packet,
    encoded_len,
};

use ProtocolVersion::{V3_1, V3_1_1, V5};

const MAX: usize = 1 << 20;

fn pid(id: u16) -> PacketId {
    PacketId::new(id).unwrap()
}

/// Decodes `bytes` to `packet`, encodes `packet` to `bytes`, and checks every strict prefix.
fn check(version: ProtocolVersion, bytes: &[u8], packet: Packet) {
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
fn check_decode(version: ProtocolVersion, bytes: &[u8], packet: Packet) {
    let mut buf = BytesMut::from(bytes);
    assert_eq!(decode_packet(&mut buf, version, MAX), Ok(Some(packet)));
    assert!(buf.is_empty());
    check_prefixes(version, bytes);
}

fn check_prefixes(version: ProtocolVersion, bytes: &[u8]) {
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

fn connect(protocol: ProtocolVersion, client_id: &str) -> Connect {
    Connect {
        protocol,
        clean_start: true,
        keep_alive: 60,
        client_id: client_id.into(),
        will: None,
        username: None,
        password: None,
        properties: ConnectProperties::default(),
    }
}

#[test]
fn connect_3_1() {
    let bytes = b"\x10\x0F\x00\x06MQIsdp\x03\x02\x00\x3C\x00\x01a";
    check(V3_1, bytes, Packet::Connect(connect(V3_1, "a")));
}

#[test]
fn connect_3_1_1_minimal() {
    let bytes = b"\x10\x0D\x00\x04MQTT\x04\x02\x00\x3C\x00\x01a";
    check(V3_1_1, bytes, Packet::Connect(connect(V3_1_1, "a")));
    // CONNECT ignores the connection's version: it carries its own.
    let mut buf = BytesMut::from(&bytes[..]);
    let decoded = decode_packet(&mut buf, V5, MAX);
    assert_eq!(decoded, Ok(Some(Packet::Connect(connect(V3_1_1, "a")))));
}

#[test]
fn connect_3_1_1_with_will_and_credentials() {
    // Flags 0xCE as in 3.1.1 Figure 3.6: user name, password, will QoS 1, will, clean session.
    let bytes = b"\x10\x25\x00\x04MQTT\x04\xCE\x00\x0A\x00\x03cid\x00\x03w/t\x00\x03bye\
                  \x00\x04user\x00\x04pass";
    let packet = Connect {
        keep_alive: 10,
        will: Some(LastWill {
            topic: Arc::from("w/t"),
            payload: Bytes::from_static(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: WillProperties::default(),
        }),
        username: Some("user".into()),
        password: Some(Bytes::from_static(b"pass")),
        ..connect(V3_1_1, "cid")
    };
    check(V3_1_1, bytes, Packet::Connect(packet));
}

#[test]
fn connect_5_with_properties() {
    // 5.0 Figure 3-7: flags 0xC2, keep alive 10, Session Expiry Interval 10.
    let bytes = b"\x10\x1B\x00\x04MQTT\x05\xC2\x00\x0A\x05\x11\x00\x00\x00\x0A\
                  \x00\x03cid\x00\x01u\x00\x01p";
    let packet = Connect {
        keep_alive: 10,
        username: Some("u".into()),
        password: Some(Bytes::from_static(b"p")),
        properties: ConnectProperties {
            session_expiry_interval: Some(10),
            ..ConnectProperties::default()
        },
        ..connect(V5, "cid")
    };
    check(V5, bytes, Packet::Connect(packet));
}

#[test]
fn connect_5_with_will_properties() {
    // Will retain, will QoS 1, will, clean start; empty client id; Will Delay 5, UTF-8 payload.
    let bytes = b"\x10\x1B\x00\x04MQTT\x05\x2E\x00\x00\x00\x00\x00\
                  \x07\x18\x00\x00\x00\x05\x01\x01\x00\x01t\x00\x01x";
    let packet = Connect {
        keep_alive: 0,
        will: Some(LastWill {
            topic: Arc::from("t"),
            payload: Bytes::from_static(b"x"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: WillProperties {
                will_delay_interval: Some(5),
                payload_format_indicator: Some(1),
                ..WillProperties::default()
            },
        }),
        ..connect(V5, "")
    };
    check(V5, bytes, Packet::Connect(packet));
}

#[test]
fn connect_5_password_without_user_name() {
    // Allowed from 5.0 on (§3.1.2.9), unlike 3.1.1 [MQTT-3.1.2-22].
    let bytes = b"\x10\x12\x00\x04MQTT\x05\x42\x00\x3C\x00\x00\x01a\x00\x02pw";
    let packet = Connect {
        password: Some(Bytes::from_static(b"pw")),
        ..connect(V5, "a")
    };
    check(V5, bytes, Packet::Connect(packet));
}

fn connack(session_present: bool, code: ReasonCode) -> Packet {
    Packet::ConnAck(ConnAck {
        session_present,
        code,
        properties: ConnAckProperties::default(),
    })
}

#[test]
fn connack_3() {
    check(
        V3_1_1,
        b"\x20\x02\x01\x00",
        connack(true, ReasonCode::SUCCESS),
    );
    check(
        V3_1_1,
        b"\x20\x02\x00\x05",
        connack(false, ReasonCode::NOT_AUTHORIZED),
    );
    check(
        V3_1,
        b"\x20\x02\x00\x01",
        connack(false, ReasonCode::UNSUPPORTED_PROTOCOL_VERSION),
    );
    // MQTT 3.1 has no session present flag; its first byte is unused.
    check_decode(
        V3_1,
        b"\x20\x02\x01\x00",
        connack(false, ReasonCode::SUCCESS),
    );
}

#[test]
fn connack_3_maps_v5_only_codes_to_server_unavailable() {
    let mut out = BytesMut::new();
    let banned = connack(false, ReasonCode::BANNED);
    assert_eq!(encode_packet(&banned, V3_1_1, &mut out), Ok(()));
    assert_eq!(&out[..], b"\x20\x02\x00\x03");
}

#[test]
fn connack_5() {
    check(
        V5,
        b"\x20\x03\x00\x00\x00",
        connack(false, ReasonCode::SUCCESS),
    );
    check(
        V5,
        b"\x20\x03\x00\x87\x00",
        connack(false, ReasonCode::NOT_AUTHORIZED),
    );
    let bytes = b"\x20\x0A\x01\x00\x07\x21\x00\x0A\x24\x01\x25\x00";
    let packet = Packet::ConnAck(ConnAck {
        session_present: true,
        code: ReasonCode::SUCCESS,
        properties: ConnAckProperties {
            receive_maximum: Some(10),
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            ..ConnAckProperties::default()
        },
    });
    check(V5, bytes, packet);
}

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
    let no_subscribers = ack(10, ReasonCode::NO_MATCHING_SUBSCRIBERS, None);
    check(V5, b"\x50\x03\x00\x0A\x10", Packet::PubRec(no_subscribers));
    let not_found = ack(10, ReasonCode::PACKET_IDENTIFIER_NOT_FOUND, None);
    check(V5, b"\x62\x03\x00\x0A\x92", Packet::PubRel(not_found));
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
fn ping() {
    for version in [V3_1, V3_1_1, V5] {
        check(version, b"\xC0\x00", Packet::PingReq);
        check(version, b"\xD0\x00", Packet::PingResp);
    }
}

#[test]
fn disconnect() {
    for version in [V3_1, V3_1_1, V5] {
        check(
            version,
            b"\xE0\x00",
            Packet::Disconnect(Disconnect::default()),
        );
    }
    let with_will = Disconnect {
        reason: ReasonCode::DISCONNECT_WITH_WILL,
        properties: DisconnectProperties::default(),
    };
    check(V5, b"\xE0\x01\x04", Packet::Disconnect(with_will));
    let shutting_down = Disconnect {
        reason: ReasonCode::SERVER_SHUTTING_DOWN,
        properties: DisconnectProperties {
            reason_string: Some("x".into()),
            ..DisconnectProperties::default()
        },
    };
    check(
        V5,
        b"\xE0\x06\x8B\x04\x1F\x00\x01x",
        Packet::Disconnect(shutting_down),
    );
    check_decode(
        V5,
        b"\xE0\x02\x00\x00",
        Packet::Disconnect(Disconnect::default()),
    );
}

#[test]
fn auth() {
    check(V5, b"\xF0\x00", Packet::Auth(Auth::default()));
    let step = Auth {
        reason: ReasonCode::CONTINUE_AUTHENTICATION,
        properties: AuthProperties {
            authentication_method: Some("m".into()),
            authentication_data: Some(Bytes::from_static(b"d")),
            ..AuthProperties::default()
        },
    };
    check(
        V5,
        b"\xF0\x0A\x18\x08\x15\x00\x01m\x16\x00\x01d",
        Packet::Auth(step),
    );
}

#[test]
fn consecutive_packets_are_split_one_at_a_time() {
    let mut buf = BytesMut::from(&b"\xC0\x00\x40\x02\x00\x0A\x30\x0A\x00\x03a/b"[..]);
    assert_eq!(
        decode_packet(&mut buf, V3_1_1, MAX),
        Ok(Some(Packet::PingReq))
    );
    let puback = Packet::PubAck(PubAck::new(pid(10)));
    assert_eq!(decode_packet(&mut buf, V3_1_1, MAX), Ok(Some(puback)));
    assert_eq!(decode_packet(&mut buf, V3_1_1, MAX), Ok(None));
    assert_eq!(buf.len(), 7);
}

#[test]
fn oversized_packet_is_refused_from_its_fixed_header() {
    // A 256 MB PUBLISH announced in five bytes: refused before any body byte arrives.
    let mut buf = BytesMut::from(&b"\x30\xFF\xFF\xFF\x7F"[..]);
    let size = 268_435_455 + 5;
    let error = DecodeError::PacketTooLarge { size, max: MAX };
    assert_eq!(decode_packet(&mut buf, V3_1_1, MAX), Err(error.clone()));
    assert_eq!(error.reason_code(), ReasonCode::PACKET_TOO_LARGE);
    // The limit counts the fixed header too.
    let mut buf = BytesMut::from(&b"\xC0\x00"[..]);
    assert!(decode_packet(&mut buf, V3_1_1, 1).is_err());
    assert_eq!(
        decode_packet(&mut buf, V3_1_1, 2),
        Ok(Some(Packet::PingReq))
    );
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
