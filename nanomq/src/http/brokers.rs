//! `GET /api/v4/brokers` and `GET /api/v4/nodes`: this broker as the one node of its "cluster".

use axum::Json;
use axum::extract::State;
use chrono::Local;
use shared_types::{ApiResponse, BrokerInfo, NodeInfo, format_uptime};

use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;

/// "Running": a broker that answers is running.
const NODE_STATUS: &str = "Running";

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/brokers",
            "list_brokers",
            "A list of brokers in the cluster",
            brokers,
        ),
        ApiRoute::get(
            "/nodes",
            "list_nodes",
            "A list of nodes in the cluster",
            nodes,
        ),
    ]
}

fn uptime(state: &AppState) -> String {
    format_uptime(state.broker.uptime().as_secs())
}

async fn brokers(State(state): State<AppState>) -> ApiResult<Vec<BrokerInfo>> {
    let broker = BrokerInfo {
        datetime: Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        node_status: NODE_STATUS.to_string(),
        sysdescr: "NanoMQ Broker".to_string(),
        uptime: uptime(&state),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    Ok(Json(ApiResponse::ok(vec![broker])))
}

async fn nodes(State(state): State<AppState>) -> ApiResult<Vec<NodeInfo>> {
    let node = NodeInfo {
        connections: state.broker.metrics().connections.get(),
        node_status: NODE_STATUS.to_string(),
        uptime: uptime(&state),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    Ok(Json(ApiResponse::ok(vec![node])))
}
