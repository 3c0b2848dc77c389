//! `GET /api/v4/log/level` and `POST /api/v4/log/level`: the log level in force, changed at
//! run time (the running configuration's `log.level` follows; the file is not touched, so a
//! restart or a reload goes back to the file's level).

use axum::Json;
use axum::extract::State;
use shared_types::{ApiResponse, LogLevelBody, ResultCode};

use super::error::ApiError;
use super::extract::ApiJson;
use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/log/level",
            "get_log_level",
            "The log level in force",
            level,
        )
        .beyond_spec(),
        ApiRoute::post(
            "/log/level",
            "set_log_level",
            "Change the log level at run time (the file is not changed)",
            set_level,
        )
        .beyond_spec(),
    ]
}

async fn level(State(state): State<AppState>) -> ApiResult<LogLevelBody> {
    Ok(Json(ApiResponse::ok(LogLevelBody {
        level: state.broker.config().log.level,
    })))
}

async fn set_level(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<LogLevelBody>,
) -> ApiResult<LogLevelBody> {
    let mut config = (*state.broker.config()).clone();
    config.log.level = body.level;
    state
        .broker
        .set_config(config)
        .map_err(|e| ApiError::bad_request(ResultCode::InvalidParameter, e.to_string()))?;
    crate::reload::apply_log_level(body.level.as_str()).map_err(|reason| {
        ApiError::bad_request(ResultCode::InvalidParameter, format!("log level: {reason}"))
    })?;
    Ok(Json(ApiResponse::ok(body)))
}
