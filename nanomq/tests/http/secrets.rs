//! Secrets and access control through the API: no answer carries a password or a key, a
//! configuration sent back with its placeholders keeps its secrets, a configuration that could
//! not start is refused before it is written (and before a restart), failed logins are slowed
//! then refused, and `GET /acl/check` names the rule that decides.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use std::os::unix::fs::PermissionsExt;

use axum::http::{Method, StatusCode};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use http_support::{
    TestBroker, basic, get, get_data, http_client, post, request, send, test_config, within,
};
use serde_json::{Value, json};
use shared_types::config::{Config, UserCredential};

const SECRETS: [&str; 5] = [
    "user-SECRET-1",
    "api-SECRET-2",
    "bridge-SECRET-3",
    "tlspass-SECRET-4",
    "MIIkey-SECRET-5",
];

/// A configuration holding one of each kind of secret.
fn secret_config() -> Config {
    let mut config = test_config();
    config.users = vec![UserCredential {
        username: "alice".into(),
        password: SECRETS[0].into(),
    }];
    config.http_server.password = SECRETS[1].into();
    config.bridge.password = Some(SECRETS[2].into());
    config.tls.key_password = Some(SECRETS[3].into());
    config.tls.key = Some(format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        SECRETS[4]
    ));
    config
}

/// A request with the secret configuration's API credentials.
fn authed(
    method: Method,
    uri: &str,
    body: impl Into<axum::body::Body>,
) -> axum::http::Request<axum::body::Body> {
    let mut request = request(method, uri, body);
    request.headers_mut().insert(
        axum::http::header::AUTHORIZATION,
        basic("admin", SECRETS[1]).parse().unwrap(),
    );
    request
}

#[tokio::test]
async fn no_answer_carries_a_secret() {
    let broker = TestBroker::start(secret_config()).await;
    let app = broker.app();
    let index = send(&app, authed(Method::GET, "/api/v4", "")).await;
    index.assert(StatusCode::OK, 0);
    let mut uris = vec!["/api/v4/configuration?running=true".to_string()];
    for route in index.data().as_array().unwrap() {
        if route["method"] == "GET" {
            let path = route["path"].as_str().unwrap();
            let filled: Vec<&str> = path
                .split('/')
                .map(|s| if s.starts_with(':') { "alice" } else { s })
                .collect();
            uris.push(format!("/api/v4{}", filled.join("/")));
        }
    }
    assert!(uris.len() > 10, "{uris:?}");
    for uri in &uris {
        let reply = send(&app, authed(Method::GET, uri, "")).await;
        for secret in SECRETS {
            assert!(!reply.text.contains(secret), "{uri} shows {secret}");
        }
    }
    let shown = send(&app, authed(Method::GET, "/api/v4/configuration", "")).await;
    let data = shown.data();
    assert_eq!(data["users"][0]["password"], "******");
    assert_eq!(data["bridge"]["password"], "******");
    assert_eq!(data["tls"]["key"], "******");
}

#[tokio::test]
async fn a_configuration_sent_back_keeps_its_secrets_and_the_files_mode() {
    let broker = TestBroker::start(secret_config()).await;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&broker.path), 0o600, "a new file is the owner's only");
    std::fs::set_permissions(&broker.path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let app = broker.app();
    let mut shown = send(&app, authed(Method::GET, "/api/v4/configuration", ""))
        .await
        .data();
    shown["msq_len"] = json!(9);
    let body = json!({ "data": shown }).to_string();
    send(&app, authed(Method::POST, "/api/v4/configuration", body))
        .await
        .assert(StatusCode::OK, 0);
    let file = broker.file_config();
    let mut expected = secret_config();
    expected.msq_len = 9;
    assert_eq!(file, expected, "every secret kept");
    assert_eq!(mode(&broker.path), 0o640, "the file's mode kept");
    // A placeholder for a secret the broker does not have is refused, with the field named.
    let body = r#"{"data":{"users":[{"username":"bob","password":"******"}]}}"#;
    let reply = send(&app, authed(Method::POST, "/api/v4/configuration", body)).await;
    reply.assert(StatusCode::BAD_REQUEST, 108);
    assert!(reply.text.contains("users"), "{}", reply.text);
    assert_eq!(broker.file_config(), expected);
}

