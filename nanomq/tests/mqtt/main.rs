//! MQTT behaviour end to end: the real broker on an ephemeral port, driven by rumqttc
//! (3.1.1 and 5) and by a raw socket client for what no well-behaved library would send.
//!
//! One test binary for the whole area (each file below is a module), so the workspace links
//! a handful of test executables rather than one per file.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod events;
mod flow;
mod isolation;
mod limits;
mod pubsub;
mod quotas;
mod robustness;
mod session;
mod v5;
mod will;
