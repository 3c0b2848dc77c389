//! The test kit, behind the `test-util` feature (as tokio's): a broker started in this
//! process on ports the system chooses, with its configuration in a temporary file; bounded
//! waits; the configuration tests start from; real clients' events ([`events`], rumqttc);
//! and a raw MQTT client ([`raw`]) for what no well-behaved library would send. Every test crate of the workspace uses it; nothing in
//! the broker does. Test code: a failed step panics, which fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod events;
pub mod raw;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use shared_types::config::Config;
use tempfile::TempDir;

use crate::BrokerHandle;
use crate::http::{AppState, HttpOptions, router};

/// The bound on every wait of a test: far above what any takes on a quiet machine, so that a
/// loaded one (CI builds beside the tests) does not fail a test that would pass.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Awaits `future`, failing the test if it takes longer than [`TIMEOUT`].
pub async fn within<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(TIMEOUT, future)
        .await
        .expect("timed out")
}

/// Waits until `condition` holds, checking every few milliseconds, failing the test after
/// [`TIMEOUT`]. For state a test cannot be told of (a session expiring inside the broker).
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A port that was free a moment ago on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The configuration tests start from: MQTT and the HTTP API on 127.0.0.1, on ports the
/// system chooses; no WebSocket listener (its default port is fixed); no store (a test that
/// wants one gives it a directory of its own); no `$SYS` statistics (retained, they would
/// show in every count; the tests of them turn them on).
pub fn test_config() -> Config {
    let mut config = Config {
        url: "nmq-tcp://127.0.0.1:0".to_string(),
        ..Config::default()
    };
    config.websocket.enable = false;
    config.http_server.port = 0;
    config.http_server.ip_addr = "127.0.0.1".to_string();
    config.persistence.enable = false;
    config.sys_interval = 0;
    config
}

/// A broker running in this process, with its configuration file.
pub struct TestBroker {
    /// The running broker.
    pub handle: BrokerHandle,
    /// Where MQTT over TCP listened when it started.
    pub addr: SocketAddr,
    /// The configuration file it was started with.
    pub path: PathBuf,
    /// Holds the file's directory.
    pub dir: TempDir,
}

impl TestBroker {
    /// Writes `config` to a fresh file and starts a broker on it.
    pub async fn start(config: Config) -> TestBroker {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nanomq.conf");
        crate::config::save_atomic(&path, &config).unwrap();
        TestBroker::start_on(config, dir, path).await
    }

    /// [`TestBroker::start`] on the test configuration, changed by `change`.
    pub async fn start_with(change: impl FnOnce(&mut Config)) -> TestBroker {
        let mut config = test_config();
        change(&mut config);
        TestBroker::start(config).await
    }

    /// Starts a broker on `config` as read from `path` (inside `dir`).
    pub async fn start_on(config: Config, dir: TempDir, path: PathBuf) -> TestBroker {
        let handle = within(crate::start(config, Some(path.clone()), Default::default()))
            .await
            .expect("the broker starts");
        let addr = handle.addrs().expect("listening").mqtt;
        TestBroker {
            handle,
            addr,
            path,
            dir,
        }
    }

    /// The MQTT port as bound now.
    pub fn mqtt_port(&self) -> u16 {
        self.handle.addrs().expect("broker running").mqtt.port()
    }

    /// The MQTT port it started on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The base URL of the HTTP API as bound now.
    pub fn http_url(&self) -> String {
        let addrs = self.handle.addrs().expect("broker running");
        let http = addrs.http.expect("HTTP API enabled");
        format!("http://127.0.0.1:{}", http.port())
    }

    /// The HTTP application on this broker's state, with the default limits (for
    /// `tower::ServiceExt::oneshot`).
    pub fn app(&self) -> Router {
        app_with(&self.handle, HttpOptions::default())
    }

    /// The configuration file as it is on disk.
    pub fn file_config(&self) -> Config {
        crate::config::load(&self.path).unwrap()
    }

    /// The configuration file's text.
    pub fn file_text(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap()
    }

    /// Stops the broker, bounded by [`TIMEOUT`].
    pub async fn stop(self) {
        within(self.handle.stop()).await;
    }
}

/// The HTTP application on `handle`'s state with the given limits.
pub fn app_with(handle: &BrokerHandle, options: HttpOptions) -> Router {
    let state = AppState::with_options(handle.broker.clone(), handle.control(), options).unwrap();
    router(state)
}
