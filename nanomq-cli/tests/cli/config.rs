//! End-to-end: `config get|set|edit` and `ctrl restart|stop` with the real binary against a
//! real broker and its configuration file: formats, the changes shown, refusals that change
//! nothing, and the wait for a restarted broker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use shared_types::config::Config;
use support::{Mqtt, TestBroker, WithCli, restartable_config, test_config, within};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_get_as_table_json_and_toml() {
    let broker = TestBroker::start(test_config()).await;
    let saved = nanomq::config::load(&broker.path).unwrap();

    let table = broker.cli().args(["config", "get"]).run().await.ok();
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("SETTING ") && lines[0].ends_with(" VALUE"),
        "{table}"
    );
    let row = |name: &str| -> Vec<&str> {
        let line = lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name));
        line.unwrap_or_else(|| panic!("no {name}: {table}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(row("msq_len"), ["msq_len", "64"]);
    assert_eq!(
        row("http_server.password"),
        ["http_server.password", "********"]
    );
    assert_eq!(row("http_server.port"), ["http_server.port", "0"]);
    assert_eq!(row("url"), ["url", "nmq-tcp://127.0.0.1:0"]);
    assert!(
        !table.contains(" public\n"),
        "passwords are masked: {table}"
    );

    let json = broker
        .cli()
        .args(["config", "get", "-o", "json"])
        .run()
        .await
        .json();
    // Secrets never leave the broker.
    assert_eq!(json, serde_json::to_value(saved.redacted()).unwrap());
    assert_eq!(json["http_server"]["password"], "******");

    let toml = broker
        .cli()
        .args(["config", "get", "--output", "toml"])
        .run()
        .await
        .ok();
    assert_eq!(Config::from_toml_str(&toml).unwrap(), saved.redacted());

    let running = broker
        .cli()
        .args(["config", "get", "--running", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(running["msq_len"], 64);

    let refused = broker
        .cli()
        .args(["clients", "list", "-o", "toml"])
        .run()
        .await
        .fails(2);
    assert!(
        refused.contains("--output toml is only for `config get`"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_from_json_toml_and_stdin_shows_what_changed() {
    let broker = TestBroker::start(test_config()).await;
    let json_file = broker.dir.path().join("patch.json");
    std::fs::write(
        &json_file,
        r#"{"data": {"msq_len": 128, "http_server": {"port": 0}}}"#,
    )
    .unwrap();

    let out = broker
        .cli()
        .args(["config", "set", "-f"])
        .args([&json_file])
        .run()
        .await
        .ok();
    insta::assert_snapshot!("config_set", out);
    assert_eq!(nanomq::config::load(&broker.path).unwrap().msq_len, 128);

    let again = broker
        .cli()
        .args(["config", "set", "-f"])
        .args([&json_file])
        .run()
        .await
        .ok();
    assert_eq!(again, "no changes\n");

    let toml_file = broker.dir.path().join("patch.conf");
    std::fs::write(
        &toml_file,
        "qos_duration = 20\n\n[bridge]\nkeepalive = 30\n",
    )
    .unwrap();
    let dry = broker
        .cli()
        .args(["config", "set", "--dry-run", "-f"])
        .args([&toml_file])
        .run()
        .await
        .ok();
    insta::assert_snapshot!("config_set_dry_run", dry);
    assert_eq!(
        nanomq::config::load(&broker.path).unwrap().qos_duration,
        10,
        "dry run"
    );

    let changes = broker
        .cli()
        .args(["config", "set", "-f", "-", "-o", "json"])
        .stdin(std::fs::read(&toml_file).unwrap())
        .run()
        .await
        .json();
    assert_eq!(
        changes,
        serde_json::json!([
            {"field": "qos_duration", "old": 10, "new": 20},
            {"field": "bridge.keepalive", "old": 60, "new": 30},
        ])
    );
    let saved = nanomq::config::load(&broker.path).unwrap();
    assert_eq!(
        (saved.qos_duration, saved.bridge.keepalive, saved.msq_len),
        (20, 30, 128)
    );

    let secret = broker
        .cli()
        .args(["config", "set", "-f", "-"])
        .stdin(r#"{"bridge": {"password": "s3cret"}}"#)
        .run()
        .await
        .ok();
    assert!(
        secret.starts_with("SETTING          OLD  NEW\nbridge.password  -    ********\n"),
        "{secret}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configuration_is_refused_and_nothing_changes() {
    let broker = TestBroker::start(test_config()).await;
    let before = broker.file_text();

    let invalid = broker
        .cli()
        .args(["config", "set", "-f", "-"])
        .stdin(r#"{"msq_len": 0}"#)
        .run()
        .await
        .fails(6);
    assert!(
        invalid.starts_with(
            "nanomq-cli: request parameter invalid (code 108): invalid configuration: field `msq_len`"
        ),
        "{invalid}"
    );
    let unknown = broker
        .cli()
        .args(["config", "set", "-f", "-", "--format", "toml"])
        .stdin("[http_server]\nprot = 1\n")
        .run()
        .await
        .fails(6);
    assert!(unknown.contains("http_server.prot"), "{unknown}");
    let unparseable = broker
        .cli()
        .args(["config", "set", "-f", "-"])
        .stdin("{\"msq_len\": ")
        .run()
        .await
        .fails(1);
    assert!(
        unparseable.starts_with("nanomq-cli: standard input: not valid JSON"),
        "{unparseable}"
    );
    let missing = broker
        .cli()
        .args(["config", "set", "-f", "/nonexistent/patch.json"])
        .run()
        .await
        .fails(1);
    assert!(
        missing.starts_with("nanomq-cli: /nonexistent/patch.json: "),
        "{missing}"
    );

    assert_eq!(broker.file_text(), before, "the file is untouched");
    let json = broker
        .cli()
        .args(["config", "get", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(json["msq_len"], 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_edit_through_an_editor() {
    let broker = TestBroker::start(test_config()).await;
    let editor = broker.dir.path().join("editor.sh");
    let write_editor = |script: &str| {
        std::fs::write(&editor, format!("#!/bin/sh\n{script}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    };

    write_editor("sed -i 's/^msq_len = 64$/msq_len = 99/' \"$1\"");
    let out = broker
        .cli()
        .args(["config", "edit"])
        .env("EDITOR", &editor)
        .run()
        .await
        .ok();
    assert!(
        out.starts_with("SETTING  OLD  NEW\nmsq_len  64   99\n1 setting changed\n"),
        "{out}"
    );
    assert_eq!(nanomq::config::load(&broker.path).unwrap().msq_len, 99);

    write_editor("true");
    let out = broker
        .cli()
        .args(["config", "edit"])
        .env("VISUAL", &editor)
        .run()
        .await
        .ok();
    assert_eq!(out, "no changes\n");

    let before = broker.file_text();
    write_editor("sed -i 's/^msq_len = 99$/msq_len = 0/' \"$1\"");
    let refused = broker
        .cli()
        .args(["config", "edit"])
        .env("EDITOR", &editor)
        .run()
        .await
        .fails(1);
    assert!(refused.contains("field `msq_len`"), "{refused}");
    let kept = refused
        .split("(your edits are in ")
        .nth(1)
        .unwrap()
        .trim_end()
        .trim_end_matches(')');
    assert!(
        std::fs::read_to_string(kept)
            .unwrap()
            .contains("msq_len = 0")
    );
    std::fs::remove_file(kept).unwrap();
    assert_eq!(broker.file_text(), before, "the file is untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_with_restart_and_ctrl_restart_wait_for_the_broker() {
    let broker = TestBroker::start(restartable_config()).await;
    let mut client = Mqtt::connect(broker.mqtt_port(), "c1", None, true).await;

    let out = broker
        .cli()
        .args(["config", "set", "--restart", "-f", "-"])
        .stdin("msq_len = 7\n")
        .run()
        .await
        .ok();
    assert!(
        out.starts_with("SETTING  OLD  NEW\nmsq_len  64   7\n1 setting changed\n"),
        "{out}"
    );
    assert!(out.contains("broker restarted (back after "), "{out}");
    client.wait_closed().await;
    let running = broker
        .cli()
        .args(["config", "get", "--running", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(
        running["msq_len"], 7,
        "the restarted broker runs the new setting"
    );

    let out = broker
        .cli()
        .args(["ctrl", "restart", "--yes"])
        .run()
        .await
        .ok();
    assert!(out.starts_with("broker restarted (back after "), "{out}");
    let status = broker.cli().args(["status"]).run().await.ok();
    assert!(status.contains("Running"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_stop_stops_the_broker() {
    let broker = TestBroker::start(test_config()).await;
    let url = broker.url();
    let refused = broker.cli().args(["ctrl", "stop"]).run().await.fails(2);
    assert!(refused.contains("add --yes"), "{refused}");
    let out = broker.cli().args(["ctrl", "stop", "-y"]).run().await.ok();
    assert_eq!(out, "broker stopped\n");
    within(broker.handle.stopped()).await;
    let down = support::Cli::new()
        .args(["--url", &url, "status"])
        .run()
        .await
        .fails(3);
    assert!(down.ends_with(": connection refused\n"), "{down}");
}

/// A restart onto a file that cannot start (here: a password file that is not there) is
/// refused: the CLI says why and exits non-zero, the broker runs on as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_restart_onto_an_unusable_file_fails_loudly() {
    let broker = TestBroker::start(test_config()).await;
    let mut edited = test_config();
    edited.auth.password_file = Some("/nonexistent/passwd".into());
    nanomq::config::save_atomic(&broker.path, &edited).unwrap();
    let run = broker.cli().args(["ctrl", "restart", "--yes"]).run().await;
    assert_ne!(run.code(), 0, "{}", run.stdout());
    assert!(!run.stdout().contains("restarted"), "{}", run.stdout());
    assert!(
        run.stderr().contains("/nonexistent/passwd"),
        "{}",
        run.stderr()
    );
    let status = broker.cli().args(["status"]).run().await.ok();
    assert!(status.contains("Running"), "{status}");
    broker.handle.stop().await;
}

/// `ctrl reload` applies the file's users, log level and limits while 100 clients stay
/// connected (each proves it with a SUBACK afterwards), and says which change (the MQTT
/// address) needs a restart, without pretending it is in force.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_reload_applies_live_settings_without_dropping_a_client() {
    let broker = TestBroker::start(test_config()).await;
    let mut clients = Vec::new();
    for n in 0..100 {
        clients.push(Mqtt::connect(broker.mqtt_port(), &format!("stay-{n}"), None, true).await);
    }
    let mut edited = nanomq::config::load(&broker.path).unwrap();
    edited.msq_len = 9;
    edited.log.level = shared_types::config::LogLevel::Debug;
    edited.users = vec![shared_types::config::UserCredential {
        username: "alice".into(),
        password: "pw".into(),
    }];
    edited.url = "nmq-tcp://127.0.0.1:1".into();
    nanomq::config::save_atomic(&broker.path, &edited).unwrap();

    let out = broker.cli().args(["ctrl", "reload"]).run().await.ok();
    assert!(
        out.contains("reloaded: now in force: log.level, msq_len, users"),
        "{out}"
    );
    assert!(
        out.contains("needs a restart (nanomq-cli ctrl restart): url"),
        "{out}"
    );
    let running = broker
        .cli()
        .args(["config", "get", "--running", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(running["msq_len"], 9);
    assert_eq!(running["log"]["level"], "debug");
    assert_eq!(running["users"][0]["username"], "alice");
    assert_ne!(
        running["url"], "nmq-tcp://127.0.0.1:1",
        "not claimed before a restart"
    );
    // The new user can log in; the 100 clients are all still there.
    let _alice = Mqtt::connect(broker.mqtt_port(), "alice-1", Some("alice"), true).await;
    for client in &mut clients {
        client.subscribe("still/here", 0).await;
    }
    assert_eq!(broker.handle.broker.metrics().connections.get(), 101);

    // Nothing changed since: said so.
    let out = broker.cli().args(["ctrl", "reload"]).run().await.ok();
    assert!(out.starts_with("needs a restart"), "{out}");
    broker.handle.stop().await;
}

/// A reload onto a file whose users cannot load changes nothing and fails with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_reload_onto_an_unusable_file_changes_nothing() {
    let broker = TestBroker::start(test_config()).await;
    let mut edited = test_config();
    edited.auth.password_file = Some("/nonexistent/passwd".into());
    edited.msq_len = 5;
    nanomq::config::save_atomic(&broker.path, &edited).unwrap();
    let run = broker.cli().args(["ctrl", "reload"]).run().await;
    assert_ne!(run.code(), 0);
    assert!(run.stderr().contains("not reloaded"), "{}", run.stderr());
    assert_eq!(broker.handle.broker.config().msq_len, 64);
    broker.handle.stop().await;
}

/// `config set` edits the operator's file in place: byte for byte the same outside the changed
/// line (comments, order, blank lines), no defaults written, the mode kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_keeps_the_operators_file() {
    use std::os::unix::fs::PermissionsExt;

    let broker = TestBroker::start(test_config()).await;
    let handwritten = "\
# Hall 3 gateway. Ask Sam before changing anything.
url = \"nmq-tcp://127.0.0.1:0\"   # loopback only

msq_len = 64      # per client

[http_server]
port = 0

[websocket]
enable = false

[persistence]
enable = false    # this box has no disk to spare
";
    std::fs::write(&broker.path, handwritten).unwrap();
    std::fs::set_permissions(&broker.path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = broker
        .cli()
        .args(["config", "set", "-f", "-"])
        .stdin("msq_len = 256\n")
        .run()
        .await
        .ok();
    assert!(out.contains("1 setting changed"), "{out}");
    assert_eq!(
        broker.file_text(),
        handwritten.replace("msq_len = 64      # per", "msq_len = 256      # per")
    );
    let mode = std::fs::metadata(&broker.path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
    broker.handle.stop().await;
}

/// `config set KEY=VALUE`, `config get KEY` and `config diff`, then a reload that makes the
/// saved configuration the running one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_get_diff_by_key() {
    let broker = TestBroker::start(test_config()).await;
    let out = broker
        .cli()
        .args(["config", "set", "msq_len=100", "log.level=debug"])
        .run()
        .await
        .ok();
    assert!(out.contains("2 settings changed"), "{out}");
    assert!(out.contains("nanomq-cli ctrl reload"), "{out}");
    let get = |args: &'static [&'static str]| broker.cli().args(args).run();
    assert_eq!(get(&["config", "get", "msq_len"]).await.ok(), "100\n");
    assert_eq!(
        get(&["config", "get", "--running", "msq_len"]).await.ok(),
        "64\n"
    );
    let log = get(&["config", "get", "log"]).await.ok();
    assert!(log.contains("log.level") && log.contains("debug"), "{log}");
    let json = get(&["config", "get", "log.level", "-o", "json"])
        .await
        .json();
    assert_eq!(json, "debug");
    let missing = get(&["config", "get", "no.such"]).await.fails(5);
    assert!(missing.contains("no setting `no.such`"), "{missing}");

    let diff = get(&["config", "diff"]).await.ok();
    assert!(diff.starts_with("SETTING    RUNNING  SAVED\n"), "{diff}");
    assert!(diff.contains("msq_len    64       100"), "{diff}");
    assert!(diff.contains("2 settings differ"), "{diff}");
    get(&["ctrl", "reload"]).await.ok();
    let diff = get(&["config", "diff"]).await.ok();
    assert!(
        diff.contains("the saved configuration is the running one"),
        "{diff}"
    );
    let bad = get(&["config", "set", "msq_len"]).await;
    assert_eq!(bad.code(), 2, "{}", bad.stderr());
    broker.handle.stop().await;
}

/// A refused edit reopens the editor on the edits with the reason on top; fixed, it is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_edit_reopens_the_editor_with_the_reason() {
    use std::os::unix::fs::PermissionsExt;

    let broker = TestBroker::start(test_config()).await;
    let editor = broker.dir.path().join("editor.sh");
    let seen = broker.dir.path().join("seen.txt");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nif grep -q '^# nanomq-cli:' \"$1\"; then\n  grep '^# nanomq-cli:' \"$1\" > {seen}\n  sed -i 's/^msq_len = 0$/msq_len = 77/' \"$1\"\nelse\n  sed -i 's/^msq_len = 64$/msq_len = 0/' \"$1\"\nfi\n",
            seen = seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = broker
        .cli()
        .args(["config", "edit"])
        .env("EDITOR", &editor)
        .run()
        .await
        .ok();
    assert!(out.contains("msq_len  64   77"), "{out}");
    let shown = std::fs::read_to_string(&seen).unwrap();
    assert!(shown.contains("not saved"), "{shown}");
    assert!(
        shown.contains("msq_len"),
        "the reason names the field: {shown}"
    );
    assert_eq!(nanomq::config::load(&broker.path).unwrap().msq_len, 77);
    broker.handle.stop().await;
}
