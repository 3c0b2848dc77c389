//! Cross-check of the session packets against an independent implementation, the `mqttbytes`
//! crate: CONNECT, CONNACK, PINGREQ and DISCONNECT it writes decode with our codec to the same
//! content, and ours read back with it likewise.

#![allow(clippy::unwrap_used)] // A failed expectation in a test should stop it loudly.

use crate::common;

use std::sync::Arc;

use bytes::Bytes;
use mqttbytes::{v4, v5};
use nanomq_codec::{
    ConnAck, ConnAckProperties, Connect, ConnectProperties, Disconnect, DisconnectProperties,
    LastWill, Packet, ProtocolVersion, QoS, ReasonCode, WillProperties,
};

use ProtocolVersion::{V3_1_1, V5};
use common::interop::*;

#[test]
fn connect_v4() {
    let theirs = v4::Connect {
        protocol: mqttbytes::Protocol::V4,
        keep_alive: 30,
        client_id: "c1".into(),
        clean_session: false,
        last_will: Some(v4::LastWill {
            topic: "w/x".into(),
            message: Bytes::from_static(b"gone"),
            qos: mqttbytes::QoS::AtLeastOnce,
            retain: true,
        }),
        login: Some(v4::Login {
            username: "u".into(),
            password: "p".into(),
        }),
    };
    let ours = Packet::Connect(Connect {
        protocol: V3_1_1,
        clean_start: false,
        keep_alive: 30,
        client_id: "c1".into(),
        will: Some(LastWill {
            topic: Arc::from("w/x"),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: WillProperties::default(),
        }),
        username: Some("u".into()),
        password: Some(Bytes::from_static(b"p")),
        properties: ConnectProperties::default(),
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V3_1_1), ours);
    assert_eq!(read_v4(&ours), v4::Packet::Connect(theirs));
}

