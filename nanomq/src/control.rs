//! How the outside (the HTTP API, signal handlers, tests) reaches a running server: where its
//! listeners are bound, the requests to restart or stop it, and the bridge's state (which
//! outlives restarts). The server hands a [`ServerControl`] out and serves its requests, the
//! API only sends them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use shared_types::config::{Config, ConfigError};
use tokio::sync::{mpsc, watch};

use crate::auth::AuthRules;
use crate::auth::guard::{InForce, Stated};
use crate::bridge::Bridges;
use crate::config::{LoadError, Overrides};

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

/// A configuration a restart or reload may start with, and its users and rules.
#[derive(Debug)]
pub struct Next {
    /// The configuration.
    pub config: Config,
    /// Its users and rules, read with it.
    pub auth: Arc<AuthRules>,
}

/// What can be asked of a running server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Stop the listeners, re-read the configuration file, start them again.
    Restart,
    /// Stop everything; the process should exit.
    Stop,
}

/// Why a restart (or a reload) keeps the running configuration.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The configuration file cannot be read, or is not a valid configuration.
    #[error(transparent)]
    File(#[from] LoadError),
    /// With the command-line overrides applied, the configuration is not valid.
    #[error("with the command-line overrides: {0}")]
    Overrides(ConfigError),
    /// The configuration is valid but could not start (a file it names, a port in use).
    #[error("{0}")]
    CouldNotStart(String),
    /// The configuration would weaken access control without saying so.
    #[error("{0}")]
    WeakensAccess(String),
}

impl From<Refusal> for String {
    fn from(refusal: Refusal) -> String {
        refusal.to_string()
    }
}

/// Whether a configuration could start: its files, key material and rules load, and its
/// ports can be bound. Provided by the server, which knows what starting takes.
pub type Preflight = Arc<dyn Fn(&Config) -> Result<(), String> + Send + Sync>;

/// The way for the HTTP API (and signal handlers) to restart or stop the server and to see
/// where it listens.
#[derive(Clone)]
pub struct ServerControl {
    requests: mpsc::UnboundedSender<Control>,
    addrs: watch::Receiver<Option<BoundAddrs>>,
    config_path: Option<PathBuf>,
    overrides: Overrides,
    preflight: Preflight,
    bridges: Arc<Bridges>,
}

impl std::fmt::Debug for ServerControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerControl")
            .field("addrs", &self.addrs())
            .field("config_path", &self.config_path)
            .field("overrides", &self.overrides)
            .finish_non_exhaustive()
    }
}

impl ServerControl {
    /// A control sending its requests on `requests` and reading the addresses from `addrs`;
    /// `preflight` says whether a configuration could start.
    pub fn new(
        requests: mpsc::UnboundedSender<Control>,
        addrs: watch::Receiver<Option<BoundAddrs>>,
        config_path: Option<PathBuf>,
        overrides: Overrides,
        preflight: Preflight,
        bridges: Arc<Bridges>,
    ) -> ServerControl {
        ServerControl {
            requests,
            addrs,
            config_path,
            overrides,
            preflight,
            bridges,
        }
    }

    /// The bridges' states and counters (kept for the whole process).
    pub fn bridges(&self) -> &Arc<Bridges> {
        &self.bridges
    }

    /// Whether `config` could start (see [`Preflight`]); the error says why not.
    pub fn preflight(&self, config: &Config) -> Result<(), String> {
        (self.preflight)(config)
    }

    /// What a restart or a reload would start with: the configuration file re-read with the
    /// overrides applied (or the running configuration, without a file), with its users and
    /// rules (the files they name read now), if it could start and would not weaken access
    /// control by accident ([`crate::auth::guard`], against `in_force`); the refusal says why
    /// not, and the running configuration then stays.
    pub fn check_restart(&self, running: &Config, in_force: InForce<'_>) -> Result<Next, Refusal> {
        let (next, stated) = match &self.config_path {
            Some(path) => {
                let (loaded, stated) = crate::config::load_stated(path)?;
                let next = self.overrides.apply(loaded).map_err(Refusal::Overrides)?;
                (next, stated)
            }
            None => (running.clone(), Stated::default()),
        };
        self.preflight(&next).map_err(Refusal::CouldNotStart)?;
        let auth = AuthRules::load(&next).map_err(|e| Refusal::CouldNotStart(e.to_string()))?;
        crate::auth::guard::check(in_force, &next, &auth, &stated)
            .map_err(Refusal::WeakensAccess)?;
        Ok(Next {
            config: next,
            auth: Arc::new(auth),
        })
    }

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

    /// The command-line overrides applied to the file at every (re)start.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }
}
