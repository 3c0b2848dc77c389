//! Shared helpers for the end-to-end tests: a broker on an ephemeral port, clients from an
//! independent library (rumqttc, MQTT 3.1.1 and 5), and a raw socket client for what no
//! well-behaved library would send.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod certs;
pub mod raw;
pub mod v4;
pub mod v5;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use nanomq::BrokerHandle;
use nanomq::config::Overrides;
use shared_types::config::Config;

/// Every await in a test is bounded by this.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Awaits `fut`, failing the test if it takes longer than [`TIMEOUT`].
pub async fn within<F: Future>(what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(TIMEOUT, fut).await {
        Ok(out) => out,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

/// A broker started in-process on loopback ports chosen by the OS.
pub struct TestBroker {
    pub handle: BrokerHandle,
    pub addr: SocketAddr,
}

/// The configuration tests start from: loopback, ephemeral ports, no WebSocket, no HTTP.
pub fn test_config() -> Config {
    let mut config = Config {
        url: "nmq-tcp://127.0.0.1:0".into(),
        ..Config::default()
    };
    config.websocket.enable = false;
    config.http_server.enable = false;
    // Tests that want the store give it a directory of their own.
    config.persistence.enable = false;
    // No `$SYS` statistics, which are retained and would show in every count; the tests of
    // them turn them on.
    config.sys_interval = 0;
    config
}

impl TestBroker {
    pub async fn start() -> TestBroker {
        TestBroker::start_with(|_| {}).await
    }

    pub async fn start_with(change: impl FnOnce(&mut Config)) -> TestBroker {
        let mut config = test_config();
        change(&mut config);
        let handle = within(
            "broker start",
            nanomq::start(config, None, Overrides::default()),
        )
        .await
        .expect("broker starts");
        let addr = handle.addrs().expect("listening").mqtt;
        TestBroker { handle, addr }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub async fn stop(self) {
        within("broker stop", self.handle.stop()).await;
    }
}
