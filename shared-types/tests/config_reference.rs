//! docs/configuration-reference.md is generated from the configuration types themselves: every
//! key, its default (from `Config::default()`) and its meaning (the field's doc comment in
//! `src/config/`). This test fails when the page and the types disagree, so a key cannot be
//! added, renamed or re-documented without the page following;
//! `UPDATE_DOCS=1 cargo test -p shared-types --test config_reference` rewrites it.
//!
//! The types are read as source text (doc comments do not exist at run time): `pub struct`
//! and `pub enum` blocks, their `///` lines, `pub name: Type,` fields and serde's `rename`
//! and `rename_all = "lowercase"`. That is the whole of the shape the config types use; a
//! field this reader does not understand fails the test rather than vanishing from the page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;
use shared_types::config::Config;

const SOURCES: [&str; 8] = [
    include_str!("../src/config/mod.rs"),
    include_str!("../src/config/auth.rs"),
    include_str!("../src/config/bridge.rs"),
    include_str!("../src/config/bridges.rs"),
    include_str!("../src/config/http_server.rs"),
    include_str!("../src/config/listeners.rs"),
    include_str!("../src/config/persistence.rs"),
    include_str!("../src/config/size.rs"),
];

const PAGE: &str = "docs/configuration-reference.md";

/// A field of a config struct.
#[derive(Debug)]
struct Field {
    key: String,
    ty: String,
    doc: String,
}

/// What the sources define: structs with their fields and docs, enums with their values.
#[derive(Debug, Default)]
struct Types {
    structs: BTreeMap<String, (String, Vec<Field>)>,
    enums: BTreeMap<String, Vec<String>>,
}

fn parse(sources: &[&str]) -> Types {
    let mut types = Types::default();
    for source in sources {
        let mut doc: Vec<String> = Vec::new();
        let mut rename: Option<String> = None;
        let mut lowercase = false;
        // (name, is_struct, its doc, fields or variants)
        let mut open: Option<(String, bool, String)> = None;
        let mut fields = Vec::new();
        let mut variants = Vec::new();
        let mut depth = 0usize;
        for line in source.lines() {
            let text = line.trim();
            if text.starts_with("#[cfg(test)]") && open.is_none() {
                break;
            }
            if let Some(rest) = text.strip_prefix("///") {
                doc.push(rest.trim().to_owned());
                continue;
            }
            if text.starts_with("#[serde(") {
                if let Some(at) = text.find("rename = \"") {
                    let rest = &text[at + 10..];
                    rename = Some(rest[..rest.find('"').unwrap()].to_owned());
                }
                if text.contains("rename_all = \"lowercase\"") {
                    lowercase = true;
                }
                continue;
            }
            if text.starts_with("#[") {
                continue;
            }
            match &open {
                None => {
                    let header = text
                        .strip_prefix("pub struct ")
                        .map(|rest| (rest, true))
                        .or_else(|| text.strip_prefix("pub enum ").map(|rest| (rest, false)));
                    if let Some((rest, is_struct)) = header
                        && text.ends_with('{')
                    {
                        let name = rest.trim_end_matches('{').trim().to_owned();
                        open = Some((name, is_struct, doc.join(" ")));
                        depth = 1;
                        fields = Vec::new();
                        variants = Vec::new();
                    } else {
                        lowercase = false;
                    }
                    doc.clear();
                    rename = None;
                }
                Some((name, is_struct, struct_doc)) => {
                    if depth == 1 && text == "}" {
                        if *is_struct {
                            let entry = (struct_doc.clone(), std::mem::take(&mut fields));
                            types.structs.insert(name.clone(), entry);
                        } else {
                            types
                                .enums
                                .insert(name.clone(), std::mem::take(&mut variants));
                        }
                        open = None;
                        lowercase = false;
                        doc.clear();
                        continue;
                    }
                    depth += text.matches('{').count();
                    depth -= text.matches('}').count();
                    if depth == 1 && *is_struct {
                        if let Some(rest) = text.strip_prefix("pub ") {
                            let (field, ty) = rest.split_once(": ").unwrap_or_else(|| {
                                panic!("cannot read the field `{text}` of {name}")
                            });
                            fields.push(Field {
                                key: rename.take().unwrap_or_else(|| field.to_owned()),
                                ty: ty.trim_end_matches(',').to_owned(),
                                doc: doc.join(" "),
                            });
                        }
                    } else if depth == 1 && !*is_struct && !text.is_empty() {
                        let variant: String = text
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !variant.is_empty() {
                            let shown = rename.take().unwrap_or_else(|| {
                                if lowercase {
                                    variant.to_lowercase()
                                } else {
                                    variant.clone()
                                }
                            });
                            variants.push(shown);
                        }
                    }
                    if !text.starts_with("//") {
                        doc.clear();
                    }
                }
            }
        }
    }
    types
}

/// The type inside `Option<…>`, `Vec<…>`, `BTreeMap<String, …>` and `super::…` paths.
fn inner(ty: &str) -> (&str, bool) {
    let ty = ty.trim_start_matches("super::");
    if let Some(rest) = ty.strip_prefix("BTreeMap<String, ") {
        return (inner(rest.trim_end_matches('>')).0, false);
    }
    if let Some(rest) = ty.strip_prefix("Option<") {
        return (inner(rest.trim_end_matches('>')).0, false);
    }
    if let Some(rest) = ty.strip_prefix("Vec<") {
        return (inner(rest.trim_end_matches('>')).0, true);
    }
    (ty, false)
}

