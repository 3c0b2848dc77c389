//! What every handler can reach: the live [`Broker`] and [`ServerControl`] (never copies of
//! what they hold), the JWT verifier, the lock that orders writes to the configuration file,
//! and the limits the server works within.

use std::sync::Arc;
use std::time::Duration;

use shared_types::config::AuthType;
use tokio::sync::Mutex;

use super::jwt::JwtVerifier;
use crate::broker::Broker;
use crate::control::ServerControl;

/// How long one request may take, body upload included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest request body accepted (API.md §1: 1 MiB).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Limits of the HTTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    /// How long one request may take before it is answered 408.
    pub request_timeout: Duration,
    /// The largest request body, in bytes, before it is answered 413.
    pub body_limit: usize,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            request_timeout: REQUEST_TIMEOUT,
            body_limit: BODY_LIMIT,
        }
    }
}

/// The state shared by the handlers; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The broker whose sessions, subscriptions and counters are shown.
    pub broker: Broker,
    /// How the API restarts or stops the server, and where the configuration file is.
    pub control: ServerControl,
    /// The server's limits.
    pub options: HttpOptions,
    jwt: Option<Arc<JwtVerifier>>,
    config_writes: Arc<Mutex<()>>,
}

impl AppState {
    /// The state for `broker`, with the default limits; fails when `auth_type` is `jwt` and
    /// the public key file cannot be used.
    pub fn new(broker: Broker, control: ServerControl) -> Result<AppState, String> {
        AppState::with_options(broker, control, HttpOptions::default())
    }

    /// The state for `broker`, with the given limits.
    pub fn with_options(
        broker: Broker,
        control: ServerControl,
        options: HttpOptions,
    ) -> Result<AppState, String> {
        let running = broker.config();
        let http = &running.http_server;
        let jwt = match http.auth_type {
            AuthType::Jwt => Some(Arc::new(JwtVerifier::load(&http.jwt)?)),
            AuthType::Basic | AuthType::NoAuth => None,
        };
        Ok(AppState {
            broker,
            control,
            options,
            jwt,
            config_writes: Arc::default(),
        })
    }

    /// The JWT verifier, loaded when the server started with `auth_type = "jwt"`.
    pub fn jwt(&self) -> Option<&JwtVerifier> {
        self.jwt.as_deref()
    }

    /// Held while `POST /configuration` reads the file, merges into it and writes it back,
    /// so two POSTs cannot lose each other's changes.
    pub fn config_writes(&self) -> &Mutex<()> {
        &self.config_writes
    }
}
