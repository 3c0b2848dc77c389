//! Clients, subscriptions and the topic tree (API.md §3) and the kick (§4), over sessions made
//! in the registry so every field is known: the client object, every filter and its errors,
//! paging, and the shapes of the document's examples.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use http_support::sessions::{FakeClient, FakeSession, add};
use http_support::{TestBroker, get, get_data, request, send, test_config};
use nanomq::codec::ProtocolVersion;
use nanomq::session::ConnCommand;
use serde_json::{Value, json};

/// Five clients covering every value the filters look at.
fn clients() -> Vec<FakeClient> {
    let mut alpha = FakeClient::new("alpha");
    alpha.username = Some("alice");
    alpha.keep_alive = 30;
    alpha.peer = "127.0.0.1:40001".parse().unwrap();
    alpha.will_topic = Some("wills/alpha");
    alpha.subscriptions = vec![("a/b", 1), ("$share/g1/a/#", 2)];
    alpha.recv_msg = 7;
    alpha.send_msg = 3;
    let mut bravo = FakeClient::new("bravo");
    bravo.username = Some("bob");
    bravo.protocol = ProtocolVersion::V3_1_1;
    bravo.clean_start = false;
    bravo.connected = false;
    bravo.subscriptions = vec![("a/b", 2), ("c", 0)];
    bravo.queued = 4;
    let mut charlie = FakeClient::new("charlie");
    charlie.username = Some("alice");
    charlie.protocol = ProtocolVersion::V3_1;
    charlie.peer = "[::1]:40003".parse().unwrap();
    charlie.subscriptions = vec![("$share/g2/a/#", 1)];
    let mut delta = FakeClient::new("delta");
    delta.protocol = ProtocolVersion::V3_1_1;
    let mut echo = FakeClient::new("echo");
    echo.clean_start = false;
    echo.connected = false;
    vec![alpha, bravo, charlie, delta, echo]
}

