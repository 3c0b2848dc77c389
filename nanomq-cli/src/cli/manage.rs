//! clap definitions of the management commands (the HTTP API): clients, subscriptions,
//! configuration, control, publish, tokens. Their behaviour lives in `commands/`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use shared_types::{ClientQuery, ConnState, ProtoName, RetainedQuery, SubscriptionQuery};

use super::parse_duration;

/// `nanomq-cli clients …`.
#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// List clients, filtered and paged as the API allows.
    #[command(visible_alias = "ls")]
    List(ClientListArgs),
    /// Everything the broker knows about one client.
    Show {
        /// The client identifier.
        clientid: String,
    },
    /// Disconnect a client and discard its session.
    Kick {
        /// The client identifier.
        clientid: String,
    },
}

/// `clients list`: the filters of `GET /clients`, combined with AND.
#[derive(Debug, Clone, Default, Args)]
pub struct ClientListArgs {
    /// Only this client identifier.
    #[arg(long, value_name = "ID")]
    pub clientid: Option<String>,
    /// Only clients with this MQTT username (`--username` is the HTTP API's own login).
    #[arg(id = "user", long = "user", value_name = "NAME")]
    pub username: Option<String>,
    /// Only clients in this connection state.
    #[arg(long, value_enum, value_name = "STATE")]
    pub conn_state: Option<ConnStateArg>,
    /// Only clients whose clean start flag is this.
    #[arg(long, value_name = "BOOL")]
    pub clean_start: Option<bool>,
    /// Only clients of this protocol.
    #[arg(long, value_enum, value_name = "NAME")]
    pub proto_name: Option<ProtoNameArg>,
    /// Only clients of this protocol level (3 = 3.1, 4 = 3.1.1, 5 = 5.0).
    #[arg(long, value_name = "LEVEL", value_parser = clap::value_parser!(u8).range(3..=5))]
    pub proto_ver: Option<u8>,
    /// Page number, from 1 (asks for a paged list, ordered by client id).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub page: Option<u64>,
    /// Page size.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

impl ClientListArgs {
    /// The query string of `GET /clients`.
    pub fn query(&self) -> ClientQuery {
        ClientQuery {
            clientid: self.clientid.clone(),
            username: self.username.clone(),
            conn_state: self.conn_state.map(ConnState::from),
            clean_start: self.clean_start,
            proto_name: self.proto_name.map(ProtoName::from),
            proto_ver: self.proto_ver,
            page: self.page,
            limit: self.limit,
        }
    }
}

/// `--conn-state`, as the API names the states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConnStateArg {
    /// The network connection is up.
    Connected,
    /// Idle (the broker reports no client idle, so this matches none).
    Idle,
    /// A persistent session whose client is away.
    Disconnected,
}

impl From<ConnStateArg> for ConnState {
    fn from(state: ConnStateArg) -> ConnState {
        match state {
            ConnStateArg::Connected => ConnState::Connected,
            ConnStateArg::Idle => ConnState::Idle,
            ConnStateArg::Disconnected => ConnState::Disconnected,
        }
    }
}

/// `--proto-name`, as the API names the protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtoNameArg {
    /// MQTT 3.1.1 and 5.0.
    #[value(name = "MQTT")]
    Mqtt,
    /// MQTT 3.1.
    #[value(name = "MQIsdp")]
    MqIsdp,
    /// CoAP.
    #[value(name = "CoAP")]
    CoAp,
    /// LwM2M.
    #[value(name = "LwM2M")]
    LwM2m,
    /// MQTT-SN.
    #[value(name = "MQTT-SN")]
    MqttSn,
}

impl From<ProtoNameArg> for ProtoName {
    fn from(name: ProtoNameArg) -> ProtoName {
        match name {
            ProtoNameArg::Mqtt => ProtoName::Mqtt,
            ProtoNameArg::MqIsdp => ProtoName::MqIsdp,
            ProtoNameArg::CoAp => ProtoName::CoAp,
            ProtoNameArg::LwM2m => ProtoName::LwM2m,
            ProtoNameArg::MqttSn => ProtoName::MqttSn,
        }
    }
}

/// `nanomq-cli subscriptions …`.
#[derive(Debug, Subcommand)]
pub enum SubscriptionsCommand {
    /// List subscriptions, filtered and paged as the API allows.
    #[command(visible_alias = "ls")]
    List(SubscriptionListArgs),
    /// One client's subscriptions.
    Show {
        /// The client identifier.
        clientid: String,
    },
}

