//! Cross-check of the message packets against an independent implementation, the `mqttbytes`
//! crate: PUBLISH (property-tested), the PUBACK family, SUBSCRIBE/SUBACK and
//! UNSUBSCRIBE/UNSUBACK it writes decode with our codec to the same content, and ours read
//! back with it likewise.

#![allow(clippy::unwrap_used)] // A failed expectation in a test should stop it loudly.

use crate::common;

use std::sync::Arc;

use bytes::Bytes;
use mqttbytes::{v4, v5};
use nanomq_codec::{
    AckProperties, Packet, PacketId, ProtocolVersion, Publish, PublishAck, PublishProperties, QoS,
    ReasonCode, RetainHandling, SubAck, Subscribe, SubscribeFilter, SubscribeProperties,
    SubscriptionOptions, UnsubAck, Unsubscribe, UnsubscribeProperties,
};
use proptest::prelude::*;

use ProtocolVersion::{V3_1_1, V5};
use common::interop::*;

fn pid(id: u16) -> PacketId {
    PacketId::new(id).unwrap()
}

fn their_qos(qos: QoS) -> mqttbytes::QoS {
    match qos {
        QoS::AtMostOnce => mqttbytes::QoS::AtMostOnce,
        QoS::AtLeastOnce => mqttbytes::QoS::AtLeastOnce,
        QoS::ExactlyOnce => mqttbytes::QoS::ExactlyOnce,
    }
}

