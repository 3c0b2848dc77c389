//! Broker-wide counters for the HTTP API and Prometheus.
//!
//! Plain relaxed atomics: each is a single add on its own, and connection tasks add in
//! batches (once per socket read or write), not once per byte or per message.

use std::sync::atomic::{AtomicU64, Ordering};

/// A counter (or a gauge, for [`Metrics::connections`]).
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    /// Adds `n`.
    pub fn add(&self, n: u64) {
        if n != 0 {
            self.0.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Subtracts `n` (a gauge going down).
    pub fn sub(&self, n: u64) {
        self.0.fetch_sub(n, Ordering::Relaxed);
    }

    /// Adds one unless the value is `max` already; whether it did.
    pub fn increment_below(&self, max: u64) -> bool {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .is_ok()
    }

    /// The value.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Counters kept for the whole broker.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Network connections currently open (after a successful CONNECT).
    pub connections: Counter,
    /// PUBLISH packets received from clients.
    pub messages_received: Counter,
    /// PUBLISH packets sent to clients.
    pub messages_sent: Counter,
    /// Messages dropped: queue of an absent or shed client full, expired, too large for the
    /// client, or refused (a client publishing to `$SYS/`).
    pub messages_dropped: Counter,
    /// PUBLISH packets (and wills) refused by the access-control rules or the `$SYS/`
    /// reservation.
    pub messages_denied: Counter,
    /// Subscriptions refused by the access-control rules.
    pub subscriptions_denied: Counter,
    /// Logins refused (MQTT and the HTTP API): credentials, rules, another user's session.
    pub logins_failed: Counter,
    /// Connected clients disconnected by a reload that revoked their login.
    pub logins_revoked: Counter,
    /// Bytes read from client sockets.
    pub bytes_received: Counter,
    /// Bytes written to client sockets.
    pub bytes_sent: Counter,
}
