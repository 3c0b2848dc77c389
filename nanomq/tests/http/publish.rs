//! `POST /mqtt/publish` and `/mqtt/publish_batch` (API.md §4): what reaches a subscriber's
//! queue, retained messages, and every error code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use axum::Router;
use axum::http::StatusCode;
use http_support::sessions::{FakeClient, FakeSession, add, drain};
use http_support::{TestBroker, get_data, post, send, test_config};
use nanomq::codec::QoS;
use nanomq::message::Origin;
use serde_json::json;

/// A broker with one offline persistent subscriber to `#` at QoS 2 (its queue keeps QoS 1/2).
async fn setup() -> (TestBroker, Router, FakeSession) {
    let broker = TestBroker::start(test_config()).await;
    let mut client = FakeClient::new("sink");
    client.connected = false;
    client.clean_start = false;
    client.subscriptions = vec![("#", 2)];
    let sink = add(&broker.handle.broker, &client).await;
    let app = broker.app();
    (broker, app, sink)
}

#[tokio::test]
async fn publish_delivers_with_every_field() {
    let (broker, app, sink) = setup().await;
    let body = json!({
        "topic": "t/1", "payload": "aGVsbG8=", "encoding": "base64", "qos": 1,
        "retain": true, "clientid": "api-client",
        "properties": {
            "payload_format_indicator": 1, "message_expiry_interval": 600,
            "content_type": "text/plain", "response_topic": "replies/1",
            "correlation_data": "corr", "user_properties": {"k1": "v1", "k2": "v2"}
        }
    });
    send(&app, post("/api/v4/mqtt/publish", body.to_string()))
        .await
        .assert(StatusCode::OK, 0);
    let queued = drain(&sink.session);
    assert_eq!(queued.len(), 1);
    let message = &queued[0].message;
    assert_eq!(&*message.topic, "t/1");
    assert_eq!(&message.payload[..], b"hello");
    assert_eq!(message.qos, QoS::AtLeastOnce);
    assert!(message.retain);
    assert_eq!(message.origin, Origin::Broker);
    let p = message.properties();
    assert_eq!(p.payload_format_indicator, Some(1));
    assert_eq!(p.message_expiry_interval, Some(600));
    assert_eq!(p.content_type.as_deref(), Some("text/plain"));
    assert_eq!(p.response_topic.as_deref(), Some("replies/1"));
    assert_eq!(p.correlation_data.as_deref(), Some(&b"corr"[..]));
    assert_eq!(
        p.user_properties,
        [
            ("k1".to_string(), "v1".to_string()),
            ("k2".to_string(), "v2".to_string())
        ]
    );
    assert!(message.expires_at.is_some());
    assert_eq!(broker.handle.broker.counts().retained, 1);
    assert_eq!(get_data(&app, "/api/v4/metrics").await["retained"], 1);
}

