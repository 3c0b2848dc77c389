//! Authentication of every request, run as a layer around the whole router (routes and
//! fallbacks alike) before any handler (API.md §2): `basic`, `jwt` or `no_auth`, as the running
//! configuration's `http_server.auth_type` says.
//!
//! Basic credentials are compared in constant time, both halves always, so neither the timing
//! nor the answer tells which one was wrong. Failed logins count against the client's address
//! as MQTT ones do (`auth::throttle`), per address and per username: an attempt over budget is
//! answered 429 at once (never held waiting); each failure is logged at warn with the address
//! and the username, and counted in `logins_failed`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use shared_types::ResultCode;
use shared_types::config::{AuthType, HttpServerConfig};
use subtle::ConstantTimeEq;
use tracing::warn;

use super::error::ApiError;
use super::state::AppState;

/// The middleware: passes the request on when it authenticates, else answers 401.
pub(super) async fn authenticate(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let config = state.broker.config();
    let http = &config.http_server;
    let exempt = http.prometheus_no_auth && is_prometheus(request.uri().path());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let verdict = match http.auth_type {
        _ if exempt => Ok(()),
        AuthType::NoAuth => Ok(()),
        AuthType::Basic => {
            let throttle = state.broker.throttle();
            let user = basic_user(request.headers()).unwrap_or_default();
            // Over budget: answered at once, so that an attack from many addresses never
            // holds the API's connections (the administrator's among them) waiting.
            if let Some(peer) = peer
                && !throttle.turn_now(peer.ip(), &user)
            {
                return ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    ResultCode::WrongCredentials,
                    "too many failed logins; try again later",
                )
                .into_response();
            }
            let checked = check_basic(request.headers(), http);
            if let Some(peer) = peer {
                match &checked {
                    Ok(()) => throttle.succeeded(peer.ip(), &user),
                    Err(error) if error.code() == ResultCode::WrongCredentials => {
                        throttle.failed(peer.ip(), &user);
                        state.broker.metrics().logins_failed.add(1);
                        warn!(%peer, username = %user, "HTTP API login failed");
                    }
                    Err(_) => {}
                }
            }
            checked
        }
        AuthType::Jwt => check_bearer(request.headers(), &state),
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// The username of a Basic Authorization header, for logs.
fn basic_user(headers: &HeaderMap) -> Option<String> {
    let decoded = STANDARD.decode(credentials(headers, "Basic")?).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(
        text.split_once(':')
            .map_or(text.clone(), |(user, _)| user.to_string()),
    )
}

fn is_prometheus(path: &str) -> bool {
    matches!(path, "/api/v4/prometheus" | "/api/v4/prometheus/")
}

/// The credentials after `scheme ` in the Authorization header, if it uses that scheme.
fn credentials<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// `Authorization: Basic base64(user:pass)`: none or not Basic → 104, empty user or password
/// → 104, undecodable → 108, wrong → 103.
fn check_basic(headers: &HeaderMap, http: &HttpServerConfig) -> Result<(), ApiError> {
    let unauthorized = |code, message| ApiError::unauthorized("Basic", code, message);
    let Some(encoded) = credentials(headers, "Basic") else {
        return Err(unauthorized(
            ResultCode::EmptyCredentials,
            "HTTP Basic credentials required",
        ));
    };
    let decoded = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            unauthorized(
                ResultCode::InvalidParameter,
                "Basic credentials are not base64 of user:password",
            )
        })?;
    let (user, password) = decoded.split_once(':').unwrap_or((&decoded, ""));
    if user.is_empty() || password.is_empty() {
        return Err(unauthorized(
            ResultCode::EmptyCredentials,
            "empty username or password",
        ));
    }
    let user_ok = user.as_bytes().ct_eq(http.username.as_bytes());
    let password_ok = password.as_bytes().ct_eq(http.password.as_bytes());
    if bool::from(user_ok & password_ok) {
        Ok(())
    } else {
        Err(unauthorized(
            ResultCode::WrongCredentials,
            "wrong username or password",
        ))
    }
}

/// `Authorization: Bearer <JWT>`: none or not Bearer → 104, else as [`super::jwt`] decides.
fn check_bearer(headers: &HeaderMap, state: &AppState) -> Result<(), ApiError> {
    let Some(token) = credentials(headers, "Bearer").filter(|t| !t.is_empty()) else {
        return Err(ApiError::unauthorized(
            "Bearer",
            ResultCode::EmptyCredentials,
            "bearer token required",
        ));
    };
    match state.jwt() {
        Some(verifier) => verifier.verify(token),
        None => Err(ApiError::unauthorized(
            "Bearer",
            ResultCode::WrongCredentials,
            "no JWT public key loaded: restart the broker to apply auth_type = jwt",
        )),
    }
}
