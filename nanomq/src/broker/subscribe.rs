//! Subscribing and unsubscribing. A subscription lives in two places — the session's record
//! (what the API lists and what is kept with the session) and the router's trie (the index
//! routing uses) — and only these functions change either, so the two cannot drift apart.

use std::sync::Arc;

use tokio::time::Instant;

use super::access::Attempt;
use super::events::BrokerEvent;
use super::limits::Refused;
use super::{Broker, Identity};
use crate::auth::acl::Operation;
use crate::codec::{ReasonCode, RetainHandling, SubscribeFilter, exceeds_levels};
use crate::message::Message;
use crate::router::ParsedFilter;
use crate::session::{Session, SubscriptionRecord};
use crate::store::{Op, Ticket};

/// The outcome of one filter of a SUBSCRIBE.
#[derive(Debug)]
pub struct Subscribed {
    /// For the SUBACK: the QoS granted, or why the filter was refused.
    pub reason: ReasonCode,
    /// The retained messages to send now (per the Retain Handling option; never for a
    /// shared subscription).
    pub retained: Vec<Arc<Message>>,
    /// The store ticket the SUBACK waits for.
    pub ticket: Ticket,
}

impl Broker {
    /// Subscribes `session` to one filter of a SUBSCRIBE on behalf of `by`, with the MQTT 5
    /// subscription identifier `identifier`.
    pub fn subscribe(
        &self,
        by: &Identity,
        session: &Arc<Session>,
        entry: &SubscribeFilter,
        identifier: Option<u32>,
    ) -> Subscribed {
        let settings = self.inner.settings.load();
        let parsed = ParsedFilter::parse(&entry.filter);
        let refused = |reason| Subscribed {
            reason,
            retained: Vec::new(),
            ticket: Ticket::NONE,
        };
        if exceeds_levels(parsed.filter, settings.max_topic_levels) {
            return refused(ReasonCode::TOPIC_FILTER_INVALID);
        }
        if !self.permits(&settings, by, Attempt::Subscribe, &entry.filter) {
            return refused(ReasonCode::NOT_AUTHORIZED);
        }
        let new = !session.has_subscription(&entry.filter);
        if new && session.subscription_count() >= settings.max_subscriptions {
            self.refuse(
                Refused::Subscription,
                &session.client_id,
                "max_subscriptions",
            );
            return refused(ReasonCode::QUOTA_EXCEEDED);
        }
        if new && self.under_memory_pressure() {
            self.refuse(Refused::Subscription, &session.client_id, "max_memory");
            return refused(ReasonCode::QUOTA_EXCEEDED);
        }
        let options = entry.options;
        let existed = self
            .inner
            .router
            .subscribe(session, parsed, options, identifier);
        let record = SubscriptionRecord {
            options,
            identifier,
        };
        session.add_subscription(&entry.filter, record);
        let ticket = if session.is_durable() {
            self.record(|| Op::Subscribe {
                client: Arc::clone(&session.client_id),
                filter: Arc::from(entry.filter.as_str()),
                options,
                identifier,
            })
        } else {
            Ticket::NONE
        };
        self.inner.events.emit(|| BrokerEvent::Subscribed {
            client_id: Arc::clone(&session.client_id),
            filter: Arc::from(entry.filter.as_str()),
            options,
            identifier,
        });
        // Retained messages are not sent for shared subscriptions (MQTT 5.0 §4.8.2).
        let send_retained = parsed.group.is_none()
            && match options.retain_handling {
                RetainHandling::SendAtSubscribe => true,
                RetainHandling::SendIfNew => !existed,
                RetainHandling::DoNotSend => false,
            };
        let mut retained = if send_retained {
            self.inner.retained.matching(parsed.filter, Instant::now())
        } else {
            Vec::new()
        };
        // What the client may not receive is not sent at subscribe either.
        retained.retain(|m| by.may(&settings.auth, Operation::Subscribe, &m.topic));
        Subscribed {
            reason: ReasonCode(options.qos as u8),
            retained,
            ticket,
        }
    }

    /// Removes `session`'s subscription to `filter`: the UNSUBACK reason, and the store
    /// ticket the UNSUBACK waits for. (Anyone may drop what they have.)
    pub fn unsubscribe(&self, session: &Session, filter: &str) -> (ReasonCode, Ticket) {
        let parsed = ParsedFilter::parse(filter);
        let max_levels = self.inner.settings.load().max_topic_levels;
        if exceeds_levels(parsed.filter, max_levels) {
            return (ReasonCode::TOPIC_FILTER_INVALID, Ticket::NONE);
        }
        let in_router = self.inner.router.unsubscribe(session.id, parsed);
        let in_session = session.remove_subscription(filter);
        if !(in_router || in_session) {
            return (ReasonCode::NO_SUBSCRIPTION_EXISTED, Ticket::NONE);
        }
        let ticket = if session.is_durable() {
            self.record(|| Op::Unsubscribe {
                client: Arc::clone(&session.client_id),
                filter: Arc::from(filter),
            })
        } else {
            Ticket::NONE
        };
        self.inner.events.emit(|| BrokerEvent::Unsubscribed {
            client_id: Arc::clone(&session.client_id),
            filter: Arc::from(filter),
        });
        (ReasonCode::SUCCESS, ticket)
    }

    /// Removes every subscription of a session that is ending (no events: the session's
    /// removal says it all).
    pub(crate) fn unsubscribe_all(&self, session: &Session) {
        self.inner.router.remove_session(session);
    }
}
