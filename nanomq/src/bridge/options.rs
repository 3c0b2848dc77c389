//! The bridge's settings, checked and converted once from the `bridge` section (and
//! `tls.cacert`) so the bridge task works with protocol types, not configuration strings.

use shared_types::config::{BridgeAddress, Config};

use crate::codec::{ProtocolVersion, QoS};

/// Longest client identifier MQTT 3.1 guarantees a server accepts.
const V3_1_CLIENT_ID_MAX: usize = 23;

/// What the bridge task needs from the configuration.
#[derive(Debug, Clone)]
pub struct BridgeOptions {
    /// The upstream broker.
    pub address: BridgeAddress,
    /// The protocol spoken upstream.
    pub version: ProtocolVersion,
    /// The client identifier upstream.
    pub client_id: String,
    /// Keep alive upstream, seconds (0: off).
    pub keep_alive: u16,
    /// Clean start / clean session upstream.
    pub clean_start: bool,
    /// Most QoS 1/2 publishes unacknowledged upstream at once.
    pub window: usize,
    /// Username upstream.
    pub username: Option<String>,
    /// Password upstream.
    pub password: Option<String>,
    /// Local topic filters forwarded upstream.
    pub forwards: Vec<String>,
    /// Upstream subscriptions published locally.
    pub subscriptions: Vec<(String, QoS)>,
    /// QoS 1/2 messages kept for the upstream while it is away.
    pub max_queued: usize,
    /// CA certificates to trust for TLS (PEM text or a path); `None`: the system's roots.
    pub cacert: Option<String>,
    /// Largest packet accepted from the upstream (the broker's own `max_packet_size`).
    pub max_packet_size: usize,
}

impl BridgeOptions {
    /// Options from a configuration whose `bridge` section is enabled.
    pub fn from_config(config: &Config) -> Result<BridgeOptions, String> {
        let bridge = &config.bridge;
        let address = BridgeAddress::parse(&bridge.address)
            .map_err(|reason| format!("bridge.address: {reason}"))?;
        let version = match bridge.proto_ver {
            3 => ProtocolVersion::V3_1,
            4 => ProtocolVersion::V3_1_1,
            5 => ProtocolVersion::V5,
            other => return Err(format!("bridge.proto_ver: {other} is not 3, 4 or 5")),
        };
        let subscriptions = bridge
            .subscription
            .iter()
            .map(|s| {
                QoS::try_from(s.qos)
                    .map(|qos| (s.topic.clone(), qos))
                    .map_err(|e| format!("bridge.subscription `{}`: {e}", s.topic))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(BridgeOptions {
            address,
            version,
            client_id: bridge.clientid.clone().unwrap_or_else(generated_client_id),
            keep_alive: u16::try_from(bridge.keepalive).unwrap_or(u16::MAX),
            clean_start: bridge.clean_start,
            window: usize::try_from(bridge.parallel.clamp(1, u32::from(u16::MAX)))
                .unwrap_or(usize::from(u16::MAX)),
            username: bridge.username.clone(),
            password: bridge.password.clone(),
            forwards: bridge.forwards.clone(),
            subscriptions,
            max_queued: usize::try_from(bridge.max_queued).unwrap_or(usize::MAX),
            cacert: config.tls.cacert.clone(),
            max_packet_size: usize::try_from(config.max_packet_size).unwrap_or(usize::MAX),
        })
    }
}

/// `nanomq-bridge-` and 8 random hex digits: unique enough, and within MQTT 3.1's 23 characters.
fn generated_client_id() -> String {
    let id = format!("nanomq-bridge-{:08x}", fastrand::u32(..));
    debug_assert!(id.len() <= V3_1_CLIENT_ID_MAX);
    id
}

#[cfg(test)]
mod tests {
    use shared_types::config::BridgeSubscription;

    use super::*;

    #[test]
    fn converts_the_bridge_section() {
        let mut config = Config::default();
        config.bridge.bridge_mode = true;
        config.bridge.address = "mqtt-tls://upstream:8883".into();
        config.bridge.proto_ver = 3;
        config.bridge.subscription = vec![BridgeSubscription {
            topic: "cmd/#".into(),
            qos: 2,
        }];
        config.tls.cacert = Some("ca.pem".into());
        let options = BridgeOptions::from_config(&config).unwrap();
        assert!(options.address.tls);
        assert_eq!(options.version, ProtocolVersion::V3_1);
        assert_eq!(
            options.subscriptions,
            vec![("cmd/#".to_string(), QoS::ExactlyOnce)]
        );
        assert!(options.client_id.starts_with("nanomq-bridge-"));
        assert!(options.client_id.len() <= V3_1_CLIENT_ID_MAX);
        assert_eq!(options.cacert.as_deref(), Some("ca.pem"));
    }

    #[test]
    fn refuses_what_validation_would() {
        let mut config = Config::default();
        config.bridge.proto_ver = 6;
        assert!(BridgeOptions::from_config(&config).is_err());
        config.bridge.proto_ver = 4;
        config.bridge.address = "http://h:1".into();
        assert!(BridgeOptions::from_config(&config).is_err());
    }
}
