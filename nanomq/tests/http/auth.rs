//! Authentication (API.md §2), checked before routing on every route: the Basic matrix, JWT
//! with RS256 and ES256 keys made here (no key is committed), `no_auth`, and
//! `prometheus_no_auth`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http_support::{Reply, TestBroker, basic, send, test_config, within};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use nanomq::server::StartError;
use serde_json::{Value, json};
use shared_types::config::{AuthType, Config};

fn with_auth(uri: &str, authorization: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder().method(Method::GET).uri(uri);
    if let Some(value) = authorization {
        builder = builder.header(header::AUTHORIZATION, value);
    }
    builder.body(Body::empty()).unwrap()
}

async fn call(app: &Router, uri: &str, authorization: Option<&str>) -> Reply {
    send(app, with_auth(uri, authorization)).await
}

#[track_caller]
fn assert_401(reply: &Reply, code: u64, scheme: &str) {
    reply.assert(StatusCode::UNAUTHORIZED, code);
    let challenge = reply.headers[header::WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with(scheme), "{challenge}");
}

#[tokio::test]
async fn basic_auth_matrix() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let encoded = |text: &str| format!("Basic {}", STANDARD.encode(text));
    for (authorization, code) in [
        (None, 104),
        (Some("Bearer abc".to_string()), 104),
        (Some("Digest username=admin".to_string()), 104),
        (Some("Basic".to_string()), 104),
        (Some(encoded(":public")), 104),
        (Some(encoded("admin:")), 104),
        (Some(encoded("admin")), 104),
        (Some(encoded(":")), 104),
        (Some(basic("admin", "wrong")), 103),
        (Some(basic("root", "public")), 103),
        (Some(basic("admin", "public ")), 103),
        (Some(basic("ADMIN", "public")), 103),
        (Some("Basic !!!not-base64".to_string()), 108),
        (
            Some(format!("Basic {}", STANDARD.encode([0xff, b':', 0xfe]))),
            108,
        ),
    ] {
        let reply = call(&app, "/api/v4/brokers", authorization.as_deref()).await;
        assert_401(&reply, code, "Basic");
    }
    for accepted in [
        basic("admin", "public"),
        format!("basic {}", STANDARD.encode("admin:public")),
        format!("BASIC  {}", STANDARD.encode("admin:public")),
    ] {
        let reply = call(&app, "/api/v4/brokers", Some(&accepted)).await;
        reply.assert(StatusCode::OK, 0);
    }
}

