//! The bridge's counters. They live in the [`super::BridgeState`] the server keeps for its
//! whole life (not in the bridge task), so they can be read at any time and survive listener
//! restarts.
//!
//! Relaxed atomics like the broker's own [`crate::metrics::Metrics`]: each counter is
//! independent and only ever read as a snapshot.

use std::sync::atomic::{AtomicBool, Ordering};

use shared_types::metrics::BridgeMetrics;

use crate::metrics::Counter;

/// Counters of the bridge since the broker started.
#[derive(Debug, Default)]
pub struct BridgeStats {
    /// Whether the upstream connection is up now.
    pub connected: AtomicBool,
    /// Successful connections after the first one.
    pub reconnects: Counter,
    /// Messages forwarded upstream (QoS 1/2 once acknowledged, QoS 0 once written).
    pub messages_forwarded: Counter,
    /// Messages received from upstream and published locally.
    pub messages_received: Counter,
    /// Bytes written to the upstream connection.
    pub bytes_forwarded: Counter,
    /// Bytes read from the upstream connection.
    pub bytes_received: Counter,
    /// Local messages matching `bridge.forwards` that were never forwarded: QoS 0 during an
    /// outage, the oldest QoS 1/2 when the outage buffer was full, expired, too large for the
    /// upstream, or refused by it.
    pub dropped: Counter,
    /// Connection attempts that failed (for logs and tests; not part of the API's metrics).
    pub failed_attempts: Counter,
}

impl BridgeStats {
    /// Records whether the upstream connection is up.
    pub fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::Relaxed);
    }

    /// The counters as the HTTP API shows them.
    pub fn snapshot(&self) -> BridgeMetrics {
        BridgeMetrics {
            connected: self.connected.load(Ordering::Relaxed),
            reconnects: self.reconnects.get(),
            messages_forwarded: self.messages_forwarded.get(),
            messages_received: self.messages_received.get(),
            bytes_forwarded: self.bytes_forwarded.get(),
            bytes_received: self.bytes_received.get(),
            dropped: self.dropped.get(),
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
        stats.reconnects.add(1);
        stats.messages_forwarded.add(2);
        stats.messages_received.add(3);
        stats.bytes_forwarded.add(4);
        stats.bytes_received.add(5);
        stats.dropped.add(6);
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
