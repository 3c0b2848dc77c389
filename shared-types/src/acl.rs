//! `GET /api/v4/acl/check`: which access-control rule decides an operation, asked of the
//! running broker (`nanomq-cli acl check`).

use serde::{Deserialize, Serialize};

use crate::config::{AclAction, Permit};

/// The query: who, doing what, on which topic (a topic name to publish to, or a filter to
/// subscribe to).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclCheckQuery {
    /// The username, if the client gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The client identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientid: Option<String>,
    /// The client's IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// `publish` or `subscribe`.
    pub action: AclAction,
    /// The topic name or filter (required: missing, it is answered 107).
    #[serde(default)]
    pub topic: String,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclCheck {
    /// Allowed or denied.
    pub permit: Permit,
    /// The rule that decided, numbered from 0 in the order the broker applies them (the
    /// `auth.acl` rules, then those of `auth.acl_file`); absent when none matched and
    /// `auth.no_match` decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<usize>,
    /// Where that rule comes from and what it says, in words.
    pub reason: String,
}