async fn setup() -> (TestBroker, Router, Vec<FakeSession>) {
    let broker = TestBroker::start(test_config()).await;
    let mut sessions = Vec::new();
    for client in clients() {
        sessions.push(add(&broker.handle.broker, &client).await);
    }
    let app = broker.app();
    (broker, app, sessions)
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn client_objects_show_each_session() {
    let (_broker, app, _sessions) = setup().await;
    let list = get_data(&app, "/api/v4/clients").await;
    assert_eq!(ids(&list), ["alpha", "bravo", "charlie", "delta", "echo"]);
    assert_eq!(
        list[0],
        json!({
            "client_id": "alpha", "username": "alice", "keepalive": 30,
            "conn_state": "connected", "connected": true, "clean_start": true,
            "proto_name": "MQTT", "proto_ver": 5, "ip_address": "127.0.0.1", "port": 40001,
            "connected_at": "2024-01-02 03:04:05", "recv_msg": 7, "send_msg": 3,
            "mqueue_len": 0, "dropped": 0, "will_topic": "wills/alpha", "will_msg": "gone"
        })
    );
    assert_eq!(
        list[1],
        json!({
            "client_id": "bravo", "username": "bob", "keepalive": 60,
            "conn_state": "disconnected", "connected": false, "clean_start": false,
            "proto_name": "MQTT", "proto_ver": 4, "connected_at": "2024-01-02 03:04:05",
            "recv_msg": 0, "send_msg": 0, "mqueue_len": 4, "dropped": 0
        })
    );
    assert_eq!(list[2]["proto_name"], "MQIsdp");
    assert_eq!(list[2]["proto_ver"], 3);
    assert_eq!(list[2]["ip_address"], "::1");
    assert_eq!(list[3]["username"], "");
    assert!(list[3].get("will_topic").is_none());
}

#[tokio::test]
async fn every_client_filter_works() {
    let (_broker, app, _sessions) = setup().await;
    for (query, expected) in [
        ("clientid=bravo", vec!["bravo"]),
        ("client_id=bravo", vec!["bravo"]),
        ("clientid=nobody", vec![]),
        ("clientid=", vec![]),
        ("username=alice", vec!["alpha", "charlie"]),
        ("username=", vec!["delta", "echo"]),
        ("conn_state=connected", vec!["alpha", "charlie", "delta"]),
        ("conn_state=disconnected", vec!["bravo", "echo"]),
        ("conn_state=idle", vec![]),
        ("clean_start=false", vec!["bravo", "echo"]),
        ("clean_start=true", vec!["alpha", "charlie", "delta"]),
        ("proto_name=MQTT", vec!["alpha", "bravo", "delta", "echo"]),
        ("proto_name=MQIsdp", vec!["charlie"]),
        ("proto_name=CoAP", vec![]),
        ("proto_name=LwM2M", vec![]),
        ("proto_name=MQTT-SN", vec![]),
        ("proto_ver=4", vec!["bravo", "delta"]),
        ("proto_ver=3", vec!["charlie"]),
        ("proto_ver=5", vec!["alpha", "echo"]),
        (
            "username=alice&conn_state=connected&proto_ver=3",
            vec!["charlie"],
        ),
        ("clientid=alpha&username=bob", vec![]),
        (
            "clean_start=false&conn_state=disconnected&proto_name=MQTT",
            vec!["bravo", "echo"],
        ),
    ] {
        let list = get_data(&app, &format!("/api/v4/clients?{query}")).await;
        assert_eq!(ids(&list), expected, "{query}");
    }
}

#[tokio::test]
async fn bad_client_filters_are_400_108() {
    let (_broker, app, _sessions) = setup().await;
    for query in [
        "foo=bar",
        "clientId=alpha",
        "conn_state=online",
        "clean_start=yes",
        "clean_start=1",
        "proto_name=mqtt",
        "proto_ver=five",
        "proto_ver=-1",
        "proto_ver=300",
        "_page=0",
        "_limit=x",
        "clientid=a&clientid=b",
    ] {
        send(&app, get(&format!("/api/v4/clients?{query}")))
            .await
            .assert(StatusCode::BAD_REQUEST, 108);
    }
}

#[tokio::test]
async fn paging_is_opt_in_and_ordered() {
    let (_broker, app, _sessions) = setup().await;
    let whole = send(&app, get("/api/v4/clients")).await.json();
    assert!(whole.get("meta").is_none());
    let page = send(&app, get("/api/v4/clients?_page=2&_limit=2"))
        .await
        .json();
    assert_eq!(ids(&page["data"]), ["charlie", "delta"]);
    assert_eq!(
        page["meta"],
        json!({"page": 2, "limit": 2, "count": 5, "hasnext": true})
    );
    let last = send(&app, get("/api/v4/clients?_page=3&_limit=2"))
        .await
        .json();
    assert_eq!(ids(&last["data"]), ["echo"]);
    assert_eq!(last["meta"]["hasnext"], false);
    let beyond = send(&app, get("/api/v4/clients?_page=9&_limit=2"))
        .await
        .json();
    assert_eq!(beyond["data"], json!([]));
    let only_limit = send(&app, get("/api/v4/clients?_limit=1&username=alice"))
        .await
        .json();
    assert_eq!(ids(&only_limit["data"]), ["alpha"]);
    assert_eq!(
        only_limit["meta"],
        json!({"page": 1, "limit": 1, "count": 2, "hasnext": true})
    );
    let only_page = send(&app, get("/api/v4/subscriptions?_page=1"))
        .await
        .json();
    assert_eq!(only_page["meta"]["count"], 5);
    assert_eq!(only_page["meta"]["hasnext"], false);
}

#[tokio::test]
async fn lookups_by_id_and_username() {
    let (_broker, app, _sessions) = setup().await;
    let one = get_data(&app, "/api/v4/clients/bravo").await;
    assert_eq!(ids(&one), ["bravo"]);
    let listed = get_data(&app, "/api/v4/clients?clientid=bravo").await;
    assert_eq!(one, listed);
    assert_eq!(
        get_data(&app, "/api/v4/clients/nanomq-29978ec1").await,
        json!([])
    );
    let by_user = get_data(&app, "/api/v4/clients/username/alice").await;
    assert_eq!(ids(&by_user), ["alpha", "charlie"]);
    assert_eq!(
        get_data(&app, "/api/v4/clients/username/user001").await,
        json!([])
    );
}

#[tokio::test]
async fn subscriptions_list_one_entry_per_client_and_filter() {
    let (_broker, app, _sessions) = setup().await;
    let all = get_data(&app, "/api/v4/subscriptions").await;
    assert_eq!(
        all,
        json!([
            {"clientid": "alpha", "topic": "a/#", "qos": 2, "share": "g1"},
            {"clientid": "alpha", "topic": "a/b", "qos": 1},
            {"clientid": "bravo", "topic": "a/b", "qos": 2},
            {"clientid": "bravo", "topic": "c", "qos": 0},
            {"clientid": "charlie", "topic": "a/#", "qos": 1, "share": "g2"},
        ])
    );
    let of_alpha = get_data(&app, "/api/v4/subscriptions/alpha").await;
    assert_eq!(of_alpha, json!(all.as_array().unwrap()[..2]));
    assert_eq!(
        get_data(&app, "/api/v4/subscriptions/nobody").await,
        json!([])
    );
    assert_eq!(
        get_data(&app, "/api/v4/subscriptions/delta").await,
        json!([])
    );
}

#[tokio::test]
async fn every_subscription_filter_works() {
    let (_broker, app, _sessions) = setup().await;
    let pairs = |list: Value| -> Vec<(String, String)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let id = s["clientid"].as_str().unwrap().to_string();
                (id, s["topic"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let p = |id: &str, topic: &str| (id.to_string(), topic.to_string());
    for (query, expected) in [
        ("clientid=bravo", vec![p("bravo", "a/b"), p("bravo", "c")]),
        ("topic=a%2Fb", vec![p("alpha", "a/b"), p("bravo", "a/b")]),
        ("topic=a/%23", vec![p("alpha", "a/#"), p("charlie", "a/#")]),
        ("topic=a/%2B", vec![]),
        ("qos=0", vec![p("bravo", "c")]),
        ("qos=2", vec![p("alpha", "a/#"), p("bravo", "a/b")]),
        ("share=g1", vec![p("alpha", "a/#")]),
        ("share=g3", vec![]),
        ("topic=%24share/g2/a/%23", vec![p("charlie", "a/#")]),
        ("topic=%24share/g2/a/%23&share=g1", vec![]),
        ("clientid=alpha&qos=1", vec![p("alpha", "a/b")]),
        (
            "topic=a/%23&qos=1&share=g2&clientid=charlie",
            vec![p("charlie", "a/#")],
        ),
    ] {
        let list = get_data(&app, &format!("/api/v4/subscriptions?{query}")).await;
        assert_eq!(pairs(list), expected, "{query}");
    }
    for query in [
        "qos=3",
        "qos=x",
        "qos=-1",
        "client_id=alpha",
        "foo=1",
        "_limit=0",
    ] {
        send(&app, get(&format!("/api/v4/subscriptions?{query}")))
            .await
            .assert(StatusCode::BAD_REQUEST, 108);
    }
}

#[tokio::test]
async fn topic_tree_has_the_document_shape() {
    let broker = TestBroker::start(test_config()).await;
    for (id, filter) in [
        ("nanomq-3a4a0956", "topic123"),
        ("nanomq-0cfd69bb", "topic123/123"),
        ("nanomq-26971dc8", "topic123/123/456"),
    ] {
        let mut client = FakeClient::new(id);
        client.subscriptions = vec![(filter, 1)];
        add(&broker.handle.broker, &client).await;
    }
    let app = broker.app();
    let tree = get_data(&app, "/api/v4/topic-tree").await;
    let example = r#"[[{"topic":"","cld_cnt":1}],[{"topic":"topic123","cld_cnt":1,"clientid":["nanomq-3a4a0956"]}],[{"topic":"123","cld_cnt":1,"clientid":["nanomq-0cfd69bb"]}],[{"topic":"456","cld_cnt":0,"clientid":["nanomq-26971dc8"]}]]"#;
    assert_eq!(tree, serde_json::from_str::<Value>(example).unwrap());

    let mut wild = FakeClient::new("w");
    wild.subscriptions = vec![("topic123/+", 0), ("$share/g/topic123/#", 0)];
    add(&broker.handle.broker, &wild).await;
    let tree = get_data(&app, "/api/v4/topic-tree").await;
    assert_eq!(tree[1][0]["cld_cnt"], 3);
    assert_eq!(
        tree[2],
        json!([
            {"topic": "123", "cld_cnt": 1, "clientid": ["nanomq-0cfd69bb"]},
            {"topic": "+", "cld_cnt": 0, "clientid": ["w"]},
            {"topic": "#", "cld_cnt": 0, "clientid": ["w"]},
        ])
    );
}

#[tokio::test]
async fn kick_disconnects_or_discards() {
    let (broker, app, sessions) = setup().await;
    let b = &broker.handle.broker;
    let delete = |uri: &str| request(Method::DELETE, uri, Body::empty());
    // Connected: the connection is told to go (it then discards the session itself).
    send(&app, delete("/api/v4/clients/alpha"))
        .await
        .assert(StatusCode::OK, 0);
    assert_eq!(sessions[0].signal.pending(), Some(ConnCommand::Kick));
    // Offline persistent session: discarded at once, with its subscriptions.
    assert_eq!(b.counts().subscriptions, 5);
    send(&app, delete("/api/v4/clients/bravo/"))
        .await
        .assert(StatusCode::OK, 0);
    assert!(b.session("bravo").is_none());
    assert!(sessions[1].session.is_discarded());
    assert_eq!(b.counts().subscriptions, 3);
    assert_eq!(get_data(&app, "/api/v4/clients/bravo").await, json!([]));
    assert_eq!(
        get_data(&app, "/api/v4/subscriptions/bravo").await,
        json!([])
    );
    // Unknown.
    for id in ["bravo", "nobody"] {
        send(&app, delete(&format!("/api/v4/clients/{id}")))
            .await
            .assert(StatusCode::NOT_FOUND, 112);
    }
    assert_eq!(b.counts().sessions, 4);
}
