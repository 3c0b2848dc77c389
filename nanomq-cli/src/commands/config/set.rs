//! `config set -f FILE` or `config set KEY=VALUE…`: merge a partial configuration (JSON as in the API document, TOML as
//! in `etc/nanomq.conf`, or standard input) into the broker's, and show what changed.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use shared_types::ConfigUpdateRequest;
use shared_types::config::merge_json;

use super::{after_change, fetch, print_changes, view};
use crate::cli::{ConfigFormat, ConfigSetArgs};
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `config set`.
pub async fn exec(args: ConfigSetArgs, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let patch = match &args.file {
        Some(file) => {
            let (name, text) = read_input(file)?;
            let format = args.format.unwrap_or_else(|| detect_format(file, &text));
            parse_patch(&text, format).map_err(|e| CliError::Other(format!("{name}: {e}")))?
        }
        None => settings_patch(&args.settings).map_err(CliError::Usage)?,
    };
    let api = ctx.api()?;
    let before = fetch(&api, false).await?;
    if args.dry_run {
        let mut after = before.clone();
        merge_json(&mut after.data, &patch);
        return print_changes(&ctx.out, &view::changes(&before, &after), "would change");
    }
    let body = ConfigUpdateRequest { data: Some(patch) };
    api.post(&["configuration"], &body).await?;
    let after = fetch(&api, false).await?;
    let changes = view::changes(&before, &after);
    print_changes(&ctx.out, &changes, "changed")?;
    after_change(ctx, &api, &changes, args.restart).await
}

/// The file's name for messages, and its text (`-` is standard input).
pub fn read_input(path: &Path) -> Result<(String, String), CliError> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Other(format!("standard input: {e}")))?;
        return Ok(("standard input".to_string(), text));
    }
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| CliError::Other(format!("{name}: {e}")))?;
    Ok((name, text))
}

/// JSON for a `.json` file or text that starts with `{`; TOML otherwise.
pub fn detect_format(path: &Path, text: &str) -> ConfigFormat {
    let json_extension = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if json_extension || text.trim_start().starts_with('{') {
        ConfigFormat::Json
    } else {
        ConfigFormat::Toml
    }
}

/// The settings to merge: a JSON object (bare, or as `{"data": {...}}` like the API's body),
/// or TOML.
pub fn parse_patch(text: &str, format: ConfigFormat) -> Result<Value, String> {
    let value = match format {
        ConfigFormat::Json => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
            match value {
                Value::Object(mut map) if map.len() == 1 && map.contains_key("data") => {
                    map.remove("data").unwrap_or_default()
                }
                other => other,
            }
        }
        ConfigFormat::Toml => {
            toml::from_str::<Value>(text).map_err(|e| format!("not valid TOML: {}", e.message()))?
        }
    };
    if !value.is_object() {
        return Err("the configuration must be an object of settings".to_string());
    }
    Ok(value)
}

/// `KEY=VALUE` arguments as a patch: `log.level=debug` is `{"log": {"level": "debug"}}`.
/// A value is read as a TOML value (`128`, `true`, `["a", "b"]`, `"quoted"`), else as text.
pub fn settings_patch(settings: &[String]) -> Result<Value, String> {
    let mut patch = Value::Object(Default::default());
    for setting in settings {
        let Some((key, raw)) = setting.split_once('=') else {
            return Err(format!("`{setting}`: expected KEY=VALUE"));
        };
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(format!("`{setting}`: the key is empty"));
        }
        let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or_else(|| Value::String(raw.to_string()));
        let mut node = &mut patch;
        let parts: Vec<&str> = key.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            node = node
                .as_object_mut()
                .ok_or_else(|| format!("`{key}`: a setting cannot also be a section"))?
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(Default::default()));
        }
        node.as_object_mut()
            .ok_or_else(|| format!("`{key}`: a setting cannot also be a section"))?
            .insert(parts[parts.len() - 1].to_string(), value);
    }
    Ok(patch)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn key_value_settings_nest_and_type() {
        let patch = settings_patch(&[
            "msq_len=128".into(),
            "log.level=debug".into(),
            "allow_anonymous=false".into(),
            "bridge.forwards=[\"a/#\", \"b\"]".into(),
            "http_server.username=\"007\"".into(),
        ])
        .unwrap();
        assert_eq!(
            patch,
            json!({"msq_len": 128, "log": {"level": "debug"}, "allow_anonymous": false,
                   "bridge": {"forwards": ["a/#", "b"]}, "http_server": {"username": "007"}})
        );
        assert!(settings_patch(&["msq_len".into()]).is_err());
        assert!(settings_patch(&["a..b=1".into()]).is_err());
    }

    #[test]
    fn formats_are_detected() {
        assert_eq!(detect_format(Path::new("a.json"), ""), ConfigFormat::Json);
        assert_eq!(
            detect_format(Path::new("-"), " {\"a\":1}"),
            ConfigFormat::Json
        );
        assert_eq!(
            detect_format(Path::new("nanomq.conf"), "a = 1"),
            ConfigFormat::Toml
        );
    }

    #[test]
    fn patches_from_json_and_toml() {
        let wrapped = parse_patch(r#"{"data": {"msq_len": 5}}"#, ConfigFormat::Json).unwrap();
        assert_eq!(wrapped, json!({"msq_len": 5}));
        let bare = parse_patch(r#"{"msq_len": 5}"#, ConfigFormat::Json).unwrap();
        assert_eq!(bare, json!({"msq_len": 5}));
        let toml = parse_patch("msq_len = 5\n[http_server]\nport = 1\n", ConfigFormat::Toml);
        assert_eq!(
            toml.unwrap(),
            json!({"msq_len": 5, "http_server": {"port": 1}})
        );
        assert!(parse_patch("[1]", ConfigFormat::Json).is_err());
        assert!(parse_patch("msq_len = ", ConfigFormat::Toml).is_err());
    }
}
