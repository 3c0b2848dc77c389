//! Access control: the `auth.acl` rules (then those of `auth.acl_file`), compiled once per
//! (re)start, deciding whether a client may publish to a topic or subscribe to a filter.
//!
//! Rules apply in order; the first that matches decides, `auth.no_match` when none does. A rule
//! matches when its action covers the operation, the client is who it names (username, client
//! id, address or CIDR block, each only when given, `"#"` meaning anyone; all of `and`, one of
//! `or`), and the topic matches one of its topics (none: every topic):
//!
//! - A PUBLISH topic matches a rule filter as MQTT matches topics, except that a leading
//!   wildcard covers `$` topics too (a rule is a pattern, not a subscription).
//! - A SUBSCRIBE filter matches when everything it can receive is covered by the rule filter:
//!   `sensors/+/temp` is within `sensors/#`, but `sensors/#` is not within `sensors/+` (NanoMQ
//!   lets that one through). A shared subscription is judged by its topic filter proper.
//! - `@filter` (NanoMQ) or `{eq = "filter"}` (EMQX) is matched literally: `@#` is a
//!   subscription to `#` itself.
//! - `%u`/`${username}` and `%c`/`${clientid}` stand for the client's username and client id.
//!   A client whose value is missing or holds `+`, `#` or `/` cannot stand in for it: such a
//!   rule denies (as NanoMQ does), so that a crafted id never widens what a rule grants.
//!
//! Every delivery to a client is also checked as a subscription to its topic, so a rule
//! denying a topic holds for messages that arrive through a wider subscription, and for
//! retained messages. Clients check through a small per-connection cache of decisions.

use std::net::IpAddr;

use shared_types::config::{AclAction, AclRule, AclTopic, AclWho, DenyAction, Permit};

use super::Identity;

/// What is being asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Publishing to a topic.
    Publish,
    /// Subscribing to a filter (or receiving a message on a topic).
    Subscribe,
}

/// A decision, and the rule that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Allowed or denied.
    pub permit: Permit,
    /// The index of the deciding rule; `None` when `no_match` decided.
    pub rule: Option<usize>,
}

impl Decision {
    /// Allowed, with no rule to say so (a party the rules do not apply to, or no rules).
    pub const ALLOWED: Decision = Decision {
        permit: Permit::Allow,
        rule: None,
    };

    /// Whether the operation is allowed.
    pub fn allowed(&self) -> bool {
        self.permit == Permit::Allow
    }
}

/// The compiled rules.
#[derive(Debug, Default)]
pub struct Acl {
    rules: Vec<Rule>,
    no_match: Permit,
    deny_action: DenyAction,
}

#[derive(Debug)]
struct Rule {
    permit: Permit,
    action: AclAction,
    all_of: Vec<Condition>,
    any_of: Vec<Condition>,
    topics: Vec<Pattern>,
    /// Where the rule comes from and what it says (`auth.acl[0] {"permit":"allow",…}`),
    /// for `acl check` and logs.
    source: String,
}

#[derive(Debug)]
enum Condition {
    Username(String),
    ClientId(String),
    Address(IpBlock),
    AnyAddress(Vec<IpBlock>),
}

#[derive(Debug, Clone, Copy)]
struct IpBlock {
    network: IpAddr,
    prefix: u8,
}

#[derive(Debug)]
struct Pattern {
    text: String,
    exact: bool,
    placeholders: bool,
}

/// Why a rule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct RuleError {
    /// Where the rule comes from.
    pub origin: String,
    /// What is wrong with it.
    pub reason: String,
}

impl Acl {
    /// Compiles `rules` (each with where it comes from) under `no_match` and `deny_action`.
    pub fn compile(
        rules: Vec<(AclRule, String)>,
        no_match: Permit,
        deny_action: DenyAction,
    ) -> Result<Acl, RuleError> {
        let rules = rules
            .into_iter()
            .map(|(rule, source)| Rule::compile(rule, source))
            .collect::<Result<_, _>>()?;
        Ok(Acl {
            rules,
            no_match,
            deny_action,
        })
    }

    /// Whether the rules can deny anything (with no rule and `no_match = allow`, checking is
    /// skipped altogether).
    pub fn is_active(&self) -> bool {
        !self.rules.is_empty() || self.no_match == Permit::Deny
    }

