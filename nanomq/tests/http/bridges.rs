//! The bridge as the API shows it, against a real upstream broker that is up, then stopped,
//! then back: `GET /bridges`, `GET /bridges/{name}`, the `bridge` object of `GET /metrics`,
//! the Prometheus series; and a reload that changes the bridge without touching clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::http_support;

use axum::http::{Method, StatusCode};
use http_support::mqtt::{connect4, options4};
use http_support::{TestBroker, curl, eventually, free_port, http_client, test_config};
use serde_json::Value;
use shared_types::config::{BridgeConfig, Config};

fn upstream_config(port: u16) -> Config {
    let mut config = test_config();
    config.url = format!("nmq-tcp://127.0.0.1:{port}");
    config.http_server.enable = false;
    config
}

fn edge_config(upstream_port: u16) -> Config {
    let mut config = test_config();
    config.bridge = BridgeConfig {
        bridge_mode: true,
        name: "cloud".into(),
        address: format!("mqtt-tcp://127.0.0.1:{upstream_port}"),
        clientid: Some("edge-1".into()),
        keepalive: 30,
        forwards: vec!["up/#".into()],
        ..BridgeConfig::default()
    };
    config
}

async fn get(http: &reqwest::Client, url: &str) -> Value {
    let reply = curl(http, Method::GET, url, None).await;
    reply.assert(StatusCode::OK, 0);
    reply.data()
}

