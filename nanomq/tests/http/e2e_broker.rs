//! End to end over real HTTP against a broker running in this process, with real MQTT 3.1,
//! 3.1.1 and 5.0 clients: what the API shows follows what the clients do; kick, publish, the
//! configuration round trip through `ctrl/restart` (which keeps persistent sessions and
//! retained messages), and `ctrl/stop`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use http_support::mqtt::{connect_mqisdp, connect_v5_raw, connect4, connect5, options4, options5};
use http_support::{TestBroker, curl, eventually, free_port, http_client, test_config, within};
use nanomq::http::HttpSetupError;
use nanomq::server::StartError;
use rumqttc::v5::mqttbytes::QoS as QoS5;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

/// GETs `path` from the API at `base` and returns `data`.
async fn data(http: &reqwest::Client, base: &str, path: &str) -> Value {
    let reply = curl(http, Method::GET, &format!("{base}{path}"), None).await;
    reply.assert(StatusCode::OK, 0);
    reply.data()
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

#[tokio::test]
async fn the_api_follows_real_clients() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port();
    let b = broker.handle.broker.clone();

    let mut o4 = options4(port, "c4");
    o4.set_credentials("u4", "pw")
        .set_keep_alive(Duration::from_secs(40));
    let (mut c4, _) = connect4(o4).await;
    c4.subscribe("s/#", rumqttc::QoS::AtMostOnce).await;
    let mut o5 = options5(port, "c5");
    o5.set_keep_alive(Duration::from_secs(45));
    o5.set_last_will(rumqttc::v5::mqttbytes::v5::LastWill::new(
        "wills/c5",
        "gone",
        QoS5::AtMostOnce,
        false,
        None,
    ));
    let (c5, _) = connect5(o5).await;
    let mut op = options5(port, "p5");
    op.set_clean_start(false)
        .set_session_expiry_interval(Some(3600));
    let (mut p5, _) = connect5(op).await;
    p5.subscribe("$share/grp/s/#", QoS5::AtLeastOnce).await;
    p5.subscribe("s/direct", QoS5::ExactlyOnce).await;
    let _old = connect_mqisdp(port, "old31").await;
    eventually("4 connections", || b.metrics().connections.get() == 4).await;

    let http = http_client();
    let base = broker.http_url();
    let clients = data(&http, &base, "/api/v4/clients").await;
    let ids: Vec<&str> = clients
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c4", "c5", "old31", "p5"]);
    let c4_info = find(&clients, "c4");
    assert_eq!(c4_info["username"], "u4");
    assert_eq!(c4_info["proto_name"], "MQTT");
    assert_eq!(c4_info["proto_ver"], 4);
    assert_eq!(c4_info["keepalive"], 40);
    assert_eq!(c4_info["ip_address"], "127.0.0.1");
    assert!(c4_info["port"].as_u64().unwrap() > 0);
    assert_eq!(find(&clients, "c5")["will_topic"], "wills/c5");
    assert_eq!(
        find(&clients, "c5")["will_msg"],
        "gone",
        "NanoMQ's will_msg"
    );
    assert_eq!(find(&clients, "c5")["keepalive"], 45);
    assert!(find(&clients, "c4").get("will_topic").is_none());
    let old = find(&clients, "old31");
    assert_eq!(
        (&old["proto_name"], &old["proto_ver"]),
        (&json!("MQIsdp"), &json!(3))
    );
    assert_eq!(find(&clients, "p5")["clean_start"], false);
    let mqtt5 = data(
        &http,
        &base,
        "/api/v4/clients?proto_ver=5&conn_state=connected",
    )
    .await;
    assert_eq!(mqtt5.as_array().unwrap().len(), 2);

    let subscriptions = data(&http, &base, "/api/v4/subscriptions?clientid=p5").await;
    assert_eq!(
        subscriptions,
        json!([
            {"clientid": "p5", "topic": "s/#", "qos": 1, "share": "grp"},
            {"clientid": "p5", "topic": "s/direct", "qos": 2},
        ])
    );
    let shared = data(&http, &base, "/api/v4/subscriptions?share=grp").await;
    assert_eq!(shared.as_array().unwrap().len(), 1);
    let by_topic = data(&http, &base, "/api/v4/subscriptions?topic=s/%23").await;
    assert_eq!(
        by_topic.as_array().unwrap().len(),
        2,
        "c4 and p5's shared one"
    );

    // Messages: c5 publishes three, p5 gets each (direct + shared) and c4 each.
    for n in 0..3 {
        within(
            c5.client
                .publish("s/direct", QoS5::AtLeastOnce, false, format!("m{n}")),
        )
        .await
        .unwrap();
    }
    for _ in 0..3 {
        c4.next_publish().await;
    }
    let c5_session = b.session("c5").unwrap();
    eventually("c5's counter", || {
        c5_session.stats.recv_msg.load(Ordering::Relaxed) == 3
    })
    .await;
    let c4_session = b.session("c4").unwrap();
    eventually("c4's counter", || {
        c4_session.stats.send_msg.load(Ordering::Relaxed) == 3
    })
    .await;
    let clients = data(&http, &base, "/api/v4/clients").await;
    assert_eq!(find(&clients, "c5")["recv_msg"], 3);
    assert_eq!(find(&clients, "c4")["send_msg"], 3);
    let metrics = data(&http, &base, "/api/v4/metrics").await;
    assert_eq!(metrics["connections"], 4);
    assert_eq!(metrics["sessions"], 4);
    assert_eq!(metrics["subscriptions"], 3);
    assert!(metrics["messages_received"].as_u64().unwrap() >= 3);

    // p5 goes away: its session stays, disconnected, without an address.
    p5.disconnect().await;
    let p5_session = b.session("p5").unwrap();
    eventually("p5 offline", || !p5_session.is_connected()).await;
    let p5_info = data(&http, &base, "/api/v4/clients/p5").await;
    assert_eq!(p5_info[0]["conn_state"], "disconnected");
    assert_eq!(p5_info[0]["connected"], false);
    assert!(p5_info[0].get("ip_address").is_none());
    assert!(p5_info[0].get("port").is_none());
    let offline = data(&http, &base, "/api/v4/clients?conn_state=disconnected").await;
    assert_eq!(offline.as_array().unwrap().len(), 1);
    assert_eq!(
        data(&http, &base, "/api/v4/nodes").await[0]["connections"],
        3
    );
    assert_eq!(
        data(&http, &base, "/api/v4/subscriptions/p5").await,
        subscriptions
    );
}

