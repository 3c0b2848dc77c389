//! Shared helpers for the end-to-end tests: the workspace's test kit (`nanomq::test_util`: a
//! broker on ephemeral ports, bounded waits, a raw socket client), clients from an
//! independent library (rumqttc, MQTT 3.1.1 and 5), and certificates.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod certs;
pub mod v4;
pub mod v5;

pub use nanomq::test_util::{TIMEOUT, TestBroker, eventually, free_port, raw, test_config, within};