#[tokio::test]
async fn authentication_comes_before_routing() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    for uri in [
        "/api/v1/clients",
        "/nosuch",
        "/api/v4/ctrl/stop",
        "/api/v4/prometheus",
    ] {
        assert_401(&call(&app, uri, None).await, 104, "Basic");
    }
    let wrong_method = Request::builder()
        .method(Method::DELETE)
        .uri("/api/v4/brokers")
        .body(Body::empty())
        .unwrap();
    assert_401(&send(&app, wrong_method).await, 104, "Basic");
    let unauthenticated_post = Request::builder()
        .method(Method::POST)
        .uri("/api/v4/configuration")
        .body(Body::from(r#"{"data":{"msq_len":5}}"#))
        .unwrap();
    assert_401(&send(&app, unauthenticated_post).await, 104, "Basic");
    assert_eq!(broker.file_config().msq_len, 64, "nothing was written");
}

#[tokio::test]
async fn basic_credentials_come_from_the_configuration() {
    let mut config = test_config();
    config.http_server.username = "ops".into();
    config.http_server.password = "s3cr:et".into();
    let broker = TestBroker::start(config).await;
    let app = broker.app();
    assert_401(
        &call(&app, "/api/v4", Some(&basic("admin", "public"))).await,
        103,
        "Basic",
    );
    let reply = call(&app, "/api/v4", Some(&basic("ops", "s3cr:et"))).await;
    reply.assert(StatusCode::OK, 0);
}

#[tokio::test]
async fn no_auth_lets_everything_through() {
    let mut config = test_config();
    config.http_server.auth_type = AuthType::NoAuth;
    let broker = TestBroker::start(config).await;
    let app = broker.app();
    call(&app, "/api/v4/clients", None)
        .await
        .assert(StatusCode::OK, 0);
    call(&app, "/api/v4/clients", Some("Basic garbage"))
        .await
        .assert(StatusCode::OK, 0);
}

#[tokio::test]
async fn prometheus_may_be_served_without_auth() {
    let mut config = test_config();
    config.http_server.prometheus_no_auth = true;
    let broker = TestBroker::start(config).await;
    let app = broker.app();
    for uri in ["/api/v4/prometheus", "/api/v4/prometheus/"] {
        let reply = call(&app, uri, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert!(reply.text.contains("nanomq_connections "));
    }
    assert_401(&call(&app, "/api/v4/metrics", None).await, 104, "Basic");
    assert_401(
        &call(&app, "/api/v4/prometheus/x", None).await,
        104,
        "Basic",
    );
}

/// A key pair: PKCS#8 private key PEM (for signing here) and SPKI public key PEM.
struct KeyPair {
    private: String,
    public: String,
}

/// A 1024-bit RSA pair: big enough for RS256, and generated in about a second by an
/// unoptimised test build, where 2048 bits take several.
fn rsa_pair() -> KeyPair {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
    let public = rsa::RsaPublicKey::from(&private);
    KeyPair {
        private: private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public: public.to_public_key_pem(LineEnding::LF).unwrap(),
    }
}

fn ec_pair() -> KeyPair {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    KeyPair {
        private: pair.serialize_pem(),
        public: pair.public_key_pem(),
    }
}

fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

fn sign(algorithm: Algorithm, private_pem: &str, claims: &Value) -> String {
    let key = match algorithm {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(private_pem.as_bytes()).unwrap(),
        Algorithm::ES256 => EncodingKey::from_ec_pem(private_pem.as_bytes()).unwrap(),
        Algorithm::HS256 => EncodingKey::from_secret(private_pem.as_bytes()),
        other => panic!("no test key for {other:?}"),
    };
    jsonwebtoken::encode(&Header::new(algorithm), claims, &key).unwrap()
}

/// A broker whose HTTP API takes JWTs verified with `public_pem`, saved as `nanomq.pub`.
async fn jwt_broker(public_pem: &str, issuer: Option<&str>) -> (TestBroker, Router) {
    let mut config = test_config();
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("nanomq.pub");
    std::fs::write(&key_path, public_pem).unwrap();
    config.http_server.auth_type = AuthType::Jwt;
    config.http_server.jwt.public_keyfile = Some(key_path.display().to_string());
    config.http_server.jwt.issuer = issuer.map(str::to_string);
    let path = dir.path().join("nanomq.conf");
    nanomq::config::save_atomic(&path, &config).unwrap();
    let broker = TestBroker::start_on(config, dir, path).await;
    let app = broker.app();
    (broker, app)
}

async fn bearer(app: &Router, token: &str) -> Reply {
    call(app, "/api/v4/brokers", Some(&format!("Bearer {token}"))).await
}

async fn jwt_matrix(algorithm: Algorithm, pair: &KeyPair, other: &KeyPair) {
    let (_broker, app) = jwt_broker(&pair.public, Some("ops-team")).await;
    let now = unix_now();
    let valid = json!({"iss": "nanomq.pub", "iat": now, "exp": now + 600});
    bearer(&app, &sign(algorithm, &pair.private, &valid))
        .await
        .assert(StatusCode::OK, 0);
    // NanoMQ's documented tokens carry the times as strings.
    let as_strings =
        json!({"iss": "nanomq.pub", "iat": now.to_string(), "exp": (now + 600).to_string()});
    bearer(&app, &sign(algorithm, &pair.private, &as_strings))
        .await
        .assert(StatusCode::OK, 0);
    let started = json!({"iss": "nanomq.pub", "nbf": now - 10, "exp": now + 600});
    bearer(&app, &sign(algorithm, &pair.private, &started))
        .await
        .assert(StatusCode::OK, 0);
    let configured_issuer = json!({"iss": "ops-team", "exp": now + 600});
    bearer(&app, &sign(algorithm, &pair.private, &configured_issuer))
        .await
        .assert(StatusCode::OK, 0);
    let lowercase = format!("bearer {}", sign(algorithm, &pair.private, &valid));
    call(&app, "/api/v4/brokers", Some(&lowercase))
        .await
        .assert(StatusCode::OK, 0);

    let expired = json!({"iss": "nanomq.pub", "exp": now - 3600});
    assert_401(
        &bearer(&app, &sign(algorithm, &pair.private, &expired)).await,
        116,
        "Bearer",
    );
    let rejected = [
        sign(algorithm, &other.private, &valid),
        sign(Algorithm::HS256, &pair.public, &valid),
        none_token(&valid),
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "someone", "exp": now + 600}),
        ),
        sign(algorithm, &pair.private, &json!({"exp": now + 600})),
        sign(algorithm, &pair.private, &json!({"iss": "nanomq.pub"})),
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "exp": "soon"}),
        ),
        // Absurd expiries: never-expiring tokens in disguise.
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "exp": 1e300}),
        ),
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "exp": "18446744073709551615"}),
        ),
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "exp": "1e300"}),
        ),
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "exp": now + 20 * 366 * 86_400}),
        ),
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "exp": -1}),
        ),
        tampered(&sign(algorithm, &pair.private, &valid)),
        // Not valid before an hour from now (nbf), or an nbf that is no time.
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "nbf": now + 3600, "exp": now + 7200}),
        ),
        sign(
            algorithm,
            &pair.private,
            &json!({"iss": "nanomq.pub", "nbf": "later", "exp": now + 600}),
        ),
        "not-a-jwt".to_string(),
        "a.b.c".to_string(),
    ];
    for token in rejected {
        assert_401(&bearer(&app, &token).await, 103, "Bearer");
    }
    // The reason in words, not the JWT library's error names.
    let garbage = bearer(&app, "not-a-jwt").await;
    assert!(
        garbage.text.contains("not a JSON Web Token") && !garbage.text.contains("InvalidToken"),
        "{}",
        garbage.text
    );
    let forged = bearer(&app, &sign(algorithm, &other.private, &valid)).await;
    assert!(forged.text.contains("signature"), "{}", forged.text);
    for missing in [
        None,
        Some("Bearer"),
        Some("Bearer   "),
        Some(basic("admin", "public").as_str()),
    ] {
        assert_401(&call(&app, "/api/v4/brokers", missing).await, 104, "Bearer");
    }
}

