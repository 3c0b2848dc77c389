//! The `$SYS/brokers/connected` and `$SYS/brokers/disconnected` events, with NanoMQ's JSON
//! fields, published by the broker when a session is opened or a connection closed.

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

fn event(topic: &'static str, payload: serde_json::Value) -> Message {
    Message::new(
        Arc::from(topic),
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

impl Broker {
    /// Publishes `$SYS/brokers/connected` for a client that just connected.
    pub(super) fn announce_connected(&self, identity: &Identity, details: &ClientDetails) {
        let payload = json!({
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
        self.publish_internal(event("$SYS/brokers/connected", payload));
    }

    /// Publishes `$SYS/brokers/disconnected` for a client whose connection ended with `code`.
    pub(super) fn announce_disconnected(&self, identity: &Identity, code: ReasonCode) {
        let payload = json!({
            "username": identity.username.as_deref().unwrap_or(""),
            "ts": unix_millis(),
            "reason_code": format!("{:x}", code.0),
            "client_id": &*identity.client_id,
            "IPv4": address(identity),
        });
        self.publish_internal(event("$SYS/brokers/disconnected", payload));
    }
}
