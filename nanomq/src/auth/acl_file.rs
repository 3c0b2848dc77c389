//! Reading `auth.acl_file`. Three forms are understood, so that an existing NanoMQ file works
//! unchanged:
//!
//! - TOML, as in this broker's configuration: `[[acl]]` tables (or `acl = [...]`).
//! - NanoMQ's `acl.conf` (HOCON): `rules = [ {...} {...} ]`, each rule a JSON object, rules
//!   separated by newlines or commas, `#` and `//` comments outside strings.
//! - NanoMQ's older key-value form: `acl.rule.1={...}` lines.
//!
//! Hand-written rather than a HOCON crate: only this one shape of HOCON is ever read, and its
//! rules are JSON objects, which serde_json parses.

use shared_types::config::AclRule;

/// Reads the rules of an ACL file (`name` names it in errors); each rule comes with where it
/// is (`acl.conf rule 3`).
pub fn parse(name: &str, text: &str) -> Result<Vec<(AclRule, String)>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct TomlFile {
        /// Absent in an empty (or comments-only) file: no rules.
        #[serde(default)]
        acl: Vec<AclRule>,
    }
    let label = |index: usize| format!("{name} rule {}", index + 1);
    if let Ok(file) = toml::from_str::<TomlFile>(text) {
        return Ok(file
            .acl
            .into_iter()
            .enumerate()
            .map(|(i, rule)| (rule, label(i)))
            .collect());
    }
    let code = strip_comments(text);
    let objects = if code.trim_start().starts_with("acl.rule.") {
        legacy_objects(&code)
    } else {
        hocon_objects(&code).ok_or_else(|| {
            format!(
                "{name}: neither TOML [[acl]] tables nor NanoMQ's `rules = [ ... ]` (or acl.rule.N=...)"
            )
        })?
    };
    objects
        .iter()
        .enumerate()
        .map(|(i, object)| {
            serde_json::from_str::<AclRule>(object)
                .map(|rule| (rule, label(i)))
                .map_err(|e| format!("{}: {}", label(i), without_content(&e)))
        })
        .collect()
}

/// What is wrong with a rule, without quoting the file: a file named by mistake (or by an
/// API user probing, `/etc/shadow`) must not have its content shown in the error.
fn without_content(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Syntax => "not a JSON object",
        Category::Data => "a field has an unknown name or a value of the wrong kind",
        Category::Eof => "it ends too early",
        Category::Io => "it could not be read",
    };
    format!(
        "{what} (line {}, column {} of the rule)",
        error.line(),
        error.column()
    )
}

/// The text with `#` and `//` comments removed (outside double-quoted strings).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'#' => {
                    cut = i;
                    break;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// The `{...}` objects inside `rules = [ ... ]`.
fn hocon_objects(code: &str) -> Option<Vec<String>> {
    let start = code.find("rules")?;
    let rest = code[start + "rules".len()..].trim_start();
    let rest = rest
        .strip_prefix('=')
        .or_else(|| rest.strip_prefix(':'))
        .unwrap_or(rest)
        .trim_start();
    let body = rest.strip_prefix('[')?;
    let mut objects = Vec::new();
    let mut depth = 0usize;
    let mut begin = None;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => {
                if depth == 0 {
                    begin = Some(i);
                }
                depth += 1;
            }
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    objects.push(body[begin?..=i].to_string());
                }
            }
            ']' if depth == 0 => return Some(objects),
            _ => {}
        }
    }
    None
}

/// The objects of `acl.rule.N={...}` lines.
fn legacy_objects(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| line.trim().strip_prefix("acl.rule."))
        .filter_map(|rest| rest.split_once('='))
        .map(|(_, object)| object.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use shared_types::config::{AclAction, AclTopic, Permit};

    use super::*;

    /// NanoMQ's shipped `etc/nanomq_acl.conf`, with its second rule uncommented and one of
    /// NanoMQ's documented forms added.
    const NANOMQ: &str = r##"# #====================================================================
# # Configuration for Acl
# #====================================================================

rules = [
	# # Allow MQTT client using username "dashboard"  to subscribe to "$SYS/#" topics
	{"permit": "allow", "username": "dashboard", "action": "subscribe", "topics": ["$SYS/#"]}

	# # Deny "All Users" subscribe to "$SYS/#" "#" Topics
	{"permit": "deny", "username": "#", "action": "subscribe", "topics": ["$SYS/#", "@#"]}

	{"permit": "deny", "action": "publish", "and": [{"username": "guest"}, {"ipaddr": "192.168.1.100"}], "topics": ["critical/#"]}
	# # Allow any other publish/subscribe operation
	{"permit": "allow"}
]"##;

    #[test]
    fn nanomq_acl_conf_reads_as_is() {
        let rules = parse("acl.conf", NANOMQ).unwrap();
        assert_eq!(rules.len(), 4);
        let (first, label) = &rules[0];
        assert_eq!(label, "acl.conf rule 1");
        assert_eq!(first.username.as_deref(), Some("dashboard"));
        assert_eq!(first.action, AclAction::Subscribe);
        assert_eq!(rules[1].0.topics[1], AclTopic::Filter("@#".into()));
        assert_eq!(rules[2].0.all_of.len(), 2);
        assert_eq!(rules[3].0.permit, Permit::Allow);
        assert!(rules[3].0.topics.is_empty());
    }

    #[test]
    fn errors_name_the_rule_but_never_quote_the_file() {
        let error =
            parse("x.conf", "rules = [ {\"permit\": \"root:x:0:0:/bin/sh\"} ]").unwrap_err();
        assert!(error.starts_with("x.conf rule 1:"), "{error}");
        assert!(!error.contains("root"), "{error}");
    }

    #[test]
    fn toml_and_legacy_forms() {
        let toml = "[[acl]]\npermit = \"deny\"\nclientid = \"c1\"\n\n[[acl]]\npermit = \"allow\"\n";
        let rules = parse("acl.toml", toml).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].0.clientid.as_deref(), Some("c1"));
        let legacy = "acl.rule.1={\"permit\": \"allow\", \"username\": \"dashboard\", \"action\": \"subscribe\", \"topics\": [\"$SYS/#\"]}\nacl.rule.2={\"permit\": \"deny\"}\n";
        let rules = parse("acl.conf", legacy).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].0.permit, Permit::Deny);
        for empty in ["", "# no rules yet\n", "rules = []\n"] {
            assert_eq!(parse("acl", empty).unwrap().len(), 0, "{empty:?}");
        }
    }

    #[test]
    fn bad_files_say_where() {
        let error = parse("acl.conf", "rules = [ {\"permit\": \"maybe\"} ]").unwrap_err();
        assert!(error.starts_with("acl.conf rule 1:"), "{error}");
        assert!(parse("acl.conf", "nothing = 1").is_err());
        assert!(parse("acl.conf", "rules = [ {\"permit\": \"allow\"").is_err());
    }
}
