//! MQTT 5 features against the real broker, with rumqttc's v5 client and the raw client:
//! properties, message expiry, topic aliases both ways, subscription identifiers, No Local,
//! Retain As Published, Retain Handling, maximum packet size, CONNACK properties, `$SYS`
//! events, and DISCONNECT 0x8B on shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use bytes::Bytes;
use nanomq::codec::{
    Packet, PacketId, ProtocolVersion, Publish, PublishProperties, QoS as CQoS, ReasonCode,
    RetainHandling, Subscribe, SubscribeFilter, SubscribeProperties, SubscriptionOptions,
};
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::mqttbytes::v5::{
    Filter, PublishProperties as RProps, SubscribeProperties as RSubProps,
};
use support::raw::RawClient;
use support::{TestBroker, v5};

async fn raw_v5(broker: &TestBroker, id: &str) -> RawClient {
    RawClient::connected(broker.addr, ProtocolVersion::V5, id, true)
        .await
        .0
}

fn publish(topic: &str, payload: &'static [u8], properties: PublishProperties) -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos: CQoS::AtMostOnce,
        retain: false,
        topic: topic.into(),
        packet_id: None,
        properties,
        payload: Bytes::from_static(payload),
    })
}

fn subscribe(filter: &str, options: SubscriptionOptions, id: Option<u32>) -> Packet {
    Packet::Subscribe(Subscribe {
        packet_id: PacketId::new(1).unwrap(),
        filters: vec![SubscribeFilter {
            filter: filter.into(),
            options,
        }],
        properties: SubscribeProperties {
            subscription_identifier: id,
            ..Default::default()
        },
    })
}

async fn subscribed(
    c: &mut RawClient,
    filter: &str,
    options: SubscriptionOptions,
    id: Option<u32>,
) {
    c.send(&subscribe(filter, options, id)).await;
    match c.recv().await {
        Some(Packet::SubAck(ack)) => assert!(!ack.reasons[0].is_error(), "{ack:?}"),
        other => panic!("expected SUBACK, got {other:?}"),
    }
}

#[tokio::test]
async fn connack_advertises_the_broker_limits() {
    let broker = TestBroker::start_with(|c| {
        c.parallel = 16;
        c.max_packet_size = 4096;
    })
    .await;
    let (_c, ack) = RawClient::connected(broker.addr, ProtocolVersion::V5, "limits", true).await;
    assert_eq!(ack.properties.receive_maximum, Some(16));
    assert_eq!(ack.properties.maximum_packet_size, Some(4096));
    assert!(ack.properties.topic_alias_maximum.unwrap_or(0) > 0);
    broker.stop().await;
}

#[tokio::test]
async fn publish_properties_are_carried_through() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut sub = v5::connect(&broker, "props-sub").await;
    sub.subscribe("props/#", QoS::AtLeastOnce).await;
    let publisher = v5::connect(&broker, "props-pub").await;
    let properties = RProps {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(300),
        response_topic: Some("props/reply".into()),
        correlation_data: Some(Bytes::from_static(b"\x00\x01corr")),
        user_properties: vec![
            ("a".into(), "1".into()),
            ("a".into(), "2".into()),
            ("b".into(), "x".into()),
        ],
        content_type: Some("application/json".into()),
        ..RProps::default()
    };
    publisher
        .client
        .publish_with_properties("props/t", QoS::AtLeastOnce, false, "{}", properties.clone())
        .await
        .unwrap();
    let got = sub.next_publish().await;
    let p = got.properties.expect("properties");
    assert_eq!(p.payload_format_indicator, Some(1));
    assert_eq!(p.response_topic, properties.response_topic);
    assert_eq!(p.correlation_data, properties.correlation_data);
    assert_eq!(
        p.user_properties, properties.user_properties,
        "order and duplicates kept"
    );
    assert_eq!(p.content_type, properties.content_type);
    let expiry = p.message_expiry_interval.expect("expiry forwarded");
    assert!((295..=300).contains(&expiry), "{expiry}");
    broker.stop().await;
}

