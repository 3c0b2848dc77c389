//! The bridge across outages: an upstream that is down when the edge starts, an upstream
//! restarted mid-stream, and the bounded outage buffer.
//!
//! Messages published at the edge during an outage are retained, each on its own topic, so
//! the upstream subscriber sees every one of them whether it subscribes before or after the
//! bridge comes back and flushes: no race between the two.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::bridge_support;
use crate::support;

use std::collections::BTreeSet;

use bridge_support::{bridge_config, eventually, free_port, metrics, start_edge, wait_connected};
use rumqttc::QoS;
use support::{TestBroker, v4, within};

/// An upstream nanomq listening on 127.0.0.1:`port`.
async fn upstream_on(port: u16) -> TestBroker {
    TestBroker::start_with(|c| c.url = format!("nmq-tcp://127.0.0.1:{port}")).await
}

/// Publishes `data/{n}` retained at QoS 1, for each `n`.
async fn publish_numbered(client: &v4::Client, numbers: std::ops::Range<u32>) {
    for n in numbers {
        client
            .publish(
                &format!("data/{n}"),
                QoS::AtLeastOnce,
                true,
                n.to_string().as_bytes(),
            )
            .await;
    }
}

/// Subscribes to `data/#` and collects payloads until `expected` have all arrived.
async fn receive_numbered(client: &mut v4::Client, expected: &BTreeSet<u32>) -> BTreeSet<u32> {
    client.subscribe("data/#", QoS::AtLeastOnce).await;
    let mut seen = BTreeSet::new();
    within(async {
        while !expected.is_subset(&seen) {
            let p = client.next_publish().await;
            seen.insert(std::str::from_utf8(&p.payload).unwrap().parse().unwrap());
        }
    })
    .await;
    seen
}

#[tokio::test]
async fn upstream_down_at_start_then_up_gets_what_was_published_meanwhile() {
    let port = free_port();
    let edge = start_edge(bridge_config(port, 4, &["data/#", "live/#"], &[])).await;
    assert!(!metrics(&edge).connected, "nothing listens upstream yet");
    let local = v4::connect(&edge, "local").await;
    publish_numbered(&local, 0..5).await;
    local
        .publish("live/x", QoS::AtMostOnce, false, b"lost")
        .await;
    eventually("the QoS 0 message to be dropped", || {
        metrics(&edge).dropped == 1
    })
    .await;

    let upstream = upstream_on(port).await;
    wait_connected(&edge).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    let expected: BTreeSet<u32> = (0..5).collect();
    assert_eq!(receive_numbered(&mut up_sub, &expected).await, expected);
    eventually("five forwarded", || metrics(&edge).messages_forwarded == 5).await;
    edge.stop().await;
    upstream.stop().await;
}

#[tokio::test]
async fn upstream_restarted_mid_stream_loses_no_qos1_message() {
    let first = TestBroker::start_with(|_| {}).await;
    let port = first.port();
    let mut first_sub = v4::connect(&first, "up-sub").await;
    let edge = start_edge(bridge_config(port, 5, &["data/#"], &[("cmd/#", 1)])).await;
    wait_connected(&edge).await;
    let local = v4::connect(&edge, "local").await;
    publish_numbered(&local, 0..5).await;
    let before: BTreeSet<u32> = (0..5).collect();
    assert_eq!(receive_numbered(&mut first_sub, &before).await, before);

    first.stop().await;
    eventually("the bridge to notice", || !metrics(&edge).connected).await;
    publish_numbered(&local, 5..10).await;

    let second = upstream_on(port).await;
    wait_connected(&edge).await;
    let mut second_sub = v4::connect(&second, "up-sub").await;
    let during: BTreeSet<u32> = (5..10).collect();
    assert_eq!(receive_numbered(&mut second_sub, &during).await, during);
    // And the subscription was taken again on the new upstream.
    bridge_support::wait_upstream_subscribed(&second, 1).await;
    let m = metrics(&edge);
    assert!(m.reconnects >= 1, "{m:?}");
    assert_eq!(m.dropped, 0, "{m:?}");
    edge.stop().await;
    second.stop().await;
}

