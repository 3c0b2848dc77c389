//! A new configuration never weakens access control by accident.
//!
//! An editor or a deploy tool that truncates the file before writing it, a password file
//! caught half written, a `[auth]` section lost in a merge: read at that moment, the file
//! says "anonymous allowed, no users, no rules" — the defaults. A reload, a restart or a
//! `POST /configuration` that would put such a weaker configuration in force is refused (the
//! running configuration stays, and the answer or the log says why) unless the file states the
//! weaker setting itself:
//!
//! - `allow_anonymous` turned on needs `allow_anonymous = true` in the file;
//! - every user gone needs `users = []` in the file and no `auth.password_file`;
//! - every rule gone needs `acl = []` in its `[auth]` section and no `auth.acl_file`;
//! - `auth.no_match` turned from `deny` to `allow` needs `no_match` in its `[auth]` section.

use std::collections::BTreeSet;

use shared_types::config::{Config, Permit};

use super::AuthRules;

/// The keys a configuration file (or an API request) states, as dotted paths of the top level
/// and of each section (`allow_anonymous`, `auth.acl`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stated(BTreeSet<String>);

impl Stated {
    /// The keys of a TOML file's text (none if it does not parse: then nothing is stated).
    pub fn from_toml(text: &str) -> Stated {
        match text.parse::<toml::Table>() {
            Ok(table) => Stated::from_keys(table.iter().map(|(k, v)| (k, v.as_table()))),
            Err(_) => Stated::default(),
        }
    }

    /// The keys of a JSON object (an API request's configuration).
    pub fn from_json(value: &serde_json::Value) -> Stated {
        let mut keys = BTreeSet::new();
        if let Some(object) = value.as_object() {
            for (key, value) in object {
                keys.insert(key.clone());
                if let Some(section) = value.as_object() {
                    keys.extend(section.keys().map(|inner| format!("{key}.{inner}")));
                }
            }
        }
        Stated(keys)
    }

    fn from_keys<'a>(
        entries: impl Iterator<Item = (&'a String, Option<&'a toml::Table>)>,
    ) -> Stated {
        let mut keys = BTreeSet::new();
        for (key, section) in entries {
            keys.insert(key.clone());
            if let Some(section) = section {
                keys.extend(section.keys().map(|inner| format!("{key}.{inner}")));
            }
        }
        Stated(keys)
    }

    /// Whether `key` (a dotted path) is stated.
    pub fn has(&self, key: &str) -> bool {
        self.0.contains(key)
    }
}

/// What is in force now, as far as the guard is concerned.
#[derive(Debug, Clone, Copy)]
pub struct InForce<'a> {
    /// Whether anonymous clients may connect.
    pub allow_anonymous: bool,
    /// The users and rules.
    pub auth: &'a AuthRules,
}

/// Refuses `next` (with `next_auth`, its users and rules) when it would weaken what is in
/// force without `stated` saying so; the error says what and how to mean it.
pub fn check(
    now: InForce<'_>,
    next: &Config,
    next_auth: &AuthRules,
    stated: &Stated,
) -> Result<(), String> {
    let mut refusals = Vec::new();
    if !now.allow_anonymous && next.allow_anonymous && !stated.has("allow_anonymous") {
        refusals.push(
            "it would allow anonymous clients, but the file does not say `allow_anonymous = true`"
                .to_string(),
        );
    }
    let had_users = now.auth.passwords.len();
    if had_users > 0
        && next_auth.passwords.is_empty()
        && !(stated.has("users") && next.auth.password_file.is_none())
    {
        refusals.push(format!(
            "it would remove every user ({had_users} now; an empty or missing password file?): to mean it, write `users = []` and no `auth.password_file`"
        ));
    }
    let had_rules = now.auth.acl.len();
    if had_rules > 0
        && next_auth.acl.is_empty()
        && !(stated.has("auth.acl") && next.auth.acl_file.is_none())
    {
        refusals.push(format!(
            "it would remove every access rule ({had_rules} now): to mean it, write `acl = []` in `[auth]` and no `auth.acl_file`"
        ));
    }
    if now.auth.acl.no_match() == Permit::Deny
        && next.auth.no_match == Permit::Allow
        && !stated.has("auth.no_match")
    {
        refusals.push(
            "it would turn `auth.no_match` from deny to allow, but the file does not say `no_match = \"allow\"`"
                .to_string(),
        );
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the new configuration would weaken access control: {}",
            refusals.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(config: &Config) -> AuthRules {
        AuthRules::load(config).unwrap()
    }

    fn locked() -> Config {
        Config::from_toml_str(
            r#"
            allow_anonymous = false
            users = [{ username = "alice", password = "a" }]
            [auth]
            no_match = "deny"
            [[auth.acl]]
            permit = "allow"
            username = "alice"
            "#,
        )
        .unwrap()
    }

    #[test]
    fn an_empty_file_is_refused_and_an_explicit_one_accepted() {
        let running = locked();
        let auth = rules(&running);
        let now = InForce {
            allow_anonymous: false,
            auth: &auth,
        };
        let empty = Config::default();
        let error = check(now, &empty, &rules(&empty), &Stated::from_toml("")).unwrap_err();
        for part in ["anonymous", "every user", "every access rule", "no_match"] {
            assert!(error.contains(part), "{part}: {error}");
        }
        let text = r#"
            allow_anonymous = true
            users = []
            [auth]
            no_match = "allow"
            acl = []
        "#;
        let open = Config::from_toml_str(text).unwrap();
        check(now, &open, &rules(&open), &Stated::from_toml(text)).unwrap();
        check(now, &running, &auth, &Stated::default()).unwrap();
    }

    #[test]
    fn stated_keys_from_json_and_toml() {
        let json = serde_json::json!({"allow_anonymous": true, "auth": {"acl": []}});
        let stated = Stated::from_json(&json);
        assert!(stated.has("allow_anonymous") && stated.has("auth.acl"));
        assert!(!stated.has("users"));
        let stated = Stated::from_toml("users = []\n[auth]\nno_match = \"deny\"\n");
        assert!(stated.has("users") && stated.has("auth.no_match") && stated.has("auth"));
        assert!(!Stated::from_toml("not toml [").has("users"));
    }
}
