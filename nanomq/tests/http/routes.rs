//! Routing and the envelope: the index of `GET /api/v4`, unknown routes and methods, trailing
//! slashes, body and time limits, and the broker-wide routes (brokers, nodes, metrics,
//! prometheus), driven through `router(state)` with `oneshot`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Method, StatusCode, header};
use http_support::sessions::{FakeClient, add};
use http_support::{TestBroker, app_with, get, get_data, post, request, send, test_config};
use nanomq::http::HttpOptions;
use serde_json::{Value, json};

/// The document's `GET /api/v4` example, byte for byte.
const INDEX_EXAMPLE: &str = r#"{"code":0,"data":[{"path":"/brokers/","name":"list_brokers","method":"GET","descr":"A list of brokers in the cluster"},{"path":"/nodes/","name":"list_nodes","method":"GET","descr":"A list of nodes in the cluster"},{"path":"/clients/","name":"list_clients","method":"GET","descr":"A list of clients on current node"},{"path":"/clients/:clientid","name":"lookup_client","method":"GET","descr":"Lookup a client in the cluster"},{"path":"/clients/username/:username","name":"lookup_client_via_username","method":"GET","descr":"Lookup a client via username in the cluster"},{"path":"/subscriptions/","name":"list_subscriptions","method":"GET","descr":"A list of subscriptions in the cluster"},{"path":"/subscriptions/:clientid","name":"lookup_client_subscriptions","method":"GET","descr":"A list of subscriptions of a client"},{"path":"/topic-tree/","name":"list_topic-tree","method":"GET","descr":"A list of topic-tree in the cluster"},{"path":"/configuration/","name":"get_broker_configuration","method":"GET","descr":"show broker configuration"},{"path":"/configuration/","name":"set_broker_configuration","method":"POST","descr":"set broker configuration"},{"path":"/ctrl/:action","name":"ctrl_broker","method":"POST","descr":"Control broker stop or restart"}]}"#;

/// A listed path with its parameters filled in.
fn concrete(path: &str) -> String {
    let filled: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if segment.starts_with(':') {
                "x"
            } else {
                segment
            }
        })
        .collect();
    let uri = format!("/api/v4{}", filled.join("/"));
    // A route that needs its query string to answer 200.
    if path.trim_end_matches('/') == "/acl/check" {
        return format!("{uri}?action=publish&topic=a");
    }
    uri
}

#[tokio::test]
async fn index_starts_with_the_document_and_lists_only_served_routes() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let index = get_data(&app, "/api/v4").await;
    let listed = index.as_array().unwrap();
    let example: Value = serde_json::from_str(INDEX_EXAMPLE).unwrap();
    let documented = example["data"].as_array().unwrap();
    assert_eq!(&listed[..documented.len()], &documented[..]);
    let extras: Vec<(String, String)> = listed[documented.len()..]
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().into(),
                e["path"].as_str().unwrap().into(),
            )
        })
        .collect();
    for expected in [
        ("DELETE", "/clients/:clientid"),
        ("POST", "/mqtt/publish/"),
        ("POST", "/mqtt/publish_batch/"),
        ("GET", "/metrics/"),
        ("GET", "/prometheus/"),
        ("POST", "/stop/"),
        ("POST", "/restart/"),
        ("POST", "/reload/"),
        ("GET", "/log/level/"),
        ("POST", "/log/level/"),
        ("GET", "/acl/check/"),
        ("GET", "/bridges/"),
        ("GET", "/bridges/:name"),
        ("POST", "/bridges/"),
        ("PUT", "/bridges/:name"),
        ("DELETE", "/bridges/:name"),
        ("POST", "/bridges/switch/:name"),
        ("POST", "/bridges/sub/:name"),
        ("POST", "/bridges/unsub/:name"),
        ("GET", "/retained/"),
        ("GET", "/retained/:topic"),
        ("DELETE", "/retained/:topic"),
        ("GET", "/configuration/:section"),
        ("POST", "/configuration/:section"),
    ] {
        assert!(
            extras.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} missing from {extras:?}"
        );
    }
    assert_eq!(listed.len(), documented.len() + 24);
    // Every listed route is served: GET routes answer something other than "no such route",
    // other methods are known paths (GET on them is 405, not 404), so nothing is triggered.
    for entry in listed {
        let uri = concrete(entry["path"].as_str().unwrap());
        let reply = send(&app, get(&uri)).await;
        if entry["method"] == "GET"
            && ["/bridges/:name", "/retained/:topic"].contains(&entry["path"].as_str().unwrap())
        {
            // No bridge called `x`, nothing retained on `x`: the route answers, and says so
            // (not 404/102).
            reply.assert(StatusCode::NOT_FOUND, 108);
        } else if entry["method"] == "GET" && entry["path"] == "/configuration/:section" {
            reply.assert(StatusCode::NOT_FOUND, 101);
        } else if entry["method"] == "GET" {
            assert_eq!(reply.status, StatusCode::OK, "GET {uri}: {}", reply.text);
        } else {
            let not_get = listed
                .iter()
                .all(|e| e["path"] != entry["path"] || e["method"] != "GET");
            if not_get {
                reply.assert(StatusCode::METHOD_NOT_ALLOWED, 102);
            }
        }
    }
}

