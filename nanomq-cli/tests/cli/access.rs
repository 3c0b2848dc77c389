//! `nanomq-cli passwd` makes password files the broker accepts (and keeps what it does not
//! own in them), and `nanomq-cli acl check` asks the running broker's rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::os::unix::fs::PermissionsExt;

use support::{Cli, Mqtt, TestBroker, WithCli, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwd_makes_a_file_the_broker_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("passwd");
    let path = file.to_str().unwrap();
    // A line the CLI does not own (a Mosquitto hash) and a comment are kept as they are.
    let foreign = "# sensors\nsensor:$7$101$c2FsdHNhbHRzYWx0$aGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaA==\n";
    std::fs::write(&file, foreign).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let passwd = |args: &[&str], stdin: &str| {
        Cli::new()
            .args(["passwd", path])
            .args(args.iter().copied())
            .stdin(stdin.as_bytes().to_vec())
    };
    let added = passwd(&["alice", "--password-stdin"], "first\n")
        .run()
        .await;
    assert_eq!(added.ok(), "alice: added\n");
    passwd(&["bob"], "pw\n").run().await.ok();
    let changed = passwd(&["alice"], "pw\n").run().await.ok();
    assert_eq!(changed, "alice: password changed\n");
    let removed = passwd(&["bob", "--delete"], "").run().await.ok();
    assert_eq!(removed, "bob: removed\n");
    passwd(&["bob", "--delete"], "").run().await.fails(5);
    passwd(&["a:b"], "pw\n").run().await.fails(2);
    passwd(&["carol"], "").run().await.fails(2);

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(foreign), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[2].starts_with("alice:$argon2id$"), "{text}");
    assert!(!text.contains("first") && !text.contains(":pw"), "{text}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the file's mode kept");
    let fresh = dir.path().join("fresh");
    Cli::new()
        .args(["passwd", fresh.to_str().unwrap(), "u"])
        .stdin(b"x\n".to_vec())
        .run()
        .await
        .ok();
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a new file is its owner's only");

    let mut config = test_config();
    config.allow_anonymous = false;
    config.auth.password_file = Some(path.to_string());
    let broker = TestBroker::start(config).await;
    // `Mqtt::connect` logs in with the password `pw`.
    let alice = Mqtt::connect(broker.mqtt_port(), "a", Some("alice"), true).await;
    alice.disconnect().await;
    broker.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acl_check_says_which_rule_decides() {
    let mut config = test_config();
    config.auth.acl = serde_json::from_value(serde_json::json!([
        {"permit": "allow", "username": "alice", "action": "publish", "topics": ["users/%u/#"]},
        {"permit": "deny", "topics": ["#"]}
    ]))
    .unwrap();
    let broker = TestBroker::start(config).await;
    let allowed = broker
        .cli()
        .args(["acl", "check", "--username", "alice", "--action", "publish"])
        .args(["users/alice/x"])
        .run()
        .await
        .ok();
    assert!(
        allowed.starts_with("allow: allowed by auth.acl[0] "),
        "{allowed}"
    );
    assert!(allowed.contains("users/%u/#"), "{allowed}");
    let json = broker
        .cli()
        .args(["acl", "check", "--user", "bob", "--action", "subscribe"])
        .args(["users/alice/x", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(json["permit"], "deny");
    assert_eq!(json["rule"], 1);
    let usage = broker
        .cli()
        .args(["acl", "check", "--action", "delete", "t"])
        .run()
        .await;
    assert_eq!(usage.code(), 2);
    assert!(
        usage
            .stderr()
            .contains("possible values: publish, subscribe")
    );
    broker.handle.stop().await;
}
