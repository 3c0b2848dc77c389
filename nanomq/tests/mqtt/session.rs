//! Sessions against the real broker: persistence and queueing, `msq_len`, clean sessions,
//! takeover, resends with DUP, expiry, client identifier rules and authentication.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use nanomq::codec::{Packet, ProtocolVersion, PubAck, QoS as CQoS, ReasonCode};
use rumqttc::QoS;
use shared_types::config::UserCredential;
use support::eventually;
use support::raw::{RawClient, connect_packet};
use support::{TestBroker, v4, v5};

#[tokio::test]
async fn persistent_session_keeps_subscriptions_and_queues_qos1() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut options = v4::options(&broker, "durable");
    options.set_clean_session(false);
    let mut sub = v4::Client::connect(options.clone()).await;
    sub.subscribe("q/#", QoS::AtLeastOnce).await;
    sub.disconnect().await;

    let publisher = v4::connect(&broker, "pub").await;
    for i in 0..3 {
        publisher
            .publish("q/x", QoS::AtLeastOnce, false, format!("{i}").as_bytes())
            .await;
    }
    // QoS 0 is not queued for an absent client.
    publisher
        .publish("q/x", QoS::AtMostOnce, false, b"qos0")
        .await;
    let session = broker.handle.broker.session("durable").unwrap();
    eventually("3 queued", || session.mailbox.len() == 3).await;

    let (client, eventloop) = rumqttc::AsyncClient::new(options, 10);
    let _keep = client;
    let mut eventloop = eventloop;
    let mut got = Vec::new();
    let mut present = None;
    while got.len() < 3 {
        match support::within(eventloop.poll()).await.unwrap() {
            rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(ack)) => {
                present = Some(ack.session_present)
            }
            rumqttc::Event::Incoming(rumqttc::Packet::Publish(p)) => got.push(p.payload.to_vec()),
            _ => {}
        }
    }
    assert_eq!(present, Some(true));
    assert_eq!(got, [b"0".to_vec(), b"1".to_vec(), b"2".to_vec()]);
    broker.stop().await;
}

#[tokio::test]
async fn offline_queue_is_bounded_by_msq_len_and_drops_are_counted() {
    let broker = TestBroker::start_with(|c| c.msq_len = 5).await;
    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "slowpoke", false).await;
    sub.subscribe("m", CQoS::AtLeastOnce).await;
    drop(sub);
    let session = broker.handle.broker.session("slowpoke").unwrap();
    eventually("client away", || !session.is_connected()).await;

    let publisher = v4::connect(&broker, "pub").await;
    for i in 0..8 {
        publisher
            .publish("m", QoS::AtLeastOnce, false, format!("{i}").as_bytes())
            .await;
    }
    eventually("3 dropped", || session.mailbox.dropped() == 3).await;
    assert_eq!(session.mailbox.len(), 5);
    let dropped = broker.handle.broker.metrics().messages_dropped.get();
    assert_eq!(dropped, 3);

    let (mut sub, ack) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "slowpoke", false).await;
    assert!(ack.session_present);
    for i in 3..8 {
        let p = sub.next_publish().await;
        assert_eq!(
            p.payload.as_ref(),
            format!("{i}").as_bytes(),
            "the newest are kept"
        );
    }
    broker.stop().await;
}

#[tokio::test]
async fn clean_session_discards_the_old_one() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut c, _) = RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "c1", false).await;
    c.subscribe("gone", CQoS::AtLeastOnce).await;
    drop(c);
    let old = broker.handle.broker.session("c1").unwrap();
    eventually("client away", || !old.is_connected()).await;
    let (_c, ack) = RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "c1", true).await;
    assert!(!ack.session_present);
    assert_eq!(broker.handle.broker.counts().subscriptions, 0);
    broker.stop().await;
}

#[tokio::test]
async fn takeover_disconnects_the_older_connection_with_0x8e() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut first = v5::connect(&broker, "twin").await;
    let _second = v5::connect(&broker, "twin").await;
    assert_eq!(first.server_disconnect().await, "SessionTakenOver");
    broker.stop().await;
}

