//! Sessions: what the broker keeps for one client identifier, connected or not.
//!
//! A [`Session`] outlives the connections that use it when the client asked for a persistent
//! session. It owns the delivery queue ([`mailbox::Mailbox`]) that the router pushes into, the
//! list of the client's subscriptions, the details shown by the HTTP API, and — while no
//! connection is attached — the parked acknowledgement state ([`inflight::DeliveryState`]).
//! The connection task that serves the client takes that state while it runs and parks it
//! again when it ends; a link ([`Link`]) lets a newer connection or the API take over.

pub mod inflight;
pub mod mailbox;
pub mod registry;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

use chrono::{DateTime, Local};
use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::codec::{ProtocolVersion, SubscriptionOptions};
use inflight::DeliveryState;
use mailbox::Mailbox;

/// A process-unique number for one session object (a new one for every clean start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// One subscription as the session remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    /// Subscription options as granted.
    pub options: SubscriptionOptions,
    /// MQTT 5 subscription identifier.
    pub identifier: Option<u32>,
}

/// What the HTTP API shows about the client behind a session.
#[derive(Debug, Clone)]
pub struct ClientDetails {
    /// Username given at CONNECT.
    pub username: Option<String>,
    /// Protocol version of the last connection.
    pub protocol: ProtocolVersion,
    /// Keep alive in seconds.
    pub keep_alive: u16,
    /// Clean session / clean start flag of the last connection.
    pub clean_start: bool,
    /// Peer address while connected.
    pub peer: Option<SocketAddr>,
    /// When the last connection was accepted.
    pub connected_at: DateTime<Local>,
    /// Topic of the will of the current connection.
    pub will_topic: Option<Arc<str>>,
    /// Session expiry interval in seconds (`u32::MAX` = never).
    pub expiry_interval: u32,
}

/// Orders a running connection receives from outside its task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ConnCommand {
    /// Another connection with the same client identifier arrived (MQTT 5 reason 0x8E).
    TakeOver = 1,
    /// An operator kicked the client; its session is discarded (MQTT 5 reason 0x98).
    Kick = 2,
}

/// The mailbox between a running connection and whoever needs to stop it: one order at most
/// (the first one wins) and a "finished" flag. Two atomics and two `Notify`s: about a tenth
/// of a channel pair, which counts for thousands of idle connections.
#[derive(Debug, Default)]
pub struct LinkSignal {
    command: AtomicU8,
    wake: Notify,
    finished: AtomicBool,
    done: Notify,
}

impl LinkSignal {
    /// Gives the connection an order (ignored if it already has one).
    pub fn send(&self, command: ConnCommand) {
        let _ =
            self.command
                .compare_exchange(0, command as u8, Ordering::AcqRel, Ordering::Acquire);
        self.wake.notify_one();
    }

    /// The order given, if any, without waiting.
    pub fn pending(&self) -> Option<ConnCommand> {
        match self.command.load(Ordering::Acquire) {
            1 => Some(ConnCommand::TakeOver),
            2 => Some(ConnCommand::Kick),
            _ => None,
        }
    }

    /// Waits for an order (connection side).
    pub async fn received(&self) -> ConnCommand {
        loop {
            let notified = self.wake.notified();
            if let Some(command) = self.pending() {
                return command;
            }
            notified.await;
        }
    }

