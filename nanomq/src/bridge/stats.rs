//! The bridge's counters. They live in the [`super::BridgeState`] the server keeps for its
//! whole life (not in the bridge task), so they can be read at any time and survive listener
//! restarts.
//!
//! Relaxed atomics like the broker's own [`crate::metrics::Metrics`]: each counter is
//! independent and only ever read as a snapshot.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Local};
use parking_lot::Mutex;
use shared_types::BridgeLinkState;
use shared_types::metrics::{BridgeMetrics, drain_eta};

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
    /// The forwarding rate, measured when the counters are read.
    rate: Mutex<Rate>,
}

/// How often the forwarding rate is measured at most: reads closer together show the last
/// measurement.
const RATE_PERIOD: Duration = Duration::from_secs(1);

/// The forwarding rate: messages forwarded between two reads at least [`RATE_PERIOD`] apart.
/// Measured on read (the API, Prometheus, `$SYS`), so the forwarding path pays nothing.
#[derive(Debug, Default)]
struct Rate {
    sample: Option<(Instant, u64)>,
    per_second: u64,
}

impl Rate {
    fn update(&mut self, now: Instant, forwarded: u64) -> u64 {
        match self.sample {
            Some((at, before)) if now.duration_since(at) >= RATE_PERIOD => {
                let elapsed = now.duration_since(at).as_secs_f64();
                let moved = forwarded.saturating_sub(before) as f64;
                self.per_second = (moved / elapsed).round() as u64;
                self.sample = Some((now, forwarded));
            }
            Some(_) => {}
            None => self.sample = Some((now, forwarded)),
        }
        self.per_second
    }
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
        let forwarded = self.messages_forwarded.get();
        let forward_rate = self.rate.lock().update(Instant::now(), forwarded);
        let queued = self.queued.load(Ordering::Relaxed);
        BridgeMetrics {
            connected: self.connected(),
            reconnects: self.reconnects.get(),
            messages_forwarded: forwarded,
            messages_received: self.messages_received.get(),
            bytes_forwarded: self.bytes_forwarded.get(),
            bytes_received: self.bytes_received.get(),
            dropped: self.dropped.get(),
            queued,
            inflight: self.inflight.load(Ordering::Relaxed),
            failed_attempts: self.failed_attempts.get(),
            forward_rate,
            drain_eta_s: drain_eta(queued, forward_rate),
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
                forward_rate: 0,
                drain_eta_s: None,
            }
        );
    }

    #[test]
    fn the_rate_is_what_moved_between_reads_a_second_apart() {
        let mut rate = Rate::default();
        let start = Instant::now();
        assert_eq!(rate.update(start, 100), 0, "one read measures nothing");
        assert_eq!(
            rate.update(start + Duration::from_millis(500), 600),
            0,
            "too soon"
        );
        assert_eq!(rate.update(start + Duration::from_secs(2), 2100), 1000);
        assert_eq!(drain_eta(5000, 1000), Some(5));
        assert_eq!(drain_eta(0, 1000), None);
        assert_eq!(drain_eta(10, 0), None);
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
