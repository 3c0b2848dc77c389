//! The broker's limits against a hostile client: topic depth (`max_topic_levels`), the broker's
//! own `$SYS/` topics, the number of connected clients (`max_connections`), and what sockets
//! that never finish CONNECT may hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use nanomq::codec::{
    LastWill, Packet, PacketId, ProtocolVersion, Publish, QoS, ReasonCode, Subscribe,
    SubscribeFilter, SubscriptionOptions, Unsubscribe, WillProperties,
};
use support::TestBroker;
use support::eventually;
use support::raw::{RawClient, connect_packet};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn will(topic: &str, retain: bool, expiry: Option<u32>) -> LastWill {
    LastWill {
        topic: Arc::from(topic),
        payload: "gone".into(),
        qos: QoS::AtMostOnce,
        retain,
        properties: WillProperties {
            message_expiry_interval: expiry,
            ..Default::default()
        },
    }
}

fn publish(topic: &str, qos: QoS, id: u16) -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos,
        retain: false,
        topic: topic.into(),
        packet_id: (qos != QoS::AtMostOnce).then(|| PacketId::new(id).unwrap()),
        properties: Default::default(),
        payload: "forged".into(),
    })
}

async fn connack_code(broker: &TestBroker, connect: nanomq::codec::Connect) -> ReasonCode {
    let mut c = RawClient::connect(broker.addr, connect.protocol).await;
    c.handshake(connect).await.code
}

/// Issue 9, item 1: a retained will on `'/' * 32767` with a 1 s expiry, then a dropped
/// connection; removing the expired message dropped the deep trie branch recursively and
/// overflowed a worker's stack (the whole process aborted). With the depth limit raised to
/// its maximum, the same sequence must leave the broker serving.
#[tokio::test]
async fn an_expiring_retained_will_on_the_deepest_topic_does_not_crash_the_broker() {
    let broker = TestBroker::start_with(|c| c.max_topic_levels = 32_768).await;
    let deep = "/".repeat(32_767);
    let mut connect = connect_packet(ProtocolVersion::V5, "deep-will", true, 60);
    connect.will = Some(will(&deep, true, Some(1)));
    let mut client = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    assert_eq!(client.handshake(connect).await.code, ReasonCode::SUCCESS);
    drop(client);
    let b = &broker.handle.broker;
    eventually("the will retained", || b.counts().retained == 1).await;
    eventually("the will expired and removed", || b.counts().retained == 0).await;
    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "after", true).await;
    sub.subscribe("still/here", QoS::AtMostOnce).await;
    sub.send(&publish("still/here", QoS::AtMostOnce, 1)).await;
    assert_eq!(sub.next_publish().await.topic.as_ref(), "still/here");
    broker.stop().await;
}

#[tokio::test]
async fn topics_deeper_than_max_topic_levels_are_refused_everywhere() {
    let broker = TestBroker::start_with(|_| {}).await;
    let too_deep = vec!["l"; 129].join("/");
    let deepest = vec!["l"; 128].join("/");
    // The will, at CONNECT.
    let mut connect = connect_packet(ProtocolVersion::V5, "deep", true, 60);
    connect.will = Some(will(&too_deep, false, None));
    assert_eq!(
        connack_code(&broker, connect).await,
        ReasonCode::TOPIC_NAME_INVALID
    );
    // SUBSCRIBE and UNSUBSCRIBE answer per filter.
    let (mut c, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "subs", true).await;
    let filters = [too_deep.as_str(), deepest.as_str()]
        .into_iter()
        .map(|filter| SubscribeFilter {
            filter: filter.to_owned(),
            options: SubscriptionOptions::default(),
        })
        .collect();
    c.send(&Packet::Subscribe(Subscribe {
        packet_id: PacketId::new(1).unwrap(),
        filters,
        properties: Default::default(),
    }))
    .await;
    match c.recv().await {
        Some(Packet::SubAck(ack)) => assert_eq!(
            ack.reasons,
            [ReasonCode::TOPIC_FILTER_INVALID, ReasonCode::SUCCESS]
        ),
        other => panic!("expected SUBACK, got {other:?}"),
    }
    c.send(&Packet::Unsubscribe(Unsubscribe {
        packet_id: PacketId::new(2).unwrap(),
        filters: vec![too_deep.clone(), deepest.clone()],
        properties: Default::default(),
    }))
    .await;
    match c.recv().await {
        Some(Packet::UnsubAck(ack)) => assert_eq!(
            ack.reasons,
            [ReasonCode::TOPIC_FILTER_INVALID, ReasonCode::SUCCESS]
        ),
        other => panic!("expected UNSUBACK, got {other:?}"),
    }
    // PUBLISH ends the connection.
    c.send(&publish(&too_deep, QoS::AtMostOnce, 1)).await;
    match c.until_closed().await.as_slice() {
        [.., Packet::Disconnect(d)] => assert_eq!(d.reason, ReasonCode::TOPIC_NAME_INVALID),
        other => panic!("expected DISCONNECT, got {other:?}"),
    }
    broker.stop().await;
}

