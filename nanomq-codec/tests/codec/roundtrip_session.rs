//! Property tests for the session packets (CONNECT, CONNACK, PINGREQ, PINGRESP, DISCONNECT,
//! AUTH): every valid packet of every version survives encode then decode unchanged and needs
//! all of its bytes; corrupted ones never make the decoder panic.

#![allow(clippy::unwrap_used)] // Strategy plumbing on values that are valid by construction.

use crate::common;

use std::sync::Arc;

use nanomq_codec::{
    Auth, AuthProperties, ConnAck, ConnAckProperties, Connect, ConnectProperties, Disconnect,
    DisconnectProperties, LastWill, Packet, ProtocolVersion, QoS, WillProperties,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::{BoxedStrategy, Union};

use ProtocolVersion::{V3_1, V3_1_1, V5};
use common::roundtrip::*;

// Reason codes allowed per packet, transcribed from MQTT 5.0 Table 2-6 for this test alone.

const CONNACK_REASONS: &[u8] = &[
    0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
    0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
];
const DISCONNECT_REASONS: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95,
    0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];
const AUTH_REASONS: &[u8] = &[0x00, 0x18, 0x19];
/// CONNACK reasons that 3.x return codes 0..=5 express.
const V3_CONNACK_REASONS: &[u8] = &[0x00, 0x84, 0x85, 0x88, 0x86, 0x87];

fn connect_properties() -> impl Strategy<Value = ConnectProperties> {
    (
        (option::of(any::<u32>()), option::of(1..=u16::MAX)),
        (option::of(1..=u32::MAX), option::of(any::<u16>())),
        (option::of(any::<bool>()), option::of(any::<bool>())),
        (user_properties(), option::of(text()), option::of(binary(8))),
    )
        .prop_map(
            |((session, receive), (packet_size, alias), (response, problem), rest)| {
                let (user_properties, method, data) = rest;
                ConnectProperties {
                    session_expiry_interval: session,
                    receive_maximum: receive,
                    maximum_packet_size: packet_size,
                    topic_alias_maximum: alias,
                    request_response_information: response,
                    request_problem_information: problem,
                    user_properties,
                    // Authentication Data needs an Authentication Method (5.0 §3.1.2.11.10).
                    authentication_data: method.as_ref().and(data),
                    authentication_method: method,
                }
            },
        )
}

fn will_properties() -> impl Strategy<Value = WillProperties> {
    (
        option::of(any::<u32>()),
        option::of(0..=1u8),
        option::of(any::<u32>()),
        option::of(text()),
        option::of(topic_name()),
        option::of(binary(8)),
        user_properties(),
    )
        .prop_map(
            |(delay, format, expiry, content_type, response, correlation, user)| WillProperties {
                will_delay_interval: delay,
                payload_format_indicator: format,
                message_expiry_interval: expiry,
                content_type,
                response_topic: response,
                correlation_data: correlation,
                user_properties: user,
            },
        )
}

fn connect(version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let will = (
        topic_name(),
        binary(16),
        qos(),
        any::<bool>(),
        v5_only(version, will_properties()),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| LastWill {
            topic: Arc::from(topic),
            payload,
            qos,
            retain,
            properties,
        });
    (
        (any::<bool>(), any::<u16>(), text(), option::of(will)),
        (option::of(text()), option::of(binary(8))),
        v5_only(version, connect_properties()),
    )
        .prop_map(
            move |((clean_start, keep_alive, client_id, will), login, properties)| {
                let (username, mut password) = login;
                // Before 5.0 a password needs a user name [MQTT-3.1.2-22].
                if version != V5 && username.is_none() {
                    password = None;
                }
                Packet::Connect(Connect {
                    protocol: version,
                    clean_start,
                    keep_alive,
                    client_id,
                    will,
                    username,
                    password,
                    properties,
                })
            },
        )
}

