//! The bridge against another implementation: Debian's `mosquitto` as the upstream, over
//! plain TCP (MQTT 3.1.1 and 5) and over TLS with a CA of the test's own. Fails, rather than
//! passing silently, when `mosquitto` is not installed and `NANOMQ_REQUIRE_INTEROP` is set, as
//! CI sets it (a plain `cargo test` on a machine without mosquitto says it skipped them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::bridge_support;
use crate::support;

use std::path::Path;
use std::time::Duration;

use bridge_support::mosquitto::Mosquitto;
use bridge_support::{bridge_config, eventually, metrics, start_edge, wait_connected};
use rumqttc::{MqttOptions, QoS};
use support::{TestBroker, v4};

async fn mosquitto_client(mosquitto: &Mosquitto, id: &str) -> v4::Client {
    let mut options = MqttOptions::new(id, "127.0.0.1", mosquitto.port);
    options.set_keep_alive(Duration::from_secs(30));
    v4::Client::connect(options).await
}

fn payload(p: &rumqttc::Publish) -> (&str, &[u8]) {
    (p.topic.as_str(), p.payload.as_ref())
}

/// Forward `sensors/#` up and `cmd/#` down through a running bridge to `mosquitto`.
async fn exercise(mosquitto: &Mosquitto, edge: &TestBroker) {
    wait_connected(edge).await;
    let mut local_sub = v4::connect(edge, "local-sub").await;
    local_sub.subscribe("cmd/#", QoS::AtLeastOnce).await;
    // The retained message published before the edge started proves the bridge's upstream
    // subscription is in place (it arrives live, or from the edge's own retained store).
    let hello = local_sub.next_publish().await;
    assert_eq!(payload(&hello), ("cmd/hello", &b"hi"[..]));

    let local_pub = v4::connect(edge, "local-pub").await;
    local_pub
        .publish("sensors/t", QoS::AtLeastOnce, false, b"21.5")
        .await;
    local_pub
        .publish("sensors/t", QoS::AtMostOnce, false, b"21.6")
        .await;
    let up_pub = mosquitto_client(mosquitto, "up-pub").await;
    up_pub
        .publish("cmd/dev1", QoS::AtLeastOnce, false, b"reboot")
        .await;
    let got = local_sub.next_publish().await;
    assert_eq!(payload(&got), ("cmd/dev1", &b"reboot"[..]));
    assert_eq!(got.qos, QoS::AtLeastOnce);
    eventually("forwards acknowledged", || {
        metrics(edge).messages_forwarded == 2
    })
    .await;
}

/// Starts `mosquitto`, subscribes to `sensors/#` on it and leaves a retained `cmd/hello`.
async fn mosquitto_with_subscriber(
    extra: &str,
    files: impl FnOnce(&Path),
) -> Option<(Mosquitto, v4::Client)> {
    let mosquitto = Mosquitto::start(extra, files)?;
    let mut up_sub = mosquitto_client(&mosquitto, "up-sub").await;
    up_sub.subscribe("sensors/#", QoS::AtLeastOnce).await;
    let setup = mosquitto_client(&mosquitto, "setup").await;
    setup
        .publish("cmd/hello", QoS::AtLeastOnce, true, b"hi")
        .await;
    setup.disconnect().await;
    Some((mosquitto, up_sub))
}

async fn assert_forwarded(up_sub: &mut v4::Client) {
    let got = up_sub.next_publish().await;
    assert_eq!(
        (payload(&got), got.qos),
        (("sensors/t", &b"21.5"[..]), QoS::AtLeastOnce)
    );
    let got = up_sub.next_publish().await;
    assert_eq!(
        (payload(&got), got.qos),
        (("sensors/t", &b"21.6"[..]), QoS::AtMostOnce)
    );
}

#[tokio::test]
async fn bridges_to_mosquitto_v311() {
    let Some((mosquitto, mut up_sub)) = mosquitto_with_subscriber("", |_| {}).await else {
        return;
    };
    let bridge = bridge_config(mosquitto.port, 4, &["sensors/#"], &[("cmd/#", 1)]);
    let edge = start_edge(bridge).await;
    exercise(&mosquitto, &edge).await;
    assert_forwarded(&mut up_sub).await;
    edge.stop().await;
}

#[tokio::test]
async fn bridges_to_mosquitto_v5() {
    let Some((mosquitto, mut up_sub)) = mosquitto_with_subscriber("", |_| {}).await else {
        return;
    };
    let bridge = bridge_config(mosquitto.port, 5, &["sensors/#"], &[("cmd/#", 1)]);
    let edge = start_edge(bridge).await;
    exercise(&mosquitto, &edge).await;
    assert_forwarded(&mut up_sub).await;
    edge.stop().await;
}

/// A CA and a server certificate for 127.0.0.1 signed by it, as PEM: (ca, cert, key).
fn test_pki() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    let cert = params.signed_by(&server_key, &issuer).unwrap();
    (ca_cert.pem(), cert.pem(), server_key.serialize_pem())
}