/// `subscriptions list`: the filters of `GET /subscriptions`, combined with AND.
#[derive(Debug, Clone, Default, Args)]
pub struct SubscriptionListArgs {
    /// Only this client's subscriptions.
    #[arg(long, value_name = "ID")]
    pub clientid: Option<String>,
    /// Only this topic filter (exact match, e.g. 'a/+').
    #[arg(long, value_name = "FILTER")]
    pub topic: Option<String>,
    /// Only subscriptions granted this QoS.
    #[arg(long, value_name = "QOS", value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: Option<u8>,
    /// Only shared subscriptions of this group.
    #[arg(long, value_name = "GROUP")]
    pub share: Option<String>,
    /// Page number, from 1 (asks for a paged list).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub page: Option<u64>,
    /// Page size.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

impl SubscriptionListArgs {
    /// The query string of `GET /subscriptions`.
    pub fn query(&self) -> SubscriptionQuery {
        SubscriptionQuery {
            clientid: self.clientid.clone(),
            topic: self.topic.clone(),
            qos: self.qos,
            share: self.share.clone(),
            page: self.page,
            limit: self.limit,
        }
    }
}

/// `nanomq-cli config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the configuration (as saved in the broker's file; --running for the live one).
    Get {
        /// Show the configuration the broker runs with now rather than the saved one.
        #[arg(long)]
        running: bool,
        /// Only this setting or section, as a dotted name (`msq_len`, `log.level`, `auth`).
        key: Option<String>,
    },
    /// The settings where the saved file and the running broker differ (saved changes not
    /// yet in force, and command-line overrides).
    Diff,
    /// Change settings from a file: JSON as in the API document, or TOML as in etc/nanomq.conf.
    Set(ConfigSetArgs),
    /// Edit the configuration as TOML in $VISUAL or $EDITOR, then save it to the broker.
    Edit {
        /// Restart the broker afterwards, so the new settings apply at once.
        #[arg(long)]
        restart: bool,
    },
}

/// `config set`.
#[derive(Debug, Clone, Args)]
pub struct ConfigSetArgs {
    /// The settings to change (any part of the configuration); `-` reads standard input.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        required_unless_present = "settings"
    )]
    pub file: Option<PathBuf>,
    /// Settings as `KEY=VALUE` (dotted names: `msq_len=128`, `log.level=debug`); values are
    /// read as TOML (numbers, booleans, arrays), else taken as text.
    #[arg(value_name = "KEY=VALUE", conflicts_with = "file")]
    pub settings: Vec<String>,
    /// The file's format [default: from the extension; `.json` or text starting with `{` is
    /// JSON, anything else TOML].
    #[arg(long, value_enum)]
    pub format: Option<ConfigFormat>,
    /// Restart the broker afterwards, so the new settings apply at once.
    #[arg(long)]
    pub restart: bool,
    /// Show what would change, change nothing.
    #[arg(long, conflicts_with = "restart")]
    pub dry_run: bool,
}

/// The format of a configuration file given to `config set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigFormat {
    /// `{"data": {...}}` or the object alone.
    Json,
    /// The layout of `etc/nanomq.conf`.
    Toml,
}

/// `nanomq-cli ctrl …`.
#[derive(Debug, Subcommand)]
pub enum CtrlCommand {
    /// Stop the broker (its process exits).
    Stop {
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Restart the listeners on the re-read configuration file, and wait until it is back.
    Restart(CtrlRestartArgs),
    /// Apply the re-read configuration file without dropping a connection (POST /reload):
    /// prints what is now in force and what still needs `ctrl restart`.
    Reload,
}

/// `ctrl restart`.
#[derive(Debug, Clone, Args)]
pub struct CtrlRestartArgs {
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How long to wait for the broker to be back.
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub wait_timeout: Duration,
    /// Do not wait for the broker to be back.
    #[arg(long)]
    pub no_wait: bool,
}

/// `nanomq-cli publish`.
#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    /// Topic to publish to (repeatable: the same message goes to each).
    #[arg(short = 't', long = "topic", required = true, value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Message payload (reads standard input when neither -m nor -f is given).
    #[arg(short = 'm', long, conflicts_with = "file")]
    pub message: Option<String>,
    /// Publish the content of a file (sent base64-encoded when it is not UTF-8).
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The payload given is base64, to be decoded by the broker.
    #[arg(long)]
    pub base64: bool,
    /// QoS: 0, 1 or 2.
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,
    /// Set the RETAIN flag.
    #[arg(short = 'r', long)]
    pub retain: bool,
    /// The client id the message is published as (informational).
    #[arg(long, value_name = "ID")]
    pub clientid: Option<String>,
    /// MQTT 5 user property, `key=value` (repeatable).
    #[arg(long = "user-property", value_name = "KEY=VALUE", value_parser = super::parse_key_value)]
    pub user_properties: Vec<(String, String)>,
    /// MQTT 5 content type.
    #[arg(long, value_name = "MIME")]
    pub content_type: Option<String>,
    /// MQTT 5 message expiry interval, seconds.
    #[arg(long, value_name = "SECONDS")]
    pub message_expiry: Option<u32>,
    /// MQTT 5 response topic.
    #[arg(long, value_name = "TOPIC")]
    pub response_topic: Option<String>,
    /// MQTT 5 correlation data, as text.
    #[arg(long, value_name = "TEXT")]
    pub correlation_data: Option<String>,
}

