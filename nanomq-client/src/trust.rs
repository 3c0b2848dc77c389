//! The one TLS trust policy of every client link (rustls, `ring` provider).
//!
//! The server's certificate is checked against the CA given (PEM text or a PEM file's path)
//! or, without one, against the operating system's trust store (`rustls-native-certs`): on an
//! edge box the operator manages that store (`ca-certificates`, a corporate CA installed
//! system-wide), whereas a compiled-in bundle would go stale with the binary and ignore it.
//! A client certificate and key may be given (PEM text or paths). Verification is skipped
//! only when the caller says `insecure` (the CLI's `--insecure`): signatures are still checked.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

/// What to trust and what to present.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trust<'a> {
    /// CA certificates to trust (PEM text, or a PEM file's path); `None`: the system's roots.
    pub ca: Option<&'a str>,
    /// The client's certificate and private key (each PEM text or a path).
    pub client_cert: Option<(&'a str, &'a str)>,
    /// Accept any server certificate (asked for by a user, never a default).
    pub insecure: bool,
}

/// Why TLS cannot be set up; each names what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// The CA could not be read or holds no usable certificate.
    #[error("{0}")]
    Ca(String),
    /// Neither the CA given nor the system trust store gave a usable root certificate.
    #[error("no trusted root certificates: give a CA certificate or install the system CA bundle")]
    NoRoots,
    /// The client certificate or key could not be read or used.
    #[error("{0}")]
    ClientCert(String),
    /// The client certificate given is a CA's (CA:TRUE): no server accepts it from a client.
    #[error("{0} is a CA certificate (CA:TRUE), not a client's")]
    ClientCertIsCa(String),
    /// rustls refused the configuration.
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

impl Trust<'_> {
    /// The rustls client configuration for this policy.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, TrustError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()?;
        let builder = if self.insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
        } else {
            builder.with_root_certificates(roots(self.ca)?)
        };
        let config = match self.client_cert {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => {
                let certs = pem_certs(cert).map_err(TrustError::ClientCert)?;
                if certs.first().is_some_and(is_ca) {
                    return Err(TrustError::ClientCertIsCa(cert.to_owned()));
                }
                let key_der = private_key(key).map_err(TrustError::ClientCert)?;
                builder
                    .with_client_auth_cert(certs, key_der)
                    .map_err(|e| TrustError::ClientCert(format!("client certificate: {e}")))?
            }
        };
        Ok(Arc::new(config))
    }
}

/// The roots to verify servers against: the CA given, else the system's.
fn roots(ca: Option<&str>) -> Result<RootCertStore, TrustError> {
    let mut roots = RootCertStore::empty();
    match ca {
        Some(ca) => {
            let certs = pem_certs(ca).map_err(TrustError::Ca)?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(TrustError::Ca(format!("{ca}: no usable certificate")));
            }
        }
        None => {
            // Certificates the system store could not parse are skipped; if none is left the
            // error says so.
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
    }
    if roots.is_empty() {
        return Err(TrustError::NoRoots);
    }
    Ok(roots)
}

/// Whether `source` is PEM text rather than a path.
fn is_pem(source: &str) -> bool {
    source.contains("-----BEGIN")
}

/// Certificates from PEM text or a PEM file's path.
pub fn pem_certs(source: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = if is_pem(source) {
        CertificateDer::pem_slice_iter(source.as_bytes()).collect()
    } else {
        CertificateDer::pem_file_iter(source)
            .map_err(|e| format!("cannot read {source}: {e}"))?
            .collect()
    };
    let certs = certs.map_err(|e| format!("{}: {e}", shown(source)))?;
    if certs.is_empty() {
        return Err(format!("{}: no CERTIFICATE block", shown(source)));
    }
    Ok(certs)
}

fn private_key(source: &str) -> Result<PrivateKeyDer<'static>, String> {
    if is_pem(source) {
        PrivateKeyDer::from_pem_slice(source.as_bytes()).map_err(|e| format!("private key: {e}"))
    } else {
        let bytes = std::fs::read(source).map_err(|e| format!("cannot read {source}: {e}"))?;
        PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| format!("{source}: {e}"))
    }
}

/// A source as an error names it: a path as it is, PEM text by what it is.
fn shown(source: &str) -> &str {
    if is_pem(source) { "PEM text" } else { source }
}

/// Whether `cert` is a CA's (basic constraints CA:TRUE).
fn is_ca(cert: &CertificateDer<'_>) -> bool {
    x509_parser::parse_x509_certificate(cert.as_ref())
        .ok()
        .and_then(|(_, parsed)| {
            parsed
                .basic_constraints()
                .ok()
                .flatten()
                .map(|b| b.value.ca)
        })
        .unwrap_or(false)
}

/// The server name TLS checks the certificate against.
pub fn server_name(host: &str) -> Option<ServerName<'static>> {
    ServerName::try_from(host.to_owned()).ok()
}

/// `insecure`: accepts any server certificate (signatures are still checked).
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca_pem() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["ca".into()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().pem()
    }

    #[test]
    fn a_ca_as_pem_text_or_path() {
        let pem = ca_pem();
        let text = Trust {
            ca: Some(&pem),
            ..Trust::default()
        };
        assert!(text.client_config().is_ok());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, &pem).unwrap();
        let path = path.to_string_lossy().into_owned();
        let file = Trust {
            ca: Some(&path),
            ..Trust::default()
        };
        assert!(file.client_config().is_ok());
    }

    #[test]
    fn an_unusable_ca_is_named() {
        for bad in ["/nonexistent/ca.pem", "-----BEGIN NOTHING-----\n"] {
            let trust = Trust {
                ca: Some(bad),
                ..Trust::default()
            };
            let err = trust.client_config().unwrap_err();
            assert!(matches!(err, TrustError::Ca(_)), "{bad}: {err}");
        }
        let trust = Trust {
            ca: Some("/nonexistent/ca.pem"),
            ..Trust::default()
        };
        let err = trust.client_config().unwrap_err().to_string();
        assert!(err.starts_with("cannot read /nonexistent/ca.pem"), "{err}");
    }

    #[test]
    fn a_ca_certificate_is_not_a_client_certificate() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["ca".into()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = params.self_signed(&key).unwrap().pem();
        let key = key.serialize_pem();
        let trust = Trust {
            ca: Some(&ca),
            client_cert: Some((&ca, &key)),
            insecure: false,
        };
        let err = trust.client_config().unwrap_err();
        assert!(matches!(err, TrustError::ClientCertIsCa(_)), "{err}");
    }
}
