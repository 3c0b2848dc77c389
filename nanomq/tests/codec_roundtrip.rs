//! Property tests: every valid packet of every type and version survives encode then decode
//! unchanged (and needs all of its bytes), and no input, random or a mutated valid packet,
//! makes the decoder panic; whatever it accepts re-encodes to something it reads back the same.

#![allow(clippy::unwrap_used)] // Strategy plumbing on values that are valid by construction.

use std::fmt::Debug;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use nanomq::codec::{
    AckProperties, Auth, AuthProperties, ConnAck, ConnAckProperties, Connect, ConnectProperties,
    Disconnect, DisconnectProperties, LastWill, Packet, PacketId, PacketKind, ProtocolVersion,
    Publish, PublishAck, PublishProperties, QoS, ReasonCode, RetainHandling, SubAck, Subscribe,
    SubscribeFilter, SubscribeProperties, SubscriptionOptions, UnsubAck, Unsubscribe,
    UnsubscribeProperties, WillProperties, decode_packet, encode_packet, encoded_len,
    is_shared_filter, validate_topic_filter,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Union};

use ProtocolVersion::{V3_1, V3_1_1, V5};

const MAX: usize = 1 << 20;

// Reason codes allowed per packet, transcribed from MQTT 5.0 Table 2-6 for this test alone.
const CONNACK_REASONS: &[u8] = &[
    0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
    0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
];
const PUBACK_REASONS: &[u8] = &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const PUBREL_REASONS: &[u8] = &[0x00, 0x92];
const SUBACK_REASONS: &[u8] = &[
    0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
];
const UNSUBACK_REASONS: &[u8] = &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
const DISCONNECT_REASONS: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95,
    0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];
const AUTH_REASONS: &[u8] = &[0x00, 0x18, 0x19];
/// CONNACK reasons that 3.x return codes 0..=5 express.
const V3_CONNACK_REASONS: &[u8] = &[0x00, 0x84, 0x85, 0x88, 0x86, 0x87];
const V3_SUBACK_REASONS: &[u8] = &[0x00, 0x01, 0x02, 0x80];

fn reason(codes: &'static [u8]) -> impl Strategy<Value = ReasonCode> {
    select(codes).prop_map(ReasonCode)
}

/// Properties only exist in 5.0; for 3.x the only valid value is the empty set.
fn v5_only<T, S>(version: ProtocolVersion, strategy: S) -> BoxedStrategy<T>
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

fn text() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,8}"
}

fn topic_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9/_ $é€]{1,12}"
}

fn topic_filter() -> impl Strategy<Value = String> {
    let level = prop_oneof!["[a-z0-9é]{0,4}", Just("+".to_owned())];
    (vec(level, 1..4), any::<bool>(), option::of("[a-z]{1,4}"))
        .prop_map(|(mut levels, multi_level, share_group)| {
            if multi_level {
                levels.push("#".into());
            }
            let filter = levels.join("/");
            match share_group {
                Some(group) => format!("$share/{group}/{filter}"),
                None => filter,
            }
        })
        .prop_filter("filters are never empty", |filter| {
            validate_topic_filter(filter).is_ok()
        })
}

fn binary(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

fn user_properties() -> impl Strategy<Value = Vec<(String, String)>> {
    vec((text(), text()), 0..3)
}

fn packet_id() -> impl Strategy<Value = PacketId> {
    (1..=u16::MAX).prop_map(|id| PacketId::new(id).unwrap())
}

fn qos() -> impl Strategy<Value = QoS> {
    select(&[QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce][..])
}

fn subscription_identifier() -> impl Strategy<Value = u32> {
    1..=268_435_455u32
}

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

fn publish_properties() -> impl Strategy<Value = PublishProperties> {
    (
        option::of(0..=1u8),
        option::of(any::<u32>()),
        option::of(1..=u16::MAX),
        option::of(topic_name()),
        option::of(binary(8)),
        user_properties(),
        vec(subscription_identifier(), 0..3),
        option::of(text()),
    )
        .prop_map(
            |(format, expiry, alias, response, correlation, user, identifiers, content)| {
                PublishProperties {
                    payload_format_indicator: format,
                    message_expiry_interval: expiry,
                    topic_alias: alias,
                    response_topic: response,
                    correlation_data: correlation,
                    user_properties: user,
                    subscription_identifiers: identifiers,
                    content_type: content,
                }
            },
        )
}

fn publish(version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        (qos(), any::<bool>(), any::<bool>(), any::<bool>()),
        (topic_name(), packet_id(), binary(64)),
        v5_only(version, publish_properties()),
    )
        .prop_map(
            |((qos, dup, retain, use_alias), (topic, id, payload), properties)| {
                let at_least_once = qos != QoS::AtMostOnce;
                // With a topic alias the topic may be left empty (5.0 §3.3.2.3.4).
                let topic = if use_alias && properties.topic_alias.is_some() {
                    String::new()
                } else {
                    topic
                };
                Packet::Publish(Publish {
                    dup: dup && at_least_once,
                    qos,
                    retain,
                    topic: Arc::from(topic),
                    packet_id: at_least_once.then_some(id),
                    properties,
                    payload,
                })
            },
        )
}

fn ack_properties() -> impl Strategy<Value = AckProperties> {
    (option::of(text()), user_properties()).prop_map(|(reason_string, user_properties)| {
        AckProperties {
            reason_string,
            user_properties,
        }
    })
}

