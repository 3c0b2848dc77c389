//! Every `curl` example of the Chinese document, sent as that command sends it over real HTTP
//! to a broker running in this process, with real MQTT clients set up so that the answers can
//! be compared with the document's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use http_support::document::{CONFIG_GET_EXAMPLE, CONFIG_POST_EXAMPLE};
use http_support::mqtt::{Client4, Client5, connect4, connect5, options4, options5};
use http_support::{Reply, TestBroker, curl, eventually, http_client, test_config, within};
use rumqttc::v5::mqttbytes::QoS as QoS5;
use serde_json::{Value, json};

/// Asserts every key of `expected` is in `actual` with an equal value, recursively (arrays
/// element by element).
#[track_caller]
fn assert_subset(expected: &Value, actual: &Value) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let found = have
                    .get(key)
                    .unwrap_or_else(|| panic!("{key} missing: {actual}"));
                assert_subset(value, found);
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            assert_eq!(want.len(), have.len(), "{actual}");
            for (value, found) in want.iter().zip(have) {
                assert_subset(value, found);
            }
        }
        _ => assert_eq!(expected, actual),
    }
}

/// Asserts that `actual` has the keys of `expected` with values of the same JSON type.
#[track_caller]
fn assert_same_keys(expected: &Value, actual: &Value) {
    let (Value::Object(want), Value::Object(have)) = (expected, actual) else {
        panic!("objects expected: {expected} / {actual}");
    };
    for (key, value) in want {
        let found = have
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing: {actual}"));
        assert_eq!(
            std::mem::discriminant(value),
            std::mem::discriminant(found),
            "type of {key}"
        );
    }
}

fn example(json: &str) -> Value {
    serde_json::from_str(json).unwrap()
}

#[track_caller]
fn ok_json(reply: &Reply) -> Value {
    reply.assert(StatusCode::OK, 0);
    reply.json()
}

async fn v5(port: u16, id: &str, username: Option<&str>) -> Client5 {
    let mut options = options5(port, id);
    options.set_keep_alive(Duration::from_secs(60));
    if let Some(user) = username {
        options.set_credentials(user, "pw");
    }
    connect5(options).await.0
}

async fn v4(port: u16, id: &str) -> Client4 {
    let mut options = options4(port, id);
    options.set_keep_alive(Duration::from_secs(60));
    connect4(options).await.0
}

