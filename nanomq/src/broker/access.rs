//! Access decisions as the operations take them: the rules read from the broker's own
//! settings as they are in force now (never handed in by a caller, so a reload reaches every
//! connected client at its next packet and its next delivery), and every denial counted and
//! logged at warn with who, what, and the rule that decided — at most a few lines per client
//! per [`crate::auth::identity::DENIAL_LOG_WINDOW`], so a client that keeps trying cannot
//! flood the log.

use std::sync::atomic::Ordering;

use tracing::warn;

use super::{Actor, Broker, Identity, LiveSettings, Settings};
use crate::auth::acl::{Decision, Operation};
use crate::message::is_broker_topic;

/// What a client was denied, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// A PUBLISH.
    Publish,
    /// A will, at CONNECT.
    Will,
    /// A SUBSCRIBE filter.
    Subscribe,
}

impl Attempt {
    fn name(self) -> &'static str {
        match self {
            Attempt::Publish => "publish",
            Attempt::Will => "will",
            Attempt::Subscribe => "subscribe",
        }
    }

    fn operation(self) -> Operation {
        match self {
            Attempt::Publish | Attempt::Will => Operation::Publish,
            Attempt::Subscribe => Operation::Subscribe,
        }
    }
}

impl Broker {
    /// Whether `by` may make `attempt` on `topic` under `settings` (the broker's, in force);
    /// a denial is counted (`messages_denied`, `subscriptions_denied`) and logged.
    pub(super) fn permits(
        &self,
        settings: &Settings,
        by: &Identity,
        attempt: Attempt,
        topic: &str,
    ) -> bool {
        let reserved = attempt != Attempt::Subscribe && is_broker_topic(topic);
        let decision = if reserved {
            None
        } else {
            Some(by.decide(&settings.auth, attempt.operation(), topic))
        };
        let allowed = match decision {
            None => by.actor == Actor::Internal,
            Some(decision) => decision.allowed(),
        };
        if allowed {
            return true;
        }
        let rule = match decision {
            None => "$SYS/ is the broker's own".to_string(),
            Some(decision) => rule_text(settings, decision),
        };
        let metrics = &self.inner.metrics;
        match attempt {
            Attempt::Subscribe => metrics.subscriptions_denied.add(1),
            Attempt::Publish | Attempt::Will => metrics.messages_denied.add(1),
        }
        if let Some(unlogged) = by.denial_log_turn() {
            warn!(
                client_id = %by.client_id,
                username = by.username.as_deref().unwrap_or(""),
                address = %by.peer.map_or_else(String::new, |p| p.to_string()),
                action = attempt.name(),
                topic,
                rule = %rule,
                unlogged,
                "denied"
            );
        }
        false
    }

    /// Whether a message on `topic` may be delivered to `by`, under the rules in force now:
    /// a subscription the rules allowed may still match a topic a narrower rule denies, and
    /// rules change under running subscriptions (a reload).
    pub fn may_receive(&self, live: &mut LiveSettings, by: &Identity, topic: &str) -> bool {
        // Without rules (the common case), not even the settings are read.
        if by.actor != Actor::Client || !self.inner.acl_active.load(Ordering::Relaxed) {
            return true;
        }
        by.may(&live.current().auth, Operation::Subscribe, topic)
    }

    /// Whether a denied client is disconnected (`auth.deny_action = "disconnect"`), as in
    /// force now.
    pub fn denial_disconnects(&self) -> bool {
        self.inner.settings.load().auth.acl.deny_action()
            == shared_types::config::DenyAction::Disconnect
    }
}

/// The rule behind `decision`, as the log shows it.
fn rule_text(settings: &Settings, decision: Decision) -> String {
    match decision.rule {
        Some(index) => settings
            .auth
            .acl
            .source(index)
            .map_or_else(|| format!("rule {index}"), str::to_string),
        None => "no rule matches: auth.no_match".to_string(),
    }
}
