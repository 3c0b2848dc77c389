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
    #[error("{path}: {source}")]
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

impl Overrides {
    /// Applies the overrides to `config` and validates the result.
    pub fn apply(&self, mut config: Config) -> Result<Config, ConfigError> {
        if let Some(url) = &self.url {
            config.url.clone_from(url);
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
