//! `GET` and `POST /api/v4/configuration` (API.md §5).
//!
//! GET shows the configuration file **as it is on disk now**: edited by hand or by a POST,
//! the next GET shows it, although the running broker only takes it at the next reload or
//! restart. A file that does not load is an error naming the file, the field or line and the
//! reason (500/117; an unreadable file 500/102), never a stale copy. Without a file (the
//! broker runs on its built-in defaults) GET shows the running configuration.
//! `GET /configuration?running=true` shows the configuration the broker runs with now (the
//! file's settings as of the last start, restart or reload, plus command-line overrides such
//! as `--http-port`; only what is in force).
//!
//! POST merges `data` over the file as it is on disk, validates the result as a whole, checks
//! it could start (its files and key material load, its ports are free), and edits the file
//! the broker was started with in place (only the changed settings; comments, order and the
//! settings left to their defaults stay; written atomically, mode kept); on any failure
//! neither the file nor the running broker changes.
//!
//! `GET` and `POST /api/v4/configuration/{section}` (NanoMQ's routes) do the same for one
//! section: `basic` (the top-level settings) or a table (`auth`, `log`, `tls`, `websocket`,
//! `http_server`, `bridge`, `persistence`), shaped as NanoMQ shapes them:
//! `{"code":0,"data":{"tls":{...}}}` out, `{"data":{"tls":{...}}}` (or `{"data":{...}}`) in.
//!
//! Secrets never leave the broker: GET shows every password and inline key as `******`, and
//! a POST that sends `******` back keeps the secret the broker has (so a configuration read,
//! edited and written back loses none). Beside `data`, GET gives a fingerprint of each
//! secret (`"fingerprints": {"http_server.password": "…"}`), so that a client can tell that
//! a secret changed, between two reads or between the file and the running configuration.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared_types::config::{Config, PLACEHOLDER, ShownConfig};
use shared_types::{ApiResponse, ConfigUpdateRequest, ResultCode};

use super::error::ApiError;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;
use crate::auth::AuthRules;
use crate::auth::guard::{InForce, Stated};
use crate::config::LoadError;

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
        ApiRoute::get(
            "/configuration/{section}",
            "get_broker_configuration_section",
            "show one section of the broker configuration",
            show_section,
        )
        .beyond_spec(),
        ApiRoute::post(
            "/configuration/{section}",
            "set_broker_configuration_section",
            "set one section of the broker configuration",
            update_section,
        )
        .beyond_spec(),
    ]
}

/// The section of the top-level settings (NanoMQ's name).
const BASIC: &str = "basic";

/// The sections `/configuration/{section}` knows: `basic` and each table of the
/// configuration.
fn sections() -> Vec<String> {
    let value = serde_json::to_value(Config::default()).unwrap_or_default();
    let mut names = vec![BASIC.to_string()];
    if let Some(object) = value.as_object() {
        names.extend(
            object
                .iter()
                .filter(|(_, v)| v.is_object())
                .map(|(k, _)| k.clone()),
        );
    }
    names
}

fn unknown_section(section: &str) -> ApiError {
    ApiError::not_found(
        ResultCode::RpcError,
        format!(
            "no configuration section `{section}`; there are: {}",
            sections().join(", ")
        ),
    )
}

/// `section` of `config` (as a JSON object), or None if there is no such section.
fn section_of(config: &Config, section: &str) -> Option<serde_json::Value> {
    let value = serde_json::to_value(config).ok()?;
    let object = value.as_object()?;
    if section == BASIC {
        let basic = object
            .iter()
            .filter(|(_, v)| !v.is_object())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        return Some(serde_json::Value::Object(basic));
    }
    object.get(section).filter(|v| v.is_object()).cloned()
}

async fn show_section(
    State(state): State<AppState>,
    ApiPath(section): ApiPath<String>,
    ApiQuery(query): ApiQuery<ShowQuery>,
) -> ApiResult<serde_json::Value> {
    let config = shown(&state, query.running).await?;
    let value =
        section_of(&config.redacted(), &section).ok_or_else(|| unknown_section(&section))?;
    Ok(Json(ApiResponse::ok(serde_json::json!({ section: value }))))
}

async fn update_section(
    State(state): State<AppState>,
    ApiPath(section): ApiPath<String>,
    ApiJson(request): ApiJson<ConfigUpdateRequest>,
) -> ApiResult<()> {
    let Some(fields) = section_of(&Config::default(), &section) else {
        return Err(unknown_section(&section));
    };
    let Some(data) = request.data else {
        return Err(ApiError::bad_request(
            ResultCode::MissingParameter,
            format!("the body must be {{\"data\": {{\"{section}\": {{...}}}}}}"),
        ));
    };
    // NanoMQ's shape, {"data": {"tls": {...}}}, or the section's fields directly.
    let inner = match data.as_object() {
        Some(object) if object.len() == 1 && object.contains_key(&section) => {
            object[&section].clone()
        }
        _ => data,
    };
    let Some(inner) = inner.as_object() else {
        return Err(ApiError::bad_request(
            ResultCode::InvalidParameter,
            format!("`{section}` must be an object"),
        ));
    };
    if let Some(stray) = inner.keys().find(|k| fields.get(k.as_str()).is_none()) {
        return Err(ApiError::bad_request(
            ResultCode::InvalidParameter,
            format!("invalid configuration: `{stray}` is not a setting of section `{section}`"),
        ));
    }
    let patch = if section == BASIC {
        serde_json::Value::Object(inner.clone())
    } else {
        serde_json::json!({ section: inner })
    };
    apply(&state, &patch).await
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
) -> Result<Json<ShownConfig>, ApiError> {
    let config = shown(&state, query.running).await?;
    Ok(Json(ShownConfig {
        code: ResultCode::Success,
        data: config.redacted(),
        fingerprints: fingerprints(&config),
    }))
}

