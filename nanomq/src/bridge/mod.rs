//! The bridges: this broker as an MQTT client of upstream brokers (a cluster such as EMQX,
//! another nanomq, Mosquitto). Any number of named bridges (`[bridges.mqtt.NAME]`, NanoMQ's
//! keys, and the single `[bridge]` section as one more): local messages matching a bridge's
//! `forwards` are published upstream, renamed by the first rule matching them; messages of its
//! upstream `subscription`s are published locally, renamed by the first rule matching them.
//!
//! Each bridge is "just another link". Locally it is an internal [`Session`] registered with
//! the router only — never with the session registry, so it is no client anyone can list,
//! kick or take over — and subscribed to each forward filter with No Local. The bridge task
//! drains that session's mailbox the way a connection drains its own, except that the other
//! end is an upstream broker spoken to as a client, with the broker's own codec. Upstream
//! messages are routed locally with `Origin::Client(that session's id)`, so No Local keeps
//! them from being forwarded back up by the same bridge: no loops, whatever the renaming.
//! Upstream subscriptions ask for No Local too (MQTT 5), so what the bridge forwards does not
//! come back down either; a 3.1.1 upstream echoes it once, and No Local stops it there.
//!
//! A bridge's task reconnects for ever (also when the upstream is unreachable at start-up:
//! the broker starts regardless), moving through its `hybrid_servers` when there are several,
//! with capped exponential backoff once all of them have failed, and subscribes again after
//! every connection. During an outage local messages are buffered ([`outbox`]) and held by the
//! store; unacknowledged ones are resent with DUP after reconnecting. The bridges stop and
//! start with the listeners; a reload restarts only those whose settings changed. Across a
//! restart what a bridge holds waits in its [`BridgeState`].
//!
//! Not built on a third-party MQTT client crate: the broker already has a complete codec for
//! both directions, and the bridge has to share the broker's mailbox, in-flight state and
//! routing anyway; such a crate would bring a second codec and its own queues. It dials, trusts,
//! shakes hands and keeps alive with the workspace's own client engine (`nanomq_client`, the
//! CLI's too), and its link runs on the broker's link core ([`crate::link`]), as a client
//! connection does: one engine for every transport.
//!
//! - [`stats`]: counters kept across restarts, for the HTTP API.
//! - [`options`]: a bridge's configuration, converted once (the topic rules included).
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
pub mod subscriptions;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Local;
use parking_lot::Mutex;
use shared_types::config::{Config, NamedBridge};
use shared_types::metrics::BridgeMetrics;
use shared_types::{BridgeInfo, BridgeLinkState};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{Instrument, debug, error, info, info_span, warn};

use nanomq_client::dial::DialError;
use nanomq_client::{Connected, Dialer, Target, Trust};

use crate::broker::{Broker, Identity};
use crate::codec::{QoS, RetainHandling, SubscribeFilter, SubscriptionOptions};
use crate::session::inflight::DeliveryState;
use crate::session::{ClientDetails, Session, SessionId};
use backoff::Backoff;
use error::LinkError;
use link::Link;
use options::{BridgeOptions, SubscribeRule};
use outbox::Outbox;
pub use stats::BridgeStats;

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
    /// The subscriptions upstream in force (the API may change them while the bridge runs).
    pub subscriptions: Vec<SubscribeRule>,
    /// The filters the upstream may hold for the bridge's session (subscribed on an earlier
    /// connection): those no longer in `subscriptions` are unsubscribed at the next one.
    pub upstream_filters: Vec<String>,
}

/// One bridge's state for the whole process (it outlives restarts of the listeners, reloads,
/// and the bridge being switched off and on): its counters, what a stopped run left for the
/// next one, the client identifier it uses upstream and the server it is on.
#[derive(Debug, Default)]
pub struct BridgeState {
    /// The bridge's counters since the broker started.
    pub stats: BridgeStats,
    parked: Parked,
    /// The client identifier the running bridge uses upstream (generated or configured).
    client_id: Mutex<Option<String>>,
    /// The server the bridge is connected to or trying.
    server: Mutex<Option<String>>,
    /// Its local session's identifier in the store, once it ran.
    store_id: Mutex<Option<String>>,
}

impl BridgeState {
    fn set_server(&self, server: &str) {
        *self.server.lock() = Some(server.to_string());
    }
}

