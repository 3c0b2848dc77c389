//! The bridge: this broker as an MQTT client of an upstream broker (a cluster such as EMQX,
//! another nanomq, Mosquitto). This commit holds its building blocks; the task that uses
//! them follows.
//!
//! - [`stats`]: counters in the broker's shared state, for the HTTP API.
//! - [`options`]: the configuration, converted once.
//! - [`backoff`]: delays between attempts.
//! - [`dial`]: TCP or TLS to the upstream.
//! - [`outbox`]: what waits for the upstream: the outage buffer, the in-flight window.

pub mod backoff;
pub mod dial;
pub mod options;
pub mod outbox;
pub mod stats;

pub use stats::BridgeStats;