#[tokio::test]
async fn expired_messages_are_not_delivered_and_remaining_expiry_counts_down() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut options = v5::options(&broker, "away");
    options.set_clean_start(false);
    options.set_session_expiry_interval(Some(600));
    let mut c = v5::Client::connect(options.clone()).await;
    c.subscribe("exp/#", QoS::AtLeastOnce).await;
    c.disconnect().await;
    let session = broker.handle.broker.session("away").unwrap();
    support::eventually("client away", || !session.is_connected()).await;

    let mut publisher = raw_v5(&broker, "exp-pub").await;
    let short = PublishProperties {
        message_expiry_interval: Some(1),
        ..Default::default()
    };
    let long = PublishProperties {
        message_expiry_interval: Some(100),
        ..Default::default()
    };
    let mut packet = publish("exp/short", b"s", short);
    if let Packet::Publish(p) = &mut packet {
        p.qos = CQoS::AtLeastOnce;
        p.packet_id = PacketId::new(1);
    }
    publisher.send(&packet).await;
    let mut packet = publish("exp/long", b"l", long);
    if let Packet::Publish(p) = &mut packet {
        p.qos = CQoS::AtLeastOnce;
        p.packet_id = PacketId::new(2);
    }
    publisher.send(&packet).await;
    support::eventually("2 queued", || session.mailbox.len() == 2).await;
    // The feature under test is time passing: let the 1-second expiry run out.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    let mut c = v5::Client::connect(options).await;
    let got = c.next_publish().await;
    assert_eq!(
        got.topic.as_ref(),
        b"exp/long",
        "the expired message was dropped"
    );
    let left = got
        .properties
        .and_then(|p| p.message_expiry_interval)
        .unwrap();
    assert!(left < 100, "remaining expiry {left}");
    broker.stop().await;
}

#[tokio::test]
async fn expired_retained_messages_are_freed_without_being_replaced() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut publisher = raw_v5(&broker, "ret-exp-pub").await;
    let expiring = PublishProperties {
        message_expiry_interval: Some(1),
        ..Default::default()
    };
    for (topic, properties) in [
        ("keep/expiring", expiring),
        ("keep/forever", PublishProperties::default()),
    ] {
        let mut packet = publish(topic, b"r", properties);
        if let Packet::Publish(p) = &mut packet {
            p.retain = true;
        }
        publisher.send(&packet).await;
    }
    let b = &broker.handle.broker;
    support::eventually("both retained", || b.counts().retained == 2).await;
    // Nobody replaces or asks for the expiring one: the broker frees it on its own.
    support::eventually("the expired one freed", || b.counts().retained == 1).await;
    let left = b.retained_matching("#");
    assert_eq!(left.len(), 1);
    assert_eq!(&*left[0].topic, "keep/forever");
    broker.stop().await;
}

#[tokio::test]
async fn topic_alias_from_client_to_broker() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut sub = v5::connect(&broker, "alias-sub").await;
    sub.subscribe("alias/#", QoS::AtMostOnce).await;
    let mut publisher = raw_v5(&broker, "alias-pub").await;
    let with_alias = |alias| PublishProperties {
        topic_alias: Some(alias),
        ..Default::default()
    };
    publisher
        .send(&publish("alias/long/topic/name", b"1", with_alias(1)))
        .await;
    publisher.send(&publish("", b"2", with_alias(1))).await;
    // Re-mapping an alias to another topic.
    publisher
        .send(&publish("alias/other", b"3", with_alias(1)))
        .await;
    publisher.send(&publish("", b"4", with_alias(1))).await;
    let topics: Vec<(Bytes, Bytes)> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            let p = sub.next_publish().await;
            v.push((p.topic, p.payload));
        }
        v
    };
    let expect = |t: &'static str, p: &'static str| {
        (
            Bytes::from_static(t.as_bytes()),
            Bytes::from_static(p.as_bytes()),
        )
    };
    assert_eq!(
        topics,
        vec![
            expect("alias/long/topic/name", "1"),
            expect("alias/long/topic/name", "2"),
            expect("alias/other", "3"),
            expect("alias/other", "4"),
        ]
    );
    broker.stop().await;
}

