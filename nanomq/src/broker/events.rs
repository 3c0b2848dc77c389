//! The broker's events: what happened to sessions, subscriptions, queued and retained
//! messages, emitted by the operations that made it happen (each in one place), for whoever
//! listens — durable storage, a dashboard, `$SYS` statistics, tests.
//!
//! Listeners are [`EventSink`]s, called synchronously on the thread that caused the event:
//! they must not block (they hand the event to their own queue or task). With no listener,
//! emitting costs one relaxed atomic load and the event is never built. [`EventStream`] is a
//! ready-made sink for consumers that want the events as a stream: a bounded queue whose
//! overflow is counted, never waited for.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::RwLock;
use tokio::sync::mpsc;

use crate::codec::{PacketId, QoS, SubscriptionOptions};
use crate::message::Message;

/// Something that happened in the broker.
#[derive(Debug, Clone)]
pub enum BrokerEvent {
    /// A connection started serving a session (new, or resumed when `present`).
    SessionOpened {
        /// The client identifier.
        client_id: Arc<str>,
        /// Whether an existing session was resumed.
        present: bool,
    },
    /// A connection ended; `kept` when its session stays for the client's return.
    SessionClosed {
        /// The client identifier.
        client_id: Arc<str>,
        /// Whether the session outlives the connection.
        kept: bool,
    },
    /// A session is gone: it ended with its connection, expired, was kicked or replaced by a
    /// clean start.
    SessionRemoved {
        /// The client identifier.
        client_id: Arc<str>,
    },
    /// A subscription was added or replaced.
    Subscribed {
        /// The client identifier.
        client_id: Arc<str>,
        /// The filter, `$share/...` included.
        filter: Arc<str>,
        /// The options granted.
        options: SubscriptionOptions,
        /// The MQTT 5 subscription identifier.
        identifier: Option<u32>,
    },
    /// A subscription was removed by the client.
    Unsubscribed {
        /// The client identifier.
        client_id: Arc<str>,
        /// The filter.
        filter: Arc<str>,
    },
    /// A message was queued for a session.
    MessageQueued {
        /// The client identifier.
        client_id: Arc<str>,
        /// The message.
        message: Arc<Message>,
        /// The QoS it is delivered at.
        qos: QoS,
    },
    /// A client acknowledged a QoS 1/2 message (PUBACK, or PUBCOMP).
    MessageAcknowledged {
        /// The client identifier.
        client_id: Arc<str>,
        /// The packet identifier it was sent with.
        packet_id: PacketId,
    },
    /// A message ran out its Message Expiry Interval before it was delivered (`client_id`
    /// set) or while it was retained (`client_id` none).
    MessageExpired {
        /// The session it was queued for, if any.
        client_id: Option<Arc<str>>,
        /// Its topic.
        topic: Arc<str>,
    },
    /// A retained message was stored (replacing any other on its topic).
    RetainedSet {
        /// The message as retained.
        message: Arc<Message>,
    },
    /// A topic's retained message was cleared (an empty retained publish).
    RetainedCleared {
        /// The topic.
        topic: Arc<str>,
    },
}

/// A listener of broker events.
pub trait EventSink: Send + Sync {
    /// Called for each event, on the thread that caused it; must not block.
    fn on_event(&self, event: &BrokerEvent);
}

/// The registered listeners.
#[derive(Default)]
pub struct Events {
    any: AtomicBool,
    sinks: RwLock<Vec<Arc<dyn EventSink>>>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("sinks", &self.sinks.read().len())
            .finish()
    }
}

impl Events {
    /// Adds a listener.
    pub fn add(&self, sink: Arc<dyn EventSink>) {
        self.sinks.write().push(sink);
        self.any.store(true, Ordering::Release);
    }

    /// Whether anyone listens: callers that must gather something to build an event check
    /// this first.
    pub fn listened(&self) -> bool {
        self.any.load(Ordering::Relaxed)
    }

    /// Builds the event with `make` and hands it to every listener, if there is any.
    pub fn emit(&self, make: impl FnOnce() -> BrokerEvent) {
        if !self.listened() {
            return;
        }
        let event = make();
        for sink in self.sinks.read().iter() {
            sink.on_event(&event);
        }
    }
}

/// A listener that queues events for a consumer task, up to `capacity`; what does not fit is
/// counted in [`EventStream::overflowed`] and dropped, so the broker never waits for it.
pub struct EventStream {
    sender: mpsc::Sender<BrokerEvent>,
    overflowed: AtomicU64,
}

impl EventStream {
    /// A stream of up to `capacity` waiting events and its receiving end.
    pub fn new(capacity: usize) -> (Arc<EventStream>, mpsc::Receiver<BrokerEvent>) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let stream = Arc::new(EventStream {
            sender,
            overflowed: AtomicU64::new(0),
        });
        (stream, receiver)
    }

    /// Events dropped because the consumer was behind.
    pub fn overflowed(&self) -> u64 {
        self.overflowed.load(Ordering::Relaxed)
    }
}

impl EventSink for EventStream {
    fn on_event(&self, event: &BrokerEvent) {
        if self.sender.try_send(event.clone()).is_err() {
            self.overflowed.fetch_add(1, Ordering::Relaxed);
        }
    }
}
