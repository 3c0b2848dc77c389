//! A throwaway certificate authority for the TLS tests, generated at run time (no private key
//! is ever checked in): a CA, a server certificate for localhost/127.0.0.1, a client
//! certificate, and a client certificate from an unrelated CA.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub struct Pem {
    pub cert: String,
    pub key: String,
}

pub struct TestPki {
    pub ca: String,
    pub server: Pem,
    pub client: Pem,
    pub stranger: Pem,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn leaf(issuer: &CertifiedIssuer<'static, KeyPair>, name: &str) -> Pem {
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    Pem {
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

impl TestPki {
    pub fn generate() -> TestPki {
        let authority = ca("nanomq test CA");
        let other = ca("someone else's CA");
        TestPki {
            ca: authority.pem(),
            server: leaf(&authority, "server"),
            client: leaf(&authority, "client"),
            stranger: leaf(&other, "stranger"),
        }
    }

    /// A rustls client configuration trusting the test CA, optionally with a client certificate.
    pub fn client_config(&self, identity: Option<&Pem>) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(self.ca.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
        let config = match identity {
            None => builder.with_no_client_auth(),
            Some(pem) => {
                let certs = CertificateDer::pem_slice_iter(pem.cert.as_bytes())
                    .map(|c| c.unwrap())
                    .collect();
                let key = PrivateKeyDer::from_pem_slice(pem.key.as_bytes()).unwrap();
                builder.with_client_auth_cert(certs, key).unwrap()
            }
        };
        Arc::new(config)
    }
}
