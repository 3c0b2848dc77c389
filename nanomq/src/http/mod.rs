//! The HTTP management API v4 (`shared/spec/API.md`): an axum server started and stopped with
//! the broker's listeners, talking to the broker only through [`crate::broker::Broker`]'s
//! operations and [`crate::control::ServerControl`].
//!
//! [`router`] builds the whole application from a state, apart from any socket, so tests drive
//! it with `tower::ServiceExt::oneshot`; [`bind`] and [`HttpServer::spawn`] put it on a port,
//! where [`serve`] bounds what each connection may hold (time, head size, their number).
//! Each resource module lists its own routes beside its handlers ([`routes::ApiRoute`]); the
//! router registers every one with and without a trailing slash, and `GET /api/v4` lists the
//! same table. Around all of it, outermost first: the request timeout (408), the body limit
//! (413), then authentication ([`auth`]), so no handler and no fallback runs unauthenticated.
//! `settable` bounds where a configuration POST may point the broker's writes.

pub mod acl;
pub mod auth;
pub mod bridges;
pub mod brokers;
pub mod clients;
pub mod configuration;
pub mod ctrl;
pub mod error;
pub mod extract;
pub mod jwt;
pub mod log;
pub mod metrics;
pub mod publish;
pub mod retained;
pub mod routes;
pub mod serve;
mod settable;
pub mod state;
pub mod subscriptions;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use shared_types::config::{AuthType, Config};
use shared_types::{ApiResponse, Endpoint, ResultCode};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::admission::FdBudget;
use crate::broker::Broker;
use crate::control::ServerControl;
pub use error::ApiError;
use routes::{ApiRoute, PREFIX};
pub use state::{AppState, HttpOptions};

/// Every route served, in the order `GET /api/v4` lists them: the specification's (in the
/// document's order), then those of API.md §4.
pub fn api_routes() -> Vec<ApiRoute> {
    let mut all: Vec<ApiRoute> = [
        brokers::routes(),
        bridges::routes(),
        clients::routes(),
        subscriptions::routes(),
        configuration::routes(),
        ctrl::routes(),
        publish::routes(),
        retained::routes(),
        metrics::routes(),
        acl::routes(),
        log::routes(),
    ]
    .into_iter()
    .flatten()
    .collect();
    all.sort_by_key(|route| route.beyond_spec);
    all
}

/// The whole application for `state`: routes, fallbacks, limits and authentication.
pub fn router(state: AppState) -> Router {
    let routes = api_routes();
    let index: Arc<Vec<Endpoint>> = Arc::new(routes.iter().map(ApiRoute::endpoint).collect());
    let list = move || {
        let index = Arc::clone(&index);
        async move { Json(ApiResponse::ok(index.as_ref().clone())) }
    };
    let mut app = Router::new()
        .route(PREFIX, get(list.clone()))
        .route(&format!("{PREFIX}/"), get(list));
    for route in routes {
        let path = format!("{PREFIX}{}", route.path);
        if route.path.contains("{*") {
            // A catch-all (a topic name) takes a trailing slash as part of the name.
            app = app.route(&path, route.handler);
            continue;
        }
        app = app
            .route(&format!("{path}/"), route.handler.clone())
            .route(&path, route.handler);
    }
    let options = state.options;
    app.fallback(error::unknown_route)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(DefaultBodyLimit::max(options.body_limit))
        .layer(from_fn_with_state(state.clone(), time_limit))
        .with_state(state)
}

/// Answers 408/102 when the request (body upload included) takes longer than allowed.
async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.options.request_timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            ResultCode::UnknownError,
            format!("request not completed within {} s", limit.as_secs_f32()),
        )
        .into_response(),
    }
}

/// The HTTP API bound to its port, not serving yet.
pub struct HttpServer {
    listener: TcpListener,
    app: Router,
    addr: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

/// Why the HTTP API could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    /// The JWT public key is unusable.
    #[error("http_server: {0}")]
    Jwt(String),
    /// The port could not be bound.
    #[error("cannot listen on {addr} (http_server.port): {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// `http_server.tls` is on and the `tls` key material is unusable.
    #[error(transparent)]
    Tls(#[from] crate::transport::tls::TlsSetupError),
}

/// What the HTTP API's settings put at risk, said at start (and by `nanomq check`).
pub fn startup_warnings(config: &Config) -> Vec<String> {
    let http = &config.http_server;
    let mut warnings = Vec::new();
    if !http.enable {
        return warnings;
    }
    if http.auth_type == AuthType::NoAuth {
        warnings.push(
            "http_server.auth_type = no_auth: the HTTP API accepts every request unauthenticated"
                .to_string(),
        );
    }
    let addr = shared_types::config::ListenUrl::join(&http.ip_addr, http.port);
    let defaults = shared_types::config::HttpServerConfig::default();
    let loopback = http
        .ip_addr
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback());
    if !loopback
        && http.auth_type == AuthType::Basic
        && http.username == defaults.username
        && http.password == defaults.password
    {
        warnings.push(format!(
            "THE HTTP API LISTENS BEYOND THIS MACHINE ({addr}) WITH THE DEFAULT CREDENTIALS \
             admin/public: anyone who can reach it can read and change the configuration and \
             stop the broker. Set http_server.password (and username), or \
             http_server.ip_addr = \"127.0.0.1\""
        ));
    }
    warnings
}

/// Binds the HTTP API on `{http_server.ip_addr}:{http_server.port}` when `http_server.enable`;
/// None when it is disabled. Fails when the port cannot be bound or the JWT key cannot be
/// loaded.
pub async fn bind(
    config: &Config,
    broker: &Broker,
    control: &ServerControl,
) -> Result<Option<HttpServer>, HttpSetupError> {
    let http = &config.http_server;
    if !http.enable {
        return Ok(None);
    }
    let state = AppState::new(broker.clone(), control.clone()).map_err(HttpSetupError::Jwt)?;
    for warning in startup_warnings(config) {
        warn!("{warning}");
    }
    let addr = shared_types::config::ListenUrl::join(&http.ip_addr, http.port);
    let bind_error = |addr: String| move |source| HttpSetupError::Bind { addr, source };
    let listener = TcpListener::bind(&addr)
        .await
        .map_err(bind_error(addr.clone()))?;
    let addr = listener.local_addr().map_err(bind_error(addr))?;
    let tls = if http.tls {
        Some(crate::transport::tls::acceptor(&config.tls)?)
    } else {
        None
    };
    Ok(Some(HttpServer {
        listener,
        app: router(state),
        addr,
        tls,
    }))
}

impl HttpServer {
    /// The address bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves on `tracker` until `shutdown`, then shuts down gracefully (responses being
    /// written are finished); returns the address.
    pub fn spawn(self, shutdown: &CancellationToken, tracker: &TaskTracker) -> SocketAddr {
        let addr = self.addr;
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        info!(%addr, scheme, "HTTP API listener started");
        let limits = serve::ConnLimits {
            header_timeout: serve::HEADER_TIMEOUT,
            max_connections: FdBudget::current().max_http,
        };
        serve::spawn(self.listener, self.tls, self.app, limits, shutdown, tracker);
        addr
    }
}
