//! The broker: the one door to its state. Client connections, the bridge and the HTTP API
//! act on sessions, subscriptions and messages only through the operations here, which is
//! where the rules live (the `$SYS/` reservation, topic depth, access control, the limits),
//! where the events storage and statistics consume are emitted, and where the timers for
//! wills and expiries are armed.
//!
//! - [`settings`]: the configuration, converted once per (re)start.
//! - [`access`]: access decisions with the rules in force, denials counted and logged.
//! - [`auth`]: authentication at CONNECT.
//! - [`publish`]: publishing, from every source.
//! - [`subscribe`]: subscribing and unsubscribing (the router's trie and the session's record).
//! - [`lifecycle`]: a session's life: open (with takeover), close, kick, expiry.
//! - [`limits`]: refusals to stay within the limits, counted and logged; the memory ceiling.
//! - [`timers`]: one timer queue for wills, session expiry and retained-message expiry.
//! - [`events`]: what happened, for whoever listens.
//! - [`sys`]: the `$SYS/brokers/...` connected and disconnected events.
//! - [`restore`]: putting what the store read back at start into place.
//! - [`revoke`]: new users and rules in force, and the connections they no longer let in.
//!
//! With the store on, the operations also record in it what must survive a crash (persistent
//! sessions, their QoS 1/2 deliveries, retained messages) and return the ticket an answer to
//! the client must wait for ([`Broker::is_durable`], [`Broker::durable`]).
//!
//! The state outlives listener restarts (`ctrl/restart`), which is how retained messages and
//! persistent sessions survive them. The publish path stays synchronous: routing takes the
//! same locks as it would without this layer, and events cost nothing when nobody listens.

pub mod access;
pub mod auth;
pub mod events;
pub mod lifecycle;
pub mod limits;
pub mod publish;
pub mod restore;
pub mod revoke;
pub mod settings;
pub mod subscribe;
pub mod sys;
pub mod timers;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arc_swap::ArcSwap;
use chrono::{DateTime, Local};
use parking_lot::RwLock;
use shared_types::config::Config;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::admission::{Admission, FdBudget};
use crate::auth::AuthSetupError;
use crate::auth::throttle::Throttle;
pub use crate::auth::{Actor, Identity};
use crate::codec::PacketId;
use crate::message::{Delivery, Message};
use crate::metrics::Metrics;
use crate::router::retained::RetainedMessages;
use crate::router::{Router, TopicLevel};
use crate::session::Session;
use crate::session::registry::SessionRegistry;
use crate::store::{Journal, Op, StoreStats, Ticket};
use events::{BrokerEvent, EventSink, Events};
pub use settings::{OUTBOUND_TOPIC_ALIAS_MAX, Settings};

/// The client id of the `[bridge]` section's local session (a named bridge's is this, `/` and
/// its name). It starts with U+0000, which no MQTT string may hold [MQTT-1.5.4-2] (the codec
/// refuses it), so no client can ever take it, and the store keeps each bridge's outage
/// buffer apart from every client's session.
pub const BRIDGE_CLIENT_ID: &str = "\u{0}bridge";
use timers::Timers;

/// The broker: cheap to clone, shared by every connection, listener and the HTTP API.
#[derive(Debug, Clone)]
pub struct Broker {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    router: Router,
    retained: RetainedMessages,
    sessions: SessionRegistry,
    metrics: Metrics,
    admission: Arc<Admission>,
    throttle: Throttle,
    /// Bounds the password checks running at once (each takes milliseconds of CPU).
    password_checks: Semaphore,
    /// Bounds the memory the password checks running at once fill, in MiB.
    hash_memory: Semaphore,
    timers: Timers,
    events: Events,
    /// Refusals to stay within the limits, and the memory ceiling's state.
    limits: limits::Limits,
    /// The configuration in force.
    config: RwLock<Arc<Config>>,
    /// The settings derived from it (the users and rules among them), which every operation
    /// reads as it runs: a reload reaches connected clients at their next packet. An
    /// `ArcSwap`, so that reading them on the publish path takes no lock.
    settings: Arc<ArcSwap<Settings>>,
    /// Whether the rules in `settings` can deny anything: when not, deliveries skip reading
    /// them at all (set with them).
    acl_active: AtomicBool,
    started: Instant,
    started_at: DateTime<Local>,
    next_conn_id: AtomicU64,
    /// The store, when persistence is on (attached once, at start).
    store: OnceLock<Journal>,
    /// What the store held for each bridge's local session at start (by its client id), until
    /// the bridge takes it (or, when that bridge does not run, until it is dropped).
    bridge_backlog: parking_lot::Mutex<std::collections::HashMap<String, Vec<Delivery>>>,
}

/// The broker's settings as they are in force, seen from one connection: only the broker
/// makes one ([`Broker::live_settings`]), and every read follows the broker's own, so an
/// operation given one reads the rules in force, never a snapshot a caller kept.
pub struct LiveSettings(arc_swap::Cache<Arc<ArcSwap<Settings>>, Arc<Settings>>);

