//! `GET` and `POST /api/v4/configuration` (API.md §5).
//!
//! GET shows the configuration **as saved in the file**: a successful POST writes the file and
//! the next GET shows the new values at once, although the running broker only takes them at
//! the next `ctrl/restart`. `GET /configuration?running=true` shows the configuration the
//! broker runs with now instead (the saved one plus command-line overrides such as
//! `--http-port`, as of the last start or restart).
//!
//! POST merges `data` over the saved configuration, validates the result as a whole, checks it
//! could start (its files and key material load, its ports are free), and edits the file the
//! broker was started with in place (only the changed settings; comments, order and the
//! settings left to their defaults stay; written atomically, mode kept); on any failure
//! neither the file, nor what GET shows, nor the running broker changes.
//!
//! Secrets never leave the broker: GET shows every password and inline key as `******`, and
//! a POST that sends `******` back keeps the secret the broker has (so a configuration read,
//! edited and written back loses none).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared_types::config::{Config, PLACEHOLDER};
use shared_types::{ApiResponse, ConfigUpdateRequest, ResultCode};

use super::error::ApiError;
use super::extract::{ApiJson, ApiQuery};
use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/configuration",
            "get_broker_configuration",
            "show broker configuration",
            show,
        ),
        ApiRoute::post(
            "/configuration",
            "set_broker_configuration",
            "set broker configuration",
            update,
        ),
    ]
}

/// The query string of `GET /configuration`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShowQuery {
    /// Show the running configuration rather than the saved one.
    #[serde(default)]
    running: bool,
}

async fn show(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ShowQuery>,
) -> ApiResult<Config> {
    let config = if query.running {
        state.broker.config()
    } else {
        Arc::clone(&*state.saved_config().lock().await)
    };
    Ok(Json(ApiResponse::ok(config.redacted())))
}

async fn update(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ConfigUpdateRequest>,
) -> ApiResult<()> {
    let Some(patch) = request.data else {
        return Err(ApiError::bad_request(
            ResultCode::MissingParameter,
            "the body must be {\"data\": {...}}",
        ));
    };
    let mut saved = state.saved_config().lock().await;
    let invalid = |reason: String| {
        ApiError::bad_request(
            ResultCode::InvalidParameter,
            format!("invalid configuration: {reason}"),
        )
    };
    let mut merged = saved
        .merged(&patch)
        .map_err(|error| invalid(error.to_string()))?;
    merged.restore_secrets(&saved);
    if let Some(field) = merged.placeholders().first() {
        return Err(invalid(format!(
            "field `{field}`: `{PLACEHOLDER}` stands for a secret the broker does not have; give the value"
        )));
    }
    let control = state.control.clone();
    let to_check = merged.clone();
    tokio::task::spawn_blocking(move || control.preflight(&to_check))
        .await
        .map_err(|error| error.to_string())
        .and_then(|checked| checked)
        .map_err(|reason| invalid(format!("it could not start: {reason}")))?;
    let Some(path) = state.control.config_path().cloned() else {
        return Err(ApiError::internal(
            ResultCode::ConfigWriteFailed,
            "the broker runs on its built-in defaults, without a configuration file: \
             start it with --conf FILE to change the configuration",
        ));
    };
    let to_write = merged.clone();
    let before = Arc::clone(&*saved);
    let display = path.display().to_string();
    tokio::task::spawn_blocking(move || crate::config::save_edited(&path, &before, &to_write))
        .await
        .map_err(|error| error.to_string())
        .and_then(|written| written.map_err(|error| error.to_string()))
        .map_err(|error| {
            ApiError::internal(
                ResultCode::ConfigWriteFailed,
                format!("cannot write {display}: {error}"),
            )
        })?;
    *saved = Arc::new(merged);
    Ok(Json(ApiResponse::ok_empty()))
}
