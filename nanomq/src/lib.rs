//! nanomq: an edge MQTT broker (MQTT 3.1, 3.1.1 and 5.0) with NanoMQ's HTTP management API.
//!
//! The library holds the whole broker; `main.rs` only parses arguments and wires it up.
//! Start one with [`server::start`], which binds the listeners and returns a handle with the
//! bound addresses (tests bind port 0 and read them back).
//!
//! Layers, from the wire up: [`codec`] (bytes ↔ packets), [`transport`] (listeners yielding
//! byte streams, within the limits of [`admission`]), [`connection`] (one client's task), [`session`] (state kept per client
//! identifier), [`router`] (subscription trie, shared groups, retained messages), [`broker`]
//! (the shared state), [`server`] (listener lifecycle: start, restart, stop), [`bridge`] (the
//! MQTT client link to an upstream broker); beside them [`http`], the management API, which
//! talks to the broker through [`broker::Broker`] and [`server::ServerControl`] only.

pub mod admission;
pub mod bridge;
pub mod broker;
pub use nanomq_codec as codec;
pub mod config;
pub mod connection;
pub mod http;
pub mod message;
pub mod metrics;
pub mod router;
pub mod server;
pub mod session;
pub mod transport;

pub use server::{BoundAddrs, BrokerHandle, start};