#[tokio::test]
async fn outage_buffer_keeps_the_newest_and_counts_drops() {
    let port = free_port();
    let mut bridge = bridge_config(port, 4, &["data/#", "live/#"], &[]);
    bridge.max_queued = 3;
    let edge = start_edge(bridge).await;
    let local = v4::connect(&edge, "local").await;
    publish_numbered(&local, 0..10).await;
    for _ in 0..2 {
        local
            .publish("live/x", QoS::AtMostOnce, false, b"lost")
            .await;
    }
    eventually("7 oldest QoS 1 and 2 QoS 0 dropped", || {
        metrics(&edge).dropped == 9
    })
    .await;

    let upstream = upstream_on(port).await;
    eventually("the buffer to be flushed", || {
        metrics(&edge).messages_forwarded == 3
    })
    .await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    let newest: BTreeSet<u32> = (7..10).collect();
    assert_eq!(receive_numbered(&mut up_sub, &newest).await, newest);
    assert_eq!(
        upstream.handle.broker.counts().retained,
        3,
        "only the newest arrived"
    );
    let m = metrics(&edge);
    assert_eq!((m.messages_forwarded, m.dropped), (3, 9), "{m:?}");
    edge.stop().await;
    upstream.stop().await;
}

/// `ctrl/restart` stops and starts the bridge with the listeners: what it had buffered and
/// the client identifier it generated are handed to the next one.
#[tokio::test]
async fn a_restart_keeps_the_buffer_and_the_generated_client_id() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let port = upstream.port();
    let mut bridge = bridge_config(port, 4, &["data/#"], &[]);
    bridge.clientid = None;
    let mut edge = start_edge(bridge).await;
    wait_connected(&edge).await;
    let client_ids = || -> BTreeSet<String> {
        let sessions = upstream.handle.broker.sessions();
        sessions.iter().map(|s| s.client_id.to_string()).collect()
    };
    let first_id = client_ids();
    assert_eq!(first_id.len(), 1);
    assert!(first_id.iter().all(|id| id.starts_with("nanomq-bridge-")));
    upstream.stop().await;
    eventually("the bridge to notice", || !metrics(&edge).connected).await;

    let mut local = v4::connect(&edge, "local").await;
    publish_numbered(&local, 0..4).await;
    let mut acks = 0;
    while acks < 4 {
        if let Ok(rumqttc::Packet::PubAck(_)) = local.next_packet().await {
            acks += 1;
        }
    }
    edge.handle.restart();
    within(edge.handle.wait_running()).await;

    let upstream = upstream_on(port).await;
    wait_connected(&edge).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    let expected: BTreeSet<u32> = (0..4).collect();
    assert_eq!(receive_numbered(&mut up_sub, &expected).await, expected);
    let ids: BTreeSet<String> = upstream
        .handle
        .broker
        .sessions()
        .iter()
        .map(|s| s.client_id.to_string())
        .filter(|id| id != "up-sub")
        .collect();
    assert_eq!(ids, first_id);
    edge.stop().await;
    upstream.stop().await;
}

/// With persistence on, the outage buffer is in the store (what the restart after a crash
/// sends, `tests/process/durability.rs`), and what the upstream acknowledged leaves it: a
/// message is not sent again after the next restart once the upstream has it.
#[tokio::test]
async fn the_store_holds_the_outage_buffer_until_the_upstream_acknowledges() {
    let port = free_port();
    let data = tempfile::tempdir().unwrap();
    let edge = TestBroker::start_with(|c| {
        c.bridge = bridge_config(port, 4, &["data/#"], &[]);
        c.persistence.enable = true;
        c.persistence.dir = data.path().to_string_lossy().into_owned();
    })
    .await;
    let stored = || edge.handle.broker.store_stats().unwrap().messages;
    let local = v4::connect(&edge, "local").await;
    publish_numbered(&local, 0..5).await;
    eventually("the outage buffer to be in the store", || stored() == 5).await;

    let _upstream = upstream_on(port).await;
    wait_connected(&edge).await;
    eventually("the upstream to acknowledge all five", || {
        metrics(&edge).messages_forwarded == 5
    })
    .await;
    eventually("the store to forget what the upstream has", || {
        stored() == 0
    })
    .await;
}
