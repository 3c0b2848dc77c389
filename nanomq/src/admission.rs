//! Admission: what a connection may cost before it has authenticated, and how many may be
//! open at once, so that thousands of half-open sockets cost little, go away within seconds
//! and never lock out a client that completes its handshake.
//!
//! - Every accepted MQTT socket is *pending* until its CONNECT has been read: it gets one
//!   deadline for everything before that ([`PRE_CONNECT_TIMEOUT`]: TLS, WebSocket, CONNECT),
//!   and a slot in a table of at most `max_pending`. A new socket that finds the table full
//!   evicts the oldest pending one: a flood of silent sockets only ever pushes out its own
//!   kind, while a real client, which completes its handshake in milliseconds, gets through.
//! - A CONNECT larger than [`FREE_CONNECT_BYTES`] is buffered only against a shared budget
//!   ([`CONNECT_BUDGET`] bytes for all pending sockets together); a socket that cannot get its
//!   share is closed. What half-open sockets hold is therefore bounded, whatever they announce.
//! - Past `max_connections` connected clients, a CONNECT is refused (CONNACK 0x97 for MQTT 5,
//!   3 for MQTT 3.x) and counted.
//!
//! The defaults come from the open-file limit ([`FdBudget`]), keeping a reserve so that the
//! HTTP API and pending sockets always have descriptors left.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::metrics::Counter;

/// How long a socket may take from accept to a complete CONNECT, transport handshakes included.
pub const PRE_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// CONNECT packets up to this size are buffered without asking the shared budget.
pub const FREE_CONNECT_BYTES: usize = 4 * 1024;
/// Bytes all pending sockets together may buffer for CONNECT packets above
/// [`FREE_CONNECT_BYTES`].
pub const CONNECT_BUDGET: usize = 32 * 1024 * 1024;
/// File descriptors kept for everything that is neither a client nor an API connection
/// (listeners, the epoll instance, configuration and key files, the store).
const FD_MISC: u64 = 64;

/// How the open-file limit is shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdBudget {
    /// The default for `max_connections` (connected MQTT clients).
    pub max_connections: usize,
    /// Sockets waiting for their CONNECT.
    pub max_pending: usize,
    /// Connections to the HTTP API.
    pub max_http: usize,
}

impl FdBudget {
    /// The budget for this process's open-file limit.
    pub fn current() -> FdBudget {
        let limit = rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft);
        FdBudget::for_limit(limit)
    }

    /// The budget for an open-file limit of `limit`.
    pub fn for_limit(limit: u64) -> FdBudget {
        let max_pending = (limit / 8).clamp(16, 1024);
        let max_http = (limit / 32).clamp(8, 256);
        let max_connections = limit
            .saturating_sub(max_pending + max_http + FD_MISC)
            .max(1);
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        FdBudget {
            max_connections: size(max_connections),
            max_pending: size(max_pending),
            max_http: size(max_http),
        }
    }
}

/// The admission state shared by every listener.
#[derive(Debug)]
pub struct Admission {
    pending: Mutex<BTreeMap<u64, CancellationToken>>,
    next_key: AtomicU64,
    max_pending: usize,
    connect_bytes: Arc<Semaphore>,
    /// Pending sockets pushed out by newer ones.
    pub evicted: AtomicU64,
    /// Sockets closed because their CONNECT did not fit in the shared budget.
    pub over_budget: AtomicU64,
    /// CONNECT packets refused because `max_connections` clients were connected.
    pub refused: AtomicU64,
}