#[tokio::test]
async fn a_taken_over_connection_leaves_no_will_or_expiry_behind() {
    use rumqttc::v5::mqttbytes::QoS as Q5;
    use rumqttc::v5::mqttbytes::v5::{LastWill, LastWillProperties};
    let broker = TestBroker::start_with(|_| {}).await;
    let mut watcher = v5::connect(&broker, "moved-watcher").await;
    watcher.subscribe("moved/#", Q5::AtLeastOnce).await;

    // The first connection: expiry 1 s, a will delayed by 1 s.
    let mut first = v5::options(&broker, "moved");
    first.set_clean_start(false);
    first.set_session_expiry_interval(Some(1));
    first.set_last_will(LastWill::new(
        "moved/will",
        "gone",
        Q5::AtLeastOnce,
        false,
        Some(LastWillProperties {
            delay_interval: Some(1),
            payload_format_indicator: None,
            message_expiry_interval: None,
            content_type: None,
            response_topic: None,
            correlation_data: None,
            user_properties: Vec::new(),
        }),
    ));
    let mut first = v5::Client::connect(first).await;
    // Taken over by a connection that keeps the session for 10 minutes, then leaves.
    let mut second = v5::options(&broker, "moved");
    second.set_clean_start(false);
    second.set_session_expiry_interval(Some(600));
    let second = v5::Client::connect(second).await;
    assert_eq!(first.server_disconnect().await, "SessionTakenOver");
    second.disconnect().await;
    let session = broker.handle.broker.session("moved").unwrap();
    eventually("second away", || !session.is_connected()).await;

    // The feature under test is time passing: let the first connection's 1 s run out.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        broker.handle.broker.session("moved").is_some(),
        "the session lives by the second connection's expiry"
    );
    let marker = v5::connect(&broker, "moved-marker").await;
    marker
        .publish("moved/marker", Q5::AtLeastOnce, false, b"m")
        .await;
    let got = watcher.next_publish().await;
    assert_eq!(
        got.topic.as_ref(),
        b"moved/marker",
        "the taken-over connection's delayed will is not published"
    );
    broker.stop().await;
}

#[tokio::test]
async fn takeover_of_a_v311_connection_closes_it_and_keeps_the_session() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut first, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "twin", false).await;
    first.subscribe("keep/me", CQoS::AtLeastOnce).await;
    let (_second, ack) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "twin", false).await;
    assert!(ack.session_present);
    assert!(
        first.until_closed().await.is_empty(),
        "3.1.1 has no server DISCONNECT"
    );
    let session = broker.handle.broker.session("twin").unwrap();
    assert_eq!(session.subscription_count(), 1);
    broker.stop().await;
}

#[tokio::test]
async fn unacknowledged_messages_are_resent_with_dup_on_resumption() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "forgetful", false).await;
    sub.subscribe("r", CQoS::AtLeastOnce).await;
    let publisher = v4::connect(&broker, "pub").await;
    publisher
        .publish("r", QoS::AtLeastOnce, false, b"once")
        .await;
    let first = sub.next_publish().await;
    assert!(!first.dup);
    drop(sub); // no PUBACK
    let session = broker.handle.broker.session("forgetful").unwrap();
    eventually("client away", || !session.is_connected()).await;

    let (mut sub, ack) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "forgetful", false).await;
    assert!(ack.session_present);
    let again = sub.next_publish().await;
    assert!(again.dup, "resent with DUP");
    assert_eq!(again.packet_id, first.packet_id);
    assert_eq!(again.payload, first.payload);
    sub.send(&Packet::PubAck(PubAck::new(again.packet_id.unwrap())))
        .await;
    broker.stop().await;
}