/// Issue 9, item 5: any client could publish to `$SYS/brokers/connected`, and subscribers
/// received the forgery as the broker's own event.
#[tokio::test]
async fn sys_topics_are_the_brokers_own() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut watcher, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "watcher", true).await;
    watcher
        .subscribe("$SYS/brokers/connected", QoS::AtMostOnce)
        .await;
    let topic = "$SYS/brokers/connected";

    let (mut v5, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "forger5", true).await;
    v5.send(&publish(topic, QoS::AtLeastOnce, 1)).await;
    match v5.recv().await {
        Some(Packet::PubAck(ack)) => assert_eq!(ack.reason, ReasonCode::NOT_AUTHORIZED),
        other => panic!("expected PUBACK, got {other:?}"),
    }
    v5.send(&publish(topic, QoS::ExactlyOnce, 2)).await;
    match v5.recv().await {
        Some(Packet::PubRec(rec)) => assert_eq!(rec.reason, ReasonCode::NOT_AUTHORIZED),
        other => panic!("expected PUBREC, got {other:?}"),
    }
    // MQTT 3.1.1 cannot be told no: acknowledged as usual, and dropped.
    let (mut v4, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "forger4", true).await;
    v4.send(&publish(topic, QoS::AtMostOnce, 1)).await;
    v4.send(&publish(topic, QoS::AtLeastOnce, 3)).await;
    assert!(matches!(v4.recv().await, Some(Packet::PubAck(_))));
    // A will there is refused at CONNECT.
    let mut connect = connect_packet(ProtocolVersion::V3_1_1, "will-forger", true, 60);
    connect.will = Some(will(topic, false, None));
    assert_eq!(
        connack_code(&broker, connect).await,
        ReasonCode::NOT_AUTHORIZED
    );
    // The next event the watcher sees is a real one (a client connecting), not a forgery.
    let (_marker, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "marker", true).await;
    loop {
        let event = watcher.next_publish().await;
        assert_ne!(event.payload.as_ref(), b"forged");
        let json: serde_json::Value = serde_json::from_slice(&event.payload).unwrap();
        if json["client_id"] == "marker" {
            break;
        }
    }
    let dropped = broker.handle.broker.metrics().messages_dropped.get();
    assert!(dropped >= 4, "refused publishes are counted ({dropped})");
    broker.stop().await;
}

#[tokio::test]
async fn clients_beyond_max_connections_are_refused_with_quota_exceeded() {
    let broker = TestBroker::start_with(|c| c.max_connections = 2).await;
    let (first, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "c1", true).await;
    let (_second, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "c2", true).await;
    let v5 = connect_packet(ProtocolVersion::V5, "c3", true, 60);
    assert_eq!(connack_code(&broker, v5).await, ReasonCode::QUOTA_EXCEEDED);
    // MQTT 3.1.1 has "server unavailable" (3) for it, which decodes as 0x88.
    let v4 = connect_packet(ProtocolVersion::V3_1_1, "c4", true, 60);
    assert_eq!(
        connack_code(&broker, v4).await,
        ReasonCode::SERVER_UNAVAILABLE
    );
    let admission = broker.handle.broker.admission();
    assert_eq!(admission.refused.load(Ordering::Relaxed), 2);
    drop(first);
    let connections = &broker.handle.broker.metrics().connections;
    eventually("c1 gone", || connections.get() == 1).await;
    let (_third, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "c5", true).await;
    broker.stop().await;
}

/// Issue 9, item 4: every socket could buffer up to `max_packet_size` for 10 s before CONNECT,
/// with no bound on how many did.
#[tokio::test]
async fn sockets_that_never_finish_connect_cost_little_and_lock_nobody_out() {
    let broker = TestBroker::start_with(|_| {}).await;
    let admission = broker.handle.broker.admission();
    let max_pending = admission.max_pending();
    // Silent sockets, more than may wait at once: the oldest are pushed out.
    let mut silent = Vec::new();
    for _ in 0..max_pending + 50 {
        silent.push(TcpStream::connect(broker.addr).await.unwrap());
    }
    eventually("the oldest silent sockets evicted", || {
        admission.evicted.load(Ordering::Relaxed) >= 50
    })
    .await;
    let mut first = silent.remove(0);
    let mut byte = [0u8; 1];
    assert_eq!(support::within(first.read(&mut byte)).await.unwrap(), 0);
    // Sockets announcing a 1 MB CONNECT: the shared budget takes about 32 of them.
    let mut greedy = Vec::new();
    for _ in 0..40 {
        let mut s = TcpStream::connect(broker.addr).await.unwrap();
        // CONNECT, remaining length 1,000,000 (varint 0xC0 0x84 0x3D).
        s.write_all(&[0x10, 0xC0, 0x84, 0x3D]).await.unwrap();
        greedy.push(s);
    }
    eventually("sockets over the CONNECT budget closed", || {
        admission.over_budget.load(Ordering::Relaxed) > 0
    })
    .await;
    // A real client still gets in at once.
    let (mut c, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "real", true).await;
    c.send(&Packet::PingReq).await;
    assert!(matches!(c.recv().await, Some(Packet::PingResp)));
    broker.stop().await;
}
