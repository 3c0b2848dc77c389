//! TLS for the CLI's MQTT connections (rustls with the `ring` provider): trust the system-less
//! default of a given CA file (or skip verification with `--insecure`), optional client
//! certificate.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::Io;
use crate::error::CliError;

/// A ready TLS client configuration.
#[derive(Clone)]
pub struct TlsClient {
    config: Arc<rustls::ClientConfig>,
}

/// What `--cafile`, `--cert`, `--key` and `--insecure` asked for.
pub struct TlsOptions<'a> {
    /// CA certificates to trust (PEM file).
    pub cafile: Option<&'a str>,
    /// Client certificate (PEM file).
    pub cert: Option<&'a str>,
    /// Client private key (PEM file).
    pub key: Option<&'a str>,
    /// Do not verify the server's certificate.
    pub insecure: bool,
}

fn read(path: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Usage(format!("cannot read {path}: {e}")))
}

impl TlsClient {
    /// Builds the client configuration.
    pub fn new(options: &TlsOptions<'_>) -> Result<TlsClient, CliError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| CliError::Other(e.to_string()))?;
        let builder = if options.insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
        } else {
            let cafile = options.cafile.ok_or_else(|| {
                CliError::Usage(String::from("TLS needs --cafile (or --insecure)"))
            })?;
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(&read(cafile)?) {
                let cert = cert.map_err(|e| CliError::Usage(format!("{cafile}: {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| CliError::Usage(format!("{cafile}: {e}")))?;
            }
            builder.with_root_certificates(roots)
        };
        let config = match (options.cert, options.key) {
            (Some(cert), Some(key)) => {
                let certs = CertificateDer::pem_slice_iter(&read(cert)?)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| CliError::Usage(format!("{cert}: {e}")))?;
                if certs.first().is_some_and(is_ca) {
                    return Err(CliError::Usage(format!(
                        "--cert {cert} is a CA certificate (CA:TRUE), not a client's: give the \
                         certificate the CA issued to this client (the CA goes in --cafile)"
                    )));
                }
                let key_der = PrivateKeyDer::from_pem_slice(&read(key)?)
                    .map_err(|e| CliError::Usage(format!("{key}: {e}")))?;
                builder
                    .with_client_auth_cert(certs, key_der)
                    .map_err(|e| CliError::Usage(format!("client certificate: {e}")))?
            }
            (None, None) => builder.with_no_client_auth(),
            _ => {
                return Err(CliError::Usage(String::from(
                    "--cert and --key go together",
                )));
            }
        };
        Ok(TlsClient {
            config: Arc::new(config),
        })
    }

    /// Runs the TLS handshake over `tcp`.
    pub async fn wrap(&self, host: &str, tcp: TcpStream) -> Result<Box<dyn Io>, CliError> {
        let name = ServerName::try_from(host.to_owned())
            .map_err(|e| CliError::Usage(format!("bad TLS server name {host}: {e}")))?;
        let stream = TlsConnector::from(Arc::clone(&self.config))
            .connect(name, tcp)
            .await
            .map_err(|e| {
                let text = e.to_string();
                let reason = crate::error::in_words(&text).map_or(text, str::to_string);
                CliError::Connect(format!("TLS handshake with {host} failed: {reason}"))
            })?;
        Ok(Box::new(stream))
    }
}

/// Whether `cert` is a CA's (basic constraints CA:TRUE): no server takes it from a client.
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

/// `--insecure`: accepts any server certificate (signatures are still checked).
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
