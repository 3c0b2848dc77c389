//! Running the broker: binding the listeners, restarting them in place on the re-read
//! configuration (`ctrl/restart`), and stopping.
//!
//! The [`Broker`] state (sessions, subscriptions, retained messages, its timers) and the
//! bridges' [`Bridges`] live for the whole process; only the listeners, their connections
//! and the bridges' links are torn down by a restart. Each listener kind, the HTTP API and the
//! bridges are started by [`Listeners::bind`] and stopped together.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use shared_types::config::{Config, ListenScheme, TakesEffect, takes_effect};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{error, info, warn};

use shared_types::metrics::BridgeMetrics;

use crate::bridge::{BridgeState, Bridges};
use crate::broker::{Broker, Settings};
use crate::config::Overrides;
pub use crate::control::{BoundAddrs, Control, Preflight, ServerControl};
use crate::transport;

/// How long a stop or restart waits for connections to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the broker could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A listener URL did not parse, or its address could not be bound.
    #[error(transparent)]
    Listener(#[from] crate::transport::BindError),
    /// The TLS settings are unusable.
    #[error(transparent)]
    Tls(#[from] crate::transport::tls::TlsSetupError),
    /// The users or the access-control rules could not be loaded.
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthSetupError),
    /// The HTTP API could not be set up (its port, its JWT key, its TLS material).
    #[error(transparent)]
    Http(#[from] crate::http::HttpSetupError),
    /// The store could not be opened (its directory, or another broker holds it).
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A running broker.
#[derive(Debug)]
pub struct BrokerHandle {
    /// The broker's shared state.
    pub broker: Broker,
    bridges: Arc<Bridges>,
    control: ServerControl,
    addrs: watch::Receiver<Option<BoundAddrs>>,
    supervisor: JoinHandle<()>,
}

impl BrokerHandle {
    /// Where the listeners are bound right now.
    pub fn addrs(&self) -> Option<BoundAddrs> {
        *self.addrs.borrow()
    }

    /// The control used by the HTTP API.
    pub fn control(&self) -> ServerControl {
        self.control.clone()
    }

    /// The first bridge's counters, when the running configuration has an enabled bridge.
    pub fn bridge_metrics(&self) -> Option<BridgeMetrics> {
        let config = self.broker.config();
        self.bridges
            .metrics(&config)
            .into_iter()
            .next()
            .map(|(_, metrics)| metrics)
    }

    /// The counters of the bridge `name`, whether or not it runs.
    pub fn bridge_metrics_of(&self, name: &str) -> BridgeMetrics {
        self.bridges.state(name).stats.snapshot()
    }

    /// The state of the bridge `name` (its counters), whether or not it runs.
    pub fn bridge_state(&self, name: &str) -> Arc<BridgeState> {
        self.bridges.state(name)
    }

    /// The state of the first bridge of the running configuration (`[bridge]`'s, if on).
    pub fn bridge_stats(&self) -> Arc<BridgeState> {
        let config = self.broker.config();
        let name = config
            .mqtt_bridges()
            .first()
            .map_or_else(|| config.bridge.name.clone(), |b| b.name.clone());
        self.bridges.state(&name)
    }

    /// Waits until the listeners are up again after a restart, returning their addresses.
    pub async fn wait_running(&mut self) -> Option<BoundAddrs> {
        self.addrs
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|a| *a)
    }

    /// Asks the broker to restart its listeners on the re-read configuration.
    pub fn restart(&self) {
        self.control.request(Control::Restart);
    }

    /// Stops the broker and waits until it has stopped.
    pub async fn stop(self) {
        self.control.request(Control::Stop);
        let _ = self.supervisor.await;
    }

    /// Waits until the broker stops (asked through the API or [`ServerControl`]).
    pub async fn stopped(self) {
        let _ = self.supervisor.await;
    }
}

/// Starts a broker with `config`; `config_path` is the file it came from, which a restart
/// re-reads (and applies `overrides` to) and `POST /configuration` rewrites.
pub async fn start(
    config: Config,
    config_path: Option<PathBuf>,
    overrides: Overrides,
) -> Result<BrokerHandle, StartError> {
    let broker = Broker::new(config.clone())?;
    open_store(&broker, &config).await?;
    let (requests_tx, requests) = mpsc::unbounded_channel();
    let (addrs_tx, addrs) = watch::channel(None);
    let bound = addrs.clone();
    let check: Preflight =
        Arc::new(move |config: &Config| crate::preflight::could_start(config, *bound.borrow()));
    let bridges = Arc::new(Bridges::default());
    let control = ServerControl::new(
        requests_tx,
        addrs.clone(),
        config_path,
        overrides,
        check,
        Arc::clone(&bridges),
    );
    let running = Running {
        broker: broker.clone(),
        bridges: Arc::clone(&bridges),
        control: control.clone(),
        addrs: addrs_tx,
    };
    let listeners = Listeners::bind(&config, &running).await?;
    let supervisor = tokio::spawn(supervise(running, listeners, requests));
    Ok(BrokerHandle {
        broker,
        bridges,
        control,
        addrs,
        supervisor,
    })
}

/// Opens the store (when persistence is on), puts what it holds back in place and attaches
/// it: all before any listener opens. `[persistence]` is read once, at process start.
async fn open_store(broker: &Broker, config: &Config) -> Result<(), StartError> {
    let persistence = config.persistence.clone();
    let opened = tokio::task::spawn_blocking(move || crate::store::open(&persistence))
        .await
        .map_err(|e| crate::store::StoreError::Dir {
            path: config.persistence.dir.clone().into(),
            reason: e.to_string(),
        })??;
    let Some(opened) = opened else {
        return Ok(());
    };
    let (restored, fixes) = broker.restore(opened.snapshot);
    broker.attach_store(opened.journal);
    if let Some(store) = broker.store() {
        for op in fixes {
            store.submit_unawaited(op);
        }
    }
    info!(
        sessions = restored.sessions,
        deliveries = restored.deliveries,
        retained = restored.retained,
        dir = %config.persistence.dir,
        "persistent state restored"
    );
    Ok(())
}

/// What the supervisor and every (re)start of the listeners work with.
struct Running {
    broker: Broker,
    bridges: Arc<Bridges>,
    control: ServerControl,
    addrs: watch::Sender<Option<BoundAddrs>>,
}

async fn supervise(
    running: Running,
    mut listeners: Listeners,
    mut requests: mpsc::UnboundedReceiver<Control>,
) {
    let broker = &running.broker;
    // Wills, session expiry and retained-message expiry, for the broker's whole life.
    let timers = tokio::spawn({
        let broker = broker.clone();
        async move { broker.run_timers().await }
    });
    // Resident memory against `max_memory`, for the broker's whole life.
    let memory = tokio::spawn({
        let broker = broker.clone();
        async move { broker.watch_memory().await }
    });
    while let Some(request) = requests.recv().await {
        listeners.stop().await;
        running.addrs.send_replace(None);
        if request == Control::Stop {
            let store = broker.clone();
            let _ = tokio::task::spawn_blocking(move || store.close_store()).await;
            info!("broker stopped");
            break;
        }
        let previous = broker.config();
        let settings = broker.settings();
        let next = match running
            .control
            .check_restart(&previous, settings.in_force())
            .map_err(|refusal| refusal.to_string())
            .and_then(|next| {
                let config = in_force_after_restart(&previous, &next.config)?;
                Ok((config, next.auth))
            }) {
            Ok((config, auth)) => {
                broker.apply(config.clone(), Arc::new(Settings::with_auth(&config, auth)));
                config
            }
            Err(e) => {
                error!(error = %e, "restart: configuration unusable, keeping the running one");
                (*previous).clone()
            }
        };
        listeners = match Listeners::bind(&next, &running).await {
            Ok(l) => l,
            Err(e) => {
                error!(error = %e, "restart: cannot start listeners, going back to the previous configuration");
                if let Err(e) = broker.set_config((*previous).clone()) {
                    error!(error = %e, "restart: the previous users or rules are unusable now");
                }
                match Listeners::bind(&previous, &running).await {
                    Ok(l) => l,
                    Err(e) => {
                        error!(error = %e, "restart failed; broker stopped");
                        break;
                    }
                }
            }
        };
        let level = broker.config().log.level;
        if level != previous.log.level
            && let Err(e) = crate::reload::apply_log_level(level.as_str())
        {
            warn!(error = %e, "restart: cannot change the log level");
        }
        info!("broker restarted");
    }
    timers.abort();
    memory.abort();
}

/// What runs after a restart onto `loaded`: its settings, but for those read only when the
/// process starts (the worker threads, the store, where the log goes), which stay as they
/// run, with a warning naming them.
fn in_force_after_restart(previous: &Config, loaded: &Config) -> Result<Config, String> {
    let later: Vec<String> = crate::config::changed_settings(previous, loaded)?
        .into_iter()
        .map(|path| path.join("."))
        .filter(|key| takes_effect(key) == TakesEffect::ProcessStart)
        .collect();
    if !later.is_empty() {
        warn!(
            settings = %later.join(", "),
            "restart: changed settings that apply when the process next starts; they stay as they run"
        );
    }
    previous
        .after(TakesEffect::Restart, loaded)
        .map_err(|e| e.to_string())
}

/// The running listeners and their connections.
struct Listeners {
    shutdown: CancellationToken,
    tracker: TaskTracker,
}

impl Listeners {
    /// Binds every listener, then publishes their addresses on `publish`, then serves: whoever
    /// reaches the broker (a client, an API call, a test) finds the addresses already known.
    async fn bind(config: &Config, running: &Running) -> Result<Listeners, StartError> {
        let Running {
            broker,
            bridges,
            control,
            addrs: publish,
        } = running;
        let mut addrs = BoundAddrs {
            mqtt: SocketAddr::from(([0, 0, 0, 0], 0)),
            tls: None,
            ws: None,
            wss: None,
            http: None,
        };
        // Everything is checked and bound before anything is served, so a bad setting leaves
        // nothing half started.
        let tls = if config.tls.enable {
            Some(crate::transport::tls::acceptor(&config.tls)?)
        } else {
            None
        };
        let mut bound = Vec::new();
        for spec in transport::listeners(config) {
            let listener = transport::bind(spec, tls.as_ref()).await?;
            let addr = listener.addr;
            match listener.spec.scheme {
                ListenScheme::Tcp => addrs.mqtt = addr,
                ListenScheme::Tls => addrs.tls = Some(addr),
                ListenScheme::Ws => addrs.ws = Some(addr),
                ListenScheme::Wss => addrs.wss = Some(addr),
            }
            bound.push(listener);
        }
        // The HTTP API is bound with the others, before anything is served.
        let http = crate::http::bind(config, broker, control).await?;
        addrs.http = http.as_ref().map(crate::http::HttpServer::addr);
        publish.send_replace(Some(addrs));
        let shutdown = CancellationToken::new();
        let tracker = TaskTracker::new();
        for bound in bound {
            info!(listener = bound.kind.name, addr = %bound.addr, "listening");
            tracker.spawn(transport::accept_loop(
                bound.listener,
                Arc::new(bound.kind),
                broker.clone(),
                shutdown.clone(),
                tracker.clone(),
            ));
        }
        // Served until `shutdown`, gracefully, as one of the tracked tasks.
        if let Some(server) = http {
            server.spawn(&shutdown, &tracker);
        }
        // `$SYS` statistics, from the first moment clients can connect.
        tracker.spawn(crate::stats::publish_periodically(
            broker.clone(),
            control.clone(),
            shutdown.clone(),
        ));
        // The bridges run with the listeners and stop and restart with them.
        crate::bridge::spawn(config, broker, bridges, shutdown.clone(), &tracker);
        Ok(Listeners { shutdown, tracker })
    }

    /// Closes the listeners and every connection (MQTT 5 clients get DISCONNECT 0x8B), and
    /// waits for them, bounded by [`DRAIN_TIMEOUT`].
    async fn stop(&self) {
        self.shutdown.cancel();
        self.tracker.close();
        if tokio::time::timeout(DRAIN_TIMEOUT, self.tracker.wait())
            .await
            .is_err()
        {
            warn!("some connections did not close in time");
        }
    }
}
