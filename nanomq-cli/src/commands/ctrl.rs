//! `nanomq-cli ctrl stop|restart`: `POST /ctrl/{action}`, after a confirmation on a terminal;
//! a restart then waits (bounded) until the broker answers again. `ctrl reload`: `POST /reload`.

use std::io::{BufRead, IsTerminal, Write};
use std::time::{Duration, Instant};

use shared_types::config::{TakesEffect, takes_effect};
use shared_types::{CtrlAction, ReloadReport};

use crate::api::{ApiClient, humanize_duration};
use crate::cli::CtrlCommand;
use crate::context::Ctx;
use crate::error::CliError;

/// How long to look for the broker going down after a restart was accepted. The broker closes
/// its HTTP listener within milliseconds of its answer and may be back as fast, between two
/// polls; still answering after this long, it has restarted (or kept running after failing to,
/// which its log says).
const DOWN_GRACE: Duration = Duration::from_millis(500);
/// How often the broker is polled while it is expected to go down.
const DOWN_POLL: Duration = Duration::from_millis(10);
/// How often the broker is polled while waiting for it to come back.
const UP_POLL: Duration = Duration::from_millis(50);

/// Runs `ctrl …`.
pub async fn exec(command: CtrlCommand, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    match command {
        CtrlCommand::Stop { yes } => {
            confirm(&format!("Stop the broker at {}?", ctx.settings.url), yes)?;
            api.ctrl(CtrlAction::Stop).await?;
            let limit = ctx.settings.timeout;
            let gone = wait_until(&api, limit, DOWN_POLL, |answered| !answered).await;
            if ctx.out.is_json() {
                return Ok(());
            }
            if gone.is_some() {
                ctx.out.print("broker stopped\n")
            } else {
                ctx.out.print(&format!(
                    "broker asked to stop; still answering after {}\n",
                    humanize_duration(limit)
                ))
            }
        }
        CtrlCommand::Reload => {
            let reply = api.post(&["reload"], &serde_json::json!({})).await?;
            if ctx.out.is_json() {
                return ctx.out.print_json(&reply.data.unwrap_or_default());
            }
            let report: ReloadReport = reply.typed()?;
            ctx.out.print(&render_reload(&report))
        }
        CtrlCommand::Restart(args) => {
            confirm(
                &format!("Restart the broker at {}?", ctx.settings.url),
                args.yes,
            )?;
            api.ctrl(CtrlAction::Restart).await?;
            if args.no_wait {
                return if ctx.out.is_json() {
                    Ok(())
                } else {
                    ctx.out.print("broker restarting\n")
                };
            }
            let took = wait_restarted(&api, args.wait_timeout).await?;
            if ctx.out.is_json() {
                return Ok(());
            }
            ctx.out.print(&format!(
                "broker restarted (back after {})\n",
                humanize_duration(round_to_tenths(took))
            ))
        }
    }
}

/// What a reload did, for people.
pub fn render_reload(report: &ReloadReport) -> String {
    let mut text = String::new();
    if report.applied.is_empty() && report.restart_required.is_empty() && report.access.is_empty() {
        return String::from("reloaded: nothing changed in the configuration file\n");
    }
    if !report.applied.is_empty() {
        text.push_str(&format!(
            "reloaded: now in force: {}\n",
            report.applied.join(", ")
        ));
    }
    for line in &report.access {
        text.push_str(&format!("reloaded: {line}\n"));
    }
    if report.disconnected > 0 {
        text.push_str(&format!(
            "disconnected {} client(s) the new users or rules no longer let in\n",
            report.disconnected
        ));
    }
    let (at_start, at_restart): (Vec<&str>, Vec<&str>) = report
        .restart_required
        .iter()
        .map(String::as_str)
        .partition(|key| takes_effect(key) == TakesEffect::ProcessStart);
    if !at_restart.is_empty() {
        text.push_str(&format!(
            "needs a restart (nanomq-cli ctrl restart): {}\n",
            at_restart.join(", ")
        ));
    }
    if !at_start.is_empty() {
        text.push_str(&format!(
            "needs the broker process restarted (read at start; ctrl restart keeps them): {}\n",
            at_start.join(", ")
        ));
    }
    text
}

/// Asks `question` on the terminal unless `yes`; without a terminal there is nobody to ask,
/// and the command refuses (exit 2) unless `--yes` says what the script means.
pub fn confirm(question: &str, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        // Nobody to ask: a script must say what it means.
        return Err(CliError::Usage(format!(
            "{} not at a terminal: add --yes to confirm",
            question.trim_end_matches('?')
        )));
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::Other("aborted".to_string()))
    }
}

/// Waits for a restart the broker has accepted: first for it to go away (at most
/// [`DOWN_GRACE`]), then for it to answer again, within `limit` in all.
pub async fn wait_restarted(api: &ApiClient, limit: Duration) -> Result<Duration, CliError> {
    let start = Instant::now();
    wait_until(api, DOWN_GRACE.min(limit), DOWN_POLL, |answered| !answered).await;
    let remaining = limit.saturating_sub(start.elapsed());
    match wait_until(api, remaining, UP_POLL, |answered| answered).await {
        Some(()) => Ok(start.elapsed()),
        None => Err(CliError::Connect(format!(
            "the broker at {} is not back after {} (it may have failed to restart: see its log)",
            api.base_url().as_str().trim_end_matches('/'),
            humanize_duration(limit)
        ))),
    }
}

/// Polls `GET /brokers` until `done(answered)` holds, for at most `limit`.
async fn wait_until(
    api: &ApiClient,
    limit: Duration,
    interval: Duration,
    done: impl Fn(bool) -> bool,
) -> Option<()> {
    let deadline = Instant::now() + limit;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let probe = tokio::time::timeout(remaining, api.get(&["brokers"], &())).await;
        // Any answer, even a refusal, means the HTTP API is up.
        let answered = !matches!(probe, Err(_) | Ok(Err(CliError::Connect(_))));
        if done(answered) {
            return Some(());
        }
        if Instant::now() + interval > deadline {
            return None;
        }
        tokio::time::sleep(interval).await;
    }
}

/// Whole milliseconds under a second, tenths of a second above.
pub fn round_to_tenths(duration: Duration) -> Duration {
    let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    if millis < 1000 {
        Duration::from_millis(millis)
    } else {
        Duration::from_millis(millis / 100 * 100)
    }
}
