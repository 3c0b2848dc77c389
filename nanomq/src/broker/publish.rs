//! Publishing, from every source — a client connection, the bridge, the HTTP API, a will, a
//! `$SYS` event — through one function: the rules are checked, the retained store updated
//! (and its expiry timer armed), the message routed to every matching session, drops
//! counted, events emitted. One queue policy for every source: a source that cannot pause
//! (and every source, under memory pressure) drops for a full queue instead of growing it.
//!
//! Limits refuse a publish with "quota exceeded" (0x97), the message handed back: a retained
//! message beyond `max_retained_messages`/`max_retained_bytes` (or adding bytes under memory
//! pressure), and durable work while the store is over its quota (a QoS 1/2 message some
//! persistent session would store, a retained message). A source that cannot refuse (a will,
//! a 3.x client's retained message) publishes it again without its retain flag.

use std::sync::Arc;

use tokio::time::Instant;

use super::access::Attempt;
use super::events::{BrokerEvent, Events};
use super::limits::Refused;
use super::timers::{Due, TimerKey};
use super::{Broker, Identity, LiveSettings, Settings};
use crate::codec::{QoS, ReasonCode, exceeds_levels};
use crate::message::{Delivery, Message};
use crate::router::retained::RetainedChange;
use crate::router::{RouteHooks, RouteOutcome};
use crate::session::Session;
use crate::store::{Journal, Op, Ticket};

/// A publish the broker refused: why, and the message back (boxed: refusals are rare, and
/// the result of every publish stays small).
#[derive(Debug)]
pub struct NotPublished {
    /// The reason code to answer with.
    pub reason: ReasonCode,
    /// The message, untouched.
    pub message: Box<Message>,
}

impl NotPublished {
    fn new(reason: ReasonCode, message: Message) -> NotPublished {
        NotPublished {
            reason,
            message: Box::new(message),
        }
    }
}

impl Broker {
    /// Whether `by` may publish to `topic`: within `max_topic_levels` (else 0x90 Topic Name
    /// invalid), not under `$SYS/`, which is the broker's own, and for a client, allowed by
    /// the access-control rules (else 0x87 Not authorized, counted in `messages_denied`). A
    /// connection asks this as a PUBLISH arrives, before holding it. The rules are the
    /// broker's own, as in force now (a reload reaches connected clients at once).
    pub fn check_publish(
        &self,
        live: &mut LiveSettings,
        by: &Identity,
        topic: &str,
    ) -> Result<(), ReasonCode> {
        self.check_topic_with(live.current(), by, Attempt::Publish, topic)
    }

    /// [`Broker::check_publish`] for a publish or a will.
    pub(super) fn check_topic_with(
        &self,
        settings: &Settings,
        by: &Identity,
        attempt: Attempt,
        topic: &str,
    ) -> Result<(), ReasonCode> {
        if exceeds_levels(topic, settings.max_topic_levels) {
            return Err(ReasonCode::TOPIC_NAME_INVALID);
        }
        if self.permits(settings, by, attempt, topic) {
            Ok(())
        } else {
            Err(ReasonCode::NOT_AUTHORIZED)
        }
    }

    /// Publishes `message` on behalf of `by`: checks it ([`Broker::check_publish`]), retains
    /// it if asked, and queues it for every matching session. A publisher that pauses (a
    /// client connection, the bridge) passes `congested`: sessions whose queue went over its
    /// high watermark are added to it, and it waits for them before routing more. One that
    /// cannot (the HTTP API) passes `None`: a full queue then drops the message for that
    /// session, counted.
    ///
    /// A refusal hands the message back with its reason (see the module's documentation).
    pub fn publish(
        &self,
        live: &mut LiveSettings,
        by: &Identity,
        message: Message,
        congested: Option<&mut Vec<Arc<Session>>>,
    ) -> Result<RouteOutcome, NotPublished> {
        let settings = live.current();
        if let Err(code) = self.check_topic_with(settings, by, Attempt::Publish, &message.topic) {
            return Err(NotPublished::new(code, message));
        }
        self.route(settings, by, message, congested)
    }

