//! The retained messages through the API, published by real MQTT 3.1.1 and 5.0 clients:
//! list with a filter and pages, one by topic with its properties, a binary payload in base64,
//! and DELETE, after which a new subscriber receives nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::http_support;

use axum::http::{Method, StatusCode};
use bytes::Bytes;
use http_support::mqtt::{connect4, connect5, options4, options5};
use http_support::{TestBroker, curl, eventually, http_client, test_config};
use rumqttc::v5::mqttbytes::QoS as QoS5;
use rumqttc::v5::mqttbytes::v5::PublishProperties;
use serde_json::{Value, json};

async fn get(http: &reqwest::Client, url: &str) -> Value {
    let reply = curl(http, Method::GET, url, None).await;
    reply.assert(StatusCode::OK, 0);
    reply.json()
}

#[tokio::test]
async fn retained_messages_listed_shown_and_deleted() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port();
    let http = http_client();
    let base = format!("{}/api/v4", broker.http_url());

    let (c4, _) = connect4(options4(port, "pub4")).await;
    for (topic, payload) in [
        ("site/a/temp", "21.5"),
        ("site/b/temp", "19"),
        ("other", "x"),
    ] {
        c4.client
            .publish(topic, rumqttc::QoS::AtLeastOnce, true, payload)
            .await
            .unwrap();
    }
    c4.client
        .publish(
            "site/bin",
            rumqttc::QoS::AtMostOnce,
            true,
            vec![0xff, 0x00, 0x10],
        )
        .await
        .unwrap();
    let (c5, _) = connect5(options5(port, "pub5")).await;
    let props = PublishProperties {
        content_type: Some("application/json".into()),
        message_expiry_interval: Some(3600),
        user_properties: vec![("origin".into(), "line-3".into())],
        correlation_data: Some(Bytes::from_static(b"\x01\x02")),
        ..PublishProperties::default()
    };
    c5.client
        .publish_with_properties(
            "site/c/state",
            QoS5::AtLeastOnce,
            true,
            "{\"on\":true}",
            props,
        )
        .await
        .unwrap();
    let b = broker.handle.broker.clone();
    eventually("five retained", || b.counts().retained == 5).await;

    let all = get(&http, &format!("{base}/retained")).await["data"].clone();
    let topics: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["topic"].as_str().unwrap())
        .collect();
    assert_eq!(
        topics,
        [
            "other",
            "site/a/temp",
            "site/b/temp",
            "site/bin",
            "site/c/state"
        ]
    );
    let filtered = get(&http, &format!("{base}/retained?topic=site/%2B/temp")).await;
    assert_eq!(filtered["data"].as_array().unwrap().len(), 2, "{filtered}");
    let page = get(
        &http,
        &format!("{base}/retained?topic=site/%23&_page=2&_limit=2"),
    )
    .await;
    assert_eq!(page["meta"]["count"], 4, "{page}");
    assert_eq!(page["data"][0]["topic"], "site/bin", "{page}");

    let bin = get(&http, &format!("{base}/retained/site/bin")).await["data"].clone();
    assert_eq!(bin["encoding"], "base64");
    assert_eq!(bin["payload"], "/wAQ");
    assert_eq!(bin["size"], 3);
    assert!(bin.get("properties").is_none(), "{bin}");

    let state = get(&http, &format!("{base}/retained/site/c/state")).await["data"].clone();
    assert_eq!(state["payload"], "{\"on\":true}");
    assert_eq!(state["encoding"], "plain");
    assert_eq!(state["qos"], 1);
    let p = &state["properties"];
    assert_eq!(p["content_type"], "application/json");
    assert_eq!(p["user_properties"], json!({"origin": "line-3"}));
    assert_eq!(p["correlation_data"], "AQI=");
    let left = p["message_expiry_interval"].as_u64().unwrap();
    assert!((3590..=3600).contains(&left), "{p}");

    // Delete: gone from the API, the count, and from what a new subscriber receives.
    let deleted = curl(
        &http,
        Method::DELETE,
        &format!("{base}/retained/site/a/temp"),
        None,
    )
    .await;
    deleted.assert(StatusCode::OK, 0);
    curl(
        &http,
        Method::GET,
        &format!("{base}/retained/site/a/temp"),
        None,
    )
    .await
    .assert(StatusCode::NOT_FOUND, 108);
    curl(
        &http,
        Method::DELETE,
        &format!("{base}/retained/site/a/temp"),
        None,
    )
    .await
    .assert(StatusCode::NOT_FOUND, 108);
    assert_eq!(b.counts().retained, 4);
    let (mut sub, _) = connect4(options4(port, "sub")).await;
    sub.subscribe("site/+/temp", rumqttc::QoS::AtMostOnce).await;
    let first = sub.next_publish().await;
    assert_eq!(first.topic, "site/b/temp", "only the one still retained");

    // Bad filters are refused.
    curl(
        &http,
        Method::GET,
        &format!("{base}/retained?topic=a/%23/b"),
        None,
    )
    .await
    .assert(StatusCode::BAD_REQUEST, 115);
    curl(
        &http,
        Method::GET,
        &format!("{base}/retained?nosuch=1"),
        None,
    )
    .await
    .assert(StatusCode::BAD_REQUEST, 108);
    sub.disconnect().await;
    c4.disconnect().await;
    c5.disconnect().await;
    broker.handle.stop().await;
}
