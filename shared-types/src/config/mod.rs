//! The broker's configuration: one type for the TOML file `etc/nanomq.conf`, for
//! `GET /configuration` (JSON) and for the `data` of `POST /configuration` (API.md §5).
//!
//! Every section is `#[serde(default, deny_unknown_fields)]`: any field may be left out and takes
//! its default, while a key that is not part of the schema is an error.

mod address;
mod auth;
mod bridge;
mod bridges;
mod http_server;
mod listeners;
mod merge;
mod persistence;
mod secrets;
mod size;
mod takes_effect;
mod validate;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use address::{BridgeAddress, ListenScheme, ListenUrl};
pub use auth::{AclAction, AclRule, AclTopic, AclWho, AuthConfig, DenyAction, Permit};
pub use bridge::{BridgeConfig, BridgeSubscription};
pub use bridges::{
    BridgeConnProperties, BridgeForward, BridgeSource, BridgeSsl, BridgeSubscribe, BridgeWill,
    BridgesConfig, MqttBridge, NamedBridge, Seconds,
};
pub use http_server::{AuthType, HttpServerConfig, JwtConfig};
pub use listeners::{TlsConfig, WebsocketConfig};
pub use merge::merge_json;
pub use persistence::{PersistenceConfig, SyncMode};
pub use secrets::{PLACEHOLDER, ShownConfig};
pub use size::ByteSize;
pub use takes_effect::{TAKES_EFFECT, TakesEffect, takes_effect};

/// The largest packet MQTT can express (the Remaining Length limit), in bytes.
pub const MQTT_MAX_PACKET_SIZE: u32 = 268_435_455;

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// MQTT/TCP listener URL (`nmq-tcp://`, `tcp://` or `mqtt-tcp://`).
    pub url: String,
    /// Worker threads; 0 = the number of CPUs.
    pub num_taskq_thread: u32,
    /// Upper bound of `num_taskq_thread` (a larger num is clamped to it).
    pub max_taskq_thread: u32,
    /// Max in-flight QoS 1/2 messages per client.
    pub parallel: u32,
    /// Max MQTT 5 user properties on one packet from a client.
    pub property_size: u32,
    /// Per-session queue of messages waiting for a slow or offline client.
    pub msq_len: u32,
    /// Seconds before an unacknowledged QoS 1/2 message is resent; also the timer tick.
    pub qos_duration: u32,
    /// Whether clients may connect without a username.
    pub allow_anonymous: bool,
    /// Largest keep alive a client may ask for, seconds (0: no cap): MQTT 5 clients asking
    /// more get this as Server Keep Alive, MQTT 3.x clients asking more are refused.
    pub max_keepalive: u32,
    /// Whether to detach from the terminal.
    pub daemon: bool,
    /// Largest MQTT packet accepted, bytes.
    pub max_packet_size: u32,
    /// Most levels a topic name or filter may have, everywhere (PUBLISH, will, SUBSCRIBE,
    /// UNSUBSCRIBE, the HTTP publish API, the bridge).
    pub max_topic_levels: u32,
    /// Seconds a client may leave waiting output untaken before it is disconnected.
    pub write_timeout: u32,
    /// Most MQTT clients connected at once; 0 = derived from the file-descriptor limit.
    pub max_connections: u32,
    /// Seconds between the broker's `$SYS/brokers/{node}/stats` and `.../metrics`
    /// messages; 0 = none.
    pub sys_interval: u32,
    /// Topic aliases an MQTT 5 client may set up towards the broker (announced in CONNACK
    /// as Topic Alias Maximum); 0 = none.
    pub max_topic_alias: u16,
    /// Subscriptions one client may hold; more are refused (SUBACK 0x97 / 0x80); 0 = no limit.
    pub max_subscriptions: u32,
    /// Retained messages the broker holds in all; a new retained topic beyond it is refused
    /// (PUBACK 0x97 for MQTT 5; the retain dropped and counted otherwise); 0 = no limit.
    pub max_retained_messages: u32,
    /// Bytes of retained messages (topics and payloads) held in all, as
    /// `max_retained_messages`; 0 = no limit.
    pub max_retained_bytes: ByteSize,
    /// Bytes one session's queue may hold (topics and payloads): over it, its publishers are
    /// paused like over `msq_len`, and a client that is away or shed loses its oldest; 0 = no
    /// limit.
    pub max_queued_bytes: ByteSize,
    /// Resident memory near which the broker refuses what would grow it (new connections,
    /// subscriptions, retained messages, publishes to full queues); 0 = no ceiling.
    pub max_memory: ByteSize,
    /// Usernames and passwords accepted from MQTT clients (the password in any of the forms
    /// `auth.password_file` takes).
    pub users: Vec<UserCredential>,
    /// The password file and the access-control rules.
    pub auth: AuthConfig,
    /// Logging.
    pub log: LogConfig,
    /// The TLS listener and key material.
    pub tls: TlsConfig,
    /// The WebSocket listeners.
    pub websocket: WebsocketConfig,
    /// The HTTP management API.
    pub http_server: HttpServerConfig,
    /// The bridge to an upstream broker.
    pub bridge: BridgeConfig,
    /// Named bridges to upstream brokers, `[bridges.mqtt.NAME]`.
    pub bridges: BridgesConfig,
    /// The on-disk store of sessions and retained messages.
    pub persistence: PersistenceConfig,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            url: "nmq-tcp://0.0.0.0:1883".to_string(),
            num_taskq_thread: 4,
            max_taskq_thread: 4,
            parallel: 32,
            property_size: 32,
            msq_len: 64,
            qos_duration: 10,
            allow_anonymous: true,
            max_keepalive: 0,
            daemon: false,
            max_packet_size: 1_048_576,
            max_topic_levels: 128,
            write_timeout: 60,
            max_connections: 0,
            sys_interval: 60,
            max_topic_alias: 10,
            max_subscriptions: 1000,
            max_retained_messages: 100_000,
            max_retained_bytes: ByteSize::mib(64),
            max_queued_bytes: ByteSize::mib(16),
            max_memory: ByteSize(0),
            users: Vec::new(),
            auth: AuthConfig::default(),
            log: LogConfig::default(),
            tls: TlsConfig::default(),
            websocket: WebsocketConfig::default(),
            http_server: HttpServerConfig::default(),
            bridge: BridgeConfig::default(),
            bridges: BridgesConfig::default(),
            persistence: PersistenceConfig::default(),
        }
    }
}