#[test]
fn publish_acks() {
    let ack = |id| PublishAck::new(pid(id));
    let cases = [
        (
            written(|b| v4::PubAck::new(1).write(b)),
            Packet::PubAck(ack(1)),
        ),
        (
            written(|b| v4::PubRec::new(2).write(b)),
            Packet::PubRec(ack(2)),
        ),
        (
            written(|b| v4::PubRel::new(3).write(b)),
            Packet::PubRel(ack(3)),
        ),
        (
            written(|b| v4::PubComp::new(4).write(b)),
            Packet::PubComp(ack(4)),
        ),
    ];
    for (bytes, ours) in cases {
        assert_eq!(decode_theirs(bytes, V3_1_1), ours);
    }
    assert_eq!(
        read_v4(&Packet::PubRel(ack(3))),
        v4::Packet::PubRel(v4::PubRel::new(3))
    );

    let theirs = v5::PubAck {
        pkid: 9,
        reason: v5::PubAckReason::NoMatchingSubscribers,
        properties: Some(v5::PubAckProperties {
            reason_string: Some("nobody".into()),
            user_properties: user("a", "b"),
        }),
    };
    let ours = Packet::PubAck(PublishAck {
        packet_id: pid(9),
        reason: ReasonCode::NO_MATCHING_SUBSCRIBERS,
        properties: AckProperties {
            reason_string: Some("nobody".into()),
            user_properties: user("a", "b"),
        },
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::PubAck(theirs));

    let theirs = v5::PubRel {
        pkid: 5,
        reason: v5::PubRelReason::PacketIdentifierNotFound,
        properties: None,
    };
    let ours = Packet::PubRel(PublishAck {
        reason: ReasonCode::PACKET_IDENTIFIER_NOT_FOUND,
        ..ack(5)
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::PubRel(theirs));
    let success = v5::PubComp {
        pkid: 6,
        reason: v5::PubCompReason::Success,
        properties: None,
    };
    assert_eq!(
        decode_theirs(written(|b| success.write(b)), V5),
        Packet::PubComp(ack(6))
    );
    assert_eq!(
        read_v5(&Packet::PubComp(ack(6))),
        v5::Packet::PubComp(success)
    );
}

#[test]
fn subscribe_and_suback() {
    let theirs = v4::Subscribe {
        pkid: 12,
        filters: vec![
            v4::SubscribeFilter::new("a/+/c".into(), mqttbytes::QoS::AtLeastOnce),
            v4::SubscribeFilter::new("#".into(), mqttbytes::QoS::ExactlyOnce),
        ],
    };
    let filter = |filter: &str, qos| SubscribeFilter {
        filter: filter.into(),
        options: SubscriptionOptions {
            qos,
            ..SubscriptionOptions::default()
        },
    };
    let ours = Packet::Subscribe(Subscribe {
        packet_id: pid(12),
        filters: vec![
            filter("a/+/c", QoS::AtLeastOnce),
            filter("#", QoS::ExactlyOnce),
        ],
        properties: SubscribeProperties::default(),
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V3_1_1), ours);
    assert_eq!(read_v4(&ours), v4::Packet::Subscribe(theirs));

    let mut shared = v5::SubscribeFilter::new("$share/g/t/#".into(), mqttbytes::QoS::AtLeastOnce);
    shared.set_preserve_retain(true);
    shared.set_retain_forward_rule(v5::RetainForwardRule::Never);
    let mut local = v5::SubscribeFilter::new("x".into(), mqttbytes::QoS::AtMostOnce);
    local.set_nolocal(true);
    local.set_retain_forward_rule(v5::RetainForwardRule::OnNewSubscribe);
    let theirs = v5::Subscribe {
        pkid: 11,
        filters: vec![shared, local],
        properties: Some(v5::SubscribeProperties {
            id: Some(4000),
            user_properties: user("s", "t"),
        }),
    };
    let ours = Packet::Subscribe(Subscribe {
        packet_id: pid(11),
        filters: vec![
            SubscribeFilter {
                filter: "$share/g/t/#".into(),
                options: SubscriptionOptions {
                    qos: QoS::AtLeastOnce,
                    no_local: false,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            },
            SubscribeFilter {
                filter: "x".into(),
                options: SubscriptionOptions {
                    qos: QoS::AtMostOnce,
                    no_local: true,
                    retain_as_published: false,
                    retain_handling: RetainHandling::SendIfNew,
                },
            },
        ],
        properties: SubscribeProperties {
            subscription_identifier: Some(4000),
            user_properties: user("s", "t"),
        },
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::Subscribe(theirs));

    let theirs = v4::SubAck::new(
        3,
        vec![
            v4::SubscribeReasonCode::Success(mqttbytes::QoS::AtLeastOnce),
            v4::SubscribeReasonCode::Failure,
        ],
    );
    let ours = Packet::SubAck(SubAck {
        packet_id: pid(3),
        reasons: vec![ReasonCode::GRANTED_QOS_1, ReasonCode::UNSPECIFIED_ERROR],
        properties: AckProperties::default(),
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V3_1_1), ours);
    assert_eq!(read_v4(&ours), v4::Packet::SubAck(theirs));

    let theirs = v5::SubAck {
        pkid: 3,
        return_codes: vec![
            v5::SubscribeReasonCode::QoS2,
            v5::SubscribeReasonCode::SharedSubscriptionsNotSupported,
        ],
        properties: Some(v5::SubAckProperties {
            reason_string: Some("partly".into()),
            user_properties: Vec::new(),
        }),
    };
    let ours = Packet::SubAck(SubAck {
        packet_id: pid(3),
        reasons: vec![
            ReasonCode::GRANTED_QOS_2,
            ReasonCode::SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,
        ],
        properties: AckProperties {
            reason_string: Some("partly".into()),
            user_properties: Vec::new(),
        },
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::SubAck(theirs));
}

#[test]
fn unsubscribe_and_unsuback() {
    let theirs = v4::Unsubscribe {
        pkid: 8,
        topics: vec!["a/b".into(), "c/#".into()],
    };
    let ours = Packet::Unsubscribe(Unsubscribe {
        packet_id: pid(8),
        filters: vec!["a/b".into(), "c/#".into()],
        properties: UnsubscribeProperties::default(),
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V3_1_1), ours);
    assert_eq!(read_v4(&ours), v4::Packet::Unsubscribe(theirs));
    let theirs = v4::UnsubAck::new(8);
    let ours = Packet::UnsubAck(UnsubAck {
        packet_id: pid(8),
        reasons: Vec::new(),
        properties: AckProperties::default(),
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V3_1_1), ours);
    assert_eq!(read_v4(&ours), v4::Packet::UnsubAck(theirs));

    let theirs = v5::Unsubscribe {
        pkid: 8,
        filters: vec!["a/b".into()],
        properties: Some(v5::UnsubscribeProperties {
            user_properties: user("u", "v"),
        }),
    };
    let ours = Packet::Unsubscribe(Unsubscribe {
        packet_id: pid(8),
        filters: vec!["a/b".into()],
        properties: UnsubscribeProperties {
            user_properties: user("u", "v"),
        },
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::Unsubscribe(theirs));
    let theirs = v5::UnsubAck {
        pkid: 8,
        reasons: vec![v5::UnsubAckReason::NoSubscriptionExisted],
        properties: None,
    };
    let ours = Packet::UnsubAck(UnsubAck {
        packet_id: pid(8),
        reasons: vec![ReasonCode::NO_SUBSCRIPTION_EXISTED],
        properties: AckProperties::default(),
    });
    assert_eq!(decode_theirs(written(|b| theirs.write(b)), V5), ours);
    assert_eq!(read_v5(&ours), v5::Packet::UnsubAck(theirs));
}

fn publish_case() -> impl Strategy<Value = (QoS, bool, bool, String, u16, Vec<u8>)> {
    (
        prop_oneof![
            Just(QoS::AtMostOnce),
            Just(QoS::AtLeastOnce),
            Just(QoS::ExactlyOnce)
        ],
        any::<bool>(),
        any::<bool>(),
        "[a-z0-9/]{1,20}",
        1..=u16::MAX,
        proptest::collection::vec(any::<u8>(), 0..300),
    )
}

fn our_publish(qos: QoS, dup: bool, retain: bool, topic: &str, id: u16, payload: Bytes) -> Publish {
    Publish {
        dup: dup && qos != QoS::AtMostOnce,
        qos,
        retain,
        topic: Arc::from(topic),
        packet_id: (qos != QoS::AtMostOnce).then(|| pid(id)),
        properties: PublishProperties::default(),
        payload,
    }
}

proptest! {
    #[test]
    fn publish_v4_both_ways((qos, dup, retain, topic, id, payload) in publish_case()) {
        let payload = Bytes::from(payload);
        let ours = our_publish(qos, dup, retain, &topic, id, payload.clone());
        let mut theirs = v4::Publish::from_bytes(topic, their_qos(qos), payload);
        theirs.dup = ours.dup;
        theirs.retain = retain;
        theirs.pkid = ours.packet_id.map_or(0, PacketId::get);
        let decoded = decode_theirs(written(|b| theirs.write(b)), V3_1_1);
        prop_assert_eq!(decoded, Packet::Publish(ours.clone()));
        prop_assert_eq!(read_v4(&Packet::Publish(ours)), v4::Packet::Publish(theirs));
    }

    #[test]
    fn publish_v5_both_ways(
        (qos, dup, retain, topic, id, payload) in publish_case(),
        expiry in proptest::option::of(any::<u32>()),
        identifiers in proptest::collection::vec(1..=268_435_455u32, 0..3),
        content_type in proptest::option::of("[a-z/]{0,12}"),
    ) {
        let payload = Bytes::from(payload);
        let mut ours = our_publish(qos, dup, retain, &topic, id, payload.clone());
        ours.properties = PublishProperties {
            message_expiry_interval: expiry,
            subscription_identifiers: identifiers.clone(),
            content_type: content_type.clone(),
            user_properties: user("k", "v"),
            ..PublishProperties::default()
        };
        let mut theirs = v5::Publish::from_bytes(topic, their_qos(qos), payload);
        theirs.dup = ours.dup;
        theirs.retain = retain;
        theirs.pkid = ours.packet_id.map_or(0, PacketId::get);
        theirs.properties = Some(v5::PublishProperties {
            payload_format_indicator: None,
            message_expiry_interval: expiry,
            topic_alias: None,
            response_topic: None,
            correlation_data: None,
            user_properties: user("k", "v"),
            subscription_identifiers: identifiers.iter().map(|&id| id as usize).collect(),
            content_type,
        });
        let decoded = decode_theirs(written(|b| theirs.write(b)), V5);
        prop_assert_eq!(decoded, Packet::Publish(ours.clone()));
        prop_assert_eq!(read_v5(&Packet::Publish(ours)), v5::Packet::Publish(theirs));
    }
}
