//! The CLI's side of MQTT for `pub`, `sub` and `bench`: the one client engine of the
//! workspace (`nanomq-client`: dialing, trust, CONNECT/CONNACK, keep alive), with its errors
//! told in the CLI's words and exit statuses.

use std::sync::Arc;
use std::time::Duration;

use nanomq_client::dial::{DialError, DialFailure, DialStep};
use nanomq_client::{Client, Dialer, HandshakeError, Target, Trust, TrustError};
use nanomq_codec::{Connect, ConnectProperties, PacketKind, ProtocolVersion, ReasonCode};

use crate::error::CliError;

/// A connected MQTT link.
pub type Connection = Client;

/// A byte stream to a broker: TCP or TLS over TCP.
pub use nanomq_client::Stream as Io;

/// Where and how to connect.
#[derive(Clone)]
pub struct Endpoint {
    /// Broker host name or address.
    pub host: String,
    /// Broker MQTT port.
    pub port: u16,
    /// Opens the byte stream (TLS configured once).
    dialer: Arc<Dialer>,
    /// Protocol version.
    pub version: ProtocolVersion,
    /// Username, if any.
    pub username: Option<String>,
    /// Password, if any.
    pub password: Option<String>,
    /// Keep alive in seconds.
    pub keep_alive: u16,
}

/// What `--tls`, `--cafile`, `--cert`, `--key` and `--insecure` asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct TlsOptions<'a> {
    /// Whether to use TLS at all.
    pub tls: bool,
    /// CA certificates to trust (PEM file); none: the system's.
    pub cafile: Option<&'a str>,
    /// Client certificate (PEM file).
    pub cert: Option<&'a str>,
    /// Client private key (PEM file).
    pub key: Option<&'a str>,
    /// Do not verify the server's certificate.
    pub insecure: bool,
}

/// The largest packet accepted from the broker.
const MAX_INCOMING: usize = nanomq_client::client::MAX_INCOMING;

/// Parses a protocol version as `-V` takes it: 3 (3.1), 4 (3.1.1), 5, or mqttv311 / mqttv5.
pub fn parse_version(text: &str) -> Result<ProtocolVersion, String> {
    match text {
        "3" | "31" | "mqttv31" => Ok(ProtocolVersion::V3_1),
        "4" | "311" | "mqttv311" => Ok(ProtocolVersion::V3_1_1),
        "5" | "mqttv5" => Ok(ProtocolVersion::V5),
        _ => Err(String::from("expected 3, 4 or 5")),
    }
}

impl Endpoint {
    /// An endpoint for `host:port`, TLS as `tls` asks (its trust set up now, so a bad CA or
    /// client certificate is an error before anything connects).
    pub fn new(
        host: String,
        port: u16,
        tls: &TlsOptions<'_>,
        version: ProtocolVersion,
        credentials: (Option<String>, Option<String>),
        keep_alive: u16,
    ) -> Result<Endpoint, CliError> {
        let client_cert = match (tls.cert, tls.key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => {
                return Err(CliError::Usage(String::from(
                    "--cert and --key go together",
                )));
            }
        };
        let trust = Trust {
            ca: tls.cafile,
            client_cert,
            insecure: tls.insecure,
        };
        let target = Target::new(host.clone(), port, tls.tls);
        let dialer = Dialer::new(target, &trust).map_err(dial_setup_error)?;
        Ok(Endpoint {
            host,
            port,
            dialer: Arc::new(dialer),
            version,
            username: credentials.0,
            password: credentials.1,
            keep_alive,
        })
    }

    /// Opens the transport (TCP, then TLS if configured).
    pub async fn open(&self) -> Result<Box<dyn Io>, CliError> {
        self.dialer.dial().await.map_err(|e| self.dial_error(e))
    }

    fn dial_error(&self, failure: DialFailure) -> CliError {
        let error = failure.error;
        CliError::Connect(match failure.step {
            DialStep::Tcp => format!("cannot reach broker at {}: {error}", self.dialer.target()),
            DialStep::Tls => {
                let text = error.to_string();
                let reason = crate::error::in_words(&text).map_or(text, str::to_string);
                format!("TLS handshake with {} failed: {reason}", self.host)
            }
            DialStep::WebSocket => {
                format!("WebSocket handshake with {} failed: {error}", self.host)
            }
        })
    }