#[test]
fn connect_v5() {
    let theirs = v5::Connect {
        protocol: mqttbytes::Protocol::V5,
        keep_alive: 15,
        client_id: "c5".into(),
        clean_session: true,
        last_will: Some(v5::LastWill {
            topic: "status".into(),
            message: Bytes::from_static(b"offline"),
            qos: mqttbytes::QoS::ExactlyOnce,
            retain: false,
            properties: Some(v5::WillProperties {
                delay_interval: Some(30),
                payload_format_indicator: Some(1),
                message_expiry_interval: Some(600),
                content_type: Some("text/plain".into()),
                response_topic: Some("reply/here".into()),
                correlation_data: Some(Bytes::from_static(b"\x01\x02")),
                user_properties: user("w", "1"),
            }),
        }),
        login: Some(v5::Login {
            username: "user".into(),
            password: "secret".into(),
        }),
        properties: Some(v5::ConnectProperties {
            session_expiry_interval: Some(3600),
            receive_maximum: Some(16),
            max_packet_size: Some(65_536),
            topic_alias_max: Some(8),
            request_response_info: Some(1),
            request_problem_info: Some(0),
            user_properties: user("k", "v"),
            authentication_method: Some("SCRAM".into()),
            authentication_data: Some(Bytes::from_static(b"first")),
        }),
    };
    let ours = Packet::Connect(Connect {
        protocol: V5,
        clean_start: true,
        keep_alive: 15,
        client_id: "c5".into(),
        will: Some(LastWill {
            topic: Arc::from("status"),
            payload: Bytes::from_static(b"offline"),
            qos: QoS::ExactlyOnce,
            retain: false,
            properties: WillProperties {
                will_delay_interval: Some(30),
                payload_format_indicator: Some(1),
                message_expiry_interval: Some(600),
                content_type: Some("text/plain".into()),
                response_topic: Some("reply/here".into()),
                correlation_data: Some(Bytes::from_static(b"\x01\x02")),
                user_properties: user("w", "1"),
            },
        }),
        username: Some("user".into()),
        password: Some(Bytes::from_static(b"secret")),
        properties: ConnectProperties {
            session_expiry_interval: Some(3600),
            receive_maximum: Some(16),
            maximum_packet_size: Some(65_536),
            topic_alias_maximum: Some(8),
            request_response_information: Some(true),
            request_problem_information: Some(false),
            user_properties: user("k", "v"),
            authentication_method: Some("SCRAM".into()),
            authentication_data: Some(Bytes::from_static(b"first")),
        },
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::Connect(theirs));
}

#[test]
fn connack() {
    let theirs = v4::ConnAck::new(v4::ConnectReturnCode::BadUserNamePassword, false);
    let ours = Packet::ConnAck(ConnAck {
        session_present: false,
        code: ReasonCode::BAD_USERNAME_OR_PASSWORD,
        properties: ConnAckProperties::default(),
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V3_1_1), ours);
    assert_eq!(read_v4(&ours), v4::Packet::ConnAck(theirs));

    let theirs = v5::ConnAck {
        session_present: true,
        code: v5::ConnectReturnCode::Success,
        properties: Some(v5::ConnAckProperties {
            session_expiry_interval: Some(7200),
            receive_max: Some(100),
            max_qos: Some(1),
            retain_available: Some(1),
            max_packet_size: Some(1 << 20),
            assigned_client_identifier: Some("auto-1".into()),
            topic_alias_max: Some(10),
            reason_string: Some("welcome".into()),
            user_properties: user("node", "edge"),
            wildcard_subscription_available: Some(1),
            subscription_identifiers_available: Some(0),
            shared_subscription_available: Some(1),
            server_keep_alive: Some(30),
            response_information: Some("resp/".into()),
            server_reference: Some("other:1883".into()),
            authentication_method: Some("SCRAM".into()),
            authentication_data: Some(Bytes::from_static(b"final")),
        }),
    };
    let ours = Packet::ConnAck(ConnAck {
        session_present: true,
        code: ReasonCode::SUCCESS,
        properties: ConnAckProperties {
            session_expiry_interval: Some(7200),
            receive_maximum: Some(100),
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(true),
            maximum_packet_size: Some(1 << 20),
            assigned_client_identifier: Some("auto-1".into()),
            topic_alias_maximum: Some(10),
            reason_string: Some("welcome".into()),
            user_properties: user("node", "edge"),
            wildcard_subscription_available: Some(true),
            subscription_identifiers_available: Some(false),
            shared_subscription_available: Some(true),
            server_keep_alive: Some(30),
            response_information: Some("resp/".into()),
            server_reference: Some("other:1883".into()),
            authentication_method: Some("SCRAM".into()),
            authentication_data: Some(Bytes::from_static(b"final")),
        },
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::ConnAck(theirs));
}

#[test]
fn ping_and_disconnect() {
    assert_eq!(
        decode_theirs(written(|b| v4::PingReq.write(b)), V3_1_1),
        Packet::PingReq
    );
    assert_eq!(
        decode_theirs(written(|b| v4::PingResp.write(b)), V3_1_1),
        Packet::PingResp
    );
    let disconnect = Packet::Disconnect(Disconnect::default());
    assert_eq!(
        decode_theirs(written(|b| v4::Disconnect.write(b)), V3_1_1),
        disconnect
    );
    assert_eq!(read_v4(&disconnect), v4::Packet::Disconnect);
    assert_eq!(read_v4(&Packet::PingReq), v4::Packet::PingReq);

    let theirs = v5::Disconnect {
        reason_code: v5::DisconnectReasonCode::ServerShuttingDown,
        properties: Some(v5::DisconnectProperties {
            session_expiry_interval: None,
            reason_string: Some("bye".into()),
            user_properties: Vec::new(),
            server_reference: Some("b:1883".into()),
        }),
    };
    let ours = Packet::Disconnect(Disconnect {
        reason: ReasonCode::SERVER_SHUTTING_DOWN,
        properties: DisconnectProperties {
            reason_string: Some("bye".into()),
            server_reference: Some("b:1883".into()),
            ..DisconnectProperties::default()
        },
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::Disconnect(theirs));
}
