//! Loading, checking and saving the configuration file (TOML, the schema of
//! `shared_types::config::Config`), and the default configuration embedded in the binary.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use shared_types::config::{Config, ConfigError};

/// The default configuration file, as shipped in `etc/nanomq.conf`.
pub const DEFAULT_CONFIG_TEXT: &str = include_str!("../../etc/nanomq.conf");

/// Where the broker looks for its configuration when `--conf` is not given.
pub const DEFAULT_CONFIG_PATH: &str = "etc/nanomq.conf";

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: {}", io_reason(source))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error("{path}: {error}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The field and the reason.
        error: ConfigError,
    },
}

/// An I/O error as people read it: "No such file or directory", without "(os error 2)".
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// Reads, parses and validates a configuration file.
pub fn load(path: &Path) -> Result<Config, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text).map_err(|error| LoadError::Invalid {
        path: path.to_owned(),
        error,
    })
}

/// Reads, parses and validates a configuration file, with the keys its text states (what the
/// access-control guard needs to tell a deliberate setting from a default,
/// [`crate::auth::guard`]). The file is read once.
pub fn load_stated(path: &Path) -> Result<(Config, crate::auth::guard::Stated), LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    let config = parse(&text).map_err(|error| LoadError::Invalid {
        path: path.to_owned(),
        error,
    })?;
    Ok((config, crate::auth::guard::Stated::from_toml(&text)))
}

/// Parses and validates configuration text.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let config = Config::from_toml_str(text)?;
    config.validate()?;
    Ok(config)
}

/// The embedded default configuration.
pub fn embedded_default() -> Config {
    // The embedded text is checked by a test to parse to `Config::default()`.
    parse(DEFAULT_CONFIG_TEXT).unwrap_or_default()
}

/// The configuration file to use: `--conf` if given, else `etc/nanomq.conf` if it exists,
/// else none (the embedded defaults).
pub fn resolve_path(conf: Option<PathBuf>) -> Option<PathBuf> {
    conf.or_else(|| {
        let default = PathBuf::from(DEFAULT_CONFIG_PATH);
        default.is_file().then_some(default)
    })
}

/// Writes `config` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the old file, so a crash leaves either the old or the new file.
/// The file keeps the permissions it had (a 0600 file holding passwords stays 0600); a new
/// one is created readable by its owner only.
pub fn save_atomic(path: &Path, config: &Config) -> std::io::Result<()> {
    let text = config
        .to_toml_string()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    write_atomic(path, &text)
}

/// Saves `after` to the file at `path`, which holds `before`, by editing the file in place:
/// only the settings that differ are written (added to the section they belong to, or
/// removed when they no longer have a value); comments, order, formatting and every setting
/// the file leaves to its default stay as they are. A missing file is written whole. A file
/// that no longer parses (edited by hand since) is not touched: the error says so.
pub fn save_edited(path: &Path, before: &Config, after: &Config) -> std::io::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return save_atomic(path, after),
        Err(e) => return Err(e),
    };
    let edited = edit_text(&text, before, after).map_err(std::io::Error::other)?;
    if edited == text {
        return Ok(());
    }
    write_atomic(path, &edited)
}

/// `text` (a configuration file holding `before`) with the settings that differ in `after`
/// changed in place.
pub fn edit_text(text: &str, before: &Config, after: &Config) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| format!("the file no longer parses ({e}); it was left as it is"))?;
    let new = serde_json::to_value(after).map_err(|e| e.to_string())?;
    for path in changed_settings(before, after)? {
        let value = path
            .iter()
            .try_fold(&new, |v, key| v.get(key.as_str()))
            .unwrap_or(&serde_json::Value::Null);
        set_path(doc.as_table_mut(), &path, value);
    }
    Ok(doc.to_string())
}

/// The settings that differ from `before` to `after`, as key paths (`["log", "level"]`):
/// sections compared key by key, lists and values as a whole.
pub fn changed_settings(before: &Config, after: &Config) -> Result<Vec<Vec<String>>, String> {
    let old = serde_json::to_value(before).map_err(|e| e.to_string())?;
    let new = serde_json::to_value(after).map_err(|e| e.to_string())?;
    let mut changed = Vec::new();
    changed_paths(&mut Vec::new(), &old, &new, &mut changed);
    Ok(changed)
}

/// The key paths where `a` and `b` differ (objects compared key by key, arrays and scalars
/// as a whole).
fn changed_paths(
    path: &mut Vec<String>,
    a: &serde_json::Value,
    b: &serde_json::Value,
    out: &mut Vec<Vec<String>>,
) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                path.push(key.clone());
                changed_paths(
                    path,
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                    out,
                );
                path.pop();
            }
        }
        _ if a != b => out.push(path.clone()),
        _ => {}
    }
}

