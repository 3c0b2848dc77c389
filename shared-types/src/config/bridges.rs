//! The `bridges` section: any number of named MQTT bridges, `[bridges.mqtt.NAME]`, with
//! NanoMQ's keys and meanings (its `bridges.mqtt.<name>` HOCON section). The single `[bridge]`
//! section keeps working: [`Config::mqtt_bridges`] lists it as one more bridge.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{BridgeConfig, ByteSize, Config};

/// The `bridges` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgesConfig {
    /// MQTT bridges by name (`[bridges.mqtt.NAME]`); each runs unless `enable = false`.
    pub mqtt: BTreeMap<String, MqttBridge>,
}

/// One MQTT bridge (`[bridges.mqtt.NAME]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MqttBridge {
    /// Whether the bridge runs (`POST /api/v4/bridges/switch/{name}` changes it).
    pub enable: bool,
    /// The upstream broker: `mqtt-tcp://host:port`, or `tls+mqtt-tcp://host:port` for TLS.
    pub server: String,
    /// The MQTT protocol level to speak upstream: 3, 4 or 5.
    pub proto_ver: u8,
    /// The client id upstream; None generates one (kept across restarts of the listeners).
    pub clientid: Option<String>,
    /// Keep alive upstream: seconds, or a duration such as `"60s"` (0: off).
    pub keepalive: Seconds,
    /// The clean start flag upstream (with MQTT 5, off asks for a session that never expires).
    pub clean_start: bool,
    /// Username upstream.
    pub username: Option<String>,
    /// Password upstream.
    pub password: Option<String>,
    /// TLS to the upstream (`tls+mqtt-tcp://`): CA, client certificate and key.
    pub ssl: BridgeSsl,
    /// Local messages sent upstream: each rule's `local_topic` filter, and the topic, QoS and
    /// retain flag they get there.
    pub forwards: Vec<BridgeForward>,
    /// Subscriptions taken upstream, whose messages are published locally.
    pub subscription: Vec<BridgeSubscribe>,
    /// Most QoS 1/2 messages unacknowledged upstream at once (the in-flight window; the
    /// upstream's Receive Maximum may lower it).
    pub max_parallel_processes: u32,
    /// Messages kept for the upstream while it is away (QoS 1/2, and QoS 0 with
    /// `retry_qos_0`), the oldest dropped first and counted; 0 keeps none.
    pub max_send_queue_len: u32,
    /// Bytes (topics and payloads) kept for the upstream while it is away, as
    /// `max_send_queue_len`; 0 = no byte bound.
    pub max_send_queue_bytes: ByteSize,
    /// Whether QoS 0 messages are kept for the upstream while it is away (in memory: the store
    /// keeps QoS 1/2 ones only).
    pub retry_qos_0: bool,
    /// The longest wait between connection attempts: seconds, or a duration such as `"30s"`.
    pub backoff_max: Seconds,
    /// Whether the bridge moves through `hybrid_servers` when its server is unreachable or
    /// the connection ends.
    pub hybrid_bridging: bool,
    /// More servers, tried in order after `server` (and round again) with `hybrid_bridging`.
    pub hybrid_servers: Vec<String>,
    /// MQTT 5 CONNECT properties asked of the upstream.
    pub conn_properties: BridgeConnProperties,
    /// The will the upstream publishes if the bridge's connection is lost.
    pub will: Option<BridgeWill>,
    /// NanoMQ's resend timer (ms). Accepted and unused: MQTT 5 allows resending only after a
    /// reconnection, which is when the bridge resends.
    pub resend_interval: Option<u64>,
    /// NanoMQ's resend delay (ms). Accepted and unused, as `resend_interval`.
    pub resend_wait: Option<u64>,
    /// NanoMQ's send timeout (ms). Accepted and unused: a message waits for the upstream for
    /// as long as `max_send_queue_len` keeps it.
    pub cancel_timeout: Option<u64>,
    /// NanoMQ's QUIC receive queue. Accepted and unused.
    pub max_recv_queue_len: Option<u64>,
    /// NanoMQ's transparent bridging (every local client's subscriptions proxied upstream):
    /// not implemented, so `true` is refused; list the subscriptions in `subscription`.
    pub transparent: bool,
}

