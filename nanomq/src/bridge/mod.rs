//! The bridge: this broker as an MQTT client of an upstream broker (a cluster such as EMQX,
//! another nanomq, Mosquitto). Local messages matching `bridge.forwards` are published
//! upstream; messages of the upstream subscriptions in `bridge.subscription` are published
//! locally.
//!
//! The bridge is "just another link". Locally it is an internal [`Session`] registered with
//! the router only — never with the session registry, so it is no client anyone can list,
//! kick or take over — and subscribed to each forward filter with No Local. The bridge task
//! drains that session's mailbox the way a connection drains its own, except that the other
//! end is an upstream broker spoken to as a client, with the broker's own codec. Upstream
//! messages are routed locally with `Origin::Client(that session's id)`, so No Local keeps
//! them from being forwarded back up: no loops. Upstream subscriptions ask for No Local too
//! (MQTT 5), so what the bridge forwards does not come back down either.
//!
//! The task reconnects for ever with capped exponential backoff (also when the upstream is
//! unreachable at start-up: the broker starts regardless), and subscribes again after every
//! connection. During an outage local QoS 1/2 messages are buffered up to `max_queued`
//! ([`outbox`]); unacknowledged ones are resent with DUP after reconnecting. The bridge stops
//! and starts with the listeners; across a restart what it holds waits in [`Parked`].
//!
//! Not built on a third-party MQTT client crate: the broker already has a complete codec for
//! both directions, and the bridge has to share the broker's mailbox, in-flight state and
//! routing anyway; such a crate would bring a second codec and its own queues. It dials, trusts,
//! shakes hands and keeps alive with the workspace's own client engine (`nanomq_client`, the
//! CLI's too), and its link runs on the broker's link core ([`crate::link`]), as a client
//! connection does: one engine for every transport.
//!
//! - [`stats`]: counters kept across restarts, for the HTTP API.
//! - [`options`]: the configuration, converted once.
//! - [`backoff`]: delays between attempts.
//! - [`error`]: why a connection could not be opened or ended.
//! - [`handshake`]: the CONNECT it sends (dialing, trust, CONNACK: `nanomq_client`).
//! - [`link`], [`inbound`], [`outbound`]: one upstream connection.
//! - [`outbox`]: what waits for the upstream: the outage buffer, the in-flight window.

pub mod backoff;
pub mod error;
pub mod handshake;
pub mod inbound;
pub mod link;
pub mod options;
pub mod outbound;
pub mod outbox;
pub mod stats;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Local;
use parking_lot::Mutex;
use shared_types::config::Config;
use shared_types::{BridgeInfo, BridgeLinkState};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{Instrument, debug, error, info, info_span, warn};

use nanomq_client::dial::DialError;
use nanomq_client::{Connected, Dialer, Target, Trust};

use crate::broker::{BRIDGE_CLIENT_ID, Broker, Identity};
use crate::codec::{QoS, RetainHandling, SubscribeFilter, SubscriptionOptions};
use crate::session::inflight::DeliveryState;
use crate::session::{ClientDetails, Session, SessionId};
use backoff::Backoff;
use error::LinkError;
use link::Link;
use options::BridgeOptions;
use outbox::Outbox;
pub use stats::BridgeStats;

/// The client identifier of the bridge's local session (in the topic tree, for instance,
/// and in the store: see [`BRIDGE_CLIENT_ID`]).
pub const LOCAL_CLIENT_ID: &str = BRIDGE_CLIENT_ID;
/// How long dialing, TLS and CONNACK may take together.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that lasted this long starts the backoff over when it ends.
const STABLE_CONNECTION: Duration = Duration::from_secs(10);

/// Session numbers of bridge sessions. The registry numbers client sessions upwards from 0;
/// these count down from the top, so the two never meet.
static NEXT_SESSION_ID: AtomicU64 = AtomicU64::new(u64::MAX);

/// What the bridge keeps from one upstream connection to the next.
#[derive(Debug)]
pub struct Carried {
    /// Local messages waiting for the upstream or in flight to it.
    pub outbox: Outbox,
    /// Incoming QoS 2 messages received and not yet released by the upstream.
    pub inbound: DeliveryState,
}

