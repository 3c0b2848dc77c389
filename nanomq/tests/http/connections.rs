//! What one HTTP connection may hold: its request head (time and size) and its place among the
//! open connections. Raw sockets against the API's own connection layer, with a short header
//! timeout so that the tests do not wait for the production one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use nanomq::http::HttpOptions;
use nanomq::http::serve::{ConnLimits, spawn};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::http_support::{TestBroker, app_with, basic, test_config, within};

const HEADER_TIMEOUT: Duration = Duration::from_millis(300);

/// The API served on its own port with `max_connections`, stopped when dropped.
struct Api {
    addr: SocketAddr,
    shutdown: CancellationToken,
    _broker: TestBroker,
}

impl Drop for Api {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn api(max_connections: usize) -> Api {
    let broker = TestBroker::start(test_config()).await;
    let app = app_with(&broker.handle, HttpOptions::default());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let limits = ConnLimits {
        header_timeout: HEADER_TIMEOUT,
        max_connections,
    };
    spawn(listener, None, app, limits, &shutdown, &TaskTracker::new());
    Api {
        addr,
        shutdown,
        _broker: broker,
    }
}

/// Everything the server sends until it closes the connection.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    within(stream.read_to_end(&mut out)).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// The status and JSON body of a whole response.
fn parse(response: &str) -> (u16, Value) {
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"));
    let (head, body) = response.split_once("\r\n\r\n").expect("a whole response");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    (status, serde_json::from_str(body).expect("a JSON body"))
}

fn authorized_get(path: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\n\r\n",
        basic("admin", "public")
    )
}

#[tokio::test]
async fn a_request_head_that_does_not_arrive_in_time_gets_408() {
    let api = api(8).await;
    let mut slow = TcpStream::connect(api.addr).await.unwrap();
    slow.write_all(b"GET /api/v4/brokers HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let (status, body) = parse(&until_closed(&mut slow).await);
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT.as_u16());
    assert_eq!(body["code"], 102);
}

#[tokio::test]
async fn an_idle_connection_is_closed_without_an_answer() {
    let api = api(8).await;
    let mut idle = TcpStream::connect(api.addr).await.unwrap();
    assert_eq!(until_closed(&mut idle).await, "");
    // The same after a complete exchange (keep alive): the answer, then a quiet close.
    let mut kept = TcpStream::connect(api.addr).await.unwrap();
    kept.write_all(authorized_get("/api/v4/brokers").as_bytes())
        .await
        .unwrap();
    let all = until_closed(&mut kept).await;
    assert_eq!(all.matches("HTTP/1.1 ").count(), 1, "{all}");
    assert!(all.starts_with("HTTP/1.1 200"), "{all}");
}

#[tokio::test]
async fn an_oversized_head_gets_431_as_json() {
    let api = api(8).await;
    let mut big = TcpStream::connect(api.addr).await.unwrap();
    let request = format!(
        "GET /api/v4/brokers HTTP/1.1\r\nHost: x\r\nX-Filler: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    // The server may close before the whole head is written.
    let _ = big.write_all(request.as_bytes()).await;
    let (status, body) = parse(&until_closed(&mut big).await);
    assert_eq!(status, 431);
    assert_eq!(body["code"], 108);
}

#[tokio::test]
async fn a_malformed_head_gets_400_as_json() {
    let api = api(8).await;
    let mut bad = TcpStream::connect(api.addr).await.unwrap();
    bad.write_all(b"GET /api/v4 HTTP/1.1\r\nno colon here\r\n\r\n")
        .await
        .unwrap();
    let (status, body) = parse(&until_closed(&mut bad).await);
    assert_eq!(status, 400);
    assert_eq!(body["code"], 108);
}

#[tokio::test]
async fn half_open_connections_never_lock_a_client_out() {
    let api = api(4).await;
    let mut floods = Vec::new();
    for _ in 0..50 {
        let mut s = TcpStream::connect(api.addr).await.unwrap();
        s.write_all(b"GET /api/v4/brokers HTTP/1.1\r\n")
            .await
            .unwrap();
        floods.push(s);
    }
    let mut client = TcpStream::connect(api.addr).await.unwrap();
    client
        .write_all(authorized_get("/api/v4/brokers").as_bytes())
        .await
        .unwrap();
    let mut head = [0u8; 12];
    within(client.read_exact(&mut head)).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    // The oldest half-open connections were closed to make room, without an answer.
    let mut first = floods.remove(0);
    assert_eq!(until_closed(&mut first).await, "");
}