impl Admission {
    /// Admission with room for `max_pending` sockets waiting for their CONNECT.
    pub fn new(max_pending: usize) -> Admission {
        Admission {
            pending: Mutex::new(BTreeMap::new()),
            next_key: AtomicU64::new(0),
            max_pending: max_pending.max(1),
            connect_bytes: Arc::new(Semaphore::new(CONNECT_BUDGET)),
            evicted: AtomicU64::new(0),
            over_budget: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// Registers a newly accepted socket, evicting the oldest pending one when the table is
    /// full. The ticket is given back (dropped) once CONNECT has been read.
    pub fn enter(self: &Arc<Self>) -> PendingTicket {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        let evicted = CancellationToken::new();
        let mut pending = self.pending.lock();
        while pending.len() >= self.max_pending {
            match pending.pop_first() {
                Some((_, oldest)) => {
                    oldest.cancel();
                    self.evicted.fetch_add(1, Ordering::Relaxed);
                }
                None => break,
            }
        }
        pending.insert(key, evicted.clone());
        drop(pending);
        PendingTicket {
            admission: Arc::clone(self),
            key,
            evicted,
            deadline: Instant::now() + PRE_CONNECT_TIMEOUT,
        }
    }

    /// Most sockets waiting for their CONNECT at once.
    pub fn max_pending(&self) -> usize {
        self.max_pending
    }

    /// Sockets waiting for their CONNECT now.
    pub fn pending(&self) -> usize {
        self.pending.lock().len()
    }

    /// Takes `bytes` of the shared CONNECT budget, if that many are left.
    pub fn reserve_connect(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let permits = u32::try_from(bytes).ok()?;
        match Arc::clone(&self.connect_bytes).try_acquire_many_owned(permits) {
            Ok(permit) => Some(permit),
            Err(_) => {
                self.over_budget.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Counts one more connected client in `connected` unless `max` are connected already.
    pub fn admit(&self, connected: &Counter, max: usize) -> bool {
        let admitted = connected.increment_below(u64::try_from(max).unwrap_or(u64::MAX));
        if !admitted {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        admitted
    }
}

/// A socket's place among the pending ones; leaves the table when dropped.
#[derive(Debug)]
pub struct PendingTicket {
    admission: Arc<Admission>,
    key: u64,
    evicted: CancellationToken,
    /// When the socket's time to complete CONNECT runs out.
    pub deadline: Instant,
}

impl PendingTicket {
    /// Resolves when a newer socket pushed this one out.
    pub async fn evicted(&self) {
        self.evicted.cancelled().await;
    }
}

impl Drop for PendingTicket {
    fn drop(&mut self) {
        self.admission.pending.lock().remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_keeps_a_reserve() {
        let b = FdBudget::for_limit(20_000);
        assert_eq!((b.max_pending, b.max_http), (1024, 256));
        assert_eq!(b.max_connections, 20_000 - 1024 - 256 - 64);
        let small = FdBudget::for_limit(1024);
        assert_eq!((small.max_pending, small.max_http), (128, 32));
        assert_eq!(small.max_connections, 1024 - 128 - 32 - 64);
        assert_eq!(FdBudget::for_limit(10).max_connections, 1);
    }

    #[tokio::test]
    async fn a_full_table_evicts_the_oldest_pending_socket() {
        let admission = Arc::new(Admission::new(2));
        let first = admission.enter();
        let second = admission.enter();
        let third = admission.enter();
        first.evicted().await;
        assert!(!second.evicted.is_cancelled() && !third.evicted.is_cancelled());
        assert_eq!(admission.evicted.load(Ordering::Relaxed), 1);
        drop(second);
        assert_eq!(admission.pending(), 1);
        // `first` was already removed when evicted; dropping it removes nothing else.
        drop(first);
        assert_eq!(admission.pending(), 1);
    }

    #[test]
    fn connected_clients_are_capped_and_refusals_counted() {
        let admission = Admission::new(4);
        let connected = Counter::default();
        assert!(admission.admit(&connected, 2));
        assert!(admission.admit(&connected, 2));
        assert!(!admission.admit(&connected, 2));
        assert_eq!(connected.get(), 2);
        assert_eq!(admission.refused.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn the_connect_budget_is_shared() {
        let admission = Admission::new(4);
        let big = admission.reserve_connect(CONNECT_BUDGET - 10).unwrap();
        assert!(admission.reserve_connect(11).is_none());
        drop(big);
        assert!(admission.reserve_connect(CONNECT_BUDGET).is_some());
    }
}