/// `nanomq-cli token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Sign a JWT the broker accepts (`http_server.auth_type = "jwt"`), and print it.
    Create(TokenCreateArgs),
}

/// `token create`.
#[derive(Debug, Clone, Args)]
pub struct TokenCreateArgs {
    /// The private key (PEM, RSA or EC) matching the broker's `jwt.public_keyfile`.
    #[arg(long, value_name = "PRIVATE_KEY.pem")]
    pub key: PathBuf,
    /// How long the token is valid, e.g. 30m, 1h, 24h.
    #[arg(long, default_value = "1h", value_parser = parse_duration, value_name = "DURATION")]
    pub ttl: Duration,
    /// The `iss` claim [default: the file name of the matching public key, as the broker
    /// expects; see --public-key].
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,
    /// The public key file the broker is configured with [default: found beside --key:
    /// KEY.pub, STEM.pub, STEM.pub.pem, or the name with `private` replaced by `public`].
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// The signature algorithm [default: RS256 for an RSA key, ES256 for an EC key].
    #[arg(long, value_enum)]
    pub algorithm: Option<TokenAlgorithm>,
    /// The `sub` claim.
    #[arg(long, value_name = "NAME")]
    pub subject: Option<String>,
}

/// The algorithms the broker verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenAlgorithm {
    /// RSA, SHA-256.
    #[value(name = "RS256")]
    Rs256,
    /// RSA, SHA-384.
    #[value(name = "RS384")]
    Rs384,
    /// RSA, SHA-512.
    #[value(name = "RS512")]
    Rs512,
    /// ECDSA P-256, SHA-256.
    #[value(name = "ES256")]
    Es256,
    /// ECDSA P-384, SHA-384.
    #[value(name = "ES384")]
    Es384,
}

/// `passwd`.
#[derive(Debug, Clone, Args)]
pub struct PasswdArgs {
    /// The password file (`auth.password_file`); created (readable by its owner only) if it
    /// does not exist.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The user to add, or whose password to change.
    #[arg(value_name = "USER")]
    pub user: String,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
    /// Remove the user instead.
    #[arg(long, conflicts_with = "password_stdin")]
    pub delete: bool,
}

/// `retained` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum RetainedCommand {
    /// List retained messages (topic, size, QoS, payload preview).
    #[command(visible_alias = "ls")]
    List(RetainedListArgs),
    /// One retained message in full, with its properties.
    Show {
        /// The topic name.
        topic: String,
        /// Print only the payload, as it is (bytes included), like `mosquitto_sub -N`.
        #[arg(long)]
        raw: bool,
    },
    /// Remove the message retained on a topic (nothing is published; to tell subscribers,
    /// publish an empty retained message instead).
    Delete {
        /// The topic name.
        topic: String,
    },
}

