//! What the broker refuses to stay within its limits, and the memory ceiling.
//!
//! Every refusal is counted by kind (`/metrics`, Prometheus, `nanomq-cli metrics`) and logged
//! at warn, at most once per [`LOG_EVERY`] per kind (the line says how many were refused since
//! the last one), so a client that keeps hitting a limit cannot flood the log.
//!
//! `max_memory`: a watcher reads the process's resident memory every [`MEMORY_PERIOD`]. From
//! [`PRESSURE_ON`] of the ceiling up, the broker is under pressure and refuses what would grow
//! memory: new connections (CONNACK 0x97 / 3), new subscriptions (0x97), retained messages
//! that add bytes (0x97), and a publish to a full queue drops for that subscriber instead of
//! pausing its publisher; what it holds is served as ever. Under [`PRESSURE_OFF`] it recovers.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;
use tracing::warn;

use super::Broker;

/// How often resident memory is read against `max_memory`.
pub const MEMORY_PERIOD: Duration = Duration::from_millis(100);
/// The share of `max_memory` (percent) from which growth is refused.
pub const PRESSURE_ON: u64 = 90;
/// The share of `max_memory` (percent) under which it is allowed again.
pub const PRESSURE_OFF: u64 = 80;
/// The shortest time between two log lines of one kind of refusal.
pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// What was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A connection (memory ceiling).
    Connection,
    /// A subscription (`max_subscriptions`, memory ceiling).
    Subscription,
    /// A retained message (`max_retained_messages`, `max_retained_bytes`, memory ceiling,
    /// store quota).
    Retained,
    /// A publish with durable work while the store is over its quota.
    Publish,
}

impl Refused {
    fn name(self) -> &'static str {
        match self {
            Refused::Connection => "connection",
            Refused::Subscription => "subscription",
            Refused::Retained => "retained message",
            Refused::Publish => "publish",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The refusals so far, and the state of the memory ceiling.
#[derive(Debug, Default)]
pub struct Limits {
    counts: [AtomicU64; 4],
    logged: Mutex<[Option<(Instant, u64)>; 4]>,
    pressure: AtomicBool,
}

impl Limits {
    /// Refusals of `kind` so far.
    pub fn refused(&self, kind: Refused) -> u64 {
        self.counts[kind.index()].load(Ordering::Relaxed)
    }

    /// Whether resident memory is near `max_memory`.
    pub fn under_pressure(&self) -> bool {
        self.pressure.load(Ordering::Relaxed)
    }

    /// Counts a refusal and logs it, unless one of its kind was logged within [`LOG_EVERY`].
    fn count(&self, kind: Refused, client_id: &str, why: &str) {
        let total = self.counts[kind.index()].fetch_add(1, Ordering::Relaxed) + 1;
        let now = Instant::now();
        let mut logged = self.logged.lock();
        let slot = &mut logged[kind.index()];
        let since = match slot {
            Some((at, _)) if now.duration_since(*at) < LOG_EVERY => return,
            Some((_, count_then)) => total - *count_then,
            None => 1,
        };
        *slot = Some((now, total));
        drop(logged);
        warn!(
            what = kind.name(),
            client_id,
            why,
            refused_since_last_line = since,
            "refused to stay within a limit"
        );
    }

    /// Takes a reading of resident memory against `max`: whether the broker is under
    /// pressure now.
    fn observe(&self, rss: u64, max: u64) -> bool {
        let was = self.under_pressure();
        let now = if was {
            rss.saturating_mul(100) >= max.saturating_mul(PRESSURE_OFF)
        } else {
            rss.saturating_mul(100) >= max.saturating_mul(PRESSURE_ON)
        };
        if now != was {
            self.pressure.store(now, Ordering::Relaxed);
            if now {
                warn!(
                    rss,
                    max_memory = max,
                    "memory near max_memory: refusing what would grow it"
                );
            } else {
                warn!(
                    rss,
                    max_memory = max,
                    "memory back under max_memory: accepting again"
                );
            }
        }
        now
    }
}

impl Broker {
    /// Counts and logs a refusal of `kind` for `client_id`.
    pub(crate) fn refuse(&self, kind: Refused, client_id: &str, why: &str) {
        self.inner.limits.count(kind, client_id, why);
    }

    /// The refusals so far, and the memory ceiling's state.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Whether resident memory is near `max_memory` (never without a ceiling).
    pub fn under_memory_pressure(&self) -> bool {
        self.inner.limits.under_pressure()
    }

    /// Watches resident memory against `max_memory` until the future is dropped; the server
    /// runs it for the broker's life.
    pub async fn watch_memory(&self) {
        let mut tick = tokio::time::interval(MEMORY_PERIOD);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match self.settings().max_memory {
                Some(max) => {
                    self.inner
                        .limits
                        .observe(crate::memory::resident_memory(), max);
                }
                None => {
                    self.inner.limits.pressure.store(false, Ordering::Relaxed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pressure_has_hysteresis() {
        let limits = Limits::default();
        assert!(!limits.observe(85, 100));
        assert!(limits.observe(90, 100));
        assert!(limits.observe(81, 100), "still near");
        assert!(!limits.observe(79, 100));
    }

    #[tokio::test(start_paused = true)]
    async fn refusals_are_counted_every_time_and_logged_now_and_then() {
        let limits = Limits::default();
        for _ in 0..100 {
            limits.count(Refused::Subscription, "c", "max_subscriptions");
        }
        assert_eq!(limits.refused(Refused::Subscription), 100);
        assert_eq!(limits.refused(Refused::Retained), 0);
        let logged = limits.logged.lock()[Refused::Subscription.index()];
        assert_eq!(logged.map(|(_, count)| count), Some(1), "one line for 100");
    }
}
