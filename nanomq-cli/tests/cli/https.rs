//! The CLI against a broker serving its API over HTTPS with a certificate from a private CA:
//! trusted with `--cacert` (or `NANOMQ_CACERT`), refused as a connection error without it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::{TestBroker, test_config};

#[tokio::test]
async fn cacert_lets_the_cli_trust_a_private_ca() {
    let pki = support::pki::generate();
    let (ca, cert, key) = (pki.ca.cert, pki.server.cert, pki.server.key);
    let mut config = test_config();
    config.tls.cert = Some(cert);
    config.tls.key = Some(key);
    config.http_server.tls = true;
    let broker = TestBroker::start(config).await;
    let ca_file = broker.dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let port = broker.handle.addrs().unwrap().http.unwrap().port();
    let url = format!("https://localhost:{port}");

    let out = support::Cli::new()
        .args([
            "--url",
            &url,
            "--cacert",
            ca_file.to_str().unwrap(),
            "-o",
            "json",
            "brokers",
        ])
        .run()
        .await
        .json();
    assert_eq!(out[0]["node_status"], "Running");
    let out = support::Cli::new()
        .args(["--url", &url, "-o", "json", "nodes"])
        .env("NANOMQ_CACERT", &ca_file)
        .run()
        .await
        .json();
    assert_eq!(out[0]["node_status"], "Running");
    // Without it the certificate is unknown: a connection error (exit 3), said on one line.
    let error = support::Cli::new()
        .args(["--url", &url, "brokers"])
        .run()
        .await
        .fails(3);
    assert!(error.contains("cannot reach broker"), "{error}");
    broker.handle.stop().await;
}