#[tokio::test]
async fn topic_alias_from_broker_to_client() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut connect = support::raw::connect_packet(ProtocolVersion::V5, "alias-rx", true, 60);
    connect.properties.topic_alias_maximum = Some(4);
    let mut sub = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    sub.handshake(connect).await;
    subscribed(&mut sub, "ta/#", SubscriptionOptions::default(), None).await;
    let mut publisher = raw_v5(&broker, "alias-tx").await;
    for _ in 0..2 {
        publisher
            .send(&publish(
                "ta/same/topic",
                b"x",
                PublishProperties::default(),
            ))
            .await;
    }
    let first = sub.next_publish().await;
    let alias = first.properties.topic_alias.expect("an alias is assigned");
    assert!((1..=4).contains(&alias));
    assert_eq!(&*first.topic, "ta/same/topic");
    let second = sub.next_publish().await;
    assert_eq!(second.properties.topic_alias, Some(alias));
    assert_eq!(&*second.topic, "", "the topic is replaced by the alias");

    // An independent client accepts the aliases (rumqttc resolves them internally but hands
    // the application the packet as received, so only the alias is compared here).
    let mut options = v5::options(&broker, "alias-rumqttc");
    options.set_topic_alias_max(Some(10));
    let mut rc = v5::Client::connect(options).await;
    rc.subscribe("ta/#", QoS::AtMostOnce).await;
    for _ in 0..3 {
        publisher
            .send(&publish(
                "ta/same/topic",
                b"y",
                PublishProperties::default(),
            ))
            .await;
    }
    let first = rc.next_publish().await;
    assert_eq!(first.topic.as_ref(), b"ta/same/topic");
    let alias = first.properties.and_then(|p| p.topic_alias);
    assert!(alias.is_some());
    for _ in 0..2 {
        let next = rc.next_publish().await;
        assert_eq!(next.properties.and_then(|p| p.topic_alias), alias);
        assert_eq!(next.payload.as_ref(), b"y");
    }
    broker.stop().await;
}

#[tokio::test]
async fn subscription_identifiers_of_every_matching_subscription() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut sub = v5::connect(&broker, "ids").await;
    sub.client
        .subscribe_with_properties(
            "ids/+",
            QoS::AtLeastOnce,
            RSubProps {
                id: Some(7),
                user_properties: vec![],
            },
        )
        .await
        .unwrap();
    sub.suback().await;
    sub.client
        .subscribe_with_properties(
            "ids/#",
            QoS::AtMostOnce,
            RSubProps {
                id: Some(8),
                user_properties: vec![],
            },
        )
        .await
        .unwrap();
    sub.suback().await;
    let publisher = v5::connect(&broker, "ids-pub").await;
    publisher
        .publish("ids/a", QoS::AtLeastOnce, false, b"x")
        .await;
    let got = sub.next_publish().await;
    let mut ids = got.properties.unwrap().subscription_identifiers;
    ids.sort_unstable();
    assert_eq!(ids, [7, 8], "one copy carrying both identifiers");
    assert_eq!(got.qos, QoS::AtLeastOnce, "the highest matching QoS");
    publisher
        .publish("ids/a/b", QoS::AtLeastOnce, false, b"y")
        .await;
    let got = sub.next_publish().await;
    assert_eq!(got.properties.unwrap().subscription_identifiers, [8]);
    broker.stop().await;
}

#[tokio::test]
async fn no_local_and_retain_as_published() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut me = v5::connect(&broker, "me").await;
    let mut filter = Filter::new("nl/t", QoS::AtLeastOnce);
    filter.nolocal = true;
    me.subscribe_filter(filter).await;
    let mut rap = v5::connect(&broker, "rap").await;
    let mut filter = Filter::new("nl/t", QoS::AtLeastOnce);
    filter.preserve_retain = true;
    rap.subscribe_filter(filter).await;

    me.publish("nl/t", QoS::AtLeastOnce, true, b"mine").await;
    let other = v5::connect(&broker, "other").await;
    other
        .publish("nl/t", QoS::AtLeastOnce, false, b"theirs")
        .await;
    let got = me.next_publish().await;
    assert_eq!(got.payload.as_ref(), b"theirs", "own message not echoed");
    let first = rap.next_publish().await;
    assert_eq!(first.payload.as_ref(), b"mine");
    assert!(first.retain, "Retain As Published keeps RETAIN");
    assert!(!rap.next_publish().await.retain);
    broker.stop().await;
}