/// A fingerprint of each secret of `config`: a keyed hash (SipHash, its key drawn once per
/// process) of the secret and where it is, so equal only for the same secret in the same
/// place while the broker runs, and of no use to guess the secret.
fn fingerprints(config: &Config) -> BTreeMap<String, String> {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    let key = KEY.get_or_init(RandomState::new);
    config
        .secrets()
        .into_iter()
        .map(|(path, secret)| {
            let fingerprint = format!("{:016x}", key.hash_one((&path, secret)));
            (path, fingerprint)
        })
        .collect()
}

/// What GET shows: the running configuration, or the file as it is on disk now.
async fn shown(state: &AppState, running: bool) -> Result<Arc<Config>, ApiError> {
    if running {
        return Ok(state.broker.config());
    }
    saved(state).await.map(Arc::new)
}

/// The configuration file as it is on disk now, loaded and validated (the running
/// configuration when the broker has no file); an error names the file and what is wrong.
async fn saved(state: &AppState) -> Result<Config, ApiError> {
    let Some(path) = state.control.config_path().cloned() else {
        return Ok((*state.broker.config()).clone());
    };
    let loaded = tokio::task::spawn_blocking(move || crate::config::load(&path))
        .await
        .map_err(|error| ApiError::internal(ResultCode::UnknownError, error.to_string()))?;
    loaded.map_err(|error| match error {
        LoadError::Read { .. } => ApiError::internal(ResultCode::UnknownError, error.to_string()),
        LoadError::Invalid { .. } => ApiError::internal(
            ResultCode::ConfigUnparseable,
            format!(
                "{error}; fix the file (GET /configuration?running=true shows the running configuration)"
            ),
        ),
    })
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
    apply(&state, &patch).await
}

/// Merges `patch` over the file as it is on disk, checks the result could start, and edits
/// the file; nothing changes on any failure.
async fn apply(state: &AppState, patch: &serde_json::Value) -> ApiResult<()> {
    apply_change(state, patch, |saved| {
        saved
            .merged(patch)
            .map_err(|error| invalid(error.to_string()))
    })
    .await?;
    Ok(Json(ApiResponse::ok_empty()))
}

/// 400/108 "invalid configuration: `reason`".
pub(super) fn invalid(reason: String) -> ApiError {
    ApiError::bad_request(
        ResultCode::InvalidParameter,
        format!("invalid configuration: {reason}"),
    )
}

/// Applies `change` to the file as it is on disk (`stated`: the settings the request names, for
/// the access-control guard), checks the result could start, and edits the file; returns the
/// configuration written. Nothing changes on any failure.
pub(super) async fn apply_change(
    state: &AppState,
    stated: &serde_json::Value,
    change: impl FnOnce(&Config) -> Result<Config, ApiError>,
) -> Result<Config, ApiError> {
    let writing = state.config_writes().lock().await;
    apply_change_locked(state, &writing, stated, change).await
}

/// [`apply_change`], for a caller that holds the configuration's write lock (`_writing`) and
/// keeps holding it while it applies what was written.
pub(super) async fn apply_change_locked(
    state: &AppState,
    _writing: &tokio::sync::MutexGuard<'_, ()>,
    stated: &serde_json::Value,
    change: impl FnOnce(&Config) -> Result<Config, ApiError>,
) -> Result<Config, ApiError> {
    let saved = saved(state).await?;
    let mut merged = change(&saved)?;
    merged.restore_secrets(&saved);
    merged
        .validate()
        .map_err(|error| invalid(error.to_string()))?;
    if let Some(field) = merged.placeholders().first() {
        return Err(invalid(format!(
            "field `{field}`: `{PLACEHOLDER}` stands for a secret the broker does not have; give the value"
        )));
    }
    let roots = super::settable::roots(state.control.config_path().map(PathBuf::as_path));
    super::settable::check(&saved, &merged, &roots).map_err(invalid)?;
    let control = state.control.clone();
    let to_check = merged.clone();
    let before = saved.clone();
    let stated = Stated::from_json(stated);
    tokio::task::spawn_blocking(move || {
        control.preflight(&to_check)?;
        // A POST must not weaken access control by accident either (a section replaced
        // without its rules, a password file that is empty).
        let now = AuthRules::load(&before).map_err(|e| e.to_string())?;
        let next = AuthRules::load(&to_check).map_err(|e| e.to_string())?;
        let in_force = InForce {
            allow_anonymous: before.allow_anonymous,
            auth: &now,
        };
        crate::auth::guard::check(in_force, &to_check, &next, &stated)
    })
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
    let display = path.display().to_string();
    let written = merged.clone();
    tokio::task::spawn_blocking(move || crate::config::save_edited(&path, &saved, &merged))
        .await
        .map_err(|error| error.to_string())
        .and_then(|written| written.map_err(|error| error.to_string()))
        .map_err(|error| {
            ApiError::internal(
                ResultCode::ConfigWriteFailed,
                format!("cannot write {display}: {error}"),
            )
        })?;
    Ok(written)
}
