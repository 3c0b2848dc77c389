//! The global options as a command sees them, settled from four places in this order:
//! the flag, its environment variable (both already merged by clap), the profile file, the
//! built-in default.
//!
//! The profile file is TOML with the flags' names as keys; `[profile.NAME]` sections, chosen
//! with `--profile NAME`, override the top-level keys:
//!
//! ```toml
//! url = "http://127.0.0.1:8081"
//! username = "admin"
//! password = "public"
//! timeout = "5s"
//!
//! [profile.edge1]
//! url = "https://edge1.example:8081"
//! token = "eyJ..."
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::cli::{GlobalArgs, OutputFormat, parse_duration};
use crate::error::CliError;

/// The HTTP API's URL when nothing else says.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8081";
/// The HTTP API's username when nothing else says (the broker's default).
pub const DEFAULT_USERNAME: &str = "admin";
/// The HTTP API's password when nothing else says (the broker's default).
pub const DEFAULT_PASSWORD: &str = "public";
/// How long to wait for the broker when nothing else says.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The global options, settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Base URL of the HTTP API.
    pub url: String,
    /// Basic-auth username.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// Bearer token, used instead of basic auth when set.
    pub token: Option<String>,
    /// Output format.
    pub output: OutputFormat,
    /// Whether colours may be used (still only on a terminal).
    pub color: bool,
    /// How long to wait for the broker.
    pub timeout: Duration,
    /// Extra CA certificates to trust for HTTPS.
    pub cacert: Option<PathBuf>,
    /// Whether the API's username or password was given (flag, environment, profile) rather
    /// than left to the defaults: `pub` and `sub` then say that they do not use it.
    pub api_login_given: bool,
}

/// One set of values in the profile file (the top level, or a `[profile.NAME]` section).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Profile {
    url: Option<String>,
    username: Option<String>,
    password: Option<String>,
    token: Option<String>,
    cacert: Option<PathBuf>,
    output: Option<OutputFormat>,
    no_color: Option<bool>,
    timeout: Option<TimeoutValue>,
}

/// `timeout = "5s"` or `timeout = 5` (seconds).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum TimeoutValue {
    Seconds(u64),
    Text(String),
}

/// The profile file: the top-level values and the named sections.
#[derive(Debug, Default, Deserialize)]
struct ProfileFile {
    #[serde(flatten)]
    base: BTreeMap<String, toml::Value>,
    #[serde(default)]
    profile: BTreeMap<String, Profile>,
}

impl Settings {
    /// Settles `args` with the profile file (found through `env`) and the defaults.
    pub fn resolve(
        args: &GlobalArgs,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, CliError> {
        let profile = match profile_path(&env) {
            Some((path, explicit)) => load_profile(&path, explicit, args.profile.as_deref())?,
            None => match &args.profile {
                Some(name) => {
                    return Err(CliError::Usage(format!(
                        "--profile {name}: no profile file (set NANOMQ_CLI_CONFIG, or create \
                         $XDG_CONFIG_HOME/nanomq/cli.toml)"
                    )));
                }
                None => Profile::default(),
            },
        };
        let timeout = match (args.timeout, &profile.timeout) {
            (Some(timeout), _) => timeout,
            (None, Some(TimeoutValue::Seconds(seconds))) => Duration::from_secs(*seconds),
            (None, Some(TimeoutValue::Text(text))) => parse_duration(text)
                .map_err(|e| CliError::Usage(format!("profile file: timeout: {e}")))?,
            (None, None) => DEFAULT_TIMEOUT,
        };
        let no_color = args.no_color
            || env("NO_COLOR").is_some_and(|v| !v.is_empty())
            || profile.no_color.unwrap_or(false);
        let api_login_given = [
            &args.username,
            &args.password,
            &profile.username,
            &profile.password,
        ]
        .iter()
        .any(|given| given.is_some());
        Ok(Settings {
            api_login_given,
            url: pick(&args.url, profile.url, DEFAULT_URL),
            username: pick(&args.username, profile.username, DEFAULT_USERNAME),
            password: pick(&args.password, profile.password, DEFAULT_PASSWORD),
            token: args
                .token
                .clone()
                .or(profile.token)
                .filter(|t| !t.is_empty()),
            output: args
                .output
                .or(profile.output)
                .unwrap_or(OutputFormat::Table),
            color: !no_color,
            timeout,
            cacert: args.cacert.clone().or(profile.cacert),
        })
    }
}

fn pick(given: &Option<String>, profile: Option<String>, default: &str) -> String {
    given
        .clone()
        .or(profile)
        .unwrap_or_else(|| default.to_string())
}

/// Where the profile file is, and whether it was named explicitly (then it must exist).
fn profile_path(env: &impl Fn(&str) -> Option<String>) -> Option<(PathBuf, bool)> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(path) = set("NANOMQ_CLI_CONFIG") {
        return Some((PathBuf::from(path), true));
    }
    let dir = set("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| set("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some((dir.join("nanomq").join("cli.toml"), false))
}

/// Reads the profile file and overlays the section `name` on its top level.
fn load_profile(path: &Path, explicit: bool, name: Option<&str>) -> Result<Profile, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit && name.is_none() => {
            return Ok(Profile::default());
        }
        Err(e) => {
            return Err(CliError::Usage(format!(
                "profile file {}: {e}",
                path.display()
            )));
        }
    };
    parse_profile(&text, name).map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