/// Polls `GET url` until `pick(data)` holds, and returns that data.
async fn until(
    http: &reqwest::Client,
    url: &str,
    what: &str,
    pick: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + http_support::TIMEOUT;
    loop {
        let data = get(http, url).await;
        if pick(&data) {
            return data;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {data}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_bridge_connected_then_down_then_back() {
    let port = free_port();
    let upstream = TestBroker::start(upstream_config(port)).await;
    let edge = TestBroker::start(edge_config(port)).await;
    let http = http_client();
    let base = format!("{}/api/v4", edge.http_url());

    let one = until(&http, &format!("{base}/bridges/cloud"), "connected", |b| {
        b["state"] == "connected"
    })
    .await;
    assert_eq!(one["name"], "cloud");
    assert_eq!(one["address"], format!("mqtt-tcp://127.0.0.1:{port}"));
    assert_eq!(one["clientid"], "edge-1");
    assert_eq!(one["proto_ver"], 4);
    assert_eq!(one["forwards"][0]["local_topic"], "up/#");
    assert_eq!(one["forwards"][0]["remote_topic"], "", "kept as it is");
    assert_eq!(one["enable"], true);
    assert_eq!(
        one["server"],
        format!("mqtt-tcp://127.0.0.1:{port}"),
        "the server in use"
    );
    assert!(one.get("last_error").is_none(), "{one}");
    let list = get(&http, &format!("{base}/bridges")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "cloud");

    // A forwarded message shows in the counters, in /metrics and in Prometheus.
    let (local, _) = connect4(options4(edge.mqtt_port(), "local")).await;
    local
        .client
        .publish("up/x", rumqttc::QoS::AtLeastOnce, false, "hello")
        .await
        .unwrap();
    until(
        &http,
        &format!("{base}/bridges/cloud"),
        "one forwarded",
        |b| b["metrics"]["messages_forwarded"] == 1,
    )
    .await;
    let metrics = get(&http, &format!("{base}/metrics")).await;
    assert_eq!(metrics["bridge"]["connected"], true, "{metrics}");
    assert_eq!(metrics["bridge"]["messages_forwarded"], 1, "{metrics}");
    // And under NanoMQ's names.
    assert_eq!(metrics["metrics"][0]["bridge name"], "cloud", "{metrics}");
    assert_eq!(metrics["metrics"][0]["sent messages"], 1, "{metrics}");
    let text = curl(&http, Method::GET, &format!("{base}/prometheus"), None)
        .await
        .text;
    assert!(
        text.contains("nanomq_bridge_messages_forwarded_total{bridge=\"cloud\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("nanomq_bridge_connected{bridge=\"cloud\"} 1"),
        "{text}"
    );

    // Upstream gone: disconnected, with why and since when.
    upstream.handle.stop().await;
    let down = until(
        &http,
        &format!("{base}/bridges/cloud"),
        "disconnected",
        |b| b["state"] == "disconnected",
    )
    .await;
    assert!(
        down["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{down}"
    );
    assert!(down["since"].as_str().unwrap().len() == 19, "{down}");
    // QoS 1 published during the outage waits in the buffer, counted as queued.
    local
        .client
        .publish("up/y", rumqttc::QoS::AtLeastOnce, false, "later")
        .await
        .unwrap();
    until(&http, &format!("{base}/bridges/cloud"), "one queued", |b| {
        b["metrics"]["queued"] == 1
    })
    .await;

    // Back: connected again, one reconnect, the buffer flushed.
    let again = TestBroker::start(upstream_config(port)).await;
    let back = until(
        &http,
        &format!("{base}/bridges/cloud"),
        "reconnected",
        |b| b["state"] == "connected" && b["metrics"]["queued"] == 0,
    )
    .await;
    assert_eq!(back["metrics"]["reconnects"], 1, "{back}");
    until(
        &http,
        &format!("{base}/bridges/cloud"),
        "two forwarded",
        |b| b["metrics"]["messages_forwarded"] == 2,
    )
    .await;

    let unknown = curl(&http, Method::GET, &format!("{base}/bridges/nope"), None).await;
    unknown.assert(StatusCode::NOT_FOUND, 108);
    local.disconnect().await;
    edge.handle.stop().await;
    again.handle.stop().await;
}

#[tokio::test]
async fn no_bridge_no_list_entry_and_no_metrics_object() {
    let broker = TestBroker::start(test_config()).await;
    let http = http_client();
    let base = format!("{}/api/v4", broker.http_url());
    assert_eq!(
        get(&http, &format!("{base}/bridges")).await,
        serde_json::json!([])
    );
    let metrics = get(&http, &format!("{base}/metrics")).await;
    assert!(metrics.get("bridge").is_none(), "{metrics}");
    curl(&http, Method::GET, &format!("{base}/bridges/emqx"), None)
        .await
        .assert(StatusCode::NOT_FOUND, 108);
    broker.handle.stop().await;
}

#[tokio::test]
async fn a_reload_moves_the_bridge_and_keeps_local_clients() {
    let first_port = free_port();
    let first = TestBroker::start(upstream_config(first_port)).await;
    let second_port = free_port();
    let second = TestBroker::start(upstream_config(second_port)).await;
    let edge = TestBroker::start(edge_config(first_port)).await;
    let http = http_client();
    let base = format!("{}/api/v4", edge.http_url());
    until(&http, &format!("{base}/bridges/cloud"), "connected", |b| {
        b["state"] == "connected"
    })
    .await;
    let (mut local, _) = connect4(options4(edge.mqtt_port(), "stays")).await;

    let mut file = edge.file_config();
    file.bridge.address = format!("mqtt-tcp://127.0.0.1:{second_port}");
    file.bridge.forwards = vec!["other/#".into()];
    nanomq::config::save_atomic(&edge.path, &file).unwrap();
    let reply = curl(&http, Method::POST, &format!("{base}/reload"), None).await;
    reply.assert(StatusCode::OK, 0);
    let applied = reply.data()["applied"].clone();
    assert!(
        applied
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "bridge.address"),
        "{applied}"
    );
    assert!(
        reply.data()["restart_required"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let moved = until(&http, &format!("{base}/bridges/cloud"), "moved", |b| {
        b["state"] == "connected" && b["address"] == format!("mqtt-tcp://127.0.0.1:{second_port}")
    })
    .await;
    assert_eq!(moved["forwards"][0]["local_topic"], "other/#");
    eventually("the bridge's session on the new upstream", || {
        second
            .handle
            .broker
            .session("edge-1")
            .is_some_and(|s| s.is_connected())
    })
    .await;
    // The local client was not touched: it still gets its SUBACK.
    local.subscribe("x", rumqttc::QoS::AtMostOnce).await;
    local.disconnect().await;
    edge.handle.stop().await;
    first.handle.stop().await;
    second.handle.stop().await;
}

/// The runtime API end to end, with curl's requests: create a bridge, subscribe and
/// unsubscribe it upstream live (no reconnection), switch it off and on, change it, delete
/// it; each change is in the file and in force when the answer comes. Mistakes get 400 or 404
/// with `{"code":108}` and change nothing.
#[tokio::test]
async fn the_runtime_api_creates_changes_and_removes_bridges() {
    let up_port = free_port();
    let upstream = TestBroker::start(upstream_config(up_port)).await;
    let edge = TestBroker::start(test_config()).await;
    let http = http_client();
    let base = format!("{}/api/v4", edge.http_url());
    let create = format!(
        r#"{{"cloud": {{"server": "mqtt-tcp://127.0.0.1:{up_port}", "clientid": "edge-api",
            "keepalive": "30s", "forwards": [{{"local_topic": "up/#", "remote_topic": ""}}]}}}}"#
    );
    curl(
        &http,
        Method::POST,
        &format!("{base}/bridges"),
        Some(&create),
    )
    .await
    .assert(StatusCode::OK, 0);
    let one = format!("{base}/bridges/cloud");
    until(&http, &one, "connected", |b| b["state"] == "connected").await;
    assert!(edge.file_config().bridges.mqtt.contains_key("cloud"));
    curl(
        &http,
        Method::POST,
        &format!("{base}/bridges"),
        Some(&create),
    )
    .await
    .assert(StatusCode::BAD_REQUEST, 108);

    // Live subscription: the upstream session gains it without a reconnection.
    let (mut local, _) = connect4(options4(edge.mqtt_port(), "local")).await;
    local.subscribe("down/#", rumqttc::QoS::AtLeastOnce).await;
    let sub = r#"{"data":{"subscription":[{"remote_topic":"cmd/#","local_topic":"","prefix":"down/","qos":1}]}}"#;
    curl(
        &http,
        Method::POST,
        &format!("{base}/bridges/sub/cloud"),
        Some(sub),
    )
    .await
    .assert(StatusCode::OK, 0);
    eventually("the subscription upstream", || {
        upstream
            .handle
            .broker
            .session("edge-api")
            .is_some_and(|s| s.subscription_count() == 1)
    })
    .await;
    let (up_client, _) = connect4(options4(up_port, "up-pub")).await;
    up_client
        .client
        .publish("cmd/go", rumqttc::QoS::AtLeastOnce, false, &b"1"[..])
        .await
        .unwrap();
    let down = local.next_publish().await;
    assert_eq!(down.topic, "down/cmd/go");
    let info = get(&http, &one).await;
    assert_eq!(info["metrics"]["reconnects"], 0, "{info}");
    assert_eq!(info["subscription"][0]["remote_topic"], "cmd/#");
    let unsub = r#"{"data":{"unsubscription":[{"topic":"cmd/#"}]}}"#;
    curl(
        &http,
        Method::POST,
        &format!("{base}/bridges/unsub/cloud"),
        Some(unsub),
    )
    .await
    .assert(StatusCode::OK, 0);
    eventually("the subscription gone upstream", || {
        upstream
            .handle
            .broker
            .session("edge-api")
            .is_some_and(|s| s.is_connected() && s.subscription_count() == 0)
    })
    .await;
    curl(
        &http,
        Method::POST,
        &format!("{base}/bridges/unsub/cloud"),
        Some(unsub),
    )
    .await
    .assert(StatusCode::NOT_FOUND, 108);

    // Switched off and on.
    let off = r#"{"data":{"bridge_switch":false}}"#;
    curl(
        &http,
        Method::POST,
        &format!("{base}/bridges/switch/cloud"),
        Some(off),
    )
    .await
    .assert(StatusCode::OK, 0);
    let stopped = get(&http, &one).await;
    assert_eq!(
        (stopped["state"].as_str(), stopped["enable"].as_bool()),
        (Some("stopped"), Some(false))
    );
    assert!(!edge.file_config().bridges.mqtt["cloud"].enable);
    let on = r#"{"data":{"bridge_switch":true}}"#;
    curl(
        &http,
        Method::POST,
        &format!("{base}/bridges/switch/cloud"),
        Some(on),
    )
    .await
    .assert(StatusCode::OK, 0);
    until(&http, &one, "connected again", |b| {
        b["state"] == "connected"
    })
    .await;

    // Changed: a key left out keeps its value; a bad one is refused with its field named.
    let change = r#"{"cloud": {"forwards": [{"local_topic": "other/#"}]}}"#;
    curl(&http, Method::PUT, &one, Some(change))
        .await
        .assert(StatusCode::OK, 0);
    let changed = get(&http, &one).await;
    assert_eq!(changed["forwards"][0]["local_topic"], "other/#");
    assert_eq!(changed["clientid"], "edge-api");
    let bad = r#"{"cloud": {"forwards": [{"local_topic": "a/#", "remote_topic": "b/#"}]}}"#;
    let refused = curl(&http, Method::PUT, &one, Some(bad)).await;
    refused.assert(StatusCode::BAD_REQUEST, 108);
    assert!(
        refused
            .text
            .contains("bridges.mqtt.cloud.forwards[0].remote_topic"),
        "{}",
        refused.text
    );
    assert_eq!(
        edge.file_config().bridges.mqtt["cloud"].forwards[0].local_topic,
        "other/#"
    );
    curl(
        &http,
        Method::PUT,
        &format!("{base}/bridges/nope"),
        Some(r#"{"nope": {}}"#),
    )
    .await
    .assert(StatusCode::NOT_FOUND, 108);

    curl(&http, Method::DELETE, &one, None)
        .await
        .assert(StatusCode::OK, 0);
    curl(&http, Method::GET, &one, None)
        .await
        .assert(StatusCode::NOT_FOUND, 108);
    assert!(edge.file_config().bridges.mqtt.is_empty());
    eventually("the upstream session gone", || {
        upstream
            .handle
            .broker
            .session("edge-api")
            .is_none_or(|s| !s.is_connected())
    })
    .await;
    edge.handle.stop().await;
    upstream.handle.stop().await;
}
