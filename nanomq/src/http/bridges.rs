//! `GET /api/v4/bridges` and `GET /api/v4/bridges/{name}` (NanoMQ's routes): the bridges to
//! upstream brokers, where each connection stands and its counters. The list is empty when the
//! running configuration has no bridge.

use axum::Json;
use axum::extract::State;
use shared_types::{ApiResponse, BridgeInfo, ResultCode};

use super::error::ApiError;
use super::extract::ApiPath;
use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/bridges",
            "list_bridges",
            "The bridges to upstream brokers, their state and counters",
            list,
        )
        .beyond_spec(),
        ApiRoute::get(
            "/bridges/{name}",
            "lookup_bridge",
            "One bridge, its state and counters",
            lookup,
        )
        .beyond_spec(),
    ]
}

fn bridges(state: &AppState) -> Vec<BridgeInfo> {
    state.control.bridges().info(&state.broker.config())
}

async fn list(State(state): State<AppState>) -> ApiResult<Vec<BridgeInfo>> {
    Ok(Json(ApiResponse::ok(bridges(&state))))
}

/// Unknown name → 404/108.
async fn lookup(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<BridgeInfo> {
    bridges(&state)
        .into_iter()
        .find(|bridge| bridge.name == name)
        .map(|bridge| Json(ApiResponse::ok(bridge)))
        .ok_or_else(|| {
            ApiError::not_found(ResultCode::InvalidParameter, format!("no bridge `{name}`"))
        })
}