/// Every bridge of the broker, held by the server for its whole life: each one's
/// [`BridgeState`], where bridges run (the listeners' shutdown and task tracker) and the
/// running ones.
#[derive(Debug, Default)]
pub struct Bridges {
    states: Mutex<BTreeMap<String, Arc<BridgeState>>>,
    home: Mutex<Home>,
    /// Serialises reconfigurations, so that each new run starts from what the last left.
    reconfigure: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Home {
    /// The listeners' shutdown and tracker, set by each (re)start of the listeners.
    listeners: Option<(CancellationToken, TaskTracker)>,
    /// The running bridges: the settings each runs on, its own stop (a child of the
    /// listeners' shutdown) and its task.
    running: BTreeMap<String, Running>,
}

#[derive(Debug)]
struct Running {
    settings: NamedBridge,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
    /// The subscription rules, which change without a restart.
    rules: watch::Sender<Vec<SubscribeRule>>,
}

/// Whether two settings of a bridge differ only in their subscriptions (which a running
/// bridge changes live).
fn only_subscriptions_differ(a: &NamedBridge, b: &NamedBridge) -> bool {
    let mut b = b.clone();
    b.bridge.subscription.clone_from(&a.bridge.subscription);
    *a == b
}

impl Bridges {
    /// The state of the bridge `name` (created the first time).
    pub fn state(&self, name: &str) -> Arc<BridgeState> {
        Arc::clone(self.states.lock().entry(name.to_string()).or_default())
    }

    /// The counters of every enabled bridge of `config`, by name, in its order.
    pub fn metrics(&self, config: &Config) -> Vec<(String, BridgeMetrics)> {
        config
            .mqtt_bridges()
            .into_iter()
            .filter(|named| named.bridge.enable)
            .map(|named| {
                let metrics = self.state(&named.name).stats.snapshot();
                (named.name, metrics)
            })
            .collect()
    }

    /// Every bridge of `config` as `GET /api/v4/bridges` shows it, switched off ones too.
    pub fn info(&self, config: &Config) -> Vec<BridgeInfo> {
        config
            .mqtt_bridges()
            .into_iter()
            .map(|named| self.info_of(named))
            .collect()
    }

    fn info_of(&self, named: NamedBridge) -> BridgeInfo {
        let state = self.state(&named.name);
        let bridge = named.bridge;
        let status = state.stats.status();
        let clientid = match (&bridge.clientid, state.client_id.lock().as_ref()) {
            (Some(id), _) => id.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => String::new(),
        };
        let connected_to = state.server.lock().clone();
        let (state_now, since) = if bridge.enable {
            (status.state, status.since)
        } else {
            (BridgeLinkState::Stopped, status.since)
        };
        BridgeInfo {
            name: named.name,
            enable: bridge.enable,
            address: bridge.server.clone(),
            server: connected_to.unwrap_or_else(|| bridge.server.clone()),
            hybrid_servers: if bridge.hybrid_bridging {
                bridge.hybrid_servers.clone()
            } else {
                Vec::new()
            },
            proto_ver: bridge.proto_ver,
            clientid,
            state: state_now,
            since: since.format("%Y-%m-%d %H:%M:%S").to_string(),
            last_error: status.last_error,
            forwards: bridge.forwards,
            subscription: bridge.subscription,
            metrics: state.stats.snapshot(),
        }
    }
}

/// What a stopped bridge leaves for the next one, so that a restart (of the listeners, or of
/// the bridge on new settings) loses neither buffered nor unacknowledged messages, nor a
/// generated client identifier (which would orphan a persistent upstream session).
#[derive(Debug, Default)]
struct Parked {
    slot: Mutex<Option<Held>>,
}

/// What a stopped bridge holds.
#[derive(Debug)]
struct Held {
    client_id: String,
    carried: Carried,
    /// Its local session, still subscribed to its forwards, so that nothing published locally
    /// between two runs is missed; `None` once the bridge is switched off or removed
    /// ([`retire`]).
    session: Option<Arc<Session>>,
}

impl Parked {
    fn put(&self, held: Held) {
        *self.slot.lock() = Some(held);
    }