#[tokio::test]
async fn a_configuration_that_could_not_start_is_refused_and_not_written() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let before = std::fs::read(&broker.path).unwrap();
    let missing = broker.dir.path().join("no-such-passwd");
    let body = json!({"data": {"auth": {"password_file": missing}}}).to_string();
    let reply = send(&app, post("/api/v4/configuration", body)).await;
    reply.assert(StatusCode::BAD_REQUEST, 108);
    assert!(reply.text.contains("could not start"), "{}", reply.text);
    assert!(reply.text.contains("no-such-passwd"), "{}", reply.text);
    // A port some other program holds.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("nmq-tcp://127.0.0.1:{}", taken.local_addr().unwrap().port());
    let reply = send(
        &app,
        post(
            "/api/v4/configuration",
            json!({"data": {"url": url}}).to_string(),
        ),
    )
    .await;
    reply.assert(StatusCode::BAD_REQUEST, 108);
    assert!(reply.text.contains("could not start"), "{}", reply.text);
    assert_eq!(
        std::fs::read(&broker.path).unwrap(),
        before,
        "file untouched"
    );
    // The port the broker holds itself is fine.
    let own = format!("nmq-tcp://127.0.0.1:{}", broker.mqtt_port());
    send(
        &app,
        post(
            "/api/v4/configuration",
            json!({"data": {"url": own, "msq_len": 3}}).to_string(),
        ),
    )
    .await
    .assert(StatusCode::OK, 0);
    assert_eq!(broker.file_config().msq_len, 3);
}

