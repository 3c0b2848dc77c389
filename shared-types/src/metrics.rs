//! `GET /api/v4/metrics`: the broker's counters (also the source of `GET /prometheus`).

use serde::{Deserialize, Serialize};

/// The broker's counters and gauges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Bytes received since start.
    pub bytes_received: u64,
    /// Bytes sent since start.
    pub bytes_sent: u64,
    /// Seconds since start.
    pub uptime: u64,
    /// Resident memory, bytes.
    pub memory: u64,
    /// The bridge's counters; omitted when the bridge is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<BridgeMetrics>,
    /// The store's figures; omitted when persistence is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreMetrics>,
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