#[tokio::test]
async fn kick_disconnects_a_real_client() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port();
    let b = broker.handle.broker.clone();
    let http = http_client();
    let url = |id: &str| format!("{}/api/v4/clients/{id}", broker.http_url());
    // Connected (MQTT 5): DISCONNECT with reason 0x98, then the session is discarded.
    let (mut victim, _) = connect_v5_raw(port, "victim").await;
    let reply = curl(&http, Method::DELETE, &url("victim"), None).await;
    reply.assert(StatusCode::OK, 0);
    let mut last_words = Vec::new();
    within(victim.read_to_end(&mut last_words)).await.unwrap();
    // DISCONNECT, reason 0x98 (administrative action), with or without empty properties.
    assert_eq!(last_words[0], 0xE0, "DISCONNECT: {last_words:?}");
    assert_eq!(
        usize::from(last_words[1]),
        last_words.len() - 2,
        "{last_words:?}"
    );
    assert_eq!(last_words[2], 0x98, "administrative action: {last_words:?}");
    eventually("the session discarded", || b.session("victim").is_none()).await;
    curl(&http, Method::DELETE, &url("victim"), None)
        .await
        .assert(StatusCode::NOT_FOUND, 112);
    // An offline persistent session is discarded too: its client finds no session after.
    let mut options = options5(port, "keeper");
    options
        .set_clean_start(false)
        .set_session_expiry_interval(Some(3600));
    let (mut keeper, _) = connect5(options.clone()).await;
    keeper.subscribe("k/#", QoS5::AtLeastOnce).await;
    keeper.disconnect().await;
    let session = b.session("keeper").unwrap();
    eventually("keeper offline", || !session.is_connected()).await;
    curl(&http, Method::DELETE, &url("keeper"), None)
        .await
        .assert(StatusCode::OK, 0);
    assert!(b.session("keeper").is_none());
    assert_eq!(b.counts().subscriptions, 0);
    let (_again, present) = connect5(options).await;
    assert!(!present, "the session was discarded");
}