#[tokio::test]
async fn retain_handling_0_1_2() {
    let broker = TestBroker::start_with(|_| {}).await;
    let publisher = v5::connect(&broker, "rh-pub").await;
    publisher
        .publish("rh/t", QoS::AtLeastOnce, true, b"kept")
        .await;
    let mut c = raw_v5(&broker, "rh").await;
    let with = |rh| SubscriptionOptions {
        qos: CQoS::AtLeastOnce,
        retain_handling: rh,
        ..Default::default()
    };
    // 0: sent at every subscribe.
    subscribed(&mut c, "rh/t", with(RetainHandling::SendAtSubscribe), None).await;
    assert_eq!(c.next_publish().await.payload.as_ref(), b"kept");
    subscribed(&mut c, "rh/t", with(RetainHandling::SendAtSubscribe), None).await;
    let again = c.next_publish().await;
    assert_eq!(again.payload.as_ref(), b"kept");
    c.send(&Packet::PubAck(nanomq::codec::PubAck::new(
        again.packet_id.unwrap(),
    )))
    .await;
    // 1: only when the subscription is new.
    subscribed(&mut c, "rh/t", with(RetainHandling::SendIfNew), None).await;
    subscribed(&mut c, "rh/+", with(RetainHandling::SendIfNew), None).await;
    let p = c.next_publish().await;
    assert_eq!(p.payload.as_ref(), b"kept", "new filter rh/+ gets it");
    // 2: never.
    subscribed(&mut c, "rh/#", with(RetainHandling::DoNotSend), None).await;
    publisher
        .publish("rh/marker", QoS::AtLeastOnce, false, b"m")
        .await;
    let next = c.next_publish().await;
    assert_eq!(
        &*next.topic, "rh/marker",
        "nothing retained came before the marker"
    );
    broker.stop().await;
}

#[tokio::test]
async fn messages_larger_than_the_client_accepts_are_not_sent() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut connect = support::raw::connect_packet(ProtocolVersion::V5, "small", true, 60);
    connect.properties.maximum_packet_size = Some(64);
    let mut sub = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    sub.handshake(connect).await;
    subscribed(&mut sub, "mps/#", SubscriptionOptions::default(), None).await;
    let publisher = v5::connect(&broker, "mps-pub").await;
    publisher
        .publish("mps/big", QoS::AtMostOnce, false, &[b'x'; 100])
        .await;
    publisher
        .publish("mps/small", QoS::AtMostOnce, false, b"ok")
        .await;
    let got = sub.next_publish().await;
    assert_eq!(&*got.topic, "mps/small");
    broker.stop().await;
}

#[tokio::test]
async fn a_message_too_large_to_send_sets_up_no_topic_alias() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut connect = support::raw::connect_packet(ProtocolVersion::V5, "small-alias", true, 60);
    connect.properties.maximum_packet_size = Some(64);
    connect.properties.topic_alias_maximum = Some(4);
    let mut sub = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    sub.handshake(connect).await;
    subscribed(&mut sub, "mpa/#", SubscriptionOptions::default(), None).await;
    let publisher = v5::connect(&broker, "mpa-pub").await;
    publisher
        .publish("mpa/t", QoS::AtMostOnce, false, &[b'x'; 100])
        .await;
    publisher
        .publish("mpa/t", QoS::AtMostOnce, false, b"ok")
        .await;
    let got = sub.next_publish().await;
    assert_eq!(
        &*got.topic, "mpa/t",
        "the first PUBLISH the client sees on a topic names it"
    );
    assert_eq!(got.payload.as_ref(), b"ok");
    broker.stop().await;
}

#[tokio::test]
async fn a_resend_the_client_no_longer_accepts_frees_its_slot() {
    let broker = TestBroker::start_with(|_| {}).await;
    // Receives one QoS 1 message and does not acknowledge it.
    let mut connect = support::raw::connect_packet(ProtocolVersion::V5, "shrinks", false, 60);
    connect.properties.session_expiry_interval = Some(600);
    connect.properties.receive_maximum = Some(1);
    let mut sub = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    sub.handshake(connect.clone()).await;
    let qos1 = SubscriptionOptions {
        qos: CQoS::AtLeastOnce,
        ..SubscriptionOptions::default()
    };
    subscribed(&mut sub, "shr/#", qos1, None).await;
    let publisher = v5::connect(&broker, "shr-pub").await;
    publisher
        .publish("shr/big", QoS::AtLeastOnce, false, &[b'x'; 100])
        .await;
    assert_eq!(&*sub.next_publish().await.topic, "shr/big");
    drop(sub);
    let session = broker.handle.broker.session("shrinks").unwrap();
    support::eventually("client away", || !session.is_connected()).await;
    publisher
        .publish("shr/small", QoS::AtLeastOnce, false, b"ok")
        .await;
    // Back with a Maximum Packet Size the unacknowledged message no longer fits in: it is
    // discarded, and the window of 1 is free for what is queued.
    connect.properties.maximum_packet_size = Some(64);
    let mut sub = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    assert!(sub.handshake(connect).await.session_present);
    let got = sub.next_publish().await;
    assert_eq!(&*got.topic, "shr/small");
    broker.stop().await;
}