/// What the bridge keeps across listener restarts, held by the server for its whole life: the
/// counters, what a stopped bridge leaves for the next one, and the running task (so that a
/// reload can replace it).
#[derive(Debug, Default)]
pub struct BridgeState {
    /// The bridge's counters since the broker started.
    pub stats: BridgeStats,
    parked: Parked,
    /// The client identifier the running bridge uses upstream (generated or configured).
    client_id: Mutex<Option<String>>,
    /// Where bridges run (the listeners' shutdown and task tracker) and the running one.
    task: Mutex<Home>,
    /// Serialises reconfigurations, so that each new bridge starts from what the last left.
    reconfigure: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Home {
    /// The listeners' shutdown and tracker, set by each (re)start of the listeners.
    listeners: Option<(CancellationToken, TaskTracker)>,
    /// The running bridge: its own stop, a child of the listeners' shutdown, and its task.
    running: Option<(CancellationToken, tokio::task::JoinHandle<()>)>,
}

impl BridgeState {
    /// The counters as the API shows them, when the running configuration has a bridge.
    pub fn metrics(&self, config: &Config) -> Option<shared_types::metrics::BridgeMetrics> {
        config.bridge.bridge_mode.then(|| self.stats.snapshot())
    }

    /// The bridge as `GET /api/v4/bridges` shows it, when the running configuration has one.
    pub fn info(&self, config: &Config) -> Option<BridgeInfo> {
        let bridge = &config.bridge;
        if !bridge.bridge_mode {
            return None;
        }
        let status = self.stats.status();
        let clientid = match (&bridge.clientid, self.client_id.lock().as_ref()) {
            (Some(id), _) => id.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => String::new(),
        };
        Some(BridgeInfo {
            name: bridge.name.clone(),
            address: bridge.address.clone(),
            proto_ver: bridge.proto_ver,
            clientid,
            state: status.state,
            since: status.since.format("%Y-%m-%d %H:%M:%S").to_string(),
            last_error: status.last_error,
            forwards: bridge.forwards.clone(),
            subscription: bridge.subscription.clone(),
            metrics: self.stats.snapshot(),
        })
    }
}

/// What a stopped bridge leaves for the next one, so that a restart of the listeners
/// (`ctrl/restart`) loses neither buffered nor unacknowledged messages, nor a generated client
/// identifier (which would orphan a persistent upstream session).
#[derive(Debug, Default)]
struct Parked {
    slot: Mutex<Option<(String, Carried)>>,
}

impl Parked {
    fn put(&self, client_id: String, carried: Carried) {
        *self.slot.lock() = Some((client_id, carried));
    }

