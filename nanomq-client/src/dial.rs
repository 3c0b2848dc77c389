//! Opening the byte stream to a [`Target`]: TCP, then TLS when the transport says so, then
//! the WebSocket handshake for `ws`/`wss`. Built once (the TLS configuration is made then,
//! so a bad CA is an error at start, not at the first dial) and dialed as often as needed.

use std::fmt;
use std::io;

use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::target::{Target, Transport};
use crate::trust::{Trust, TrustError, server_name};

/// A byte stream to a broker, whatever carries it.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Why a dialer cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum DialError {
    /// The TLS trust policy could not be set up.
    #[error(transparent)]
    Trust(#[from] TrustError),
    /// The host is not a valid TLS server name.
    #[error("`{0}` is not a valid TLS server name")]
    ServerName(String),
}

/// Opens connections to one target.
pub struct Dialer {
    target: Target,
    tls: Option<(TlsConnector, ServerName<'static>)>,
}

impl fmt::Debug for Dialer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dialer")
            .field("target", &self.target)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl Dialer {
    /// A dialer for `target`; `trust` is used when the transport is TLS (else ignored).
    pub fn new(target: Target, trust: &Trust<'_>) -> Result<Dialer, DialError> {
        let tls = if target.transport.is_tls() {
            let name = server_name(&target.host)
                .ok_or_else(|| DialError::ServerName(target.host.clone()))?;
            Some((TlsConnector::from(trust.client_config()?), name))
        } else {
            None
        };
        Ok(Dialer { target, tls })
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Connects: TCP, then the TLS handshake and the WebSocket one when asked for. Each step's
    /// error is its own (`DialStep` says which failed).
    pub async fn dial(&self) -> Result<Box<dyn Stream>, DialFailure> {
        let address = (self.target.host.as_str(), self.target.port);
        let tcp = TcpStream::connect(address)
            .await
            .map_err(|e| DialFailure::new(DialStep::Tcp, e))?;
        // Links batch their writes themselves; small acknowledgements should not wait.
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Stream> = match &self.tls {
            None => Box::new(tcp),
            Some((connector, name)) => Box::new(
                connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| DialFailure::new(DialStep::Tls, e))?,
            ),
        };
        let path = match &self.target.transport {
            Transport::Ws(path) | Transport::Wss(path) => path,
            Transport::Tcp | Transport::Tls => return Ok(stream),
        };
        let scheme = if self.tls.is_some() { "wss" } else { "ws" };
        let url = format!("{scheme}://{}{path}", self.target);
        let ws = crate::ws::connect(stream, &url)
            .await
            .map_err(|e| DialFailure::new(DialStep::WebSocket, e))?;
        Ok(Box::new(ws))
    }
}

/// The step of dialing that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialStep {
    /// Reaching the host.
    Tcp,
    /// The TLS handshake.
    Tls,
    /// The WebSocket handshake.
    WebSocket,
}

/// A failed dial: which step, and the error.
#[derive(Debug, thiserror::Error)]
#[error("{}: {error}", match .step {
    DialStep::Tcp => "cannot connect",
    DialStep::Tls => "TLS handshake failed",
    DialStep::WebSocket => "WebSocket handshake failed",
})]
pub struct DialFailure {
    /// The step that failed.
    pub step: DialStep,
    /// Its error.
    pub error: io::Error,
}

impl DialFailure {
    fn new(step: DialStep, error: io::Error) -> DialFailure {
        DialFailure { step, error }
    }
}

impl From<DialFailure> for io::Error {
    fn from(failure: DialFailure) -> io::Error {
        io::Error::new(failure.error.kind(), failure.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_targets_need_no_tls_material() {
        let trust = Trust {
            ca: Some("/nonexistent.pem"),
            ..Trust::default()
        };
        let dialer = Dialer::new(Target::new("127.0.0.1", 1883, false), &trust).unwrap();
        assert!(dialer.tls.is_none());
        assert_eq!(dialer.target().to_string(), "127.0.0.1:1883");
        let tls = Dialer::new(Target::new("localhost", 8883, true), &trust);
        assert!(matches!(tls, Err(DialError::Trust(TrustError::Ca(_)))));
    }

    #[tokio::test]
    async fn a_refused_connection_says_which_step() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let dialer = Dialer::new(Target::new("127.0.0.1", port, false), &Trust::default()).unwrap();
        let failure = dialer.dial().await.err().unwrap();
        assert_eq!(failure.step, DialStep::Tcp);
    }
}