fn publish_ack(kind: PacketKind, version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let codes = match (version, kind) {
        (V3_1 | V3_1_1, _) => &[0x00][..],
        (V5, PacketKind::PubAck | PacketKind::PubRec) => PUBACK_REASONS,
        (V5, _) => PUBREL_REASONS,
    };
    (
        packet_id(),
        reason(codes),
        v5_only(version, ack_properties()),
    )
        .prop_map(move |(packet_id, reason, properties)| {
            let ack = PublishAck {
                packet_id,
                reason,
                properties,
            };
            match kind {
                PacketKind::PubAck => Packet::PubAck(ack),
                PacketKind::PubRec => Packet::PubRec(ack),
                PacketKind::PubRel => Packet::PubRel(ack),
                _ => Packet::PubComp(ack),
            }
        })
}

fn subscription_options(version: ProtocolVersion) -> BoxedStrategy<SubscriptionOptions> {
    let handling = select(
        &[
            RetainHandling::SendAtSubscribe,
            RetainHandling::SendIfNew,
            RetainHandling::DoNotSend,
        ][..],
    );
    if version != V5 {
        return qos()
            .prop_map(|qos| SubscriptionOptions {
                qos,
                ..SubscriptionOptions::default()
            })
            .boxed();
    }
    (qos(), any::<bool>(), any::<bool>(), handling)
        .prop_map(
            |(qos, no_local, retain_as_published, retain_handling)| SubscriptionOptions {
                qos,
                no_local,
                retain_as_published,
                retain_handling,
            },
        )
        .boxed()
}

fn subscribe(version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let filter =
        (topic_filter(), subscription_options(version)).prop_map(|(filter, mut options)| {
            // No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4].
            options.no_local &= !is_shared_filter(&filter);
            SubscribeFilter { filter, options }
        });
    let properties = (option::of(subscription_identifier()), user_properties()).prop_map(
        |(subscription_identifier, user_properties)| SubscribeProperties {
            subscription_identifier,
            user_properties,
        },
    );
    (packet_id(), vec(filter, 1..4), v5_only(version, properties)).prop_map(
        |(packet_id, filters, properties)| {
            Packet::Subscribe(Subscribe {
                packet_id,
                filters,
                properties,
            })
        },
    )
}

fn suback(version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let codes = if version == V5 {
        SUBACK_REASONS
    } else {
        V3_SUBACK_REASONS
    };
    let properties = v5_only(version, ack_properties());
    (packet_id(), vec(reason(codes), 1..4), properties).prop_map(
        |(packet_id, reasons, properties)| {
            Packet::SubAck(SubAck {
                packet_id,
                reasons,
                properties,
            })
        },
    )
}

fn unsubscribe(version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let properties =
        user_properties().prop_map(|user_properties| UnsubscribeProperties { user_properties });
    (
        packet_id(),
        vec(topic_filter(), 1..4),
        v5_only(version, properties),
    )
        .prop_map(|(packet_id, filters, properties)| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                filters,
                properties,
            })
        })
}

fn unsuback(version: ProtocolVersion) -> impl Strategy<Value = Packet> {
    // 3.x UNSUBACK carries no reason codes at all.
    let count = if version == V5 { 1..4 } else { 0..1 };
    let properties = v5_only(version, ack_properties());
    (
        packet_id(),
        vec(reason(UNSUBACK_REASONS), count),
        properties,
    )
        .prop_map(|(packet_id, reasons, properties)| {
            Packet::UnsubAck(UnsubAck {
                packet_id,
                reasons,
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

/// Any valid packet of any type for `version`.
fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    let mut kinds = vec![
        connect(version).boxed(),
        connack(version).boxed(),
        publish(version).boxed(),
        publish_ack(PacketKind::PubAck, version).boxed(),
        publish_ack(PacketKind::PubRec, version).boxed(),
        publish_ack(PacketKind::PubRel, version).boxed(),
        publish_ack(PacketKind::PubComp, version).boxed(),
        subscribe(version).boxed(),
        suback(version).boxed(),
        unsubscribe(version).boxed(),
        unsuback(version).boxed(),
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

fn encode(packet: &Packet, version: ProtocolVersion) -> BytesMut {
    let mut buf = BytesMut::new();
    encode_packet(packet, version, &mut buf).unwrap();
    buf
}

/// Decodes everything in `buf`, as a connection would, until it needs more bytes or fails.
fn drain(
    mut buf: BytesMut,
    version: ProtocolVersion,
    max_size: usize,
) -> Result<(), TestCaseError> {
    loop {
        let before = buf.clone();
        match decode_packet(&mut buf, version, max_size) {
            Ok(Some(packet)) => {
                // Whatever is accepted must re-encode to bytes that read back the same.
                let version = match &packet {
                    Packet::Connect(connect) => connect.protocol,
                    _ => version,
                };
                let mut again = encode(&packet, version);
                let decoded = decode_packet(&mut again, version, usize::MAX);
                prop_assert_eq!(decoded, Ok(Some(packet)));
            }
            Ok(None) => {
                prop_assert_eq!(buf, before);
                return Ok(());
            }
            Err(_) => return Ok(()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn valid_packets_round_trip((version, packet) in versioned_packet()) {
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
    }

    #[test]
    fn random_bytes_never_panic(
        version in select(&[V3_1, V3_1_1, V5][..]),
        bytes in vec(any::<u8>(), 0..300),
        max_size in prop_oneof![Just(MAX), 0..64usize],
    ) {
        drain(BytesMut::from(&bytes[..]), version, max_size)?;
    }

    #[test]
    fn mutated_packets_never_panic(
        (version, packet) in versioned_packet(),
        mutations in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encode(&packet, version);
        for (index, byte) in mutations {
            let at = index.index(bytes.len());
            bytes[at] = byte;
        }
        drain(bytes.clone(), version, MAX)?;
        let truncated = BytesMut::from(&bytes[..cut.index(bytes.len())]);
        drain(truncated, version, MAX)?;
    }
}
