//! Helpers for the bridge tests: an edge broker bridged to an upstream one, free ports,
//! waiting on the bridge's counters, and Debian's `mosquitto` as an upstream.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod mosquitto;
pub mod scripted;

use shared_types::config::{BridgeConfig, BridgeSubscription};
use shared_types::metrics::BridgeMetrics;

use crate::support::TestBroker;

/// The client identifier the edge's bridge uses upstream.
pub const BRIDGE_CLIENT_ID: &str = "edge-bridge";

/// A bridge section: to 127.0.0.1:`port` in `proto_ver`, forwarding `forwards`, subscribing
/// to `subscription` (filter, QoS).
pub fn bridge_config(
    port: u16,
    proto_ver: u8,
    forwards: &[&str],
    subscription: &[(&str, u8)],
) -> BridgeConfig {
    BridgeConfig {
        bridge_mode: true,
        address: format!("mqtt-tcp://127.0.0.1:{port}"),
        proto_ver,
        clientid: Some(BRIDGE_CLIENT_ID.into()),
        keepalive: 30,
        parallel: 8,
        forwards: forwards.iter().map(|f| f.to_string()).collect(),
        subscription: subscription
            .iter()
            .map(|(topic, qos)| BridgeSubscription {
                topic: topic.to_string(),
                qos: *qos,
            })
            .collect(),
        ..BridgeConfig::default()
    }
}

/// An edge broker on an ephemeral port with `bridge` as its bridge section.
pub async fn start_edge(bridge: BridgeConfig) -> TestBroker {
    TestBroker::start_with(|config| config.bridge = bridge).await
}

pub use crate::support::{eventually, free_port};

/// The edge's bridge counters.
pub fn metrics(edge: &TestBroker) -> BridgeMetrics {
    edge.handle.bridge_metrics().expect("the bridge is on")
}

/// Waits until the edge's bridge is connected upstream.
pub async fn wait_connected(edge: &TestBroker) {
    eventually("the bridge to connect", || metrics(edge).connected).await;
}

/// Waits until the bridge's session on a nanomq upstream holds `count` subscriptions.
pub async fn wait_upstream_subscribed(upstream: &TestBroker, count: usize) {
    eventually("the bridge's upstream subscriptions", || {
        upstream
            .handle
            .broker
            .session(BRIDGE_CLIENT_ID)
            .is_some_and(|s| s.is_connected() && s.subscription_count() == count)
    })
    .await;
}