    fn take(&self) -> Option<Held> {
        self.slot.lock().take()
    }
}

/// A bridge that is not to run again soon (switched off, removed, or its listeners gone):
/// its local session lets go of its forwards, and what reached it meanwhile joins the outage
/// buffer, which waits for the bridge's next start.
fn retire(broker: &Broker, state: &BridgeState) {
    let mut slot = state.parked.slot.lock();
    let Some(held) = slot.as_mut() else {
        return;
    };
    let Some(session) = held.session.take() else {
        return;
    };
    // Unsubscribed first: once the router lets go, nothing more can reach the mailbox.
    broker.unsubscribe_all(&session);
    let mut forget = Vec::new();
    let dropped = held.carried.outbox.absorb(&session.mailbox, &mut forget);
    forget_all(broker, &session, &forget);
    state.stats.dropped.add(dropped);
    session.discard();
    let outbox = &held.carried.outbox;
    state
        .stats
        .set_backlog(outbox.pending_len(), outbox.inflight.inflight_len());
}

/// Retires every bridge that `config` does not run (see [`retire`]), then forgets those it
/// no longer has at all.
fn retire_unwanted(config: &Config, broker: &Broker, bridges: &Bridges) {
    let wanted: Vec<String> = config
        .mqtt_bridges()
        .into_iter()
        .filter(|named| named.bridge.enable)
        .map(|named| named.name)
        .collect();
    let states: Vec<(String, Arc<BridgeState>)> = bridges
        .states
        .lock()
        .iter()
        .map(|(name, state)| (name.clone(), Arc::clone(state)))
        .collect();
    for (name, state) in &states {
        if !wanted.contains(name) {
            retire(broker, state);
        }
    }
    forget_removed(config, broker, bridges);
}

/// Starts the enabled bridges of `config`: each one's local subscriptions are in place on
/// return, and a task on `tracker` serves its upstream until `shutdown` (the listeners'), or
/// until a reload or the API replaces or stops it ([`reconfigure`]). A bridge that cannot
/// start (bad TLS material) is logged; the broker and the other bridges run on.
pub fn spawn(
    config: &Config,
    broker: &Broker,
    bridges: &Arc<Bridges>,
    shutdown: CancellationToken,
    tracker: &TaskTracker,
) {
    let mut home = bridges.home.lock();
    home.listeners = Some((shutdown.clone(), tracker.clone()));
    // The previous listeners' bridges have ended with them.
    home.running
        .retain(|_, running| !running.task.is_finished());
    for named in config.mqtt_bridges() {
        if named.bridge.enable
            && !home.running.contains_key(&named.name)
            && let Some(running) = start(&named, config, broker, bridges, &shutdown, tracker)
        {
            home.running.insert(named.name.clone(), running);
        }
    }
    drop(home);
    retire_unwanted(config, broker, bridges);
    drop_unclaimed(config, broker);
}

/// Brings the running bridges in line with `config` (a reload, or the API, changed them):
/// a bridge whose settings changed, or that is gone or switched off, disconnects from its
/// upstream and leaves what it holds to its next run, as across a restart of the listeners;
/// a new or changed one starts. Bridges whose settings did not change keep their connection,
/// and local clients are not touched.
pub async fn reconfigure(config: &Config, broker: &Broker, bridges: &Arc<Bridges>) {
    let _one_at_a_time = bridges.reconfigure.lock().await;
    let wanted: BTreeMap<String, NamedBridge> = config
        .mqtt_bridges()
        .into_iter()
        .filter(|named| named.bridge.enable)
        .map(|named| (named.name.clone(), named))
        .collect();
    let stopping: Vec<Running> = {
        let mut home = bridges.home.lock();
        for (name, running) in &mut home.running {
            if let Some(named) = wanted.get(name)
                && *named != running.settings
                && only_subscriptions_differ(named, &running.settings)
                && let Ok(options) = BridgeOptions::new(named, config)
            {
                running.rules.send_replace(options.subscriptions);
                running.settings = named.clone();
            }
        }
        let names: Vec<String> = home
            .running
            .iter()
            .filter(|(name, running)| wanted.get(*name) != Some(&running.settings))
            .map(|(name, _)| name.clone())
            .collect();
        names
            .iter()
            .filter_map(|name| home.running.remove(name))
            .collect()
    };
    for running in stopping {
        running.stop.cancel();
        let _ = running.task.await;
    }
    let mut home = bridges.home.lock();
    if let Some((shutdown, tracker)) = home.listeners.clone()
        && !shutdown.is_cancelled()
    {
        for (name, named) in &wanted {
            // A restart of the listeners may have started it meanwhile, on this configuration.
            if home.running.contains_key(name) {
                continue;
            }
            if let Some(running) = start(named, config, broker, bridges, &shutdown, &tracker) {
                home.running.insert(name.clone(), running);
            }
        }
    }
    drop(home);
    retire_unwanted(config, broker, bridges);
    drop_unclaimed(config, broker);
}

/// Bridges gone from the configuration (not switched off: those keep what they hold for their
/// next start) take what they held with them, in memory and in the store.
fn forget_removed(config: &Config, broker: &Broker, bridges: &Bridges) {
    let configured = config.mqtt_bridges();
    let states: Vec<(String, Arc<BridgeState>)> = bridges
        .states
        .lock()
        .iter()
        .map(|(name, state)| (name.clone(), Arc::clone(state)))
        .collect();
    for (name, state) in states {
        if configured.iter().any(|named| named.name == name) {
            continue;
        }
        retire(broker, &state);
        let Some(parked) = state.parked.take() else {
            continue;
        };
        let parked = parked.carried;
        let held = parked.outbox.pending_len() + parked.outbox.inflight.inflight_len();
        if held > 0 {
            warn!(bridge = %name, messages = held, "bridge removed: the messages it held are dropped");
        }
        if let Some(store_id) = state.store_id.lock().take() {
            broker.drop_bridge_session(&store_id);
        }
        state.stats.set_backlog(0, 0);
    }
}

/// What the store held from the previous run for bridges the configuration no longer has is
/// dropped (and logged), so that it does not wait on disk for ever; a bridge switched off
/// keeps it for its next start. (The `[bridge]` section has no switch of its own:
/// `bridge_mode = false` is no bridge.)
fn drop_unclaimed(config: &Config, broker: &Broker) {
    let claimed: Vec<String> = config
        .mqtt_bridges()
        .iter()
        .map(options::store_id)
        .collect();
    broker.drop_bridge_backlogs(&claimed);
}

fn start(
    named: &NamedBridge,
    config: &Config,
    broker: &Broker,
    bridges: &Bridges,
    shutdown: &CancellationToken,
    tracker: &TaskTracker,
) -> Option<Running> {
    let mut options = match BridgeOptions::new(named, config) {
        Ok(options) => options,
        Err(e) => {
            error!(bridge = %named.name, error = %e, "bridge not started");
            return None;
        }
    };
    let unused = named.bridge.unused_keys();
    if !unused.is_empty() {
        warn!(bridge = %named.name, keys = ?unused, "bridge: NanoMQ keys accepted but not used");
    }
    if options.insecure {
        warn!(bridge = %named.name, "bridge: the upstream's certificate is not verified (insecure_skip_verify)");
    }
    let state = bridges.state(&named.name);
    let mut forget = Vec::new();
    let (mut carried, kept_session) = unpark(broker, &state, &mut options, &mut forget);
    *state.client_id.lock() = Some(options.client_id.clone());
    *state.store_id.lock() = Some(options.store_id.clone());
    let session = match kept_session {
        Some(session) => {
            follow_forwards(broker, &session, &options);
            session
        }
        None => local_session(broker, &options),
    };
    let backlog = broker.open_bridge_session(&session, options.version);
    if !backlog.is_empty() {
        info!(
            bridge = %named.name,
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
    let (rules, rules_rx) = watch::channel(options.subscriptions.clone());
    let task = tracker.spawn(run(
        options,
        broker.clone(),
        state,
        session,
        carried,
        (stop.clone(), rules_rx),
    ));
    Some(Running {
        settings: named.clone(),
        stop,
        task,
        rules,
    })
}

/// Whether the bridges of `config` could start (their addresses parse, their TLS trust
/// loads); the error names the bridge and says why not.
pub fn check(config: &Config) -> Result<(), String> {
    for options in BridgeOptions::all(config) {
        let options = options.map_err(|(_, e)| e)?;
        dialers(&options).map_err(|e| format!("bridge `{}`: {e}", options.name))?;
    }
    Ok(())
}

/// The dialers to the upstreams, in order: the one client engine's, with its one trust
/// policy (the system's roots, or a CA as a path or PEM text).
fn dialers(options: &BridgeOptions) -> Result<Vec<Dialer>, DialError> {
    let trust = Trust {
        ca: options.cacert.as_deref(),
        client_cert: options
            .client_cert
            .as_ref()
            .map(|(cert, key)| (cert.as_str(), key.as_str())),
        insecure: options.insecure,
    };
    options
        .servers
        .iter()
        .map(|address| {
            let target = Target::new(address.host.clone(), address.port, address.tls);
            Dialer::new(target, &trust)
        })
        .collect()
}

/// What the previous run left, if any (its generated client identifier is kept unless one
/// is configured now, and its local session when it is still subscribed under the same store
/// identity), else a fresh start.
fn unpark(
    broker: &Broker,
    state: &BridgeState,
    options: &mut BridgeOptions,
    forget: &mut Vec<u64>,
) -> (Carried, Option<Arc<Session>>) {
    let held = state.parked.take();
    let held = match held {
        Some(held)
            if held
                .session
                .as_ref()
                .is_some_and(|s| *s.client_id != *options.store_id) =>
        {
            // Moved between the [bridge] section and a named table: a new store identity,
            // so the old session's messages cannot follow it.
            let old_id = held
                .session
                .as_ref()
                .map(|s| s.client_id.to_string())
                .unwrap_or_default();
            state.parked.put(held);
            retire(broker, state);
            drop(state.parked.take());
            broker.drop_bridge_session(&old_id);
            warn!(bridge = %options.name, "bridge: moved to another section, what it held is dropped");
            None
        }
        other => other,
    };
    match held {
        Some(Held {
            client_id,
            mut carried,
            session,
        }) => {
            if !options.client_id_configured {
                options.client_id = client_id;
            }
            let dropped =
                carried
                    .outbox
                    .set_bounds(options.max_queued, options.max_queued_bytes, forget);
            carried.outbox.retry_qos_0 = options.retry_qos_0;
            carried.subscriptions.clone_from(&options.subscriptions);
            state.stats.dropped.add(dropped);
            (carried, session)
        }
        None => (
            Carried {
                outbox: Outbox::new(
                    options.max_queued,
                    options.max_queued_bytes,
                    options.retry_qos_0,
                ),
                inbound: DeliveryState::default(),
                subscriptions: options.subscriptions.clone(),
                upstream_filters: Vec::new(),
            },
            None,
        ),
    }
}

/// A kept local session takes the forwards of the new settings: the new filters first, then
/// the old ones let go, so that no message published meanwhile is missed.
fn follow_forwards(broker: &Broker, session: &Arc<Session>, options: &BridgeOptions) {
    let current: Vec<String> = session
        .subscriptions()
        .into_iter()
        .map(|(filter, _)| filter)
        .collect();
    subscribe_forwards(
        broker,
        session,
        options
            .forwards
            .iter()
            .filter(|rule| !current.contains(&rule.filter)),
    );
    for filter in current {
        if !options.forwards.iter().any(|rule| rule.filter == filter) {
            // Not a subscription the store keeps for a bridge: nothing to wait for.
            let _not_kept = broker.unsubscribe(session, &filter);
        }
    }
}

async fn run(
    options: BridgeOptions,
    broker: Broker,
    state: Arc<BridgeState>,
    session: Arc<Session>,
    mut carried: Carried,
    (shutdown, mut rules): (CancellationToken, watch::Receiver<Vec<SubscribeRule>>),
) {
    match dialers(&options) {
        Ok(dialers) => {
            let span = info_span!("bridge", name = %options.name, client_id = %options.client_id);
            let upstream = Upstream {
                options: &options,
                dialers: &dialers,
                broker: &broker,
                state: &state,
                session: &session,
            };
            supervise(upstream, &mut carried, &mut rules, &shutdown)
                .instrument(span)
                .await;
        }
        Err(e) => error!(bridge = %options.name, error = %e, "bridge not started"),
    }
    // The local session stays subscribed for the next run (a restart on new settings, or of
    // the listeners); a bridge that is not to run again is retired.
    let mut forget = Vec::new();
    let dropped = carried.outbox.absorb(&session.mailbox, &mut forget);
    forget_all(&broker, &session, &forget);
    state.stats.dropped.add(dropped);
    state.stats.set_state(BridgeLinkState::Stopped, None);
    state.stats.set_backlog(
        carried.outbox.pending_len(),
        carried.outbox.inflight.inflight_len(),
    );
    state.parked.put(Held {
        client_id: options.client_id,
        carried,
        session: Some(session),
    });
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
        Arc::from(options.store_id.as_str()),
        details.clone(),
    ));
    // Counted as connected so that it takes its turn in a `$share` group it forwards.
    let _ = session.attach(details);
    let settings = broker.settings();
    // Always drained (by the link, or into the outage buffer), so never capped by `msq_len`.
    session
        .mailbox
        .set_online(true, &settings.queue, &mut Vec::new());
    subscribe_forwards(broker, &session, options.forwards.iter());
    session
}

/// Subscribes a bridge's local session to forward filters, with No Local.
fn subscribe_forwards<'a>(
    broker: &Broker,
    session: &Arc<Session>,
    forwards: impl Iterator<Item = &'a options::ForwardRule>,
) {
    let options_local = SubscriptionOptions {
        qos: QoS::ExactlyOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
    };
    let identity = Identity::bridge(Arc::clone(&session.client_id));
    for rule in forwards {
        let entry = SubscribeFilter {
            filter: rule.filter.clone(),
            options: options_local,
        };
        let subscribed = broker.subscribe(&identity, session, &entry, None);
        if subscribed.reason.is_error() {
            warn!(filter = %rule.filter, reason = subscribed.reason.0, "bridge: forward filter refused");
        }
    }
}