/// `retained list`.
#[derive(Debug, Clone, Default, Args)]
pub struct RetainedListArgs {
    /// Only topics matching this filter (wildcards allowed; default '#', which leaves out
    /// '$SYS/...': ask for '$SYS/#' to see those).
    #[arg(long, value_name = "FILTER")]
    pub topic: Option<String>,
    /// Page number, from 1 (asks for a paged list).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub page: Option<u64>,
    /// Page size.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

impl RetainedListArgs {
    /// The query string of `GET /retained`.
    pub fn query(&self) -> RetainedQuery {
        RetainedQuery {
            topic: self.topic.clone(),
            page: self.page,
            limit: self.limit,
        }
    }
}

/// `bridges` subcommands (`list` when none is given).
#[derive(Debug, Clone, Subcommand)]
pub enum BridgesCommand {
    /// Every bridge: address, state, counters.
    List,
    /// One bridge in full: state since when, last error, forwards, subscriptions, counters.
    Show {
        /// The bridge's name.
        name: String,
    },
    /// Create a bridge (`[bridges.mqtt.NAME]`, written to the broker's file) and start it:
    /// its settings from a file (JSON or TOML, `-` for standard input) and/or as KEY=VALUE
    /// (`server=mqtt-tcp://emqx:1883`, `'forwards=[{local_topic="site/#"}]'`).
    Create(BridgeSettingsArgs),
    /// Change a bridge's settings (those not given keep their values); it restarts.
    Update(BridgeSettingsArgs),
    /// Remove a bridge (from the broker's file too).
    Delete {
        /// The bridge's name.
        name: String,
    },
    /// Start a stopped bridge (`enable = true`).
    Start {
        /// The bridge's name.
        name: String,
    },
    /// Stop a bridge (`enable = false`); what it holds waits for its next start.
    Stop {
        /// The bridge's name.
        name: String,
    },
    /// Subscribe a bridge upstream, on its running connection: messages of FILTER upstream are
    /// published here.
    Sub(BridgeSubArgs),
    /// Unsubscribe a bridge upstream, on its running connection.
    Unsub {
        /// The bridge's name.
        name: String,
        /// The upstream filters (each a subscription's `remote_topic`).
        #[arg(required = true)]
        filters: Vec<String>,
    },
}

/// `bridges create` and `bridges update`.
#[derive(Debug, Clone, Args)]
pub struct BridgeSettingsArgs {
    /// The bridge's name.
    pub name: String,
    /// The settings, as a `[bridges.mqtt.NAME]` table's keys: a JSON or TOML file, `-` for
    /// standard input.
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,
    /// Settings as KEY=VALUE (a value is read as TOML: `proto_ver=5`,
    /// `hybrid_servers=["mqtt-tcp://b:1883"]`), over the file's.
    #[arg(value_name = "KEY=VALUE")]
    pub settings: Vec<String>,
}

/// `bridges sub`.
#[derive(Debug, Clone, Args)]
pub struct BridgeSubArgs {
    /// The bridge's name.
    pub name: String,
    /// The topic filter upstream (`remote_topic`).
    pub filter: String,
    /// The QoS asked for.
    #[arg(short, long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,
    /// The topic published here: empty keeps the upstream topic (`local_topic`).
    #[arg(long, default_value = "", value_name = "TOPIC")]
    pub local_topic: String,
    /// Put before the local topic.
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// Put after the local topic.
    #[arg(long, default_value = "")]
    pub suffix: String,
}

/// `acl` subcommands.
#[derive(Debug, Subcommand)]
pub enum AclCommand {
    /// Which access-control rule of the running broker decides a publish or a subscribe.
    Check(AclCheckArgs),
}

/// `acl check`.
#[derive(Debug, Clone, Args)]
pub struct AclCheckArgs {
    /// The client's MQTT username, as for `pub` and `sub`. After `acl check`, `--username`
    /// means this too (give the API's own username before `acl`, or in NANOMQ_USERNAME).
    #[arg(short = 'u', long, value_name = "NAME")]
    pub user: Option<String>,
    /// The client's identifier.
    #[arg(long, value_name = "ID")]
    pub clientid: Option<String>,
    /// The client's IP address.
    #[arg(long)]
    pub ip: Option<String>,
    /// What the client does.
    #[arg(long, value_enum)]
    pub action: AclCheckAction,
    /// The topic to publish to, or the filter to subscribe to.
    #[arg(value_name = "TOPIC")]
    pub topic: String,
}

/// The operations `acl check` asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AclCheckAction {
    /// Publishing to a topic.
    Publish,
    /// Subscribing to a filter.
    Subscribe,
}

/// `nanomq-cli log …`.
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Show the broker's log level, or change it at run time (the configuration file is not
    /// changed: a restart or a reload goes back to the file's `log.level`).
    Level {
        /// error, warn, info, debug or trace.
        #[arg(value_parser = ["error", "warn", "info", "debug", "trace"])]
        level: Option<String>,
    },
}
