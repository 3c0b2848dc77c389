//! The HTTP API's request handling on arbitrary requests: method, path, query string, headers
//! and body go through the whole router (authentication, the JSON, query and path extractors,
//! every handler) of a running broker. It must never panic, and every answer must be JSON
//! (Prometheus excepted) with a status the API documents.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use nanomq::BrokerHandle;
use nanomq::http::{AppState, router};
use tower::ServiceExt;

#[derive(Debug, Arbitrary)]
struct Input {
    method: u8,
    path: String,
    authorized: bool,
    content_type: Option<String>,
    body: Vec<u8>,
}

const PATHS: [&str; 12] = [
    "/api/v4/clients",
    "/api/v4/clients/",
    "/api/v4/clients/username/",
    "/api/v4/subscriptions",
    "/api/v4/subscriptions/",
    "/api/v4/topic-tree",
    "/api/v4/configuration",
    "/api/v4/mqtt/publish",
    "/api/v4/mqtt/publish_batch",
    "/api/v4/metrics",
    "/api/v4/brokers",
    "/api/v4/",
];

/// A running broker (its configuration in a directory of its own, which `POST
/// /configuration` rewrites) and the API's router on it.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    app: Router,
    _handle: BrokerHandle,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let dir = std::env::temp_dir().join(format!("nanomq-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("nanomq.conf");
        let mut config = shared_types::config::Config {
            url: "nmq-tcp://127.0.0.1:0".into(),
            ..Default::default()
        };
        config.websocket.enable = false;
        config.http_server.enable = false;
        config.persistence.enable = false;
        nanomq::config::save_atomic(&path, &config).expect("config file");
        let handle = runtime
            .block_on(nanomq::start(config, Some(path), Default::default()))
            .expect("broker starts");
        let state = AppState::new(handle.broker.clone(), handle.control()).expect("state");
        Fixture {
            app: router(state),
            runtime,
            _handle: handle,
        }
    })
}

fuzz_target!(|input: Input| {
    // Stopping or restarting the broker is not request handling: keep it running.
    if input.path.contains("ctrl") || input.path.contains("stop") || input.path.contains("restart")
    {
        return;
    }
    let method = match input.method % 6 {
        0 => Method::GET,
        1 => Method::POST,
        2 => Method::DELETE,
        3 => Method::PUT,
        4 => Method::PATCH,
        _ => Method::HEAD,
    };
    let prefix = PATHS[usize::from(input.method / 6) % PATHS.len()];
    let uri = format!("{prefix}{}", input.path);
    let mut builder = Request::builder().method(method).uri(uri.as_str());
    if input.authorized {
        builder = builder.header(header::AUTHORIZATION, "Basic YWRtaW46cHVibGlj");
    }
    if let Some(content_type) = &input.content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type.as_str());
    }
    let Ok(request) = builder.body(Body::from(input.body)) else {
        return;
    };
    let fixture = fixture();
    fixture.runtime.block_on(async {
        let response = fixture
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status().as_u16();
        assert!(
            matches!(status, 200 | 400 | 401 | 404 | 405 | 408 | 413 | 500),
            "undocumented status {status} for {uri}"
        );
        assert_ne!(status, 500, "internal error for {uri}");
        let is_prometheus = uri.starts_with("/api/v4/prometheus");
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == b"application/json");
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        if !is_prometheus && !body.is_empty() {
            assert!(json, "not JSON: {status} {uri}");
            serde_json::from_slice::<serde_json::Value>(&body).expect("a JSON body");
        }
    });
});