#[tokio::test]
async fn sys_connected_event_has_nanomq_fields() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut watcher = v5::connect(&broker, "sys-watch").await;
    watcher.subscribe("$SYS/brokers/+", QoS::AtMostOnce).await;
    let mut options = v5::options(&broker, "evented");
    options.set_credentials("alvin", "pw");
    let c = v5::Client::connect(options).await;
    let event = watcher.next_publish().await;
    assert_eq!(event.topic.as_ref(), b"$SYS/brokers/connected");
    let json: serde_json::Value = serde_json::from_slice(&event.payload).unwrap();
    assert_eq!(json["client_id"], "evented");
    assert_eq!(json["username"], "alvin");
    assert_eq!(json["proto_ver"], 5);
    assert_eq!(json["keepalive"], 30);
    assert_eq!(json["clean_start"], 1);
    assert_eq!(json["IPv4"], "127.0.0.1");
    assert_eq!(json["proto_name"], "MQTT");
    assert!(json["ts"].as_u64().unwrap() > 1_600_000_000_000);
    c.disconnect().await;
    let event = watcher.next_publish().await;
    assert_eq!(event.topic.as_ref(), b"$SYS/brokers/disconnected");
    let json: serde_json::Value = serde_json::from_slice(&event.payload).unwrap();
    assert_eq!(json["client_id"], "evented");
    assert_eq!(json["reason_code"], "0");
    broker.stop().await;
}

#[tokio::test]
async fn sys_client_status_events_as_nanomq_0_24_publishes_them() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut watcher = v5::connect(&broker, "status-watch").await;
    watcher
        .subscribe("$SYS/brokers/client_status/#", QoS::AtMostOnce)
        .await;
    let c = v5::connect(&broker, "dev-7").await;
    let event = watcher.next_publish().await;
    assert_eq!(event.topic.as_ref(), b"$SYS/brokers/client_status/dev-7");
    let json: serde_json::Value = serde_json::from_slice(&event.payload).unwrap();
    assert_eq!(json["status"], "online");
    assert_eq!(json["client_id"], "dev-7");
    assert_eq!(json["return_code"], "0");
    c.disconnect().await;
    let event = watcher.next_publish().await;
    assert_eq!(event.topic.as_ref(), b"$SYS/brokers/client_status/dev-7");
    let json: serde_json::Value = serde_json::from_slice(&event.payload).unwrap();
    assert_eq!(json["status"], "offline");
    assert_eq!(json["reason_code"], "0");
    // A client identifier that cannot be a topic level gets the older events only.
    let odd = v5::connect(&broker, "a/b").await;
    odd.disconnect().await;
    let marker = v5::connect(&broker, "marker").await;
    let event = watcher.next_publish().await;
    assert_eq!(event.topic.as_ref(), b"$SYS/brokers/client_status/marker");
    marker.disconnect().await;
    broker.stop().await;
}

#[tokio::test]
async fn shutdown_sends_disconnect_0x8b() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut raw = raw_v5(&broker, "stays").await;
    let mut rc = v5::connect(&broker, "stays-too").await;
    let stop = tokio::spawn(broker.stop());
    let last = raw.until_closed().await;
    assert!(
        matches!(last.as_slice(), [Packet::Disconnect(d)] if d.reason == ReasonCode::SERVER_SHUTTING_DOWN),
        "{last:?}"
    );
    assert_eq!(rc.server_disconnect().await, "ServerShuttingDown");
    support::within(stop).await.unwrap();
}
