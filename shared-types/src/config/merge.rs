//! Reading and writing a [`Config`] as TOML and JSON, and merging the partial updates of
//! `POST /configuration`; every parse error names the dotted path of the field at fault.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Config, ConfigError};

/// Deep-merges `patch` into `base`: objects merge key by key, anything else (arrays, scalars,
/// `null`) replaces what `base` had.
pub fn merge_json(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                match base.get_mut(key) {
                    Some(slot) => merge_json(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, patch) => *base = patch.clone(),
    }
}

impl Config {
    /// This configuration with `patch` (the `data` of `POST /configuration`) merged over it, then
    /// validated; an unknown or ill-typed field is an error naming it.
    pub fn merged(&self, patch: &Value) -> Result<Config, ConfigError> {
        if !patch.is_object() {
            return Err(ConfigError::new(
                "",
                "the configuration must be a JSON object",
            ));
        }
        let mut value =
            serde_json::to_value(self).map_err(|error| ConfigError::new("", error.to_string()))?;
        merge_json(&mut value, patch);
        let config = Config::from_json_value(value)?;
        config.validate()?;
        Ok(config)
    }

    /// Reads a configuration from JSON (not validated: see [`Config::validate`]).
    pub fn from_json_value(value: Value) -> Result<Config, ConfigError> {
        deserialize_naming_path(value)
    }

    /// Reads a configuration from TOML text (not validated: see [`Config::validate`]); an
    /// error names the line as well as the field.
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        let at_line = |error: &toml::de::Error| {
            error
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
        };
        let deserializer = toml::Deserializer::parse(text)
            .map_err(|error| ConfigError::new("", error.message()).at_line(at_line(&error)))?;
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let field = field_of(error.path());
            let inner = error.inner();
            ConfigError::new(field, inner.message()).at_line(at_line(inner))
        })
    }

    /// Writes the configuration as TOML; None fields are left out (they read back as None).
    pub fn to_toml_string(&self) -> Result<String, ConfigError> {
        toml::to_string_pretty(self).map_err(|error| ConfigError::new("", error.to_string()))
    }
}

/// Deserializes, turning an error into a [`ConfigError`] whose field is the dotted path.
fn deserialize_naming_path<'de, D, T>(deserializer: D) -> Result<T, ConfigError>
where
    D: serde::Deserializer<'de>,
    D::Error: fmt::Display,
    T: DeserializeOwned,
{
    serde_path_to_error::deserialize(deserializer)
        .map_err(|error| ConfigError::new(field_of(error.path()), error.inner().to_string()))
}

/// The dotted path of a field, empty for the whole.
fn field_of(path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    if path == "." { String::new() } else { path }
}
