//! Running the broker: binding the listeners, restarting them in place on the re-read
//! configuration (`ctrl/restart`), and stopping.
//!
//! The [`Broker`] state (sessions, subscriptions, retained messages) lives for the whole
//! process; only the listeners and their connections are torn down by a restart. The
//! supervisor that carries out restart and stop also does the broker-wide housekeeping
//! (every second: freeing expired retained messages).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use shared_types::config::{Config, ListenScheme, ListenUrl};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, error, info, warn};

use crate::broker::Broker;
use crate::config::Overrides;
use crate::transport::{self, ListenerKind};

/// How long a stop or restart waits for connections to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// The addresses the running listeners are bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundAddrs {
    /// MQTT over TCP.
    pub mqtt: SocketAddr,
    /// MQTT over TLS, when enabled.
    pub tls: Option<SocketAddr>,
    /// MQTT over WebSocket, when enabled.
    pub ws: Option<SocketAddr>,
    /// MQTT over secure WebSocket, when both WebSocket and TLS are enabled.
    pub wss: Option<SocketAddr>,
    /// The HTTP API, when enabled.
    pub http: Option<SocketAddr>,
}

/// What can be asked of a running server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Stop the listeners, re-read the configuration file, start them again.
    Restart,
    /// Stop everything; the process should exit.
    Stop,
}