    fn take(&self) -> Option<(String, Carried)> {
        self.slot.lock().take()
    }
}

/// Starts the bridge when the configuration enables it: its local subscriptions are in place
/// on return, and a task on `tracker` serves the upstream until `shutdown` (the listeners'),
/// or until a reload replaces it ([`reconfigure`]). A bridge that cannot start (bad TLS
/// material) is logged; the broker runs on.
pub fn spawn(
    config: &Config,
    broker: &Broker,
    state: &Arc<BridgeState>,
    shutdown: CancellationToken,
    tracker: &TaskTracker,
) {
    let mut home = state.task.lock();
    home.listeners = Some((shutdown.clone(), tracker.clone()));
    home.running = start(config, broker, state, &shutdown, tracker);
}

/// Replaces the running bridge by one on `config` (a reload changed `bridge.*`): the old one
/// disconnects from the upstream and leaves what it holds to the new one, as across a restart
/// of the listeners. Local clients are not touched.
pub async fn reconfigure(config: &Config, broker: &Broker, state: &Arc<BridgeState>) {
    let _one_at_a_time = state.reconfigure.lock().await;
    let running = state.task.lock().running.take();
    if let Some((stop, task)) = running {
        stop.cancel();
        let _ = task.await;
    }
    let mut home = state.task.lock();
    // A restart of the listeners may have started a bridge meanwhile: it has the new
    // configuration already.
    if home.running.is_some() {
        return;
    }
    if let Some((shutdown, tracker)) = home.listeners.clone()
        && !shutdown.is_cancelled()
    {
        home.running = start(config, broker, state, &shutdown, &tracker);
    }
}

fn start(
    config: &Config,
    broker: &Broker,
    state: &Arc<BridgeState>,
    shutdown: &CancellationToken,
    tracker: &TaskTracker,
) -> Option<(CancellationToken, tokio::task::JoinHandle<()>)> {
    if !config.bridge.bridge_mode {
        broker.drop_bridge_backlog();
        return None;
    }
    let mut options = match BridgeOptions::from_config(config) {
        Ok(options) => options,
        Err(e) => {
            error!(error = %e, "bridge not started");
            return None;
        }
    };
    let mut forget = Vec::new();
    let mut carried = unpark(state, config, &mut options, &mut forget);
    *state.client_id.lock() = Some(options.client_id.clone());
    let session = local_session(broker, &options);
    let backlog = broker.open_bridge_session(&session, options.version);
    if !backlog.is_empty() {
        info!(
            messages = backlog.len(),
            "bridge: messages kept from the previous run"
        );
    }
    state
        .stats
        .dropped
        .add(carried.outbox.restore(backlog, &mut forget));
    forget_all(broker, &session, &forget);
    let stop = shutdown.child_token();
    let task = tracker.spawn(run(
        options,
        broker.clone(),
        Arc::clone(state),
        session,
        carried,
        stop.clone(),
    ));
    Some((stop, task))
}

/// Whether the bridge of `config` could start (its address parses, its TLS trust loads); the
/// error says why not.
pub fn check(config: &Config) -> Result<(), String> {
    if !config.bridge.bridge_mode {
        return Ok(());
    }
    let options = BridgeOptions::from_config(config)?;
    dialer(&options)
        .map(|_| ())
        .map_err(|e| format!("bridge: {e}"))
}

/// The dialer to the upstream: the one client engine's, with its one trust policy (the
/// system's roots, or `tls.cacert` as a path or PEM text).
fn dialer(options: &BridgeOptions) -> Result<Dialer, DialError> {
    let address = &options.address;
    let target = Target::new(address.host.clone(), address.port, address.tls);
    let trust = Trust {
        ca: options.cacert.as_deref(),
        ..Trust::default()
    };
    Dialer::new(target, &trust)
}

/// What the previous bridge left, if any (its generated client identifier is kept unless one
/// is configured now), else a fresh start.
fn unpark(
    state: &BridgeState,
    config: &Config,
    options: &mut BridgeOptions,
    forget: &mut Vec<u64>,
) -> Carried {
    match state.parked.take() {
        Some((client_id, mut carried)) => {
            if config.bridge.clientid.is_none() {
                options.client_id = client_id;
            }
            let dropped = carried.outbox.set_max_queued(options.max_queued, forget);
            state.stats.dropped.add(dropped);
            carried
        }
        None => Carried {
            outbox: Outbox::new(options.max_queued),
            inbound: DeliveryState::default(),
        },
    }
}

async fn run(
    options: BridgeOptions,
    broker: Broker,
    state: Arc<BridgeState>,
    session: Arc<Session>,
    mut carried: Carried,
    shutdown: CancellationToken,
) {
    match dialer(&options) {
        Ok(dialer) => {
            let span =
                info_span!("bridge", upstream = %dialer.target(), client_id = %options.client_id);
            let upstream = Upstream {
                options: &options,
                dialer: &dialer,
                broker: &broker,
                stats: &state.stats,
                session: &session,
            };
            supervise(upstream, &mut carried, &shutdown)
                .instrument(span)
                .await;
        }
        Err(e) => error!(error = %e, "bridge not started"),
    }
    // Unsubscribed first: once the router lets go, nothing more can reach the mailbox.
    broker.unsubscribe_all(&session);
    let mut forget = Vec::new();
    let dropped = carried.outbox.absorb(&session.mailbox, &mut forget);
    forget_all(&broker, &session, &forget);
    state.stats.dropped.add(dropped);
    session.discard();
    state.stats.set_state(BridgeLinkState::Stopped, None);
    state.stats.set_backlog(
        carried.outbox.pending_len(),
        carried.outbox.inflight.inflight_len(),
    );
    state.parked.put(options.client_id, carried);
}

/// The bridge's local session, subscribed to the forward filters with No Local.
fn local_session(broker: &Broker, options: &BridgeOptions) -> Arc<Session> {
    let id = SessionId(NEXT_SESSION_ID.fetch_sub(1, Ordering::Relaxed));
    let details = ClientDetails {
        username: None,
        protocol: options.version,
        keep_alive: options.keep_alive,
        clean_start: true,
        peer: None,
        connected_at: Local::now(),
        will: None,
        expiry_interval: 0,
    };
    let session = Arc::new(Session::new(
        id,
        Arc::from(LOCAL_CLIENT_ID),
        details.clone(),
    ));
    // Counted as connected so that it takes its turn in a `$share` group it forwards.
    let _ = session.attach(details);
    let settings = broker.settings();
    // Always drained (by the link, or into the outage buffer), so never capped by `msq_len`.
    session
        .mailbox
        .set_online(true, &settings.queue, &mut Vec::new());
    let options_local = SubscriptionOptions {
        qos: QoS::ExactlyOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
    };
    let identity = Identity::bridge(Arc::clone(&session.client_id));
    for filter in &options.forwards {
        let entry = SubscribeFilter {
            filter: filter.clone(),
            options: options_local,
        };
        let subscribed = broker.subscribe(&identity, &session, &entry, None);
        if subscribed.reason.is_error() {
            warn!(%filter, reason = subscribed.reason.0, "bridge: forward filter refused");
        }
    }
    session
}

/// What a running bridge works with.
#[derive(Clone, Copy)]
struct Upstream<'a> {
    options: &'a BridgeOptions,
    dialer: &'a Dialer,
    broker: &'a Broker,
    stats: &'a BridgeStats,
    session: &'a Arc<Session>,
}

