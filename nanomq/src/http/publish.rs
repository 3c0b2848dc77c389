//! `POST /api/v4/mqtt/publish` and `/mqtt/publish_batch` (API.md §4): messages published by the
//! broker itself ([`Origin::Broker`]), retained if asked, routed like any other.
//!
//! A request naming several topics (`topic` plus the comma-separated `topics`) is checked as a
//! whole before anything is published: one bad topic publishes nothing. A missing topic is
//! 107 (a required parameter), a topic that cannot be published to is 115 (a `$SYS/` topic
//! among them: those are the broker's own), any other bad field 108. With the store on, the
//! answer waits until what it acknowledges is on disk, as a PUBACK would.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde_json::Value;
use shared_types::{
    ApiResponse, PayloadEncoding, PublishBatchResult, PublishRequest, PublishRequestProperties,
    ResultCode,
};
use tokio::time::Instant;

use super::error::ApiError;
use super::extract::{ApiJson, ApiJsonArray, from_json_object};
use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;
use crate::broker::{Broker, Identity, Settings};
use crate::codec::{PublishProperties, QoS, ReasonCode, validate_topic_name};
use crate::message::{Message, Origin};
use crate::store::Ticket;

/// How long an answer waits for the store.
const STORE_TIMEOUT: Duration = Duration::from_secs(30);

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::post(
            "/mqtt/publish",
            "mqtt_publish",
            "Publish a MQTT message",
            publish,
        )
        .beyond_spec(),
        ApiRoute::post(
            "/mqtt/publish_batch",
            "mqtt_publish_batch",
            "Publish a batch of MQTT messages",
            publish_batch,
        )
        .beyond_spec(),
    ]
}

async fn publish(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PublishRequest>,
) -> ApiResult<()> {
    let settings = state.broker.settings();
    let mut ticket = Ticket::NONE;
    for message in messages(&state.broker, &settings, &request)? {
        ticket = ticket.max(publish_one(&state.broker, message)?);
    }
    stored(&state.broker, ticket).await?;
    Ok(Json(ApiResponse::ok_empty()))
}

/// Publishes one message as the API, already checked by [`messages`]: the store ticket the
/// answer waits for.
fn publish_one(broker: &Broker, message: Message) -> Result<Ticket, ApiError> {
    // The API has no socket to pause: a full queue drops the message for that subscriber.
    match broker.publish(&mut broker.live_settings(), &Identity::api(), message, None) {
        Ok(outcome) => Ok(outcome.ticket),
        Err(refused) if refused.reason == ReasonCode::QUOTA_EXCEEDED => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ResultCode::UnknownError,
            "not published: a limit refused it (the retained limits, the store's quota or \
             max_memory; see the broker's log)",
        )),
        // Checked by `messages` already; the rules changed since.
        Err(_) => Ok(Ticket::NONE),
    }
}

/// Waits until what the answer acknowledges is on disk (the same promise as a PUBACK); a
/// store that cannot get there in time (a failing disk) is a 503.
pub(super) async fn stored(broker: &Broker, ticket: Ticket) -> Result<(), ApiError> {
    let wait = tokio::time::timeout(STORE_TIMEOUT, broker.durable(ticket));
    wait.await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ResultCode::UnknownError,
            "done, but the store could not write it in time (see the broker's log)",
        )
    })
}

/// Each item of the array (a `PublishBatchRequest`) is checked and published on its own;
/// `data` says how each went, in order.
async fn publish_batch(
    State(state): State<AppState>,
    ApiJsonArray(items): ApiJsonArray,
) -> ApiResult<Vec<PublishBatchResult>> {
    let settings = state.broker.settings();
    let mut ticket = Ticket::NONE;
    let results = items
        .into_iter()
        .map(|item| {
            let topic = first_topic(&item);
            let outcome = from_json_object::<PublishRequest>(item)
                .and_then(|request| messages(&state.broker, &settings, &request));
            let published = outcome.and_then(|messages| {
                for message in messages {
                    ticket = ticket.max(publish_one(&state.broker, message)?);
                }
                Ok(())
            });
            let code = match published {
                Ok(()) => ResultCode::Success,
                Err(error) => error.code(),
            };
            PublishBatchResult { topic, code }
        })
        .collect();
    stored(&state.broker, ticket).await?;
    Ok(Json(ApiResponse::ok(results)))
}

