//! One module per command; each exposes `exec(args, ...)`. The management commands (the HTTP
//! API) take the run's [`Ctx`](crate::context::Ctx).

pub mod acl;
pub mod bench;
pub mod bridges;
pub mod brokers;
pub mod clients;
pub mod completions;
pub mod config;
pub mod ctrl;
pub mod endpoints;
pub mod log;
pub mod metrics;
pub mod mqtt_pub;
pub mod mqtt_sub;
pub mod nodes;
pub mod passwd;
pub mod publish;
pub mod retained;
pub mod status;
pub mod subscriptions;
pub mod token;
pub mod topic_tree;
pub mod watch;

use crate::cli::MqttArgs;
use crate::error::CliError;
use crate::mqtt::{Endpoint, TlsOptions};

impl MqttArgs {
    /// Without `--host`, the MQTT broker is taken to be where the HTTP API is (the host of
    /// `api_url`), so a profile or `NANOMQ_URL` pointing at a remote broker serves `pub`, `sub`
    /// and `bench` too.
    pub fn default_host_from(&mut self, api_url: &str) {
        if self.host.is_none()
            && let Ok(url) = reqwest::Url::parse(api_url)
            && let Some(host) = url.host_str()
        {
            self.host = Some(
                host.trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string(),
            );
        }
    }

    /// Says on stderr that the client connects with no username although the HTTP API's
    /// login was given: that login is never sent over MQTT (see `-u` in `--help`).
    pub fn note_anonymous(&self, api_login_given: bool) {
        if self.user.is_none() && api_login_given {
            eprintln!(
                "nanomq-cli: connecting without a username: the HTTP API's login (--username \
                 before the command, NANOMQ_USERNAME, the profile) is not used for MQTT; give \
                 -u/--username and -P/--password"
            );
        }
    }

    /// The endpoint these options describe.
    pub fn endpoint(&self) -> Result<Endpoint, CliError> {
        let tls = TlsOptions {
            tls: self.tls,
            cafile: self.cafile.as_deref(),
            cert: self.cert.as_deref(),
            key: self.key.as_deref(),
            insecure: self.insecure,
        };
        let host = self
            .host
            .clone()
            .unwrap_or_else(|| String::from("127.0.0.1"));
        let port = self.port.unwrap_or(if self.tls { 8883 } else { 1883 });
        let credentials = (self.user.clone(), self.pw.clone());
        Endpoint::new(host, port, &tls, self.version, credentials, self.keepalive)
    }
}

/// A client identifier for a tool that was given none.
pub fn generated_client_id(tool: &str) -> String {
    format!("nanomq-cli-{tool}-{:08x}", fastrand::u32(..))
}
