//! What the broker acknowledged survives `kill -9` and `SIGTERM`: QoS 1/2 messages queued for
//! an offline persistent session, retained messages, QoS 2 exchanges in flight both ways.
//! The real binary, started again on the directory it left behind; MQTT 5 raw clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use nanomq::codec::{
    ConnAck, Disconnect, Packet, PacketId, ProtocolVersion, PubAck, Publish, QoS, ReasonCode,
};

use crate::common::raw::{RawClient, connect_packet};
use crate::support::{Broker, config_text};

const V5: ProtocolVersion = ProtocolVersion::V5;

/// Connects `id`: a persistent session (expiry one hour) unless `clean`.
async fn connect(addr: SocketAddr, id: &str, clean: bool) -> (RawClient, ConnAck) {
    let mut client = RawClient::connect(addr, V5).await;
    let mut connect = connect_packet(V5, id, clean, 60);
    if !clean {
        connect.properties.session_expiry_interval = Some(3600);
    }
    let ack = client.handshake(connect).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS, "{ack:?}");
    (client, ack)
}

async fn leave(mut client: RawClient) {
    client
        .send(&Packet::Disconnect(Disconnect::default()))
        .await;
    client.until_closed().await;
}

fn publish(topic: &str, qos: QoS, id: u16, retain: bool, expiry: Option<u32>) -> Packet {
    let mut p = Publish {
        dup: false,
        qos,
        retain,
        topic: topic.into(),
        packet_id: PacketId::new(id),
        properties: Default::default(),
        payload: format!("payload of {topic}").into_bytes().into(),
    };
    p.properties.message_expiry_interval = expiry;
    Packet::Publish(p)
}

fn pid(id: u16) -> PacketId {
    PacketId::new(id).unwrap()
}

/// Publishes and completes the exchange: what the broker acknowledged, it must keep.
async fn publish_acked(c: &mut RawClient, topic: &str, qos: QoS, id: u16, retain: bool) {
    c.send(&publish(topic, qos, id, retain, None)).await;
    match qos {
        QoS::AtLeastOnce => {
            assert!(matches!(c.recv().await, Some(Packet::PubAck(a)) if a.packet_id == pid(id)))
        }
        QoS::ExactlyOnce => {
            assert!(matches!(c.recv().await, Some(Packet::PubRec(a)) if a.packet_id == pid(id)));
            c.send(&Packet::PubRel(PubAck::new(pid(id)))).await;
            assert!(matches!(c.recv().await, Some(Packet::PubComp(a)) if a.packet_id == pid(id)));
        }
        QoS::AtMostOnce => {}
    }
}

/// Receives `n` PUBLISH packets, answering each as a client should (QoS 2 through to
/// PUBCOMP, however the broker interleaves them); their topics in arrival order.
async fn receive(c: &mut RawClient, n: usize) -> Vec<String> {
    let mut topics = Vec::new();
    let mut awaiting_pubrel = 0usize;
    while topics.len() < n || awaiting_pubrel > 0 {
        match c.recv().await {
            Some(Packet::Publish(p)) => {
                match (p.qos, p.packet_id) {
                    (QoS::AtLeastOnce, Some(id)) => c.send(&Packet::PubAck(PubAck::new(id))).await,
                    (QoS::ExactlyOnce, Some(id)) => {
                        awaiting_pubrel += 1;
                        c.send(&Packet::PubRec(PubAck::new(id))).await;
                    }
                    _ => {}
                }
                topics.push(p.topic.to_string());
            }
            Some(Packet::PubRel(r)) => {
                awaiting_pubrel -= 1;
                c.send(&Packet::PubComp(PubAck::new(r.packet_id))).await;
            }
            Some(_) => {}
            None => panic!("closed after {topics:?}"),
        }
    }
    topics
}

