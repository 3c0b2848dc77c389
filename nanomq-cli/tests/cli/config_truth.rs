//! One truth for the configuration (issue 22, items 14 to 17): `config get|set|diff|edit` read
//! the file as it is on disk and say so when it does not load; a changed secret is a change;
//! the running configuration shows only what is in force, and every command says when a
//! change takes effect; a restart refused says why in words.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::{TestBroker, WithCli, restartable_config, test_config};

/// A hand edit since the last `config set` is what `config get` shows and what `config set`
/// changes from (no stale copy answering "no changes"); a file that does not parse is said
/// so by every command, with the file, the field, the line and the reason (item 14).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_commands_read_the_file_as_it_is_on_disk() {
    let broker = TestBroker::start(test_config()).await;
    let hand_edit = |from: &str, to: &str| {
        let text = broker.file_text();
        assert!(text.contains(from), "{text}");
        std::fs::write(&broker.path, text.replace(from, to)).unwrap();
    };
    hand_edit("parallel = 32\n", "parallel = 16\n");
    broker.cli().args(["ctrl", "reload"]).run().await.ok();
    let get = broker.cli().args(["config", "get", "parallel"]).run().await;
    assert_eq!(get.ok(), "16\n");
    let set = broker
        .cli()
        .args(["config", "set", "parallel=32"])
        .run()
        .await;
    let out = set.ok();
    assert!(
        out.contains("parallel  16   32\n1 setting changed\n"),
        "{out}"
    );
    assert!(broker.file_text().contains("parallel = 32\n"));

    hand_edit("parallel = 32\n", "parallel = \"many\"\n");
    let line = broker
        .file_text()
        .lines()
        .position(|l| l.starts_with("parallel = "))
        .unwrap()
        + 1;
    let expected = format!(
        "nanomq-cli: config text not parseable (code 117): {}: field `parallel` (line {line}): \
         invalid type: string \"many\", expected u32",
        broker.path.display()
    );
    for args in [
        &["config", "get"][..],
        &["config", "get", "parallel"],
        &["config", "diff"],
        &["config", "set", "msq_len=5"],
        &["config", "set", "--dry-run", "msq_len=5"],
        &["config", "edit"],
    ] {
        let run = broker.cli().args(args).env("EDITOR", "true").run().await;
        let error = run.fails(6);
        assert!(error.starts_with(&expected), "{args:?}: {error}");
    }
    let running = broker
        .cli()
        .args(["config", "get", "--running", "parallel"])
        .run()
        .await;
    assert_eq!(
        running.ok(),
        "16\n",
        "the running configuration is still shown"
    );
    broker.handle.stop().await;
}

/// Changing a secret is a change: `config set` and `config diff` show it masked on both sides,
/// with what it needs to take effect (a restart for the API's password, a reload for an MQTT
/// user's), and never the secret itself (item 15).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_secret_is_a_change() {
    let broker = TestBroker::start(test_config()).await;
    let run = |args: &'static [&'static str]| broker.cli().args(args).run();
    let out = run(&["config", "set", "http_server.password=n3w-s3cret"])
        .await
        .ok();
    assert_eq!(
        out,
        "SETTING               OLD       NEW\n\
         http_server.password  ********  ******** (changed)\n\
         1 setting changed\n\
         saved; the broker applies it at its next restart (nanomq-cli ctrl restart)\n"
    );
    let diff = run(&["config", "diff"]).await.ok();
    assert_eq!(
        diff,
        "SETTING               RUNNING   SAVED\n\
         http_server.password  ********  ******** (changed)\n\
         1 setting differs: the broker applies it at its next restart (nanomq-cli ctrl restart)\n"
    );
    let again = run(&["config", "set", "http_server.password=n3w-s3cret"])
        .await
        .ok();
    assert_eq!(again, "no changes\n", "the same secret again is no change");

    run(&[
        "config",
        "set",
        r#"users=[{username = "alice", password = "one"}]"#,
    ])
    .await
    .ok();
    run(&["ctrl", "reload"]).await.ok();
    let out = run(&[
        "config",
        "set",
        r#"users=[{username = "alice", password = "two"}]"#,
    ])
    .await
    .ok();
    assert!(
        out.contains("users[alice].password  ********  ******** (changed)\n1 setting changed\n"),
        "{out}"
    );
    assert!(out.ends_with("nanomq-cli ctrl reload\n"), "{out}");
    let json = run(&["config", "diff", "-o", "json"]).await.json();
    let fields: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["http_server.password", "users[alice].password"]);
    for text in [out, diff, json.to_string()] {
        assert!(!text.contains("n3w") && !text.contains("two"), "{text}");
    }
    broker.handle.stop().await;
}

/// After a reload and after a restart, the running configuration shows what is in force:
/// `log.file` (read when the process starts) keeps its running value, and `diff`, `reload`
/// say what each change needs (item 16).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_configuration_shows_only_what_is_in_force() {
    let broker = TestBroker::start(restartable_config()).await;
    let mut edited = nanomq::config::load(&broker.path).unwrap();
    edited.msq_len = 9;
    edited.log.file = "elsewhere.log".into();
    nanomq::config::save_atomic(&broker.path, &edited).unwrap();

    let diff = broker.cli().args(["config", "diff"]).run().await.ok();
    assert!(
        diff.ends_with(
            "2 settings differ: live after nanomq-cli ctrl reload: msq_len; \
             needs the broker process restarted (read at start): log.file\n"
        ),
        "{diff}"
    );
    let reload = broker.cli().args(["ctrl", "reload"]).run().await.ok();
    assert_eq!(
        reload,
        "reloaded: now in force: msq_len\n\
         needs the broker process restarted (read at start; ctrl restart keeps them): log.file\n"
    );
    let running = |broker: &TestBroker| {
        broker
            .cli()
            .args(["config", "get", "--running", "-o", "json"])
            .run()
    };
    let now = running(&broker).await.json();
    assert_eq!(
        (now["msq_len"].as_u64(), now["log"]["file"].as_str()),
        (Some(9), Some("nanomq.log"))
    );

    broker
        .cli()
        .args(["ctrl", "restart", "--yes"])
        .run()
        .await
        .ok();
    let now = running(&broker).await.json();
    assert_eq!(
        now["log"]["file"], "nanomq.log",
        "not in force after a restart either"
    );
    broker.handle.stop().await;
}

/// A restart refused because the configuration file is gone says so, not that its text does
/// not parse; the broker runs on (item 17).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_onto_a_missing_file_says_it_is_missing() {
    let broker = TestBroker::start(test_config()).await;
    std::fs::remove_file(&broker.path).unwrap();
    let error = broker
        .cli()
        .args(["ctrl", "restart", "--yes"])
        .run()
        .await
        .fails(6);
    assert_eq!(
        error,
        format!(
            "nanomq-cli: not restarted: {}: No such file or directory; the running \
             configuration stays (code 102)\n",
            broker.path.display()
        )
    );
    let status = broker.cli().args(["status"]).run().await.ok();
    assert!(status.contains("Running"), "{status}");
    broker.handle.stop().await;
}