impl Default for MqttBridge {
    fn default() -> MqttBridge {
        MqttBridge {
            enable: true,
            server: String::new(),
            proto_ver: 4,
            clientid: None,
            keepalive: Seconds(60),
            clean_start: true,
            username: None,
            password: None,
            ssl: BridgeSsl::default(),
            forwards: Vec::new(),
            subscription: Vec::new(),
            max_parallel_processes: 32,
            max_send_queue_len: 100_000,
            max_send_queue_bytes: ByteSize::mib(32),
            retry_qos_0: false,
            backoff_max: Seconds(30),
            hybrid_bridging: false,
            hybrid_servers: Vec::new(),
            conn_properties: BridgeConnProperties::default(),
            will: None,
            resend_interval: None,
            resend_wait: None,
            cancel_timeout: None,
            max_recv_queue_len: None,
            transparent: false,
        }
    }
}

impl MqttBridge {
    /// The servers in the order the bridge tries them: `server`, then `hybrid_servers` when
    /// `hybrid_bridging` is on.
    pub fn servers(&self) -> Vec<&str> {
        let mut servers = vec![self.server.as_str()];
        if self.hybrid_bridging {
            servers.extend(self.hybrid_servers.iter().map(String::as_str));
        }
        servers
    }

    /// The keys this broker accepts from NanoMQ's files but does not use, when set (the
    /// broker names them at start).
    pub fn unused_keys(&self) -> Vec<&'static str> {
        [
            ("resend_interval", self.resend_interval.is_some()),
            ("resend_wait", self.resend_wait.is_some()),
            ("cancel_timeout", self.cancel_timeout.is_some()),
            ("max_recv_queue_len", self.max_recv_queue_len.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
        .collect()
    }
}

/// TLS to an upstream. The server's certificate is always verified (against `cacertfile`, or
/// the system's roots without one) unless `insecure_skip_verify` is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeSsl {
    /// CA certificates to trust (a PEM file's path, or PEM text); none: the system's roots.
    pub cacertfile: Option<String>,
    /// The bridge's client certificate (a path or PEM text), for upstreams that ask for one.
    pub certfile: Option<String>,
    /// The client certificate's private key (a path or PEM text).
    pub keyfile: Option<String>,
    /// The private key's password: encrypted keys are not supported, so setting it is an error
    /// that says so.
    pub key_password: Option<String>,
    /// Accept any server certificate (tests, or a lab): logged as a warning at start.
    pub insecure_skip_verify: bool,
}

/// One forwarding rule: local messages whose topic `local_topic` matches go upstream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeForward {
    /// The local topic filter.
    pub local_topic: String,
    /// The topic upstream: empty keeps the local topic; without wildcards it replaces it; with
    /// wildcards it names the levels of `local_topic` that are kept (`a/b/#` with `b/#`:
    /// `a/b/c` goes up as `b/c`).
    pub remote_topic: String,
    /// The QoS upstream (0, 1 or 2); none keeps the message's.
    pub qos: Option<u8>,
    /// The retain flag upstream: 0 or 1; 2 or none keeps the message's.
    pub retain: Option<u8>,
    /// Put before the topic upstream (no `/` added).
    pub prefix: String,
    /// Put after the topic upstream (no `/` added).
    pub suffix: String,
}

/// One subscription upstream: its messages are published locally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeSubscribe {
    /// The topic filter subscribed to upstream.
    pub remote_topic: String,
    /// The topic published locally: empty keeps the upstream topic; otherwise as a forward's
    /// `remote_topic`, the other way.
    pub local_topic: String,
    /// The QoS asked for: 0, 1 or 2.
    pub qos: u8,
    /// The retain flag locally: 0 or 1; 2 or none keeps the message's.
    pub retain: Option<u8>,
    /// MQTT 5: Retain As Published on the upstream subscription (0 or 1).
    pub retain_as_published: u8,
    /// MQTT 5: Retain Handling on the upstream subscription (0: send retained messages at
    /// subscribe, 1: only for a new subscription, 2: never).
    pub retain_handling: u8,
    /// Put before the local topic (no `/` added).
    pub prefix: String,
    /// Put after the local topic (no `/` added).
    pub suffix: String,
}

/// MQTT 5 CONNECT properties a bridge sends (NanoMQ's `conn_properties`; unset ones are not
/// sent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeConnProperties {
    /// Session Expiry Interval, seconds (unset: never with `clean_start = false`, else 0).
    pub session_expiry_interval: Option<u32>,
    /// Receive Maximum: QoS 1/2 messages the upstream may have unacknowledged to the bridge.
    pub receive_maximum: Option<u16>,
    /// Maximum Packet Size the bridge accepts (unset: the broker's `max_packet_size`).
    pub maximum_packet_size: Option<u32>,
    /// Topic Alias Maximum. The bridge does not use topic aliases from the upstream: only 0 is
    /// accepted.
    pub topic_alias_maximum: Option<u16>,
    /// Request Problem Information.
    pub request_problem_information: Option<bool>,
    /// Request Response Information.
    pub request_response_information: Option<bool>,
    /// User Properties, name to value.
    pub user_property: BTreeMap<String, String>,
}

