//! The bridges' routes (NanoMQ's, and what its users asked for and it never shipped):
//!
//! - `GET /api/v4/bridges`, `GET /api/v4/bridges/{name}`: every bridge, where its connection
//!   stands, its rules and counters (the list is empty when the configuration has none).
//! - `POST /api/v4/bridges` creates a bridge: `{"NAME": {settings}}`, the keys of a
//!   `[bridges.mqtt.NAME]` table.
//! - `PUT /api/v4/bridges/{name}` changes one: `{"NAME": {settings}}`, merged over what it has
//!   (a key left out keeps its value, as NanoMQ does).
//! - `DELETE /api/v4/bridges/{name}` removes one.
//! - `POST /api/v4/bridges/switch/{name}` with `{"data":{"bridge_switch":bool}}` starts or
//!   stops one (its `enable`; a stopped bridge keeps what it holds for its next start).
//! - `POST /api/v4/bridges/sub/{name}` and `/unsub/{name}` add and remove subscriptions
//!   upstream, on the running connection (no reconnection).
//!
//! Every change is written to the configuration file in place, as `POST /configuration` writes
//! it (checked first: a change that would not start changes nothing), and is in force when the
//! answer comes: the bridge changed restarts, the others run on. The `[bridge]` section's
//! bridge is not changed here (400/108): its settings are the section's (`POST
//! /configuration/bridge`), and its only switch, `bridge_mode`, removes it with what it holds.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use shared_types::config::{BridgeSource, Config};
use shared_types::{
    ApiResponse, BridgeInfo, BridgeSubRequest, BridgeSwitchRequest, BridgeUnsubRequest, ResultCode,
};

