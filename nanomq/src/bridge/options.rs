//! A bridge's settings, checked and converted once from its configuration (a
//! `[bridges.mqtt.NAME]` table, or the `[bridge]` section) so that the bridge task works with
//! protocol types, not configuration strings.

use std::time::Duration;

use bytes::Bytes;
use shared_types::config::{BridgeAddress, BridgeSource, Config, NamedBridge};
use shared_types::topic::{TopicRewrite, topic_matches};

use crate::broker::BRIDGE_CLIENT_ID;
use crate::codec::{
    ConnectProperties, LastWill, ProtocolVersion, QoS, RetainHandling, SubscribeFilter,
    SubscriptionOptions, WillProperties,
};

/// Longest client identifier MQTT 3.1 guarantees a server accepts.
const V3_1_CLIENT_ID_MAX: usize = 23;

/// One forwarding rule: local messages its filter matches go up renamed by its rewrite.
#[derive(Debug, Clone)]
pub struct ForwardRule {
    /// The local topic filter.
    pub filter: String,
    /// The topic upstream.
    pub rewrite: TopicRewrite,
    /// The QoS upstream, when the rule sets it.
    pub qos: Option<QoS>,
    /// The retain flag upstream, when the rule sets it.
    pub retain: Option<bool>,
}

/// One subscription upstream and how its messages are published locally.
#[derive(Debug, Clone)]
pub struct SubscribeRule {
    /// The subscription upstream.
    pub filter: SubscribeFilter,
    /// The topic locally.
    pub rewrite: TopicRewrite,
    /// The retain flag locally, when the rule sets it.
    pub retain: Option<bool>,
}

/// What a bridge task needs from the configuration.
#[derive(Debug, Clone)]
pub struct BridgeOptions {
    /// The bridge's name.
    pub name: String,
    /// Its local session's client identifier: the store keeps its outage buffer under it.
    pub store_id: String,
    /// The upstream brokers, in the order they are tried.
    pub servers: Vec<BridgeAddress>,
    /// The same, as configured (`mqtt-tcp://host:port`).
    pub server_urls: Vec<String>,
    /// The protocol spoken upstream.
    pub version: ProtocolVersion,
    /// The client identifier upstream.
    pub client_id: String,
    /// Whether the client identifier was configured (else generated, and kept across restarts).
    pub client_id_configured: bool,
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
    /// Forwarding rules, in order: the first one matching a message decides its topic.
    pub forwards: Vec<ForwardRule>,
    /// Whether any forward renames a topic or sets a QoS or retain flag.
    pub forwards_rewrite: bool,
    /// Upstream subscriptions, in order: the first matching a message decides its local topic.
    pub subscriptions: Vec<SubscribeRule>,
    /// Messages kept for the upstream while it is away.
    pub max_queued: usize,
    /// Bytes (topics and payloads) kept for the upstream while it is away; `None`: no bound.
    pub max_queued_bytes: Option<u64>,
    /// Whether QoS 0 messages are kept while the upstream is away.
    pub retry_qos_0: bool,
    /// The longest wait between connection attempts.
    pub backoff_max: Duration,
    /// CA certificates to trust for TLS (PEM text or a path); `None`: the system's roots.
    pub cacert: Option<String>,
    /// The client certificate and key (PEM text or paths).
    pub client_cert: Option<(String, String)>,
    /// Accept any server certificate.
    pub insecure: bool,
    /// MQTT 5 CONNECT properties.
    pub connect_properties: ConnectProperties,
    /// The will.
    pub will: Option<LastWill>,
    /// Largest packet accepted from the upstream.
    pub max_packet_size: usize,
}