    /// Opens the transport and completes CONNECT/CONNACK within `timeout`. Without
    /// `clean_start` the session is kept when the client leaves (MQTT 5: a Session Expiry
    /// Interval of "never", as clean session 0 means in 3.x).
    pub async fn connect(
        &self,
        client_id: &str,
        clean_start: bool,
        timeout: Duration,
    ) -> Result<Connection, CliError> {
        let connect = Connect {
            protocol: self.version,
            clean_start,
            keep_alive: self.keep_alive,
            client_id: client_id.to_owned(),
            will: None,
            username: self.username.clone(),
            password: self.password.clone().map(Into::into),
            properties: ConnectProperties {
                session_expiry_interval: (!clean_start && self.version == ProtocolVersion::V5)
                    .then_some(u32::MAX),
                ..ConnectProperties::default()
            },
        };
        let fut = async {
            let stream = self.open().await?;
            match nanomq_client::handshake::connect(stream, connect, MAX_INCOMING).await {
                Ok(connected) => Ok(Client::new(connected, self.version)),
                Err(error) => Err(self.handshake_error(error)),
            }
        };
        tokio::time::timeout(timeout, fut).await.map_err(|_| {
            CliError::Connect(format!(
                "no CONNACK from {}:{} within {timeout:?}",
                self.host, self.port
            ))
        })?
    }

    fn handshake_error(&self, error: HandshakeError) -> CliError {
        match error {
            HandshakeError::Refused(ack) => {
                let mut error = refused("connection", ack.code, self.version, PacketKind::ConnAck);
                if self.username.is_none()
                    && let CliError::Auth(text) = &mut error
                {
                    text.push_str(
                        " (connected without a username: give -u/--username and -P/--password)",
                    );
                }
                error
            }
            HandshakeError::NotMqtt { what, tls_record } => not_mqtt(tls_record, &what),
            HandshakeError::Closed => closed(),
            HandshakeError::Io(e) => CliError::Connect(e.to_string()),
            HandshakeError::Encode(e) => CliError::Usage(e),
        }
    }
}

/// A TLS setup error in the CLI's words (its options named).
fn dial_setup_error(error: DialError) -> CliError {
    CliError::Usage(match error {
        DialError::Trust(TrustError::ClientCertIsCa(cert)) => format!(
            "--cert {cert} is a CA certificate (CA:TRUE), not a client's: give the certificate \
             the CA issued to this client (the CA goes in --cafile)"
        ),
        DialError::Trust(TrustError::NoRoots) => String::from(
            "no trusted root certificates: give --cafile (or install the system CA bundle)",
        ),
        other => other.to_string(),
    })
}

/// The error for an answer to CONNECT that is not MQTT (`reason` says how); when it started
/// as a TLS record does (an alert or a handshake, version 3.x), the port is a TLS one.
fn not_mqtt(tls_record: bool, reason: &str) -> CliError {
    CliError::Connect(if tls_record {
        String::from(
            "the server answered with something that is not MQTT: is this a TLS port? try --tls",
        )
    } else {
        format!("the server answered with something that is not MQTT ({reason})")
    })
}

fn closed() -> CliError {
    CliError::Connect(String::from("the broker closed the connection"))
}

/// A reason code in words, with its number as it was on the wire: `Not authorized (0x87)`
/// (MQTT 5), `Not authorized (return code 5)` (a 3.x CONNACK), `Failure (0x80; …)` (a 3.1.1
/// SUBACK, which has no other).
pub fn in_words(reason: ReasonCode, version: ProtocolVersion, kind: PacketKind) -> String {
    match (version, kind) {
        (ProtocolVersion::V5, _) => format!("{} (0x{:02x})", reason.error_name(), reason.0),
        (_, PacketKind::ConnAck) => format!(
            "{} (return code {})",
            reason.error_name(),
            reason.to_v3_connect_return()
        ),
        _ => format!(
            "Failure (0x{:02x}; MQTT 3.1.1 gives no reason, -V 5 does)",
            reason.0
        ),
    }
}

/// The error for a refusal by the broker: an authentication or authorization refusal is
/// exit status 4, any other 6.
pub fn refused(
    what: &str,
    reason: ReasonCode,
    version: ProtocolVersion,
    kind: PacketKind,
) -> CliError {
    let text = format!("{what} refused: {}", in_words(reason, version, kind));
    match reason {
        ReasonCode::BAD_USERNAME_OR_PASSWORD | ReasonCode::NOT_AUTHORIZED => CliError::Auth(text),
        _ => CliError::Server(text),
    }
}