/// What a running bridge works with.
#[derive(Clone, Copy)]
struct Upstream<'a> {
    options: &'a BridgeOptions,
    /// One per server, in the order they are tried.
    dialers: &'a [Dialer],
    broker: &'a Broker,
    state: &'a BridgeState,
    session: &'a Arc<Session>,
}

/// Connects, serves the connection, and reconnects, until `shutdown`. With several servers
/// (`hybrid_servers`) an attempt that fails, or a connection that ends, moves on to the next
/// server at once; only when every server has failed in a row does the bridge wait (capped
/// exponential backoff, up to `backoff_max`) before going round again.
async fn supervise(
    upstream: Upstream<'_>,
    carried: &mut Carried,
    rules: &mut watch::Receiver<Vec<SubscribeRule>>,
    shutdown: &CancellationToken,
) {
    let Upstream {
        options,
        dialers,
        broker,
        state,
        session,
    } = upstream;
    let stats = &state.stats;
    let mut backoff = Backoff::new(backoff::INITIAL, options.backoff_max);
    let mut delay = Duration::ZERO;
    let mut index = 0;
    // Servers that failed in a row, the current one included.
    let mut failed_in_row = 0usize;
    let mut failures = 0u32;
    let mut connections = 0u64;
    // Connecting until the first attempt ends; after a failure or a lost connection the
    // bridge stays `disconnected` (since then, with the latest error) while it retries.
    stats.set_state(BridgeLinkState::Connecting, None);
    loop {
        let dialer = &dialers[index];
        state.set_server(&options.server_urls[index]);
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
                // Taken at the next connection.
                Some(new) = link::rules_changed(Some(&mut *rules)) => carried.subscriptions = new,
            }
        };
        let connected = match result {
            Ok(connected) => connected,
            Err(e) => {
                failures += 1;
                failed_in_row += 1;
                stats.failed_attempts.add(1);
                stats.set_state(BridgeLinkState::Disconnected, Some(e.to_string()));
                index = (index + 1) % dialers.len();
                delay = if failed_in_row < dialers.len() {
                    Duration::ZERO
                } else {
                    failed_in_row = 0;
                    backoff.next_delay()
                };
                if failures == 1 {
                    warn!(upstream = %dialer.target(), error = %e, retry_in = ?delay, "bridge: cannot connect to the upstream");
                } else {
                    debug!(upstream = %dialer.target(), error = %e, retry_in = ?delay, failures, "bridge: still cannot connect");
                }
                continue;
            }
        };
        // `failed_in_row` is reset only by a connection that holds (below): servers that accept
        // and drop at once count as failing, so that a round of them backs off.
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
            upstream = %dialer.target(),
            session_present = connected.limits.session_present,
            buffered = carried.outbox.pending_len(),
            "bridge connected"
        );
        let since = Instant::now();
        let end = Link::new(connected, options, broker, stats, session, carried, rules)
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
                    failed_in_row = 1;
                } else {
                    failed_in_row += 1;
                }
                if dialers.len() > 1 && failed_in_row < dialers.len() {
                    // The server just lost is the least likely to answer now: the next one.
                    index = (index + 1) % dialers.len();
                    delay = Duration::ZERO;
                } else {
                    // One server, or a whole round that would not hold a connection.
                    index = (index + 1) % dialers.len();
                    failed_in_row = 0;
                    delay = backoff.next_delay();
                }
                stats.set_state(BridgeLinkState::Disconnected, Some(e.to_string()));
                warn!(upstream = %dialer.target(), reason = %e, retry_in = ?delay, "bridge disconnected");
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
