//! Reload: apply a re-read configuration file to the running broker without dropping a
//! connection it still lets in (`POST /api/v4/reload`, SIGHUP, `nanomq-cli ctrl reload`).
//!
//! What the broker reads at each operation (users and rules, limits, queue sizes, keep-alive
//! caps, the log level…) is replaced at once; the password and ACL files are read again every
//! time, so a reload applies a change of their contents alone, and the answer says what changed
//! (`users: +dave -erin`, `acl: 2 rules changed`). Connected clients are under the new rules
//! at their next packet and delivery; those whose login the new users or rules revoke are
//! disconnected ([`crate::broker::revoke`]). A changed `bridge` section replaces the bridge
//! (it reconnects upstream, keeping what it holds; local clients are not touched); what is
//! bound or started once (the listeners and the HTTP API, the store, the worker threads) keeps
//! its running value and is reported as needing `ctrl/restart`, so the running configuration
//! never claims what is not in force. A file that could not start, whose users or rules do not
//! load, or that would weaken access control without saying so ([`crate::auth::guard`])
//! changes nothing.

use std::sync::{Arc, OnceLock};

use shared_types::ReloadReport;
use shared_types::config::{Config, TakesEffect, takes_effect};
use tracing::info;

use crate::auth::change::AuthChange;
use crate::broker::{Broker, Settings};
use crate::control::{Refusal, ServerControl};

/// How the process changes its log level at run time (installed by the binary, which owns the
/// log subscriber; without one, as in tests, a new level only shows in the configuration).
pub type LogLevelHook = Box<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

static LOG_LEVEL_HOOK: OnceLock<LogLevelHook> = OnceLock::new();

/// Installs the log-level hook (once; later calls are ignored).
pub fn set_log_level_hook(hook: LogLevelHook) {
    let _ = LOG_LEVEL_HOOK.set(hook);
}

/// Applies `level` (error, warn, info, debug, trace) to the running process's log output.
pub fn apply_log_level(level: &str) -> Result<(), String> {
    match LOG_LEVEL_HOOK.get() {
        Some(hook) => hook(level),
        None => Ok(()),
    }
}

/// Re-reads the configuration file and applies what can be applied live, the bridge
/// included; the error (the file could not start, its users or rules do not load) says why
/// nothing changed.
pub async fn reload(broker: &Broker, control: &ServerControl) -> Result<ReloadReport, Refusal> {
    let (b, c) = (broker.clone(), control.clone());
    let report = tokio::task::spawn_blocking(move || reload_settings(&b, &c))
        .await
        .map_err(|e| Refusal::CouldNotStart(e.to_string()))??;
    if report
        .applied
        .iter()
        .any(|k| matches!(k.split('.').next(), Some("bridge" | "bridges")))
    {
        crate::bridge::reconfigure(&broker.config(), broker, control.bridges()).await;
    }
    Ok(report)
}

/// Puts the bridges of `file` (the configuration file as the API has just written it: its
/// `bridge` section and `bridges` tables) in force, and nothing else of it; the bridges whose
/// settings changed restart, the others run on.
pub async fn apply_bridges(broker: &Broker, control: &ServerControl, file: &Config) {
    let mut next = (*broker.config()).clone();
    next.bridge = file.bridge.clone();
    next.bridges = file.bridges.clone();
    let settings = broker.settings();
    broker.apply(next, settings);
    crate::bridge::reconfigure(&broker.config(), broker, control.bridges()).await;
    info!("bridges changed through the API");
}

/// Re-reads the configuration file (blocking) and applies the settings the broker reads at
/// each operation.
fn reload_settings(broker: &Broker, control: &ServerControl) -> Result<ReloadReport, Refusal> {
    let running = broker.config();
    let in_force = broker.settings();
    let next = control.check_restart(&running, in_force.in_force())?;
    let (merged, mut report) = merge(&running, &next.config).map_err(Refusal::CouldNotStart)?;
    let access = AuthChange::between(&in_force.auth, &next.auth);
    if report.applied.is_empty() && access.is_empty() {
        return Ok(report);
    }
    report.access = access.describe();
    let settings = Arc::new(Settings::with_auth(&merged, next.auth));
    let log_level = merged.log.level;
    report.disconnected = broker.apply(merged, settings);
    if report
        .applied
        .iter()
        .any(|k| k == "log.level" || k == "log")
    {
        apply_log_level(log_level.as_str()).map_err(Refusal::CouldNotStart)?;
    }
    info!(
        applied = ?report.applied,
        access = ?report.access,
        disconnected = report.disconnected,
        restart_required = ?report.restart_required,
        "configuration reloaded"
    );
    Ok(report)
}

/// The running configuration with every live setting of `next`, and what differs; which
/// setting is live is [`takes_effect`]'s table.
fn merge(running: &Config, next: &Config) -> Result<(Config, ReloadReport), String> {
    let mut report = ReloadReport::default();
    for path in crate::config::changed_settings(running, next)? {
        let key = path.join(".");
        if takes_effect(&key) == TakesEffect::Reload {
            report.applied.push(key);
        } else {
            report.restart_required.push(key);
        }
    }
    let merged = running
        .after(TakesEffect::Reload, next)
        .map_err(|e| e.to_string())?;
    Ok((merged, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_and_restart_settings_are_told_apart() {
        let running = Config::default();
        let mut next = Config {
            msq_len: 7,
            url: "nmq-tcp://0.0.0.0:1999".into(),
            ..Config::default()
        };
        next.http_server.port = 9;
        next.auth.no_match = shared_types::config::Permit::Deny;
        let (merged, report) = merge(&running, &next).unwrap();
        assert_eq!(report.applied, ["auth.no_match", "msq_len"]);
        assert_eq!(report.restart_required, ["http_server.port", "url"]);
        assert_eq!(merged.msq_len, 7);
        assert_eq!(merged.url, running.url, "the listener stays where it is");
        assert_eq!(merged.http_server.port, running.http_server.port);
    }

    #[test]
    fn nothing_changed_is_an_empty_report() {
        let (_, report) = merge(&Config::default(), &Config::default()).unwrap();
        assert_eq!(report, ReloadReport::default());
    }
}