#[tokio::test]
async fn published_messages_reach_real_subscribers() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port();
    let (mut s5, _) = connect5(options5(port, "s5")).await;
    s5.subscribe("api/#", QoS5::AtLeastOnce).await;
    let (mut s4, _) = connect4(options4(port, "s4")).await;
    s4.subscribe("api/+", rumqttc::QoS::AtLeastOnce).await;
    let http = http_client();
    let url = format!("{}/api/v4/mqtt/publish", broker.http_url());
    let body = json!({
        "topic": "api/one", "payload": "aGk=", "encoding": "base64", "qos": 1,
        "properties": {"content_type": "text/plain", "user_properties": {"from": "http"}}
    });
    curl(&http, Method::POST, &url, Some(&body.to_string()))
        .await
        .assert(StatusCode::OK, 0);
    let got = s5.next_publish().await;
    assert_eq!(&got.topic[..], b"api/one");
    assert_eq!(&got.payload[..], b"hi");
    let properties = got.properties.unwrap();
    assert_eq!(properties.content_type.as_deref(), Some("text/plain"));
    assert_eq!(properties.user_properties, [("from".into(), "http".into())]);
    let got4 = s4.next_publish().await;
    assert_eq!(
        (got4.topic.as_str(), &got4.payload[..]),
        ("api/one", &b"hi"[..])
    );

    let retained = json!({"topic": "api/kept", "payload": "stay", "retain": true, "qos": 1});
    curl(&http, Method::POST, &url, Some(&retained.to_string()))
        .await
        .assert(StatusCode::OK, 0);
    s5.next_publish().await;
    let (mut late, _) = connect5(options5(port, "late")).await;
    late.subscribe("api/kept", QoS5::AtLeastOnce).await;
    let kept = late.next_publish().await;
    assert!(kept.retain);
    assert_eq!(&kept.payload[..], b"stay");

    let batch = format!("{}/api/v4/mqtt/publish_batch", broker.http_url());
    let items = json!([{"topic": "api/b1", "payload": "1"}, {"topic": "api/#", "payload": "2"}]);
    let reply = curl(&http, Method::POST, &batch, Some(&items.to_string())).await;
    reply.assert(StatusCode::OK, 0);
    assert_eq!(
        reply.data(),
        json!([{"topic": "api/b1", "code": 0}, {"topic": "api/#", "code": 115}])
    );
    assert_eq!(&s5.next_publish().await.topic[..], b"api/b1");
}