impl LiveSettings {
    /// The settings in force now.
    pub(crate) fn current(&mut self) -> &Settings {
        self.0.load()
    }
}

impl std::fmt::Debug for LiveSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveSettings")
    }
}

/// How many of each thing the broker holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Sessions, connected or not.
    pub sessions: usize,
    /// Distinct topic filters subscribed.
    pub topics: usize,
    /// Subscriptions (a shared subscription counts once per member).
    pub subscriptions: usize,
    /// Retained messages.
    pub retained: usize,
}

impl Broker {
    /// A broker with no sessions, working with `config` (and the password and ACL files it
    /// names, read now).
    pub fn new(config: Config) -> Result<Broker, AuthSetupError> {
        let settings = Arc::new(Settings::load(&config)?);
        Ok(Broker {
            inner: Arc::new(Inner {
                router: Router::default(),
                retained: RetainedMessages::default(),
                sessions: SessionRegistry::default(),
                metrics: Metrics::default(),
                admission: Arc::new(Admission::new(FdBudget::current().max_pending)),
                throttle: Throttle::default(),
                password_checks: Semaphore::new(auth::PASSWORD_CHECKS as usize),
                hash_memory: Semaphore::new((auth::HASH_MEMORY_KIB / 1024) as usize),
                timers: Timers::default(),
                events: Events::default(),
                limits: limits::Limits::default(),
                config: RwLock::new(Arc::new(config)),
                acl_active: AtomicBool::new(settings.auth.acl.is_active()),
                settings: Arc::new(ArcSwap::new(settings)),
                started: Instant::now(),
                started_at: Local::now(),
                next_conn_id: AtomicU64::new(1),
                store: OnceLock::new(),
                bridge_backlog: parking_lot::Mutex::default(),
            }),
        })
    }

    /// Puts a new configuration in force (after a restart re-read the file); the running one
    /// stays when its password or ACL file is unusable.
    pub fn set_config(&self, config: Config) -> Result<(), AuthSetupError> {
        let settings = Arc::new(Settings::load(&config)?);
        self.put_in_force(config, settings);
        Ok(())
    }

    /// Puts `config` and the settings derived from it in force, together.
    pub(crate) fn put_in_force(&self, config: Config, settings: Arc<Settings>) {
        let mut running = self.inner.config.write();
        *running = Arc::new(config);
        // Rules that can deny are announced before they are in force, and rules that cannot
        // are put in force before that is announced: a delivery never skips a check it needs.
        let active = settings.auth.acl.is_active();
        if active {
            self.inner.acl_active.store(true, Ordering::Relaxed);
        }
        self.inner.settings.store(settings);
        if !active {
            self.inner.acl_active.store(false, Ordering::Relaxed);
        }
    }

    /// Attaches the store (once; later calls are ignored). From now on the operations record
    /// what must survive a crash.
    pub fn attach_store(&self, journal: Journal) {
        let _ = self.inner.store.set(journal);
    }

    /// The store, when persistence is on.
    pub fn store(&self) -> Option<&Journal> {
        self.inner.store.get()
    }

    /// The store's figures, when persistence is on.
    pub fn store_stats(&self) -> Option<StoreStats> {
        self.store().map(Journal::stats)
    }

    /// Commits what the store has been given and stops its writer (the broker is stopping).
    pub fn close_store(&self) {
        if let Some(store) = self.store() {
            store.close();
        }
    }

    /// Records `op` in the store, if there is one: the ticket an answer depending on it must
    /// wait for.
    fn record(&self, op: impl FnOnce() -> Op) -> Ticket {
        self.store()
            .map_or(Ticket::NONE, |store| store.submit(op()))
    }

    /// Records `op` in the store, if there is one, when no answer depends on it.
    fn record_unawaited(&self, op: impl FnOnce() -> Op) {
        if let Some(store) = self.store() {
            store.submit_unawaited(op());
        }
    }

    /// Whether what `ticket` stands for is on disk.
    pub fn is_durable(&self, ticket: Ticket) -> bool {
        self.store().is_none_or(|store| store.is_committed(ticket))
    }

    /// Waits until what `ticket` stands for is on disk.
    pub async fn durable(&self, ticket: Ticket) {
        if let Some(store) = self.store() {
            store.committed(ticket).await;
        }
    }

    /// Failed logins per address (for the HTTP API's authentication too).
    pub fn throttle(&self) -> &Throttle {
        &self.inner.throttle
    }

