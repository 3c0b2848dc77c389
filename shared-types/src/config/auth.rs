//! The `auth` section: the password file, and the access-control rules (ACL) deciding what
//! each client may publish and subscribe to, as NanoMQ's `auth` section and `acl.conf` have
//! them.

use serde::{Deserialize, Serialize};

/// The `auth` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// What happens to a publish or subscribe that no rule matches.
    pub no_match: Permit,
    /// What happens to a client whose publish or subscribe is denied.
    pub deny_action: DenyAction,
    /// A file of `username:secret` lines, read at (re)start; the secret is a PHC string
    /// (`$argon2id$...`), a Mosquitto `$7$`/`$6$` hash, or plaintext.
    pub password_file: Option<String>,
    /// A file of ACL rules, in this section's TOML form or NanoMQ's `acl.conf` form; its
    /// rules come after `acl`.
    pub acl_file: Option<String>,
    /// ACL rules, in order: the first one that matches decides.
    pub acl: Vec<AclRule>,
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permit {
    /// Allowed.
    #[default]
    Allow,
    /// Denied.
    Deny,
}

/// What happens to a client whose publish or subscribe is denied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DenyAction {
    /// Refuse that one operation (MQTT 5: reason 0x87) and carry on.
    #[default]
    Ignore,
    /// Refuse it and disconnect the client (MQTT 5: DISCONNECT 0x87).
    Disconnect,
}

/// Which operations a rule is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AclAction {
    /// PUBLISH (and wills).
    Publish,
    /// SUBSCRIBE.
    Subscribe,
    /// Both.
    #[default]
    Pubsub,
}

/// One access-control rule: if the client matches it (every one of `username`, `clientid`
/// and `ipaddr` that is given, `"#"` meaning anyone; all of `and`, one of `or`) and the topic
/// matches one of `topics` (none: every topic), `permit` decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclRule {
    /// Allow or deny (required).
    pub permit: Permit,
    /// The username the rule is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The client identifier the rule is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientid: Option<String>,
    /// The client address the rule is about: an address or a CIDR block (`10.0.0.0/8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipaddr: Option<String>,
    /// Addresses or CIDR blocks, one of which the client's address must be in (NanoMQ's
    /// `ipaddrs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipaddrs: Vec<String>,
    /// Conditions that must all hold (NanoMQ's `and`).
    #[serde(default, rename = "and", skip_serializing_if = "Vec::is_empty")]
    pub all_of: Vec<AclWho>,
    /// Conditions one of which must hold (NanoMQ's `or`).
    #[serde(default, rename = "or", skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<AclWho>,
    /// The operations the rule is about.
    #[serde(default)]
    pub action: AclAction,
    /// Topic filters. `%u` or `${username}` stands for the username, `%c` or `${clientid}`
    /// for the client id. `@filter` (NanoMQ) or `{eq = "filter"}` (EMQX) is matched literally:
    /// `@#` is a subscription to `#` itself, not to every topic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<AclTopic>,
}

/// One condition of an `and`/`or` list: a username, a client id or an address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AclWho {
    /// The username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The client identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clientid: Option<String>,
    /// An address or CIDR block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipaddr: Option<String>,
}

/// A topic of an ACL rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AclTopic {
    /// A topic filter, wildcards and placeholders included.
    Filter(String),
    /// A filter the subscription must equal exactly.
    Exact {
        /// The filter.
        eq: String,
    },
}

impl AclTopic {
    /// The text of the filter.
    pub fn text(&self) -> &str {
        match self {
            AclTopic::Filter(text) | AclTopic::Exact { eq: text } => text,
        }
    }
}
