//! When a changed setting takes effect: the one table that the broker's reload and restart,
//! the running configuration it shows, `nanomq-cli config set|diff|reload` and
//! docs/configuration.md all follow.
//!
//! A reload applies every setting the broker reads as it works; `ctrl/restart` also what is
//! bound or started with the listeners; what the process reads once as it starts (the worker
//! threads, the store, where the log goes) only a new process applies. The running
//! configuration ([`Config::after`]) keeps the old value of whatever is not applied yet, so
//! it never claims a setting that is not in force.

use super::{Config, ConfigError};

/// When a change to a setting takes effect, from the least disruptive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TakesEffect {
    /// At a reload (`ctrl reload`, SIGHUP, `POST /reload`), with no connection dropped.
    Reload,
    /// At `ctrl restart`, which closes the listeners and every connection.
    Restart,
    /// When the broker process starts again (stopped and started).
    ProcessStart,
}

/// The settings a reload does not apply (and `log.level`, which it does, inside `log`), by
/// dotted path: an entry covers the setting it names and everything inside it, and the
/// longest entry covering a setting decides. A setting no entry covers takes effect at a
/// reload.
pub const TAKES_EFFECT: &[(&str, TakesEffect)] = &[
    ("url", TakesEffect::Restart),
    ("tls", TakesEffect::Restart),
    ("websocket", TakesEffect::Restart),
    ("http_server", TakesEffect::Restart),
    ("num_taskq_thread", TakesEffect::ProcessStart),
    ("max_taskq_thread", TakesEffect::ProcessStart),
    ("daemon", TakesEffect::ProcessStart),
    ("persistence", TakesEffect::ProcessStart),
    ("log", TakesEffect::ProcessStart),
    ("log.level", TakesEffect::Reload),
];

/// Whether the table's `entry` covers the setting at `path` (`users[alice].password` is
/// inside `users`).
fn covers(entry: &str, path: &str) -> bool {
    path.strip_prefix(entry)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// When a change to the setting at dotted `path` (`http_server.port`, `log.level`,
/// `users[alice].password`) takes effect.
pub fn takes_effect(path: &str) -> TakesEffect {
    TAKES_EFFECT
        .iter()
        .filter(|(entry, _)| covers(entry, path))
        .max_by_key(|(entry, _)| entry.len())
        .map_or(TakesEffect::Reload, |(_, when)| *when)
}

impl Config {
    /// What runs once `event` has applied `next` to this (running) configuration: `next`'s
    /// value of every setting that `event` applies, this one's of the others.
    pub fn after(&self, event: TakesEffect, next: &Config) -> Result<Config, ConfigError> {
        let encode = |config: &Config| {
            serde_json::to_value(config).map_err(|e| ConfigError::new("", e.to_string()))
        };
        let (running, wanted) = (encode(self)?, encode(next)?);
        let mut merged = wanted.clone();
        // Shorter entries first: `log.level` then takes its value back from inside `log`.
        let mut entries = TAKES_EFFECT.to_vec();
        entries.sort_by_key(|(entry, _)| entry.len());
        for (entry, when) in entries {
            let source = if when <= event { &wanted } else { &running };
            let pointer = format!("/{}", entry.replace('.', "/"));
            if let (Some(value), Some(slot)) =
                (source.pointer(&pointer), merged.pointer_mut(&pointer))
            {
                *slot = value.clone();
            }
        }
        Config::from_json_value(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_entry_decides() {
        assert_eq!(takes_effect("msq_len"), TakesEffect::Reload);
        assert_eq!(takes_effect("users[alice].password"), TakesEffect::Reload);
        assert_eq!(takes_effect("http_server.port"), TakesEffect::Restart);
        assert_eq!(takes_effect("url"), TakesEffect::Restart);
        assert_eq!(
            takes_effect("urls"),
            TakesEffect::Reload,
            "a prefix is not a path"
        );
        assert_eq!(takes_effect("log.file"), TakesEffect::ProcessStart);
        assert_eq!(takes_effect("log.rotation.size"), TakesEffect::ProcessStart);
        assert_eq!(takes_effect("log.level"), TakesEffect::Reload);
        assert_eq!(takes_effect("persistence.dir"), TakesEffect::ProcessStart);
        assert_eq!(takes_effect("bridge.address"), TakesEffect::Reload);
    }

    #[test]
    fn what_runs_keeps_what_is_not_applied_yet() {
        let running = Config::default();
        let mut next = Config {
            msq_len: 7,
            url: "nmq-tcp://0.0.0.0:1999".into(),
            num_taskq_thread: 1,
            ..Config::default()
        };
        next.log.file = "elsewhere.log".into();
        next.log.level = super::super::LogLevel::Debug;
        next.http_server.port = 9;

        let reloaded = running.after(TakesEffect::Reload, &next).unwrap();
        assert_eq!(reloaded.msq_len, 7);
        assert_eq!(reloaded.log.level, next.log.level);
        assert_eq!(reloaded.log.file, running.log.file);
        assert_eq!(reloaded.url, running.url);
        assert_eq!(reloaded.http_server, running.http_server);
        assert_eq!(reloaded.num_taskq_thread, running.num_taskq_thread);

        let restarted = running.after(TakesEffect::Restart, &next).unwrap();
        assert_eq!((restarted.msq_len, restarted.http_server.port), (7, 9));
        assert_eq!(restarted.url, next.url);
        assert_eq!(restarted.log.level, next.log.level);
        assert_eq!(restarted.log.file, running.log.file);
        assert_eq!(restarted.num_taskq_thread, running.num_taskq_thread);

        let started = running.after(TakesEffect::ProcessStart, &next).unwrap();
        assert_eq!(started, next);
    }

    /// docs/configuration.md's table is this one, row for row (`` | `setting` | when | ``).
    #[test]
    fn the_readme_lists_the_table() {
        let word = |when: TakesEffect| match when {
            TakesEffect::Reload => "reload",
            TakesEffect::Restart => "restart",
            TakesEffect::ProcessStart => "process start",
        };
        let rows: Vec<String> = TAKES_EFFECT
            .iter()
            .map(|(entry, when)| format!("| `{entry}` | {} |", word(*when)))
            .collect();
        let readme = include_str!("../../../docs/configuration.md");
        let listed: Vec<&str> = readme
            .lines()
            .map(str::trim)
            .filter(|line| {
                let mut cells = line.split('|').map(str::trim).skip(1);
                cells.next().is_some_and(|c| c.starts_with('`'))
                    && cells
                        .next()
                        .is_some_and(|c| ["reload", "restart", "process start"].contains(&c))
            })
            .collect();
        assert_eq!(
            listed, rows,
            "docs/configuration.md, \"When a change takes effect\""
        );
    }
}
