//! Named bridges (`[bridges.mqtt.NAME]`, NanoMQ's keys): several at once to different
//! upstreams, topics renamed both ways, a forward's QoS, failover through `hybrid_servers`,
//! a reload that adds a bridge without touching the others, and a named bridge's outage
//! buffer held by the store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::bridge_support::{eventually, free_port};
use crate::support;

use std::collections::BTreeSet;

use rumqttc::QoS;
use shared_types::config::{BridgeForward, BridgeSubscribe, Config, MqttBridge};
use support::{TestBroker, v4, within};

/// A named bridge to 127.0.0.1:`port` with a fixed client id.
fn to(port: u16, clientid: &str) -> MqttBridge {
    MqttBridge {
        server: format!("mqtt-tcp://127.0.0.1:{port}"),
        clientid: Some(clientid.into()),
        keepalive: shared_types::config::Seconds(30),
        ..MqttBridge::default()
    }
}

fn forward(local: &str, remote: &str, prefix: &str) -> BridgeForward {
    BridgeForward {
        local_topic: local.into(),
        remote_topic: remote.into(),
        prefix: prefix.into(),
        ..BridgeForward::default()
    }
}

async fn upstream_on(port: u16) -> TestBroker {
    TestBroker::start_with(|c| c.url = format!("nmq-tcp://127.0.0.1:{port}")).await
}

fn connected(edge: &TestBroker, name: &str) -> bool {
    edge.handle.bridge_metrics_of(name).connected
}

/// Waits until `upstream` holds a connected session `client_id` with `subscriptions`.
async fn wait_subscribed(upstream: &TestBroker, client_id: &str, subscriptions: usize) {
    eventually("the bridge's upstream session", || {
        upstream
            .handle
            .broker
            .session(client_id)
            .is_some_and(|s| s.is_connected() && s.subscription_count() == subscriptions)
    })
    .await;
}

#[tokio::test]
async fn two_named_bridges_rename_topics_both_ways() {
    let a = TestBroker::start_with(|_| {}).await;
    let b = TestBroker::start_with(|_| {}).await;
    let mut a_sub = v4::connect(&a, "a-sub").await;
    a_sub.subscribe("#", QoS::AtLeastOnce).await;
    let mut b_sub = v4::connect(&b, "b-sub").await;
    b_sub.subscribe("#", QoS::AtLeastOnce).await;
    let edge = TestBroker::start_with(|c| {
        let mut site = to(a.port(), "edge-a");
        site.proto_ver = 5;
        site.forwards = vec![forward("site/#", "", "edge1/")];
        site.subscription = vec![BridgeSubscribe {
            remote_topic: "cmd/#".into(),
            prefix: "down/".into(),
            qos: 1,
            ..BridgeSubscribe::default()
        }];
        c.bridges.mqtt.insert("site".into(), site);
        let mut summary = to(b.port(), "edge-b");
        summary.forwards = vec![BridgeForward {
            qos: Some(1),
            ..forward("site/+/temp", "up", "")
        }];
        c.bridges.mqtt.insert("summary".into(), summary);
    })
    .await;
    eventually("both bridges connected", || {
        connected(&edge, "site") && connected(&edge, "summary")
    })
    .await;
    wait_subscribed(&a, "edge-a", 1).await;

    let mut local = v4::connect(&edge, "local").await;
    local.subscribe("down/#", QoS::AtLeastOnce).await;
    local
        .publish("site/1/temp", QoS::AtMostOnce, false, b"21")
        .await;
    let up = within(a_sub.next_publish()).await;
    assert_eq!(
        (up.topic.as_str(), &up.payload[..]),
        ("edge1/site/1/temp", &b"21"[..])
    );
    let up = within(b_sub.next_publish()).await;
    assert_eq!(up.topic, "up", "replaced whole");
    assert_eq!(
        up.qos,
        QoS::AtLeastOnce,
        "the forward's QoS, not the message's"
    );

    a_sub
        .publish("cmd/reboot", QoS::AtLeastOnce, false, b"now")
        .await;
    let down = within(local.next_publish()).await;
    assert_eq!(
        (down.topic.as_str(), &down.payload[..]),
        ("down/cmd/reboot", &b"now"[..])
    );
    // Renamed down, the message does not match the forwards: nothing went back up to a.
    assert_eq!(edge.handle.bridge_metrics_of("site").messages_forwarded, 1);

    let m = edge.handle.broker.config();
    assert_eq!(m.mqtt_bridges().len(), 2);
    edge.stop().await;
    a.stop().await;
    b.stop().await;
}

