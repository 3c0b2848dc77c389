//! Reaching the upstream broker: a TCP connection, wrapped in TLS when the address says so
//! (`mqtt-tls://`, `tls+mqtt-tcp://`).
//!
//! TLS is rustls with the `ring` provider (the one the workspace builds everywhere). The
//! upstream's certificate is checked against `tls.cacert` when it is set, else against the
//! operating system's trust store through `rustls-native-certs`: on an edge box the operator
//! manages that store (`ca-certificates`, a corporate CA installed system-wide), whereas a
//! compiled-in bundle such as `webpki-roots` would go stale with the binary and ignore it. A
//! private cluster CA goes in `tls.cacert`.

use std::io;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tracing::warn;

use shared_types::config::BridgeAddress;

/// A byte stream to the upstream, plain or TLS.
pub trait UpstreamStream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> UpstreamStream for T {}

/// Why TLS towards the upstream cannot be set up (the bridge does not start).
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// `tls.cacert` could not be read or holds no certificate.
    #[error("tls.cacert: {0}")]
    CaCert(String),
    /// Neither `tls.cacert` nor the system trust store gave a usable root certificate.
    #[error("no trusted root certificates: set tls.cacert or install the system CA bundle")]
    NoRoots,
    /// The upstream host is not a valid TLS server name.
    #[error("`{0}` is not a valid TLS server name")]
    ServerName(String),
    /// rustls refused the configuration.
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Opens connections to the upstream; built once per bridge start.
pub struct Dialer {
    address: BridgeAddress,
    tls: Option<(TlsConnector, ServerName<'static>)>,
}

impl std::fmt::Debug for Dialer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dialer")
            .field("address", &self.address)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl Dialer {
    /// A dialer for `address`, trusting `cacert` (PEM text or a path) or the system's roots.
    pub fn new(address: BridgeAddress, cacert: Option<&str>) -> Result<Dialer, TlsSetupError> {
        let tls = if address.tls {
            let name = ServerName::try_from(address.host.clone())
                .map_err(|_| TlsSetupError::ServerName(address.host.clone()))?;
            let config = client_config(cacert)?;
            Some((TlsConnector::from(Arc::new(config)), name))
        } else {
            None
        };
        Ok(Dialer { address, tls })
    }

    /// "host:port" of the upstream, for logs.
    pub fn target(&self) -> String {
        self.address.socket_addr_string()
    }

    /// Connects (and completes the TLS handshake when asked for).
    pub async fn dial(&self) -> io::Result<Box<dyn UpstreamStream>> {
        let tcp = TcpStream::connect((self.address.host.as_str(), self.address.port)).await?;
        // The link batches its writes itself; small acknowledgements should not wait.
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            None => Ok(Box::new(tcp)),
            Some((connector, name)) => {
                let tls = connector.connect(name.clone(), tcp).await?;
                Ok(Box::new(tls))
            }
        }
    }
}

fn client_config(cacert: Option<&str>) -> Result<rustls::ClientConfig, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    match cacert {
        Some(cacert) => {
            let certs = load_pem_certs(cacert).map_err(TlsSetupError::CaCert)?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(TlsSetupError::CaCert("no usable certificate".into()));
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            for error in &native.errors {
                warn!(%error, "bridge: could not load some system root certificates");
            }
            roots.add_parsable_certificates(native.certs);
        }
    }
    if roots.is_empty() {
        return Err(TlsSetupError::NoRoots);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Certificates from PEM text (anything containing a `-----BEGIN` line) or a PEM file's path.
fn load_pem_certs(source: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = if source.contains("-----BEGIN") {
        CertificateDer::pem_slice_iter(source.as_bytes()).collect()
    } else {
        CertificateDer::pem_file_iter(source)
            .map_err(|e| format!("{source}: {e}"))?
            .collect()
    };
    let certs = certs.map_err(|e| format!("{source}: {e}"))?;
    if certs.is_empty() {
        return Err(format!("{source}: no CERTIFICATE block"));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls_address() -> BridgeAddress {
        BridgeAddress::parse("mqtt-tls://localhost:8883").unwrap()
    }

    #[test]
    fn plain_addresses_need_no_tls_material() {
        let address = BridgeAddress::parse("127.0.0.1:1883").unwrap();
        let dialer = Dialer::new(address, Some("/nonexistent.pem")).unwrap();
        assert!(dialer.tls.is_none());
        assert_eq!(dialer.target(), "127.0.0.1:1883");
    }

    #[test]
    fn cacert_as_pem_text_or_path() {
        let key = rcgen::KeyPair::generate().unwrap();
        let ca = rcgen::CertificateParams::new(vec!["ca".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let pem = ca.pem();
        assert!(
            Dialer::new(tls_address(), Some(&pem))
                .unwrap()
                .tls
                .is_some()
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, &pem).unwrap();
        let path = path.to_string_lossy().into_owned();
        assert!(Dialer::new(tls_address(), Some(&path)).is_ok());
    }

    #[test]
    fn unusable_cacert_is_refused() {
        for bad in ["/nonexistent/ca.pem", "-----BEGIN NOTHING-----\n"] {
            let err = Dialer::new(tls_address(), Some(bad)).unwrap_err();
            assert!(matches!(err, TlsSetupError::CaCert(_)), "{bad}: {err}");
        }
    }
}
