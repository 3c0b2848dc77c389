//! The `bench` subcommands' clap definitions (their code is in `commands::bench`).

use std::time::Duration;

use clap::{Args, Subcommand};
use nanomq_codec::QoS;

use super::{MqttArgs, parse_duration, parse_qos};

/// `bench` subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Publishers.
    #[command(disable_help_flag = true)]
    Pub(BenchPubArgs),
    /// Subscribers, reporting throughput and end-to-end latency.
    #[command(disable_help_flag = true)]
    Sub(BenchSubArgs),
    /// Connections that only keep alive (connect rate, memory per connection).
    #[command(disable_help_flag = true)]
    Conn(BenchCommonArgs),
}

/// Options shared by every bench command.
#[derive(Debug, Clone, Args)]
pub struct BenchCommonArgs {
    /// Connection options.
    #[command(flatten)]
    pub mqtt: MqttArgs,
    /// Number of clients.
    #[arg(short = 'c', long = "count", default_value_t = 1)]
    pub clients: usize,
    /// Pause between starting two clients, milliseconds (0: as fast as the broker accepts).
    #[arg(short = 'i', long = "interval", default_value_t = 0)]
    pub connect_interval_ms: u64,
    /// Client identifier prefix (the client index is appended); default
    /// `bench-{pub,sub,conn}-{process id}-`.
    #[arg(long)]
    pub prefix: Option<String>,
    /// Stop after this long (e.g. 30s); default: run until Ctrl-C or the limit.
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Print the final summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `bench pub`.
#[derive(Debug, Clone, Args)]
pub struct BenchPubArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: BenchCommonArgs,
    /// Topic; `%i` is replaced by the client index.
    #[arg(short = 't', long, default_value = "bench/%i")]
    pub topic: String,
    /// Payload size in bytes (at least 8 to carry the send time).
    #[arg(short = 's', long = "size", default_value_t = 256)]
    pub size: usize,
    /// QoS.
    #[arg(short = 'q', long, default_value = "0", value_parser = parse_qos)]
    pub qos: QoS,
    /// Pause between two messages of one client, milliseconds (0: as fast as possible).
    #[arg(short = 'I', long = "message-interval", default_value_t = 0)]
    pub message_interval_ms: u64,
    /// Messages per second from all clients together: one evenly paced stream the clients
    /// take turns at (0: no pacing). Latency is then counted from each message's scheduled
    /// time, so a publisher held up does not hide the delay.
    #[arg(
        short = 'R',
        long = "rate",
        default_value_t = 0,
        conflicts_with = "message_interval_ms"
    )]
    pub rate: u64,
    /// Messages per client (0: unlimited).
    #[arg(short = 'L', long = "limit", default_value_t = 0)]
    pub limit: u64,
    /// Publish with the RETAIN flag.
    #[arg(short = 'r', long)]
    pub retain: bool,
    /// QoS 1/2 messages in flight per client.
    #[arg(long, default_value_t = 64)]
    pub inflight: usize,
}

/// `bench sub`.
#[derive(Debug, Clone, Args)]
pub struct BenchSubArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: BenchCommonArgs,
    /// Topic filter; `%i` is replaced by the client index.
    #[arg(short = 't', long, default_value = "bench/#")]
    pub topic: String,
    /// QoS.
    #[arg(short = 'q', long, default_value = "0", value_parser = parse_qos)]
    pub qos: QoS,
    /// Stop once all subscribers together received this many messages (0: no limit).
    #[arg(short = 'L', long = "limit", default_value_t = 0)]
    pub limit: u64,
    /// Persistent sessions (clean session off), which the broker's store keeps: what the
    /// durability benchmarks measure.
    #[arg(long)]
    pub persistent: bool,
}
