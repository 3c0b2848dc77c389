//! An application message as the broker routes it, and a delivery of it to one session.
//!
//! A message is built once per incoming PUBLISH and shared by reference count among every
//! subscriber's queue: fan-out never copies the payload or the topic.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use crate::codec::{LastWill, Publish, PublishProperties, QoS};
use crate::ids::SessionId;

/// Whether `topic` is one of the broker's own (`$SYS/...`), which no client and no API call
/// may publish to: subscribers must be able to trust what arrives there.
pub fn is_broker_topic(topic: &str) -> bool {
    topic.starts_with("$SYS/") || topic == "$SYS"
}

/// The next message number; numbers are unique in the process and, once the store has been
/// read back, among the stored messages too.
static NEXT_MESSAGE_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh message number.
pub fn next_message_id() -> u64 {
    NEXT_MESSAGE_ID.fetch_add(1, Ordering::Relaxed)
}

/// Makes every message number given out from now on larger than `id` (one read back from
/// the store).
pub fn message_ids_after(id: u64) {
    NEXT_MESSAGE_ID.fetch_max(id.saturating_add(1), Ordering::Relaxed);
}

/// One application message, shared by every delivery of it.
#[derive(Debug)]
pub struct Message {
    /// Its number: what the store knows it by (stored once, however many sessions hold it).
    pub id: u64,
    /// The topic name it was published to.
    pub topic: Arc<str>,
    /// The payload, a slice of the receive buffer it arrived in.
    pub payload: Bytes,
    /// The QoS it was published with.
    pub qos: QoS,
    /// The RETAIN flag it was published with.
    pub retain: bool,
    /// MQTT 5 properties passed through to subscribers (no topic alias, no subscription ids);
    /// `None` when there are none, as for most messages: boxed, they cost a message 8 bytes
    /// instead of 144 (read them with [`Message::properties`]).
    pub properties: Option<Box<PublishProperties>>,
    /// When the Message Expiry Interval runs out, if one was given (tokio's clock, so tests
    /// can advance it; see `broker::timers` for the wall-clock form).
    pub expires_at: Option<Instant>,
    /// Who published it (for No Local and for not echoing bridge traffic).
    pub origin: Origin,
}

/// The properties of a message that has none.
static NO_PROPERTIES: PublishProperties = PublishProperties {
    payload_format_indicator: None,
    message_expiry_interval: None,
    topic_alias: None,
    response_topic: None,
    correlation_data: None,
    user_properties: Vec::new(),
    subscription_identifiers: Vec::new(),
    content_type: None,
};

/// `properties` boxed, or `None` when they are all empty.
pub fn boxed(properties: PublishProperties) -> Option<Box<PublishProperties>> {
    (properties != NO_PROPERTIES).then(|| Box::new(properties))
}

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A client session.
    Client(SessionId),
    /// The broker itself: a will, a `$SYS` event, the HTTP API.
    Broker,
    /// The bridge, republishing a message received from the upstream broker.
    Bridge,
}

impl Message {
    /// A message published at `now`: its expiry comes from the Message Expiry Interval of
    /// `properties`.
    pub fn new(
        topic: Arc<str>,
        payload: Bytes,
        qos: QoS,
        retain: bool,
        properties: PublishProperties,
        origin: Origin,
        now: Instant,
    ) -> Message {
        let expires_at = properties
            .message_expiry_interval
            .map(|secs| now + Duration::from_secs(u64::from(secs)));
        Message {
            id: next_message_id(),
            topic,
            payload,
            qos,
            retain,
            properties: boxed(properties),
            expires_at,
            origin,
        }
    }

    /// Its MQTT 5 properties (empty ones when it has none).
    pub fn properties(&self) -> &PublishProperties {
        self.properties.as_deref().unwrap_or(&NO_PROPERTIES)
    }

    /// Builds a message from a decoded PUBLISH whose topic alias has been resolved.
    pub fn from_publish(publish: Publish, origin: Origin, now: Instant) -> Message {
        let mut properties = publish.properties;
        properties.topic_alias = None;
        properties.subscription_identifiers = Vec::new();
        Message::new(
            publish.topic,
            publish.payload,
            publish.qos,
            publish.retain,
            properties,
            origin,
            now,
        )
    }

    /// The application message of a will, published by the broker at `now`.
    pub fn from_will(will: LastWill, now: Instant) -> Message {
        let p = will.properties;
        let properties = PublishProperties {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            content_type: p.content_type,
            response_topic: p.response_topic,
            correlation_data: p.correlation_data,
            user_properties: p.user_properties,
            ..PublishProperties::default()
        };
        Message::new(
            will.topic,
            will.payload,
            will.qos,
            will.retain,
            properties,
            Origin::Broker,
            now,
        )
    }

    /// True once the Message Expiry Interval has passed.
    pub fn is_expired(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// The Message Expiry Interval left, in whole seconds rounded up (a message not yet
    /// expired never goes out with 0), to put in an outgoing PUBLISH.
    pub fn remaining_expiry(&self, now: Instant) -> Option<u32> {
        self.expires_at.map(|at| {
            let left = at.saturating_duration_since(now);
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            u32::try_from(secs).unwrap_or(u32::MAX)
        })
    }
}

/// A message on its way to one session, with that subscription's view of it.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The shared message.
    pub message: Arc<Message>,
    /// The QoS it is delivered at: the lower of the publish and the subscription QoS.
    pub qos: QoS,
    /// The RETAIN flag to send (Retain As Published, or a retained message sent at subscribe).
    pub retain: bool,
    /// Subscription identifiers of every matching subscription of this session (MQTT 5).
    pub subscription_ids: Vec<u32>,
    /// The store's key for this delivery (a QoS 1/2 message queued for a persistent session
    /// while the store is on), 0 when it is not stored.
    pub key: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every queued message is one of these (in an `Arc`): the properties most messages do
    /// not have cost a pointer, not 144 bytes.
    #[test]
    fn a_message_stays_small_and_keeps_only_properties_it_has() {
        assert!(
            std::mem::size_of::<Message>() <= 104,
            "{}",
            std::mem::size_of::<Message>()
        );
        assert!(boxed(PublishProperties::default()).is_none());
        let with = PublishProperties {
            content_type: Some("text/plain".into()),
            ..PublishProperties::default()
        };
        let message = Message::new(
            Arc::from("t"),
            Bytes::new(),
            QoS::AtMostOnce,
            false,
            with.clone(),
            Origin::Broker,
            Instant::now(),
        );
        assert_eq!(message.properties(), &with);
    }

    #[test]
    fn remaining_expiry_rounds_up_until_expired() {
        let now = Instant::now();
        let message = |expires_at| Message {
            id: 0,
            topic: Arc::from("t"),
            payload: Bytes::new(),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: None,
            expires_at,
            origin: Origin::Broker,
        };
        let ms = Duration::from_millis;
        assert_eq!(message(None).remaining_expiry(now), None);
        assert_eq!(message(Some(now + ms(300))).remaining_expiry(now), Some(1));
        assert_eq!(message(Some(now + ms(2000))).remaining_expiry(now), Some(2));
        assert_eq!(message(Some(now + ms(2001))).remaining_expiry(now), Some(3));
        assert_eq!(message(Some(now)).remaining_expiry(now), Some(0));
    }
}
