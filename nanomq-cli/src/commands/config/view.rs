//! Configuration as people read it: flattened to dotted settings (`http_server.port`), secrets
//! masked, long PEM texts shortened, and the difference between two configurations.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use shared_types::config::PLACEHOLDER;

use crate::output::plain;

/// Keys whose values are never shown in a table.
const SECRET_KEYS: [&str; 3] = ["password", "key_password", "token"];

/// Shown instead of a secret.
const MASK: &str = "********";

/// Every setting of `config` as `(dotted name, value)`: at each level the plain values first,
/// then the sections, each in name order. Arrays are single values.
pub fn flatten(config: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    flatten_into(config, "", &mut out);
    out
}

fn flatten_into(value: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
    let Value::Object(map) = value else {
        out.push((prefix.to_string(), value.clone()));
        return;
    };
    let name = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for (key, child) in map.iter().filter(|(_, v)| !v.is_object()) {
        out.push((name(key), child.clone()));
    }
    for (key, child) in map.iter().filter(|(_, v)| v.is_object()) {
        flatten_into(child, &name(key), out);
    }
}

/// A setting's value for a table: secrets masked (also inside arrays such as `users`), a PEM
/// text cut to its first line.
pub fn shown(name: &str, value: &Value) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    if SECRET_KEYS.contains(&last) {
        return match value {
            Value::String(s) if s.is_empty() => String::new(),
            Value::Null => "-".to_string(),
            _ => MASK.to_string(),
        };
    }
    let text = plain(&mask(value));
    match text.split_once('\n') {
        Some((first, rest)) => format!("{first} … ({} more lines)", rest.lines().count()),
        None => text,
    }
}

fn mask(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let hidden = SECRET_KEYS.contains(&k.as_str()) && v.is_string();
                    let v = if hidden {
                        Value::String(MASK.to_string())
                    } else {
                        mask(v)
                    };
                    (k.clone(), v)
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask).collect()),
        other => other.clone(),
    }
}

/// One setting that differs between two configurations.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// The dotted name.
    pub field: String,
    /// The value before; None when the setting did not exist.
    pub old: Option<Value>,
    /// The value after; None when the setting is gone.
    pub new: Option<Value>,
}

/// A configuration as the broker shows it: secrets as `******`, and a fingerprint of each
/// by dotted path (`users[alice].password`), which tells whether a secret changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    /// The configuration (the API's `data`).
    pub data: Value,
    /// The fingerprints of its secrets.
    pub fingerprints: BTreeMap<String, String>,
}

/// The settings that differ from `before` to `after`, secrets included: a secret whose
/// fingerprint changed is a change even though both sides show `******` (unless a change
/// of the setting holding it, such as `users`, is listed already).
pub fn changes(before: &Shown, after: &Shown) -> Vec<Change> {
    let mut changes = diff(&before.data, &after.data);
    let paths: BTreeSet<&String> = before
        .fingerprints
        .keys()
        .chain(after.fingerprints.keys())
        .collect();
    for path in paths {
        let (old, new) = (before.fingerprints.get(path), after.fingerprints.get(path));
        let covered = changes.iter().any(|c| {
            path.strip_prefix(c.field.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        });
        if old != new && !covered {
            let hidden =
                |fingerprint: Option<&String>| fingerprint.map(|_| Value::from(PLACEHOLDER));
            changes.push(Change {
                field: path.clone(),
                old: hidden(old),
                new: hidden(new),
            });
        }
    }
    changes
}

/// The settings that differ from `before` to `after`, in the order of `after`.
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let old = flatten(before);
    let new = flatten(after);
    let lookup = |list: &[(String, Value)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    let mut changes: Vec<Change> = new
        .iter()
        .filter_map(|(name, value)| {
            let was = lookup(&old, name);
            (was.as_ref() != Some(value)).then(|| Change {
                field: name.clone(),
                old: was,
                new: Some(value.clone()),
            })
        })
        .collect();
    changes.extend(
        old.iter()
            .filter(|(name, _)| lookup(&new, name).is_none())
            .map(|(name, value)| Change {
                field: name.clone(),
                old: Some(value.clone()),
                new: None,
            }),
    );
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plain_values_before_sections() {
        let config = json!({"b": {"y": 1, "x": {"deep": true}}, "a": "v", "c": [1, 2]});
        let names: Vec<String> = flatten(&config).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "c", "b.y", "b.x.deep"]);
    }

    #[test]
    fn secrets_and_pem_are_not_shown() {
        assert_eq!(shown("http_server.password", &json!("public")), MASK);
        assert_eq!(shown("bridge.password", &Value::Null), "-");
        assert_eq!(
            shown("users", &json!([{"username": "a", "password": "p"}])),
            r#"[{"password":"********","username":"a"}]"#
        );
        assert_eq!(
            shown(
                "tls.cert",
                &json!("-----BEGIN CERTIFICATE-----\nAAA\n-----END-----\n")
            ),
            "-----BEGIN CERTIFICATE----- … (2 more lines)"
        );
    }

    #[test]
    fn a_changed_secret_is_a_change() {
        let shown = |fingerprints: &[(&str, &str)]| Shown {
            data: json!({"http_server": {"password": "******"}, "users": [{"username": "a"}]}),
            fingerprints: fingerprints
                .iter()
                .map(|(p, f)| (p.to_string(), f.to_string()))
                .collect(),
        };
        let before = shown(&[("http_server.password", "1"), ("users[a].password", "2")]);
        assert!(changes(&before, &before).is_empty());
        let after = shown(&[("http_server.password", "9"), ("users[a].password", "8")]);
        let fields: Vec<String> = changes(&before, &after)
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(fields, ["http_server.password", "users[a].password"]);
        let mut added = after.clone();
        added.data["users"] = json!([{"username": "a"}, {"username": "b"}]);
        added
            .fingerprints
            .insert("users[b].password".into(), "7".into());
        let fields: Vec<String> = changes(&after, &added)
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(fields, ["users"], "the list of users says it already");
    }

    #[test]
    fn differences() {
        let before = json!({"msq_len": 64, "http_server": {"port": 8081, "enable": true}});
        let after = json!({"msq_len": 128, "http_server": {"port": 8081, "enable": true}, "x": 1});
        assert_eq!(
            diff(&before, &after),
            vec![
                Change {
                    field: "msq_len".into(),
                    old: Some(json!(64)),
                    new: Some(json!(128))
                },
                Change {
                    field: "x".into(),
                    old: None,
                    new: Some(json!(1))
                },
            ]
        );
        assert!(diff(&after, &after).is_empty());
    }
}