/// `mosquitto` with its plain listener (for the test's clients) and a TLS one serving `cert`
/// and `key`; returns it, a subscriber to `sensors/#` on it, and the TLS port.
async fn mosquitto_with_tls(cert: &str, key: &str) -> Option<(Mosquitto, v4::Client, u16)> {
    let tls_port = bridge_support::free_port();
    let extra = format!("listener {tls_port} 127.0.0.1\ncertfile server.pem\nkeyfile server.key\n");
    let (mosquitto, up_sub) = mosquitto_with_subscriber(&extra, |dir| {
        std::fs::write(dir.join("server.pem"), cert).unwrap();
        std::fs::write(dir.join("server.key"), key).unwrap();
    })
    .await?;
    Some((mosquitto, up_sub, tls_port))
}

#[tokio::test]
async fn bridges_to_mosquitto_over_tls_trusting_tls_cacert() {
    let (ca, cert, key) = test_pki();
    let Some((mosquitto, mut up_sub, tls_port)) = mosquitto_with_tls(&cert, &key).await else {
        return;
    };
    let mut bridge = bridge_config(tls_port, 4, &["sensors/#"], &[("cmd/#", 1)]);
    bridge.address = format!("mqtt-tls://127.0.0.1:{tls_port}");
    let edge = TestBroker::start_with(|config| {
        config.bridge = bridge;
        config.tls.cacert = Some(ca);
    })
    .await;
    exercise(&mosquitto, &edge).await;
    assert_forwarded(&mut up_sub).await;
    edge.stop().await;
}

#[tokio::test]
async fn tls_with_an_untrusted_certificate_never_connects() {
    let (_, cert, key) = test_pki();
    let (other_ca, _, _) = test_pki();
    let Some((_mosquitto, _up_sub, tls_port)) = mosquitto_with_tls(&cert, &key).await else {
        return;
    };
    let mut bridge = bridge_config(tls_port, 4, &["sensors/#"], &[]);
    bridge.address = format!("tls+mqtt-tcp://127.0.0.1:{tls_port}");
    let edge = TestBroker::start_with(|config| {
        config.bridge = bridge;
        config.tls.cacert = Some(other_ca);
    })
    .await;
    let stats = edge.handle.bridge_stats();
    eventually("a failed attempt", || {
        stats.stats.failed_attempts.get() >= 1
    })
    .await;
    assert!(!metrics(&edge).connected);
    // The broker serves its clients all the same.
    let mut local = v4::connect(&edge, "local").await;
    local.subscribe("sensors/#", QoS::AtMostOnce).await;
    local
        .publish("sensors/t", QoS::AtMostOnce, false, b"x")
        .await;
    assert_eq!(
        payload(&local.next_publish().await),
        ("sensors/t", &b"x"[..])
    );
    edge.stop().await;
}

/// Named bridges over TLS to a real `mosquitto`: one trusting the right CA (a file named by
/// `ssl.cacertfile`) forwards, renamed; one trusting another CA never connects and says why.
#[tokio::test]
async fn named_bridges_over_tls_verify_the_upstream_certificate() {
    use shared_types::config::{BridgeForward, BridgeSsl, MqttBridge};
    let (ca, cert, key) = test_pki();
    let (other_ca, _, _) = test_pki();
    let Some((_mosquitto, mut up_sub, tls_port)) = mosquitto_with_tls(&cert, &key).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();
    let bridge = |clientid: &str, cacert: String| MqttBridge {
        server: format!("tls+mqtt-tcp://127.0.0.1:{tls_port}"),
        clientid: Some(clientid.into()),
        ssl: BridgeSsl {
            cacertfile: Some(cacert),
            ..BridgeSsl::default()
        },
        forwards: vec![BridgeForward {
            local_topic: "local/#".into(),
            prefix: "sensors/".into(),
            ..BridgeForward::default()
        }],
        ..MqttBridge::default()
    };
    let edge = TestBroker::start_with(|config| {
        let trusted = bridge("edge-good", ca_file.to_string_lossy().into_owned());
        config.bridges.mqtt.insert("good".into(), trusted);
        config
            .bridges
            .mqtt
            .insert("bad".into(), bridge("edge-bad", other_ca));
    })
    .await;
    eventually("the trusting bridge connected", || {
        edge.handle.bridge_metrics_of("good").connected
    })
    .await;
    let local = v4::connect(&edge, "local").await;
    local
        .publish("local/t", QoS::AtLeastOnce, false, b"over tls")
        .await;
    assert_eq!(
        payload(&up_sub.next_publish().await),
        ("sensors/local/t", &b"over tls"[..])
    );
    let bad = edge.handle.bridge_state("bad");
    eventually("a refused attempt", || bad.stats.failed_attempts.get() >= 1).await;
    let info = edge
        .handle
        .control()
        .bridges()
        .info(&edge.handle.broker.config());
    let bad_info = info.iter().find(|b| b.name == "bad").unwrap();
    let error = bad_info.last_error.clone().unwrap_or_default();
    assert!(
        !bad_info.metrics.connected && error.to_lowercase().contains("certificate"),
        "{bad_info:?}"
    );
    edge.stop().await;
}