/// Sets (or, for null, removes) the setting at `path` in `table`, creating the sections on
/// the way as `[section]` tables.
fn set_path(table: &mut toml_edit::Table, path: &[String], value: &serde_json::Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut table = table;
    for key in parents {
        let item = table
            .entry(key)
            .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
        if item.as_table().is_none() {
            // A section written inline (`tls = { ... }`) is edited as a table too.
            match item.as_inline_table().cloned() {
                Some(inline) => *item = toml_edit::Item::Table(inline.into_table()),
                None => *item = toml_edit::Item::Table(toml_edit::Table::new()),
            }
        }
        let Some(next) = item.as_table_mut() else {
            return;
        };
        table = next;
    }
    match json_to_item(value) {
        Some(item) => match table.get_mut(last) {
            // Keep the key's place and the comments around it; replace its value only.
            Some(existing) if existing.is_value() && item.is_value() => {
                let decor = existing.as_value().map(|v| v.decor().clone());
                *existing = item;
                if let (Some(decor), Some(v)) = (decor, existing.as_value_mut()) {
                    *v.decor_mut() = decor;
                }
            }
            _ => {
                table.insert(last, item);
            }
        },
        None => {
            table.remove(last);
        }
    }
}

/// A JSON value as TOML: objects as tables, arrays of objects as arrays of tables (`[[...]]`),
/// null as nothing.
fn json_to_item(value: &serde_json::Value) -> Option<toml_edit::Item> {
    use serde_json::Value;
    match value {
        Value::Null => None,
        Value::Object(map) => {
            let mut table = toml_edit::Table::new();
            for (key, v) in map {
                if let Some(item) = json_to_item(v) {
                    table.insert(key, item);
                }
            }
            Some(toml_edit::Item::Table(table))
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let mut array = toml_edit::ArrayOfTables::new();
            for v in items {
                if let Some(toml_edit::Item::Table(t)) = json_to_item(v) {
                    array.push(t);
                }
            }
            Some(toml_edit::Item::ArrayOfTables(array))
        }
        other => json_to_value(other).map(toml_edit::Item::Value),
    }
}

fn json_to_value(value: &serde_json::Value) -> Option<toml_edit::Value> {
    use serde_json::Value;
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64()?.into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => {
            let mut array = toml_edit::Array::new();
            for v in items {
                if let Some(v) = json_to_value(v) {
                    array.push(v);
                }
            }
            toml_edit::Value::Array(array)
        }
        Value::Object(map) => {
            let mut inline = toml_edit::InlineTable::new();
            for (key, v) in map {
                if let Some(v) = json_to_value(v) {
                    inline.insert(key, v);
                }
            }
            toml_edit::Value::InlineTable(inline)
        }
    })
}