    /// The configuration in force.
    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.inner.config.read())
    }

    /// The settings in force.
    pub fn settings(&self) -> Arc<Settings> {
        self.inner.settings.load_full()
    }

    /// A view of the settings in force for a connection (or the bridge) to pass to the
    /// operations on its hot path: each read checks, at one atomic load, that they are still
    /// the ones in force, and takes the new ones after a reload.
    pub fn live_settings(&self) -> LiveSettings {
        LiveSettings(arc_swap::Cache::new(Arc::clone(&self.inner.settings)))
    }

    /// The broker's counters.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Admission of new connections: pending sockets, the CONNECT budget, the client cap.
    pub fn admission(&self) -> &Arc<Admission> {
        &self.inner.admission
    }

    /// Adds a listener of the broker's events.
    pub fn listen(&self, sink: Arc<dyn EventSink>) {
        self.inner.events.add(sink);
    }

    /// Serves the timers (wills, expiries) until the future is dropped; the server runs it
    /// for the broker's life.
    pub async fn run_timers(&self) {
        self.inner.timers.run(|due| self.fire(due)).await;
    }

    /// Timers armed now (wills and expiries waiting).
    pub fn timers_armed(&self) -> usize {
        self.inner.timers.len()
    }

    /// The session of `client_id`, if any.
    pub fn session(&self, client_id: &str) -> Option<Arc<Session>> {
        self.inner.sessions.get(client_id)
    }

    /// Every session, connected or not.
    pub fn sessions(&self) -> Vec<Arc<Session>> {
        self.inner.sessions.all()
    }

    /// How many sessions, filters, subscriptions and retained messages the broker holds.
    pub fn counts(&self) -> Counts {
        Counts {
            sessions: self.inner.sessions.len(),
            topics: self.inner.router.filter_count(),
            subscriptions: self.inner.router.subscription_count(),
            retained: self.inner.retained.len(),
        }
    }

    /// The subscription tree level by level, for the HTTP API.
    pub fn topic_levels(&self) -> Vec<Vec<TopicLevel>> {
        self.inner.router.topic_levels()
    }

    /// The unexpired retained messages whose topic matches `filter`.
    pub fn retained_matching(&self, filter: &str) -> Vec<Arc<Message>> {
        self.inner.retained.matching(filter, Instant::now())
    }

    /// The unexpired message retained on `topic`, if any.
    pub fn retained(&self, topic: &str) -> Option<Arc<Message>> {
        self.inner.retained.get(topic, Instant::now())
    }

    /// `session`'s client acknowledged the delivery it was sent with `packet_id` (PUBACK,
    /// PUBCOMP, or a refusing PUBREC): it is over (`key`: its store key, 0 if not stored).
    pub fn acknowledged(&self, session: &Session, packet_id: PacketId, key: u64) {
        self.delivery_over(session, key);
        self.inner.events.emit(|| BrokerEvent::MessageAcknowledged {
            client_id: Arc::clone(&session.client_id),
            packet_id,
        });
    }

    /// A delivery of `session` that will never be sent (or sent again): the store forgets
    /// it (`key`: its store key, 0 if not stored).
    pub fn delivery_over(&self, session: &Session, key: u64) {
        if key != 0 {
            self.record_unawaited(|| Op::Done {
                client: Arc::clone(&session.client_id),
                key,
            });
        }
    }

    /// A delivery queued for `session` expired before its turn.
    pub fn expired_in_queue(&self, session: &Session, delivery: &Delivery) {
        self.delivery_over(session, delivery.key);
        self.inner.events.emit(|| BrokerEvent::MessageExpired {
            client_id: Some(Arc::clone(&session.client_id)),
            topic: Arc::clone(&delivery.message.topic),
        });
    }

    /// A stored delivery goes out for the first time as QoS 2 with `packet_id`: the ticket
    /// the PUBLISH must wait for, so that after a crash it is resent with the same id.
    pub fn sending_qos2(&self, session: &Session, key: u64, packet_id: PacketId) -> Ticket {
        if key == 0 {
            return Ticket::NONE;
        }
        self.record(|| Op::Inflight {
            client: Arc::clone(&session.client_id),
            key,
            packet_id,
            stage: crate::session::inflight::Stage::Published,
        })
    }

    /// The client answered a stored QoS 2 delivery with PUBREC: PUBREL is what is resent
    /// from now on. (Nothing waits for it: resending the PUBLISH with the same id is as good.)
    pub fn released(&self, session: &Session, key: u64, packet_id: PacketId) {
        if key != 0 {
            self.record_unawaited(|| Op::Inflight {
                client: Arc::clone(&session.client_id),
                key,
                packet_id,
                stage: crate::session::inflight::Stage::Released,
            });
        }
    }

    /// A QoS 2 message from `session`'s client with `packet_id` was taken in (`held`, until
    /// its PUBREL) or released: the ticket its PUBREC or PUBCOMP must wait for.
    pub fn qos2_from_client(&self, session: &Session, packet_id: PacketId, held: bool) -> Ticket {
        if !session.is_durable() {
            return Ticket::NONE;
        }
        self.record(|| Op::Qos2 {
            client: Arc::clone(&session.client_id),
            packet_id,
            held,
        })
    }

    /// A fresh connection number.
    pub fn next_conn_id(&self) -> u64 {
        self.inner.next_conn_id.fetch_add(1, Ordering::Relaxed)
    }

    /// How long the broker has been running.
    pub fn uptime(&self) -> Duration {
        self.inner.started.elapsed()
    }

    /// When the broker started.
    pub fn started_at(&self) -> DateTime<Local> {
        self.inner.started_at
    }
}
