//! `GET /api/v4/acl/check?username=&clientid=&ip=&action=&topic=`: which access-control rule
//! decides an operation, asked of the rules the broker runs with (`nanomq-cli acl check`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use shared_types::config::{AclAction, Permit};
use shared_types::{AclCheck, AclCheckQuery, ApiResponse, ResultCode};

use super::error::ApiError;
use super::extract::ApiQuery;
use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;
use crate::auth::Identity;
use crate::auth::acl::Operation;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/acl/check",
            "acl_check",
            "Which access-control rule decides a publish or a subscribe",
            check,
        )
        .beyond_spec(),
    ]
}

async fn check(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AclCheckQuery>,
) -> ApiResult<AclCheck> {
    let invalid = |message: String| ApiError::bad_request(ResultCode::InvalidParameter, message);
    let operation = match query.action {
        AclAction::Publish => Operation::Publish,
        AclAction::Subscribe => Operation::Subscribe,
        AclAction::Pubsub => {
            return Err(invalid("`action` must be publish or subscribe".into()));
        }
    };
    if query.topic.is_empty() {
        return Err(ApiError::bad_request(
            ResultCode::MissingParameter,
            "`topic` is required",
        ));
    }
    let ip = match &query.ip {
        Some(text) => text
            .parse::<IpAddr>()
            .map_err(|_| invalid(format!("`ip`: `{text}` is not an IP address")))?,
        None => IpAddr::from([0, 0, 0, 0]),
    };
    let who = Identity::client(
        Arc::from(query.clientid.as_deref().unwrap_or("")),
        query.username.as_deref().map(Arc::from),
        SocketAddr::new(ip, 0),
        None,
    );
    let settings = state.broker.settings();
    let acl = &settings.auth.acl;
    let decision = acl.decide(&who, operation, &query.topic);
    let verb = match decision.permit {
        Permit::Allow => "allowed",
        Permit::Deny => "denied",
    };
    let reason = match decision.rule.and_then(|index| acl.source(index)) {
        Some(source) => format!("{verb} by {source}"),
        None => format!("{verb}: no rule matches, auth.no_match decides"),
    };
    Ok(Json(ApiResponse::ok(AclCheck {
        permit: decision.permit,
        rule: decision.rule,
        reason,
    })))
}