#[tokio::test]
async fn configuration_round_trip_through_restart() {
    let broker = TestBroker::start(test_config()).await;
    let old_port = broker.mqtt_port();
    let b = broker.handle.broker.clone();
    // A persistent session with a subscription, away; a message queued for it; a retained one.
    let mut keeper_options = options4(old_port, "keeper");
    keeper_options.set_clean_session(false);
    let (mut keeper, _) = connect4(keeper_options).await;
    keeper.subscribe("keep/#", rumqttc::QoS::AtLeastOnce).await;
    keeper.disconnect().await;
    let session = b.session("keeper").unwrap();
    eventually("keeper offline", || !session.is_connected()).await;
    let http = http_client();
    let base = broker.http_url();
    let publish = format!("{base}/api/v4/mqtt/publish");
    for body in [
        r#"{"topic":"keep/queued","payload":"while away","qos":1}"#,
        r#"{"topic":"keep/r","payload":"retained","qos":1,"retain":true}"#,
    ] {
        curl(&http, Method::POST, &publish, Some(body))
            .await
            .assert(StatusCode::OK, 0);
    }
    assert_eq!(session.mailbox.len(), 2);

    // POST: saved and shown, not yet in force.
    let new_port = free_port();
    let config_url = format!("{base}/api/v4/configuration");
    let body = format!(r#"{{"data":{{"url":"nmq-tcp://127.0.0.1:{new_port}","msq_len":7}}}}"#);
    curl(&http, Method::POST, &config_url, Some(&body))
        .await
        .assert(StatusCode::OK, 0);
    let new_url = format!("nmq-tcp://127.0.0.1:{new_port}");
    assert_eq!(
        data(&http, &base, "/api/v4/configuration").await["url"],
        new_url
    );
    assert_eq!(broker.file_config().url, new_url);
    assert_eq!(broker.file_config().msq_len, 7);
    let running = data(&http, &base, "/api/v4/configuration?running=true").await;
    assert_eq!(running["url"], "nmq-tcp://127.0.0.1:0");
    assert_eq!(broker.mqtt_port(), old_port);
    // A bad POST changes nothing, on disk or in memory.
    let file_before = std::fs::read(&broker.path).unwrap();
    let bad = r#"{"data":{"url":"nmq-tcp://nowhere","msq_len":8}}"#;
    curl(&http, Method::POST, &config_url, Some(bad))
        .await
        .assert(StatusCode::BAD_REQUEST, 108);
    assert_eq!(std::fs::read(&broker.path).unwrap(), file_before);
    assert_eq!(
        data(&http, &base, "/api/v4/configuration").await["msq_len"],
        7
    );
    assert_eq!(b.config().msq_len, 64);

    // Restart: the MQTT port moves, sessions and retained messages stay.
    let ctrl = format!("{base}/api/v4/ctrl/restart");
    let reply = curl(&http, Method::POST, &ctrl, None).await;
    reply.assert(StatusCode::OK, 0);
    let mut handle = broker.handle;
    eventually("the restart", || {
        handle.addrs().is_some_and(|a| a.mqtt.port() == new_port)
    })
    .await;
    let addrs = within(handle.wait_running()).await.unwrap();
    assert_eq!(b.config().msq_len, 7);
    let base = format!("http://127.0.0.1:{}", addrs.http.unwrap().port());
    let kept = data(&http, &base, "/api/v4/clients/keeper").await;
    assert_eq!(kept[0]["conn_state"], "disconnected");
    assert_eq!(kept[0]["mqueue_len"], 2);
    assert_eq!(data(&http, &base, "/api/v4/metrics").await["retained"], 1);
    let mut keeper_options = options4(new_port, "keeper");
    keeper_options.set_clean_session(false);
    let (mut keeper, present) = connect4(keeper_options).await;
    assert!(present, "the persistent session survived the restart");
    let mut topics = vec![
        keeper.next_publish().await.topic,
        keeper.next_publish().await.topic,
    ];
    topics.sort();
    assert_eq!(topics, ["keep/queued", "keep/r"]);
    handle.stop().await;
}

#[tokio::test]
async fn ctrl_stop_answers_then_stops() {
    let broker = TestBroker::start(test_config()).await;
    let http = http_client();
    let base = broker.http_url();
    let reply = curl(
        &http,
        Method::POST,
        &format!("{base}/api/v4/ctrl/stop"),
        None,
    )
    .await;
    reply.assert(StatusCode::OK, 0);
    assert_eq!(reply.text, r#"{"code":0}"#);
    within(broker.handle.stopped()).await;
    let after = within(http.get(format!("{base}/api/v4/brokers")).send()).await;
    assert!(after.is_err(), "the HTTP API is closed");
}

#[tokio::test]
async fn the_api_can_be_disabled_and_a_busy_port_fails_the_start() {
    let mut config = test_config();
    config.http_server.enable = false;
    let handle = within(nanomq::start(config, None, Default::default()))
        .await
        .unwrap();
    assert_eq!(handle.addrs().unwrap().http, None);
    handle.stop().await;
    let busy = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let mut config = test_config();
    config.http_server.port = busy.local_addr().unwrap().port();
    let error = within(nanomq::start(config, None, Default::default()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StartError::Http(HttpSetupError::Bind { .. })),
        "{error}"
    );
}