#[tokio::test]
async fn unknown_routes_are_404_102_and_wrong_methods_405_102() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    for uri in [
        "/",
        "/api",
        "/api/v1",
        "/api/v1/clients",
        "/api/v1/brokers",
        "/api/v4/nosuch",
        "/api/v4/clients/a/b",
        "/api/v4/ctrl/",
        "/api/v4//brokers",
    ] {
        send(&app, get(uri))
            .await
            .assert(StatusCode::NOT_FOUND, 102);
    }
    for (method, uri) in [
        (Method::DELETE, "/api/v4/brokers"),
        (Method::POST, "/api/v4/clients"),
        (Method::PUT, "/api/v4/configuration"),
        (Method::GET, "/api/v4/ctrl/stop"),
        (Method::GET, "/api/v4/mqtt/publish"),
        (Method::POST, "/api/v4/metrics/"),
        (Method::PATCH, "/api/v4"),
    ] {
        let reply = send(&app, request(method.clone(), uri, Body::empty())).await;
        reply.assert(StatusCode::METHOD_NOT_ALLOWED, 102);
    }
}

#[tokio::test]
async fn a_trailing_slash_is_the_same_route() {
    let broker = TestBroker::start(test_config()).await;
    add(&broker.handle.broker, &{
        let mut client = FakeClient::new("c1");
        client.subscriptions = vec![("a/b", 1)];
        client
    })
    .await;
    let app = broker.app();
    for path in [
        "/api/v4",
        "/api/v4/clients",
        "/api/v4/clients/c1",
        "/api/v4/clients/username/nobody",
        "/api/v4/subscriptions",
        "/api/v4/subscriptions/c1",
        "/api/v4/topic-tree",
        "/api/v4/configuration",
    ] {
        let bare = get_data(&app, path).await;
        let slashed = get_data(&app, &format!("{path}/")).await;
        assert_eq!(bare, slashed, "{path}");
    }
    for path in ["/api/v4/brokers/", "/api/v4/nodes/", "/api/v4/metrics/"] {
        get_data(&app, path).await;
    }
    let reply = send(&app, get("/api/v4/prometheus/")).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let limit = HttpOptions::default().body_limit;
    assert_eq!(limit, 1024 * 1024);
    let mut fits = br#"{"data":{"msq_len":99}}"#.to_vec();
    fits.resize(limit, b' ');
    send(&app, post("/api/v4/configuration", fits))
        .await
        .assert(StatusCode::OK, 0);
    assert_eq!(broker.file_config().msq_len, 99);
    let mut too_big = br#"{"data":{"msq_len":98}}"#.to_vec();
    too_big.resize(limit + 1, b' ');
    send(&app, post("/api/v4/configuration", too_big.clone()))
        .await
        .assert(StatusCode::PAYLOAD_TOO_LARGE, 108);
    // Without a Content-Length too (a streamed, chunked body).
    let chunks = too_big
        .chunks(64 * 1024)
        .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
        .collect::<Vec<_>>();
    let streamed = Body::from_stream(futures_util::stream::iter(chunks));
    send(&app, post("/api/v4/mqtt/publish", streamed))
        .await
        .assert(StatusCode::PAYLOAD_TOO_LARGE, 108);
    assert_eq!(broker.file_config().msq_len, 99);
}