    /// What decides when no rule matches.
    pub fn no_match(&self) -> Permit {
        self.no_match
    }

    /// What happens to a client that is denied.
    pub fn deny_action(&self) -> DenyAction {
        self.deny_action
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Where rule `index` comes from (`auth.acl[2]`, `acl.conf rule 7`) and what it says.
    pub fn source(&self, index: usize) -> Option<&str> {
        self.rules.get(index).map(|r| r.source.as_str())
    }

    /// The rule that denies `who` everything, if one does: the first rule naming the client
    /// (by client id, username or address) that permits anything is not a deny for every
    /// topic and action. `auth.no_match` alone never counts: it is not aimed at a client.
    pub fn denies_everything(&self, who: &Identity) -> Option<usize> {
        for (index, rule) in self.rules.iter().enumerate() {
            if !rule.applies_to(who) {
                continue;
            }
            match rule.permit {
                Permit::Allow => return None,
                Permit::Deny if rule.action == AclAction::Pubsub && rule.topics.is_empty() => {
                    return Some(index);
                }
                Permit::Deny => {}
            }
        }
        None
    }

    /// The rules' sources in order (where each comes from and what it says), to tell what a
    /// reload changed.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.source.as_str())
    }

    /// Decides whether `who` may do `operation` on `topic` (a topic name to publish to, or a
    /// filter to subscribe to; a `$share/group/` prefix is set aside).
    pub fn decide(&self, who: &Identity, operation: Operation, topic: &str) -> Decision {
        let topic = match operation {
            Operation::Subscribe => without_share(topic),
            Operation::Publish => topic,
        };
        for (index, rule) in self.rules.iter().enumerate() {
            if !rule.covers(operation) || !rule.applies_to(who) {
                continue;
            }
            match rule.topic_matches(who, operation, topic) {
                Some(true) => {
                    return Decision {
                        permit: rule.permit,
                        rule: Some(index),
                    };
                }
                Some(false) => {}
                // A placeholder the client cannot stand in for: deny.
                None => {
                    return Decision {
                        permit: Permit::Deny,
                        rule: Some(index),
                    };
                }
            }
        }
        Decision {
            permit: self.no_match,
            rule: None,
        }
    }
}

fn without_share(filter: &str) -> &str {
    filter
        .strip_prefix("$share/")
        .and_then(|rest| rest.split_once('/'))
        .map_or(filter, |(_, inner)| inner)
}

impl Rule {
    fn compile(rule: AclRule, origin: String) -> Result<Rule, RuleError> {
        let source = match serde_json::to_string(&rule) {
            Ok(text) => format!("{origin} {text}"),
            Err(_) => origin.clone(),
        };
        let error = |reason: String| RuleError {
            origin: origin.clone(),
            reason,
        };
        let mut all_of = Vec::new();
        push_conditions(
            &mut all_of,
            &AclWho {
                username: rule.username,
                clientid: rule.clientid,
                ipaddr: rule.ipaddr,
            },
        )
        .map_err(error)?;
        for who in &rule.all_of {
            push_conditions(&mut all_of, who).map_err(error)?;
        }
        if !rule.ipaddrs.is_empty() {
            let blocks = rule
                .ipaddrs
                .iter()
                .map(|ip| IpBlock::parse(ip))
                .collect::<Result<_, _>>()
                .map_err(error)?;
            all_of.push(Condition::AnyAddress(blocks));
        }
        let mut any_of = Vec::new();
        for who in &rule.any_of {
            push_conditions(&mut any_of, who).map_err(error)?;
        }
        let topics = rule.topics.iter().map(Pattern::new).collect();
        Ok(Rule {
            permit: rule.permit,
            action: rule.action,
            all_of,
            any_of,
            topics,
            source,
        })
    }

    fn covers(&self, operation: Operation) -> bool {
        matches!(
            (self.action, operation),
            (AclAction::Pubsub, _)
                | (AclAction::Publish, Operation::Publish)
                | (AclAction::Subscribe, Operation::Subscribe)
        )
    }

    fn applies_to(&self, who: &Identity) -> bool {
        self.all_of.iter().all(|c| c.holds(who))
            && (self.any_of.is_empty() || self.any_of.iter().any(|c| c.holds(who)))
    }