    /// [`Broker::publish`] for a publisher that has no way to be told no (an MQTT 3.x
    /// client, the bridge's upstream): a retained message the limits refuse is published
    /// again without its retain flag, so its subscribers still get it.
    pub fn publish_unretained_if_refused(
        &self,
        live: &mut LiveSettings,
        by: &Identity,
        message: Message,
        mut congested: Option<&mut Vec<Arc<Session>>>,
    ) -> Result<RouteOutcome, NotPublished> {
        match self.publish(live, by, message, congested.as_deref_mut()) {
            Err(refused)
                if refused.reason == ReasonCode::QUOTA_EXCEEDED && refused.message.retain =>
            {
                let unretained = Message {
                    retain: false,
                    ..*refused.message
                };
                self.publish(live, by, unretained, congested)
            }
            routed => routed,
        }
    }

    /// Publishes a message of the broker's own (a will, a `$SYS` event). Nobody waits for
    /// congested subscribers here: these sources have no socket to pause, so a full queue
    /// drops the message for that subscriber (counted), as for any source that cannot wait.
    /// A retained one the limits refuse goes out unretained.
    pub fn publish_internal(&self, message: Message) -> RouteOutcome {
        let settings = self.inner.settings.load();
        let internal = Identity::internal();
        match self.route(&settings, &internal, message, None) {
            Ok(outcome) => outcome,
            Err(refused) if refused.message.retain => {
                let message = Message {
                    retain: false,
                    ..*refused.message
                };
                self.route(&settings, &internal, message, None)
                    .unwrap_or_default()
            }
            Err(_) => RouteOutcome::default(),
        }
    }

    fn route(
        &self,
        settings: &Settings,
        by: &Identity,
        message: Message,
        congested: Option<&mut Vec<Arc<Session>>>,
    ) -> Result<RouteOutcome, NotPublished> {
        let pressure = self.under_memory_pressure();
        let congested = if pressure { None } else { congested };
        if !self.store_has_room(by, &message) {
            return Err(NotPublished::new(ReasonCode::QUOTA_EXCEEDED, message));
        }
        let retained = if message.retain {
            match self.retain(settings, by, &message, !pressure) {
                Ok(ticket) => ticket,
                Err(reason) => return Err(NotPublished::new(reason, message)),
            }
        } else {
            Ticket::NONE
        };
        let message = Arc::new(message);
        let inner = &self.inner;
        let mut hooks = Routing {
            store: inner.store.get(),
            events: &inner.events,
            message: &message,
            ticket: retained,
        };
        let mut outcome = inner
            .router
            .route(&message, &settings.queue, congested, &mut hooks);
        outcome.ticket = hooks.ticket;
        inner
            .metrics
            .messages_dropped
            .add(u64::try_from(outcome.dropped).unwrap_or(u64::MAX));
        Ok(outcome)
    }

    /// Whether the store may take the durable work `message` makes: always, unless it is over
    /// its quota and the message is retained or would be stored for a persistent session.
    fn store_has_room(&self, by: &Identity, message: &Message) -> bool {
        let Some(store) = self.store() else {
            return true;
        };
        if !store.is_full() {
            return true;
        }
        let durable = message.retain
            || (message.qos != QoS::AtMostOnce
                && self
                    .inner
                    .router
                    .any_match(&message.topic, Session::is_durable));
        if durable {
            self.refuse(
                Refused::Publish,
                &by.client_id,
                "persistence.max_bytes (store full)",
            );
        }
        !durable
    }

