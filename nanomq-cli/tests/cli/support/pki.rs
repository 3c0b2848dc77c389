//! A throwaway certificate authority, generated at run time (no private key is checked in):
//! the CA, and a server and a client certificate it issued for localhost and 127.0.0.1.

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, SanType};

/// A certificate and its private key, as PEM.
pub struct Pem {
    /// The certificate.
    pub cert: String,
    /// Its private key.
    pub key: String,
}

/// The CA and what it issued.
pub struct Pki {
    /// The CA's own certificate and key.
    pub ca: Pem,
    /// A server certificate.
    pub server: Pem,
    /// A client certificate.
    pub client: Pem,
}

/// A fresh CA with a server and a client certificate.
pub fn generate() -> Pki {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let leaf = || {
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &ca).unwrap();
        Pem {
            cert: cert.pem(),
            key: key.serialize_pem(),
        }
    };
    let (server, client) = (leaf(), leaf());
    Pki {
        ca: Pem {
            cert: ca.pem(),
            key: ca.key().serialize_pem(),
        },
        server,
        client,
    }
}
