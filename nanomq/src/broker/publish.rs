//! Publishing, from every source — a client connection, the bridge, the HTTP API, a will, a
//! `$SYS` event — through one function: the rules are checked, the retained store updated
//! (and its expiry timer armed), the message routed to every matching session, drops
//! counted, events emitted.

use std::sync::Arc;

use tokio::time::Instant;

use super::events::BrokerEvent;
use super::timers::{Due, TimerKey};
use super::{Actor, Broker, Identity, Settings};
use crate::auth::acl::Operation;
use crate::codec::{ReasonCode, exceeds_levels};
use crate::message::{Message, is_broker_topic};
use crate::router::RouteOutcome;
use crate::router::retained::RetainedChange;
use crate::session::Session;

impl Broker {
    /// Whether `by` may publish to `topic`: within `max_topic_levels` (else 0x90 Topic Name
    /// invalid), not under `$SYS/`, which is the broker's own, and for a client, allowed by
    /// the access-control rules (else 0x87 Not authorized, counted in `messages_denied`). A
    /// connection asks this as a PUBLISH arrives, before holding it.
    pub fn check_publish(
        &self,
        settings: &Settings,
        by: &Identity,
        topic: &str,
    ) -> Result<(), ReasonCode> {
        if exceeds_levels(topic, settings.max_topic_levels) {
            return Err(ReasonCode::TOPIC_NAME_INVALID);
        }
        let allowed = if is_broker_topic(topic) {
            by.actor == Actor::Internal
        } else {
            by.may(&settings.auth, Operation::Publish, topic)
        };
        if !allowed {
            self.inner.metrics.messages_denied.add(1);
            return Err(ReasonCode::NOT_AUTHORIZED);
        }
        Ok(())
    }

    /// Publishes `message` on behalf of `by`: checks it ([`Broker::check_publish`]), retains
    /// it if asked, and queues it for every matching session. Sessions whose queue went over
    /// its high watermark are added to `congested` (a client connection waits for them before
    /// routing more of its client's messages).
    pub fn publish(
        &self,
        settings: &Settings,
        by: &Identity,
        message: Message,
        congested: &mut Vec<Arc<Session>>,
    ) -> Result<RouteOutcome, ReasonCode> {
        self.check_publish(settings, by, &message.topic)?;
        Ok(self.route(settings, message, congested))
    }

    /// Publishes a message of the broker's own (a will, a `$SYS` event). Nobody waits for
    /// congested subscribers here: these sources have no socket to pause.
    pub fn publish_internal(&self, message: Message) -> RouteOutcome {
        let settings = self.settings();
        let mut congested = Vec::new();
        self.route(&settings, message, &mut congested)
    }

    fn route(
        &self,
        settings: &Settings,
        message: Message,
        congested: &mut Vec<Arc<Session>>,
    ) -> RouteOutcome {
        if message.retain {
            self.retain(&message);
        }
        let message = Arc::new(message);
        let inner = &self.inner;
        let outcome = if inner.events.listened() {
            let events = &inner.events;
            inner
                .router
                .route(&message, &settings.queue, congested, |session, qos| {
                    events.emit(|| BrokerEvent::MessageQueued {
                        client_id: Arc::clone(&session.client_id),
                        message: Arc::clone(&message),
                        qos,
                    });
                })
        } else {
            inner
                .router
                .route(&message, &settings.queue, congested, |_, _| {})
        };
        inner
            .metrics
            .messages_dropped
            .add(u64::try_from(outcome.dropped).unwrap_or(u64::MAX));
        outcome
    }

    /// Applies a retained publish to the store, with its expiry timer and its event.
    fn retain(&self, message: &Message) {
        let inner = &self.inner;
        let key = TimerKey::Retained(Arc::clone(&message.topic));
        match inner.retained.update(message) {
            RetainedChange::Set(stored) => {
                match stored.expires_at {
                    Some(at) => {
                        let topic = Arc::clone(&stored.topic);
                        inner.timers.set(key, at, Due::Retained { topic });
                    }
                    None => inner.timers.cancel(&key),
                }
                inner
                    .events
                    .emit(|| BrokerEvent::RetainedSet { message: stored });
            }
            RetainedChange::Cleared => {
                inner.timers.cancel(&key);
                inner.events.emit(|| BrokerEvent::RetainedCleared {
                    topic: Arc::clone(&message.topic),
                });
            }
            RetainedChange::Unchanged => {}
        }
    }

    /// A retained message's expiry timer fired.
    pub(super) fn expire_retained(&self, topic: &Arc<str>) {
        if self.inner.retained.remove_if_expired(topic, Instant::now()) {
            self.inner.events.emit(|| BrokerEvent::MessageExpired {
                client_id: None,
                topic: Arc::clone(topic),
            });
        }
    }
}
