//! `GET`/`POST /configuration` (API.md §5) and `ctrl` (§3), driven with `oneshot` against a
//! broker started from a configuration file in a temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use http_support::document::{CONFIG_GET_EXAMPLE, CONFIG_POST_EXAMPLE};
use http_support::{
    TestBroker, eventually, get, get_data, post, request, send, test_config, within,
};
use serde_json::{Value, json};
use shared_types::config::Config;

/// Asserts that `actual` has every key of `expected`, recursively, with a value of the same
/// JSON type (the document's values are examples, its keys and types are the contract).
fn assert_same_shape(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let found = have
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} missing from {actual}"));
                assert_same_shape(value, found, &format!("{path}.{key}"));
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            if let (Some(want), Some(have)) = (want.first(), have.first()) {
                assert_same_shape(want, have, &format!("{path}[0]"));
            }
        }
        (Value::Null, _) | (Value::String(_), Value::Null) => {}
        (want, have) => assert_eq!(
            std::mem::discriminant(want),
            std::mem::discriminant(have),
            "type of {path}: {want} vs {have}"
        ),
    }
}

#[tokio::test]
async fn get_shows_the_saved_configuration_and_running_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nanomq.conf");
    let saved = Config {
        msq_len: 10,
        ..test_config()
    };
    nanomq::config::save_atomic(&path, &saved).unwrap();
    // Started with different values, as command-line overrides would make them.
    let running = Config {
        msq_len: 20,
        ..test_config()
    };
    let broker = TestBroker::start_on(running.clone(), dir, path).await;
    let app = broker.app();
    let shown = get_data(&app, "/api/v4/configuration").await;
    assert_eq!(shown, serde_json::to_value(saved.redacted()).unwrap());
    let example: Value = serde_json::from_str(CONFIG_GET_EXAMPLE).unwrap();
    assert_same_shape(&example["data"], &shown, "data");
    let now = get_data(&app, "/api/v4/configuration?running=true").await;
    assert_eq!(now, serde_json::to_value(running.redacted()).unwrap());
    for query in ["running=yes", "foo=1"] {
        send(&app, get(&format!("/api/v4/configuration?{query}")))
            .await
            .assert(StatusCode::BAD_REQUEST, 108);
    }
}

#[tokio::test]
async fn a_partial_post_is_merged_written_and_shown() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let body =
        r#"{"data":{"msq_len":5,"bridge":{"forwards":["x/#"]},"http_server":{"password":"new"}}}"#;
    send(&app, post("/api/v4/configuration", body))
        .await
        .assert(StatusCode::OK, 0);
    let mut expected = test_config();
    expected.msq_len = 5;
    expected.bridge.forwards = vec!["x/#".to_string()];
    expected.http_server.password = "new".to_string();
    assert_eq!(broker.file_config(), expected);
    let shown = get_data(&app, "/api/v4/configuration/").await;
    assert_eq!(shown, serde_json::to_value(expected.redacted()).unwrap());
    assert_eq!(shown["http_server"]["password"], "******");
    // Not in force before a restart.
    assert_eq!(broker.handle.broker.config().msq_len, 64);
    get_data(&app, "/api/v4/brokers").await;
    // A second POST merges over the first.
    send(
        &app,
        post("/api/v4/configuration", r#"{"data":{"parallel":7}}"#),
    )
    .await
    .assert(StatusCode::OK, 0);
    expected.parallel = 7;
    assert_eq!(broker.file_config(), expected);
}