/// Why the broker could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A listener URL did not parse.
    #[error("{field}: {reason}")]
    BadUrl {
        /// The configuration field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The TLS settings are unusable.
    #[error(transparent)]
    Tls(#[from] crate::transport::tls::TlsSetupError),
    /// A listener could not bind.
    #[error("cannot listen on {addr} ({field}): {source}")]
    Bind {
        /// The configuration field.
        field: &'static str,
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    // HTTP API hook.
    /// The HTTP API could not be set up (e.g. its JWT public key file is unusable).
    #[error("http_server: {0}")]
    Http(String),
}

/// The way for the HTTP API (and signal handlers) to restart or stop the server and to see
/// where it listens.
#[derive(Debug, Clone)]
pub struct ServerControl {
    requests: mpsc::UnboundedSender<Control>,
    addrs: watch::Receiver<Option<BoundAddrs>>,
    config_path: Option<PathBuf>,
    overrides: Overrides,
}

impl ServerControl {
    /// Asks for a restart or a stop; it happens in the background.
    pub fn request(&self, control: Control) {
        // The supervisor only goes away once stopped, when nothing is left to ask.
        let _ = self.requests.send(control);
    }

    /// The current listener addresses (`None` while restarting or once stopped).
    pub fn addrs(&self) -> Option<BoundAddrs> {
        *self.addrs.borrow()
    }

    /// The configuration file the broker runs from, if it was started with one.
    pub fn config_path(&self) -> Option<&PathBuf> {
        self.config_path.as_ref()
    }
}

/// A running broker.
#[derive(Debug)]
pub struct BrokerHandle {
    /// The broker's shared state.
    pub broker: Broker,
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
    let broker = Broker::new(config.clone());
    let (requests_tx, requests) = mpsc::unbounded_channel();
    let (addrs_tx, addrs) = watch::channel(None);
    let control = ServerControl {
        requests: requests_tx,
        addrs: addrs.clone(),
        config_path,
        overrides,
    };
    let listeners = Listeners::bind(&config, &broker, &control, &addrs_tx).await?;
    let supervisor = tokio::spawn(supervise(
        broker.clone(),
        control.clone(),
        listeners,
        requests,
        addrs_tx,
    ));
    Ok(BrokerHandle {
        broker,
        control,
        addrs,
        supervisor,
    })
}

async fn supervise(
    broker: Broker,
    control: ServerControl,
    mut listeners: Listeners,
    mut requests: mpsc::UnboundedReceiver<Control>,
    addrs: watch::Sender<Option<BoundAddrs>>,
) {
    // Housekeeping that belongs to no connection: expired retained messages are freed.
    let mut housekeeping = tokio::time::interval(Duration::from_secs(1));
    housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let request = tokio::select! {
            request = requests.recv() => request,
            _ = housekeeping.tick() => {
                let removed = broker.retained.remove_expired(std::time::Instant::now());
                if removed > 0 {
                    debug!(removed, "expired retained messages removed");
                }
                continue;
            }
        };
        let Some(request) = request else { break };
        listeners.stop().await;
        addrs.send_replace(None);
        if request == Control::Stop {
            info!("broker stopped");
            return;
        }
        let previous = broker.config();
        let next = match control.config_path() {
            Some(path) => match crate::config::load(path).map(|c| control.overrides.apply(c)) {
                Ok(Ok(config)) => config,
                Ok(Err(e)) => {
                    error!(error = %e, "restart: configuration unusable, keeping the running one");
                    (*previous).clone()
                }
                Err(e) => {
                    error!(error = %e, "restart: configuration unusable, keeping the running one");
                    (*previous).clone()
                }
            },
            None => (*previous).clone(),
        };
        broker.set_config(next.clone());
        listeners = match Listeners::bind(&next, &broker, &control, &addrs).await {
            Ok(l) => l,
            Err(e) => {
                error!(error = %e, "restart: cannot start listeners, going back to the previous configuration");
                broker.set_config((*previous).clone());
                match Listeners::bind(&previous, &broker, &control, &addrs).await {
                    Ok(l) => l,
                    Err(e) => {
                        error!(error = %e, "restart failed; broker stopped");
                        return;
                    }
                }
            }
        };
        info!("broker restarted");
    }
}

/// The running listeners and their connections.
struct Listeners {
    shutdown: CancellationToken,
    tracker: TaskTracker,
}

impl Listeners {
    /// Binds every listener, then publishes their addresses on `publish`, then serves: whoever
    /// reaches the broker (a client, an API call, a test) finds the addresses already known.
    async fn bind(
        config: &Config,
        broker: &Broker,
        control: &ServerControl,
        publish: &watch::Sender<Option<BoundAddrs>>,
    ) -> Result<Listeners, StartError> {
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
        let (mqtt, _) = bind_url("url", &config.url, ListenScheme::Tcp).await?;
        addrs.mqtt = local_addr("url", &mqtt)?;
        bound.push((mqtt, kind("mqtt-tcp", None, None)));
        if let Some(acceptor) = &tls {
            let (listener, _) = bind_url("tls.url", &config.tls.url, ListenScheme::Tls).await?;
            addrs.tls = Some(local_addr("tls.url", &listener)?);
            bound.push((listener, kind("mqtt-tls", Some(acceptor.clone()), None)));
        }
        if config.websocket.enable {
            let (listener, path) =
                bind_url("websocket.url", &config.websocket.url, ListenScheme::Ws).await?;
            addrs.ws = Some(local_addr("websocket.url", &listener)?);
            bound.push((listener, kind("ws", None, Some(path))));
            if let Some(acceptor) = &tls {
                let field = "websocket.tls_url";
                let (listener, path) =
                    bind_url(field, &config.websocket.tls_url, ListenScheme::Wss).await?;
                addrs.wss = Some(local_addr(field, &listener)?);
                bound.push((listener, kind("wss", Some(acceptor.clone()), Some(path))));
            }
        }
        // HTTP API hook: bound with the others, before anything is served.
        let http = crate::http::bind(config, broker, control).await?;
        addrs.http = http.as_ref().map(crate::http::HttpServer::addr);
        publish.send_replace(Some(addrs));
        let shutdown = CancellationToken::new();
        let tracker = TaskTracker::new();
        for (listener, kind) in bound {
            if let Ok(addr) = listener.local_addr() {
                info!(listener = kind.name, %addr, "listening");
            }
            tracker.spawn(transport::accept_loop(
                listener,
                Arc::new(kind),
                broker.clone(),
                shutdown.clone(),
                tracker.clone(),
            ));
        }
        // HTTP API hook: served until `shutdown`, gracefully, as one of the tracked tasks.
        if let Some(server) = http {
            server.spawn(&shutdown, &tracker);
        }
        // Bridge hook: the bridge runs with the listeners and stops and restarts with them.
        crate::bridge::spawn(config, broker, shutdown.clone(), &tracker);
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

fn kind(
    name: &'static str,
    tls: Option<tokio_rustls::TlsAcceptor>,
    websocket: Option<String>,
) -> ListenerKind {
    ListenerKind {
        name,
        tls,
        websocket,
    }
}

/// Binds a TCP listener for a listener URL of the expected scheme; returns it with the URL's
/// path (a WebSocket listener serves only that path).
async fn bind_url(
    field: &'static str,
    url: &str,
    scheme: ListenScheme,
) -> Result<(TcpListener, String), StartError> {
    let parsed = ListenUrl::parse(url).map_err(|reason| StartError::BadUrl { field, reason })?;
    if parsed.scheme != scheme {
        return Err(StartError::BadUrl {
            field,
            reason: format!("expected a {} URL", scheme.describe_schemes()),
        });
    }
    let addr = parsed.socket_addr_string();
    let listener = TcpListener::bind(&addr)
        .await
        .map_err(|source| StartError::Bind {
            field,
            addr,
            source,
        })?;
    let path = if parsed.path.is_empty() {
        String::from("/")
    } else {
        parsed.path
    };
    Ok((listener, path))
}

fn local_addr(field: &'static str, listener: &TcpListener) -> Result<SocketAddr, StartError> {
    listener.local_addr().map_err(|source| StartError::Bind {
        field,
        addr: String::from("?"),
        source,
    })
}
