//! The bridge's counters. They live in the broker's shared state (not in the bridge task) so
//! the HTTP API can read them at any time and they survive listener restarts.
//!
//! Relaxed atomics like the broker's own [`crate::metrics::Metrics`]: each counter is
//! independent and only ever read as a snapshot.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use shared_types::metrics::BridgeMetrics;

/// Counters of the bridge since the broker started.
#[derive(Debug, Default)]
pub struct BridgeStats {
    /// Whether the upstream connection is up now.
    pub connected: AtomicBool,
    /// Successful connections after the first one.
    pub reconnects: AtomicU64,
    /// Messages forwarded upstream (QoS 1/2 once acknowledged, QoS 0 once written).
    pub messages_forwarded: AtomicU64,
    /// Messages received from upstream and published locally.
    pub messages_received: AtomicU64,
    /// Bytes written to the upstream connection.
    pub bytes_forwarded: AtomicU64,
    /// Bytes read from the upstream connection.
    pub bytes_received: AtomicU64,
    /// Local messages matching `bridge.forwards` that were never forwarded: QoS 0 during an
    /// outage, the oldest QoS 1/2 when the outage buffer was full, expired, too large for the
    /// upstream, or refused by it.
    pub dropped: AtomicU64,
    /// Connection attempts that failed (for logs and tests; not part of the API's metrics).
    pub failed_attempts: AtomicU64,
}

impl BridgeStats {
    /// Adds `n` to `counter`.
    pub fn add(counter: &AtomicU64, n: u64) {
        if n != 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Records whether the upstream connection is up.
    pub fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::Relaxed);
    }

    /// The counters as the HTTP API shows them.
    pub fn snapshot(&self) -> BridgeMetrics {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        BridgeMetrics {
            connected: self.connected.load(Ordering::Relaxed),
            reconnects: get(&self.reconnects),
            messages_forwarded: get(&self.messages_forwarded),
            messages_received: get(&self.messages_received),
            bytes_forwarded: get(&self.bytes_forwarded),
            bytes_received: get(&self.bytes_received),
            dropped: get(&self.dropped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_reads_every_counter() {
        let stats = BridgeStats::default();
        stats.set_connected(true);
        BridgeStats::add(&stats.reconnects, 1);
        BridgeStats::add(&stats.messages_forwarded, 2);
        BridgeStats::add(&stats.messages_received, 3);
        BridgeStats::add(&stats.bytes_forwarded, 4);
        BridgeStats::add(&stats.bytes_received, 5);
        BridgeStats::add(&stats.dropped, 6);
        assert_eq!(
            stats.snapshot(),
            BridgeMetrics {
                connected: true,
                reconnects: 1,
                messages_forwarded: 2,
                messages_received: 3,
                bytes_forwarded: 4,
                bytes_received: 5,
                dropped: 6,
            }
        );
    }
}