#[tokio::test]
async fn publish_to_several_topics_and_defaults() {
    let (broker, app, sink) = setup().await;
    let body = json!({"topic": "a", "topics": "b,c/d", "payload": "plain text", "qos": 2});
    send(&app, post("/api/v4/mqtt/publish/", body.to_string()))
        .await
        .assert(StatusCode::OK, 0);
    let queued = drain(&sink.session);
    let topics: Vec<&str> = queued.iter().map(|d| &*d.message.topic).collect();
    assert_eq!(topics, ["a", "b", "c/d"]);
    assert!(
        queued
            .iter()
            .all(|d| &d.message.payload[..] == b"plain text")
    );
    assert!(queued.iter().all(|d| d.message.qos == QoS::ExactlyOnce));
    // QoS 0 by default: an offline session does not queue it, but nothing fails.
    send(
        &app,
        post("/api/v4/mqtt/publish", r#"{"topic":"z","payload":""}"#),
    )
    .await
    .assert(StatusCode::OK, 0);
    assert!(drain(&sink.session).is_empty());
    assert_eq!(broker.handle.broker.counts().retained, 0);
}

#[tokio::test]
async fn publish_errors_publish_nothing() {
    let (broker, app, sink) = setup().await;
    for (body, code) in [
        (r#"{"topic":"a/#","payload":"x","qos":1}"#.to_string(), 115),
        (r#"{"topic":"a/+/b","payload":"x","qos":1}"#.to_string(), 115),
        (r#"{"topic":"","payload":"x","qos":1}"#.to_string(), 115),
        (r#"{"topic":"ok","topics":"fine,bad/#","payload":"x","qos":1}"#.to_string(), 115),
        (r#"{"topics":"a,,b","payload":"x","qos":1}"#.to_string(), 115),
        (json!({"topic": "a/".repeat(1100), "payload": "x", "qos": 1}).to_string(), 115),
        // Deeper than max_topic_levels (128).
        (json!({"topic": "a/".repeat(128), "payload": "x", "qos": 1}).to_string(), 115),
        // The broker's own events cannot be forged through the API either.
        (r#"{"topic":"$SYS/brokers/connected","payload":"{}","qos":0}"#.to_string(), 115),
        (r#"{"topics":"ok,$SYS/x","payload":"x","retain":true}"#.to_string(), 115),
        (r#"{"payload":"x","qos":1}"#.to_string(), 107),
        (r#"{"topic":"a","qos":1}"#.to_string(), 107),
        (r#"{"topic":"a","payload":"x","qos":3}"#.to_string(), 108),
        (r#"{"topic":"a","payload":"x","qos":"1"}"#.to_string(), 108),
        (r#"{"topic":"a","payload":"x","retain":"yes"}"#.to_string(), 108),
        (r#"{"topic":"a","payload":"%%%","encoding":"base64","qos":1}"#.to_string(), 108),
        (r#"{"topic":"a","payload":"x","encoding":"hex"}"#.to_string(), 108),
        (r#"{"topic":"a","payload":"x","unknown":1}"#.to_string(), 108),
        (r#"{"topic":"a","payload":5}"#.to_string(), 108),
        (r#"{"topic":"a","payload":"x","properties":{"response_topic":"r/#"}}"#.to_string(), 108),
        (
            r#"{"topic":"a","payload":"/w==","encoding":"base64","qos":1,"properties":{"payload_format_indicator":1}}"#
                .to_string(),
            108,
        ),
        (r#"["not","an","object"]"#.to_string(), 108),
        (r#"{"topic":"a","payload":"x""#.to_string(), 109),
        (String::new(), 109),
    ] {
        let reply = send(&app, post("/api/v4/mqtt/publish", body.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        reply.assert(StatusCode::BAD_REQUEST, code);
        assert!(reply.json()["message"].is_string(), "{body}");
    }
    assert!(drain(&sink.session).is_empty());
    assert_eq!(broker.handle.broker.counts().retained, 0);
}

#[tokio::test]
async fn publish_batch_reports_each_item() {
    let (_broker, app, sink) = setup().await;
    let body = json!([
        {"topic": "one", "payload": "1", "qos": 1},
        {"topic": "bad/#", "payload": "2", "qos": 1},
        {"topic": "three", "payload": "3", "qos": 9},
        {"payload": "4", "qos": 1},
        {"topics": "five,six", "payload": "5", "qos": 1},
        "not an object",
        ["t", "u", "positional fields"],
    ]);
    let reply = send(&app, post("/api/v4/mqtt/publish_batch", body.to_string())).await;
    reply.assert(StatusCode::OK, 0);
    assert_eq!(
        reply.data(),
        json!([
            {"topic": "one", "code": 0},
            {"topic": "bad/#", "code": 115},
            {"topic": "three", "code": 108},
            {"topic": "", "code": 107},
            {"topic": "five", "code": 0},
            {"topic": "", "code": 108},
            {"topic": "", "code": 108},
        ])
    );
    let topics: Vec<String> = drain(&sink.session)
        .iter()
        .map(|d| d.message.topic.to_string())
        .collect();
    assert_eq!(topics, ["one", "five", "six"]);
    for (body, code) in [(r#"{"topic":"a"}"#, 108), ("[", 109)] {
        send(&app, post("/api/v4/mqtt/publish_batch", body))
            .await
            .assert(StatusCode::BAD_REQUEST, code);
    }
    let empty = send(&app, post("/api/v4/mqtt/publish_batch", "[]")).await;
    empty.assert(StatusCode::OK, 0);
    assert_eq!(empty.data(), json!([]));
}