#[tokio::test]
async fn a_restart_onto_a_file_that_could_not_start_is_refused() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    // The file edited by hand to name a password file that is not there.
    let mut edited = test_config();
    edited.auth.password_file = Some("/nonexistent/passwd".into());
    edited.msq_len = 4;
    nanomq::config::save_atomic(&broker.path, &edited).unwrap();
    for uri in ["/api/v4/ctrl/restart", "/api/v4/restart"] {
        let reply = send(&app, request(Method::POST, uri, "")).await;
        reply.assert(StatusCode::BAD_REQUEST, 102);
        assert!(reply.text.contains("/nonexistent/passwd"), "{}", reply.text);
    }
    assert!(broker.handle.addrs().is_some(), "still running");
    assert_eq!(
        broker.handle.broker.config().msq_len,
        64,
        "old configuration in force"
    );
    assert_eq!(
        get_data(&app, "/api/v4/brokers")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Over real HTTP (the throttle keys on the peer address): failures beyond the free ones are
/// spaced out, and when too many are queued the answer is 429 at once.
#[tokio::test]
async fn failed_api_logins_are_slowed_then_refused() {
    let broker = TestBroker::start(test_config()).await;
    let url = format!("{}/api/v4/brokers", broker.http_url());
    let client = http_client();
    let attempt = |user: &'static str, password: &'static str| {
        let request = client.get(&url).basic_auth(user, Some(password));
        async move { request.send().await.unwrap().status() }
    };
    for _ in 0..3 {
        assert_eq!(
            within(attempt("admin", "guess")).await,
            reqwest::StatusCode::UNAUTHORIZED
        );
    }
    // Over budget, a login is answered 429 at once, never held waiting for a turn (held, the
    // attempts of many addresses would take every API connection, the administrator's too).
    let mut queued: FuturesUnordered<_> = (0..60).map(|_| attempt("admin", "guess")).collect();
    let (mut answered_401, mut answered_429) = (0, 0);
    while let Some(status) = within(queued.next()).await {
        match status {
            reqwest::StatusCode::TOO_MANY_REQUESTS => answered_429 += 1,
            reqwest::StatusCode::UNAUTHORIZED => answered_401 += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(answered_401 <= 1, "{answered_401} tried, none should wait");
    assert_eq!(answered_429 + answered_401, 60);
    // Another address is not slowed by this one's failures.
    let elsewhere = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let status = within(
        elsewhere
            .get(&url)
            .basic_auth("admin", Some("public"))
            .send(),
    )
    .await
    .unwrap()
    .status();
    assert_eq!(status, reqwest::StatusCode::OK);
    drop(queued);
    broker.handle.stop().await;
}

#[tokio::test]
async fn acl_check_names_the_deciding_rule() {
    let mut config = test_config();
    config.auth.acl = serde_json::from_value(json!([
        {"permit": "deny", "action": "subscribe", "topics": ["secret/#"]},
        {"permit": "allow", "username": "alice", "topics": ["users/%u/#"]}
    ]))
    .unwrap();
    config.auth.no_match = shared_types::config::Permit::Deny;
    let broker = TestBroker::start(config).await;
    let app = broker.app();
    let check = |query: &str| {
        let app = app.clone();
        let uri = format!("/api/v4/acl/check?{query}");
        async move { send(&app, get(&uri)).await }
    };
    let allowed = check("username=alice&action=publish&topic=users/alice/x").await;
    allowed.assert(StatusCode::OK, 0);
    assert_eq!(allowed.data()["permit"], "allow");
    assert_eq!(allowed.data()["rule"], 1);
    let denied = check("username=alice&action=subscribe&topic=secret/%23").await;
    assert_eq!(denied.data()["permit"], "deny");
    assert_eq!(denied.data()["rule"], 0);
    let nobody = check("username=bob&action=publish&topic=users/alice/x").await;
    assert_eq!(nobody.data()["permit"], "deny");
    assert_eq!(nobody.data()["rule"], Value::Null);
    assert!(
        nobody.data()["reason"]
            .as_str()
            .unwrap()
            .contains("no_match")
    );
    check("action=publish")
        .await
        .assert(StatusCode::BAD_REQUEST, 107);
    check("action=pubsub&topic=a")
        .await
        .assert(StatusCode::BAD_REQUEST, 108);
    check("action=publish&topic=a&ip=nope")
        .await
        .assert(StatusCode::BAD_REQUEST, 108);
}

/// Users and rules edited in the files are taken up by `ctrl/restart`; sessions stay.
#[tokio::test]
async fn users_and_rules_reload_with_a_restart_and_sessions_stay() {
    use crate::support::raw::{RawClient, connect_packet};
    use nanomq::codec::{ProtocolVersion, QoS, ReasonCode};

    let passwd = |dir: &std::path::Path, lines: &str| {
        let path = dir.join("passwd");
        std::fs::write(&path, lines).unwrap();
        path
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config();
    config.allow_anonymous = false;
    config.auth.password_file = Some(passwd(dir.path(), "alice:pw\n").display().to_string());
    config.auth.acl_file = Some(dir.path().join("acl.toml").display().to_string());
    std::fs::write(
        dir.path().join("acl.toml"),
        "[[acl]]\npermit = \"deny\"\ntopics = [\"x/#\"]\n",
    )
    .unwrap();
    let mut broker = TestBroker::start(config.clone()).await;
    let login = |id: &str, user: &str, clean: bool| {
        let mut connect = connect_packet(ProtocolVersion::V5, id, clean, 60);
        connect.username = Some(user.into());
        connect.password = Some(b"pw".to_vec().into());
        connect.properties.session_expiry_interval = Some(300);
        connect
    };
    let addr =
        |broker: &TestBroker| std::net::SocketAddr::from(([127, 0, 0, 1], broker.mqtt_port()));
    let mut alice = RawClient::connect(addr(&broker), ProtocolVersion::V5).await;
    let ack = alice.handshake(login("keeper", "alice", false)).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    assert_eq!(
        alice.subscribe("x/1", QoS::AtLeastOnce).await,
        [ReasonCode::NOT_AUTHORIZED]
    );
    assert_eq!(
        alice.subscribe("y/1", QoS::AtLeastOnce).await,
        [ReasonCode(1)]
    );
    let mut bob = RawClient::connect(addr(&broker), ProtocolVersion::V5).await;
    let refused = bob.handshake(login("b", "bob", true)).await;
    assert_eq!(refused.code, ReasonCode::BAD_USERNAME_OR_PASSWORD);

    // Edit both files, restart.
    passwd(dir.path(), "alice:pw\nbob:pw\n");
    std::fs::write(
        dir.path().join("acl.toml"),
        "[[acl]]\npermit = \"deny\"\ntopics = [\"z/#\"]\n",
    )
    .unwrap();
    // And a visible change, to see the restart through.
    config.msq_len = 7;
    nanomq::config::save_atomic(&broker.path, &config).unwrap();
    let app = broker.app();
    send(&app, request(Method::POST, "/api/v4/ctrl/restart", ""))
        .await
        .assert(StatusCode::OK, 0);
    within(alice.until_closed()).await;
    let b = broker.handle.broker.clone();
    http_support::eventually("the restart", || b.config().msq_len == 7).await;
    within(broker.handle.wait_running()).await.unwrap();
    // The session survived: alice comes back to it; the new rules and users are in force.
    let mut alice = RawClient::connect(addr(&broker), ProtocolVersion::V5).await;
    let ack = alice.handshake(login("keeper", "alice", false)).await;
    assert!(ack.session_present, "{ack:?}");
    assert_eq!(
        alice.subscribe("x/1", QoS::AtLeastOnce).await,
        [ReasonCode(1)]
    );
    let mut bob = RawClient::connect(addr(&broker), ProtocolVersion::V5).await;
    assert_eq!(
        bob.handshake(login("b", "bob", true)).await.code,
        ReasonCode::SUCCESS
    );
}
