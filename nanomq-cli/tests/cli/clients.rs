//! End-to-end: `clients`, `subscriptions` and `topic-tree` with the real binary against a
//! real broker holding a fixed set of MQTT clients, checked as exact table snapshots (`insta`,
//! in `snapshots/`; peer ports and times replaced by same-width stand-ins) and as JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::{Mqtt, TestBroker, WithCli, test_config};

/// Makes the run of spaces at `at` (if two or more, with text after it) `width` long.
fn set_gap(line: &mut String, at: usize, width: usize) {
    let spaces = line[at..].chars().take_while(|&c| c == ' ').count();
    if spaces >= 2 && at + spaces < line.len() {
        line.replace_range(at..at + spaces, &" ".repeat(width));
    }
}

/// Same-width stand-ins for what changes from run to run: peer ports and timestamps.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut line = line.to_string();
        // An address is 15 wide with a 5-digit port, and its column is as wide as the
        // widest: with a port range that reaches under 10000, both change. The stand-in is
        // always 15 wide and the gap after it (and after the ADDRESS header) set to match.
        while let Some(at) = line.find("127.0.0.1:") {
            let start = at + "127.0.0.1:".len();
            let digits = line[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            line.replace_range(at..start + digits, &"A".repeat(15));
            set_gap(&mut line, at + 15, 2);
        }
        if let Some(at) = line.find("ADDRESS") {
            set_gap(&mut line, at + "ADDRESS".len(), 15 - "ADDRESS".len() + 2);
        }
        let bytes: Vec<char> = line.chars().collect();
        let mut normalized = String::new();
        let mut i = 0;
        while i < bytes.len() {
            let candidate: String = bytes[i..(i + 19).min(bytes.len())].iter().collect();
            if candidate.len() == 19 && is_timestamp(&candidate) {
                normalized.push_str("YYYY-MM-DD hh:mm:ss");
                i += 19;
            } else {
                normalized.push(bytes[i]);
                i += 1;
            }
        }
        out.push_str(&normalized);
        out.push('\n');
    }
    out
}

fn is_timestamp(text: &str) -> bool {
    text.chars().enumerate().all(|(i, c)| match i {
        4 | 7 => c == '-',
        10 => c == ' ',
        13 | 16 => c == ':',
        _ => c.is_ascii_digit(),
    })
}