/// An unsigned token (`alg: none`).
fn none_token(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// The token with its claims replaced by others granting a later expiry.
fn tampered(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let claims = json!({"iss": "nanomq.pub", "exp": unix_now() + 99_999});
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

#[tokio::test]
async fn jwt_rs256() {
    jwt_matrix(Algorithm::RS256, &rsa_pair(), &rsa_pair()).await;
}

#[tokio::test]
async fn jwt_es256() {
    jwt_matrix(Algorithm::ES256, &ec_pair(), &ec_pair()).await;
}

#[tokio::test]
async fn an_unusable_jwt_key_stops_the_start() {
    let mut config = test_config();
    config.http_server.auth_type = AuthType::Jwt;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.pub");
    config.http_server.jwt.public_keyfile = Some(missing.display().to_string());
    let error = within(nanomq::start(config.clone(), None, Default::default()))
        .await
        .unwrap_err();
    assert!(matches!(error, StartError::Http(_)), "{error}");
    let garbage = dir.path().join("garbage.pub");
    std::fs::write(&garbage, "not a key").unwrap();
    config.http_server.jwt.public_keyfile = Some(garbage.display().to_string());
    let error = within(nanomq::start(config, None, Default::default()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("garbage.pub"), "{error}");
}

/// The default configuration has Basic auth with admin/public (a check on the fixture).
#[test]
fn default_credentials_are_admin_public() {
    let http = Config::default().http_server;
    assert_eq!(
        (http.username.as_str(), http.password.as_str()),
        ("admin", "public")
    );
    assert_eq!(http.auth_type, AuthType::Basic);
}