/// The scenario, ended by `signal`: queued QoS 1 and 2 messages, retained messages, and
/// messages that expire while the broker is down.
async fn queued_and_retained_survive(signal: &str) {
    let text = config_text("");
    let broker = Broker::start(&text);
    let (mut keeper, ack) = connect(broker.mqtt, "keeper", false).await;
    assert!(!ack.session_present);
    assert_eq!(
        keeper.subscribe("q/#", QoS::ExactlyOnce).await,
        [ReasonCode(2)]
    );
    leave(keeper).await;

    let (mut publisher, _) = connect(broker.mqtt, "pub", true).await;
    for n in 1..=10 {
        publish_acked(
            &mut publisher,
            &format!("q/1/{n}"),
            QoS::AtLeastOnce,
            n,
            false,
        )
        .await;
    }
    for n in 1..=10 {
        publish_acked(
            &mut publisher,
            &format!("q/2/{n}"),
            QoS::ExactlyOnce,
            100 + n,
            false,
        )
        .await;
    }
    for n in 1..=5 {
        publish_acked(
            &mut publisher,
            &format!("r/{n}"),
            QoS::AtLeastOnce,
            200 + n,
            true,
        )
        .await;
    }
    // Both gone by the time the broker is back.
    publisher
        .send(&publish("q/short", QoS::AtLeastOnce, 301, false, Some(1)))
        .await;
    assert!(matches!(publisher.recv().await, Some(Packet::PubAck(_))));
    publisher
        .send(&publish("r/short", QoS::AtLeastOnce, 302, true, Some(1)))
        .await;
    assert!(matches!(publisher.recv().await, Some(Packet::PubAck(_))));
    let published = Instant::now();

    let dir = broker.end(signal);
    // Let the one-second expiries run out while the broker is down.
    if let Some(left) = Duration::from_millis(1100).checked_sub(published.elapsed()) {
        std::thread::sleep(left);
    }
    let broker = Broker::start_in(dir, &text);
    let (mut keeper, ack) = connect(broker.mqtt, "keeper", false).await;
    assert!(ack.session_present, "the session survived {signal}");
    let topics = receive(&mut keeper, 20).await;
    let expected: Vec<String> = (1..=10)
        .map(|n| format!("q/1/{n}"))
        .chain((1..=10).map(|n| format!("q/2/{n}")))
        .collect();
    assert_eq!(
        topics, expected,
        "every acknowledged message, in order, once"
    );
    let (mut late, _) = connect(broker.mqtt, "late", true).await;
    late.subscribe("r/#", QoS::AtLeastOnce).await;
    let mut retained = receive(&mut late, 5).await;
    retained.sort();
    assert_eq!(retained, ["r/1", "r/2", "r/3", "r/4", "r/5"]);
    // Nothing more: neither expired message came back.
    keeper.send(&Packet::PingReq).await;
    assert!(matches!(keeper.recv().await, Some(Packet::PingResp)));
    late.send(&Packet::PingReq).await;
    assert!(matches!(late.recv().await, Some(Packet::PingResp)));
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9() {
    queued_and_retained_survive("KILL").await;
}

#[tokio::test]
async fn acknowledged_messages_survive_sigterm() {
    queued_and_retained_survive("TERM").await;
}

/// QoS 2 both ways across a crash: a message the broker sent and got no PUBREC for comes
/// again with the same packet id (so the client knows it for a duplicate); a message the
/// broker received and answered with PUBREC is not delivered again when the client resends it.
#[tokio::test]
async fn qos2_stays_exactly_once_across_kill_9() {
    let text = config_text("");
    let broker = Broker::start(&text);
    let (mut sub, _) = connect(broker.mqtt, "sub", false).await;
    sub.subscribe("x/#", QoS::ExactlyOnce).await;
    let (mut publisher, _) = connect(broker.mqtt, "pub", false).await;
    publish_acked(&mut publisher, "x/first", QoS::ExactlyOnce, 1, false).await;
    let first = sub.next_publish().await;
    assert_eq!(&*first.topic, "x/first");
    // The subscriber holds it without PUBREC; the publisher's next one gets its PUBREC but
    // no PUBREL is sent before the crash.
    publisher
        .send(&publish("x/second", QoS::ExactlyOnce, 2, false, None))
        .await;
    assert!(matches!(publisher.recv().await, Some(Packet::PubRec(r)) if r.packet_id == pid(2)));
    let second = sub.next_publish().await;
    assert_eq!(&*second.topic, "x/second");
    sub.send(&Packet::PubRec(PubAck::new(second.packet_id.unwrap())))
        .await;
    assert!(matches!(sub.recv().await, Some(Packet::PubRel(_))));

    let dir = broker.end("KILL");
    let broker = Broker::start_in(dir, &text);
    let (mut sub, ack) = connect(broker.mqtt, "sub", false).await;
    assert!(ack.session_present);
    // The first again, same id, marked as a duplicate; the second's PUBREL (or, had the
    // PUBREC not reached the disk, its PUBLISH again with the same id).
    let again = sub.next_publish().await;
    assert_eq!(
        (&*again.topic, again.packet_id, again.dup),
        ("x/first", first.packet_id, true)
    );
    match sub.recv().await {
        Some(Packet::PubRel(r)) => assert_eq!(Some(r.packet_id), second.packet_id),
        Some(Packet::Publish(p)) => {
            assert_eq!(
                (&*p.topic, p.packet_id, p.dup),
                ("x/second", second.packet_id, true)
            );
        }
        other => panic!("{other:?}"),
    }
    // The publisher resends its PUBLISH (no PUBREL came): acknowledged, not delivered again.
    let (mut publisher, ack) = connect(broker.mqtt, "pub", false).await;
    assert!(ack.session_present);
    let mut dup = publish("x/second", QoS::ExactlyOnce, 2, false, None);
    if let Packet::Publish(p) = &mut dup {
        p.dup = true;
    }
    publisher.send(&dup).await;
    assert!(matches!(publisher.recv().await, Some(Packet::PubRec(r)) if r.packet_id == pid(2)));
    publisher.send(&Packet::PubRel(PubAck::new(pid(2)))).await;
    assert!(matches!(publisher.recv().await, Some(Packet::PubComp(_))));
    // A new message after it goes through; the subscriber sees it, and no second x/second.
    publish_acked(&mut publisher, "x/third", QoS::AtLeastOnce, 3, false).await;
    loop {
        match sub.recv().await {
            Some(Packet::Publish(p)) if &*p.topic == "x/third" => break,
            Some(Packet::Publish(p)) => {
                assert!(
                    p.dup && p.packet_id == second.packet_id,
                    "delivered again: {p:?}"
                );
            }
            Some(_) => {}
            None => panic!("closed"),
        }
    }
}

/// A store that is not a store (garbage where the file should be) does not stop the broker:
/// it is moved aside and the broker starts empty.
#[tokio::test]
async fn a_garbage_store_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/nanomq.store"), vec![0x5a; 10_000]).unwrap();
    let broker = Broker::start_in(dir, &config_text(""));
    let (client, ack) = connect(broker.mqtt, "c", false).await;
    assert!(!ack.session_present);
    leave(client).await;
    let aside = std::fs::read_dir(broker.dir().join("data"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("nanomq.store.damaged-")
        });
    assert!(aside, "the damaged file is kept for inspection");
}

