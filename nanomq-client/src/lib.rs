//! The workspace's one MQTT client engine, used by the broker's bridge and by `nanomq-cli`
//! (`pub`, `sub`, `bench`), so that reaching a broker, trusting it and keeping the link alive
//! are done and fixed once. Not a public crate promise: it serves those two.
//!
//! - [`target`]: where to connect, parsed from a URL (`mqtt-tcp://`, `mqtt-tls://`, `ws://`,
//!   `wss://`, ...).
//! - [`trust`]: the one TLS trust policy: the system's roots, or a CA given as a path or as
//!   PEM text; a client certificate; "insecure" only where a user asks for it.
//! - [`dial`]: opens the byte stream to a target (TCP, TLS, WebSocket over either).
//! - [`ws`]: a WebSocket seen as a byte stream (also what the broker's WebSocket listener
//!   serves its clients over).
//! - [`handshake`]: CONNECT out, CONNACK back, and what the CONNACK allows.
//! - [`keepalive`]: the client's side of keep alive: PINGREQ once the link has been quiet,
//!   the end of it when no PINGRESP comes back.
//! - [`Client`]: a connected link to send and receive packets on, keeping itself alive while
//!   it waits, with the QoS 1/2 exchanges of a tool that sends one message at a time
//!   (publish and wait for PUBACK, or PUBREC/PUBREL/PUBCOMP; acknowledge what it receives);
//!   what the CLI's tools use. The bridge runs its link on the broker's link core, with the
//!   broker's in-flight engine (the one client connections use: windows, resends with DUP
//!   after a reconnection, state kept in the store).
//!
//! The codec is `nanomq-codec`, the broker's own. Dialing is hand-written glue over tokio,
//! tokio-rustls and tokio-tungstenite: the MQTT client crates (rumqttc, paho) bring their own
//! codec, event loop and TLS setup, which is what this crate exists to have only one of.

pub mod client;
pub mod dial;
pub mod handshake;
pub mod keepalive;
pub mod target;
pub mod trust;
pub mod ws;

pub use client::Client;
pub use dial::{Dialer, Stream};
pub use handshake::{Connected, HandshakeError, Limits};
pub use target::{Target, Transport};
pub use trust::{Trust, TrustError};
