//! How the outside (the HTTP API, signal handlers, tests) reaches a running server: where its
//! listeners are bound, and the requests to restart or stop it. A leaf module: the server
//! hands a [`ServerControl`] out and serves its requests, the API only sends them.

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::sync::{mpsc, watch};

use crate::config::Overrides;

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
    /// A control sending its requests on `requests` and reading the addresses from `addrs`.
    pub fn new(
        requests: mpsc::UnboundedSender<Control>,
        addrs: watch::Receiver<Option<BoundAddrs>>,
        config_path: Option<PathBuf>,
        overrides: Overrides,
    ) -> ServerControl {
        ServerControl {
            requests,
            addrs,
            config_path,
            overrides,
        }
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