impl BridgeOptions {
    /// Options of one bridge of `config` (checked by the configuration's validation; what
    /// cannot be converted is an error all the same).
    pub fn new(named: &NamedBridge, config: &Config) -> Result<BridgeOptions, String> {
        let bridge = &named.bridge;
        let path = named.path();
        let servers = bridge
            .servers()
            .into_iter()
            .map(|server| {
                BridgeAddress::parse(server).map_err(|reason| format!("{path}.server: {reason}"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let version = match bridge.proto_ver {
            3 => ProtocolVersion::V3_1,
            4 => ProtocolVersion::V3_1_1,
            5 => ProtocolVersion::V5,
            other => return Err(format!("{path}.proto_ver: {other} is not 3, 4 or 5")),
        };
        let qos = |n: u8, field: String| QoS::try_from(n).map_err(|e| format!("{field}: {e}"));
        let retain = |n: Option<u8>| match n {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        };
        let mut forwards = Vec::new();
        for (i, f) in bridge.forwards.iter().enumerate() {
            let field = format!("{path}.forwards[{i}]");
            let rewrite = TopicRewrite::new(&f.local_topic, &f.remote_topic, &f.prefix, &f.suffix)
                .map_err(|reason| format!("{field}.remote_topic: {reason}"))?;
            forwards.push(ForwardRule {
                filter: f.local_topic.clone(),
                rewrite,
                qos: f.qos.map(|n| qos(n, format!("{field}.qos"))).transpose()?,
                retain: retain(f.retain),
            });
        }
        let forwards_rewrite = forwards
            .iter()
            .any(|f| !f.rewrite.is_identity() || f.qos.is_some() || f.retain.is_some());
        let mut subscriptions = Vec::new();
        for (i, s) in bridge.subscription.iter().enumerate() {
            let field = format!("{path}.subscription[{i}]");
            let rewrite = TopicRewrite::new(&s.remote_topic, &s.local_topic, &s.prefix, &s.suffix)
                .map_err(|reason| format!("{field}.local_topic: {reason}"))?;
            let retain_handling = match s.retain_handling {
                0 => RetainHandling::SendAtSubscribe,
                1 => RetainHandling::SendIfNew,
                _ => RetainHandling::DoNotSend,
            };
            subscriptions.push(SubscribeRule {
                filter: SubscribeFilter {
                    filter: s.remote_topic.clone(),
                    options: SubscriptionOptions {
                        qos: qos(s.qos, format!("{field}.qos"))?,
                        // What the bridge forwards must not come back (MQTT 5).
                        no_local: true,
                        retain_as_published: s.retain_as_published == 1,
                        retain_handling,
                    },
                },
                rewrite,
                retain: retain(s.retain),
            });
        }
        let properties = &bridge.conn_properties;
        let mut connect_properties = ConnectProperties::default();
        if version == ProtocolVersion::V5 {
            connect_properties.session_expiry_interval = properties
                .session_expiry_interval
                .or((!bridge.clean_start).then_some(u32::MAX));
            connect_properties.receive_maximum = properties.receive_maximum;
            connect_properties.maximum_packet_size = properties
                .maximum_packet_size
                .or(Some(config.max_packet_size));
            connect_properties.request_problem_information = properties.request_problem_information;
            connect_properties.request_response_information =
                properties.request_response_information;
            connect_properties.user_properties = properties
                .user_property
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        }
        let will = match &bridge.will {
            Some(will) => Some(LastWill {
                topic: std::sync::Arc::from(will.topic.as_str()),
                payload: Bytes::from(will.payload.clone().into_bytes()),
                qos: qos(will.qos, format!("{path}.will.qos"))?,
                retain: will.retain,
                properties: WillProperties::default(),
            }),
            None => None,
        };
        let max_packet_size = connect_properties
            .maximum_packet_size
            .unwrap_or(config.max_packet_size);
        let store_id = store_id(named);
        let ssl = &bridge.ssl;
        Ok(BridgeOptions {
            name: named.name.clone(),
            store_id,
            servers,
            server_urls: bridge.servers().into_iter().map(String::from).collect(),
            version,
            client_id: bridge.clientid.clone().unwrap_or_else(generated_client_id),
            client_id_configured: bridge.clientid.is_some(),
            keep_alive: u16::try_from(bridge.keepalive.0).unwrap_or(u16::MAX),
            clean_start: bridge.clean_start,
            window: usize::try_from(bridge.max_parallel_processes.clamp(1, u32::from(u16::MAX)))
                .unwrap_or(usize::from(u16::MAX)),
            username: bridge.username.clone(),
            password: bridge.password.clone(),
            forwards,
            forwards_rewrite,
            subscriptions,
            max_queued: usize::try_from(bridge.max_send_queue_len).unwrap_or(usize::MAX),
            max_queued_bytes: bridge.max_send_queue_bytes.limit(),
            retry_qos_0: bridge.retry_qos_0,
            backoff_max: Duration::from_secs(u64::from(bridge.backoff_max.0.max(1))),
            cacert: ssl.cacertfile.clone(),
            client_cert: ssl.certfile.clone().zip(ssl.keyfile.clone()),
            insecure: ssl.insecure_skip_verify,
            connect_properties,
            will,
            max_packet_size: usize::try_from(max_packet_size).unwrap_or(usize::MAX),
        })
    }

    /// Every enabled bridge of `config`, converted; the first error names the field.
    pub fn all(config: &Config) -> Vec<Result<BridgeOptions, (String, String)>> {
        config
            .mqtt_bridges()
            .iter()
            .filter(|named| named.bridge.enable)
            .map(|named| BridgeOptions::new(named, config).map_err(|e| (named.name.clone(), e)))
            .collect()
    }

    /// The forwarding rule deciding how a local message on `topic` goes up: the first whose
    /// filter matches.
    pub fn forward_rule(&self, topic: &str) -> Option<&ForwardRule> {
        self.forwards
            .iter()
            .find(|f| topic_matches(&f.filter, topic))
    }
}

/// The subscription rule deciding how an upstream message on `topic` is published here: the
/// first of `rules` whose filter matches.
pub fn subscribe_rule<'a>(rules: &'a [SubscribeRule], topic: &str) -> Option<&'a SubscribeRule> {
    rules
        .iter()
        .find(|s| topic_matches(&s.filter.filter, topic))
}

/// The client identifier of a bridge's local session, under which the store keeps what waits
/// for its upstream: `\0bridge` for the `[bridge]` section's, `\0bridge/NAME` for a named one.
pub fn store_id(named: &NamedBridge) -> String {
    match named.source {
        BridgeSource::Section => BRIDGE_CLIENT_ID.to_string(),
        BridgeSource::Table => format!("{BRIDGE_CLIENT_ID}/{}", named.name),
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
    use shared_types::config::{BridgeForward, BridgeSubscription, MqttBridge};

    use super::*;

    fn section(config: &Config) -> BridgeOptions {
        BridgeOptions::new(&config.mqtt_bridges()[0], config).unwrap()
    }

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
        let options = section(&config);
        assert!(options.servers[0].tls);
        assert_eq!(options.version, ProtocolVersion::V3_1);
        assert_eq!(options.subscriptions[0].filter.filter, "cmd/#");
        assert_eq!(
            options.subscriptions[0].filter.options.qos,
            QoS::ExactlyOnce
        );
        assert!(options.client_id.starts_with("nanomq-bridge-"));
        assert!(options.client_id.len() <= V3_1_CLIENT_ID_MAX);
        assert_eq!(options.cacert.as_deref(), Some("ca.pem"));
        assert_eq!(options.store_id, BRIDGE_CLIENT_ID);
        assert!(!options.forwards_rewrite);
    }

    #[test]
    fn refuses_what_validation_would() {
        let mut config = Config::default();
        config.bridge.bridge_mode = true;
        config.bridge.proto_ver = 6;
        assert!(BridgeOptions::new(&config.mqtt_bridges()[0], &config).is_err());
        config.bridge.proto_ver = 4;
        config.bridge.address = "http://h:1".into();
        assert!(BridgeOptions::new(&config.mqtt_bridges()[0], &config).is_err());
    }

    #[test]
    fn a_named_bridge_with_rules_and_failover() {
        let mut config = Config::default();
        config.bridges.mqtt.insert(
            "cloud".into(),
            MqttBridge {
                server: "mqtt-tcp://a:1883".into(),
                hybrid_bridging: true,
                hybrid_servers: vec!["tls+mqtt-tcp://b:8883".into()],
                forwards: vec![
                    BridgeForward {
                        local_topic: "a/#".into(),
                        prefix: "site/".into(),
                        qos: Some(1),
                        ..BridgeForward::default()
                    },
                    BridgeForward {
                        local_topic: "#".into(),
                        ..BridgeForward::default()
                    },
                ],
                ..MqttBridge::default()
            },
        );
        let options = BridgeOptions::all(&config).remove(0).unwrap();
        assert_eq!(options.servers.len(), 2);
        assert!(options.servers[1].tls);
        assert_eq!(options.store_id, format!("{BRIDGE_CLIENT_ID}/cloud"));
        assert!(options.forwards_rewrite);
        let rule = options.forward_rule("a/b").unwrap();
        assert_eq!(rule.rewrite.apply("a/b").as_deref(), Some("site/a/b"));
        assert_eq!(rule.qos, Some(QoS::AtLeastOnce));
        let other = options.forward_rule("x").unwrap();
        assert!(other.rewrite.is_identity());
    }
}