use super::configuration::{apply_change_locked, invalid};
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath};
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
        ApiRoute::post("/bridges", "create_bridge", "Create a bridge", create).beyond_spec(),
        ApiRoute::get(
            "/bridges/{name}",
            "lookup_bridge",
            "One bridge, its state and counters",
            lookup,
        )
        .beyond_spec(),
        ApiRoute::put(
            "/bridges/{name}",
            "update_bridge",
            "Change a bridge's settings",
            update,
        )
        .beyond_spec(),
        ApiRoute::delete(
            "/bridges/{name}",
            "delete_bridge",
            "Remove a bridge",
            remove,
        )
        .beyond_spec(),
        ApiRoute::post(
            "/bridges/switch/{name}",
            "switch_bridge",
            "Start or stop a bridge",
            switch,
        )
        .beyond_spec(),
        ApiRoute::post(
            "/bridges/sub/{name}",
            "bridge_subscribe",
            "Subscribe a bridge upstream, live",
            subscribe,
        )
        .beyond_spec(),
        ApiRoute::post(
            "/bridges/unsub/{name}",
            "bridge_unsubscribe",
            "Unsubscribe a bridge upstream, live",
            unsubscribe,
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

fn no_bridge(name: &str) -> ApiError {
    ApiError::not_found(ResultCode::InvalidParameter, format!("no bridge `{name}`"))
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
        .ok_or_else(|| no_bridge(&name))
}

/// The one `"NAME": {settings}` of a create or update body (inside `data` or not).
fn named_settings(body: Value) -> Result<(String, Value), ApiError> {
    let body = match body {
        Value::Object(mut map) if map.len() == 1 && map.contains_key("data") => {
            map.remove("data").unwrap_or_default()
        }
        other => other,
    };
    match body {
        Value::Object(map) if map.len() == 1 => {
            let Some((name, settings)) = map.into_iter().next() else {
                unreachable!("one entry")
            };
            if !settings.is_object() {
                return Err(invalid(format!("`{name}` must be an object of settings")));
            }
            Ok((name, settings))
        }
        _ => Err(ApiError::bad_request(
            ResultCode::InvalidParameter,
            "the body must be {\"NAME\": {settings}}, one bridge",
        )),
    }
}

/// The bridge `name` of the file, where it is written.
fn source_of(config: &Config, name: &str) -> Option<BridgeSource> {
    if config.bridges.mqtt.contains_key(name) {
        Some(BridgeSource::Table)
    } else if config.bridge.name == name {
        Some(BridgeSource::Section)
    } else {
        None
    }
}

/// The bridge `name` must be a `[bridges.mqtt.NAME]` table of the file.
fn table_of(config: &Config, name: &str) -> Result<(), ApiError> {
    match source_of(config, name) {
        Some(BridgeSource::Table) => Ok(()),
        Some(BridgeSource::Section) => Err(ApiError::bad_request(
            ResultCode::InvalidParameter,
            format!(
                "`{name}` is the [bridge] section's bridge: change it with POST /configuration/bridge, or write it as [bridges.mqtt.{name}]"
            ),
        )),
        None => Err(no_bridge(name)),
    }
}

/// Writes the change and puts the bridges of the file in force, holding the configuration's
/// write lock throughout, so that concurrent changes are applied in the order written.
async fn commit(
    state: &AppState,
    stated: Value,
    change: impl FnOnce(&Config) -> Result<Config, ApiError>,
) -> ApiResult<()> {
    let writing = state.config_writes().lock().await;
    let written = apply_change_locked(state, &writing, &stated, change).await?;
    crate::reload::apply_bridges(&state.broker, &state.control, &written).await;
    drop(writing);
    Ok(Json(ApiResponse::ok_empty()))
}

fn patch(name: &str, settings: Value) -> Value {
    json!({ "bridges": { "mqtt": { name: settings } } })
}

/// An existing name → 400/108.
async fn create(State(state): State<AppState>, ApiJson(body): ApiJson<Value>) -> ApiResult<()> {
    let (name, settings) = named_settings(body)?;
    let stated = patch(&name, settings);
    commit(&state, stated.clone(), |saved| {
        if source_of(saved, &name).is_some() {
            return Err(ApiError::bad_request(
                ResultCode::InvalidParameter,
                format!("a bridge `{name}` exists already"),
            ));
        }
        saved.merged(&stated).map_err(|e| invalid(e.to_string()))
    })
    .await
}

/// Unknown name → 404/108; the body names another bridge → 400/108.
async fn update(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<()> {
    let (named, settings) = named_settings(body)?;
    if named != name {
        return Err(ApiError::bad_request(
            ResultCode::InvalidParameter,
            format!("the body changes `{named}`, the path names `{name}`"),
        ));
    }
    let stated = patch(&name, settings);
    commit(&state, stated.clone(), |saved| {
        table_of(saved, &name)?;
        saved.merged(&stated).map_err(|e| invalid(e.to_string()))
    })
    .await
}

/// Unknown name → 404/108.
async fn remove(State(state): State<AppState>, ApiPath(name): ApiPath<String>) -> ApiResult<()> {
    commit(&state, json!({ "bridges": {} }), |saved| {
        table_of(saved, &name)?;
        let mut next = saved.clone();
        next.bridges.mqtt.remove(&name);
        Ok(next)
    })
    .await
}

/// Unknown name → 404/108.
async fn switch(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<BridgeSwitchRequest>,
) -> ApiResult<()> {
    let on = body.data.bridge_switch;
    let stated = patch(&name, json!({ "enable": on }));
    commit(&state, stated.clone(), |saved| {
        table_of(saved, &name)?;
        saved.merged(&stated).map_err(|e| invalid(e.to_string()))
    })
    .await
}

/// Unknown name → 404/108; nothing to add → 400/108.
async fn subscribe(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<BridgeSubRequest>,
) -> ApiResult<()> {
    let added = body.data.subscription;
    if added.is_empty() {
        return Err(ApiError::bad_request(
            ResultCode::InvalidParameter,
            "`data.subscription` lists no subscription",
        ));
    }
    commit(&state, patch(&name, json!({})), |saved| {
        table_of(saved, &name)?;
        let mut next = saved.clone();
        if let Some(bridge) = next.bridges.mqtt.get_mut(&name) {
            for subscription in added {
                let rules = &mut bridge.subscription;
                match rules
                    .iter_mut()
                    .find(|s| s.remote_topic == subscription.remote_topic)
                {
                    Some(same) => *same = subscription,
                    None => rules.push(subscription),
                }
            }
        }
        Ok(next)
    })
    .await
}

/// Unknown name, or none of the filters subscribed → 404/108.
async fn unsubscribe(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<BridgeUnsubRequest>,
) -> ApiResult<()> {
    let topics: Vec<String> = body
        .data
        .unsubscription
        .into_iter()
        .map(|t| t.topic)
        .collect();
    commit(&state, patch(&name, json!({})), |saved| {
        table_of(saved, &name)?;
        let mut next = saved.clone();
        if let Some(bridge) = next.bridges.mqtt.get_mut(&name) {
            let before = bridge.subscription.len();
            bridge
                .subscription
                .retain(|s| !topics.contains(&s.remote_topic));
            if bridge.subscription.len() == before {
                return Err(ApiError::not_found(
                    ResultCode::InvalidParameter,
                    format!("bridge `{name}` has no subscription {topics:?}"),
                ));
            }
        }
        Ok(next)
    })
    .await
}
