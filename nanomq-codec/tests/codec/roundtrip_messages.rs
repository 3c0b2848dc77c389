//! Property tests for the message packets (PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP,
//! SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK): every valid packet of every version survives
//! encode then decode unchanged and needs all of its bytes; corrupted ones never make the
//! decoder panic.

#![allow(clippy::unwrap_used)] // Strategy plumbing on values that are valid by construction.

use crate::common;

use std::sync::Arc;

use nanomq_codec::{
    AckProperties, Packet, PacketId, PacketKind, ProtocolVersion, Publish, PublishAck,
    PublishProperties, QoS, RetainHandling, SubAck, Subscribe, SubscribeFilter,
    SubscribeProperties, SubscriptionOptions, UnsubAck, Unsubscribe, UnsubscribeProperties,
    is_shared_filter, validate_topic_filter,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::{BoxedStrategy, Union};

use ProtocolVersion::{V3_1, V3_1_1, V5};
use common::roundtrip::*;

// Reason codes allowed per packet, transcribed from MQTT 5.0 Table 2-6 for this test alone.

const PUBACK_REASONS: &[u8] = &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const PUBREL_REASONS: &[u8] = &[0x00, 0x92];
const SUBACK_REASONS: &[u8] = &[
    0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
];
const UNSUBACK_REASONS: &[u8] = &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
const V3_SUBACK_REASONS: &[u8] = &[0x00, 0x01, 0x02, 0x80];

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

fn packet_id() -> impl Strategy<Value = PacketId> {
    (1..=u16::MAX).prop_map(|id| PacketId::new(id).unwrap())
}

fn subscription_identifier() -> impl Strategy<Value = u32> {
    1..=268_435_455u32
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

/// Any valid message packet for `version`.
fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    Union::new([
        publish(version).boxed(),
        publish_ack(PacketKind::PubAck, version).boxed(),
        publish_ack(PacketKind::PubRec, version).boxed(),
        publish_ack(PacketKind::PubRel, version).boxed(),
        publish_ack(PacketKind::PubComp, version).boxed(),
        subscribe(version).boxed(),
        suback(version).boxed(),
        unsubscribe(version).boxed(),
        unsuback(version).boxed(),
    ])
    .boxed()
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
