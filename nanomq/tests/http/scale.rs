//! `GET /clients` over 10,000 sessions made through the `SessionRegistry`: the answer is
//! complete, ordered and correct, and `?clientid=` stays a lookup. Correctness only: the time
//! taken is printed (`cargo test --release -p nanomq --test http scale -- --nocapture`), never asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not only #[test] fns

use crate::http_support;

use std::time::Instant;

use http_support::sessions::{FakeClient, add};
use http_support::{TestBroker, get, get_data, send, test_config};
use nanomq::codec::ProtocolVersion;

const SESSIONS: usize = 10_000;

fn client_id(n: usize) -> &'static str {
    Box::leak(format!("client-{n:05}").into_boxed_str())
}

#[tokio::test]
async fn listing_ten_thousand_clients() {
    let broker = TestBroker::start(test_config()).await;
    let mut links = Vec::with_capacity(SESSIONS);
    for n in 0..SESSIONS {
        let mut client = FakeClient::new(client_id(n));
        client.connected = n % 2 == 0;
        client.clean_start = n % 2 == 0;
        client.protocol = if n % 3 == 0 {
            ProtocolVersion::V3_1_1
        } else {
            ProtocolVersion::V5
        };
        client.username = Some(if n % 10 == 0 { "tenth" } else { "user" });
        client.subscriptions = vec![("load/+/x", 1)];
        links.push(add(&broker.handle.broker, &client).await);
    }
    let app = broker.app();

    let started = Instant::now();
    let reply = send(&app, get("/api/v4/clients")).await;
    let elapsed = started.elapsed();
    let body_len = reply.text.len();
    let all = reply.data();
    let list = all.as_array().unwrap();
    assert_eq!(list.len(), SESSIONS);
    for (n, client) in list.iter().enumerate() {
        assert_eq!(client["client_id"], client_id(n));
        assert_eq!(client["connected"], n % 2 == 0);
        assert_eq!(client["proto_ver"], if n % 3 == 0 { 4 } else { 5 });
        assert_eq!(client.get("ip_address").is_some(), n % 2 == 0);
    }
    println!(
        "GET /api/v4/clients over {SESSIONS} sessions: {elapsed:?} ({body_len} bytes of JSON)"
    );

    let started = Instant::now();
    let filtered = get_data(&app, "/api/v4/clients?username=tenth&conn_state=connected").await;
    println!(
        "  filtered by username and conn_state: {:?}",
        started.elapsed()
    );
    assert_eq!(filtered.as_array().unwrap().len(), SESSIONS / 10);

    let started = Instant::now();
    let one = get_data(&app, "/api/v4/clients?clientid=client-04321").await;
    println!("  ?clientid= lookup: {:?}", started.elapsed());
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["client_id"], "client-04321");

    let page = send(&app, get("/api/v4/clients?_page=100&_limit=100"))
        .await
        .json();
    assert_eq!(page["data"][0]["client_id"], "client-09900");
    assert_eq!(page["meta"]["count"], SESSIONS);
    assert_eq!(page["meta"]["hasnext"], false);

    let subscriptions = get_data(&app, "/api/v4/subscriptions?topic=load/%2B/x").await;
    assert_eq!(subscriptions.as_array().unwrap().len(), SESSIONS);
    assert_eq!(
        get_data(&app, "/api/v4/metrics").await["sessions"],
        SESSIONS
    );
}