    /// Whether `topic` matches one of the rule's topics; `None` when one of them needs a
    /// placeholder `who` cannot stand in for.
    fn topic_matches(&self, who: &Identity, operation: Operation, topic: &str) -> Option<bool> {
        if self.topics.is_empty() {
            return Some(true);
        }
        for pattern in &self.topics {
            let filled;
            let text = if pattern.placeholders {
                filled = fill_placeholders(&pattern.text, who)?;
                filled.as_str()
            } else {
                pattern.text.as_str()
            };
            let matched = if pattern.exact {
                text == topic
            } else {
                match operation {
                    Operation::Publish => name_within(topic, text),
                    Operation::Subscribe => filter_within(topic, text),
                }
            };
            if matched {
                return Some(true);
            }
        }
        Some(false)
    }
}

fn push_conditions(into: &mut Vec<Condition>, who: &AclWho) -> Result<(), String> {
    let any = |v: &Option<String>| v.as_deref().is_none_or(|v| v == "#");
    if !any(&who.username) {
        into.push(Condition::Username(
            who.username.clone().unwrap_or_default(),
        ));
    }
    if !any(&who.clientid) {
        into.push(Condition::ClientId(
            who.clientid.clone().unwrap_or_default(),
        ));
    }
    if let Some(ip) = who.ipaddr.as_deref().filter(|ip| *ip != "#") {
        into.push(Condition::Address(IpBlock::parse(ip)?));
    }
    Ok(())
}

impl Condition {
    fn holds(&self, who: &Identity) -> bool {
        match self {
            Condition::Username(name) => who.username.as_deref() == Some(name.as_str()),
            Condition::ClientId(id) => *who.client_id == **id,
            Condition::Address(block) => who.peer.is_some_and(|p| block.contains(p.ip())),
            Condition::AnyAddress(blocks) => who
                .peer
                .is_some_and(|p| blocks.iter().any(|b| b.contains(p.ip()))),
        }
    }
}

impl IpBlock {
    fn parse(text: &str) -> Result<IpBlock, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("`{text}` is not an IP address or a CIDR block"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {max}"))?,
        };
        Ok(IpBlock { network, prefix })
    }

    fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(addr)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(addr) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(addr)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(addr) & mask
            }
            _ => false,
        }
    }
}

impl Pattern {
    fn new(topic: &AclTopic) -> Pattern {
        let (text, exact) = match topic {
            AclTopic::Exact { eq } => (eq.as_str(), true),
            AclTopic::Filter(text) => match text.strip_prefix('@').filter(|f| !f.is_empty()) {
                Some(filter) => (filter, true),
                None => (text.as_str(), false),
            },
        };
        let placeholders = PLACEHOLDERS.iter().any(|(p, _)| text.contains(p));
        Pattern {
            text: text.to_string(),
            exact,
            placeholders,
        }
    }
}

#[derive(Clone, Copy)]
enum Field {
    Username,
    ClientId,
}

const PLACEHOLDERS: [(&str, Field); 4] = [
    ("%u", Field::Username),
    ("${username}", Field::Username),
    ("%c", Field::ClientId),
    ("${clientid}", Field::ClientId),
];

/// The pattern with the client's values put in, in one pass: a value is never searched for
/// placeholders itself (a username `%c` stands for the text `%c`, not for the client id).
/// `None` when a value is missing or holds a character that would change the pattern's shape.
fn fill_placeholders(pattern: &str, who: &Identity) -> Option<String> {
    let mut text = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    'scan: while !rest.is_empty() {
        for (placeholder, field) in PLACEHOLDERS {
            if let Some(after) = rest.strip_prefix(placeholder) {
                let value = match field {
                    Field::Username => who.username.as_deref()?,
                    Field::ClientId => &who.client_id,
                };
                if value.is_empty() || value.contains(['+', '#', '/']) {
                    return None;
                }
                text.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            text.push(c);
        }
        rest = chars.as_str();
    }
    Some(text)
}

/// Whether topic name `topic` matches rule filter `rule`.
fn name_within(topic: &str, rule: &str) -> bool {
    let mut topic_levels = topic.split('/');
    for rule_level in rule.split('/') {
        match rule_level {
            "#" => return true,
            "+" => {
                if topic_levels.next().is_none() {
                    return false;
                }
            }
            literal => {
                if topic_levels.next() != Some(literal) {
                    return false;
                }
            }
        }
    }
    topic_levels.next().is_none()
}

