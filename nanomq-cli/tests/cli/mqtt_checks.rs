//! `pub` and `sub` check what they send before sending it, name the broker's refusals in
//! words, and take the MQTT credentials as Mosquitto's tools do (issue 22, item 18).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use shared_types::config::Config;
use support::{Cli, Mqtt, TestBroker, test_config};

/// A port where nothing listens: a check that did not happen would show as "cannot reach".
fn nowhere() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_and_filters_are_checked_before_connecting() {
    let port = nowhere();
    let cases: [(&[&str], &str); 6] = [
        (
            &["pub", "-t", "a/#", "-m", "x"],
            "invalid publish topic \"a/#\": wildcard in a topic name (+ and # are for subscriptions)",
        ),
        (
            &["pub", "-t", "a/+/b", "-m", "x"],
            "invalid publish topic \"a/+/b\": wildcard in a topic name",
        ),
        (
            &["pub", "-t", "", "-m", "x"],
            "invalid publish topic \"\": empty topic",
        ),
        (
            &["sub", "-t", "ok/#", "-t", "a/#/b"],
            "invalid topic filter \"a/#/b\": '#' is not the whole last level",
        ),
        (
            &["sub", "-t", "a/b+"],
            "invalid topic filter \"a/b+\": '+' does not occupy a whole level",
        ),
        (&["sub", "-t", ""], "invalid topic filter \"\": empty topic"),
    ];
    for (args, expected) in cases {
        let error = Cli::new()
            .args(args)
            .args(["-p", &port])
            .run()
            .await
            .fails(1);
        assert!(
            error.starts_with(&format!("nanomq-cli: {expected}")),
            "{args:?}: {error}"
        );
    }
}

/// A broker with one user and a rule denying `secret/#` to everyone.
async fn guarded_broker() -> TestBroker {
    let rules = Config::from_toml_str(
        "allow_anonymous = false\n\
         [[users]]\nusername = \"alice\"\npassword = \"pw\"\n\
         [[auth.acl]]\npermit = \"deny\"\ntopics = [\"secret/#\"]\n",
    )
    .unwrap();
    let mut config = test_config();
    config.allow_anonymous = rules.allow_anonymous;
    config.users = rules.users;
    config.auth = rules.auth;
    TestBroker::start(config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brokers_refusals_are_named_in_words() {
    let broker = guarded_broker().await;
    let port = broker.mqtt_port().to_string();
    let run = |args: &[&str]| Cli::new().args(args).args(["-p", &port]).run();
    let alice = ["--username", "alice", "--password", "pw"];
    let cases: [(Vec<&str>, i32, &str); 6] = [
        (
            [
                &["sub", "-V", "5", "-t", "ok/#", "-t", "secret/#"][..],
                &alice,
            ]
            .concat(),
            4,
            "subscription to secret/# refused: Not authorized (0x87)",
        ),
        (
            [&["sub", "-t", "secret/#"][..], &alice].concat(),
            6,
            "subscription to secret/# refused: Failure (0x80; MQTT 3.1.1 gives no reason, -V 5 does)",
        ),
        (
            [
                &["pub", "-V", "5", "-q", "1", "-t", "secret/x", "-m", "x"][..],
                &alice,
            ]
            .concat(),
            4,
            "publish to secret/x refused: Not authorized (0x87)",
        ),
        (
            vec!["pub", "-V", "5", "-t", "t", "-m", "x"],
            4,
            "connection refused: Not authorized (0x87) (connected without a username: give \
             -u/--username and -P/--password)",
        ),
        (
            vec![
                "pub", "-V", "5", "-u", "alice", "-P", "wrong", "-t", "t", "-m", "x",
            ],
            4,
            "connection refused: Bad User Name or Password (0x86)",
        ),
        (
            vec![
                "pub",
                "--username=alice",
                "--password=wrong",
                "-t",
                "t",
                "-m",
                "x",
            ],
            4,
            "connection refused: Bad User Name or Password (return code 4)",
        ),
    ];
    for (args, code, expected) in cases {
        let error = run(&args).await.fails(code);
        assert_eq!(error, format!("nanomq-cli: {expected}\n"), "{args:?}");
    }
    // With the right credentials, given as mosquitto_pub takes them, it is delivered.
    let mut watcher = Mqtt::connect(broker.mqtt_port(), "watcher", Some("alice"), true).await;
    watcher.subscribe("sensors/#", 1).await;
    run(&[
        &["pub", "-q", "1", "-t", "sensors/t", "-m", "21.5"][..],
        &alice,
    ]
    .concat())
    .await
    .ok();
    let (topic, payload, _) = watcher.next_message().await;
    assert_eq!(
        (topic.as_str(), payload.as_slice()),
        ("sensors/t", &b"21.5"[..])
    );
    broker.handle.stop().await;
}

/// The API's login is never sent over MQTT, even where it would be accepted: when one is set
/// and no MQTT username is given, `pub` says it connects without one (and the broker refuses).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apis_login_is_not_used_for_mqtt_and_that_is_said() {
    let mut config = test_config();
    config.allow_anonymous = false;
    config.users =
        Config::from_toml_str("[[users]]\nusername = \"admin\"\npassword = \"public\"\n")
            .unwrap()
            .users;
    let broker = TestBroker::start(config).await;
    let port = broker.mqtt_port().to_string();
    let note = "nanomq-cli: connecting without a username: the HTTP API's login (--username \
                before the command, NANOMQ_USERNAME, the profile) is not used for MQTT; give \
                -u/--username and -P/--password\n";
    let refused = "nanomq-cli: connection refused: Not authorized (return code 5) (connected \
                   without a username: give -u/--username and -P/--password)\n";
    let from_env = Cli::new()
        .env("NANOMQ_USERNAME", "admin")
        .env("NANOMQ_PASSWORD", "public")
        .args(["pub", "-p", &port, "-t", "t", "-m", "x"])
        .run()
        .await;
    assert_eq!(from_env.code(), 4);
    assert_eq!(from_env.stderr(), format!("{note}{refused}"));
    let before = Cli::new()
        .args([
            "--username",
            "admin",
            "--password",
            "public",
            "sub",
            "-p",
            &port,
            "-t",
            "t",
        ])
        .run()
        .await;
    assert_eq!(before.stderr(), format!("{note}{refused}"));
    let mqtt = Cli::new()
        .args([
            "pub", "-p", &port, "-u", "admin", "-P", "public", "-t", "t", "-m", "x",
        ])
        .run()
        .await;
    assert_eq!((mqtt.ok(), mqtt.stderr()), (String::new(), String::new()));
    broker.handle.stop().await;
}
