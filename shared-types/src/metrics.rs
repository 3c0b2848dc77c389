//! `GET /api/v4/metrics`: the broker's counters (also the source of `GET /prometheus`).

use serde::{Deserialize, Serialize};

/// The broker's counters and gauges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Clients connected now.
    pub connections: u64,
    /// Sessions held now, connected or not.
    pub sessions: u64,
    /// Distinct topic filters subscribed now.
    pub topics: u64,
    /// Subscriptions held now.
    pub subscriptions: u64,
    /// Retained messages held now.
    pub retained: u64,
    /// PUBLISH packets received since start.
    pub messages_received: u64,
    /// PUBLISH packets sent since start.
    pub messages_sent: u64,
    /// Messages dropped since start (queue full, expired, too large).
    pub messages_dropped: u64,
    /// PUBLISH packets and wills refused by the access rules (or the `$SYS/` reservation)
    /// since start.
    #[serde(default)]
    pub messages_denied: u64,
    /// Subscriptions refused by the access rules since start.
    #[serde(default)]
    pub subscriptions_denied: u64,
    /// Logins refused since start (MQTT and the HTTP API).
    #[serde(default)]
    pub logins_failed: u64,
    /// Connected clients a reload disconnected because it revoked their login.
    #[serde(default)]
    pub logins_revoked: u64,
    /// What the limits refused since start: connections (`max_memory`), subscriptions
    /// (`max_subscriptions`, `max_memory`), retained messages (`max_retained_*`,
    /// `max_memory`, the store's quota) and publishes (the store's quota).
    #[serde(default)]
    pub refused: Refusals,
    /// Whether resident memory is near `max_memory` now (growth refused).
    #[serde(default)]
    pub memory_pressure: bool,
    /// Bytes received since start.
    pub bytes_received: u64,
    /// Bytes sent since start.
    pub bytes_sent: u64,
    /// Seconds since start.
    pub uptime: u64,
    /// Resident memory, bytes.
    pub memory: u64,
    /// CPU the broker used since the previous reading, percent of one core (NanoMQ's
    /// `nanomq_cpu_usage`).
    #[serde(default)]
    pub cpu_usage: f64,
    /// The same as NanoMQ writes it: `"12.50%"`.
    #[serde(default)]
    pub cpuinfo: String,
    /// The largest values seen since start (NanoMQ's `_max` series).
    #[serde(default)]
    pub peaks: Peaks,
    /// The bridges' counters as NanoMQ names them (one entry per enabled bridge); the same
    /// figures as `bridges`.
    #[serde(default)]
    pub metrics: Vec<NanomqBridgeCounters>,
    /// The bridges' counters added up (`connected` when every one is); omitted when no bridge
    /// is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<BridgeMetrics>,
    /// Each enabled bridge's counters, by name; omitted when none is.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub bridges: std::collections::BTreeMap<String, BridgeMetrics>,
    /// The store's figures; omitted when persistence is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreMetrics>,
}

/// What the limits refused since start, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusals {
    /// Connections.
    pub connections: u64,
    /// Subscriptions.
    pub subscriptions: u64,
    /// Retained messages.
    pub retained: u64,
    /// Publishes.
    pub publishes: u64,
}

/// The largest values seen since start, at the moments the figures were read (each API or
/// Prometheus read, and each `$SYS` period).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Peaks {
    /// Most clients connected at once.
    pub connections: u64,
    /// Most sessions held at once.
    pub sessions: u64,
    /// Most distinct topic filters at once.
    pub topics: u64,
    /// Most subscriptions at once.
    pub subscriptions: u64,
    /// Most resident memory, bytes.
    pub memory: u64,
    /// Most CPU, percent of one core.
    pub cpu_usage: f64,
}

/// One bridge's counters under NanoMQ's names (`GET /api/v4/metrics`, `metrics[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NanomqBridgeCounters {
    /// The bridge's name.
    #[serde(rename = "bridge name")]
    pub name: String,
    /// Messages forwarded upstream.
    #[serde(rename = "sent messages")]
    pub sent_messages: u64,
    /// Messages received from upstream.
    #[serde(rename = "received messages")]
    pub received_messages: u64,
    /// Bytes written upstream.
    #[serde(rename = "sent bytes")]
    pub sent_bytes: u64,
    /// Bytes read from upstream.
    #[serde(rename = "received bytes")]
    pub received_bytes: u64,
    /// Reconnections.
    #[serde(rename = "MQTT reconnect times")]
    pub reconnects: u64,
    /// Local messages for the upstream dropped.
    #[serde(rename = "uplink msg dropped")]
    pub uplink_dropped: u64,
    /// Upstream messages dropped locally (always 0 here: they are routed like any
    /// publish).
    #[serde(rename = "downlink msg dropped")]
    pub downlink_dropped: u64,
}

