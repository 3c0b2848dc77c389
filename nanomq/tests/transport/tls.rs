//! MQTT over TLS against the real broker: server-only TLS, mutual TLS, clients with no or a
//! wrong certificate refused, bad key material refused at start naming the field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use rumqttc::{MqttOptions, QoS, TlsConfiguration, Transport};
use support::certs::{Pem, TestPki};
use support::{TestBroker, v4};

async fn tls_broker(pki: &TestPki, verify_peer: bool, fail_if_no_peer_cert: bool) -> TestBroker {
    let server = &pki.server;
    let (cert, key, ca) = (server.cert.clone(), server.key.clone(), pki.ca.clone());
    TestBroker::start_with(move |c| {
        c.tls.enable = true;
        c.tls.url = "tls+nmq-tcp://127.0.0.1:0".into();
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
        c.tls.cacert = Some(ca);
        c.tls.verify_peer = verify_peer;
        c.tls.fail_if_no_peer_cert = fail_if_no_peer_cert;
    })
    .await
}

fn tls_options(
    broker: &TestBroker,
    id: &str,
    pki: &TestPki,
    identity: Option<&Pem>,
) -> MqttOptions {
    let port = broker.handle.addrs().unwrap().tls.unwrap().port();
    let mut options = MqttOptions::new(id, "localhost", port);
    options.set_transport(Transport::Tls(TlsConfiguration::Rustls(
        pki.client_config(identity),
    )));
    options.set_max_packet_size(1 << 20, 1 << 20);
    options
}

#[tokio::test]
async fn server_tls_carries_mqtt_both_ways() {
    let pki = TestPki::generate();
    let broker = tls_broker(&pki, false, false).await;
    let mut sub = v4::Client::connect(tls_options(&broker, "tls-sub", &pki, None)).await;
    sub.subscribe("secure/#", QoS::AtLeastOnce).await;
    // A plain TCP client and a TLS client share one broker.
    let plain = v4::connect(&broker, "plain-pub").await;
    plain
        .publish("secure/a", QoS::AtLeastOnce, false, b"from tcp")
        .await;
    assert_eq!(sub.next_publish().await.payload.as_ref(), b"from tcp");
    let tls_pub = v4::Client::connect(tls_options(&broker, "tls-pub", &pki, None)).await;
    tls_pub
        .publish("secure/b", QoS::ExactlyOnce, false, &[7u8; 100_000])
        .await;
    let big = sub.next_publish().await;
    assert_eq!(big.payload.len(), 100_000);
    broker.stop().await;
}

#[tokio::test]
async fn mutual_tls_accepts_only_certificates_from_the_ca() {
    let pki = TestPki::generate();
    let broker = tls_broker(&pki, true, true).await;
    v4::Client::connect(tls_options(&broker, "good", &pki, Some(&pki.client))).await;
    let none = v4::Client::try_connect(tls_options(&broker, "none", &pki, None)).await;
    assert!(none.is_err(), "no client certificate: {none:?}");
    let wrong =
        v4::Client::try_connect(tls_options(&broker, "wrong", &pki, Some(&pki.stranger))).await;
    assert!(wrong.is_err(), "certificate from another CA: {wrong:?}");
    broker.stop().await;
}

#[tokio::test]
async fn verify_peer_without_fail_if_no_peer_cert_lets_anonymous_tls_in() {
    let pki = TestPki::generate();
    let broker = tls_broker(&pki, true, false).await;
    v4::Client::connect(tls_options(&broker, "anon", &pki, None)).await;
    let wrong =
        v4::Client::try_connect(tls_options(&broker, "wrong", &pki, Some(&pki.stranger))).await;
    assert!(
        wrong.is_err(),
        "a bad certificate is still refused: {wrong:?}"
    );
    broker.stop().await;
}

#[tokio::test]
async fn key_material_may_be_given_as_files() {
    let pki = TestPki::generate();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("server.pem");
    let key = dir.path().join("server.key");
    std::fs::write(&cert, &pki.server.cert).unwrap();
    std::fs::write(&key, &pki.server.key).unwrap();
    let (cert, key) = (cert.display().to_string(), key.display().to_string());
    let broker = TestBroker::start_with(move |c| {
        c.tls.enable = true;
        c.tls.url = "nmq-tls://127.0.0.1:0".into();
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
    })
    .await;
    v4::Client::connect(tls_options(&broker, "files", &pki, None)).await;
    broker.stop().await;
}

#[tokio::test]
async fn bad_key_material_is_refused_at_start_naming_the_field() {
    let pki = TestPki::generate();
    let start = |change: Box<dyn FnOnce(&mut shared_types::config::Config)>| async move {
        let mut config = support::test_config();
        config.tls.enable = true;
        config.tls.url = "tls+nmq-tcp://127.0.0.1:0".into();
        change(&mut config);
        nanomq::start(config, None, Default::default())
            .await
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    let cert = pki.server.cert.clone();
    let missing = start(Box::new(move |c| c.tls.cert = Some(cert))).await;
    assert!(missing.contains("tls.key"), "{missing}");
    let key = pki.server.key.clone();
    let no_file = start(Box::new(move |c| {
        c.tls.cert = Some("/nonexistent/cert.pem".into());
        c.tls.key = Some(key);
    }))
    .await;
    assert!(
        no_file.contains("tls.cert") && no_file.contains("/nonexistent/cert.pem"),
        "{no_file}"
    );
    let (cert, key) = (pki.server.cert.clone(), pki.client.key.clone());
    let mismatch = start(Box::new(move |c| {
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
    }))
    .await;
    assert!(mismatch.contains("tls.key"), "{mismatch}");
}