    /// Applies a retained publish to the store, with its expiry timer and its event; the
    /// store ticket of the change. Refused (0x97) beyond the retained limits, or when it
    /// adds bytes and `grow` is false (memory pressure).
    pub(super) fn retain(
        &self,
        settings: &Settings,
        by: &Identity,
        message: &Message,
        grow: bool,
    ) -> Result<Ticket, ReasonCode> {
        let inner = &self.inner;
        let key = TimerKey::Retained(Arc::clone(&message.topic));
        let change = inner.retained.update(message, settings.retained, grow);
        Ok(match change {
            RetainedChange::Set(stored) => {
                match stored.expires_at {
                    Some(at) => {
                        let topic = Arc::clone(&stored.topic);
                        inner.timers.set(key, at, Due::Retained { topic });
                    }
                    None => inner.timers.cancel(&key),
                }
                let ticket = self.record(|| Op::Retain {
                    topic: Arc::clone(&stored.topic),
                    message: Some(Arc::clone(&stored)),
                });
                inner
                    .events
                    .emit(|| BrokerEvent::RetainedSet { message: stored });
                ticket
            }
            RetainedChange::Cleared => self.retained_cleared(&message.topic),
            RetainedChange::Unchanged => Ticket::NONE,
            RetainedChange::Refused => {
                let why = if grow {
                    "max_retained_messages or max_retained_bytes"
                } else {
                    "max_memory"
                };
                self.refuse(Refused::Retained, &by.client_id, why);
                return Err(ReasonCode::QUOTA_EXCEEDED);
            }
        })
    }

    /// Removes the message retained on `topic` without publishing anything (`DELETE
    /// /retained/{topic}`); `None` when there was none, else the ticket of the store
    /// forgetting it too (the answer waits for it: a crash must not bring it back).
    pub fn clear_retained(&self, topic: &str) -> Option<Ticket> {
        if !self.inner.retained.remove(topic) {
            return None;
        }
        Some(self.retained_cleared(&Arc::from(topic)))
    }

    /// After the message retained on `topic` went: its timer, the store, the event; the
    /// store ticket.
    fn retained_cleared(&self, topic: &Arc<str>) -> Ticket {
        let inner = &self.inner;
        inner.timers.cancel(&TimerKey::Retained(Arc::clone(topic)));
        let ticket = self.record(|| Op::Retain {
            topic: Arc::clone(topic),
            message: None,
        });
        inner.events.emit(|| BrokerEvent::RetainedCleared {
            topic: Arc::clone(topic),
        });
        ticket
    }

    /// A retained message's expiry timer fired.
    pub(super) fn expire_retained(&self, topic: &Arc<str>) {
        if self.inner.retained.remove_if_expired(topic, Instant::now()) {
            self.record_unawaited(|| Op::Retain {
                topic: Arc::clone(topic),
                message: None,
            });
            self.inner.events.emit(|| BrokerEvent::MessageExpired {
                client_id: None,
                topic: Arc::clone(topic),
            });
        }
    }
}

/// What publishing does around each delivery: the store records those of persistent
/// sessions at QoS 1/2 (and forgets those dropped to make room), the event stream hears of
/// each.
struct Routing<'a> {
    store: Option<&'a Journal>,
    events: &'a Events,
    message: &'a Arc<Message>,
    /// The largest store ticket so far.
    ticket: Ticket,
}

impl RouteHooks for Routing<'_> {
    fn prepare(&mut self, session: &Session, delivery: &mut Delivery) {
        let Some(store) = self.store else {
            return;
        };
        if delivery.qos == QoS::AtMostOnce || !session.is_durable() {
            return;
        }
        delivery.key = store.next_key();
        let ticket = store.submit(Op::Queue {
            client: Arc::clone(&session.client_id),
            key: delivery.key,
            message: Arc::clone(self.message),
            qos: delivery.qos,
            retain: delivery.retain,
            subscription_ids: delivery.subscription_ids.clone(),
        });
        self.ticket = self.ticket.max(ticket);
    }

    fn queued(&mut self, session: &Session, qos: QoS, _key: u64) {
        self.events.emit(|| BrokerEvent::MessageQueued {
            client_id: Arc::clone(&session.client_id),
            message: Arc::clone(self.message),
            qos,
        });
    }

    fn refused(&mut self, session: &Session, key: u64) {
        self.dropped(session, &[key]);
    }

    fn dropped(&mut self, session: &Session, keys: &[u64]) {
        let Some(store) = self.store else {
            return;
        };
        for &key in keys.iter().filter(|&&k| k != 0) {
            store.submit_unawaited(Op::Done {
                client: Arc::clone(&session.client_id),
                key,
            });
        }
    }
}
