//! Byte vectors for the session packets (CONNECT, CONNACK, PINGREQ, PINGRESP, DISCONNECT, AUTH)
//! in MQTT 3.1, 3.1.1 and 5.0, laid out after the examples of the specifications: each decodes
//! to the expected packet, encodes back to the same bytes, and every strict prefix asks for
//! more bytes without consuming any. Also framing: consecutive packets and the size limit.

// A failed expectation in a test should stop it loudly; none of this runs on network input.
#![allow(clippy::unwrap_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use nanomq_codec::{
    Auth, AuthProperties, ConnAck, ConnAckProperties, Connect, ConnectProperties, DecodeError,
    Disconnect, DisconnectProperties, LastWill, Packet, ProtocolVersion, PubAck, QoS, ReasonCode,
    WillProperties, decode_packet, encode_packet,
};

use ProtocolVersion::{V3_1, V3_1_1, V5};
use common::vectors::*;

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
    // Sent with its property length for clients that cannot read the 1-byte form, which
    // still decodes.
    check(
        V5,
        b"\xE0\x02\x04\x00",
        Packet::Disconnect(with_will.clone()),
    );
    check_decode(V5, b"\xE0\x01\x04", Packet::Disconnect(with_will));
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
