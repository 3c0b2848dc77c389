//! Sessions: what the broker keeps for one client identifier, connected or not.
//!
//! A [`Session`] outlives the connections that use it when the client asked for a persistent
//! session. It owns the delivery queue ([`mailbox::Mailbox`]) that the router pushes into, the
//! record of the client's subscriptions (the router's trie is the index built from it; both
//! are changed only by the broker's subscribe operations), the details shown by the HTTP API,
//! and — while no connection is attached — the parked acknowledgement state
//! ([`inflight::DeliveryState`]). The connection task that serves the client takes that state
//! while it runs and parks it again when it ends; a link ([`Link`]) lets a newer connection or
//! the API take over. The session's life (open, take over, close, expire) is the broker's
//! (`broker::lifecycle`).

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

pub use crate::ids::SessionId;

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
    /// The will of the current connection, as the API shows it.
    pub will: Option<Arc<WillSummary>>,
    /// Session expiry interval in seconds (`u32::MAX` = never).
    pub expiry_interval: u32,
}

/// A will as the API shows it (`will_topic`, `will_msg`): one allocation, and only for
/// clients that have a will.
#[derive(Debug)]
pub struct WillSummary {
    /// The will's topic.
    pub topic: Arc<str>,
    /// The will's payload (a copy: it does not pin the buffer the CONNECT arrived in).
    pub payload: bytes::Bytes,
}

impl WillSummary {
    /// The summary of `will`.
    pub fn of(will: &crate::codec::LastWill) -> Arc<WillSummary> {
        Arc::new(WillSummary {
            topic: Arc::clone(&will.topic),
            payload: bytes::Bytes::copy_from_slice(&will.payload),
        })
    }
}

/// Orders a running connection receives from outside its task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ConnCommand {
    /// Another connection with the same client identifier arrived (MQTT 5 reason 0x8E).
    TakeOver = 1,
    /// An operator kicked the client; its session is discarded (MQTT 5 reason 0x98).
    Kick = 2,
    /// A reload revoked the client's login (its user removed or changed, or the rules now
    /// deny it everything); its session stays until it expires (MQTT 5 reason 0x87).
    Revoke = 3,
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
            3 => Some(ConnCommand::Revoke),
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
    /// Who the client authenticated as (a reload checks it against the new users and rules).
    pub identity: Arc<crate::auth::Identity>,
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
    /// Deliveries waiting for the client (the publish path: its own lock).
    pub mailbox: Mailbox,
    /// Message counters.
    pub stats: SessionStats,
    /// Whether a connection is attached: mirrors `state.link`, readable without the lock by
    /// routing (a shared group prefers connected members).
    connected: AtomicBool,
    /// Whether the store keeps this session (persistent, with the store on): routing gives
    /// its QoS 1/2 deliveries store keys.
    durable: AtomicBool,
    /// Everything else, which changes only when clients connect, disconnect, subscribe or
    /// unsubscribe: one lock, so no invariant spans two.
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    details: ClientDetails,
    subscriptions: BTreeMap<String, SubscriptionRecord>,
    /// The acknowledgement state while no connection holds it.
    /// (Boxed: only sessions whose client is away hold one, and a connected session would
    /// otherwise carry its empty space.)
    parked: Option<Box<DeliveryState>>,
    /// The connection attached now.
    link: Option<Link>,
    /// Bumped at every attachment, so that timers armed at a disconnection can tell whether
    /// the client came back meanwhile.
    generation: u64,
    /// Replaced or removed: a connection still using it must not park anything in it.
    discarded: bool,
    /// When its client went away (wall clock), while no connection is attached.
    away_since: Option<std::time::SystemTime>,
}

impl Session {
    /// A new, empty session.
    pub fn new(id: SessionId, client_id: Arc<str>, details: ClientDetails) -> Session {
        Session {
            id,
            client_id,
            mailbox: Mailbox::default(),
            stats: SessionStats::default(),
            connected: AtomicBool::new(false),
            durable: AtomicBool::new(false),
            state: Mutex::new(State {
                details,
                subscriptions: BTreeMap::new(),
                parked: None,
                link: None,
                generation: 0,
                discarded: false,
                away_since: None,
            }),
        }
    }