fn parse_profile(text: &str, name: Option<&str>) -> Result<Profile, String> {
    let file: ProfileFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let base_table: toml::Table = file.base.into_iter().collect();
    let base: Profile = toml::Value::Table(base_table)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    let Some(name) = name else {
        return Ok(base);
    };
    let Some(section) = file.profile.get(name) else {
        let known: Vec<&str> = file.profile.keys().map(String::as_str).collect();
        return Err(format!(
            "no [profile.{name}] (profiles here: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
    };
    let section = section.clone();
    Ok(Profile {
        url: section.url.or(base.url),
        username: section.username.or(base.username),
        password: section.password.or(base.password),
        token: section.token.or(base.token),
        cacert: section.cacert.or(base.cacert),
        output: section.output.or(base.output),
        no_color: section.no_color.or(base.no_color),
        timeout: section.timeout.or(base.timeout),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn settle(argv: &[&str], env: &[(&str, &str)]) -> Result<Settings, CliError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut full = vec!["nanomq-cli"];
        full.extend_from_slice(argv);
        full.push("status");
        let cli = Cli::try_parse_from(full).unwrap();
        Settings::resolve(&cli.global, |name| env.get(name).cloned())
    }

    #[test]
    fn defaults_without_anything() {
        let settings = settle(&[], &[]).unwrap();
        assert_eq!(settings.url, DEFAULT_URL);
        assert_eq!(settings.username, "admin");
        assert_eq!(settings.password, "public");
        assert_eq!(settings.token, None);
        assert_eq!(settings.output, OutputFormat::Table);
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
        assert!(settings.color);
    }

    #[test]
    fn profile_below_flags_above_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cli.toml");
        std::fs::write(
            &path,
            "url = \"http://base:1\"\nusername = \"u\"\ntimeout = 3\noutput = \"json\"\n\
             [profile.edge]\nurl = \"http://edge:2\"\ntimeout = \"500ms\"\n",
        )
        .unwrap();
        let conf = path.to_str().unwrap();
        let base = settle(&[], &[("NANOMQ_CLI_CONFIG", conf)]).unwrap();
        assert_eq!(base.url, "http://base:1");
        assert_eq!(base.username, "u");
        assert_eq!(base.password, "public");
        assert_eq!(base.timeout, Duration::from_secs(3));
        assert_eq!(base.output, OutputFormat::Json);

        let edge = settle(&["--profile", "edge"], &[("NANOMQ_CLI_CONFIG", conf)]).unwrap();
        assert_eq!(edge.url, "http://edge:2");
        assert_eq!(edge.username, "u", "the top level still applies");
        assert_eq!(edge.timeout, Duration::from_millis(500));

        let flag = settle(
            &["--url", "http://flag:3", "-o", "table"],
            &[("NANOMQ_CLI_CONFIG", conf)],
        )
        .unwrap();
        assert_eq!(flag.url, "http://flag:3");
        assert_eq!(flag.output, OutputFormat::Table);

        let unknown = settle(&["--profile", "nope"], &[("NANOMQ_CLI_CONFIG", conf)]);
        assert!(
            matches!(&unknown, Err(CliError::Usage(m)) if m.contains("profiles here: edge")),
            "{unknown:?}"
        );
    }

    #[test]
    fn profile_found_in_the_config_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("nanomq")).unwrap();
        std::fs::write(dir.path().join("nanomq/cli.toml"), "no_color = true\n").unwrap();
        let home = dir.path().to_str().unwrap();
        let settings = settle(&[], &[("XDG_CONFIG_HOME", home)]).unwrap();
        assert!(!settings.color);
        let missing = settle(&[], &[("XDG_CONFIG_HOME", "/nonexistent")]).unwrap();
        assert!(missing.color, "a missing default profile file is no error");
    }

    #[test]
    fn bad_profile_files_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cli.toml");
        std::fs::write(&path, "ulr = \"typo\"\n").unwrap();
        let conf = path.to_str().unwrap();
        let error = settle(&[], &[("NANOMQ_CLI_CONFIG", conf)]).unwrap_err();
        assert!(error.to_string().contains("ulr"), "{error}");
        let missing = settle(&[], &[("NANOMQ_CLI_CONFIG", "/nonexistent/cli.toml")]);
        assert!(matches!(missing, Err(CliError::Usage(_))));
    }

    #[test]
    fn no_color_from_the_environment() {
        let cli = Cli::try_parse_from(["nanomq-cli", "status"]);
        assert!(!cli.unwrap().global.no_color);
        assert!(!settle(&[], &[("NO_COLOR", "1")]).unwrap().color);
        assert!(!settle(&["--no-color"], &[]).unwrap().color);
    }
}
