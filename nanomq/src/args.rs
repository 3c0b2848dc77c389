//! Command-line arguments of the `nanomq` binary.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use shared_types::config::LogLevel;

/// nanomq: an edge MQTT broker (MQTT 3.1, 3.1.1, 5.0) with NanoMQ's HTTP API v4.
#[derive(Debug, Parser)]
#[command(name = "nanomq", version, about)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the broker.
    Start(StartArgs),
    /// Print the default configuration (the text embedded in the binary).
    DefaultConfig,
    /// Check a configuration file and exit (0 when `start` would start on it; 2 when not):
    /// the same checks and warnings as `start` (files, TLS key and certificate, ports,
    /// the store's directory), without starting.
    Check {
        /// The file to check.
        #[arg(long = "conf", value_name = "PATH", required_unless_present = "file")]
        conf: Option<PathBuf>,
        /// The file to check (as `--conf`).
        #[arg(value_name = "FILE", conflicts_with = "conf")]
        file: Option<PathBuf>,
    },
    /// Print the man page (roff; `nanomq man | man -l -`), or write every page (one per
    /// subcommand) into DIR.
    Man {
        /// Where to write every page.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Options of `nanomq start`.
#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// Configuration file (TOML). Default: etc/nanomq.conf if it exists, else the built-in
    /// defaults (see `nanomq default-config`).
    #[arg(long = "conf", value_name = "PATH", env = "NANOMQ_CONF")]
    pub conf: Option<PathBuf>,
    /// MQTT/TCP listener, overriding `url` (e.g. nmq-tcp://0.0.0.0:1883).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// HTTP API port, overriding `http_server.port`.
    #[arg(long, value_name = "PORT")]
    pub http_port: Option<u16>,
    /// Log level, overriding `log.level` (RUST_LOG, when set, takes precedence over both).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub log_level: Option<LogLevel>,
}

fn parse_level(text: &str) -> Result<LogLevel, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| String::from("expected one of trace, debug, info, warn, error"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn arguments_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn start_options_parse() {
        let args = Args::try_parse_from([
            "nanomq",
            "start",
            "--conf",
            "x.conf",
            "--url",
            "nmq-tcp://127.0.0.1:0",
            "--http-port",
            "0",
            "--log-level",
            "debug",
        ]);
        let Ok(Args {
            command: Command::Start(start),
        }) = args
        else {
            panic!("did not parse: {args:?}");
        };
        assert_eq!(start.conf, Some(PathBuf::from("x.conf")));
        assert_eq!(start.http_port, Some(0));
        assert_eq!(start.log_level, Some(LogLevel::Debug));
        assert!(Args::try_parse_from(["nanomq", "start", "--log-level", "loud"]).is_err());
    }
}
