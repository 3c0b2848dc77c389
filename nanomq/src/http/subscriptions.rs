//! `/api/v4/subscriptions…` and `/api/v4/topic-tree`: what the sessions are subscribed to.
//!
//! One entry per (client, filter). A shared subscription `$share/{group}/{filter}` is shown as
//! `{"topic": filter, "share": group}`: the topic filter proper, and the group beside it. This
//! keeps the entry lossless and makes the `topic` and `share` query filters behave as EMQX
//! v4's do (there `topic=t` also finds `$share/g/t`, and `share=g` selects the group); EMQX v4
//! writes the full `$share/g/t` in its output, so a `topic` query given in that form is
//! understood too (`topic=$share/g/t` = `topic=t&share=g`).

use axum::Json;
use axum::extract::State;
use shared_types::{ApiResponse, Subscription, SubscriptionQuery, TopicTree, TopicTreeNode};

use super::extract::{ApiPath, ApiQuery};
use super::routes::{ApiResult, ApiRoute, paged};
use super::state::AppState;
use crate::router::ParsedFilter;
use crate::session::Session;

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/subscriptions",
            "list_subscriptions",
            "A list of subscriptions in the cluster",
            list,
        ),
        ApiRoute::get(
            "/subscriptions/{clientid}",
            "lookup_client_subscriptions",
            "A list of subscriptions of a client",
            of_client,
        ),
        ApiRoute::get(
            "/topic-tree",
            "list_topic-tree",
            "A list of topic-tree in the cluster",
            topic_tree,
        ),
    ]
}

/// The subscriptions of one session, ordered by filter.
pub fn subscriptions_of(session: &Session) -> Vec<Subscription> {
    session
        .subscriptions()
        .into_iter()
        .map(|(filter, record)| {
            let parsed = ParsedFilter::parse(&filter);
            Subscription {
                clientid: session.client_id.to_string(),
                topic: parsed.filter.to_string(),
                qos: record.options.qos as u8,
                share: parsed.group.map(str::to_string),
            }
        })
        .collect()
}

/// Rewrites `topic=$share/g/t` as `topic=t&share=g`, unless another group was asked for.
fn normalize_shared_topic(query: &mut SubscriptionQuery) {
    let Some(topic) = &query.topic else { return };
    let parsed = ParsedFilter::parse(topic);
    if let Some(group) = parsed.group
        && query.share.as_deref().is_none_or(|share| share == group)
    {
        let (group, filter) = (group.to_string(), parsed.filter.to_string());
        query.share = Some(group);
        query.topic = Some(filter);
    }
}

/// `GET /subscriptions`: `clientid` is a hash lookup; the other filters scan.
async fn list(
    State(state): State<AppState>,
    ApiQuery(mut query): ApiQuery<SubscriptionQuery>,
) -> ApiResult<Vec<Subscription>> {
    normalize_shared_topic(&mut query);
    let mut sessions = match &query.clientid {
        Some(id) => state.broker.session(id).into_iter().collect(),
        None => state.broker.sessions(),
    };
    sessions.sort_unstable_by(|a, b| a.client_id.cmp(&b.client_id));
    let subscriptions = sessions
        .iter()
        .flat_map(|session| subscriptions_of(session))
        .filter(|subscription| query.matches(subscription))
        .collect();
    Ok(Json(paged(subscriptions, query.page_request())))
}

/// `GET /subscriptions/{clientid}`: that client's subscriptions, `[]` when unknown.
async fn of_client(
    State(state): State<AppState>,
    ApiPath(client_id): ApiPath<String>,
) -> ApiResult<Vec<Subscription>> {
    let subscriptions = state
        .broker
        .session(&client_id)
        .map(|session| subscriptions_of(&session))
        .unwrap_or_default();
    Ok(Json(ApiResponse::ok(subscriptions)))
}

/// `GET /topic-tree`: the subscription trie level by level, root (`""`) first.
async fn topic_tree(State(state): State<AppState>) -> ApiResult<TopicTree> {
    let tree = state
        .broker
        .topic_levels()
        .into_iter()
        .map(|level| {
            level
                .into_iter()
                .map(|node| TopicTreeNode {
                    topic: node.name,
                    cld_cnt: u64::try_from(node.children).unwrap_or(u64::MAX),
                    clientid: (!node.client_ids.is_empty()).then_some(node.client_ids),
                })
                .collect()
        })
        .collect();
    Ok(Json(ApiResponse::ok(tree)))
}
