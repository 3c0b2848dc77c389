//! End-to-end: the real `nanomq-cli` binary against a real broker with real MQTT clients —
//! status, brokers, nodes, endpoints, metrics and publish in both output formats, and the
//! error classes (broker down, no answer, wrong password, unknown route).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::{Cli, Mqtt, TestBroker, WithCli, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_brokers_nodes_endpoints_metrics() {
    let broker = TestBroker::start(test_config()).await;
    let _client = Mqtt::connect(broker.mqtt_port(), "one", None, true).await;

    let status = broker.cli().args(["status"]).run().await.ok();
    assert!(status.contains("broker       NanoMQ Broker "), "{status}");
    assert!(status.contains("status       Running"), "{status}");
    assert!(status.contains("connections  1"), "{status}");
    assert!(
        status.contains(&format!("api          {}", broker.url())),
        "{status}"
    );
    let json = broker
        .cli()
        .args(["status", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(json["brokers"][0]["sysdescr"], "NanoMQ Broker");
    assert_eq!(json["nodes"][0]["connections"], 1);

    let brokers = broker.cli().args(["brokers"]).run().await.ok();
    let lines: Vec<&str> = brokers.lines().collect();
    assert!(
        lines[0].starts_with("NAME           VERSION  STATUS   UPTIME"),
        "{brokers}"
    );
    assert!(lines[1].starts_with("NanoMQ Broker  "), "{brokers}");
    assert_eq!(lines.last(), Some(&"1 broker"));
    let json = broker
        .cli()
        .args(["brokers", "--output", "json"])
        .run()
        .await
        .json();
    assert_eq!(json[0]["node_status"], "Running");

    let nodes = broker.cli().args(["nodes"]).run().await.ok();
    assert!(
        nodes.starts_with("VERSION  STATUS   CONNECTIONS  UPTIME"),
        "{nodes}"
    );
    assert!(nodes.ends_with("\n1 node\n"), "{nodes}");
    let json = broker
        .cli()
        .args(["nodes", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(json[0]["connections"], 1);

    let routes = broker
        .cli()
        .args(["endpoints", "-o", "json"])
        .run()
        .await
        .json();
    let count = routes.as_array().unwrap().len();
    let endpoints = broker.cli().args(["endpoints"]).run().await.ok();
    assert!(
        endpoints.contains("GET     /api/v4/clients/:clientid"),
        "{endpoints}"
    );
    assert!(
        endpoints.ends_with(&format!("\n{count} routes\n")),
        "{endpoints}"
    );

    let metrics = broker
        .cli()
        .args(["metrics", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(metrics["connections"], 1);
    let table = broker.cli().args(["metrics"]).run().await.ok();
    // One row per figure, the values lined up in one column.
    let rows: Vec<(&str, &str)> = table
        .lines()
        .map(|line| line.split_at(line.rfind("  ").map_or(0, |at| at + 2)))
        .collect();
    let column = rows[0].0.len();
    assert!(rows.iter().all(|(key, _)| key.len() == column), "{table}");
    let value = |name: &str| {
        rows.iter()
            .find(|(key, _)| key.trim_end() == name)
            .map(|(_, value)| value.trim())
            .unwrap_or_else(|| panic!("no {name} in {table}"))
    };
    assert_eq!(value("connections"), "1");
    assert_eq!(value("sessions"), "1");
    assert!(value("uptime").starts_with("0 Hours, "), "{table}");
    assert_eq!(value("subscriptions denied"), "0");
    assert_eq!(value("refused subscriptions"), "0");

    // `-o json` gives uptime in seconds too, beside the API's text.
    let brokers = broker
        .cli()
        .args(["brokers", "-o", "json"])
        .run()
        .await
        .json();
    assert!(
        brokers[0]["uptime_seconds"].as_u64().unwrap() < 600,
        "{brokers}"
    );
    let status = broker
        .cli()
        .args(["status", "-o", "json"])
        .run()
        .await
        .json();
    assert!(status["nodes"][0]["uptime_seconds"].is_u64(), "{status}");
}

/// With persistence on, `status` and `metrics` show the store; without, `status` says it is off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_metrics_show_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = test_config();
    config.persistence.enable = true;
    config.persistence.dir = tmp.path().join("data").to_string_lossy().into_owned();
    let broker = TestBroker::start(config).await;
    let client = Mqtt::connect(broker.mqtt_port(), "keeper", None, false).await;
    drop(client);

    let status = broker.cli().args(["status"]).run().await.ok();
    assert!(status.contains("store size"), "{status}");
    assert!(status.contains("store last fsync"), "{status}");
    assert!(!status.contains("never"), "a commit was made: {status}");
    let json = broker
        .cli()
        .args(["status", "-o", "json"])
        .run()
        .await
        .json();
    assert!(json["store"]["commits"].as_u64().unwrap() > 0, "{json}");
    let metrics = broker.cli().args(["metrics"]).run().await.ok();
    assert!(metrics.contains("store pending"), "{metrics}");
    broker.handle.stop().await;

    let broker = TestBroker::start(test_config()).await;
    let status = broker.cli().args(["status"]).run().await.ok();
    assert!(status.contains("off (persistence disabled)"), "{status}");
    broker.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_reaches_mqtt_subscribers() {
    let broker = TestBroker::start(test_config()).await;
    let mut subscriber = Mqtt::connect(broker.mqtt_port(), "reader", None, true).await;
    subscriber.subscribe("news/#", 1).await;

    let out = broker
        .cli()
        .args(["publish", "-t", "news/a", "-m", "hello", "-q", "1"])
        .run()
        .await
        .ok();
    assert_eq!(out, "published to news/a\n");
    assert_eq!(
        subscriber.next_message().await,
        ("news/a".into(), b"hello".to_vec(), false)
    );

    let out = broker
        .cli()
        .args(["publish", "-t", "news/b", "-t", "news/c", "-o", "json"])
        .stdin("from stdin")
        .run()
        .await
        .ok();
    assert_eq!(out, "", "json output of an action is empty");
    let mut got = [
        subscriber.next_message().await,
        subscriber.next_message().await,
    ];
    got.sort();
    assert_eq!(got[0], ("news/b".into(), b"from stdin".to_vec(), false));
    assert_eq!(got[1], ("news/c".into(), b"from stdin".to_vec(), false));

    let file = broker.dir.path().join("blob.bin");
    std::fs::write(&file, [0xff_u8, 0x00, 0xfe]).unwrap();
    broker
        .cli()
        .args(["publish", "-t", "news/bin", "-r", "-f"])
        .args([&file])
        .run()
        .await
        .ok();
    assert_eq!(
        subscriber.next_message().await,
        ("news/bin".into(), vec![0xff, 0x00, 0xfe], false)
    );
    let mut late = Mqtt::connect(broker.mqtt_port(), "late", None, true).await;
    late.subscribe("news/bin", 0).await;
    assert_eq!(
        late.next_message().await,
        ("news/bin".into(), vec![0xff, 0x00, 0xfe], true)
    );

    let bad = broker
        .cli()
        .args(["publish", "-t", "news/+", "-m", "x"])
        .run()
        .await
        .fails(6);
    assert!(
        bad.starts_with("nanomq-cli: illegal topic (code 115)"),
        "{bad}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_one_line_with_an_exit_code_per_class() {
    let broker = TestBroker::start(test_config()).await;
    let url = broker.url();

    let wrong = broker
        .cli()
        .args(["--password", "wrong", "status"])
        .run()
        .await
        .fails(4);
    assert_eq!(wrong, "nanomq-cli: wrong username or password (code 103)\n");
    let wrong = broker
        .cli()
        .args(["clients", "list"])
        .env("NANOMQ_USERNAME", "root")
        .run()
        .await
        .fails(4);
    assert_eq!(wrong, "nanomq-cli: wrong username or password (code 103)\n");

    let down_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let down = format!("http://127.0.0.1:{down_port}");
    let refused = Cli::new()
        .args(["--url", &down, "status"])
        .run()
        .await
        .fails(3);
    assert_eq!(
        refused,
        format!("nanomq-cli: cannot reach broker at {down}: connection refused\n")
    );

    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let slow = Cli::new()
        .args(["--url", &silent_url, "--timeout", "300ms", "nodes"])
        .run()
        .await
        .fails(3);
    assert_eq!(
        slow,
        format!("nanomq-cli: no answer from broker at {silent_url} within 300ms\n")
    );
    hold.abort();

    let unknown = Cli::new()
        .args(["--url", &format!("{url}/nowhere"), "status"])
        .run()
        .await
        .fails(5);
    assert!(
        unknown.starts_with("nanomq-cli: no such route (code 102)"),
        "{unknown}"
    );

    let env_url = Cli::new()
        .env("NANOMQ_URL", &url)
        .args(["nodes", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(env_url[0]["node_status"], "Running");
}

/// `log level` shows the level in force and changes it at run time; the running
/// configuration follows, the file does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_level_is_shown_and_changed_at_run_time() {
    let broker = TestBroker::start(test_config()).await;
    let file_before = broker.file_text();
    let out = broker.cli().args(["log", "level"]).run().await.ok();
    assert_eq!(out, "log level: info\n");
    let out = broker
        .cli()
        .args(["log", "level", "debug"])
        .run()
        .await
        .ok();
    assert_eq!(
        out,
        "log level now debug (until the next restart or reload)\n"
    );
    let json = broker
        .cli()
        .args(["log", "level", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(json["level"], "debug");
    assert_eq!(
        broker.handle.broker.config().log.level.as_str(),
        "debug",
        "the running configuration follows"
    );
    assert_eq!(broker.file_text(), file_before, "the file is not touched");
    let refused = broker.cli().args(["log", "level", "loud"]).run().await;
    assert_eq!(refused.code(), 2, "{}", refused.stderr());
    broker.handle.stop().await;
}

/// `metrics --watch 1` in a pseudo-terminal (util-linux `script`): the screen is cleared and
/// redrawn every second, with rates from the second frame on; commands that change things
/// cannot be watched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_redraws_in_a_terminal_with_rates() {
    use tokio::io::AsyncReadExt;

    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: /usr/bin/script (util-linux) is not installed");
        return;
    }
    let broker = TestBroker::start(test_config()).await;
    let command = format!(
        "{} --url {} metrics --watch 1",
        env!("CARGO_BIN_EXE_nanomq-cli"),
        broker.url()
    );
    let mut child = tokio::process::Command::new("/usr/bin/script")
        .args(["-qfec", &command, "/dev/null"])
        .env_clear()
        .env("COLUMNS", "100")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    support::within(async {
        while seen.matches("\x1b[2J").count() < 2 || !seen.contains("msg/s in") {
            let n = stdout.read(&mut buf).await.unwrap();
            assert!(n > 0, "script ended: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await;
    assert!(seen.contains("every 1s"), "{seen}");
    assert!(seen.contains("rates: from the next refresh"), "{seen}");
    assert!(seen.contains("connections"), "{seen}");
    child.kill().await.unwrap();

    let refused = broker
        .cli()
        .args(["ctrl", "stop", "--yes", "--watch"])
        .run()
        .await
        .fails(2);
    assert!(refused.contains("--watch works with"), "{refused}");
    broker.handle.stop().await;
}
