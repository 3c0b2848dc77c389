//! The REST contract of the nanomq HTTP API v4 (see `shared/spec/API.md`): every request and
//! response body as a serde type, and the configuration type, used by both the broker and
//! `nanomq-cli` so that the two cannot drift, and the stored-password forms both check and
//! write ([`secret`]). Pure data and pure checks: no I/O here.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod acl;
pub mod bridges;
pub mod brokers;
pub mod clients;
pub mod code;
pub mod config;
pub mod ctrl;
pub mod endpoints;
pub mod envelope;
mod lenient;
pub mod metrics;
pub mod publish;
pub mod retained;
pub mod secret;
pub mod subscriptions;
pub mod topic;
pub mod topic_tree;

#[cfg(test)]
mod test_support;

pub use acl::{AclCheck, AclCheckQuery};
pub use bridges::{
    BridgeInfo, BridgeLinkState, BridgeSubRequest, BridgeSubs, BridgeSwitch, BridgeSwitchRequest,
    BridgeUnsubRequest, BridgeUnsubTopic, BridgeUnsubs,
};
pub use brokers::{BrokerInfo, NodeInfo, format_uptime, parse_uptime};
pub use clients::{ClientInfo, ClientQuery, ConnState, ProtoName};
pub use code::ResultCode;
pub use config::{Config, ConfigError, ConfigUpdateRequest};
pub use ctrl::{CtrlAction, LogLevelBody, ReloadReport};
pub use endpoints::Endpoint;
pub use envelope::{ApiResponse, ErrorBody, PageMeta, PageRequest};
pub use metrics::{BridgeMetrics, Metrics, NanomqBridgeCounters, Peaks, Refusals, StoreMetrics};
pub use publish::{PayloadEncoding, PublishBatchResult, PublishRequest, PublishRequestProperties};
pub use retained::{RetainedMessage, RetainedProperties, RetainedQuery};
pub use subscriptions::{Subscription, SubscriptionQuery};
pub use topic_tree::{TopicTree, TopicTreeNode};