#[tokio::test]
async fn a_request_that_does_not_complete_in_time_is_408() {
    let broker = TestBroker::start(test_config()).await;
    let options = HttpOptions {
        request_timeout: Duration::from_millis(100),
        ..HttpOptions::default()
    };
    let app = app_with(&broker.handle, options);
    let stalled =
        Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>());
    send(&app, post("/api/v4/configuration", stalled))
        .await
        .assert(StatusCode::REQUEST_TIMEOUT, 102);
    get_data(&app, "/api/v4/brokers").await;
}

#[tokio::test]
async fn brokers_and_nodes_describe_this_broker() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let brokers = get_data(&app, "/api/v4/brokers").await;
    let info = &brokers.as_array().unwrap()[..];
    assert_eq!(info.len(), 1);
    let datetime = info[0]["datetime"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(datetime, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{datetime}"
    );
    assert_eq!(info[0]["node_status"], "Running");
    assert_eq!(info[0]["sysdescr"], "NanoMQ Broker");
    assert_eq!(info[0]["version"], env!("CARGO_PKG_VERSION"));
    let uptime = info[0]["uptime"].as_str().unwrap();
    assert!(uptime.starts_with("0 Hours, 0 minutes, "), "{uptime}");
    assert!(uptime.ends_with(" seconds"), "{uptime}");

    broker.handle.broker.metrics().connections.add(3);
    let nodes = get_data(&app, "/api/v4/nodes").await;
    assert_eq!(nodes.as_array().unwrap().len(), 1);
    assert_eq!(nodes[0]["connections"], 3);
    assert_eq!(nodes[0]["node_status"], "Running");
    assert_eq!(nodes[0]["version"], env!("CARGO_PKG_VERSION"));
    assert!(nodes[0]["uptime"].as_str().unwrap().contains(" Hours, "));
}

async fn fill_broker(broker: &TestBroker) {
    let b = &broker.handle.broker;
    let mut one = FakeClient::new("one");
    one.subscriptions = vec![("a/+", 1), ("$share/g/a/+", 0)];
    let mut two = FakeClient::new("two");
    two.connected = false;
    two.clean_start = false;
    two.subscriptions = vec![("a/+", 2), ("b/#", 1)];
    add(b, &one).await;
    add(b, &two).await;
    b.metrics().connections.add(1);
    b.metrics().messages_received.add(11);
    b.metrics().messages_sent.add(12);
    b.metrics().messages_dropped.add(13);
    b.metrics().messages_denied.add(16);
    b.metrics().subscriptions_denied.add(17);
    b.metrics().logins_failed.add(18);
    b.metrics().logins_revoked.add(19);
    b.metrics().bytes_received.add(14);
    b.metrics().bytes_sent.add(15);
}

#[tokio::test]
async fn metrics_count_what_the_broker_holds() {
    let broker = TestBroker::start(test_config()).await;
    fill_broker(&broker).await;
    let app = broker.app();
    send(
        &app,
        post(
            "/api/v4/mqtt/publish",
            r#"{"topic":"kept","payload":"x","retain":true}"#,
        ),
    )
    .await
    .assert(StatusCode::OK, 0);
    let metrics = get_data(&app, "/api/v4/metrics").await;
    let memory = metrics["memory"].as_u64().unwrap();
    assert!(memory > 1024 * 1024, "resident memory {memory}");
    assert!(metrics["cpu_usage"].as_f64().unwrap() >= 0.0);
    assert!(metrics["cpuinfo"].as_str().unwrap().ends_with('%'));
    assert!(metrics["peaks"]["connections"].as_u64().unwrap() >= 1);
    let expected = json!({
        "connections": 1, "sessions": 2, "topics": 2, "subscriptions": 4, "retained": 1,
        "messages_received": 11, "messages_sent": 12, "messages_dropped": 13,
        "messages_denied": 16, "subscriptions_denied": 17, "logins_failed": 18,
        "logins_revoked": 19,
        "refused": {"connections": 0, "subscriptions": 0, "retained": 0, "publishes": 0},
        "memory_pressure": false, "bytes_received": 14, "bytes_sent": 15, "uptime": metrics["uptime"], "memory": memory,
        "cpu_usage": metrics["cpu_usage"], "cpuinfo": metrics["cpuinfo"],
        "peaks": metrics["peaks"], "metrics": [],
    });
    assert_eq!(metrics, expected);
    assert!(metrics["uptime"].as_u64().unwrap() < 60);
}

