//! The bridge's counters. They live in the [`super::BridgeState`] the server keeps for its
//! whole life (not in the bridge task), so they can be read at any time and survive listener
//! restarts.
//!
//! Relaxed atomics like the broker's own [`crate::metrics::Metrics`]: each counter is
//! independent and only ever read as a snapshot.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Local};
use parking_lot::Mutex;
use shared_types::BridgeLinkState;
use shared_types::metrics::BridgeMetrics;

use crate::metrics::Counter;

/// Where the upstream connection stands, since when, and why it last failed.
#[derive(Debug, Clone)]
pub struct LinkStatus {
    /// Connecting, connected, disconnected or stopped.
    pub state: BridgeLinkState,
    /// When `state` was entered.
    pub since: DateTime<Local>,
    /// Why the last attempt failed or the last connection ended.
    pub last_error: Option<String>,
}

impl Default for LinkStatus {
    fn default() -> LinkStatus {
        LinkStatus {
            state: BridgeLinkState::Stopped,
            since: Local::now(),
            last_error: None,
        }
    }
}

/// Counters of the bridge since the broker started.
#[derive(Debug, Default)]
pub struct BridgeStats {
    /// Where the upstream connection stands.
    status: Mutex<LinkStatus>,
    /// Messages in the outage buffer now.
    pub queued: AtomicU64,
    /// Messages in flight upstream now.
    pub inflight: AtomicU64,
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
    /// Connection attempts that failed.
    pub failed_attempts: Counter,
}

impl BridgeStats {
    /// Records a change of state; `error` (why it went down) is kept until the next one.
    pub fn set_state(&self, state: BridgeLinkState, error: Option<String>) {
        let mut status = self.status.lock();
        if status.state != state {
            status.state = state;
            status.since = Local::now();
        }
        if error.is_some() {
            status.last_error = error;
        }
    }

    /// Where the upstream connection stands now.
    pub fn status(&self) -> LinkStatus {
        self.status.lock().clone()
    }

    /// Whether the upstream connection is up now.
    pub fn connected(&self) -> bool {
        self.status.lock().state == BridgeLinkState::Connected
    }

    /// Records how many messages wait for the upstream and how many are in flight.
    pub fn set_backlog(&self, queued: usize, inflight: usize) {
        self.queued.store(queued as u64, Ordering::Relaxed);
        self.inflight.store(inflight as u64, Ordering::Relaxed);
    }

    /// The counters as the HTTP API shows them.
    pub fn snapshot(&self) -> BridgeMetrics {
        BridgeMetrics {
            connected: self.connected(),
            reconnects: self.reconnects.get(),
            messages_forwarded: self.messages_forwarded.get(),
            messages_received: self.messages_received.get(),
            bytes_forwarded: self.bytes_forwarded.get(),
            bytes_received: self.bytes_received.get(),
            dropped: self.dropped.get(),
            queued: self.queued.load(Ordering::Relaxed),
            inflight: self.inflight.load(Ordering::Relaxed),
            failed_attempts: self.failed_attempts.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_reads_every_counter() {
        let stats = BridgeStats::default();
        stats.set_state(BridgeLinkState::Connected, None);
        stats.reconnects.add(1);
        stats.messages_forwarded.add(2);
        stats.messages_received.add(3);
        stats.bytes_forwarded.add(4);
        stats.bytes_received.add(5);
        stats.dropped.add(6);
        stats.set_backlog(7, 8);
        stats.failed_attempts.add(9);
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
                queued: 7,
                inflight: 8,
                failed_attempts: 9,
            }
        );
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn the_last_error_outlives_a_reconnection_attempt() {
        let stats = BridgeStats::default();
        assert_eq!(stats.status().state, BridgeLinkState::Stopped);
        stats.set_state(BridgeLinkState::Disconnected, Some("refused".into()));
        stats.set_state(BridgeLinkState::Connecting, None);
        let status = stats.status();
        assert_eq!(status.state, BridgeLinkState::Connecting);
        assert_eq!(status.last_error.as_deref(), Some("refused"));
        assert!(!stats.connected());
    }
}