/// Three clients with fixed ids and subscriptions: the fixture of the snapshots.
async fn fixture(broker: &TestBroker) -> Vec<Mqtt> {
    let port = broker.mqtt_port();
    let mut sensor1 = Mqtt::connect(port, "sensor-1", Some("alice"), true).await;
    sensor1.subscribe("sensors/+/temp", 1).await;
    sensor1.subscribe("alerts", 0).await;
    let mut sensor2 = Mqtt::connect(port, "sensor-2", None, true).await;
    sensor2.subscribe("sensors/#", 0).await;
    let mut worker = Mqtt::connect(port, "worker-a", Some("bob"), false).await;
    worker.subscribe("$share/workers/jobs/#", 2).await;
    vec![sensor1, sensor2, worker]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_list_filter_show_and_kick() {
    let broker = TestBroker::start(test_config()).await;
    let mut clients = fixture(&broker).await;

    let list = broker.cli().args(["clients", "list"]).run().await.ok();
    insta::assert_snapshot!("clients_list", normalize(&list));

    let json = broker
        .cli()
        .args(["clients", "ls", "-o", "json"])
        .run()
        .await
        .json();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sensor-1", "sensor-2", "worker-a"]);

    // The first column of the rows: not the header, not the count line.
    let ids_of = |text: String| -> Vec<String> {
        let lines: Vec<&str> = text.lines().collect();
        lines[1..lines.len() - 1]
            .iter()
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    for (filter, expected_ids, count_line) in [
        (vec!["--user", "alice"], vec!["sensor-1"], "1 client"),
        (vec!["--clientid", "worker-a"], vec!["worker-a"], "1 client"),
        (vec!["--clean-start", "false"], vec!["worker-a"], "1 client"),
        (
            vec!["--conn-state", "connected", "--proto-name", "MQTT"],
            vec!["sensor-1", "sensor-2", "worker-a"],
            "3 clients",
        ),
        (
            vec!["--proto-ver", "4", "--user", "bob"],
            vec!["worker-a"],
            "1 client",
        ),
    ] {
        let mut args = vec!["clients", "list"];
        args.extend(&filter);
        let text = broker.cli().args(&args).run().await.ok();
        assert!(
            text.ends_with(&format!("\n{count_line}\n")),
            "{filter:?}: {text}"
        );
        assert_eq!(ids_of(text), expected_ids, "{filter:?}");
    }
    let none = broker
        .cli()
        .args(["clients", "list", "--proto-ver", "5"])
        .run()
        .await
        .ok();
    assert_eq!(none, "no clients\n");
    let none = broker
        .cli()
        .args(["clients", "list", "--conn-state", "idle", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(none, serde_json::json!([]));
    // A page asked for comes with its meta, as the API gives it.
    let paged = broker
        .cli()
        .args(["clients", "list", "--limit", "2", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(paged["data"].as_array().unwrap().len(), 2, "{paged}");
    assert_eq!(paged["meta"]["count"], 3, "{paged}");
    assert_eq!(paged["meta"]["hasnext"], true, "{paged}");

    let page = broker
        .cli()
        .args(["clients", "list", "--page", "1", "--limit", "2"])
        .run()
        .await
        .ok();
    assert!(
        page.ends_with("\n2 clients (page 1, 3 in all, next: --page 2)\n"),
        "{page}"
    );
    assert_eq!(ids_of(page), ["sensor-1", "sensor-2"]);
    let last = broker
        .cli()
        .args(["clients", "list", "--page", "2", "--limit", "2"])
        .run()
        .await
        .ok();
    assert!(last.ends_with("\n1 client (page 2, 3 in all)\n"), "{last}");

    let show = broker
        .cli()
        .args(["clients", "show", "sensor-1"])
        .run()
        .await
        .ok();
    insta::assert_snapshot!("clients_show", normalize(&show));
    let json = broker
        .cli()
        .args(["clients", "show", "worker-a", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(json["client_id"], "worker-a", "one client is an object");
    assert_eq!(json["clean_start"], false);

    let missing = broker
        .cli()
        .args(["clients", "show", "nosuch"])
        .run()
        .await
        .fails(5);
    assert_eq!(missing, "nanomq-cli: no client `nosuch`\n");

    let kicked = broker
        .cli()
        .args(["clients", "kick", "sensor-2"])
        .run()
        .await
        .ok();
    assert_eq!(kicked, "kicked client `sensor-2`\n");
    clients[1].wait_closed().await;
    let after = broker.cli().args(["clients", "list"]).run().await.ok();
    assert_eq!(ids_of(after), ["sensor-1", "worker-a"]);
    let again = broker
        .cli()
        .args(["clients", "kick", "sensor-2"])
        .run()
        .await
        .fails(5);
    assert!(
        again.starts_with("nanomq-cli: client not online (code 112)"),
        "{again}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_and_topic_tree() {
    let broker = TestBroker::start(test_config()).await;
    let _clients = fixture(&broker).await;
    let _idle = Mqtt::connect(broker.mqtt_port(), "idle-1", None, true).await;

    let list = broker
        .cli()
        .args(["subscriptions", "list"])
        .run()
        .await
        .ok();
    insta::assert_snapshot!("subscriptions_list", list);
    let json = broker
        .cli()
        .args(["subs", "ls", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert_eq!(json[3]["share"], "workers");

    for (filter, count_line) in [
        (vec!["--clientid", "sensor-1"], "2 subscriptions"),
        (vec!["--topic", "sensors/#"], "1 subscription"),
        (vec!["--qos", "2"], "1 subscription"),
        (vec!["--share", "workers"], "1 subscription"),
        (
            vec!["--qos", "1", "--clientid", "sensor-2"],
            "no subscriptions",
        ),
    ] {
        let mut args = vec!["subscriptions", "list"];
        args.extend(&filter);
        let text = broker.cli().args(&args).run().await.ok();
        assert!(
            text.ends_with(&format!("{count_line}\n")),
            "{filter:?}: {text}"
        );
    }
    let page = broker
        .cli()
        .args(["subscriptions", "list", "--limit", "3"])
        .run()
        .await
        .ok();
    assert!(
        page.ends_with("3 subscriptions (page 1, 4 in all, next: --page 2)\n"),
        "{page}"
    );

    let show = broker
        .cli()
        .args(["subscriptions", "show", "sensor-1"])
        .run()
        .await
        .ok();
    insta::assert_snapshot!("subscriptions_show", show);
    let json = broker
        .cli()
        .args(["subscriptions", "show", "sensor-2", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(
        json,
        serde_json::json!([{"clientid": "sensor-2", "topic": "sensors/#", "qos": 0}])
    );
    let idle = broker
        .cli()
        .args(["subscriptions", "show", "idle-1"])
        .run()
        .await
        .ok();
    assert_eq!(idle, "no subscriptions\n");
    let missing = broker
        .cli()
        .args(["subscriptions", "show", "nosuch"])
        .run()
        .await
        .fails(5);
    assert_eq!(missing, "nanomq-cli: no client `nosuch`\n");

    let tree = broker.cli().args(["topic-tree"]).run().await.ok();
    insta::assert_snapshot!("topic_tree", tree);
    let levels = broker
        .cli()
        .args(["topic-tree", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(levels[0][0]["topic"], "");
    assert_eq!(levels[0][0]["cld_cnt"], 3);
}
