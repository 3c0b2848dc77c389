//! Shared by the `http_*` integration tests: the workspace's test kit (`nanomq::test_util`: a
//! broker started in-process on port 0 with its configuration in a temporary file, the HTTP
//! application to drive with `oneshot`), requests and replies, a real HTTP client, sessions
//! made directly in the registry, and real MQTT clients.
//!
//! Each test binary uses a different part of this module, hence the `dead_code` allowance
//! where it is declared.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod document;
pub mod mqtt;
pub mod sessions;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub use nanomq::test_util::{
    TIMEOUT, TestBroker, app_with, eventually, free_port, test_config, within,
};

/// `Authorization: Basic` for `user:password`.
pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// A request with the default credentials (admin/public).
pub fn request(method: Method, uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, basic("admin", "public"))
        .body(body.into())
        .unwrap()
}

/// An authenticated GET.
pub fn get(uri: &str) -> Request<Body> {
    request(Method::GET, uri, Body::empty())
}

/// An authenticated POST of `body`, labelled as `curl -d` labels it.
pub fn post(uri: &str, body: impl Into<Body>) -> Request<Body> {
    let mut request = request(Method::POST, uri, body);
    request.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    request
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub text: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text))
    }

    /// The `code` of the body.
    pub fn code(&self) -> u64 {
        self.json()["code"].as_u64().expect("a numeric code")
    }

    /// The `data` of the body.
    pub fn data(&self) -> Value {
        self.json()["data"].clone()
    }

    /// Asserts a JSON answer with this status and code.
    #[track_caller]
    pub fn assert(&self, status: StatusCode, code: u64) -> &Reply {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(self.code(), code, "code of {}", self.text);
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "content type of {}",
            self.text
        );
        self
    }
}

/// Sends `request` through `app` and reads the whole response.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    within(async {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            text: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    })
    .await
}

/// GETs `uri` with the default credentials and expects `{"code":0,"data":...}`.
pub async fn get_data(app: &Router, uri: &str) -> Value {
    let reply = send(app, get(uri)).await;
    reply.assert(StatusCode::OK, 0);
    reply.data()
}

/// A reqwest client for the real HTTP tests: no connection reuse, as the server may restart
/// between two requests.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(TIMEOUT)
        .build()
        .unwrap()
}

/// Sends a request as `curl -i --basic -u admin:public -X METHOD URL [-d BODY]` does (a body
/// goes as `application/x-www-form-urlencoded`), and reads the reply.
pub async fn curl(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<&str>,
) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap();
    let mut builder = client
        .request(method, url)
        .header(reqwest::header::AUTHORIZATION, basic("admin", "public"));
    if let Some(body) = body {
        builder = builder
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body.to_string());
    }
    let response = within(builder.send()).await.unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let mut headers = HeaderMap::new();
    for (name, value) in response.headers() {
        let name = header::HeaderName::from_bytes(name.as_str().as_bytes()).unwrap();
        let value = header::HeaderValue::from_bytes(value.as_bytes()).unwrap();
        headers.append(name, value);
    }
    let text = within(response.text()).await.unwrap();
    Reply {
        status,
        headers,
        text,
    }
}
