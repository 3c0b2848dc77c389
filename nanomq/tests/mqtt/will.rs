//! Will messages against the real broker: published on an unclean end or a keep-alive
//! timeout, not on a normal DISCONNECT; MQTT 5 "disconnect with will" and will delay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;

use bytes::Bytes;
use nanomq::codec::{
    Connect, Disconnect, LastWill, Packet, ProtocolVersion, QoS as CQoS, ReasonCode, WillProperties,
};
use rumqttc::QoS;
use support::raw::{RawClient, connect_packet};
use support::{TestBroker, v4};

fn with_will(mut connect: Connect, topic: &str, retain: bool, delay: Option<u32>) -> Connect {
    connect.will = Some(LastWill {
        topic: Arc::from(topic),
        payload: Bytes::from_static(b"gone"),
        qos: CQoS::AtLeastOnce,
        retain,
        properties: WillProperties {
            will_delay_interval: delay,
            ..WillProperties::default()
        },
    });
    connect
}

async fn watcher(broker: &TestBroker) -> v4::Client {
    let mut w = v4::connect(broker, "watcher").await;
    w.subscribe("will/#", QoS::AtLeastOnce).await;
    w
}

#[tokio::test]
async fn will_is_published_when_the_connection_drops() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut w = watcher(&broker).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    let connect = with_will(
        connect_packet(ProtocolVersion::V3_1_1, "dies", true, 60),
        "will/dies",
        false,
        None,
    );
    c.handshake(connect).await;
    drop(c);
    let will = w.next_publish().await;
    assert_eq!(&will.topic, "will/dies");
    assert_eq!(will.payload.as_ref(), b"gone");
    broker.stop().await;
}

#[tokio::test]
async fn no_will_after_a_normal_disconnect() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut w = watcher(&broker).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    let connect = with_will(
        connect_packet(ProtocolVersion::V5, "polite", true, 60),
        "will/polite",
        false,
        None,
    );
    c.handshake(connect).await;
    c.send(&Packet::Disconnect(Disconnect {
        reason: ReasonCode::NORMAL_DISCONNECTION,
        properties: Default::default(),
    }))
    .await;
    assert!(c.until_closed().await.is_empty());
    let publisher = v4::connect(&broker, "pub").await;
    publisher
        .publish("will/marker", QoS::AtLeastOnce, false, b"m")
        .await;
    assert_eq!(
        &w.next_publish().await.topic,
        "will/marker",
        "no will came first"
    );
    broker.stop().await;
}

#[tokio::test]
async fn v5_disconnect_other_than_0x00_publishes_the_will() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut w = watcher(&broker).await;
    // 0x04 asks for the will; an error reason is no normal end either [MQTT-3.14.4-3].
    for (id, reason) in [
        ("asks", ReasonCode::DISCONNECT_WITH_WILL),
        ("fails", ReasonCode::UNSPECIFIED_ERROR),
    ] {
        let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
        let topic = format!("will/{id}");
        let connect = with_will(
            connect_packet(ProtocolVersion::V5, id, true, 60),
            &topic,
            false,
            None,
        );
        c.handshake(connect).await;
        c.send(&Packet::Disconnect(Disconnect {
            reason,
            properties: Default::default(),
        }))
        .await;
        assert_eq!(w.next_publish().await.topic, topic);
    }
    broker.stop().await;
}

#[tokio::test]
async fn keep_alive_timeout_disconnects_with_0x8d_and_publishes_the_will() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut w = watcher(&broker).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    let connect = with_will(
        connect_packet(ProtocolVersion::V5, "silent", true, 1),
        "will/silent",
        false,
        None,
    );
    c.handshake(connect).await;
    // Say nothing: after 1.5 s the broker gives up on us.
    let last = c.until_closed().await;
    assert!(
        matches!(last.as_slice(), [Packet::Disconnect(d)] if d.reason == ReasonCode::KEEP_ALIVE_TIMEOUT),
        "{last:?}"
    );
    assert_eq!(&w.next_publish().await.topic, "will/silent");
    broker.stop().await;
}

#[tokio::test]
async fn pings_keep_a_connection_alive() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    c.handshake(connect_packet(ProtocolVersion::V3_1_1, "pinger", true, 1))
        .await;
    // Three pings spread over more than 1.5 keep-alive periods, each answered.
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        c.send(&Packet::PingReq).await;
        assert_eq!(c.recv().await, Some(Packet::PingResp));
    }
    broker.stop().await;
}

#[tokio::test]
async fn retained_will_is_kept() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    let connect = with_will(
        connect_packet(ProtocolVersion::V3_1_1, "leaves-note", true, 60),
        "will/note",
        true,
        None,
    );
    c.handshake(connect).await;
    drop(c);
    let mut w = watcher(&broker).await;
    let note = w.next_publish().await;
    assert!(note.retain);
    assert_eq!(&note.topic, "will/note");
    broker.stop().await;
}

#[tokio::test]
async fn delayed_will_is_cancelled_by_a_reconnection() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut w = watcher(&broker).await;
    let mut connect = with_will(
        connect_packet(ProtocolVersion::V5, "flaky", false, 60),
        "will/flaky",
        false,
        Some(60),
    );
    connect.properties.session_expiry_interval = Some(120);
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    c.handshake(connect.clone()).await;
    drop(c);
    let session = broker.handle.broker.session("flaky").unwrap();
    support::eventually("client away", || !session.is_connected()).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    connect.will = None;
    assert!(c.handshake(connect).await.session_present);
    let publisher = v4::connect(&broker, "pub").await;
    publisher
        .publish("will/marker", QoS::AtLeastOnce, false, b"m")
        .await;
    assert_eq!(&w.next_publish().await.topic, "will/marker");
    broker.stop().await;
}

#[tokio::test]
async fn will_delay_is_cut_short_by_the_session_ending() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut w = watcher(&broker).await;
    // Session expiry 0: the session ends with the connection, so the will goes at once.
    let connect = with_will(
        connect_packet(ProtocolVersion::V5, "brief", true, 60),
        "will/brief",
        false,
        Some(3600),
    );
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    c.handshake(connect).await;
    drop(c);
    assert_eq!(&w.next_publish().await.topic, "will/brief");
    broker.stop().await;
}