    /// True while a connection is attached.
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Acquire)
    }

    /// Whether the store keeps this session.
    pub fn is_durable(&self) -> bool {
        self.durable.load(Ordering::Acquire)
    }

    /// Marks the session as kept by the store, or not; returns what it was.
    pub fn set_durable(&self, durable: bool) -> bool {
        self.durable.swap(durable, Ordering::AcqRel)
    }

    /// Parks `state` in a session no connection is attached to (one read back from the
    /// store, whose client went away at `away_since`).
    pub fn park(&self, state: DeliveryState, away_since: std::time::SystemTime) {
        let mut guard = self.state.lock();
        guard.parked = Some(Box::new(state));
        guard.away_since = Some(away_since);
    }

    /// When the client went away (wall clock), if it is away.
    pub fn away_since(&self) -> Option<std::time::SystemTime> {
        self.state.lock().away_since
    }

    /// True once the session has been replaced or removed.
    pub fn is_discarded(&self) -> bool {
        self.state.lock().discarded
    }

    /// Marks the session as replaced or removed: its queue is closed for good.
    pub fn discard(&self) {
        self.state.lock().discarded = true;
        self.connected.store(false, Ordering::Release);
        self.mailbox.close();
    }

    /// The current attachment generation.
    pub fn generation(&self) -> u64 {
        self.state.lock().generation
    }

    /// Whether the client is away and has not come back since `generation` (what a will or
    /// expiry timer armed at that disconnection must check before acting).
    pub fn still_away_since(&self, generation: u64) -> bool {
        let state = self.state.lock();
        state.generation == generation && state.link.is_none()
    }

    /// Installs the link of a newly attached connection (a new generation), returning the
    /// previous one.
    pub fn replace_link(&self, link: Link) -> Option<Link> {
        let mut state = self.state.lock();
        state.generation += 1;
        state.link.replace(link)
    }

    /// Who the attached connection's client is, if one is attached.
    pub fn linked_identity(&self) -> Option<Arc<crate::auth::Identity>> {
        self.state
            .lock()
            .link
            .as_ref()
            .map(|l| Arc::clone(&l.identity))
    }

    /// Takes the link of the attached connection, if any (to kick it).
    pub fn take_link(&self) -> Option<Link> {
        self.state.lock().link.take()
    }

    /// The number of the connection attached now, if any.
    pub fn link_owner(&self) -> Option<u64> {
        self.state.lock().link.as_ref().map(|l| l.conn_id)
    }

    /// Sends an order to the attached connection; false when none is attached.
    pub fn command(&self, command: ConnCommand) -> bool {
        self.state
            .lock()
            .link
            .as_ref()
            .map(|link| link.signal.send(command))
            .is_some()
    }

    /// Called as a connection starts serving this session: records its details and takes the
    /// parked acknowledgement state.
    pub fn attach(&self, details: ClientDetails) -> DeliveryState {
        let mut state = self.state.lock();
        state.details = details;
        state.away_since = None;
        self.connected.store(true, Ordering::Release);
        state
            .parked
            .take()
            .map(|parked| *parked)
            .unwrap_or_default()
    }

    /// Called as a connection ends: parks its state and forgets its link (if the link is still
    /// its own — a newer connection may already have replaced it). Returns the session's
    /// generation when it was still the current connection (timers armed for the absence
    /// check it), `None` when a newer connection has taken the session over.
    pub fn detach(&self, conn_id: u64, parked: DeliveryState) -> Option<u64> {
        let mut state = self.state.lock();
        state.parked = Some(Box::new(parked));
        let current = state.link.as_ref().is_some_and(|l| l.conn_id == conn_id);
        if !current {
            return None;
        }
        state.link = None;
        state.details.peer = None;
        state.away_since = Some(std::time::SystemTime::now());
        self.connected.store(false, Ordering::Release);
        Some(state.generation)
    }

    /// A snapshot of the client details.
    pub fn details(&self) -> ClientDetails {
        self.state.lock().details.clone()
    }

    /// Updates the client details in place.
    pub fn update_details(&self, change: impl FnOnce(&mut ClientDetails)) {
        change(&mut self.state.lock().details);
    }

    /// Records a subscription; returns whether the filter was already subscribed.
    pub fn add_subscription(&self, filter: &str, record: SubscriptionRecord) -> bool {
        self.state
            .lock()
            .subscriptions
            .insert(filter.to_owned(), record)
            .is_some()
    }

    /// Whether the session subscribes to exactly `filter`.
    pub fn has_subscription(&self, filter: &str) -> bool {
        self.state.lock().subscriptions.contains_key(filter)
    }

    /// Forgets a subscription; returns whether it existed.
    pub fn remove_subscription(&self, filter: &str) -> bool {
        self.state.lock().subscriptions.remove(filter).is_some()
    }

    /// The session's subscriptions, ordered by filter.
    pub fn subscriptions(&self) -> Vec<(String, SubscriptionRecord)> {
        self.state
            .lock()
            .subscriptions
            .iter()
            .map(|(f, r)| (f.clone(), r.clone()))
            .collect()
    }

    /// Removes and returns every subscription (the session is ending).
    pub fn take_subscriptions(&self) -> Vec<String> {
        std::mem::take(&mut self.state.lock().subscriptions)
            .into_keys()
            .collect()
    }

    /// Number of subscriptions.
    pub fn subscription_count(&self) -> usize {
        self.state.lock().subscriptions.len()
    }
}
