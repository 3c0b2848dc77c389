//! The store as the API shows it (`store` in `GET /api/v4/metrics`, `nanomq_store_*` in
//! Prometheus), and persistence across `ctrl/restart`: the store stays open and keeps
//! recording, so what was queued after the restart is on disk for the next process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::http::{Method, StatusCode};
use rumqttc::QoS;
use serde_json::Value;
use shared_types::config::{Config, SyncMode};

use crate::http_support::mqtt::{connect4, options4};
use crate::http_support::{TIMEOUT, TestBroker, curl, http_client, test_config, within};

fn persistent_config(dir: &std::path::Path) -> Config {
    let mut config = test_config();
    config.persistence.enable = true;
    config.persistence.dir = dir.join("data").to_string_lossy().into_owned();
    config.persistence.sync = SyncMode::Always;
    config
}

async fn metrics(http: &reqwest::Client, base: &str) -> Value {
    let reply = curl(http, Method::GET, &format!("{base}/api/v4/metrics"), None).await;
    reply.assert(StatusCode::OK, 0);
    reply.data()
}

/// Subscribes `id` as a persistent 3.1.1 session to `filter` and leaves.
async fn park(port: u16, id: &str, filter: &str) {
    let mut options = options4(port, id);
    options.set_clean_session(false);
    let (mut client, _) = connect4(options).await;
    client.subscribe(filter, QoS::AtLeastOnce).await;
    client.disconnect().await;
}

/// Publishes QoS 1 messages and waits for each PUBACK (which, with `sync = "always"`, means
/// the store has them).
async fn publish_acked(port: u16, topics: &[&str]) {
    let (publisher, _) = connect4(options4(port, "publisher")).await;
    let (client, mut events) = (publisher.client, publisher.events);
    for topic in topics {
        within(client.publish(*topic, QoS::AtLeastOnce, false, "x"))
            .await
            .unwrap();
        events
            .wait_for(|event| match event {
                rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_)) => Some(()),
                _ => None,
            })
            .await;
    }
    within(client.disconnect()).await.unwrap();
}

#[tokio::test]
async fn metrics_and_prometheus_show_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let broker = TestBroker::start(persistent_config(tmp.path())).await;
    let http = http_client();
    let base = broker.http_url();
    park(broker.mqtt_port(), "keeper", "m/#").await;
    publish_acked(broker.mqtt_port(), &["m/1", "m/2", "m/3"]).await;

    let store = metrics(&http, &base).await["store"].clone();
    assert!(store.is_object(), "store figures in metrics: {store}");
    assert!(store["size_bytes"].as_u64().unwrap() > 0, "{store}");
    assert!(store["commits"].as_u64().unwrap() > 0, "{store}");
    assert_eq!(store["messages"], 3, "the three queued messages: {store}");
    assert_eq!(store["errors"], 0);
    assert_eq!(store["lost"], 0);
    let last_sync = store["last_sync_unix_ms"].as_u64().unwrap();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(
        last_sync > 0 && last_sync <= now_ms,
        "last fsync {last_sync} is a time before now {now_ms}"
    );

    let reply = curl(
        &http,
        Method::GET,
        &format!("{base}/api/v4/prometheus"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    for series in [
        "# TYPE nanomq_store_size_bytes gauge",
        "# TYPE nanomq_store_pending gauge",
        "# TYPE nanomq_store_commits_total counter",
        "# TYPE nanomq_store_last_sync_timestamp_seconds gauge",
        "nanomq_store_messages 3",
    ] {
        assert!(reply.text.contains(series), "{series} in\n{}", reply.text);
    }
    broker.handle.stop().await;
}

#[tokio::test]
async fn without_persistence_the_store_is_absent() {
    let broker = TestBroker::start(test_config()).await;
    let http = http_client();
    let base = broker.http_url();
    let data = metrics(&http, &base).await;
    assert!(data.get("store").is_none(), "{data}");
    let reply = curl(
        &http,
        Method::GET,
        &format!("{base}/api/v4/prometheus"),
        None,
    )
    .await;
    assert!(!reply.text.contains("nanomq_store_"), "{}", reply.text);
    broker.handle.stop().await;
}

/// `ctrl/restart` keeps the store open (persistence is set up once, at process start): what
/// is queued after the restart is stored, and a new process on the same directory has it.
#[tokio::test]
async fn the_store_keeps_recording_across_ctrl_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let config = persistent_config(tmp.path());
    let broker = TestBroker::start(config.clone()).await;
    let http = http_client();
    let base = broker.http_url();
    park(broker.mqtt_port(), "keeper", "r/#").await;
    publish_acked(broker.mqtt_port(), &["r/before"]).await;
    let commits_before = metrics(&http, &base).await["store"]["commits"]
        .as_u64()
        .unwrap();

    curl(
        &http,
        Method::POST,
        &format!("{base}/api/v4/ctrl/restart"),
        None,
    )
    .await
    .assert(StatusCode::OK, 0);
    let mut handle = broker.handle;
    let addrs = within(handle.wait_running()).await.unwrap();
    let port = addrs.mqtt.port();
    let base = format!("http://127.0.0.1:{}", addrs.http.unwrap().port());
    publish_acked(port, &["r/after"]).await;
    let store = metrics(&http, &base).await["store"].clone();
    assert!(
        store["commits"].as_u64().unwrap() > commits_before,
        "{store}"
    );
    assert_eq!(store["messages"], 2, "{store}");
    handle.stop().await;

    // A new process on the same store: both messages are there, in order.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nanomq.conf");
    nanomq::config::save_atomic(&path, &config).unwrap();
    let broker = TestBroker::start_on(config, dir, path).await;
    let mut options = options4(broker.mqtt_port(), "keeper");
    options.set_clean_session(false);
    let (mut keeper, present) = connect4(options).await;
    assert!(present, "the session is in the store");
    assert_eq!(keeper.next_publish().await.topic, "r/before");
    assert_eq!(keeper.next_publish().await.topic, "r/after");
    // Acknowledged (rumqttc sends PUBACK): the store lets them go.
    let base = broker.http_url();
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        let store = metrics(&http, &base).await["store"].clone();
        if store["messages"] == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "acknowledged messages still stored: {store}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    broker.handle.stop().await;
}