/// The store's figures (`[persistence]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreMetrics {
    /// Bytes on disk.
    pub size_bytes: u64,
    /// Changes submitted and not yet committed.
    pub pending: u64,
    /// Transactions committed since start.
    pub commits: u64,
    /// When the last durable commit (fsync) finished, Unix milliseconds; 0: none yet.
    pub last_sync_unix_ms: u64,
    /// How long that commit took, microseconds.
    pub last_sync_micros: u64,
    /// Records found damaged and dropped when the store was read at start.
    pub lost: u64,
    /// Commits that failed (each is retried until it succeeds).
    pub errors: u64,
    /// Messages stored now (each once, however many sessions hold it).
    pub messages: u64,
}

/// The bridge's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeMetrics {
    /// Whether the upstream connection is up now.
    pub connected: bool,
    /// Reconnections since start.
    pub reconnects: u64,
    /// Messages forwarded upstream.
    pub messages_forwarded: u64,
    /// Messages received from upstream.
    pub messages_received: u64,
    /// Bytes forwarded upstream.
    pub bytes_forwarded: u64,
    /// Bytes received from upstream.
    pub bytes_received: u64,
    /// Messages dropped (queue full while upstream was down).
    pub dropped: u64,
    /// Messages waiting for the upstream now (the outage buffer).
    #[serde(default)]
    pub queued: u64,
    /// Messages sent upstream and not yet acknowledged now.
    #[serde(default)]
    pub inflight: u64,
    /// Failed connection attempts since start.
    #[serde(default)]
    pub failed_attempts: u64,
    /// Messages forwarded per second, over the last seconds (how fast a backlog drains).
    #[serde(default)]
    pub forward_rate: u64,
    /// Seconds until what waits now is forwarded at `forward_rate`; omitted when nothing
    /// waits or nothing moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drain_eta_s: Option<u64>,
}

/// Seconds to forward `queued` messages at `rate` a second; `None` when nothing waits or
/// nothing moves.
pub fn drain_eta(queued: u64, rate: u64) -> Option<u64> {
    (queued > 0 && rate > 0).then(|| queued.div_ceil(rate))
}

impl BridgeMetrics {
    /// Several bridges' counters added up: `connected` when every one is.
    pub fn total<'a>(all: impl IntoIterator<Item = &'a BridgeMetrics>) -> Option<BridgeMetrics> {
        let mut total: Option<BridgeMetrics> = None;
        for m in all {
            let t = total.get_or_insert_with(|| BridgeMetrics {
                connected: true,
                ..BridgeMetrics::default()
            });
            t.connected &= m.connected;
            t.reconnects += m.reconnects;
            t.messages_forwarded += m.messages_forwarded;
            t.messages_received += m.messages_received;
            t.bytes_forwarded += m.bytes_forwarded;
            t.bytes_received += m.bytes_received;
            t.dropped += m.dropped;
            t.queued += m.queued;
            t.inflight += m.inflight;
            t.failed_attempts += m.failed_attempts;
            t.forward_rate += m.forward_rate;
        }
        if let Some(t) = total.as_mut() {
            t.drain_eta_s = drain_eta(t.queued, t.forward_rate);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::ApiResponse;
    use serde_json::json;

    #[test]
    fn bridge_omitted_when_off() {
        let value = serde_json::to_value(ApiResponse::ok(Metrics::default())).unwrap();
        assert!(value["data"].get("bridge").is_none());
        assert_eq!(value["data"]["memory"], 0);
        assert_eq!(value["data"]["metrics"], json!([]));
    }

    #[test]
    fn round_trip_with_bridge() {
        let metrics = Metrics {
            connections: 2,
            messages_received: 10,
            uptime: 5,
            bridge: Some(BridgeMetrics {
                connected: true,
                messages_forwarded: 4,
                ..BridgeMetrics::default()
            }),
            ..Metrics::default()
        };
        let value = serde_json::to_value(&metrics).unwrap();
        assert_eq!(value["bridge"]["connected"], json!(true));
        assert_eq!(value["bridge"]["messages_forwarded"], json!(4));
        assert_eq!(serde_json::from_value::<Metrics>(value).unwrap(), metrics);
    }
}

#[cfg(test)]
mod nanomq_names {
    use super::*;

    #[test]
    fn bridge_counters_use_nanomqs_keys() {
        let value = serde_json::to_value(NanomqBridgeCounters {
            name: "emqx".into(),
            reconnects: 2,
            ..NanomqBridgeCounters::default()
        })
        .unwrap();
        assert_eq!(value["bridge name"], "emqx");
        assert_eq!(value["MQTT reconnect times"], 2);
        assert_eq!(value["uplink msg dropped"], 0);
    }
}