/// A default as it would be written in the file.
fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::from("(none)"),
        Some(Value::String(text)) if text.is_empty() => String::from("`\"\"`"),
        Some(Value::String(text)) => format!("`\"{text}\"`"),
        Some(Value::Array(items)) if items.is_empty() => String::from("`[]`"),
        Some(other) => format!("`{other}`"),
    }
}

/// A doc comment as a table cell: `|` escaped, rustdoc's intra-doc links (`[x](a::b)`)
/// reduced to their text.
fn cell(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|at| open + at) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|at| close + at) else {
            break;
        };
        out.push_str(&rest[..open]);
        if rest[close + 2..end].contains("::") {
            out.push_str(&rest[open + 1..close]);
        } else {
            out.push_str(&rest[open..=end]);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace('|', "\\|")
}

/// Appends the table of `name`'s fields (the table at `table`, "" at the top), then the
/// tables and lists of tables inside it.
fn section(out: &mut String, types: &Types, name: &str, table: &str, defaults: Option<&Value>) {
    let (_, fields) = &types.structs[name];
    let mut nested = Vec::new();
    out.push_str("| key | default | meaning |\n|---|---|---|\n");
    for field in fields {
        let (ty, list) = inner(&field.ty);
        let default = defaults.and_then(|d| d.get(&field.key));
        let path = field.key.clone();
        let values = types
            .enums
            .get(ty)
            .filter(|v| !v.is_empty() && v.iter().all(|v| v.chars().all(char::is_lowercase)))
            .map(|v| format!(" One of: {}.", v.join(", ")))
            .unwrap_or_default();
        let map = field.ty.starts_with("BTreeMap<String, ");
        if types.structs.contains_key(ty) && !SCALARS.contains(&ty) {
            let full = if table.is_empty() {
                path.clone()
            } else {
                format!("{table}.{path}")
            };
            nested.push((full, ty, list, map, default));
            let what = if map {
                "tables by name, below"
            } else if list {
                "a list of tables, below"
            } else {
                "a table, below"
            };
            let doc = cell(&field.doc);
            writeln!(out, "| `{path}` | {what} | {doc} |").unwrap();
            continue;
        }
        assert!(
            !field.doc.is_empty(),
            "{name}.{} has no doc comment: every key is documented",
            field.key
        );
        let doc = cell(&format!("{}{values}", field.doc));
        // The entries of a list have no default, only the keys they may have.
        let default = if defaults.is_some() {
            shown(default)
        } else {
            String::from("-")
        };
        writeln!(out, "| `{path}` | {default} | {doc} |").unwrap();
    }
    for (path, ty, list, map, default) in nested {
        let (doc, _) = &types.structs[ty];
        if map {
            writeln!(out, "\n## `[{path}.NAME]`\n\n{doc}\n").unwrap();
            let defaults = default_of(ty);
            section(out, types, ty, &format!("{path}.NAME"), Some(&defaults));
        } else if list {
            writeln!(out, "\n## `[[{path}]]`\n\n{doc}\n").unwrap();
            let first = default.and_then(|d| d.as_array()).and_then(|a| a.first());
            section(out, types, ty, &path, first);
        } else {
            writeln!(out, "\n## `[{path}]`\n\n{doc}\n").unwrap();
            section(out, types, ty, &path, default);
        }
    }
}

/// Types written as one value (a number or a string), not as a table.
const SCALARS: [&str; 2] = ["ByteSize", "Seconds"];

/// The defaults of a table that appears under names (`[bridges.mqtt.NAME]`).
fn default_of(ty: &str) -> Value {
    match ty {
        "MqttBridge" => serde_json::to_value(shared_types::config::MqttBridge::default()).unwrap(),
        other => panic!("no defaults known for the named tables of {other}: add them here"),
    }
}

fn page() -> String {
    let types = parse(&SOURCES);
    let defaults = serde_json::to_value(Config::default()).unwrap();
    let mut out = String::from(
        "# Configuration reference\n\n\
         Every key of the configuration file (TOML), its default and what it means. Generated from\n\
         the configuration types (`shared-types/src/config/`) by\n\
         `UPDATE_DOCS=1 cargo test -p shared-types --test config_reference`; that test fails\n\
         when this page and the types disagree, so do not edit it by hand. How to write the file,\n\
         reload it and see what changed: [configuration](configuration.md). Sizes such as\n\
         `\"64MB\"` take B, KB, MB, GB (or KiB, MiB, GiB: the same, powers of 1024).\n\n\
         ## Top level\n\n",
    );
    section(&mut out, &types, "Config", "", Some(&defaults));
    out
}

#[test]
fn the_reference_page_is_the_config_types() {
    let generated = page();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join(PAGE);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{PAGE} is stale: UPDATE_DOCS=1 cargo test -p shared-types --test config_reference"
    );
}

#[test]
fn every_key_of_the_default_file_is_on_the_page() {
    let generated = page();
    let defaults = serde_json::to_value(Config::default()).unwrap();
    let Value::Object(top) = defaults else {
        panic!("the default config is a table");
    };
    for (key, value) in top {
        assert!(generated.contains(&format!("`{key}`")), "{key}");
        if let Value::Object(section) = value {
            for inner_key in section.keys() {
                assert!(
                    generated.contains(&format!("`{inner_key}`")),
                    "{key}.{inner_key}"
                );
            }
        }
    }
}