/// With `hybrid_servers`, losing the server in use moves the bridge to the next one at once,
/// and what local publishers had acknowledged meanwhile arrives there.
#[tokio::test]
async fn failover_moves_to_the_next_server_and_loses_nothing() {
    let first = TestBroker::start_with(|_| {}).await;
    let second_port = free_port();
    let edge = TestBroker::start_with(|c| {
        let mut bridge = to(first.port(), "edge-failover");
        bridge.hybrid_bridging = true;
        bridge.hybrid_servers = vec![format!("mqtt-tcp://127.0.0.1:{second_port}")];
        bridge.forwards = vec![forward("data/#", "", "")];
        c.bridges.mqtt.insert("cloud".into(), bridge);
    })
    .await;
    eventually("connected to the first", || connected(&edge, "cloud")).await;
    let second = upstream_on(second_port).await;
    let mut second_sub = v4::connect(&second, "up-sub").await;
    second_sub.subscribe("data/#", QoS::AtLeastOnce).await;

    first.stop().await;
    let local = v4::connect(&edge, "local").await;
    for n in 0..50u32 {
        local
            .publish(
                &format!("data/{n}"),
                QoS::AtLeastOnce,
                false,
                n.to_string().as_bytes(),
            )
            .await;
    }
    let expected: BTreeSet<u32> = (0..50).collect();
    let mut seen = BTreeSet::new();
    within(async {
        while seen != expected {
            let p = second_sub.next_publish().await;
            seen.insert(std::str::from_utf8(&p.payload).unwrap().parse().unwrap());
        }
    })
    .await;
    let info = edge
        .handle
        .control()
        .bridges()
        .info(&edge.handle.broker.config());
    assert_eq!(
        info[0].server,
        format!("mqtt-tcp://127.0.0.1:{second_port}"),
        "{info:?}"
    );
    edge.stop().await;
    second.stop().await;
}

/// A reload that adds a bridge starts it and leaves the running one connected as it was.
#[tokio::test]
async fn a_reload_adds_a_bridge_and_leaves_the_others_alone() {
    let a = TestBroker::start_with(|_| {}).await;
    let b = TestBroker::start_with(|_| {}).await;
    let edge = TestBroker::start_with(|c| {
        c.bridges
            .mqtt
            .insert("first".into(), to(a.port(), "edge-first"));
    })
    .await;
    eventually("the first connected", || connected(&edge, "first")).await;

    let mut file: Config = edge.file_config();
    let mut second = to(b.port(), "edge-second");
    second.forwards = vec![forward("x/#", "", "")];
    file.bridges.mqtt.insert("second".into(), second);
    nanomq::config::save_atomic(&edge.path, &file).unwrap();
    let report = nanomq::reload::reload(&edge.handle.broker, &edge.handle.control())
        .await
        .unwrap();
    assert!(
        report.applied.iter().any(|k| k.starts_with("bridges")),
        "{:?}",
        report.applied
    );
    eventually("the second connected", || connected(&edge, "second")).await;
    let first = edge.handle.bridge_metrics_of("first");
    assert!(first.connected && first.reconnects == 0, "{first:?}");
    assert_eq!(first.failed_attempts, 0);
    edge.stop().await;
    a.stop().await;
    b.stop().await;
}

/// A named bridge's outage buffer is in the store, apart from any other bridge's.
#[tokio::test]
async fn a_named_bridges_outage_buffer_is_in_the_store() {
    let port = free_port();
    let data = tempfile::tempdir().unwrap();
    let edge = TestBroker::start_with(|c| {
        let mut bridge = to(port, "edge-stored");
        bridge.forwards = vec![forward("data/#", "", "")];
        c.bridges.mqtt.insert("cloud".into(), bridge);
        c.persistence.enable = true;
        c.persistence.dir = data.path().to_string_lossy().into_owned();
    })
    .await;
    let stored = || edge.handle.broker.store_stats().unwrap().messages;
    let local = v4::connect(&edge, "local").await;
    for n in 0..5u32 {
        local
            .publish(&format!("data/{n}"), QoS::AtLeastOnce, false, b"x")
            .await;
    }
    eventually("the outage buffer to be in the store", || stored() == 5).await;
    assert_eq!(edge.handle.bridge_metrics_of("cloud").queued, 5);

    let _upstream = upstream_on(port).await;
    eventually("all five forwarded", || {
        edge.handle.bridge_metrics_of("cloud").messages_forwarded == 5
    })
    .await;
    eventually("the store to forget them", || stored() == 0).await;
    edge.stop().await;
}

