//! The `bridge` section: the MQTT client that links this broker to an upstream one.

use serde::{Deserialize, Serialize};

/// The `bridge` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeConfig {
    /// Whether the bridge runs.
    pub bridge_mode: bool,
    /// The bridge's name in the API (`GET /api/v4/bridges/{name}`) and in metrics.
    pub name: String,
    /// The upstream broker, parsed by [`BridgeAddress::parse`](super::BridgeAddress::parse).
    pub address: String,
    /// The MQTT protocol level to speak upstream: 3, 4 or 5.
    pub proto_ver: u8,
    /// The client id upstream; None generates one.
    pub clientid: Option<String>,
    /// Keep alive upstream, seconds.
    pub keepalive: u32,
    /// The clean start flag upstream.
    pub clean_start: bool,
    /// Max in-flight messages upstream.
    pub parallel: u32,
    /// Username upstream.
    pub username: Option<String>,
    /// Password upstream.
    pub password: Option<String>,
    /// Topic filters whose local messages are forwarded upstream.
    pub forwards: Vec<String>,
    /// Subscriptions taken upstream, whose messages are published locally.
    pub subscription: Vec<BridgeSubscription>,
    /// Messages buffered for upstream while it is unreachable.
    pub max_queued: u32,
}

impl Default for BridgeConfig {
    fn default() -> BridgeConfig {
        BridgeConfig {
            bridge_mode: false,
            name: "emqx".to_string(),
            address: "mqtt-tcp://127.0.0.1:1883".to_string(),
            proto_ver: 4,
            clientid: None,
            keepalive: 60,
            clean_start: true,
            parallel: 2,
            username: None,
            password: None,
            forwards: Vec::new(),
            subscription: Vec::new(),
            max_queued: 1024,
        }
    }
}

/// One subscription the bridge takes upstream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeSubscription {
    /// The topic filter.
    pub topic: String,
    /// The QoS asked for: 0, 1 or 2.
    pub qos: u8,
}
