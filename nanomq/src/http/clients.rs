//! `/api/v4/clients…`: the client objects of API.md §3, built from the broker's sessions (a
//! persistent session whose client is away shows as `disconnected`), their filters, and the
//! kick of §4.
//!
//! Lists are ordered by client id, paged or not, so that successive calls compare equal.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use shared_types::{ApiResponse, ClientInfo, ClientQuery, ConnState, ProtoName, ResultCode};

use super::error::ApiError;
use super::extract::{ApiPath, ApiQuery};
use super::routes::{ApiResult, ApiRoute, paged};
use super::state::AppState;
use crate::codec::ProtocolVersion;
use crate::session::Session;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/clients",
            "list_clients",
            "A list of clients on current node",
            list,
        ),
        ApiRoute::get(
            "/clients/{clientid}",
            "lookup_client",
            "Lookup a client in the cluster",
            lookup,
        ),
        ApiRoute::get(
            "/clients/username/{username}",
            "lookup_client_via_username",
            "Lookup a client via username in the cluster",
            by_username,
        ),
        ApiRoute::delete(
            "/clients/{clientid}",
            "kickout_client",
            "Kick out a client and discard its session",
            kick,
        )
        .beyond_spec(),
    ]
}

/// The client object of a session.
pub fn client_info(session: &Session) -> ClientInfo {
    let details = session.details();
    let connected = session.is_connected();
    let peer = details.peer.filter(|_| connected);
    ClientInfo {
        client_id: session.client_id.to_string(),
        username: details.username.unwrap_or_default(),
        keepalive: details.keep_alive,
        conn_state: if connected {
            ConnState::Connected
        } else {
            ConnState::Disconnected
        },
        connected,
        clean_start: details.clean_start,
        proto_name: match details.protocol {
            ProtocolVersion::V3_1 => ProtoName::MqIsdp,
            ProtocolVersion::V3_1_1 | ProtocolVersion::V5 => ProtoName::Mqtt,
        },
        proto_ver: details.protocol.level(),
        ip_address: peer.map(|p| p.ip().to_string()),
        port: peer.map(|p| p.port()),
        connected_at: details.connected_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        recv_msg: session.stats.recv_msg.load(Ordering::Relaxed),
        send_msg: session.stats.send_msg.load(Ordering::Relaxed),
        mqueue_len: u64::try_from(session.mailbox.len()).unwrap_or(u64::MAX),
        dropped: session.mailbox.dropped(),
        will_topic: details.will.as_ref().map(|w| w.topic.to_string()),
        will_msg: details
            .will
            .as_ref()
            .map(|w| String::from_utf8_lossy(&w.payload).into_owned()),
    }
}

fn sorted(mut clients: Vec<ClientInfo>) -> Vec<ClientInfo> {
    clients.sort_unstable_by(|a, b| a.client_id.cmp(&b.client_id));
    clients
}

/// `GET /clients`: `clientid` is a hash lookup; the other filters scan.
async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ClientQuery>,
) -> ApiResult<Vec<ClientInfo>> {
    let sessions = match &query.clientid {
        Some(id) => state.broker.session(id).into_iter().collect(),
        None => state.broker.sessions(),
    };
    let clients = sessions
        .iter()
        .map(|session| client_info(session))
        .filter(|client| query.matches(client))
        .collect();
    Ok(Json(paged(sorted(clients), query.page_request())))
}

/// `GET /clients/{clientid}`: that client in an array, or `[]`.
async fn lookup(
    State(state): State<AppState>,
    ApiPath(client_id): ApiPath<String>,
) -> ApiResult<Vec<ClientInfo>> {
    let clients = state
        .broker
        .session(&client_id)
        .map(|session| client_info(&session))
        .into_iter()
        .collect();
    Ok(Json(ApiResponse::ok(clients)))
}

/// `GET /clients/username/{username}`: every client with that username.
async fn by_username(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<Vec<ClientInfo>> {
    let clients = state
        .broker
        .sessions()
        .iter()
        .filter(|session| session.details().username.as_deref().unwrap_or("") == username)
        .map(|session| client_info(session))
        .collect();
    Ok(Json(ApiResponse::ok(sorted(clients))))
}

/// `DELETE /clients/{clientid}`: unknown → 404/112.
async fn kick(State(state): State<AppState>, ApiPath(client_id): ApiPath<String>) -> ApiResult<()> {
    if state.broker.kick(&client_id) {
        Ok(Json(ApiResponse::ok_empty()))
    } else {
        Err(ApiError::not_found(
            ResultCode::ClientNotOnline,
            format!("no client `{client_id}`"),
        ))
    }
}