#[tokio::test]
async fn sections_shown_and_set_one_at_a_time_as_nanomq_does() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let basic = get_data(&app, "/api/v4/configuration/basic").await;
    assert_eq!(basic["basic"]["msq_len"], 64, "{basic}");
    assert!(
        basic["basic"].get("tls").is_none(),
        "tables are sections of their own"
    );
    let http = get_data(&app, "/api/v4/configuration/http_server").await;
    assert_eq!(
        http["http_server"]["password"], "******",
        "secrets stay inside"
    );
    assert_eq!(http.as_object().unwrap().len(), 1);

    // NanoMQ's body shape, and the fields directly.
    send(
        &app,
        post(
            "/api/v4/configuration/log",
            r#"{"data":{"log":{"level":"debug"}}}"#,
        ),
    )
    .await
    .assert(StatusCode::OK, 0);
    send(
        &app,
        post("/api/v4/configuration/basic", r#"{"data":{"msq_len":9}}"#),
    )
    .await
    .assert(StatusCode::OK, 0);
    let mut expected = test_config();
    expected.log.level = shared_types::config::LogLevel::Debug;
    expected.msq_len = 9;
    assert_eq!(broker.file_config(), expected);
    let log = get_data(&app, "/api/v4/configuration/log").await;
    assert_eq!(log["log"]["level"], "debug");

    // A setting of another section, an unknown section, a bad value: refused, nothing changed.
    send(
        &app,
        post("/api/v4/configuration/log", r#"{"data":{"msq_len":1}}"#),
    )
    .await
    .assert(StatusCode::BAD_REQUEST, 108);
    send(&app, get("/api/v4/configuration/webhook"))
        .await
        .assert(StatusCode::NOT_FOUND, 101);
    send(
        &app,
        post("/api/v4/configuration/basic", r#"{"data":{"msq_len":"x"}}"#),
    )
    .await
    .assert(StatusCode::BAD_REQUEST, 108);
    assert_eq!(broker.file_config(), expected);
    broker.handle.stop().await;
}

#[tokio::test]
async fn the_documents_post_example_succeeds_verbatim() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let reply = send(&app, post("/api/v4/configuration", CONFIG_POST_EXAMPLE)).await;
    reply.assert(StatusCode::OK, 0);
    assert_eq!(reply.text, r#"{"code":0}"#);
    let posted: Value = serde_json::from_str(CONFIG_POST_EXAMPLE).unwrap();
    let shown = get_data(&app, "/api/v4/configuration").await;
    assert_same_shape(&posted["data"], &shown, "data");
    for (pointer, value) in [
        ("/num_taskq_thread", json!(8)),
        ("/tls/url", json!("nmq-tls://0.0.0.0:8883")),
        ("/bridge/address", json!("127.0.0.1:1883")),
        ("/bridge/username", json!("user")),
        ("/bridge/parallel", json!(1)),
        (
            "/bridge/subscription",
            json!([{"topic": "cmd/topic1", "qos": 1}]),
        ),
        ("/http_server/port", json!(8081)),
    ] {
        assert_eq!(shown.pointer(pointer), Some(&value), "{pointer}");
    }
    let file = broker.file_config();
    assert_eq!(file.num_taskq_thread, 8);
    assert_eq!(file.bridge.clientid.as_deref(), Some("bridge_client"));
}

#[tokio::test]
async fn a_bad_post_changes_nothing() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    send(
        &app,
        post("/api/v4/configuration", r#"{"data":{"msq_len":9}}"#),
    )
    .await
    .assert(StatusCode::OK, 0);
    let file_before = std::fs::read(&broker.path).unwrap();
    let shown_before = get_data(&app, "/api/v4/configuration").await;
    for (body, code, names) in [
        (
            r#"{"data":{"bridge":{"bridge_mode":true,"proto_ver":9}}}"#,
            108,
            "bridge.proto_ver",
        ),
        (r#"{"data":{"msq_len":"x"}}"#, 108, "msq_len"),
        (r#"{"data":{"msq_len":0}}"#, 108, "msq_len"),
        (r#"{"data":{"nosuch":1}}"#, 108, "nosuch"),
        (r#"{"data":{"url":"http://0.0.0.0:1"}}"#, 108, "url"),
        (
            r#"{"data":{"http_server":{"auth_type":"jwt"}}}"#,
            108,
            "http_server.jwt.public_keyfile",
        ),
        (
            r#"{"data":{"http_server":{"port":70000}}}"#,
            108,
            "http_server.port",
        ),
        (r#"{"data":5}"#, 108, ""),
        (r#"{"data":[{"msq_len":1}]}"#, 108, ""),
        (r#"[{"msq_len":1}]"#, 108, ""),
        (r#"{"dat":{"msq_len":1}}"#, 108, "dat"),
        (r#"{}"#, 107, ""),
        (r#"{"data":null}"#, 107, ""),
        ("nope", 109, ""),
        ("", 109, ""),
        (r#"{"data":{"msq_len":1}"#, 109, ""),
    ] {
        let reply = send(&app, post("/api/v4/configuration", body)).await;
        reply.assert(StatusCode::BAD_REQUEST, code);
        let message = reply.json()["message"].as_str().unwrap().to_string();
        assert!(message.contains(names), "{body}: {message}");
    }
    assert_eq!(std::fs::read(&broker.path).unwrap(), file_before);
    assert_eq!(get_data(&app, "/api/v4/configuration").await, shown_before);
    assert_eq!(*broker.handle.broker.config(), test_config());
}

#[tokio::test]
async fn without_a_file_post_is_500_118() {
    let handle = within(nanomq::start(test_config(), None, Default::default()))
        .await
        .unwrap();
    let app = http_support::app_with(&handle, Default::default());
    let reply = send(
        &app,
        post("/api/v4/configuration", r#"{"data":{"msq_len":3}}"#),
    )
    .await;
    reply.assert(StatusCode::INTERNAL_SERVER_ERROR, 118);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("without a configuration file"),
        "{message}"
    );
    let shown = get_data(&app, "/api/v4/configuration").await;
    assert_eq!(shown["msq_len"], 64);
    handle.stop().await;
}

#[tokio::test]
async fn a_failed_write_is_500_118_and_changes_nothing() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    // The atomic write's temporary file cannot be created: a directory holds its name.
    let tmp = broker
        .path
        .with_file_name(format!(".nanomq.conf.tmp{}", std::process::id()));
    std::fs::create_dir(&tmp).unwrap();
    let before = std::fs::read(&broker.path).unwrap();
    let reply = send(
        &app,
        post("/api/v4/configuration", r#"{"data":{"msq_len":3}}"#),
    )
    .await;
    reply.assert(StatusCode::INTERNAL_SERVER_ERROR, 118);
    assert_eq!(get_data(&app, "/api/v4/configuration").await["msq_len"], 64);
    assert_eq!(std::fs::read(&broker.path).unwrap(), before);
}

#[tokio::test]
async fn concurrent_posts_lose_nothing() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let bodies = [
        r#"{"data":{"msq_len":11}}"#,
        r#"{"data":{"parallel":12}}"#,
        r#"{"data":{"property_size":13}}"#,
        r#"{"data":{"qos_duration":14}}"#,
        r#"{"data":{"bridge":{"keepalive":15}}}"#,
    ];
    let posts = bodies.map(|body| {
        let app = app.clone();
        tokio::spawn(async move { send(&app, post("/api/v4/configuration", body)).await })
    });
    for post in posts {
        within(post).await.unwrap().assert(StatusCode::OK, 0);
    }
    let file = broker.file_config();
    assert_eq!(
        (
            file.msq_len,
            file.parallel,
            file.property_size,
            file.qos_duration
        ),
        (11, 12, 13, 14)
    );
    assert_eq!(file.bridge.keepalive, 15);
}

#[tokio::test]
async fn ctrl_rejects_unknown_actions() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    for action in ["foo", "STOP", "reload"] {
        let reply = send(&app, post(&format!("/api/v4/ctrl/{action}"), "")).await;
        reply.assert(StatusCode::NOT_FOUND, 108);
    }
    send(&app, post("/api/v4/ctrl/", ""))
        .await
        .assert(StatusCode::NOT_FOUND, 102);
    send(&app, get("/api/v4/ctrl/restart"))
        .await
        .assert(StatusCode::METHOD_NOT_ALLOWED, 102);
    assert!(broker.handle.addrs().is_some(), "still running");
}

#[tokio::test]
async fn ctrl_restart_applies_the_saved_configuration() {
    for (uri, msq_len) in [("/api/v4/ctrl/restart", 5), ("/api/v4/restart", 6)] {
        let mut broker = TestBroker::start(test_config()).await;
        let app = broker.app();
        let body = format!(r#"{{"data":{{"msq_len":{msq_len}}}}}"#);
        send(&app, post("/api/v4/configuration", body))
            .await
            .assert(StatusCode::OK, 0);
        let reply = send(&app, request(Method::POST, uri, Body::empty())).await;
        reply.assert(StatusCode::OK, 0);
        assert_eq!(reply.text, r#"{"code":0}"#);
        let b = broker.handle.broker.clone();
        eventually("the restart", || b.config().msq_len == msq_len).await;
        within(broker.handle.wait_running()).await.unwrap();
        broker.handle.stop().await;
    }
}

#[tokio::test]
async fn ctrl_stop_and_its_alias_stop_the_broker() {
    for uri in ["/api/v4/ctrl/stop", "/api/v4/stop/"] {
        let broker = TestBroker::start(test_config()).await;
        let app = broker.app();
        let reply = send(&app, request(Method::POST, uri, Body::empty())).await;
        reply.assert(StatusCode::OK, 0);
        within(broker.handle.stopped()).await;
    }
}

/// Paths a POST may set are checked like the rest: writes stay under the broker's own
/// directories, a store directory must be usable now, a file that is not a password or ACL
/// file is refused without quoting it, and nothing is written on a refusal.
#[tokio::test]
async fn paths_the_api_may_set_are_checked_and_never_quoted() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let file_before = std::fs::read(&broker.path).unwrap();
    let not_a_dir = broker.path.display().to_string();
    let cases = [
        (json!({"log": {"dir": "/etc"}}), "log.dir"),
        (json!({"log": {"dir": "logs/../../../etc"}}), "log.dir"),
        (json!({"log": {"file": "../../etc/cron.d/x"}}), "log.file"),
        (
            json!({"persistence": {"dir": "/var/tmp/elsewhere"}}),
            "persistence.dir",
        ),
        (
            json!({"persistence": {"dir": format!("{not_a_dir}/store")}}),
            "persistence.dir",
        ),
        (
            json!({"auth": {"password_file": "/etc/passwd"}}),
            "password file",
        ),
        (json!({"auth": {"acl_file": "/etc/passwd"}}), "acl_file"),
    ];
    for (data, names) in cases {
        let body = json!({ "data": data }).to_string();
        let reply = send(&app, post("/api/v4/configuration", body.clone())).await;
        reply.assert(StatusCode::BAD_REQUEST, 108);
        let message = reply.json()["message"].as_str().unwrap().to_string();
        assert!(message.contains(names), "{body}: {message}");
        assert!(
            !message.contains("/bin/"),
            "{body} quotes the file: {message}"
        );
    }
    assert_eq!(std::fs::read(&broker.path).unwrap(), file_before);
    // Under the configuration's own directory, it is fine.
    let dir = broker
        .path
        .parent()
        .unwrap()
        .join("logs2")
        .display()
        .to_string();
    let body = json!({"data": {"log": {"dir": dir, "file": "broker.log"}}}).to_string();
    send(&app, post("/api/v4/configuration", body.clone()))
        .await
        .assert(StatusCode::OK, 0);
}

/// A POST that would open the broker without saying so is refused like a reload.
#[tokio::test]
async fn a_post_that_would_drop_every_rule_is_refused() {
    let mut config = test_config();
    config.auth.acl =
        serde_json::from_value(json!([{"permit": "allow", "username": "a"}])).unwrap();
    let broker = TestBroker::start(config).await;
    let app = broker.app();
    let empty_acl = broker.path.parent().unwrap().join("empty.acl");
    std::fs::write(&empty_acl, "").unwrap();
    let body = json!({"data": {"auth": {"acl": [], "acl_file": empty_acl}}}).to_string();
    let reply = send(&app, post("/api/v4/configuration", body)).await;
    reply.assert(StatusCode::BAD_REQUEST, 108);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("every access rule"), "{message}");
    // Said as the guard asks, it is what the operator means.
    let body = json!({"data": {"auth": {"acl": []}}}).to_string();
    send(&app, post("/api/v4/configuration", body))
        .await
        .assert(StatusCode::OK, 0);
}

/// A reload onto a file that is gone says so (400/102), not "not parseable".
#[tokio::test]
async fn a_reload_onto_a_missing_file_says_it_is_missing() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    std::fs::remove_file(&broker.path).unwrap();
    let reply = send(&app, post("/api/v4/reload", "{}")).await;
    reply.assert(StatusCode::BAD_REQUEST, 102);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("No such file"), "{message}");
}
