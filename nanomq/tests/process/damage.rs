//! The store against damage and crashes it must take (issue 23, items 5 and 6): a log with
//! flipped bits or its end cut off gives back everything that was not damaged, and with
//! `sync = "interval"` a `kill -9` of the process loses nothing acknowledged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use nanomq::codec::{Packet, PacketId, ProtocolVersion, PubAck, Publish, QoS, ReasonCode};

use crate::common::raw::{RawClient, connect_packet};
use crate::support::{Broker, config_text};

const V5: ProtocolVersion = ProtocolVersion::V5;

async fn keeper(addr: SocketAddr) -> (RawClient, bool) {
    let mut client = RawClient::connect(addr, V5).await;
    let mut connect = connect_packet(V5, "keeper", false, 60);
    connect.properties.session_expiry_interval = Some(86_400);
    let ack = client.handshake(connect).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    (client, ack.session_present)
}

/// Publishes `n` QoS 1 messages on `q/{i}` (and `retained` retained ones on `r/{i}`), each
/// acknowledged before the next.
async fn publish(addr: SocketAddr, n: u16, retained: u16) {
    let (mut publisher, _) = RawClient::connected(addr, V5, "pub", true).await;
    let mut id = 0u16;
    for (topic, count, retain) in [("q", n, false), ("r", retained, true)] {
        for i in 0..count {
            id = id % 60_000 + 1;
            let publish = Publish {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain,
                topic: format!("{topic}/{i}").into(),
                packet_id: PacketId::new(id),
                properties: Default::default(),
                payload: vec![b'x'; 200].into(),
            };
            let reason = publisher.publish_qos1_packet(publish).await;
            assert!(
                matches!(reason, Some(r) if !r.is_error()),
                "{topic}/{i}: {reason:?}"
            );
        }
    }
}

/// The queued messages the keeper gets back (acknowledging each), until the queue is empty.
async fn drain(client: &mut RawClient) -> usize {
    let mut got = 0;
    loop {
        let next = tokio::time::timeout(std::time::Duration::from_millis(500), client.recv()).await;
        match next {
            Ok(Some(Packet::Publish(p))) => {
                if let Some(id) = p.packet_id {
                    client.send(&Packet::PubAck(PubAck::new(id))).await;
                }
                got += 1;
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return got,
        }
    }
}

async fn retained(addr: SocketAddr) -> usize {
    let (mut probe, _) = RawClient::connected(addr, V5, "probe", true).await;
    probe.subscribe("r/#", QoS::AtMostOnce).await;
    drain(&mut probe).await
}

/// 2,000 queued and 200 retained messages; the log then takes 16 flipped bits and loses its
/// last 4 KiB: what was not damaged comes back (before, none of it did).
#[tokio::test]
async fn a_damaged_store_loses_only_what_is_damaged() {
    let text = config_text("msq_len = 5000");
    let broker = Broker::start(&text);
    let (mut client, _) = keeper(broker.mqtt).await;
    client.subscribe("q/#", QoS::AtLeastOnce).await;
    drop(client);
    publish(broker.mqtt, 2000, 200).await;
    let dir = broker.end("KILL");
    let log = dir.path().join("data/nanomq.log");
    let mut bytes = std::fs::read(&log).unwrap();
    let len = bytes.len();
    for k in 0..16 {
        bytes[len / 17 * (k + 1)] ^= 0x08;
    }
    bytes.truncate(len - 4096);
    std::fs::write(&log, &bytes).unwrap();

    let broker = Broker::start_in(dir, &text);
    let (mut client, present) = keeper(broker.mqtt).await;
    assert!(present, "the session itself survived");
    let queued = drain(&mut client).await;
    let kept = retained(broker.mqtt).await;
    // Each flipped bit costs at most the entry it is in; the cut tail at most its entries.
    assert!(
        queued >= 2000 - 16 - 40,
        "{queued} of 2,000 queued messages came back"
    );
    assert!(
        kept >= 200 - 16 - 40,
        "{kept} of 200 retained messages came back"
    );
    let aside = std::fs::read_dir(broker.dir().join("data"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains("damaged"));
    assert!(aside, "the damaged log is kept for inspection");
}

/// `sync = "interval"` with an interval far longer than the test: whatever was acknowledged
/// before a `kill -9` comes back (it was written, if not fsync'd, before its PUBACK).
#[tokio::test]
async fn interval_sync_loses_nothing_acknowledged_to_kill_9() {
    let text =
        config_text("msq_len = 5000\n[persistence]\nsync = \"interval\"\nsync_interval_ms = 60000");
    let broker = Broker::start(&text);
    let (mut client, _) = keeper(broker.mqtt).await;
    client.subscribe("q/#", QoS::AtLeastOnce).await;
    drop(client);
    publish(broker.mqtt, 500, 50).await;
    let dir = broker.end("KILL");
    let broker = Broker::start_in(dir, &text);
    let (mut client, present) = keeper(broker.mqtt).await;
    assert!(present);
    assert_eq!(drain(&mut client).await, 500);
    assert_eq!(retained(broker.mqtt).await, 50);
}