/// Connects, serves the connection, and reconnects after a backoff, until `shutdown`.
async fn supervise(upstream: Upstream<'_>, carried: &mut Carried, shutdown: &CancellationToken) {
    let Upstream {
        options,
        dialer,
        broker,
        stats,
        session,
    } = upstream;
    let mut backoff = Backoff::default();
    let mut delay = Duration::ZERO;
    let mut failures = 0u32;
    let mut connections = 0u64;
    // Connecting until the first attempt ends; after a failure or a lost connection the
    // bridge stays `disconnected` (since then, with the latest error) while it retries.
    stats.set_state(BridgeLinkState::Connecting, None);
    loop {
        let attempt = connect_after(delay, dialer, options);
        tokio::pin!(attempt);
        // While away from the upstream, local messages go to the outage buffer at once.
        let result = loop {
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return,
                result = &mut attempt => break result,
                () = session.mailbox.ready() => {
                    absorb(broker, stats, session, carried);
                }
            }
        };
        let connected = match result {
            Ok(connected) => connected,
            Err(e) => {
                failures += 1;
                stats.failed_attempts.add(1);
                stats.set_state(BridgeLinkState::Disconnected, Some(e.to_string()));
                delay = backoff.next_delay();
                if failures == 1 {
                    warn!(error = %e, retry_in = ?delay, "bridge: cannot connect to the upstream");
                } else {
                    debug!(error = %e, retry_in = ?delay, failures, "bridge: still cannot connect");
                }
                continue;
            }
        };
        failures = 0;
        connections += 1;
        if connections > 1 {
            stats.reconnects.add(1);
        }
        let (written, read) = connected.bytes;
        stats.bytes_forwarded.add(written);
        stats.bytes_received.add(read);
        stats.set_state(BridgeLinkState::Connected, None);
        info!(
            session_present = connected.limits.session_present,
            buffered = carried.outbox.pending_len(),
            "bridge connected"
        );
        let since = Instant::now();
        let end = Link::new(connected, options, broker, stats, session, carried)
            .run(shutdown)
            .await;
        match end {
            Ok(()) => {
                stats.set_state(BridgeLinkState::Stopped, None);
                info!("bridge disconnected: shutting down");
                return;
            }
            Err(e) => {
                if since.elapsed() >= STABLE_CONNECTION {
                    backoff.reset();
                }
                delay = backoff.next_delay();
                stats.set_state(BridgeLinkState::Disconnected, Some(e.to_string()));
                warn!(reason = %e, retry_in = ?delay, "bridge disconnected");
                absorb(broker, stats, session, carried);
            }
        }
    }
}

/// While away from the upstream: the mailbox goes into the outage buffer; what that drops is
/// counted and forgotten by the store.
fn absorb(broker: &Broker, stats: &BridgeStats, session: &Session, carried: &mut Carried) {
    let mut forget = Vec::new();
    stats
        .dropped
        .add(carried.outbox.absorb(&session.mailbox, &mut forget));
    forget_all(broker, session, &forget);
    stats.set_backlog(
        carried.outbox.pending_len(),
        carried.outbox.inflight.inflight_len(),
    );
}

/// Deliveries of the bridge's session that will never be sent: the store forgets them.
fn forget_all(broker: &Broker, session: &Session, keys: &[u64]) {
    for &key in keys {
        broker.delivery_over(session, key);
    }
}

/// Waits `delay`, then dials and opens an MQTT connection, bounded by [`CONNECT_TIMEOUT`].
async fn connect_after(
    delay: Duration,
    dialer: &Dialer,
    options: &BridgeOptions,
) -> Result<Connected, LinkError> {
    tokio::time::sleep(delay).await;
    let connect = async {
        let stream = dialer.dial().await?;
        handshake::open(stream, options).await
    };
    tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| LinkError::Timeout)?
}
