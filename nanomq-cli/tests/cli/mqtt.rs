//! `nanomq-cli sub` as a long-lived subscriber: it keeps a quiet connection alive, and with
//! `--reconnect` it comes back after losing the connection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use crate::support;

use support::{Mqtt, TestBroker, WithCli, test_config};

/// Waits until the broker holds `n` subscriptions.
async fn subscriptions(broker: &TestBroker, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while broker.handle.broker.counts().subscriptions != n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {n} subscriptions"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// With a 1 s keep alive the broker drops a silent client after 1.5 s; `sub` sends PINGREQ
/// and is still there after 3.5 s of a quiet topic (the quiet time is what is tested).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_outlives_three_keep_alive_periods() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port().to_string();
    let sub = tokio::spawn(
        broker
            .cli()
            .args(["sub", "-p", &port, "-t", "quiet/t", "-k", "1", "-C", "1"])
            .run(),
    );
    subscriptions(&broker, 1).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        broker.handle.broker.counts().subscriptions,
        1,
        "still subscribed"
    );
    let publisher = Mqtt::connect(broker.mqtt_port(), "publisher", None, true).await;
    publisher.publish("quiet/t", "still here").await;
    let run = sub.await.unwrap();
    assert_eq!(run.ok(), "quiet/t: still here\n");
    broker.handle.stop().await;
}

/// Kicked, `sub --reconnect` connects and subscribes again and goes on printing; without
/// `--reconnect` it exits with status 3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_reconnects_when_asked() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port().to_string();
    let sub = tokio::spawn(
        broker
            .cli()
            .args([
                "sub",
                "-p",
                &port,
                "-t",
                "r/t",
                "-i",
                "resilient",
                "--reconnect",
                "-C",
                "1",
            ])
            .run(),
    );
    subscriptions(&broker, 1).await;
    broker
        .cli()
        .args(["clients", "kick", "resilient"])
        .run()
        .await
        .ok();
    // Gone, then back (the first retry is 1 s later).
    subscriptions(&broker, 0).await;
    subscriptions(&broker, 1).await;
    let publisher = Mqtt::connect(broker.mqtt_port(), "publisher", None, true).await;
    publisher.publish("r/t", "after the kick").await;
    let run = sub.await.unwrap();
    assert_eq!(run.ok(), "r/t: after the kick\n");
    assert!(
        run.stderr().contains("reconnecting in 1s"),
        "{}",
        run.stderr()
    );

    let sub = tokio::spawn(
        broker
            .cli()
            .args(["sub", "-p", &port, "-t", "r/t", "-i", "fragile"])
            .run(),
    );
    subscriptions(&broker, 1).await;
    broker
        .cli()
        .args(["clients", "kick", "fragile"])
        .run()
        .await
        .ok();
    let run = sub.await.unwrap();
    assert_eq!(run.code(), 3, "{}", run.stderr());
    broker.handle.stop().await;
}

/// `bench` exits non-zero when clients failed (here: nothing listens), after its summary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_fails_when_its_clients_fail() {
    let nowhere = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let run = support::Cli::new()
        .args([
            "bench",
            "pub",
            "-p",
            &nowhere,
            "-c",
            "2",
            "--duration",
            "1s",
            "--json",
        ])
        .run()
        .await;
    assert_eq!(run.code(), 3, "{}", run.stderr());
    let summary: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(summary["failed"], 2);
    assert!(
        run.stderr().contains("2 clients failed"),
        "{}",
        run.stderr()
    );
}

/// Without `--host`, `pub` goes where the HTTP API is (`NANOMQ_URL`'s host): with nothing
/// there, the error names that host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_takes_its_host_from_the_api_url() {
    let run = support::Cli::new()
        .env("NANOMQ_URL", "http://127.0.0.2:8081")
        .args(["pub", "-t", "t", "-m", "x", "-p", "1"])
        .run()
        .await;
    assert_eq!(run.code(), 3, "{}", run.stderr());
    assert!(run.stderr().contains("127.0.0.2:1"), "{}", run.stderr());
}
