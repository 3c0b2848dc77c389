//! `POST /api/v4/reload` (NanoMQ's route): apply the re-read configuration file live, see
//! [`crate::reload`].
//!
//! `POST /api/v4/ctrl/{action}` and its aliases `POST /api/v4/stop` and `/api/v4/restart`:
//! answer `{"code":0}` first, then stop or restart the broker. A restart is checked first (the
//! file re-read, its files and ports tried): when it could not start, the answer is 400 with
//! the reason (117 for a file that does not parse or validate, 102 otherwise), and nothing
//! happens.
//!
//! The action is fired by the response body itself, once hyper has taken its last byte (or
//! drops it because the client went away), so the answer is on its way before the listeners
//! start closing; the graceful shutdown of the HTTP server then lets it finish writing.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use shared_types::{ApiResponse, CtrlAction, ReloadReport, ResultCode};

use super::error::ApiError;
use super::extract::ApiPath;
use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;
use crate::config::LoadError;
use crate::control::{Control, Refusal, ServerControl};

/// The whole answer: `{"code":0}`.
const SUCCESS: &[u8] = br#"{"code":0}"#;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::post(
            "/ctrl/{action}",
            "ctrl_broker",
            "Control broker stop or restart",
            ctrl,
        ),
        ApiRoute::post("/stop", "stop_broker", "Stop the broker", stop).beyond_spec(),
        ApiRoute::post(
            "/restart",
            "restart_broker",
            "Restart the broker, re-reading its configuration file",
            restart,
        )
        .beyond_spec(),
        ApiRoute::post(
            "/reload",
            "reload_broker",
            "Apply the re-read configuration file without dropping a connection",
            reload,
        )
        .beyond_spec(),
    ]
}

/// `POST /reload`: what could be applied live is applied; the answer lists it, and what needs
/// `ctrl/restart`. A file that could not be used changes nothing (400, with the reason and the
/// code of [`refusal_code`]).
async fn reload(State(state): State<AppState>) -> ApiResult<ReloadReport> {
    let report = crate::reload::reload(&state.broker, &state.control)
        .await
        .map_err(|refusal| {
            ApiError::bad_request(
                refusal_code(&refusal),
                format!("not reloaded: {refusal}; the running configuration stays"),
            )
        })?;
    Ok(Json(ApiResponse::ok(report)))
}

/// 117 for a file that does not parse or validate; 102 for one that cannot be read, could
/// not start (a file it names is missing, a port is in use) or would weaken access control.
fn refusal_code(refusal: &Refusal) -> ResultCode {
    match refusal {
        Refusal::File(LoadError::Invalid { .. }) | Refusal::Overrides(_) => {
            ResultCode::ConfigUnparseable
        }
        Refusal::File(LoadError::Read { .. })
        | Refusal::CouldNotStart(_)
        | Refusal::WeakensAccess(_) => ResultCode::UnknownError,
    }
}

/// `ctrl/{action}`: `stop` or `restart`, anything else → 404/108.
async fn ctrl(
    State(state): State<AppState>,
    ApiPath(action): ApiPath<String>,
) -> Result<Response, ApiError> {
    let action: CtrlAction = action
        .parse()
        .map_err(|error| ApiError::not_found(ResultCode::InvalidParameter, format!("{error}")))?;
    if action == CtrlAction::Restart {
        check_restart(&state).await?;
    }
    Ok(answer_then(state.control, action))
}

async fn stop(State(state): State<AppState>) -> Response {
    answer_then(state.control, CtrlAction::Stop)
}

async fn restart(State(state): State<AppState>) -> Result<Response, ApiError> {
    check_restart(&state).await?;
    Ok(answer_then(state.control, CtrlAction::Restart))
}

/// A restart keeps the running configuration when the file's could not start: say so now,
/// with the reason, rather than answer 0 and leave it to the log: 400/117 for a file that does
/// not parse or validate, 400/102 for one that cannot be read or could not start (a file it
/// names is missing, a port is in use).
async fn check_restart(state: &AppState) -> Result<(), ApiError> {
    let control = state.control.clone();
    let broker = state.broker.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let settings = broker.settings();
        control
            .check_restart(&broker.config(), settings.in_force())
            .map(drop)
    })
    .await
    .map_err(|error| ApiError::internal(ResultCode::UnknownError, error.to_string()))?;
    checked.map_err(|refusal| {
        let code = refusal_code(&refusal);
        ApiError::bad_request(
            code,
            format!("not restarted: {refusal}; the running configuration stays"),
        )
    })
}

/// `{"code":0}`, whose body asks for `action` once it has been sent.
fn answer_then(control: ServerControl, action: CtrlAction) -> Response {
    let length = HeaderValue::from(SUCCESS.len());
    let request = match action {
        CtrlAction::Stop => Control::Stop,
        CtrlAction::Restart => Control::Restart,
    };
    let body = ThenRequest {
        chunk: Some(Bytes::from_static(SUCCESS)),
        then: Some((control, request)),
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CONTENT_LENGTH, length),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// A one-chunk body that sends a control request when it ends or is dropped.
struct ThenRequest {
    chunk: Option<Bytes>,
    then: Option<(ServerControl, Control)>,
}

impl ThenRequest {
    fn fire(&mut self) {
        if let Some((control, request)) = self.then.take() {
            control.request(request);
        }
    }
}

impl Stream for ThenRequest {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.chunk.take() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None => {
                this.fire();
                Poll::Ready(None)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.chunk.is_some());
        (n, Some(n))
    }
}

impl Drop for ThenRequest {
    fn drop(&mut self) {
        self.fire();
    }
}
