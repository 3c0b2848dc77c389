//! The users who may connect with a password: the configuration's `users`, then the lines of
//! `auth.password_file`, each secret in one of the forms of [`shared_types::secret`].
//!
//! The file takes `username:secret` lines (what `mosquitto_passwd` and `nanomq-cli passwd`
//! write; blank lines and `#` comments skipped), and NanoMQ's `"username": "password"` pairs.
//! A user named twice keeps the first secret (the configuration's `users` come first).

use std::collections::HashMap;
use std::path::Path;

use shared_types::config::Config;
use shared_types::secret::StoredSecret;
use tracing::warn;

/// The users and their stored secrets.
#[derive(Debug, Default)]
pub struct Passwords {
    users: HashMap<String, StoredSecret>,
}

impl Passwords {
    /// The configuration's users and those of its password file (read now).
    pub fn load(config: &Config) -> Result<Passwords, String> {
        let mut passwords = Passwords::default();
        for (index, user) in config.users.iter().enumerate() {
            let secret = StoredSecret::parse(&user.password)
                .map_err(|e| format!("users[{index}].password: {e}"))?;
            passwords.add(&user.username, secret, "the configuration");
        }
        if let Some(path) = &config.auth.password_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("auth.password_file {path}: {e}"))?;
            let name = Path::new(path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            for (number, line) in text.lines().enumerate() {
                let Some((username, secret)) = parse_line(line) else {
                    continue;
                };
                if secret.contains(':') && !line.trim_start().starts_with('"') {
                    // `/etc/passwd` has `root:x:0:0:…` lines: a file like it is not a
                    // password file, whatever the first field says. (Nothing of the line is
                    // quoted: the error may reach the API.)
                    return Err(format!(
                        "{name} line {}: not a `username:secret` line (a secret holds no `:`); is this a password file?",
                        number + 1
                    ));
                }
                let secret = StoredSecret::parse(&secret)
                    .map_err(|e| format!("{name} line {}: {e}", number + 1))?;
                passwords.add(&username, secret, &name);
            }
        }
        Ok(passwords)
    }

    fn add(&mut self, username: &str, secret: StoredSecret, from: &str) {
        if self.users.contains_key(username) {
            warn!(
                username,
                from, "user given twice: the first password is kept"
            );
            return;
        }
        if secret == StoredSecret::Plain(String::new()) {
            warn!(username, from, "user with an empty password");
        } else if matches!(secret, StoredSecret::Plain(_)) {
            warn!(
                username,
                from, "password stored in plain text: hash it with `nanomq-cli passwd`"
            );
        }
        self.users.insert(username.to_string(), secret);
    }

    /// The stored secret of `username`.
    pub fn get(&self, username: &str) -> Option<&StoredSecret> {
        self.users.get(username)
    }

    /// A secret to check unknown usernames against, so that refusing them costs what refusing
    /// a known user costs: the costliest stored secret.
    pub fn timing_dummy(&self) -> Option<&StoredSecret> {
        self.users
            .values()
            .max_by_key(|secret| (secret.is_costly(), secret.memory_kib()))
    }

    /// The users and their secrets, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &StoredSecret)> {
        self.users
            .iter()
            .map(|(name, secret)| (name.as_str(), secret))
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// True when no user has a password.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

/// A `username:secret` line or a NanoMQ `"username": "password"` pair; `None` for a blank or
/// comment line.
fn parse_line(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    if let Some(rest) = line.strip_prefix('"') {
        let (username, rest) = rest.split_once('"')?;
        let rest = rest.trim_start().strip_prefix(':')?.trim();
        let password = rest.strip_prefix('"')?.strip_suffix('"')?;
        return Some((username.to_string(), password.to_string()));
    }
    let (username, secret) = line.split_once(':')?;
    let username = username.trim();
    (!username.is_empty()).then(|| (username.to_string(), secret.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_both_forms() {
        assert_eq!(
            parse_line("alice:$7$101$salt$hash"),
            Some(("alice".into(), "$7$101$salt$hash".into()))
        );
        assert_eq!(
            parse_line(r#""admin": "public""#),
            Some(("admin".into(), "public".into()))
        );
        assert_eq!(parse_line("# a comment"), None);
        assert_eq!(parse_line("   "), None);
        assert_eq!(parse_line(":nobody"), None);
        assert_eq!(parse_line("no separator"), None);
    }

    #[test]
    fn the_file_adds_to_the_configured_users() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("passwd");
        std::fs::write(
            &path,
            "# users\nbob:bobpass\nalice:ignored\n\"carol\": \"c\"\n",
        )
        .unwrap();
        let mut config = Config {
            users: vec![shared_types::config::UserCredential {
                username: "alice".into(),
                password: "first".into(),
            }],
            ..Config::default()
        };
        config.auth.password_file = Some(path.display().to_string());
        let passwords = Passwords::load(&config).unwrap();
        assert_eq!(passwords.len(), 3);
        assert!(passwords.get("alice").unwrap().verify(b"first"));
        assert!(passwords.get("bob").unwrap().verify(b"bobpass"));
        assert!(passwords.get("carol").unwrap().verify(b"c"));
        std::fs::write(&path, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
        let error = Passwords::load(&config).unwrap_err();
        assert!(error.contains("is this a password file"), "{error}");
        assert!(
            !error.contains("/root"),
            "nothing of the file quoted: {error}"
        );
        std::fs::write(&path, "bad:$6$notbase64!$x\n").unwrap();
        let error = Passwords::load(&config).unwrap_err();
        assert!(error.starts_with("passwd line 1:"), "{error}");
    }
}