/// The will of a bridge's upstream connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeWill {
    /// The will's topic upstream.
    pub topic: String,
    /// The will's payload (text).
    pub payload: String,
    /// The will's QoS: 0, 1 or 2.
    pub qos: u8,
    /// The will's retain flag.
    pub retain: bool,
}

/// A number of seconds, written as an integer or as NanoMQ's durations (`"60s"`, `"5m"`,
/// `"1h"`, `"1d"`, `"500ms"` rounded up to whole seconds). Shown back as an integer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seconds(pub u32);

impl Serialize for Seconds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Seconds, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Number(u32),
            Text(String),
        }
        match Given::deserialize(deserializer)? {
            Given::Number(n) => Ok(Seconds(n)),
            Given::Text(text) => parse_seconds(&text).map(Seconds).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{text}` is not a duration (seconds, or a number with ms, s, m, h or d)"
                ))
            }),
        }
    }
}

/// `"60s"`, `"5m"`, `"500ms"` (rounded up), `"90"` in seconds.
fn parse_seconds(text: &str) -> Option<u32> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let n: u64 = number.parse().ok()?;
    let seconds = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "s" => n,
        "ms" => n.div_ceil(1000),
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    u32::try_from(seconds).ok()
}

/// Where a bridge is written in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BridgeSource {
    /// The single `[bridge]` section.
    Section,
    /// A `[bridges.mqtt.NAME]` table.
    Table,
}

/// A bridge of the configuration, wherever it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedBridge {
    /// Its name, unique among the bridges.
    pub name: String,
    /// Where it is written.
    pub source: BridgeSource,
    /// Its settings (the `[bridge]` section's in this form).
    pub bridge: MqttBridge,
}

impl NamedBridge {
    /// The dotted path of its settings, for errors: `bridge` or `bridges.mqtt.NAME`.
    pub fn path(&self) -> String {
        match self.source {
            BridgeSource::Section => "bridge".to_string(),
            BridgeSource::Table => format!("bridges.mqtt.{}", self.name),
        }
    }
}

impl BridgeConfig {
    /// The `[bridge]` section as a [`MqttBridge`].
    pub fn as_mqtt_bridge(&self) -> MqttBridge {
        MqttBridge {
            enable: self.bridge_mode,
            server: self.address.clone(),
            proto_ver: self.proto_ver,
            clientid: self.clientid.clone(),
            keepalive: Seconds(self.keepalive),
            clean_start: self.clean_start,
            username: self.username.clone(),
            password: self.password.clone(),
            forwards: self
                .forwards
                .iter()
                .map(|filter| BridgeForward {
                    local_topic: filter.clone(),
                    ..BridgeForward::default()
                })
                .collect(),
            subscription: self
                .subscription
                .iter()
                .map(|s| BridgeSubscribe {
                    remote_topic: s.topic.clone(),
                    qos: s.qos,
                    ..BridgeSubscribe::default()
                })
                .collect(),
            max_parallel_processes: self.parallel,
            max_send_queue_len: self.max_queued,
            ..MqttBridge::default()
        }
    }
}

impl Config {
    /// Every bridge of the configuration, enabled or not: the `[bridge]` section's when
    /// `bridge_mode` is on (its CA is `tls.cacert`), then the `[bridges.mqtt.NAME]` tables by
    /// name.
    pub fn mqtt_bridges(&self) -> Vec<NamedBridge> {
        let mut bridges = Vec::new();
        if self.bridge.bridge_mode {
            let mut bridge = self.bridge.as_mqtt_bridge();
            bridge.ssl.cacertfile.clone_from(&self.tls.cacert);
            bridges.push(NamedBridge {
                name: self.bridge.name.clone(),
                source: BridgeSource::Section,
                bridge,
            });
        }
        bridges.extend(self.bridges.mqtt.iter().map(|(name, bridge)| NamedBridge {
            name: name.clone(),
            source: BridgeSource::Table,
            bridge: bridge.clone(),
        }));
        bridges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_nanomq_writes_them() {
        assert_eq!(parse_seconds("60s"), Some(60));
        assert_eq!(parse_seconds("5m"), Some(300));
        assert_eq!(parse_seconds("1h"), Some(3600));
        assert_eq!(parse_seconds("500ms"), Some(1));
        assert_eq!(parse_seconds("90"), Some(90));
        assert_eq!(parse_seconds("ten"), None);
        assert_eq!(parse_seconds("10x"), None);
    }

    #[test]
    fn a_named_bridge_from_toml() {
        let config: Config = toml::from_str(
            r#"
            [bridges.mqtt.cloud]
            server = "mqtt-tcp://up:1883"
            keepalive = "30s"
            forwards = [{ local_topic = "a/#", remote_topic = "", prefix = "site1/" }]
            subscription = [{ remote_topic = "cmd/#", local_topic = "", qos = 1 }]
            "#,
        )
        .unwrap();
        let bridges = config.mqtt_bridges();
        assert_eq!(bridges.len(), 1);
        assert_eq!(bridges[0].path(), "bridges.mqtt.cloud");
        assert_eq!(bridges[0].bridge.keepalive, Seconds(30));
        assert_eq!(bridges[0].bridge.forwards[0].prefix, "site1/");
        assert_eq!(bridges[0].bridge.subscription[0].qos, 1);
    }

    #[test]
    fn the_bridge_section_is_one_more_bridge() {
        let mut config = Config::default();
        assert!(config.mqtt_bridges().is_empty());
        config.bridge.bridge_mode = true;
        config.bridge.forwards = vec!["a/#".into()];
        let bridges = config.mqtt_bridges();
        assert_eq!(bridges[0].name, "emqx");
        assert_eq!(bridges[0].source, BridgeSource::Section);
        assert_eq!(bridges[0].bridge.forwards[0].local_topic, "a/#");
        assert_eq!(bridges[0].bridge.max_parallel_processes, 2);
    }

    fn refused(text: &str) -> String {
        let config: Config = toml::from_str(text).unwrap();
        config.validate().unwrap_err().field
    }

    #[test]
    fn a_bad_named_bridge_is_refused_with_the_field_named() {
        assert_eq!(refused("[bridges.mqtt.up]\n"), "bridges.mqtt.up.server");
        assert_eq!(
            refused("[bridges.mqtt.up]\nserver = \"http://h:1\"\n"),
            "bridges.mqtt.up.server"
        );
        let wildcard_elsewhere = r#"
            [bridges.mqtt.up]
            server = "mqtt-tcp://h:1883"
            forwards = [{ local_topic = "a/#", remote_topic = "b/#" }]
        "#;
        assert_eq!(
            refused(wildcard_elsewhere),
            "bridges.mqtt.up.forwards[0].remote_topic"
        );
        let hash_in_prefix = r#"
            [bridges.mqtt.up]
            server = "mqtt-tcp://h:1883"
            subscription = [{ remote_topic = "a/#", prefix = "x/#" }]
        "#;
        assert_eq!(
            refused(hash_in_prefix),
            "bridges.mqtt.up.subscription[0].local_topic"
        );
        let no_failover = r#"
            [bridges.mqtt.up]
            server = "mqtt-tcp://h:1883"
            hybrid_bridging = true
        "#;
        assert_eq!(refused(no_failover), "bridges.mqtt.up.hybrid_servers");
        let encrypted = r#"
            [bridges.mqtt.up]
            server = "tls+mqtt-tcp://h:8883"
            ssl = { key_password = "secret" }
        "#;
        assert_eq!(refused(encrypted), "bridges.mqtt.up.ssl.key_password");
        let clash = r#"
            [bridge]
            bridge_mode = true
            name = "up"
            [bridges.mqtt.up]
            server = "mqtt-tcp://h:1883"
        "#;
        assert_eq!(refused(clash), "bridges.mqtt.up");
        let err = toml::from_str::<Config>("[bridges.mqtt.up]\nkeepalive = \"ten\"\n");
        assert!(err.is_err());
    }

    #[test]
    fn secrets_of_named_bridges_are_hidden_and_kept() {
        let mut config = Config::default();
        config.bridges.mqtt.insert(
            "up".into(),
            MqttBridge {
                server: "mqtt-tcp://h:1883".into(),
                password: Some("hunter2".into()),
                ..MqttBridge::default()
            },
        );
        let shown = config.redacted();
        assert_eq!(
            shown.bridges.mqtt["up"].password.as_deref(),
            Some(super::super::PLACEHOLDER)
        );
        assert!(
            config
                .secrets()
                .iter()
                .any(|(path, _)| path == "bridges.mqtt.up.password")
        );
        let mut back = shown.clone();
        back.restore_secrets(&config);
        assert_eq!(back, config);
    }
}