/// Two brokers cannot share a store.
#[tokio::test]
async fn a_second_broker_on_the_same_dir_is_refused() {
    let broker = Broker::start(&config_text(""));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_nanomq"))
        .args(["start", "--conf", "nanomq.conf"])
        .current_dir(broker.dir())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("in use by another process"), "{stderr}");
}

/// The bridge's outage buffer survives `kill -9`: messages published at the edge while the
/// upstream is away are acknowledged once stored, and reach the upstream, in order, once the
/// edge is back and the upstream is reachable.
#[tokio::test]
async fn the_bridge_outage_buffer_survives_kill_9() {
    let bridge_to = |port: u16| {
        format!(
            "[bridge]\nbridge_mode = true\naddress = \"mqtt-tcp://127.0.0.1:{port}\"\nforwards = [\"up/#\"]\n"
        )
    };
    // An address nothing listens on: the bridge keeps trying, messages wait in its buffer.
    let nowhere = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let edge = Broker::start(&config_text(&bridge_to(nowhere)));
    let (mut publisher, _) = connect(edge.mqtt, "pub", true).await;
    for n in 1..=5 {
        publish_acked(
            &mut publisher,
            &format!("up/{n}"),
            QoS::AtLeastOnce,
            n,
            false,
        )
        .await;
    }
    publish_acked(&mut publisher, "up/6", QoS::ExactlyOnce, 6, false).await;
    let dir = edge.end("KILL");

    let upstream = Broker::start(&config_text(""));
    let (mut watcher, _) = connect(upstream.mqtt, "watcher", true).await;
    watcher.subscribe("up/#", QoS::ExactlyOnce).await;
    let edge = Broker::start_in(dir, &config_text(&bridge_to(upstream.mqtt.port())));
    let topics = receive(&mut watcher, 6).await;
    assert_eq!(
        topics,
        ["up/1", "up/2", "up/3", "up/4", "up/5", "up/6"],
        "every message the edge acknowledged, in order"
    );
    drop(edge);
}