fn connack_properties() -> impl Strategy<Value = ConnAckProperties> {
    let flag = || option::of(any::<bool>());
    let maximum_qos = option::of(select(&[QoS::AtMostOnce, QoS::AtLeastOnce][..]));
    (
        (
            option::of(any::<u32>()),
            option::of(1..=u16::MAX),
            maximum_qos,
        ),
        (flag(), option::of(1..=u32::MAX), option::of(text())),
        (
            option::of(any::<u16>()),
            option::of(text()),
            user_properties(),
        ),
        (flag(), flag(), flag(), option::of(any::<u16>())),
        (option::of(text()), option::of(text())),
        (option::of(text()), option::of(binary(8))),
    )
        .prop_map(|(a, b, c, d, e, f)| ConnAckProperties {
            session_expiry_interval: a.0,
            receive_maximum: a.1,
            maximum_qos: a.2,
            retain_available: b.0,
            maximum_packet_size: b.1,
            assigned_client_identifier: b.2,
            topic_alias_maximum: c.0,
            reason_string: c.1,
            user_properties: c.2,
            wildcard_subscription_available: d.0,
            subscription_identifiers_available: d.1,
            shared_subscription_available: d.2,
            server_keep_alive: d.3,
            response_information: e.0,
            server_reference: e.1,
            authentication_method: f.0,
            authentication_data: f.1,
        })
}

fn connack(version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let codes = if version == V5 {
        CONNACK_REASONS
    } else {
        V3_CONNACK_REASONS
    };
    (
        any::<bool>(),
        reason(codes),
        v5_only(version, connack_properties()),
    )
        .prop_map(move |(session_present, code, properties)| {
            Packet::ConnAck(ConnAck {
                // A refusal never has a session [MQTT-3.2.2-6]; 3.1 has no such flag at all.
                session_present: session_present && !code.is_error() && version != V3_1,
                code,
                properties,
            })
        })
}

fn disconnect_v5() -> impl Strategy<Value = Packet> {
    let properties = (
        option::of(any::<u32>()),
        option::of(text()),
        user_properties(),
        option::of(text()),
    )
        .prop_map(|(session, reason_string, user_properties, reference)| {
            DisconnectProperties {
                session_expiry_interval: session,
                reason_string,
                user_properties,
                server_reference: reference,
            }
        });
    (reason(DISCONNECT_REASONS), properties)
        .prop_map(|(reason, properties)| Packet::Disconnect(Disconnect { reason, properties }))
}

fn auth() -> impl Strategy<Value = Packet> {
    let properties = (
        option::of(text()),
        option::of(binary(8)),
        option::of(text()),
        user_properties(),
    )
        .prop_map(
            |(method, data, reason_string, user_properties)| AuthProperties {
                authentication_method: method,
                authentication_data: data,
                reason_string,
                user_properties,
            },
        );
    (reason(AUTH_REASONS), properties)
        .prop_map(|(reason, properties)| Packet::Auth(Auth { reason, properties }))
}

/// Any valid session packet for `version`.
fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    let mut kinds = vec![
        connect(version).boxed(),
        connack(version).boxed(),
        Just(Packet::PingReq).boxed(),
        Just(Packet::PingResp).boxed(),
    ];
    if version == V5 {
        kinds.extend([disconnect_v5().boxed(), auth().boxed()]);
    } else {
        kinds.push(Just(Packet::Disconnect(Disconnect::default())).boxed());
    }
    Union::new(kinds).boxed()
}

fn versioned_packet() -> impl Strategy<Value = (ProtocolVersion, Packet)> {
    select(&[V3_1, V3_1_1, V5][..]).prop_flat_map(|version| (Just(version), packet(version)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn valid_packets_round_trip((version, packet) in versioned_packet()) {
        check_round_trip(version, packet)?;
    }

    #[test]
    fn mutated_packets_never_panic(
        (version, packet) in versioned_packet(),
        mutations in vec((any::<Index>(), any::<u8>()), 1..4),
        cut in any::<Index>(),
    ) {
        check_mutated(version, &packet, mutations, cut)?;
    }
}
