//! The HTTP API over HTTPS (`http_server.tls = true`) with the `tls` section's key material.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::certs::TestPki;
use support::{TestBroker, within};

#[tokio::test]
async fn the_api_is_served_over_https_when_asked() {
    // reqwest is built without a default crypto provider (ring is the project's choice).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pki = TestPki::generate();
    let (cert, key) = (pki.server.cert.clone(), pki.server.key.clone());
    let broker = TestBroker::start_with(move |c| {
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
        c.http_server.enable = true;
        c.http_server.port = 0;
        c.http_server.tls = true;
    })
    .await;
    let port = broker.handle.addrs().unwrap().http.unwrap().port();
    let client = reqwest::Client::builder()
        .use_preconfigured_tls((*pki.client_config(None)).clone())
        .build()
        .unwrap();
    let url = format!("https://localhost:{port}/api/v4/brokers");
    let response = within(client.get(&url).basic_auth("admin", Some("public")).send())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], 0);
    assert_eq!(body["data"][0]["node_status"], "Running");
    // Plain HTTP on the HTTPS port gets nowhere.
    let plain = reqwest::Client::new();
    let refused = within(
        plain
            .get(format!("http://localhost:{port}/api/v4/brokers"))
            .send(),
    )
    .await;
    assert!(refused.is_err() || refused.is_ok_and(|r| r.status() != 200));
    broker.stop().await;
}

#[tokio::test]
async fn https_without_key_material_is_refused_naming_the_field() {
    let mut config = support::test_config();
    config.http_server.enable = true;
    config.http_server.port = 0;
    config.http_server.tls = true;
    let error = config.validate().unwrap_err();
    assert_eq!(error.field, "tls.key");
}
