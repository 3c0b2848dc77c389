//! `GET /api/v4/retained` (paged, `topic` filter with wildcards), `GET /api/v4/retained/{topic}`
//! and `DELETE /api/v4/retained/{topic}`: the retained messages the broker holds.
//!
//! The topic is the rest of the path (`/retained/a/b` is topic `a/b`; percent-encode `+`,
//! `#`, `?` and a leading `/`). A payload that is UTF-8 is shown as text, anything else as
//! base64 (`encoding` says which). Deleting removes the message without publishing anything,
//! exactly as if it had expired; to clear it and tell subscribers, publish an empty retained
//! message instead.

use axum::Json;
use axum::extract::State;
use shared_types::retained::encode_payload;
use shared_types::{ApiResponse, ResultCode, RetainedMessage, RetainedProperties, RetainedQuery};
use tokio::time::Instant;

use super::error::ApiError;
use super::extract::{ApiPath, ApiQuery};
use super::routes::{ApiResult, ApiRoute, paged};
use super::state::AppState;
use crate::codec::validate_topic_filter;
use crate::message::Message;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/retained",
            "list_retained",
            "The retained messages, filtered by a topic filter, paged",
            list,
        )
        .beyond_spec(),
        ApiRoute::get(
            "/retained/{*topic}",
            "lookup_retained",
            "The message retained on a topic",
            lookup,
        )
        .beyond_spec(),
        ApiRoute::delete(
            "/retained/{*topic}",
            "delete_retained",
            "Remove the message retained on a topic",
            delete,
        )
        .beyond_spec(),
    ]
}

/// A retained message as the API shows it.
pub fn retained_info(message: &Message, now: Instant) -> RetainedMessage {
    let (payload, encoding) = encode_payload(&message.payload);
    let p = message.properties();
    let base64 = |bytes: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let remaining = message
        .expires_at
        .map(|at| u32::try_from(at.saturating_duration_since(now).as_secs()).unwrap_or(u32::MAX));
    RetainedMessage {
        topic: message.topic.to_string(),
        payload,
        encoding,
        size: message.payload.len() as u64,
        qos: message.qos as u8,
        properties: RetainedProperties {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: remaining,
            content_type: p.content_type.clone(),
            response_topic: p.response_topic.clone(),
            correlation_data: p.correlation_data.as_deref().map(base64),
            user_properties: p.user_properties.iter().cloned().collect(),
        },
    }
}

/// `GET /retained`: ordered by topic; a filter that is not one → 400/115.
async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<RetainedQuery>,
) -> ApiResult<Vec<RetainedMessage>> {
    let filter = query.topic.as_deref().unwrap_or("#");
    if let Err(e) = validate_topic_filter(filter) {
        return Err(ApiError::bad_request(
            ResultCode::IllegalTopic,
            format!("`{filter}` is not a topic filter: {e}"),
        ));
    }
    let now = Instant::now();
    let mut messages: Vec<RetainedMessage> = state
        .broker
        .retained_matching(filter)
        .iter()
        .map(|m| retained_info(m, now))
        .collect();
    messages.sort_unstable_by(|a, b| a.topic.cmp(&b.topic));
    Ok(Json(paged(messages, query.page_request())))
}

/// `GET /retained/{topic}`: none → 404/108.
async fn lookup(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<RetainedMessage> {
    match state.broker.retained(&topic) {
        Some(message) => Ok(Json(ApiResponse::ok(retained_info(
            &message,
            Instant::now(),
        )))),
        None => Err(nothing_retained(&topic)),
    }
}

/// `DELETE /retained/{topic}`: none → 404/108.
async fn delete(State(state): State<AppState>, ApiPath(topic): ApiPath<String>) -> ApiResult<()> {
    match state.broker.clear_retained(&topic) {
        Some(ticket) => {
            super::publish::stored(&state.broker, ticket).await?;
            Ok(Json(ApiResponse::ok_empty()))
        }
        None => Err(nothing_retained(&topic)),
    }
}

fn nothing_retained(topic: &str) -> ApiError {
    ApiError::not_found(
        ResultCode::InvalidParameter,
        format!("nothing retained on `{topic}`"),
    )
}
