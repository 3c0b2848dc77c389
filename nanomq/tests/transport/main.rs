//! TLS, mutual TLS, WebSocket and secure WebSocket listeners, end to end.
//!
//! One test binary for the whole area (each file below is a module), so the workspace links
//! a handful of test executables rather than one per file.

#[path = "../support/mod.rs"]
mod support;

mod tls;
mod ws;
