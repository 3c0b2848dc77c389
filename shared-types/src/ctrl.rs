//! `POST /api/v4/ctrl/{action}`: the broker control actions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What `ctrl/{action}` asks the broker to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CtrlAction {
    /// Graceful shutdown, then exit with status 0.
    Stop,
    /// Stop the listeners, re-read the configuration file, start them again.
    Restart,
}

impl CtrlAction {
    /// The path segment: "stop" or "restart".
    pub fn as_str(self) -> &'static str {
        match self {
            CtrlAction::Stop => "stop",
            CtrlAction::Restart => "restart",
        }
    }
}

impl fmt::Display for CtrlAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action other than "stop" or "restart".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCtrlAction(pub String);

impl fmt::Display for UnknownCtrlAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown action `{}`: expected stop or restart", self.0)
    }
}

impl std::error::Error for UnknownCtrlAction {}

impl FromStr for CtrlAction {
    type Err = UnknownCtrlAction;

    fn from_str(action: &str) -> Result<CtrlAction, UnknownCtrlAction> {
        match action {
            "stop" => Ok(CtrlAction::Stop),
            "restart" => Ok(CtrlAction::Restart),
            other => Err(UnknownCtrlAction(other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_two_actions() {
        assert_eq!("stop".parse(), Ok(CtrlAction::Stop));
        assert_eq!("restart".parse(), Ok(CtrlAction::Restart));
        assert_eq!(CtrlAction::Restart.to_string(), "restart");
    }

    #[test]
    fn rejects_anything_else() {
        for bad in ["", "Stop", "reload", "restart "] {
            assert_eq!(
                bad.parse::<CtrlAction>(),
                Err(UnknownCtrlAction(bad.to_string()))
            );
        }
    }

    #[test]
    fn serde_as_lowercase_strings() {
        assert_eq!(
            serde_json::to_string(&CtrlAction::Stop).unwrap(),
            "\"stop\""
        );
        assert_eq!(
            serde_json::from_str::<CtrlAction>("\"restart\"").unwrap(),
            CtrlAction::Restart
        );
        assert!(serde_json::from_str::<CtrlAction>("\"halt\"").is_err());
    }
}

/// `POST /api/v4/reload`: what re-reading the configuration file changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReloadReport {
    /// Settings (dotted paths, e.g. `auth.acl`, `log.level`) changed in the file and now in
    /// force, without a connection dropped.
    pub applied: Vec<String>,
    /// Settings changed in the file that a reload does not apply: the running ones stay until
    /// `ctrl/restart` (the listeners, the HTTP API) or the next start of the process (the
    /// store, the worker threads, where the log goes); see `config::takes_effect`.
    pub restart_required: Vec<String>,
    /// What changed in the users and access rules, in words (`users: +dave -erin ~carol`,
    /// `acl: 2 rules changed`), the password and ACL files' contents included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<String>,
    /// Connected clients disconnected because the new users or rules no longer let them in.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disconnected: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `GET`/`POST /api/v4/log/level`: the log level in force (the POST changes it at run time,
/// without touching the configuration file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogLevelBody {
    /// error, warn, info, debug or trace.
    pub level: crate::config::LogLevel,
}
