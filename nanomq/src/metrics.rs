//! Broker-wide counters for the HTTP API and Prometheus.
//!
//! Plain relaxed atomics: each is a single add on its own, and connection tasks add in
//! batches (once per socket read or write), not once per byte or per message.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters kept for the whole broker.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Network connections currently open (after a successful CONNECT).
    pub connections: AtomicU64,
    /// PUBLISH packets received from clients.
    pub messages_received: AtomicU64,
    /// PUBLISH packets sent to clients.
    pub messages_sent: AtomicU64,
    /// Messages dropped: queue of an absent client full, expired, or too large for the client.
    pub messages_dropped: AtomicU64,
    /// Bytes read from client sockets.
    pub bytes_received: AtomicU64,
    /// Bytes written to client sockets.
    pub bytes_sent: AtomicU64,
}

impl Metrics {
    /// Adds `n` to `counter`.
    pub fn add(counter: &AtomicU64, n: u64) {
        if n != 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Reads `counter`.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
