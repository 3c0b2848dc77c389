//! The `$SYS/brokers/{node}/stats` and `.../metrics` messages, received by a real MQTT
//! subscriber and checked against what the API says at the same moment; and that no client
//! can publish there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::http_support;

use axum::http::{Method, StatusCode};
use http_support::mqtt::{connect4, options4};
use http_support::{TestBroker, curl, http_client, test_config, within};
use serde_json::Value;

fn json(payload: &[u8]) -> Value {
    serde_json::from_slice(payload).unwrap()
}

#[tokio::test]
async fn sys_statistics_match_the_api() {
    let mut config = test_config();
    config.sys_interval = 1;
    let broker = TestBroker::start(config).await;
    let port = broker.mqtt_port();
    let http = http_client();
    let base = format!("{}/api/v4", broker.http_url());

    // The first statistics go out as the broker starts, from a task of their own: wait
    // until they are retained, or a subscriber quicker than that task only sees live ones.
    within(async {
        loop {
            let url = format!("{base}/retained?topic=%24SYS/%23");
            let retained = curl(&http, Method::GET, &url, None).await;
            if retained
                .data()
                .as_array()
                .is_some_and(|all| !all.is_empty())
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await;
    let (mut watcher, _) = connect4(options4(port, "watcher")).await;
    watcher
        .subscribe("$SYS/brokers/+/stats", rumqttc::QoS::AtMostOnce)
        .await;
    // The latest statistics are retained: they arrive at once (a live one of the next period
    // may come first).
    let first = within(async {
        loop {
            let p = watcher.next_publish().await;
            if p.retain {
                return p;
            }
        }
    })
    .await;
    let node = first.topic.split('/').nth(2).unwrap().to_string();
    assert!(node.starts_with("nanomq@"), "{}", first.topic);
    let stats = json(&first.payload);
    assert_eq!(stats["node"], node.as_str());
    for key in [
        "connections.count",
        "sessions.count",
        "subscriptions.count",
        "topics.count",
        "retained.count",
    ] {
        assert!(stats[key].is_u64(), "{key} in {stats}");
    }

    // Two more clients, one subscription each: the next statistics show what the API shows.
    let (mut a, _) = connect4(options4(port, "a")).await;
    a.subscribe("x/#", rumqttc::QoS::AtMostOnce).await;
    let (mut b, _) = connect4(options4(port, "b")).await;
    b.subscribe("y", rumqttc::QoS::AtMostOnce).await;
    let api = curl(&http, Method::GET, &format!("{base}/metrics"), None).await;
    api.assert(StatusCode::OK, 0);
    let api = api.data();
    let stats = within(async {
        loop {
            let p = watcher.next_publish().await;
            let s = json(&p.payload);
            if s["connections.count"] == api["connections"] {
                return s;
            }
        }
    })
    .await;
    assert_eq!(stats["connections.count"], 3);
    assert_eq!(
        stats["subscriptions.count"], api["subscriptions"],
        "{stats} vs {api}"
    );
    assert_eq!(stats["sessions.count"], api["sessions"]);
    assert_eq!(stats["topics.count"], api["topics"]);
    // Its own two retained messages (stats and metrics) are the only ones.
    assert_eq!(stats["retained.count"], 2, "{stats}");

    // The metrics message: counters and rates.
    watcher
        .subscribe("$SYS/brokers/+/metrics", rumqttc::QoS::AtMostOnce)
        .await;
    let metrics = within(async {
        loop {
            let p = watcher.next_publish().await;
            if p.topic.ends_with("/metrics") {
                return json(&p.payload);
            }
        }
    })
    .await;
    for key in [
        "messages.received",
        "messages.sent",
        "bytes.received",
        "uptime",
    ] {
        assert!(metrics[key].is_u64(), "{key} in {metrics}");
    }
    for key in [
        "messages.received.rate",
        "messages.sent.rate.1min",
        "bytes.sent.rate.15min",
    ] {
        assert!(metrics[key].is_number(), "{key} in {metrics}");
    }

    // A client cannot forge them: a PUBLISH to $SYS/ is refused (with `deny_action =
    // "ignore"`, the default, silently for MQTT 3.1.1) and what subscribers see stays the
    // broker's. The SUBACK after it shows the broker has handled the PUBLISH.
    a.client
        .publish(
            format!("$SYS/brokers/{node}/stats"),
            rumqttc::QoS::AtMostOnce,
            true,
            "{}",
        )
        .await
        .unwrap();
    a.subscribe("after", rumqttc::QoS::AtMostOnce).await;
    let (mut late, _) = connect4(options4(port, "late")).await;
    late.subscribe(
        &format!("$SYS/brokers/{node}/stats"),
        rumqttc::QoS::AtMostOnce,
    )
    .await;
    let kept = within(async {
        loop {
            let p = late.next_publish().await;
            if p.retain {
                return json(&p.payload);
            }
        }
    })
    .await;
    assert!(kept["connections.count"].is_u64(), "not forged: {kept}");

    watcher.disconnect().await;
    b.disconnect().await;
    late.disconnect().await;
    a.disconnect().await;
    broker.handle.stop().await;
}

#[tokio::test]
async fn sys_interval_zero_publishes_nothing() {
    let broker = TestBroker::start(test_config()).await;
    assert_eq!(broker.handle.broker.counts().retained, 0);
    broker.handle.stop().await;
}
