//! `bench conn`: connections that only keep alive, to measure the connect rate and the
//! broker's memory per idle connection.

use std::sync::Arc;
use std::time::{Duration, Instant};

use nanomq_codec::Packet;

use super::stats::Stats;
use super::{BenchCommonArgs, client_identity, run_clients};
use crate::error::CliError;

/// Runs `bench conn` until the duration or Ctrl-C.
pub async fn run(args: BenchCommonArgs, timeout: Duration) -> Result<(), CliError> {
    let stats = Arc::new(Stats::new());
    let started = Instant::now();
    let args = Arc::new(args);
    run_clients("conn", &args, &stats, |index, permit| {
        let (args, stats) = (Arc::clone(&args), Arc::clone(&stats));
        async move { hold(index, &args, &stats, timeout, permit).await }
    })
    .await;
    // The measured phase: every client in, to the stop (exactly `--duration`).
    let active = stats.measured().unwrap_or_else(|| started.elapsed());
    stats.print_summary("bench conn", active, args.json);
    stats.outcome()
}

async fn hold(
    index: usize,
    args: &BenchCommonArgs,
    stats: &Arc<Stats>,
    timeout: Duration,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<(), CliError> {
    let (endpoint, client_id) = client_identity(args, "conn", index)?;
    let connecting = Instant::now();
    let mut conn = endpoint.connect(&client_id, true, timeout).await?;
    drop(permit);
    stats.record_connected(connecting.elapsed());
    let keep_alive = Duration::from_secs(u64::from(endpoint.keep_alive.max(1)));
    let mut ping = tokio::time::interval(keep_alive);
    ping.tick().await;
    let mut check = tokio::time::interval(Duration::from_millis(250));
    while !stats.stopping() {
        tokio::select! {
            _ = ping.tick() => conn.send(&Packet::PingReq).await?,
            _ = check.tick() => {}
            packet = conn.recv() => { packet?; }
        }
    }
    conn.send(&Packet::Disconnect(Default::default())).await?;
    Ok(())
}
