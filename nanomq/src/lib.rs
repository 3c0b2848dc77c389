//! nanomq: an edge MQTT broker (MQTT 3.1, 3.1.1 and 5.0) with NanoMQ's HTTP management API.
//!
//! The library holds the whole broker; `main.rs` only parses arguments and wires it up.
//! Start one with [`server::start`], which binds the listeners and returns a handle with the
//! bound addresses (tests bind port 0 and read them back).
//!
//! Layers, from the wire up:
//!
//! - [`codec`]: bytes ↔ packets (the `nanomq-codec` crate).
//! - [`transport`]: listeners yielding byte streams (TCP, TLS, WebSocket), within the limits
//!   of [`admission`].
//! - [`link`]: the link core every MQTT link runs on, server side or client side: output
//!   batching and the high watermark, pulling within a window, waiting while paused,
//!   write-or-flush, the timer, the bounded close.
//! - [`connection`]: one client's task: the MQTT protocol on one stream, on the link core.
//! - [`auth`]: who acts, the users and their passwords, the access-control rules.
//! - [`broker`]: the one door to the broker's state. Connections, the bridge and the HTTP API
//!   authenticate, open and close sessions, publish, subscribe and kick through its
//!   operations only; it owns the [`session`]s, the [`router`] (subscription trie, shared
//!   groups, retained messages), the [`metrics`], the timers and the event stream, and it
//!   records what must survive a crash in the [`store`].
//! - [`store`]: the on-disk journal of persistent sessions, their messages and retained
//!   messages; the broker writes to it, recovery reads it back before the listeners open.
//! - [`bridge`]: the MQTT client link to an upstream broker, another user of the broker's
//!   operations, on the link core; it dials, shakes hands and keeps alive with the
//!   `nanomq-client` crate, the CLI's MQTT client too.
//! - [`http`]: the management API, another user of them; [`stats`] is the snapshot of the
//!   broker's figures it shows, also published on `$SYS` every `sys_interval` seconds.
//! - [`server`]: starts, restarts and stops the listeners, the API and the bridge;
//!   [`control`] is how the outside asks it to; [`reload`] applies a re-read configuration
//!   file to the running broker without touching a connection; [`preflight`] checks what
//!   starting takes without starting (`nanomq check`, and before a restart).
//!
//! Leaves that several layers share: [`message`] (a message and its delivery), [`ids`],
//! [`clock`], [`config`]; [`logfile`] is the size-rotated log file the binary writes to, and
//! [`logline`] how a text log line escapes what clients send; [`memory`] reads the process's
//! resident memory. [`test_util`] (feature `test-util`) is the workspace's test kit.
//! Dependencies point one way (`.ci/module_cycles.py` checks that no two modules import each
//! other).

pub mod admission;
pub mod auth;
pub mod bridge;
pub mod broker;
pub mod clock;
pub use nanomq_codec as codec;
pub mod config;
pub mod connection;
pub mod control;
pub mod http;
pub mod ids;
pub mod link;
pub mod logfile;
pub mod logline;
pub mod memory;
pub mod message;
pub mod metrics;
pub mod preflight;
pub mod reload;
pub mod router;
pub mod server;
pub mod session;
pub mod stats;
pub mod store;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;

pub use control::BoundAddrs;
pub use server::{BrokerHandle, start};