/// The item's topic for the batch result: `topic`, else the first of `topics`, else "".
fn first_topic(item: &Value) -> String {
    let topic = item.get("topic").and_then(Value::as_str);
    let topics = item
        .get("topics")
        .and_then(Value::as_str)
        .and_then(|list| list.split(',').next());
    topic.or(topics).unwrap_or_default().to_string()
}

/// The messages a request publishes, one per topic, or why it publishes none: every topic is
/// checked (its syntax here, the broker's rules by [`Broker::check_publish`]) before any is
/// published.
pub fn messages(
    broker: &Broker,
    settings: &Settings,
    request: &PublishRequest,
) -> Result<Vec<Message>, ApiError> {
    let topics = request.topics();
    if topics.is_empty() {
        return Err(ApiError::bad_request(
            ResultCode::MissingParameter,
            "`topic` or `topics` is required",
        ));
    }
    for topic in &topics {
        check_topic(broker, settings, topic)?;
    }
    let payload = match request.encoding.unwrap_or_default() {
        PayloadEncoding::Plain => Bytes::from(request.payload.clone().into_bytes()),
        PayloadEncoding::Base64 => STANDARD
            .decode(request.payload.trim())
            .map(Bytes::from)
            .map_err(|error| invalid(format!("field `payload`: not base64: {error}")))?,
    };
    let qos =
        QoS::try_from(request.qos).map_err(|error| invalid(format!("field `qos`: {error}")))?;
    let properties = properties(request.properties.as_ref(), &payload)?;
    let now = Instant::now();
    Ok(topics
        .into_iter()
        .map(|topic| {
            Message::new(
                Arc::from(topic),
                payload.clone(),
                qos,
                request.retain,
                properties.clone(),
                Origin::Broker,
                now,
            )
        })
        .collect())
}

fn invalid(message: String) -> ApiError {
    ApiError::bad_request(ResultCode::InvalidParameter, message)
}

/// A topic name an MQTT client could publish to, that the broker lets the API publish to.
fn check_topic(broker: &Broker, settings: &Settings, topic: &str) -> Result<(), ApiError> {
    let illegal = |reason: String| {
        ApiError::bad_request(
            ResultCode::IllegalTopic,
            format!("illegal topic `{topic}`: {reason}"),
        )
    };
    validate_topic_name(topic).map_err(|error| illegal(error.to_string()))?;
    match broker.check_publish(&mut broker.live_settings(), &Identity::api(), topic) {
        Ok(()) => Ok(()),
        Err(ReasonCode::TOPIC_NAME_INVALID) => Err(illegal(format!(
            "more than {} levels",
            settings.max_topic_levels
        ))),
        Err(_) => Err(illegal(
            "`$SYS/` topics are published by the broker only".into(),
        )),
    }
}

/// The MQTT 5 properties of the request.
fn properties(
    given: Option<&PublishRequestProperties>,
    payload: &Bytes,
) -> Result<PublishProperties, ApiError> {
    let Some(given) = given else {
        return Ok(PublishProperties::default());
    };
    if given.payload_format_indicator == Some(1) && std::str::from_utf8(payload).is_err() {
        return Err(invalid(
            "field `properties.payload_format_indicator`: the payload is not UTF-8".to_string(),
        ));
    }
    if let Some(topic) = &given.response_topic {
        validate_topic_name(topic)
            .map_err(|error| invalid(format!("field `properties.response_topic`: {error}")))?;
    }
    Ok(PublishProperties {
        payload_format_indicator: given.payload_format_indicator,
        message_expiry_interval: given.message_expiry_interval,
        content_type: given.content_type.clone(),
        response_topic: given.response_topic.clone(),
        correlation_data: given
            .correlation_data
            .as_ref()
            .map(|data| Bytes::from(data.clone().into_bytes())),
        user_properties: given
            .user_properties
            .iter()
            .flatten()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
        ..PublishProperties::default()
    })
}
