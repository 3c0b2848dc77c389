//! `bench conn`: connections that only keep alive, to measure the connect rate and the
//! broker's memory per idle connection.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use nanomq_codec::Packet;

use super::publisher::stop_on;
use super::stats::Stats;
use super::{BenchCommonArgs, client_identity, start_clients};
use crate::error::CliError;

/// Runs `bench conn` until the duration or Ctrl-C.
pub async fn run(args: BenchCommonArgs, timeout: Duration) -> Result<(), CliError> {
    let stats = Arc::new(Stats::new());
    let progress = tokio::spawn({
        let stats = Arc::clone(&stats);
        async move { stats.report_progress("conn").await }
    });
    let stopper = stop_on(&stats, args.duration);
    let started = Instant::now();
    let args = Arc::new(args);
    let tasks = start_clients(&args, &stats, |index, permit| {
        let (args, stats) = (Arc::clone(&args), Arc::clone(&stats));
        async move {
            if let Err(e) = hold(index, &args, &stats, timeout, permit).await {
                stats.failed.fetch_add(1, Ordering::Relaxed);
                eprintln!("connection {index}: {e}");
            }
        }
    })
    .await;
    for task in tasks {
        let _ = task.await;
    }
    stats.request_stop();
    stopper.abort();
    let _ = progress.await;
    stats.print_summary("bench conn", started.elapsed(), args.json);
    Ok(())
}

async fn hold(
    index: usize,
    args: &BenchCommonArgs,
    stats: &Arc<Stats>,
    timeout: Duration,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<(), CliError> {
    let (endpoint, client_id) = client_identity(args, "conn", index)?;
    let mut conn = endpoint.connect(&client_id, true, timeout).await?;
    drop(permit);
    stats.record_connected();
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
    conn.send(&Packet::Disconnect(Default::default())).await
}