/// A session resumed by a client that now accepts fewer messages at a time gets its
/// unacknowledged messages again, but never more in flight than its Receive Maximum
/// ([MQTT-4.4.0-1], [MQTT-3.3.4-9]); the rest follow as it acknowledges.
#[tokio::test]
async fn resends_on_resumption_respect_the_new_receive_maximum() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut connect = connect_packet(ProtocolVersion::V5, "narrowed", true, 60);
    connect.properties.session_expiry_interval = Some(60);
    let mut sub = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    assert_eq!(
        sub.handshake(connect.clone()).await.code,
        ReasonCode::SUCCESS
    );
    sub.subscribe("n", CQoS::AtLeastOnce).await;
    let publisher = v4::connect(&broker, "pub").await;
    for i in 0..4u8 {
        publisher.publish("n", QoS::AtLeastOnce, false, &[i]).await;
    }
    let mut first = Vec::new();
    for _ in 0..4 {
        first.push(sub.next_publish().await);
    }
    drop(sub); // no PUBACK
    let session = broker.handle.broker.session("narrowed").unwrap();
    eventually("client away", || !session.is_connected()).await;

    connect.clean_start = false;
    connect.properties.receive_maximum = Some(2);
    let mut sub = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    assert!(sub.handshake(connect).await.session_present);
    let a = sub.next_publish().await;
    let b = sub.next_publish().await;
    assert!(a.dup && b.dup);
    assert_eq!([a.payload.as_ref(), b.payload.as_ref()], [[0], [1]]);
    // Whatever the broker wrote on resumption precedes its answer to this PINGREQ.
    sub.send(&Packet::PingReq).await;
    assert_eq!(
        sub.recv().await,
        Some(Packet::PingResp),
        "no third PUBLISH yet"
    );
    sub.send(&Packet::PubAck(PubAck::new(a.packet_id.unwrap())))
        .await;
    let c = sub.next_publish().await;
    assert!(c.dup);
    assert_eq!(c.packet_id, first[2].packet_id);
    sub.send(&Packet::PingReq).await;
    assert_eq!(
        sub.recv().await,
        Some(Packet::PingResp),
        "still 2 in flight"
    );
    for p in [&b, &c] {
        sub.send(&Packet::PubAck(PubAck::new(p.packet_id.unwrap())))
            .await;
    }
    let d = sub.next_publish().await;
    assert_eq!(d.payload.as_ref(), [3]);
    broker.stop().await;
}

#[tokio::test]
async fn v311_messages_unacknowledged_for_qos_duration_are_resent() {
    let broker = TestBroker::start_with(|c| c.qos_duration = 1).await;
    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "slow-acker", true).await;
    sub.subscribe("r", CQoS::ExactlyOnce).await;
    let publisher = v4::connect(&broker, "pub").await;
    publisher.publish("r", QoS::ExactlyOnce, false, b"x").await;
    let first = sub.next_publish().await;
    let again = sub.next_publish().await;
    assert!(again.dup);
    assert_eq!(again.packet_id, first.packet_id);
    broker.stop().await;
}

#[tokio::test]
async fn v5_session_expiry_removes_the_session() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut options = v5::options(&broker, "brief");
    options.set_clean_start(false);
    options.set_session_expiry_interval(Some(1));
    let c = v5::Client::connect(options.clone()).await;
    c.disconnect().await;
    let sessions = &broker.handle.broker;
    assert!(sessions.session("brief").is_some(), "kept after disconnect");
    eventually("session expired", || sessions.session("brief").is_none()).await;
    let c = v5::Client::connect(options).await;
    assert!(!c.connack.session_present);
    broker.stop().await;
}

#[tokio::test]
async fn v5_session_expiry_zero_ends_the_session_at_disconnect() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut options = v5::options(&broker, "ephemeral");
    options.set_clean_start(false);
    let c = v5::Client::connect(options).await;
    c.disconnect().await;
    let sessions = &broker.handle.broker;
    eventually("session gone", || sessions.session("ephemeral").is_none()).await;
    broker.stop().await;
}