/// A username and password an MQTT client may connect with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserCredential {
    /// The username (non-empty, unique in the list).
    pub username: String,
    /// The password.
    pub password: String,
}

/// The `log` section (NanoMQ's keys). Only `level` changes at run time (reload, `POST
/// /log/level`); where the log goes and its format are set at process start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// The most verbose level logged.
    pub level: LogLevel,
    /// Where the log goes: `console` (stderr), `file`, or both.
    pub to: Vec<LogTarget>,
    /// The directory of the log file (relative to the working directory).
    pub dir: String,
    /// The log file's name in `dir`.
    pub file: String,
    /// One line per event as text, or as a JSON object.
    pub format: LogFormat,
    /// When the log file is rotated, and how many rotated files are kept.
    pub rotation: LogRotation,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig {
            level: LogLevel::default(),
            to: vec![LogTarget::Console],
            dir: "log".to_string(),
            file: "nanomq.log".to_string(),
            format: LogFormat::default(),
            rotation: LogRotation::default(),
        }
    }
}

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogTarget {
    /// Standard error.
    Console,
    /// `log.dir`/`log.file`, rotated by size.
    File,
}

/// How a log line is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `2026-12-04T10:00:00Z  INFO conn{peer=…}: client connected client_id=…`.
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields`, `target`, `span`…).
    Json,
}

/// `log.rotation`: the file is renamed to `FILE.1` (and older ones to `FILE.2`…) once it
/// would grow past `size`; `count` rotated files are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogRotation {
    /// The largest size of the file, as `512KB`, `10MB`, `1GB` or bytes.
    pub size: String,
    /// How many rotated files are kept.
    pub count: u32,
}

impl Default for LogRotation {
    fn default() -> LogRotation {
        LogRotation {
            size: "10MB".to_string(),
            count: 5,
        }
    }
}

impl LogRotation {
    /// `size` in bytes, if it reads as a size.
    pub fn size_bytes(&self) -> Option<u64> {
        parse_size(&self.size)
    }
}

/// `512`, `512B`, `64KB`, `10MB`, `1GB` (binary multiples, case-insensitive).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let multiple: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "KB" | "K" | "KIB" => 1 << 10,
        "MB" | "M" | "MIB" => 1 << 20,
        "GB" | "G" | "GIB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(multiple)
}

/// A log level, from the most verbose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Everything.
    Trace,
    /// Debugging detail.
    Debug,
    /// Normal operation.
    #[default]
    Info,
    /// Something unexpected that was handled.
    Warn,
    /// Failures only.
    Error,
}

impl LogLevel {
    /// The name used in the configuration: "trace" … "error".
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

/// The body of `POST /configuration`: `{"data": {...}}`, a whole or partial configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigUpdateRequest {
    /// The fields to change; None when the body had no `data` (answered 400/107).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

/// A configuration that cannot be parsed or is not valid, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The dotted path of the field, e.g. `bridge.proto_ver` or `users[1].username`; empty when the
    /// text as a whole is at fault.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
    /// The line of the TOML text at fault, from 1, when the error came from one.
    pub line: Option<usize>,
}

impl ConfigError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            field: field.into(),
            reason: reason.into(),
            line: None,
        }
    }

    /// The same error, at `line` of the text.
    pub fn at_line(self, line: Option<usize>) -> ConfigError {
        ConfigError { line, ..self }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.field.is_empty(), self.line) {
            (true, None) => f.write_str(&self.reason),
            (true, Some(line)) => write!(f, "line {line}: {}", self.reason),
            (false, None) => write!(f, "field `{}`: {}", self.field, self.reason),
            (false, Some(line)) => {
                write!(f, "field `{}` (line {line}): {}", self.field, self.reason)
            }
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests;
