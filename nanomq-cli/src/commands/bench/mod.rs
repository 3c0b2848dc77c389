//! `nanomq-cli bench pub|sub|conn`: a load generator in the manner of emqtt_bench and
//! NanoMQ's `nanomq_cli bench`.
//!
//! Every client is one task with its own socket, speaking MQTT through the shared codec. A
//! publisher encodes each PUBLISH once per message into a reused buffer (the send time is
//! patched into the first 8 payload bytes, so there is no allocation per message) and writes
//! whole batches per system call; a subscriber decodes in place, acknowledges in batches and
//! records end-to-end latency from that embedded timestamp in a per-task histogram. A line
//! of totals and rates goes to stderr every second; the summary goes to stdout (`--json` for
//! scripts).

pub mod idle;
pub mod publisher;
pub mod stats;
pub mod subscriber;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use crate::cli::{BenchCommand, BenchCommonArgs, BenchPubArgs, BenchSubArgs};
use crate::error::CliError;
use crate::mqtt::Endpoint;
use stats::Stats;

/// Runs a bench command.
pub async fn exec(command: BenchCommand, timeout: Duration) -> Result<(), CliError> {
    match command {
        BenchCommand::Pub(args) => publisher::run(args, timeout).await,
        BenchCommand::Sub(args) => subscriber::run(args, timeout).await,
        BenchCommand::Conn(args) => idle::run(args, timeout).await,
    }
}

/// Runs `common.clients` clients, each `client(index, permit)`, paced by the connect interval
/// (or at most 64 handshakes at once when there is none; a client drops its permit once
/// connected), with the progress line of `kind` on stderr, until every client has returned —
/// they return once `stats` says stop: at `--duration`, on Ctrl-C, or at a limit. A failed
/// client is counted and reported on one line.
pub async fn run_clients<F, Fut>(
    kind: &'static str,
    common: &BenchCommonArgs,
    stats: &Arc<Stats>,
    client: F,
) where
    F: Fn(usize, OwnedSemaphorePermit) -> Fut,
    Fut: Future<Output = Result<(), CliError>> + Send + 'static,
{
    let progress = tokio::spawn({
        let stats = Arc::clone(stats);
        async move { stats.report_progress(kind).await }
    });
    stats.expect(common.clients);
    let stopper = stop_on(stats, common.duration);
    let handshakes = Arc::new(Semaphore::new(64));
    let mut tasks = Vec::with_capacity(common.clients);
    for index in 0..common.clients {
        if stats.stopping() {
            break;
        }
        if common.connect_interval_ms > 0 && index > 0 {
            tokio::time::sleep(Duration::from_millis(common.connect_interval_ms)).await;
        }
        let Ok(permit) = Arc::clone(&handshakes).acquire_owned().await else {
            break;
        };
        let run = client(index, permit);
        let stats = Arc::clone(stats);
        tasks.push(tokio::spawn(async move {
            if let Err(e) = run.await {
                stats.record_failed();
                eprintln!("{kind} client {index}: {e}");
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    stats.request_stop();
    stopper.abort();
    let _ = progress.await;
}

/// Sets the stop flag `duration` after every client has connected (or failed), so that the
/// measured phase lasts exactly `duration` however long connecting took; or on Ctrl-C.
fn stop_on(stats: &Arc<Stats>, duration: Option<Duration>) -> tokio::task::JoinHandle<()> {
    let stats = Arc::clone(stats);
    tokio::spawn(async move {
        match duration {
            Some(d) => {
                let measured = async {
                    stats.all_connected().await;
                    tokio::time::sleep(d).await;
                };
                tokio::select! {
                    () = measured => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        stats.request_stop();
    })
}

/// The endpoint and client identifier of client `index` of a `kind` ("pub", "sub", "conn").
pub fn client_identity(
    common: &BenchCommonArgs,
    kind: &str,
    index: usize,
) -> Result<(Endpoint, String), CliError> {
    let id = match &common.prefix {
        Some(prefix) => format!("{prefix}{index}"),
        None => format!("bench-{kind}-{}-{index}", std::process::id()),
    };
    Ok((common.mqtt.endpoint()?, id))
}