#[tokio::test]
async fn empty_client_ids() {
    let broker = TestBroker::start_with(|_| {}).await;
    // MQTT 5: the server assigns one.
    let c = v5::Client::connect(v5::options(&broker, "")).await;
    let assigned = c
        .connack
        .properties
        .as_ref()
        .and_then(|p| p.assigned_client_identifier.clone());
    let assigned = assigned.expect("assigned client identifier");
    assert!(broker.handle.broker.session(&assigned).is_some());
    // MQTT 3.1.1 with clean session 0: identifier rejected ([MQTT-3.1.3-8]).
    let mut raw = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    let ack = raw
        .handshake(connect_packet(ProtocolVersion::V3_1_1, "", false, 60))
        .await;
    assert_eq!(ack.code, ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
    assert!(raw.until_closed().await.is_empty());
    // MQTT 3.1.1 with clean session 1: accepted.
    let mut raw = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    let ack = raw
        .handshake(connect_packet(ProtocolVersion::V3_1_1, "", true, 60))
        .await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    broker.stop().await;
}

#[tokio::test]
async fn mqtt_3_1_mqisdp_clients_connect_and_publish() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, ack) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1, "old-device", true).await;
    assert!(!ack.session_present);
    sub.subscribe("legacy", CQoS::AtLeastOnce).await;
    let publisher = v4::connect(&broker, "pub").await;
    publisher
        .publish("legacy", QoS::AtLeastOnce, false, b"hi")
        .await;
    assert_eq!(sub.next_publish().await.payload.as_ref(), b"hi");
    let details = broker
        .handle
        .broker
        .session("old-device")
        .unwrap()
        .details();
    assert_eq!(details.protocol, ProtocolVersion::V3_1);
    broker.stop().await;
}

#[tokio::test]
async fn authentication_with_user_list_and_anonymous_switch() {
    let broker = TestBroker::start_with(|c| {
        c.allow_anonymous = false;
        c.users = vec![UserCredential {
            username: "alice".into(),
            password: "s3cret".into(),
        }];
    })
    .await;
    let refused = |code: u8| format!("{code}");
    let anonymous = v4::Client::try_connect(v4::options(&broker, "anon")).await;
    assert!(
        matches!(&anonymous, Err(e) if e.contains("NotAuthorized")),
        "{anonymous:?} {}",
        refused(5)
    );
    let mut wrong = v4::options(&broker, "wrong");
    wrong.set_credentials("alice", "nope");
    let wrong = v4::Client::try_connect(wrong).await;
    assert!(
        matches!(&wrong, Err(e) if e.contains("BadUserNamePassword")),
        "{wrong:?}"
    );
    let mut right = v4::options(&broker, "right");
    right.set_credentials("alice", "s3cret");
    v4::Client::connect(right).await;
    broker.stop().await;
}

#[tokio::test]
async fn a_clean_session_is_not_resumed_by_a_takeover() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut first, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "fleeting", true).await;
    first.subscribe("old/sub", CQoS::AtLeastOnce).await;
    let (_second, ack) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "fleeting", false).await;
    assert!(
        !ack.session_present,
        "the clean session ended with its connection"
    );
    first.until_closed().await;
    let session = broker.handle.broker.session("fleeting").unwrap();
    assert_eq!(session.subscription_count(), 0);
    assert!(session.is_connected());
    broker.stop().await;
}

#[tokio::test]
async fn reconnecting_over_and_over_leaves_no_timers_behind() {
    use nanomq::codec::{LastWill, WillProperties};
    let broker = TestBroker::start_with(|_| {}).await;
    let mut connect = connect_packet(ProtocolVersion::V5, "flappy", false, 60);
    connect.properties.session_expiry_interval = Some(3600);
    connect.will = Some(LastWill {
        topic: "flappy/will".into(),
        payload: "gone".into(),
        qos: CQoS::AtMostOnce,
        retain: false,
        properties: WillProperties {
            will_delay_interval: Some(3600),
            ..WillProperties::default()
        },
    });
    let tasks = || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    };
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    c.handshake(connect.clone()).await;
    let session = broker.handle.broker.session("flappy").unwrap();
    let before = tasks();
    // Each connection drops without DISCONNECT: a delayed will and an expiry are pending
    // until the next connection comes back.
    for _ in 0..30 {
        drop(c);
        eventually("client away", || !session.is_connected()).await;
        c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
        assert!(c.handshake(connect.clone()).await.session_present);
    }
    eventually("the absence timers of earlier connections gone", || {
        tasks() <= before + 2
    })
    .await;
    broker.stop().await;
}
