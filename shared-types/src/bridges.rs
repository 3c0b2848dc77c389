//! `GET /api/v4/bridges` and `GET /api/v4/bridges/{name}`: the bridge to the upstream broker,
//! its state and its counters.

use serde::{Deserialize, Serialize};

use crate::config::{BridgeForward, BridgeSubscribe};
use crate::metrics::BridgeMetrics;

/// Where the bridge's upstream connection stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BridgeLinkState {
    /// Dialing, or waiting for CONNACK, or waiting to try again.
    #[default]
    Connecting,
    /// Up.
    Connected,
    /// Down: the last attempt failed or the connection ended; `last_error` says why.
    Disconnected,
    /// Not running (the listeners are restarting, or the bridge is being reconfigured).
    Stopped,
}

impl BridgeLinkState {
    /// The name shown in tables and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            BridgeLinkState::Connecting => "connecting",
            BridgeLinkState::Connected => "connected",
            BridgeLinkState::Disconnected => "disconnected",
            BridgeLinkState::Stopped => "stopped",
        }
    }
}

/// One bridge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeInfo {
    /// The bridge's name (`[bridges.mqtt.NAME]`, or `bridge.name`).
    pub name: String,
    /// Whether the bridge is switched on.
    #[serde(default)]
    pub enable: bool,
    /// The upstream broker's address, as configured (`server`).
    pub address: String,
    /// The server the bridge is connected to, or trying now (one of `address` and
    /// `hybrid_servers`).
    #[serde(default)]
    pub server: String,
    /// The servers tried after `address` (`hybrid_servers`, when `hybrid_bridging` is on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hybrid_servers: Vec<String>,
    /// The MQTT protocol level spoken upstream: 3, 4 or 5.
    pub proto_ver: u8,
    /// The client identifier used upstream.
    pub clientid: String,
    /// Whether the upstream connection is up, coming, or down.
    pub state: BridgeLinkState,
    /// Since when the bridge has been in `state` (local time, `YYYY-MM-DD HH:MM:SS`).
    pub since: String,
    /// Why the last connection attempt failed or the last connection ended; omitted when
    /// there was none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The forwarding rules: local messages sent upstream.
    pub forwards: Vec<BridgeForward>,
    /// The subscriptions taken upstream.
    pub subscription: Vec<BridgeSubscribe>,
    /// Counters and gauges.
    pub metrics: BridgeMetrics,
}

/// The body of `POST /api/v4/bridges/switch/{name}` (NanoMQ's):
/// `{"data":{"bridge_switch":true}}` starts the bridge, `false` stops it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeSwitchRequest {
    /// The switch.
    pub data: BridgeSwitch,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeSwitch {
    /// Whether the bridge runs.
    pub bridge_switch: bool,
}

/// The body of `POST /api/v4/bridges/sub/{name}` (NanoMQ's): subscriptions added to the
/// bridge, taken upstream at once on the running connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeSubRequest {
    /// The subscriptions.
    pub data: BridgeSubs,
}

/// Subscriptions to add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeSubs {
    /// Each one as in the configuration (`remote_topic`, `local_topic`, `qos`, …); one whose
    /// `remote_topic` the bridge has already replaces it.
    pub subscription: Vec<BridgeSubscribe>,
    /// NanoMQ's MQTT 5 subscription properties: accepted, not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_properties: Option<serde_json::Value>,
}

/// The body of `POST /api/v4/bridges/unsub/{name}` (NanoMQ's): subscriptions removed from the
/// bridge, unsubscribed upstream at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeUnsubRequest {
    /// The filters.
    pub data: BridgeUnsubs,
}

/// Subscriptions to remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeUnsubs {
    /// The upstream filters (each a subscription's `remote_topic`).
    pub unsubscription: Vec<BridgeUnsubTopic>,
    /// NanoMQ's MQTT 5 unsubscribe properties: accepted, not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsub_properties: Option<serde_json::Value>,
}

/// One upstream filter to unsubscribe from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeUnsubTopic {
    /// The filter (a subscription's `remote_topic`).
    pub topic: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_match_serde() {
        for state in [
            BridgeLinkState::Connecting,
            BridgeLinkState::Connected,
            BridgeLinkState::Disconnected,
            BridgeLinkState::Stopped,
        ] {
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json, state.as_str());
        }
    }

    #[test]
    fn last_error_omitted_when_none() {
        let value = serde_json::to_value(BridgeInfo::default()).unwrap();
        assert!(value.get("last_error").is_none());
        assert_eq!(value["metrics"]["queued"], 0);
    }
}
