//! The command line: clap definitions only. Each subcommand's behaviour lives in
//! `commands/`, one file per command.

use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use nanomq_codec::{ProtocolVersion, QoS};

mod bench;
mod credentials;
mod manage;

pub use manage::{
    AclCheckAction, AclCommand, BridgeSettingsArgs, BridgesCommand, ClientsCommand, ConfigCommand,
    ConfigFormat, ConfigSetArgs, CtrlCommand, LogCommand, PasswdArgs, PublishArgs, RetainedCommand,
    SubscriptionsCommand, TokenAlgorithm, TokenCommand, TokenCreateArgs,
};

use crate::error::EXIT_CODES_HELP;
use crate::mqtt::parse_version;
pub use bench::{BenchCommand, BenchCommonArgs, BenchPubArgs, BenchSubArgs};
pub use credentials::mqtt_credentials;

/// nanomq-cli: manage a nanomq broker through its HTTP API, publish and subscribe over MQTT,
/// and load-test it.
#[derive(Debug, Parser)]
#[command(name = "nanomq-cli", version, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// How to reach and talk to the HTTP API.
///
/// Each option is taken from, in this order: the flag, its environment variable, the profile
/// file (see `settings`), the built-in default. The fields are `Option`s so that "not given"
/// can be told apart from "given the default value"; `settings::Settings::resolve` settles them.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Base URL of the broker's HTTP API [default: http://127.0.0.1:8081].
    #[arg(long, global = true, env = "NANOMQ_URL", value_name = "URL")]
    pub url: Option<String>,
    /// HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and
    /// `acl check`, `--username` (and `--password`) are the MQTT client's: give the API's
    /// before the command.
    #[arg(long, global = true, env = "NANOMQ_USERNAME", value_name = "NAME")]
    pub username: Option<String>,
    /// HTTP API password (basic auth) [default: public].
    #[arg(
        long,
        global = true,
        env = "NANOMQ_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD"
    )]
    pub password: Option<String>,
    /// Bearer token (JWT, see `token create`), used instead of the username and password.
    #[arg(
        long,
        global = true,
        env = "NANOMQ_TOKEN",
        hide_env_values = true,
        value_name = "JWT"
    )]
    pub token: Option<String>,
    /// Output format: tables for people, or the API's `data` as JSON for scripts [default: table].
    #[arg(
        long,
        short = 'o',
        global = true,
        env = "NANOMQ_OUTPUT",
        value_enum,
        value_name = "FORMAT"
    )]
    pub output: Option<OutputFormat>,
    /// No colours in the output (also when NO_COLOR is set).
    #[arg(
        long,
        global = true,
        env = "NANOMQ_NO_COLOR",
        action = ArgAction::SetTrue,
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub no_color: bool,
    /// How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s].
    #[arg(long, global = true, env = "NANOMQ_TIMEOUT", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,
    /// CA certificates (PEM) to trust for an https:// URL, besides the system's.
    #[arg(long, global = true, env = "NANOMQ_CACERT", value_name = "FILE")]
    pub cacert: Option<std::path::PathBuf>,
    /// Use this section of the profile file ($NANOMQ_CLI_CONFIG, else
    /// $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml).
    #[arg(long, global = true, env = "NANOMQ_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates:
    /// for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`.
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        num_args = 0..=1,
        default_missing_value = "2",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub watch: Option<u64>,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Tables and short messages.
    Table,
    /// JSON: the API's `data`, unchanged.
    Json,
    /// TOML, as in `etc/nanomq.conf` (`config get` only).
    Toml,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Publish MQTT messages.
    #[command(name = "pub", disable_help_flag = true)]
    Pub(PubArgs),
    /// Subscribe and print MQTT messages.
    #[command(name = "sub", disable_help_flag = true)]
    Sub(SubArgs),
    /// Load-test a broker (publishers, subscribers, idle connections).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Broker and node status in one view.
    Status,
    /// The bridges to upstream brokers: state and counters (GET /bridges).
    Bridges {
        /// `list` (the default) or `show NAME`.
        #[command(subcommand)]
        command: Option<BridgesCommand>,
    },
    /// The broker's version, status and uptime (GET /brokers).
    Brokers,
    /// The node's status and connection count (GET /nodes).
    Nodes,
    /// The routes the HTTP API serves (GET /api/v4).
    Endpoints,
    /// List, show and kick clients (and persistent sessions).
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// List the subscriptions, or one client's.
    #[command(subcommand, visible_alias = "subs")]
    Subscriptions(SubscriptionsCommand),
    /// The subscription tree, drawn as a tree.
    TopicTree,
    /// List, show and remove retained messages.
    #[command(subcommand)]
    Retained(RetainedCommand),
    /// Show or change the broker's configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Stop or restart the broker.
    #[command(subcommand)]
    Ctrl(CtrlCommand),
    /// Publish a message through the HTTP API (see `pub` for MQTT).
    Publish(PublishArgs),
    /// The broker's counters (GET /metrics).
    Metrics,
    /// JSON Web Tokens for the HTTP API's `auth_type = "jwt"`.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Add, change or remove a user in a password file (argon2id hashes).
    Passwd(PasswdArgs),
    /// Ask the running broker's access-control rules.
    #[command(subcommand)]
    Acl(AclCommand),
    /// The broker's log level, shown or changed at run time.
    #[command(subcommand)]
    Log(LogCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff; `nanomq-cli man | man -l -`), or write every page (one per
    /// command) into DIR.
    Man {
        /// Where to write every page.
        #[arg(value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

/// How to connect to the broker over MQTT (`-h` is the host here, as in mosquitto_pub;
/// help is `--help`).
#[derive(Debug, Clone, Args)]
pub struct MqttArgs {
    /// Broker host [default: the host of the HTTP API's URL (--url, NANOMQ_URL, the
    /// profile), else 127.0.0.1].
    #[arg(short = 'h', long)]
    pub host: Option<String>,
    /// Broker MQTT port (default 1883, or 8883 with --tls).
    #[arg(short = 'p', long)]
    pub port: Option<u16>,
    /// MQTT version: 3 (3.1), 4 (3.1.1) or 5.
    #[arg(short = 'V', long = "mqtt-version", default_value = "4", value_parser = parse_version)]
    pub version: ProtocolVersion,
    /// MQTT username (`--username` too, after the command, as mosquitto_pub takes it).
    /// Without it the client connects with no username: the HTTP API's login (--username
    /// before the command, NANOMQ_USERNAME, the profile) is never sent over MQTT, and a note
    /// on stderr says so when one is set.
    #[arg(short = 'u', long = "user", value_name = "NAME")]
    pub user: Option<String>,
    /// MQTT password, with -u (`--password` too, after the command).
    #[arg(short = 'P', long = "pw", value_name = "PASSWORD", requires = "user")]
    pub pw: Option<String>,
    /// Keep alive, seconds.
    #[arg(short = 'k', long, default_value_t = 60)]
    pub keepalive: u16,
    /// Connect with TLS.
    #[arg(long)]
    pub tls: bool,
    /// CA certificates to trust (PEM), with --tls; without it, the system's trust store.
    #[arg(long, value_name = "FILE")]
    pub cafile: Option<String>,
    /// Client certificate (PEM), for mutual TLS.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<String>,
    /// Client private key (PEM), for mutual TLS.
    #[arg(long, value_name = "FILE")]
    pub key: Option<String>,
    /// Do not verify the broker's certificate.
    #[arg(long)]
    pub insecure: bool,
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
}

/// `nanomq-cli pub`.
#[derive(Debug, Clone, Args)]
pub struct PubArgs {
    /// Connection options.
    #[command(flatten)]
    pub mqtt: MqttArgs,
    /// Topic to publish to.
    #[arg(short = 't', long)]
    pub topic: String,
    /// Message payload (reads standard input when neither -m nor -f is given).
    #[arg(short = 'm', long, conflicts_with = "file")]
    pub message: Option<String>,
    /// Publish the content of a file.
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<String>,
    /// QoS: 0, 1 or 2.
    #[arg(short = 'q', long, default_value = "0", value_parser = parse_qos)]
    pub qos: QoS,
    /// Set the RETAIN flag.
    #[arg(short = 'r', long)]
    pub retain: bool,
    /// MQTT 5 user property, `key=value` (repeatable).
    #[arg(long = "user-property", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub user_properties: Vec<(String, String)>,
    /// Publish this many times.
    #[arg(long, default_value_t = 1)]
    pub count: u64,
    /// Pause between repeated publishes (e.g. 100ms).
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    pub interval: Duration,
    /// Client identifier (default: generated).
    #[arg(short = 'i', long = "id")]
    pub client_id: Option<String>,
}

/// `nanomq-cli sub`.
#[derive(Debug, Clone, Args)]
pub struct SubArgs {
    /// Connection options.
    #[command(flatten)]
    pub mqtt: MqttArgs,
    /// Topic filter (repeatable).
    #[arg(short = 't', long = "topic", required = true)]
    pub topics: Vec<String>,
    /// QoS: 0, 1 or 2.
    #[arg(short = 'q', long, default_value = "0", value_parser = parse_qos)]
    pub qos: QoS,
    /// Exit after this many messages.
    #[arg(short = 'C', long)]
    pub count: Option<u64>,
    /// Line format: `text` ("topic: payload") or `json` (one object per line).
    #[arg(short = 'F', long, value_enum, default_value_t = SubFormat::Text)]
    pub format: SubFormat,
    /// Client identifier (default: generated).
    #[arg(short = 'i', long = "id")]
    pub client_id: Option<String>,
    /// Keep the session when disconnecting (clean session / clean start off).
    #[arg(long)]
    pub persistent: bool,
    /// When the connection is lost, connect and subscribe again (after 1 s, doubling up to
    /// 30 s), instead of exiting with status 3.
    #[arg(long)]
    pub reconnect: bool,
}

/// `sub --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SubFormat {
    /// `topic: payload`.
    Text,
    /// `{"topic":..,"payload":..,"qos":..,"retain":..}`.
    Json,
}

/// Parses `500ms`, `10s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("bad duration {text:?}"))?;
    let seconds = match unit {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("bad duration unit {unit:?} (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}

/// Parses a QoS level.
pub fn parse_qos(text: &str) -> Result<QoS, String> {
    text.parse::<u8>()
        .ok()
        .and_then(|n| QoS::try_from(n).ok())
        .ok_or_else(|| String::from("expected 0, 1 or 2"))
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| String::from("expected KEY=VALUE"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn mqtt_tools_take_h_for_host() {
        let cli = Cli::try_parse_from([
            "nanomq-cli",
            "pub",
            "-h",
            "broker",
            "-p",
            "1884",
            "-t",
            "a",
            "-m",
            "x",
            "-q",
            "1",
        ])
        .unwrap();
        let Command::Pub(args) = cli.command else {
            panic!("not pub")
        };
        assert_eq!(args.mqtt.host.as_deref(), Some("broker"));
        assert_eq!(args.mqtt.port, Some(1884));
        assert_eq!(args.qos, QoS::AtLeastOnce);
        assert!(Cli::try_parse_from(["nanomq-cli", "pub", "-t", "a", "-q", "3"]).is_err());
    }

    #[test]
    fn global_options_come_from_the_environment_too() {
        let cli = Cli::try_parse_from([
            "nanomq-cli",
            "--output",
            "json",
            "--timeout",
            "2s",
            "completions",
            "bash",
        ])
        .unwrap();
        assert_eq!(cli.global.output, Some(OutputFormat::Json));
        assert_eq!(cli.global.timeout, Some(Duration::from_secs(2)));
        assert_eq!(cli.global.url, None, "defaults are settled later");
    }
}

#[cfg(test)]
mod parse_tests;
