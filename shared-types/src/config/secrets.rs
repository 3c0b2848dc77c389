//! Secrets in the configuration: what the API never sends back, and how a configuration that
//! comes back with the placeholder keeps the secret it hides.
//!
//! A secret is a password (MQTT users, the API's Basic auth, the bridge, a TLS key's), or key
//! material given inline (a PEM private key written into `tls.key` rather than a path to it).
//! `GET /configuration` shows each as [`PLACEHOLDER`]; a `POST /configuration` that sends the
//! placeholder back keeps what the broker has — so a configuration read, edited and written
//! back never loses, nor ever reveals, a secret; the fingerprints beside it
//! ([`ShownConfig`]) tell which secret changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Config;
use crate::ResultCode;

/// What a secret is shown as.
pub const PLACEHOLDER: &str = "******";

/// The body of `GET /configuration`: the configuration with every secret as [`PLACEHOLDER`]
/// and, beyond API.md, beside it a fingerprint of each secret it hides, by dotted path (see
/// [`Config::secrets`]): equal secrets give equal fingerprints while the broker runs, and a
/// fingerprint tells nothing of its secret, so a client sees which secret changed (between
/// two reads, or between the file and the running configuration) without seeing one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownConfig {
    /// 0.
    pub code: ResultCode,
    /// The configuration, secrets hidden.
    pub data: Config,
    /// A fingerprint of each hidden secret.
    #[serde(default)]
    pub fingerprints: BTreeMap<String, String>,
}

/// Whether a `tls.key` value is key material (rather than the path of a file holding it).
fn is_inline_pem(value: &str) -> bool {
    value.contains("-----BEGIN")
}

fn hide(value: &mut String) {
    if !value.is_empty() {
        *value = PLACEHOLDER.to_string();
    }
}

fn hide_optional(value: &mut Option<String>) {
    if let Some(text) = value {
        hide(text);
    }
}

fn keep(value: &mut String, previous: &str) {
    if value == PLACEHOLDER {
        *value = previous.to_string();
    }
}

fn keep_optional(value: &mut Option<String>, previous: &Option<String>) {
    if value.as_deref() == Some(PLACEHOLDER) {
        value.clone_from(previous);
    }
}

impl Config {
    /// This configuration with every secret replaced by [`PLACEHOLDER`].
    pub fn redacted(&self) -> Config {
        let mut config = self.clone();
        for user in &mut config.users {
            hide(&mut user.password);
        }
        hide(&mut config.http_server.password);
        hide_optional(&mut config.bridge.password);
        for bridge in config.bridges.mqtt.values_mut() {
            hide_optional(&mut bridge.password);
            hide_optional(&mut bridge.ssl.key_password);
            if bridge.ssl.keyfile.as_deref().is_some_and(is_inline_pem) {
                hide_optional(&mut bridge.ssl.keyfile);
            }
        }
        hide_optional(&mut config.tls.key_password);
        if config.tls.key.as_deref().is_some_and(is_inline_pem) {
            hide_optional(&mut config.tls.key);
        }
        config
    }

    /// Puts back, from `previous`, every secret this configuration holds only as
    /// [`PLACEHOLDER`] (a user's password is matched by username).
    pub fn restore_secrets(&mut self, previous: &Config) {
        for user in &mut self.users {
            if let Some(before) = previous.users.iter().find(|u| u.username == user.username) {
                keep(&mut user.password, &before.password);
            }
        }
        keep(
            &mut self.http_server.password,
            &previous.http_server.password,
        );
        keep_optional(&mut self.bridge.password, &previous.bridge.password);
        keep_optional(&mut self.tls.key_password, &previous.tls.key_password);
        keep_optional(&mut self.tls.key, &previous.tls.key);
        for (name, bridge) in &mut self.bridges.mqtt {
            if let Some(before) = previous.bridges.mqtt.get(name) {
                keep_optional(&mut bridge.password, &before.password);
                keep_optional(&mut bridge.ssl.key_password, &before.ssl.key_password);
                keep_optional(&mut bridge.ssl.keyfile, &before.ssl.keyfile);
            }
        }
    }

