//! The client events, with NanoMQ's JSON fields, published by the broker when a session is
//! opened or a connection closed: `$SYS/brokers/connected` and `$SYS/brokers/disconnected`
//! (NanoMQ before 0.24.1), and `$SYS/brokers/client_status/{clientid}` with `"status":
//! "online"` or `"offline"` (NanoMQ since). An event nobody subscribes to is not even built.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::json;
use tokio::time::Instant;

use super::{Broker, Identity};
use crate::codec::{PublishProperties, QoS, ReasonCode};
use crate::message::{Message, Origin};
use crate::session::ClientDetails;

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn event(topic: Arc<str>, payload: serde_json::Value) -> Message {
    Message::new(
        topic,
        Bytes::from(payload.to_string()),
        QoS::AtMostOnce,
        false,
        PublishProperties::default(),
        Origin::Broker,
        Instant::now(),
    )
}

fn address(identity: &Identity) -> String {
    identity
        .peer
        .map(|peer| peer.ip().to_string())
        .unwrap_or_default()
}

/// `$SYS/brokers/client_status/{clientid}`, unless the client identifier cannot be one level
/// of a topic name (it holds `/`, `+`, `#` or NUL): then only the older events go out.
fn status_topic(identity: &Identity) -> Option<String> {
    let id = &*identity.client_id;
    (!id.is_empty() && !id.contains(['/', '+', '#', '\0']))
        .then(|| format!("$SYS/brokers/client_status/{id}"))
}

impl Broker {
    /// Publishes `$SYS/brokers/connected` and `$SYS/brokers/client_status/{clientid}`
    /// (`online`) for a client that just connected.
    pub(super) fn announce_connected(&self, identity: &Identity, details: &ClientDetails) {
        let payload = |status: Option<&str>| {
            let mut event = json!({
                "username": identity.username.as_deref().unwrap_or(""),
                "ts": unix_millis(),
                "proto_name": details.protocol.protocol_name(),
                "keepalive": details.keep_alive,
                "return_code": "0",
                "proto_ver": details.protocol.level(),
                "client_id": &*identity.client_id,
                "clean_start": u8::from(details.clean_start),
                "IPv4": address(identity),
            });
            if let Some(status) = status {
                event["status"] = json!(status);
            }
            event
        };
        self.announce("$SYS/brokers/connected", || payload(None));
        if let Some(topic) = status_topic(identity) {
            self.announce(&topic, || payload(Some("online")));
        }
    }

    /// Publishes `$SYS/brokers/disconnected` and `$SYS/brokers/client_status/{clientid}`
    /// (`offline`) for a client whose connection ended with `code`.
    pub(super) fn announce_disconnected(&self, identity: &Identity, code: ReasonCode) {
        let payload = |status: Option<&str>| {
            let mut event = json!({
                "username": identity.username.as_deref().unwrap_or(""),
                "ts": unix_millis(),
                "reason_code": format!("{:x}", code.0),
                "client_id": &*identity.client_id,
                "IPv4": address(identity),
            });
            if let Some(status) = status {
                event["status"] = json!(status);
            }
            event
        };
        self.announce("$SYS/brokers/disconnected", || payload(None));
        if let Some(topic) = status_topic(identity) {
            self.announce(&topic, || payload(Some("offline")));
        }
    }

    /// Publishes the event `payload` builds on `topic`, if anybody subscribes to it.
    fn announce(&self, topic: &str, payload: impl FnOnce() -> serde_json::Value) {
        if self.inner.router.has_subscribers(topic) {
            self.publish_internal(event(Arc::from(topic), payload()));
        }
    }
}
