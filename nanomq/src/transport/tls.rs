//! TLS for the MQTT listeners (MQTT over TLS and over secure WebSocket): the rustls server
//! configuration built from the `tls` section of the configuration.
//!
//! `key`, `cert` and `cacert` are each PEM text or the path of a PEM file. With
//! `verify_peer`, clients must present a certificate signed by `cacert`; without
//! `fail_if_no_peer_cert`, clients with no certificate are still let in (but one with a bad
//! certificate is not). The crypto provider is `ring`. The subject of a client's certificate
//! becomes part of its identity ([`peer_subject`]).

use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use shared_types::config::TlsConfig;
use tokio_rustls::TlsAcceptor;

/// The subject of the certificate a client presented, as RFC 4514-style text
/// (`CN=sensor-1, O=Acme`), for the client's identity; `None` without one.
pub fn peer_subject<S>(stream: &tokio_rustls::server::TlsStream<S>) -> Option<Arc<str>> {
    let certificate = stream.get_ref().1.peer_certificates()?.first()?;
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate.as_ref()).ok()?;
    Some(Arc::from(parsed.subject().to_string()))
}

/// A TLS setting that cannot be used, naming the field.
#[derive(Debug, thiserror::Error)]
#[error("tls.{field}: {reason}")]
pub struct TlsSetupError {
    /// The field of the `tls` section.
    pub field: &'static str,
    /// Why.
    pub reason: String,
}

fn error(field: &'static str, reason: impl Into<String>) -> TlsSetupError {
    TlsSetupError {
        field,
        reason: reason.into(),
    }
}

/// Reads a PEM setting: the text itself when it holds a PEM block, else a file to read.
fn pem_text(field: &'static str, value: Option<&str>) -> Result<String, TlsSetupError> {
    let value = value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| error(field, "required"))?;
    if value.contains("-----BEGIN") {
        return Ok(value.to_owned());
    }
    std::fs::read_to_string(Path::new(value))
        .map_err(|e| error(field, format!("cannot read {value}: {e}")))
}

fn certificates(
    field: &'static str,
    pem: &str,
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| error(field, format!("bad PEM: {e}")))?;
    if certs.is_empty() {
        return Err(error(field, "no CERTIFICATE block found"));
    }
    Ok(certs)
}

fn private_key(pem: &str, password: Option<&str>) -> Result<PrivateKeyDer<'static>, TlsSetupError> {
    if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
        let hint = if password.is_some() {
            "encrypted private keys are not supported (key_password is ignored)"
        } else {
            "the key is encrypted and encrypted keys are not supported"
        };
        return Err(error(
            "key",
            format!("{hint}; decrypt it once with `openssl pkey -in KEY -out PLAIN_KEY`"),
        ));
    }
    PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| error("key", format!("no usable private key: {e}")))
}

/// The rustls server configuration for the `tls` section.
pub fn server_config(tls: &TlsConfig) -> Result<Arc<rustls::ServerConfig>, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = certificates("cert", &pem_text("cert", tls.cert.as_deref())?)?;
    let key = private_key(
        &pem_text("key", tls.key.as_deref())?,
        tls.key_password.as_deref(),
    )?;
    let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| error("url", e.to_string()))?;
    let builder = if tls.verify_peer {
        let mut roots = RootCertStore::empty();
        for ca in certificates("cacert", &pem_text("cacert", tls.cacert.as_deref())?)? {
            roots
                .add(ca)
                .map_err(|e| error("cacert", format!("unusable CA certificate: {e}")))?;
        }
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
        let verifier = if tls.fail_if_no_peer_cert {
            verifier
        } else {
            verifier.allow_unauthenticated()
        };
        let verifier = verifier
            .build()
            .map_err(|e| error("cacert", e.to_string()))?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config = builder.with_single_cert(certs, key).map_err(|e| {
        error(
            "key",
            format!("does not match tls.cert or is unusable: {e}"),
        )
    })?;
    Ok(Arc::new(config))
}

/// A TLS acceptor for the `tls` section.
pub fn acceptor(tls: &TlsConfig) -> Result<TlsAcceptor, TlsSetupError> {
    server_config(tls).map(TlsAcceptor::from)
}