/// Whether every topic filter `filter` matches is matched by rule filter `rule`.
fn filter_within(filter: &str, rule: &str) -> bool {
    let mut filter_levels = filter.split('/');
    for rule_level in rule.split('/') {
        match rule_level {
            "#" => return true,
            "+" => match filter_levels.next() {
                None | Some("#") => return false,
                Some(_) => {}
            },
            literal => {
                if filter_levels.next() != Some(literal) {
                    return false;
                }
            }
        }
    }
    filter_levels.next().is_none()
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::Arc;

    use super::*;

    fn who(username: Option<&str>, client_id: &str, ip: &str) -> Identity {
        let peer = SocketAddr::new(ip.parse().unwrap(), 1883);
        Identity::client(Arc::from(client_id), username.map(Arc::from), peer, None)
    }

    fn rules(text: &str) -> Acl {
        #[derive(serde::Deserialize)]
        struct Rules {
            acl: Vec<AclRule>,
        }
        let parsed: Rules = toml::from_str(text).unwrap();
        let rules = parsed
            .acl
            .into_iter()
            .enumerate()
            .map(|(i, r)| (r, format!("auth.acl[{i}]")))
            .collect();
        Acl::compile(rules, Permit::Deny, DenyAction::Ignore).unwrap()
    }

    fn allowed(acl: &Acl, who: &Identity, op: Operation, topic: &str) -> bool {
        acl.decide(who, op, topic).allowed()
    }

    #[test]
    fn filters_within_filters() {
        let cases = [
            ("sensors/#", "sensors/a/temp", true),
            ("sensors/#", "sensors/+/temp", true),
            ("sensors/#", "sensors/#", true),
            ("sensors/#", "sensors", true),
            ("sensors/#", "#", false),
            ("sensors/+", "sensors/a", true),
            ("sensors/+", "sensors/+", true),
            ("sensors/+", "sensors/#", false),
            ("sensors/+", "sensors/a/b", false),
            ("sensors/a", "sensors/+", false),
            ("#", "$SYS/brokers/+", true),
            ("+/x", "a/x", true),
        ];
        for (rule, filter, expected) in cases {
            assert_eq!(
                filter_within(filter, rule),
                expected,
                "{filter} within {rule}"
            );
        }
        assert!(name_within("a/b/c", "a/#"));
        assert!(name_within("a", "a/#"));
        assert!(!name_within("a/b", "a/+/c"));
        assert!(name_within("$SYS/x", "#"));
    }

    #[test]
    fn the_first_matching_rule_decides() {
        let acl = rules(
            r#"
            [[acl]]
            permit = "deny"
            username = "mallory"
            [[acl]]
            permit = "allow"
            username = "alice"
            action = "publish"
            topics = ["sensors/%u/#"]
            [[acl]]
            permit = "allow"
            action = "subscribe"
            topics = ["sensors/#", "@#"]
            [[acl]]
            permit = "allow"
            ipaddr = "10.0.0.0/8"
            "#,
        );
        let alice = who(Some("alice"), "c1", "192.168.1.5");
        let mallory = who(Some("mallory"), "c2", "10.1.2.3");
        let office = who(None, "c3", "10.9.9.9");
        use Operation::{Publish, Subscribe};
        assert!(allowed(&acl, &alice, Publish, "sensors/alice/temp"));
        assert!(!allowed(&acl, &alice, Publish, "sensors/bob/temp"));
        assert!(allowed(&acl, &alice, Subscribe, "sensors/+/temp"));
        assert!(allowed(&acl, &alice, Subscribe, "#"), "the literal `@#`");
        assert!(!allowed(&acl, &alice, Subscribe, "other/#"));
        assert!(
            !allowed(&acl, &mallory, Subscribe, "sensors/x"),
            "rule 0 first"
        );
        assert!(allowed(&acl, &office, Publish, "anything"), "by address");
        assert_eq!(acl.decide(&alice, Publish, "other").rule, None, "no_match");
        assert_eq!(
            acl.decide(&alice, Subscribe, "$share/g/sensors/a").rule,
            Some(2)
        );
    }

    #[test]
    fn a_client_that_cannot_fill_a_placeholder_is_denied() {
        let acl = rules(
            r#"
            [[acl]]
            permit = "allow"
            topics = ["devices/${clientid}/#", "users/%u/#"]
            [[acl]]
            permit = "allow"
            "#,
        );
        let sneaky = who(Some("a"), "x/#", "127.0.0.1");
        let decision = acl.decide(&sneaky, Operation::Publish, "devices/x/y");
        assert_eq!(
            decision,
            Decision {
                permit: Permit::Deny,
                rule: Some(0)
            }
        );
        let fine = who(Some("a"), "dev1", "127.0.0.1");
        assert!(allowed(&acl, &fine, Operation::Publish, "devices/dev1/t"));
        assert!(allowed(&acl, &fine, Operation::Publish, "users/a/t"));
        let anonymous = who(None, "dev2", "127.0.0.1");
        assert!(allowed(
            &acl,
            &anonymous,
            Operation::Publish,
            "devices/dev2/t"
        ));
        assert!(
            !allowed(&acl, &anonymous, Operation::Publish, "users/x/t"),
            "no username to stand in for %u"
        );
    }

    /// A username `%c` with client id `bob` gets the topics of a user named `%c`, not bob's.
    #[test]
    fn a_value_put_in_is_never_read_for_placeholders() {
        let acl = rules(
            r#"
            [[acl]]
            permit = "allow"
            topics = ["users/%u/#", "devices/${clientid}/%u"]
            "#,
        );
        use Operation::Publish;
        let crafted = who(Some("%c"), "bob", "127.0.0.1");
        assert!(!allowed(&acl, &crafted, Publish, "users/bob/t"));
        assert!(allowed(&acl, &crafted, Publish, "users/%c/t"));
        let crafted = who(Some("a"), "${username}", "127.0.0.1");
        assert!(!allowed(&acl, &crafted, Publish, "devices/a/a"));
        assert!(allowed(&acl, &crafted, Publish, "devices/${username}/a"));
        let plain = who(Some("bob"), "d1", "127.0.0.1");
        assert!(allowed(&acl, &plain, Publish, "devices/d1/bob"));
    }

    #[test]
    fn a_deny_for_everything_naming_the_client_is_found() {
        let acl = rules(
            r#"
            [[acl]]
            permit = "deny"
            username = "eve"
            topics = ["x/#"]
            [[acl]]
            permit = "deny"
            clientid = "banned"
            [[acl]]
            permit = "allow"
            username = "ok"
            [[acl]]
            permit = "deny"
            ipaddr = "10.0.0.0/8"
            "#,
        );
        assert_eq!(
            acl.denies_everything(&who(None, "banned", "1.2.3.4")),
            Some(1)
        );
        assert_eq!(
            acl.denies_everything(&who(Some("eve"), "c", "1.2.3.4")),
            None
        );
        assert_eq!(
            acl.denies_everything(&who(Some("eve"), "c", "10.1.1.1")),
            Some(3)
        );
        assert_eq!(
            acl.denies_everything(&who(Some("ok"), "c", "10.1.1.1")),
            None
        );
    }

    #[test]
    fn and_or_and_addresses() {
        let acl = rules(
            r#"
            [[acl]]
            permit = "allow"
            and = [{ username = "guest" }, { ipaddr = "192.168.1.100" }]
            [[acl]]
            permit = "allow"
            or = [{ clientid = "a" }, { ipaddr = "fd00::/8" }]
            "#,
        );
        use Operation::Publish;
        assert!(allowed(
            &acl,
            &who(Some("guest"), "z", "192.168.1.100"),
            Publish,
            "t"
        ));
        assert!(!allowed(
            &acl,
            &who(Some("guest"), "z", "192.168.1.101"),
            Publish,
            "t"
        ));
        assert!(allowed(&acl, &who(None, "a", "1.2.3.4"), Publish, "t"));
        assert!(allowed(&acl, &who(None, "b", "fd00::1"), Publish, "t"));
        assert!(!allowed(
            &acl,
            &who(None, "b", "::ffff:192.168.1.100"),
            Publish,
            "t"
        ));
        let mapped = rules("[[acl]]\npermit = \"allow\"\nipaddr = \"127.0.0.0/8\"\n");
        assert!(allowed(
            &mapped,
            &who(None, "b", "::ffff:127.0.0.1"),
            Publish,
            "t"
        ));
    }
}
