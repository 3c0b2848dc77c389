//! The `tls` and `websocket` sections: the listeners besides plain MQTT/TCP.

use serde::{Deserialize, Serialize};

/// The `tls` section: MQTT over TLS, and the key material the `wss` listener uses too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsConfig {
    /// Whether the TLS listener runs.
    pub enable: bool,
    /// Listener URL (`tls+nmq-tcp://`, `nmq-tls://` or `tls://`).
    pub url: String,
    /// Password of an encrypted private key (also accepted as `keypass`).
    #[serde(alias = "keypass")]
    pub key_password: Option<String>,
    /// The private key: PEM text or a path to a PEM file.
    pub key: Option<String>,
    /// The certificate chain: PEM text or a path to a PEM file.
    pub cert: Option<String>,
    /// CA certificates for client certificates: PEM text or a path to a PEM file.
    pub cacert: Option<String>,
    /// Whether to ask clients for a certificate and verify it.
    pub verify_peer: bool,
    /// With `verify_peer`: refuse clients that present no certificate.
    pub fail_if_no_peer_cert: bool,
}

impl Default for TlsConfig {
    fn default() -> TlsConfig {
        TlsConfig {
            enable: false,
            url: "tls+nmq-tcp://0.0.0.0:8883".to_string(),
            key_password: None,
            key: None,
            cert: None,
            cacert: None,
            verify_peer: false,
            fail_if_no_peer_cert: false,
        }
    }
}

/// The `websocket` section: MQTT over WebSocket, plain and over TLS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebsocketConfig {
    /// Whether the WebSocket listeners run (the `wss` one also needs `tls.enable`).
    pub enable: bool,
    /// Plain WebSocket listener URL (`nmq-ws://` or `ws://`, with a path).
    pub url: String,
    /// WebSocket-over-TLS listener URL (`nmq-wss://` or `wss://`, with a path).
    pub tls_url: String,
}

impl Default for WebsocketConfig {
    fn default() -> WebsocketConfig {
        WebsocketConfig {
            enable: true,
            url: "nmq-ws://0.0.0.0:8083/mqtt".to_string(),
            tls_url: "nmq-wss://0.0.0.0:8084/mqtt".to_string(),
        }
    }
}
