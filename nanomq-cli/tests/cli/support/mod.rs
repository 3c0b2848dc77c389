//! Shared by the end-to-end tests: a real broker started in this process (the workspace's test
//! kit, `nanomq::test_util`: MQTT and the HTTP API on ports chosen by the system, its
//! configuration in a temporary file), the real `nanomq-cli` binary run with a clean
//! environment, and real MQTT clients (rumqttc).
//!
//! The CLI is a blocking child process, so it runs on tokio's blocking pool while the broker
//! keeps serving on the runtime's workers; every wait is bounded by [`TIMEOUT`].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod pki;

use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

use nanomq::test_util::events::Events;
pub use nanomq::test_util::{TestBroker, free_port, test_config, within};
use shared_types::config::Config;

/// The bound on every CLI run of the tests.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The terminal width the CLI is told (`COLUMNS`), so tables are laid out the same everywhere.
pub const COLUMNS: &str = "120";

/// A configuration whose HTTP port survives a restart: a port the system just gave out and
/// released. A restart re-binds the configured port, so 0 would move the API elsewhere, where
/// the CLI could not follow; this is the one place the tests cannot simply bind port 0.
pub fn restartable_config() -> Config {
    let mut config = test_config();
    config.http_server.port = free_port();
    config
}

/// The CLI pointed at a test broker.
pub trait WithCli {
    /// The base URL of the HTTP API as bound now.
    fn url(&self) -> String;
    /// The CLI pointed at this broker.
    fn cli(&self) -> Cli;
}

impl WithCli for TestBroker {
    fn url(&self) -> String {
        self.http_url()
    }

    fn cli(&self) -> Cli {
        Cli::new().args(["--url", &self.url()])
    }
}

/// A `nanomq-cli` invocation being put together.
pub struct Cli {
    command: Command,
}

impl Cli {
    /// The binary with an empty environment but `COLUMNS`.
    pub fn new() -> Cli {
        let mut command = Command::cargo_bin("nanomq-cli").unwrap();
        command.env_clear().env("COLUMNS", COLUMNS).timeout(TIMEOUT);
        Cli { command }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Cli
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Cli {
        self.command.env(key, value);
        self
    }

    /// Feeds standard input.
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Cli {
        self.command.write_stdin(input.into());
        self
    }

    /// Runs it to the end (on the blocking pool, so the broker keeps serving).
    pub async fn run(self) -> Run {
        let mut command = self.command;
        let output = within(tokio::task::spawn_blocking(move || command.output()))
            .await
            .unwrap()
            .unwrap();
        Run(output)
    }
}

/// The outcome of one CLI run.
#[derive(Debug)]
pub struct Run(pub Output);

impl Run {
    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// The exit code.
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exited normally")
    }

    /// Asserts success and returns standard output.
    #[track_caller]
    pub fn ok(&self) -> String {
        assert_eq!(self.code(), 0, "failed: {}{}", self.stdout(), self.stderr());
        self.stdout()
    }

    /// Asserts success and parses standard output as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        let text = self.ok();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// Asserts failure with `code`, nothing on stdout, and one line on stderr; returns it.
    #[track_caller]
    pub fn fails(&self, code: i32) -> String {
        assert_eq!(self.code(), code, "exit code; stderr: {}", self.stderr());
        assert_eq!(self.stdout(), "", "nothing on stdout");
        let stderr = self.stderr();
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        stderr
    }
}

/// An MQTT 3.1.1 or 5.0 client with its event loop polled by a task.
pub struct Mqtt {
    events: Events<rumqttc::Event>,
    client: rumqttc::AsyncClient,
}

impl Mqtt {
    /// Connects with MQTT 3.1.1 and waits for CONNACK.
    pub async fn connect(port: u16, id: &str, username: Option<&str>, clean: bool) -> Mqtt {
        let mut options = rumqttc::MqttOptions::new(id, "127.0.0.1", port);
        options.set_keep_alive(Duration::from_secs(30));
        options.set_clean_session(clean);
        if let Some(username) = username {
            options.set_credentials(username, "pw");
        }
        let (client, events) = nanomq::test_util::events::client4(options, 16);
        let mut mqtt = Mqtt { events, client };
        mqtt.wait_for(|e| {
            matches!(e, rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))).then_some(())
        })
        .await;
        mqtt
    }

    /// The next event `pick` accepts.
    pub async fn wait_for<T>(&mut self, pick: impl FnMut(&rumqttc::Event) -> Option<T>) -> T {
        self.events.wait_for(pick).await
    }

    /// Publishes at QoS 1 (queued to the event loop; it goes out in order).
    pub async fn publish(&self, topic: &str, payload: &str) {
        within(self.client.publish(
            topic,
            rumqttc::QoS::AtLeastOnce,
            false,
            payload.as_bytes().to_vec(),
        ))
        .await
        .unwrap();
    }

    /// Subscribes and waits for SUBACK.
    pub async fn subscribe(&mut self, filter: &str, qos: u8) {
        let qos = rumqttc::qos(qos).unwrap();
        within(self.client.subscribe(filter, qos)).await.unwrap();
        self.wait_for(|e| {
            matches!(e, rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))).then_some(())
        })
        .await;
    }

    /// The next message received: topic and payload.
    pub async fn next_message(&mut self) -> (String, Vec<u8>, bool) {
        self.wait_for(|e| match e {
            rumqttc::Event::Incoming(rumqttc::Packet::Publish(p)) => {
                Some((p.topic.clone(), p.payload.to_vec(), p.retain))
            }
            _ => None,
        })
        .await
    }

    /// Waits until the broker closes the connection.
    pub async fn wait_closed(&mut self) {
        self.events.wait_closed().await;
    }

    /// Sends DISCONNECT and waits until it is on the wire.
    pub async fn disconnect(mut self) {
        within(self.client.disconnect()).await.unwrap();
        self.wait_for(|e| {
            matches!(e, rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect)).then_some(())
        })
        .await;
    }
}