#[tokio::test]
async fn every_curl_example_of_the_document() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port();
    let mut a = v5(port, "nanomq-29978ec1", None).await;
    a.subscribe("topic123", QoS5::ExactlyOnce).await;
    let mut b = v5(port, "nanomq-3020ffac", None).await;
    b.subscribe("topic123", QoS5::ExactlyOnce).await;
    let _c = v5(port, "nanomq-56baa74d", Some("user001")).await;
    let mut d = v4(port, "123").await;
    d.subscribe("a/b/c", rumqttc::QoS::AtLeastOnce).await;
    let handle = &broker.handle.broker;
    eventually("four connections", || {
        handle.metrics().connections.get() == 4
    })
    .await;
    let http = http_client();
    let base = broker.http_url();
    let at = |path: &str| format!("{base}{path}");

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4"
    let index = ok_json(&curl(&http, Method::GET, &at("/api/v4"), None).await);
    let documented = r#"{"code":0,"data":[{"path":"/brokers/","name":"list_brokers","method":"GET","descr":"A list of brokers in the cluster"},{"path":"/nodes/","name":"list_nodes","method":"GET","descr":"A list of nodes in the cluster"},{"path":"/clients/","name":"list_clients","method":"GET","descr":"A list of clients on current node"},{"path":"/clients/:clientid","name":"lookup_client","method":"GET","descr":"Lookup a client in the cluster"},{"path":"/clients/username/:username","name":"lookup_client_via_username","method":"GET","descr":"Lookup a client via username in the cluster"},{"path":"/subscriptions/","name":"list_subscriptions","method":"GET","descr":"A list of subscriptions in the cluster"},{"path":"/subscriptions/:clientid","name":"lookup_client_subscriptions","method":"GET","descr":"A list of subscriptions of a client"},{"path":"/topic-tree/","name":"list_topic-tree","method":"GET","descr":"A list of topic-tree in the cluster"},{"path":"/configuration/","name":"get_broker_configuration","method":"GET","descr":"show broker configuration"},{"path":"/configuration/","name":"set_broker_configuration","method":"POST","descr":"set broker configuration"},{"path":"/ctrl/:action","name":"ctrl_broker","method":"POST","descr":"Control broker stop or restart"}]}"#;
    let documented = example(documented)["data"].clone();
    let count = documented.as_array().unwrap().len();
    assert_eq!(
        json!(index["data"].as_array().unwrap()[..count]),
        documented
    );

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/brokers"
    let brokers = ok_json(&curl(&http, Method::GET, &at("/api/v4/brokers"), None).await);
    let doc = example(
        r#"{"code":0,"data":[{"datetime":"2022-06-07 10:02:24","node_status":"Running","sysdescr":"NanoMQ Broker","uptime":"15 Hours, 1 minutes, 38 seconds","version":"0.7.9-3"}]}"#,
    );
    assert_eq!(brokers["data"].as_array().unwrap().len(), 1);
    assert_same_keys(&doc["data"][0], &brokers["data"][0]);
    assert_eq!(brokers["data"][0]["sysdescr"], "NanoMQ Broker");

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/nodes"
    let nodes = ok_json(&curl(&http, Method::GET, &at("/api/v4/nodes"), None).await);
    let doc = example(
        r#"{"code":0,"data":[{"connections":0,"node_status":"Running","uptime":"15 Hours, 22 minutes, 4 seconds","version":"0.8.1"}]}"#,
    );
    assert_same_keys(&doc["data"][0], &nodes["data"][0]);
    assert_eq!(nodes["data"][0]["connections"], 4);

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/clients"
    let clients = ok_json(&curl(&http, Method::GET, &at("/api/v4/clients"), None).await);
    let doc = example(
        r#"{"code":0,"data":[{"client_id":"nanomq-f6d6fbfb","username":"alvin","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5,"recv_msg":3},{"client_id":"nanomq-bdf61d9b","username":"nanomq","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5,"recv_msg":0}]}"#,
    );
    let listed = clients["data"].as_array().unwrap();
    assert_eq!(listed.len(), 4);
    for client in listed {
        assert_same_keys(&doc["data"][0], client);
    }

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/clients/nanomq-29978ec1"
    let one = ok_json(
        &curl(
            &http,
            Method::GET,
            &at("/api/v4/clients/nanomq-29978ec1"),
            None,
        )
        .await,
    );
    let doc = example(
        r#"{"code":0,"data":[{"client_id":"nanomq-29978ec1","username":"","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5}]}"#,
    );
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    assert_subset(&doc, &one);

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/clients/username/user001"
    let by_user = ok_json(
        &curl(
            &http,
            Method::GET,
            &at("/api/v4/clients/username/user001"),
            None,
        )
        .await,
    );
    let doc = example(
        r#"{"code":0,"data":[{"client_id":"nanomq-56baa74d","username":"user001","keepalive":60,"conn_state":"connected","clean_start":true,"proto_name":"MQTT","proto_ver":5}]}"#,
    );
    assert_eq!(by_user["data"].as_array().unwrap().len(), 1);
    assert_subset(&doc, &by_user);

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/subscriptions"
    let subscriptions =
        ok_json(&curl(&http, Method::GET, &at("/api/v4/subscriptions"), None).await);
    let doc = example(
        r#"{"code":0,"data":[{"clientid":"nanomq-29978ec1","topic":"topic123","qos":2},{"clientid":"nanomq-3020ffac","topic":"topic123","qos":2}]}"#,
    );
    let listed = subscriptions["data"].as_array().unwrap();
    for entry in doc["data"].as_array().unwrap() {
        assert!(listed.contains(entry), "{entry} not in {listed:?}");
    }
    assert_eq!(listed.len(), 3);

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/subscriptions/123"
    let of_123 = ok_json(&curl(&http, Method::GET, &at("/api/v4/subscriptions/123"), None).await);
    let doc = example(r#"{"data":[{"topic":"a/b/c","qos":1,"clientid":"123"}],"code":0}"#);
    assert_eq!(of_123, doc);

    // curl -i --basic -u admin:public -X GET "http://localhost:8081/api/v4/topic-tree"
    let tree = ok_json(&curl(&http, Method::GET, &at("/api/v4/topic-tree"), None).await);
    assert_eq!(tree["data"][0], json!([{"topic": "", "cld_cnt": 2}]));
    assert_eq!(
        tree["data"][1][1],
        json!({"topic": "topic123", "cld_cnt": 0, "clientid": ["nanomq-29978ec1", "nanomq-3020ffac"]})
    );

    // curl -i --basic -u admin:public -X GET 'http://127.0.0.1:8081/api/v4/configuration'
    let url = format!(
        "{}/api/v4/configuration",
        base.replace("localhost", "127.0.0.1")
    );
    let config = ok_json(&curl(&http, Method::GET, &url, None).await);
    let doc = example(CONFIG_GET_EXAMPLE);
    for key in doc["data"].as_object().unwrap().keys() {
        assert!(config["data"].get(key).is_some(), "{key}");
    }

    // curl -i --basic -u admin:public -X POST 'http://localhost:8081/api/v4/configuration' -d '{...}'
    let posted = curl(
        &http,
        Method::POST,
        &at("/api/v4/configuration"),
        Some(CONFIG_POST_EXAMPLE),
    )
    .await;
    posted.assert(StatusCode::OK, 0);
    assert_eq!(posted.text, r#"{"code":0}"#);
    assert_eq!(broker.file_config().num_taskq_thread, 8);
    // The example moves the listeners to fixed ports; put them back on free ones first.
    let back = r#"{"data":{"url":"nmq-tcp://127.0.0.1:0","http_server":{"port":0},"websocket":{"enable":false}}}"#;
    curl(
        &http,
        Method::POST,
        &at("/api/v4/configuration"),
        Some(back),
    )
    .await
    .assert(StatusCode::OK, 0);

    // curl -i --basic -u admin:public -X POST 'http://localhost:8081/api/v4/restart'
    let restarted = curl(&http, Method::POST, &at("/api/v4/restart"), None).await;
    restarted.assert(StatusCode::OK, 0);
    assert_eq!(restarted.text, r#"{"code":0}"#);
    let b = broker.handle.broker.clone();
    eventually("the restart", || {
        b.config().tls.url == "nmq-tls://0.0.0.0:8883"
    })
    .await;
    assert_eq!(
        b.config().num_taskq_thread,
        test_config().num_taskq_thread,
        "the worker threads are set when the process starts"
    );
    let mut handle = broker.handle;
    let addrs = within(handle.wait_running()).await.unwrap();
    let http_port = addrs.http.unwrap().port();
    let after = curl(
        &http,
        Method::GET,
        &format!("http://127.0.0.1:{http_port}/api/v4/nodes"),
        None,
    )
    .await;
    after.assert(StatusCode::OK, 0);
    handle.stop().await;
}

#[tokio::test]
async fn the_topic_tree_example_exactly() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port();
    let mut clients = Vec::new();
    for (id, filter) in [
        ("nanomq-3a4a0956", "topic123"),
        ("nanomq-0cfd69bb", "topic123/123"),
        ("nanomq-26971dc8", "topic123/123/456"),
    ] {
        let mut client = v5(port, id, None).await;
        client.subscribe(filter, QoS5::AtMostOnce).await;
        clients.push(client);
    }
    let http = http_client();
    let url = format!("{}/api/v4/topic-tree", broker.http_url());
    let tree = ok_json(&curl(&http, Method::GET, &url, None).await);
    let doc = r#"{"code":0,"data":[[{"topic":"","cld_cnt":1}],[{"topic":"topic123","cld_cnt":1,"clientid":["nanomq-3a4a0956"]}],[{"topic":"123","cld_cnt":1,"clientid":["nanomq-0cfd69bb"]}],[{"topic":"456","cld_cnt":0,"clientid":["nanomq-26971dc8"]}]]}"#;
    assert_eq!(tree, example(doc));
}
