//! `--watch [SECONDS]`: run a read-only command again and again, redrawn in place on a
//! terminal (a separator line between frames otherwise), with the rates `watch(1)` cannot
//! know: messages in and out per second, bytes per second, and how the connection count moved,
//! from two samples of `GET /metrics`. Ends on Ctrl-C; a frame that fails shows its error and
//! the next one tries again.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use shared_types::Metrics;

use crate::cli::{ClientsCommand, Command, SubscriptionsCommand};
use crate::context::Ctx;
use crate::error::CliError;

/// Clears the screen and moves to its top left.
const CLEAR: &str = "\x1b[H\x1b[2J";

/// Whether `command` can be watched (it reads and changes nothing).
pub fn watchable(command: &Command) -> bool {
    matches!(
        command,
        Command::Status
            | Command::Metrics
            | Command::TopicTree
            | Command::Clients(ClientsCommand::List(_))
            | Command::Subscriptions(SubscriptionsCommand::List(_))
    )
}

/// Runs `next()`'s command every `every` seconds until Ctrl-C.
pub async fn exec(
    command: &Command,
    ctx: &Ctx,
    every: u64,
    next: impl Fn() -> Command,
) -> Result<(), CliError> {
    if !watchable(command) {
        return Err(CliError::Usage(String::from(
            "--watch works with status, metrics, topic-tree, clients list and subscriptions list",
        )));
    }
    let terminal = std::io::stdout().is_terminal();
    let period = Duration::from_secs(every);
    let mut previous: Option<(Instant, Metrics)> = None;
    loop {
        let started = Instant::now();
        let sample = sample(ctx).await;
        let rates = match (&previous, &sample) {
            (Some((then, before)), Some(now)) => rates(before, now, started - *then),
            (None, Some(_)) => String::from("rates: from the next refresh"),
            _ => String::from("rates: metrics unavailable"),
        };
        {
            let mut out = std::io::stdout().lock();
            if terminal && !ctx.out.is_json() {
                let _ = write!(out, "{CLEAR}");
            } else if previous.is_some() {
                let _ = writeln!(out);
            }
            if !ctx.out.is_json() {
                let _ = writeln!(out, "every {every}s   {} UTC   {rates}\n", clock_utc());
            }
            let _ = out.flush();
        }
        if let Err(e) = crate::dispatch(next(), ctx).await {
            eprintln!("nanomq-cli: {e}");
        }
        if let Some(now) = sample {
            previous = Some((started, now));
        }
        tokio::select! {
            () = tokio::time::sleep(period.saturating_sub(started.elapsed())) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// The time of day, UTC, `HH:MM:SS`.
fn clock_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

async fn sample(ctx: &Ctx) -> Option<Metrics> {
    let api = ctx.api().ok()?;
    api.get(&["metrics"], &()).await.ok()?.typed().ok()
}

/// What moved between two samples `elapsed` apart.
pub fn rates(before: &Metrics, now: &Metrics, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(0.001);
    let per = |a: u64, b: u64| b.saturating_sub(a) as f64 / secs;
    let connections = now.connections as i64 - before.connections as i64;
    format!(
        "{:.0} msg/s in, {:.0} msg/s out, {:.0} B/s in, {:.0} B/s out, connections {connections:+}",
        per(before.messages_received, now.messages_received),
        per(before.messages_sent, now.messages_sent),
        per(before.bytes_received, now.bytes_received),
        per(before.bytes_sent, now.bytes_sent),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_between_two_samples() {
        let before = Metrics {
            connections: 10,
            messages_received: 100,
            messages_sent: 50,
            ..Metrics::default()
        };
        let now = Metrics {
            connections: 7,
            messages_received: 300,
            messages_sent: 450,
            bytes_received: 2000,
            ..Metrics::default()
        };
        assert_eq!(
            rates(&before, &now, Duration::from_secs(2)),
            "100 msg/s in, 200 msg/s out, 1000 B/s in, 0 B/s out, connections -3"
        );
    }
}