    /// Every secret this configuration holds (none empty), by dotted path
    /// (`users[alice].password`, `http_server.password`, `tls.key` when inline…), with its
    /// value: what [`Config::redacted`] hides.
    pub fn secrets(&self) -> Vec<(String, &str)> {
        let mut found: Vec<(String, &str)> = self
            .users
            .iter()
            .map(|user| {
                let path = format!("users[{}].password", user.username);
                (path, user.password.as_str())
            })
            .collect();
        let inline_key = self.tls.key.as_deref().filter(|key| is_inline_pem(key));
        let single = [
            (
                "http_server.password",
                Some(self.http_server.password.as_str()),
            ),
            ("bridge.password", self.bridge.password.as_deref()),
            ("tls.key_password", self.tls.key_password.as_deref()),
            ("tls.key", inline_key),
        ];
        found.extend(
            single
                .into_iter()
                .filter_map(|(path, value)| Some((path.to_string(), value?))),
        );
        for (name, bridge) in &self.bridges.mqtt {
            let inline_key = bridge
                .ssl
                .keyfile
                .as_deref()
                .filter(|key| is_inline_pem(key));
            let secrets = [
                ("password", bridge.password.as_deref()),
                ("ssl.key_password", bridge.ssl.key_password.as_deref()),
                ("ssl.keyfile", inline_key),
            ];
            for (key, value) in secrets {
                if let Some(value) = value {
                    found.push((format!("bridges.mqtt.{name}.{key}"), value));
                }
            }
        }
        found.retain(|(_, value)| !value.is_empty());
        found
    }

    /// The dotted paths of the fields still holding [`PLACEHOLDER`] (a secret sent back for
    /// something the broker has no secret for: a new user, say).
    pub fn placeholders(&self) -> Vec<String> {
        let mut fields = Vec::new();
        for (index, user) in self.users.iter().enumerate() {
            if user.password == PLACEHOLDER {
                fields.push(format!("users[{index}].password"));
            }
        }
        let single = [
            ("http_server.password", Some(&self.http_server.password)),
            ("bridge.password", self.bridge.password.as_ref()),
            ("tls.key_password", self.tls.key_password.as_ref()),
            ("tls.key", self.tls.key.as_ref()),
        ];
        for (field, value) in single {
            if value.is_some_and(|v| v == PLACEHOLDER) {
                fields.push(field.to_string());
            }
        }
        for (name, bridge) in &self.bridges.mqtt {
            let secrets = [
                ("password", bridge.password.as_ref()),
                ("ssl.key_password", bridge.ssl.key_password.as_ref()),
                ("ssl.keyfile", bridge.ssl.keyfile.as_ref()),
            ];
            for (key, value) in secrets {
                if value.is_some_and(|v| v == PLACEHOLDER) {
                    fields.push(format!("bridges.mqtt.{name}.{key}"));
                }
            }
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::UserCredential;

    fn with_secrets() -> Config {
        let mut config = Config {
            users: vec![UserCredential {
                username: "alice".into(),
                password: "s3cret".into(),
            }],
            ..Config::default()
        };
        config.bridge.password = Some("up".into());
        config.tls.key_password = Some("kp".into());
        config.tls.key = Some("-----BEGIN PRIVATE KEY-----\nMII...\n".into());
        config
    }

    #[test]
    fn no_secret_survives_redaction() {
        let config = with_secrets();
        let shown = serde_json::to_string(&config.redacted()).unwrap();
        for secret in ["s3cret", "\"public\"", "\"up\"", "\"kp\"", "BEGIN"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        // A key given as a path is no secret.
        let mut by_path = Config::default();
        by_path.tls.key = Some("/etc/nanomq/key.pem".into());
        assert_eq!(
            by_path.redacted().tls.key.as_deref(),
            Some("/etc/nanomq/key.pem")
        );
    }

    #[test]
    fn secrets_are_listed_where_redaction_hides_them() {
        let config = with_secrets();
        let paths: Vec<String> = config.secrets().into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            [
                "users[alice].password",
                "http_server.password",
                "bridge.password",
                "tls.key_password",
                "tls.key"
            ]
        );
        let redacted = serde_json::to_value(config.redacted()).unwrap();
        assert_eq!(redacted["tls"]["key"], PLACEHOLDER);
        assert!(
            Config::default().secrets().len() == 1,
            "the API's default password"
        );
    }

    #[test]
    fn placeholders_sent_back_keep_the_secrets() {
        let stored = with_secrets();
        let mut edited = stored.redacted();
        edited.msq_len = 99;
        edited.users.push(UserCredential {
            username: "bob".into(),
            password: PLACEHOLDER.into(),
        });
        edited.restore_secrets(&stored);
        assert_eq!(edited.users[0].password, "s3cret");
        assert_eq!(edited.http_server.password, "public");
        assert_eq!(edited.bridge.password.as_deref(), Some("up"));
        assert_eq!(edited.tls.key, stored.tls.key);
        assert_eq!(edited.placeholders(), ["users[1].password"]);
    }
}
