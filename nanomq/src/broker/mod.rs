//! The broker's shared state: router, retained messages, sessions, counters and the settings
//! in force. It outlives listener restarts (`ctrl/restart`), which is how retained messages and
//! persistent sessions survive them.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Local};
use parking_lot::RwLock;
use shared_types::config::Config;
use shared_types::metrics::BridgeMetrics;

use crate::admission::{Admission, FdBudget};
use crate::bridge::{BridgeStats, Parked};
use crate::message::Message;
use crate::metrics::Metrics;
use crate::router::retained::RetainedMessages;
use crate::router::{RouteOutcome, Router};
use crate::session::ConnCommand;
use crate::session::mailbox::QueueLimits;
use crate::session::registry::SessionRegistry;

/// Topic aliases a client may use towards the broker (MQTT 5 Topic Alias Maximum).
pub const INBOUND_TOPIC_ALIAS_MAX: u16 = 256;
/// Most topic aliases the broker assigns towards one client.
pub const OUTBOUND_TOPIC_ALIAS_MAX: u16 = 256;

/// The settings a connection works with, derived from the configuration at (re)start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether clients without a username may connect.
    pub allow_anonymous: bool,
    /// Username → password of the clients allowed to connect with credentials.
    pub users: HashMap<String, String>,
    /// Largest packet accepted from a client, fixed header included.
    pub max_packet_size: usize,
    /// QoS 1/2 messages a client may have unacknowledged towards the broker (advertised as
    /// Receive Maximum), and the broker towards a client.
    pub window: u16,
    /// Queue bounds per session.
    pub queue: QueueLimits,
    /// When to resend an unacknowledged QoS 1/2 message to an MQTT 3.x client.
    pub qos_duration: Duration,
    /// Most user properties accepted on one packet from a client (`property_size`).
    pub max_user_properties: usize,
    /// Most levels in a topic name or filter (`max_topic_levels`).
    pub max_topic_levels: usize,
    /// How long a client may leave output waiting untaken (`write_timeout`).
    pub write_timeout: Duration,
    /// Most clients connected at once (`max_connections`, or derived from the open-file
    /// limit when it is 0).
    pub max_connections: usize,
}

impl Settings {
    /// Settings from a validated configuration.
    pub fn from_config(config: &Config) -> Settings {
        let users = config
            .users
            .iter()
            .map(|u| (u.username.clone(), u.password.clone()))
            .collect();
        Settings {
            allow_anonymous: config.allow_anonymous,
            users,
            max_packet_size: usize::try_from(config.max_packet_size).unwrap_or(usize::MAX),
            window: u16::try_from(config.parallel.clamp(1, 65_535)).unwrap_or(u16::MAX),
            queue: QueueLimits::from_msq_len(usize::try_from(config.msq_len).unwrap_or(usize::MAX)),
            qos_duration: Duration::from_secs(u64::from(config.qos_duration.max(1))),
            max_user_properties: usize::try_from(config.property_size).unwrap_or(usize::MAX),
            max_topic_levels: usize::try_from(config.max_topic_levels).unwrap_or(usize::MAX),
            write_timeout: Duration::from_secs(u64::from(config.write_timeout.max(1))),
            max_connections: match config.max_connections {
                0 => FdBudget::current().max_connections,
                n => usize::try_from(n).unwrap_or(usize::MAX),
            },
        }
    }
}

/// The broker: cheap to clone, shared by every connection, listener and the HTTP API.
#[derive(Debug, Clone)]
pub struct Broker {
    inner: Arc<BrokerState>,
}

/// What [`Broker`] shares.
#[derive(Debug)]
pub struct BrokerState {
    /// Subscriptions.
    pub router: Router,
    /// Retained messages.
    pub retained: RetainedMessages,
    /// Sessions by client identifier.
    pub sessions: SessionRegistry,
    /// Counters.
    pub metrics: Metrics,
    /// Bridge hook: the bridge's counters, updated by the bridge task.
    pub bridge: BridgeStats,
    /// Bridge hook: what a stopped bridge leaves for the next one (across `ctrl/restart`).
    pub bridge_parked: Parked,
    admission: Arc<Admission>,
    settings: RwLock<Arc<Settings>>,
    config: RwLock<Arc<Config>>,
    started: Instant,
    started_at: DateTime<Local>,
    next_conn_id: AtomicU64,
}

impl std::ops::Deref for Broker {
    type Target = BrokerState;

    fn deref(&self) -> &BrokerState {
        &self.inner
    }
}

impl Broker {
    /// A broker with no sessions, working with `config`.
    pub fn new(config: Config) -> Broker {
        Broker {
            inner: Arc::new(BrokerState {
                router: Router::default(),
                retained: RetainedMessages::default(),
                sessions: SessionRegistry::default(),
                metrics: Metrics::default(),
                bridge: BridgeStats::default(),
                bridge_parked: Parked::default(),
                admission: Arc::new(Admission::new(FdBudget::current().max_pending)),
                settings: RwLock::new(Arc::new(Settings::from_config(&config))),
                config: RwLock::new(Arc::new(config)),
                started: Instant::now(),
                started_at: Local::now(),
                next_conn_id: AtomicU64::new(1),
            }),
        }
    }

    /// Puts a new configuration in force (after a restart re-read the file).
    pub fn set_config(&self, config: Config) {
        *self.settings.write() = Arc::new(Settings::from_config(&config));
        *self.config.write() = Arc::new(config);
    }

    /// The configuration in force.
    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.read())
    }

    /// The settings in force.
    pub fn settings(&self) -> Arc<Settings> {
        Arc::clone(&self.settings.read())
    }

    /// Bridge hook: the bridge's counters, or `None` when the bridge is off.
    pub fn bridge_metrics(&self) -> Option<BridgeMetrics> {
        self.config()
            .bridge
            .bridge_mode
            .then(|| self.bridge.snapshot())
    }

    /// Admission of new connections: pending sockets, the CONNECT budget, the client cap.
    pub fn admission(&self) -> &Arc<Admission> {
        &self.admission
    }

    /// A fresh connection number.
    pub fn next_conn_id(&self) -> u64 {
        self.next_conn_id.fetch_add(1, Ordering::Relaxed)
    }

    /// How long the broker has been running.
    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// When the broker started.
    pub fn started_at(&self) -> DateTime<Local> {
        self.started_at
    }

    /// Publishes a message that does not come from a client connection (a will, a `$SYS`
    /// event, the HTTP API, the bridge): retains it if asked, then routes it. Nobody waits
    /// for congested subscribers here: these sources have no socket to pause.
    pub fn publish(&self, message: Message) -> RouteOutcome {
        if message.retain {
            self.retained.update(&message);
        }
        let message = Arc::new(message);
        let settings = self.settings();
        let mut congested = Vec::new();
        let outcome = self.router.route(&message, &settings.queue, &mut congested);
        Metrics::add(
            &self.metrics.messages_dropped,
            u64::try_from(outcome.dropped).unwrap_or(u64::MAX),
        );
        outcome
    }

    // HTTP API hook (`DELETE /api/v4/clients/{clientid}`).
    /// Kicks a client: a connected one is disconnected (MQTT 5: DISCONNECT 0x98) and its
    /// connection then discards the session; an offline persistent session is discarded here.
    /// Returns false when no session has this client identifier.
    pub fn kick(&self, client_id: &str) -> bool {
        let Some(session) = self.sessions.get(client_id) else {
            return false;
        };
        if session.command(ConnCommand::Kick) {
            return true;
        }
        self.sessions.remove(&session);
        self.router.remove_session(&session);
        true
    }
}