    /// Marks the connection finished (its state is parked) and wakes whoever waits for it.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Release);
        self.done.notify_waiters();
    }

    /// Waits until the connection has finished.
    pub async fn finished(&self) {
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.finished.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

/// The way to reach the connection currently attached to a session.
#[derive(Debug, Clone)]
pub struct Link {
    /// Process-unique number of the connection.
    pub conn_id: u64,
    /// Its orders and its end.
    pub signal: Arc<LinkSignal>,
}

/// Per-session message counters shown by the HTTP API.
#[derive(Debug, Default)]
pub struct SessionStats {
    /// PUBLISH packets received from the client.
    pub recv_msg: AtomicU64,
    /// PUBLISH packets sent to the client.
    pub send_msg: AtomicU64,
}

/// Everything the broker keeps for one client identifier.
#[derive(Debug)]
pub struct Session {
    /// Unique number of this session object.
    pub id: SessionId,
    /// The client identifier.
    pub client_id: Arc<str>,
    /// Deliveries waiting for the client.
    pub mailbox: Mailbox,
    /// Message counters.
    pub stats: SessionStats,
    subscriptions: Mutex<BTreeMap<String, SubscriptionRecord>>,
    details: Mutex<ClientDetails>,
    parked: Mutex<Option<DeliveryState>>,
    link: Mutex<Option<Link>>,
    connected: AtomicBool,
    discarded: AtomicBool,
    /// Bumped at every (re)attachment, so timers armed at a disconnection can tell whether
    /// the client came back in the meantime.
    generation: AtomicU64,
    /// The task publishing the will and ending the session after a disconnection; aborted
    /// when a connection comes back or the session goes, so reconnections pile none up.
    absence: Mutex<Option<tokio::task::AbortHandle>>,
}

impl Session {
    /// A new, empty session.
    pub fn new(id: SessionId, client_id: Arc<str>, details: ClientDetails) -> Session {
        Session {
            id,
            client_id,
            mailbox: Mailbox::default(),
            stats: SessionStats::default(),
            subscriptions: Mutex::new(BTreeMap::new()),
            details: Mutex::new(details),
            parked: Mutex::new(None),
            link: Mutex::new(None),
            connected: AtomicBool::new(false),
            discarded: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            absence: Mutex::new(None),
        }
    }

    /// True while a connection is attached.
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Acquire)
    }

    /// True once the session has been replaced or removed; a connection still using it must
    /// not park anything in it.
    pub fn is_discarded(&self) -> bool {
        self.discarded.load(Ordering::Acquire)
    }

    /// Marks the session as replaced or removed.
    pub fn discard(&self) {
        self.discarded.store(true, Ordering::Release);
        self.mailbox.close();
        self.cancel_absence();
    }

    /// Records the task that acts on this disconnection (will delay, expiry), replacing and
    /// aborting any earlier one.
    pub fn set_absence(&self, task: tokio::task::AbortHandle) {
        if let Some(earlier) = self.absence.lock().replace(task) {
            earlier.abort();
        }
    }

    /// Aborts the task recorded by [`Session::set_absence`], if any.
    pub fn cancel_absence(&self) {
        if let Some(task) = self.absence.lock().take() {
            task.abort();
        }
    }

    /// The current attachment generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Installs the link of a newly attached connection, returning the previous one.
    pub fn replace_link(&self, link: Link) -> Option<Link> {
        // Under the link's lock, so that `detach` reads the generation its link belonged to.
        let mut current = self.link.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.cancel_absence();
        current.replace(link)
    }

    /// Takes the link of the attached connection, if any (to kick it).
    pub fn take_link(&self) -> Option<Link> {
        self.link.lock().take()
    }

    /// The number of the connection attached now, if any.
    pub fn link_owner(&self) -> Option<u64> {
        self.link.lock().as_ref().map(|l| l.conn_id)
    }

    /// Sends an order to the attached connection; false when none is attached.
    pub fn command(&self, command: ConnCommand) -> bool {
        self.link
            .lock()
            .as_ref()
            .map(|link| link.signal.send(command))
            .is_some()
    }

    /// Called by a connection as it starts serving this session: takes the parked state.
    pub fn attach(&self, details: ClientDetails) -> DeliveryState {
        *self.details.lock() = details;
        self.connected.store(true, Ordering::Release);
        self.parked.lock().take().unwrap_or_default()
    }

    /// Called by a connection as it ends: parks its state and forgets its link (if the link
    /// is still its own — a newer connection may already have replaced it). Returns the
    /// session's generation when it was still the current connection (timers started for
    /// the absence check it), `None` when a newer connection has taken the session over.
    pub fn detach(&self, conn_id: u64, state: DeliveryState) -> Option<u64> {
        *self.parked.lock() = Some(state);
        let mut link = self.link.lock();
        let current = link.as_ref().is_some_and(|l| l.conn_id == conn_id);
        if !current {
            return None;
        }
        *link = None;
        self.connected.store(false, Ordering::Release);
        self.details.lock().peer = None;
        Some(self.generation())
    }

    /// A snapshot of the client details.
    pub fn details(&self) -> ClientDetails {
        self.details.lock().clone()
    }

    /// Updates the client details in place.
    pub fn update_details(&self, change: impl FnOnce(&mut ClientDetails)) {
        change(&mut self.details.lock());
    }

    /// Records a subscription; returns whether the filter was already subscribed.
    pub fn add_subscription(&self, filter: &str, record: SubscriptionRecord) -> bool {
        self.subscriptions
            .lock()
            .insert(filter.to_owned(), record)
            .is_some()
    }

    /// Forgets a subscription; returns whether it existed.
    pub fn remove_subscription(&self, filter: &str) -> bool {
        self.subscriptions.lock().remove(filter).is_some()
    }

    /// The session's subscriptions, ordered by filter.
    pub fn subscriptions(&self) -> Vec<(String, SubscriptionRecord)> {
        self.subscriptions
            .lock()
            .iter()
            .map(|(f, r)| (f.clone(), r.clone()))
            .collect()
    }

    /// Removes and returns every subscription (the session is ending).
    pub fn take_subscriptions(&self) -> Vec<String> {
        std::mem::take(&mut *self.subscriptions.lock())
            .into_keys()
            .collect()
    }

    /// Number of subscriptions.
    pub fn subscription_count(&self) -> usize {
        self.subscriptions.lock().len()
    }
}