/// Writes `text` to `path` atomically (a temporary file in the same directory, fsync'd, then
/// renamed over it), keeping the file's mode (0600 for a new file).
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("configuration path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let previous = std::fs::metadata(path).ok().map(|m| m.permissions());
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        if let Some(permissions) = previous {
            file.set_permissions(permissions)?;
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_moves_default_websockets_only() {
        let overrides = Overrides {
            url: Some("nmq-tcp://127.0.0.1:1884".into()),
            ..Overrides::default()
        };
        let moved = overrides.apply(Config::default()).unwrap();
        assert_eq!(moved.websocket.url, "nmq-ws://127.0.0.1:0/mqtt");
        assert_eq!(moved.websocket.tls_url, "nmq-wss://127.0.0.1:0/mqtt");
        let mut set = Config::default();
        set.websocket.url = "nmq-ws://0.0.0.0:9001/mqtt".into();
        let kept = overrides.apply(set).unwrap();
        assert_eq!(kept.websocket.url, "nmq-ws://0.0.0.0:9001/mqtt");
        let untouched = Overrides::default().apply(Config::default()).unwrap();
        assert_eq!(untouched.websocket.url, Config::default().websocket.url);
    }

    const OPERATORS_FILE: &str = "\
# Edge gateway, hall 3.
url = \"nmq-tcp://0.0.0.0:1883\"   # the only listener

msq_len = 64 # queue per client

[log]
level = \"warn\"

[[users]]
username = \"alice\"
password = \"pw\"
";

    #[test]
    fn an_edit_changes_only_the_changed_line() {
        let before = parse(OPERATORS_FILE).unwrap();
        let mut after = before.clone();
        after.msq_len = 128;
        let edited = edit_text(OPERATORS_FILE, &before, &after).unwrap();
        assert_eq!(
            edited,
            OPERATORS_FILE.replace("msq_len = 64 # queue", "msq_len = 128 # queue")
        );
        assert_eq!(parse(&edited).unwrap(), after);
    }

    #[test]
    fn new_settings_go_to_their_section_and_defaults_are_not_written() {
        let before = parse(OPERATORS_FILE).unwrap();
        let mut after = before.clone();
        after.log.level = shared_types::config::LogLevel::Debug;
        after.http_server.port = 9090;
        after.users.push(shared_types::config::UserCredential {
            username: "bob".into(),
            password: "pw2".into(),
        });
        let edited = edit_text(OPERATORS_FILE, &before, &after).unwrap();
        assert!(edited.starts_with("# Edge gateway, hall 3.\n"), "{edited}");
        assert!(edited.contains("level = \"debug\""), "{edited}");
        assert!(edited.contains("[http_server]\nport = 9090\n"), "{edited}");
        assert!(edited.contains("username = \"bob\""), "{edited}");
        assert!(!edited.contains("max_packet_size"), "no defaults: {edited}");
        assert_eq!(parse(&edited).unwrap(), after);
    }

    #[test]
    fn a_file_that_no_longer_parses_is_not_touched() {
        let before = parse(OPERATORS_FILE).unwrap();
        let mut after = before.clone();
        after.msq_len = 1;
        let error = edit_text("msq_len = = 3", &before, &after).unwrap_err();
        assert!(error.contains("no longer parses"), "{error}");
    }

    #[test]
    fn embedded_default_is_the_default() {
        assert_eq!(parse(DEFAULT_CONFIG_TEXT).ok(), Some(Config::default()));
    }

    #[test]
    fn a_three_line_file_is_valid() {
        let config =
            parse("url = \"nmq-tcp://127.0.0.1:0\"\nmsq_len = 10\n[http_server]\nport = 0\n");
        let config = config.unwrap();
        assert_eq!(config.msq_len, 10);
        assert_eq!(config.http_server.port, 0);
        assert_eq!(config.parallel, Config::default().parallel);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_field() {
        let unknown = parse("urll = \"x\"").unwrap_err();
        assert!(unknown.to_string().contains("urll"), "{unknown}");
        let bad = parse("[bridge]\nbridge_mode = true\nproto_ver = 9\n").unwrap_err();
        assert_eq!(bad.field, "bridge.proto_ver");
    }

    #[test]
    fn save_is_atomic_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nanomq.conf");
        let config = Config {
            msq_len: 77,
            ..Config::default()
        };
        save_atomic(&path, &config).unwrap();
        assert_eq!(load(&path).ok(), Some(config));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name() != "nanomq.conf")
            .collect();
        assert!(leftovers.is_empty());
    }
}

/// Settings given on the command line, applied over the file at start and at every restart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--url`: the MQTT/TCP listener.
    pub url: Option<String>,
    /// `--http-port`: the HTTP API port.
    pub http_port: Option<u16>,
    /// `--log-level`.
    pub log_level: Option<shared_types::config::LogLevel>,
}

/// With `--url`, the WebSocket listeners still on their default addresses move with it: the
/// same host, ports chosen by the system (printed at start). Two instances started on one
/// machine with different `--url`s then do not both try 8083. A WebSocket address set in the
/// file to anything but the default stays where it is.
fn move_default_websockets(config: &mut Config, url: &str) {
    let Ok(mqtt) = shared_types::config::ListenUrl::parse(url) else {
        return;
    };
    let defaults = shared_types::config::WebsocketConfig::default();
    for (current, default) in [
        (&mut config.websocket.url, &defaults.url),
        (&mut config.websocket.tls_url, &defaults.tls_url),
    ] {
        if current != default {
            continue;
        }
        if let Ok(ws) = shared_types::config::ListenUrl::parse(current) {
            let scheme = current.split("://").next().unwrap_or_default().to_string();
            *current = format!(
                "{scheme}://{}{}",
                shared_types::config::ListenUrl::join(&mqtt.host, 0),
                ws.path
            );
        }
    }
}

impl Overrides {
    /// Applies the overrides to `config` and validates the result.
    pub fn apply(&self, mut config: Config) -> Result<Config, ConfigError> {
        if let Some(url) = &self.url {
            config.url.clone_from(url);
            move_default_websockets(&mut config, url);
        }
        if let Some(port) = self.http_port {
            config.http_server.port = port;
        }
        if let Some(level) = self.log_level {
            config.log.level = level;
        }
        config.validate()?;
        Ok(config)
    }
}
