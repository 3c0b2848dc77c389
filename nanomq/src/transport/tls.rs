//! TLS for the MQTT listeners (MQTT over TLS and over secure WebSocket): the rustls server
//! configuration built from the `tls` section of the configuration.
//!
//! `key`, `cert` and `cacert` are each PEM text or the path of a PEM file. With
//! `verify_peer`, clients must present a certificate signed by `cacert`; without
//! `fail_if_no_peer_cert`, clients with no certificate are still let in (but one with a bad
//! certificate is not). The crypto provider is `ring`. The subject of a client's certificate
//! becomes part of its identity ([`peer_subject`]). A failed handshake is logged at warn with
//! the peer and the reason, within a budget ([`report_failed_handshake`]).

use std::fmt::Display;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use shared_types::config::TlsConfig;
use tokio_rustls::TlsAcceptor;
use tracing::{debug, warn};

/// The subject of the certificate a client presented, as RFC 4514-style text
/// (`CN=sensor-1, O=Acme`), for the client's identity; `None` without one.
pub fn peer_subject<S>(stream: &tokio_rustls::server::TlsStream<S>) -> Option<Arc<str>> {
    let certificate = stream.get_ref().1.peer_certificates()?.first()?;
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate.as_ref()).ok()?;
    Some(Arc::from(parsed.subject().to_string()))
}

/// At most this many failed handshakes are logged at warn per [`REPORT_WINDOW`]; the first
/// one logged after that says how many were not. One client retrying in a loop, or a scan,
/// cannot flood the log.
const REPORTS_PER_WINDOW: u32 = 10;
/// See [`REPORTS_PER_WINDOW`].
const REPORT_WINDOW: Duration = Duration::from_secs(60);

/// How many failed handshakes have been logged in the current window, and how many not.
#[derive(Debug, Default)]
struct ReportBudget {
    window_start: Option<Instant>,
    reported: u32,
    suppressed: u64,
}

impl ReportBudget {
    /// Whether a failure at `now` is logged: `Some(n)` with the number left unlogged since
    /// the last one that was, `None` when the window's budget is spent.
    fn admit(&mut self, now: Instant) -> Option<u64> {
        if self
            .window_start
            .is_none_or(|start| now.duration_since(start) >= REPORT_WINDOW)
        {
            self.window_start = Some(now);
            self.reported = 0;
        }
        if self.reported < REPORTS_PER_WINDOW {
            self.reported += 1;
            Some(std::mem::take(&mut self.suppressed))
        } else {
            self.suppressed += 1;
            None
        }
    }
}

/// One budget for every TLS listener of the process. A std mutex: held for a few
/// instructions, never across an await.
static BUDGET: Mutex<ReportBudget> = Mutex::new(ReportBudget {
    window_start: None,
    reported: 0,
    suppressed: 0,
});

/// Logs a failed TLS handshake at warn, with the listener, the peer's address and the reason
/// in words, within the process's budget (beyond it, at debug).
pub fn report_failed_handshake(listener: &'static str, peer: SocketAddr, error: &dyn Display) {
    let reason = failure_in_words(&error.to_string());
    let admitted = BUDGET
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .admit(Instant::now());
    match admitted {
        Some(0) => warn!(listener, %peer, %reason, "TLS handshake failed"),
        Some(suppressed) => warn!(
            listener,
            %peer,
            %reason,
            suppressed,
            "TLS handshake failed ({suppressed} earlier failures not logged, over the budget)"
        ),
        None => debug!(listener, %peer, %reason, "TLS handshake failed"),
    }
}

/// What rustls says about a failed handshake, in words where it is cryptic.
fn failure_in_words(text: &str) -> String {
    const WORDS: [(&str, &str); 4] = [
        (
            "InvalidContentType",
            "the client does not speak TLS (a plain MQTT client on the TLS port?)",
        ),
        (
            "CertificateUnknown",
            "the client does not accept the server's certificate (tls.cert): not signed by a CA \
             it trusts, not issued for the name it connected to, or a CA certificate",
        ),
        (
            "UnknownIssuer",
            "the client's certificate is not signed by the CA of tls.cacert",
        ),
        (
            "CaUsedAsEndEntity",
            "the client presented a CA certificate (CA:TRUE) as its own",
        ),
    ];
    WORDS
        .iter()
        .find(|(pattern, _)| text.contains(pattern))
        .map_or_else(
            || text.to_string(),
            |(pattern, words)| format!("{words} ({pattern})"),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_failures_is_logged_within_the_budget() {
        let mut budget = ReportBudget::default();
        let start = Instant::now();
        let logged = (0..1000).filter(|_| budget.admit(start).is_some()).count();
        assert_eq!(logged, REPORTS_PER_WINDOW as usize);
        // The next window's first line says how many were not logged.
        assert_eq!(budget.admit(start + REPORT_WINDOW), Some(990));
        assert_eq!(budget.admit(start + REPORT_WINDOW), Some(0));
    }

    #[test]
    fn cryptic_reasons_are_put_in_words() {
        let plain = failure_in_words("received corrupt message of type InvalidContentType");
        assert!(
            plain.starts_with("the client does not speak TLS"),
            "{plain}"
        );
        assert_eq!(
            failure_in_words("peer sent no certificates"),
            "peer sent no certificates"
        );
    }
}