#[tokio::test]
async fn prometheus_is_valid_text_exposition() {
    let broker = TestBroker::start(test_config()).await;
    fill_broker(&broker).await;
    let app = broker.app();
    let reply = send(&app, get("/api/v4/prometheus")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    // Structure: a HELP, then a TYPE, then the samples of each family; names as the format
    // allows.
    let mut helped = std::collections::BTreeSet::new();
    let mut typed = std::collections::BTreeMap::new();
    for line in reply.text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap();
            assert!(!help.is_empty());
            assert!(helped.insert(name.to_string()), "one family once: {line}");
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(matches!(kind, "counter" | "gauge"), "{line}");
            assert!(helped.contains(name), "TYPE before HELP: {line}");
            typed.insert(name.to_string(), kind.to_string());
        } else {
            let name = line.split([' ', '{']).next().unwrap();
            assert!(typed.contains_key(name), "sample without TYPE: {line}");
            assert!(
                name.starts_with("nanomq_")
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "{line}"
            );
        }
    }
    // Values, read by a real parser of the text format.
    let lines = reply.text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
    assert_eq!(scrape.samples.len(), typed.len(), "every sample parsed");
    let value = |name: &str| {
        let sample = scrape
            .samples
            .iter()
            .find(|s| s.metric == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        match (&sample.value, typed[name].as_str()) {
            (prometheus_parse::Value::Counter(v), "counter")
            | (prometheus_parse::Value::Gauge(v), "gauge") => *v,
            (other, kind) => panic!("{name}: {other:?} is not a {kind}"),
        }
    };
    // Our names.
    assert_eq!(value("nanomq_connections"), 1.0);
    assert_eq!(value("nanomq_sessions"), 2.0);
    assert_eq!(value("nanomq_subscriptions"), 4.0);
    assert_eq!(value("nanomq_topics"), 2.0);
    assert_eq!(value("nanomq_messages_received_total"), 11.0);
    assert_eq!(value("nanomq_bytes_sent_total"), 15.0);
    assert!(value("nanomq_memory_resident_bytes") > 0.0);
    // NanoMQ's names (nanomq/rest_api.c), with NanoMQ's types.
    assert_eq!(value("nanomq_connections_count"), 1.0);
    assert!(value("nanomq_connections_max") >= 1.0);
    assert_eq!(value("nanomq_sessions_count"), 2.0);
    assert_eq!(value("nanomq_topics_count"), 2.0);
    assert_eq!(value("nanomq_subscribers_count"), 4.0);
    assert!(value("nanomq_subscribers_max") >= 4.0);
    assert!(value("nanomq_memory_usage") > 0.0);
    assert!(value("nanomq_memory_usage_max") >= value("nanomq_memory_usage"));
    assert!(value("nanomq_cpu_usage") >= 0.0);
    assert!(value("nanomq_cpu_usage_max") >= 0.0);
    assert_eq!(value("nanomq_messages_received"), 11.0);
    assert_eq!(value("nanomq_messages_sent"), 12.0);
    assert_eq!(value("nanomq_messages_dropped"), 13.0);
    assert_eq!(value("nanomq_messages_denied_total"), 16.0);
    assert_eq!(value("nanomq_subscriptions_denied_total"), 17.0);
    assert_eq!(value("nanomq_logins_failed_total"), 18.0);
    assert_eq!(value("nanomq_logins_revoked_total"), 19.0);
}
