//! The `http_server` section: the management API's listener and authentication.

use serde::{Deserialize, Serialize};

/// The `http_server` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpServerConfig {
    /// Whether the HTTP API runs.
    pub enable: bool,
    /// The address to listen on (`0.0.0.0`: every interface; `127.0.0.1`: this machine only).
    pub ip_addr: String,
    /// The port; 0 asks the system for a free one.
    pub port: u16,
    /// The Basic-auth user name.
    pub username: String,
    /// The Basic-auth password.
    pub password: String,
    /// How requests authenticate.
    pub auth_type: AuthType,
    /// JWT settings, used when `auth_type` is `jwt` (TOML section `[http_server.jwt]`).
    pub jwt: JwtConfig,
    /// Whether `GET /prometheus` is served without authentication.
    pub prometheus_no_auth: bool,
    /// Whether the API is served over HTTPS, with the `tls` section's `key` and `cert`.
    pub tls: bool,
}

impl Default for HttpServerConfig {
    fn default() -> HttpServerConfig {
        HttpServerConfig {
            enable: true,
            ip_addr: "0.0.0.0".to_string(),
            port: 8081,
            username: "admin".to_string(),
            password: "public".to_string(),
            auth_type: AuthType::Basic,
            jwt: JwtConfig::default(),
            prometheus_no_auth: false,
            tls: false,
        }
    }
}

/// How HTTP API requests authenticate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    /// `Authorization: Basic`, checked against `username`/`password`.
    #[default]
    Basic,
    /// `Authorization: Bearer <JWT>`, verified with `jwt.public_keyfile`.
    Jwt,
    /// No authentication at all.
    NoAuth,
}

/// The `http_server.jwt` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JwtConfig {
    /// Path of the PEM public key that verifies tokens (RS256 or ES256).
    pub public_keyfile: Option<String>,
    /// An accepted `iss` claim besides the key file's base name.
    pub issuer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_type_names() {
        for (auth_type, name) in [
            (AuthType::Basic, "\"basic\""),
            (AuthType::Jwt, "\"jwt\""),
            (AuthType::NoAuth, "\"no_auth\""),
        ] {
            assert_eq!(serde_json::to_string(&auth_type).unwrap(), name);
            assert_eq!(serde_json::from_str::<AuthType>(name).unwrap(), auth_type);
        }
        assert!(serde_json::from_str::<AuthType>("\"none\"").is_err());
        assert!(serde_json::from_str::<AuthType>("\"Basic\"").is_err());
    }
}
