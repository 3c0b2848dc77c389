//! What a new set of users and rules changes, in the words a reload answers with
//! (`users: +dave -erin ~carol`, `acl: 2 rules changed`).

use std::collections::BTreeSet;

use super::AuthRules;

/// The difference between the users and rules in force and new ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthChange {
    /// Users added.
    pub added: Vec<String>,
    /// Users removed.
    pub removed: Vec<String>,
    /// Users whose password changed.
    pub changed: Vec<String>,
    /// Rules that differ, position by position (added and removed ones included).
    pub rules_changed: usize,
}

impl AuthChange {
    /// What going from `old` to `new` changes.
    pub fn between(old: &AuthRules, new: &AuthRules) -> AuthChange {
        let before: BTreeSet<&str> = old.passwords.iter().map(|(name, _)| name).collect();
        let after: BTreeSet<&str> = new.passwords.iter().map(|(name, _)| name).collect();
        let changed = before
            .intersection(&after)
            .filter(|name| old.passwords.get(name) != new.passwords.get(name))
            .map(|name| (*name).to_string())
            .collect();
        let old_rules: Vec<&str> = old.acl.sources().collect();
        let new_rules: Vec<&str> = new.acl.sources().collect();
        let rules_changed = (0..old_rules.len().max(new_rules.len()))
            .filter(|&i| old_rules.get(i) != new_rules.get(i))
            .count();
        AuthChange {
            added: after
                .difference(&before)
                .map(|n| (*n).to_string())
                .collect(),
            removed: before
                .difference(&after)
                .map(|n| (*n).to_string())
                .collect(),
            changed,
            rules_changed,
        }
    }

    /// True when neither a user nor a rule changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.rules_changed == 0
    }

    /// The change in words, one line per kind.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let users: Vec<String> = (self.added.iter().map(|u| format!("+{u}")))
            .chain(self.removed.iter().map(|u| format!("-{u}")))
            .chain(self.changed.iter().map(|u| format!("~{u}")))
            .collect();
        if !users.is_empty() {
            lines.push(format!("users: {}", users.join(" ")));
        }
        match self.rules_changed {
            0 => {}
            1 => lines.push("acl: 1 rule changed".to_string()),
            n => lines.push(format!("acl: {n} rules changed")),
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> AuthRules {
        AuthRules::load(&shared_types::config::Config::from_toml_str(text).unwrap()).unwrap()
    }

    #[test]
    fn users_and_rules_in_words() {
        let old = rules(
            r#"
            users = [{ username = "carol", password = "c" }, { username = "erin", password = "e" },
                     { username = "frank", password = "f" }]
            [[auth.acl]]
            permit = "deny"
            topics = ["a/#"]
            "#,
        );
        let new = rules(
            r#"
            users = [{ username = "carol", password = "c2" }, { username = "dave", password = "d" },
                     { username = "frank", password = "f" }]
            [[auth.acl]]
            permit = "deny"
            topics = ["b/#"]
            [[auth.acl]]
            permit = "allow"
            "#,
        );
        let change = AuthChange::between(&old, &new);
        assert_eq!(
            change.describe(),
            ["users: +dave -erin ~carol", "acl: 2 rules changed"]
        );
        assert!(AuthChange::between(&new, &new).is_empty());
    }
}