/// A bridge removed from the configuration takes what it held with it: the store forgets it
/// (a bridge switched off keeps it for its next start).
#[tokio::test]
async fn a_removed_bridge_leaves_nothing_in_the_store() {
    let data = tempfile::tempdir().unwrap();
    let nowhere = free_port();
    let edge = TestBroker::start_with(|c| {
        let mut bridge = to(nowhere, "edge-removed");
        bridge.forwards = vec![forward("data/#", "", "")];
        c.bridges.mqtt.insert("gone".into(), bridge);
        c.persistence.enable = true;
        c.persistence.dir = data.path().to_string_lossy().into_owned();
    })
    .await;
    let stored = || edge.handle.broker.store_stats().unwrap().messages;
    let local = v4::connect(&edge, "local").await;
    for n in 0..3u32 {
        local
            .publish(&format!("data/{n}"), QoS::AtLeastOnce, false, b"x")
            .await;
    }
    eventually("kept in the store", || stored() == 3).await;

    let mut file = edge.file_config();
    file.bridges.mqtt.get_mut("gone").unwrap().enable = false;
    nanomq::config::save_atomic(&edge.path, &file).unwrap();
    nanomq::reload::reload(&edge.handle.broker, &edge.handle.control())
        .await
        .unwrap();
    assert_eq!(stored(), 3, "switched off, it keeps them");

    file.bridges.mqtt.clear();
    nanomq::config::save_atomic(&edge.path, &file).unwrap();
    nanomq::reload::reload(&edge.handle.broker, &edge.handle.control())
        .await
        .unwrap();
    eventually("forgotten by the store", || stored() == 0).await;
    edge.stop().await;
}

/// A bridge restarted on new settings keeps its local session subscribed throughout: every
/// message a local publisher had acknowledged while the reloads went on arrives upstream.
#[tokio::test]
async fn restarting_a_bridge_on_new_settings_misses_no_local_message() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    up_sub.subscribe("data/#", QoS::AtLeastOnce).await;
    let edge = TestBroker::start_with(|c| {
        let mut bridge = to(upstream.port(), "edge-restarted");
        bridge.forwards = vec![forward("data/#", "", "")];
        c.bridges.mqtt.insert("cloud".into(), bridge);
    })
    .await;
    eventually("connected", || connected(&edge, "cloud")).await;
    // rumqttc queues a publish and sends it in its own time: the client lives on until every
    // message has arrived.
    let publisher = tokio::spawn({
        let local = v4::connect(&edge, "local").await;
        async move {
            for n in 0..300u32 {
                local
                    .publish(
                        &format!("data/{n}"),
                        QoS::AtLeastOnce,
                        false,
                        n.to_string().as_bytes(),
                    )
                    .await;
            }
            local
        }
    });
    for keepalive in [31, 32, 33, 34, 35] {
        let mut file = edge.file_config();
        file.bridges.mqtt.get_mut("cloud").unwrap().keepalive =
            shared_types::config::Seconds(keepalive);
        nanomq::config::save_atomic(&edge.path, &file).unwrap();
        nanomq::reload::reload(&edge.handle.broker, &edge.handle.control())
            .await
            .unwrap();
    }
    let _local = within(publisher).await.unwrap();
    let expected: BTreeSet<u32> = (0..300).collect();
    let mut seen = BTreeSet::new();
    within(async {
        while seen != expected {
            let p = up_sub.next_publish().await;
            seen.insert(std::str::from_utf8(&p.payload).unwrap().parse().unwrap());
        }
    })
    .await;
    // The bridge did restart on each new setting: the upstream has the last one.
    eventually("the last keep alive upstream", || {
        upstream
            .handle
            .broker
            .session("edge-restarted")
            .is_some_and(|s| s.is_connected() && s.details().keep_alive == 35)
    })
    .await;
    edge.stop().await;
    upstream.stop().await;
}

/// A bridge switched off across a restart of the listeners starts again when switched on.
#[tokio::test]
async fn a_bridge_switched_off_across_a_restart_starts_again() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let mut edge = TestBroker::start_with(|c| {
        c.bridges
            .mqtt
            .insert("cloud".into(), to(upstream.port(), "edge-switched"));
    })
    .await;
    eventually("connected", || connected(&edge, "cloud")).await;
    let mut file = edge.file_config();
    file.bridges.mqtt.get_mut("cloud").unwrap().enable = false;
    nanomq::config::save_atomic(&edge.path, &file).unwrap();
    edge.handle.restart();
    within(edge.handle.wait_running()).await;
    eventually("stopped", || !connected(&edge, "cloud")).await;

    file.bridges.mqtt.get_mut("cloud").unwrap().enable = true;
    nanomq::config::save_atomic(&edge.path, &file).unwrap();
    nanomq::reload::reload(&edge.handle.broker, &edge.handle.control())
        .await
        .unwrap();
    eventually("connected again", || connected(&edge, "cloud")).await;
    edge.stop().await;
    upstream.stop().await;
}
