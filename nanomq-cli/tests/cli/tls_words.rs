//! TLS mistakes said in words by `pub` and `sub` (issue 22, item 19): a plain client on the
//! TLS port, a CA certificate given as the client's, a broker whose certificate is its CA's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::pki::{Pem, Pki};
use support::{Cli, TestBroker, test_config};

/// A broker whose TLS listener presents `identity`.
async fn tls_broker(identity: &Pem) -> TestBroker {
    let mut config = test_config();
    config.tls.enable = true;
    config.tls.url = "tls+nmq-tcp://127.0.0.1:0".into();
    config.tls.cert = Some(identity.cert.clone());
    config.tls.key = Some(identity.key.clone());
    TestBroker::start(config).await
}

/// Writes the CA's and the client's files beside the broker's configuration.
fn files(broker: &TestBroker, pki: &Pki) -> [String; 4] {
    let write = |name: &str, text: &str| {
        let path = broker.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    [
        write("ca.pem", &pki.ca.cert),
        write("ca-key.pem", &pki.ca.key),
        write("client.pem", &pki.client.cert),
        write("client-key.pem", &pki.client.key),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_mistakes_are_said_in_words() {
    let pki = support::pki::generate();
    let broker = tls_broker(&pki.server).await;
    let port = broker
        .handle
        .addrs()
        .unwrap()
        .tls
        .unwrap()
        .port()
        .to_string();
    let [ca, ca_key, client, client_key] = files(&broker, &pki);
    let publish = |extra: &[&str]| {
        Cli::new()
            .args(["pub", "-h", "localhost", "-p", &port, "-t", "t", "-m", "x"])
            .args(extra)
            .run()
    };

    let plain = publish(&[]).await.fails(3);
    assert_eq!(
        plain,
        "nanomq-cli: the server answered with something that is not MQTT: is this a TLS port? \
         try --tls\n"
    );
    let ca_as_client = publish(&["--tls", "--cafile", &ca, "--cert", &ca, "--key", &ca_key])
        .await
        .fails(2);
    assert_eq!(
        ca_as_client,
        format!(
            "nanomq-cli: --cert {ca} is a CA certificate (CA:TRUE), not a client's: give the \
             certificate the CA issued to this client (the CA goes in --cafile)\n"
        )
    );
    publish(&[
        "--tls",
        "--cafile",
        &ca,
        "--cert",
        &client,
        "--key",
        &client_key,
    ])
    .await
    .ok();
    // Without --cafile the system's trust store is used (the bridge's policy too): it does
    // not know the test CA, or there is no store at all; either is said in words.
    let untrusted = publish(&["--tls"]).await;
    let said = untrusted.stderr();
    assert!(!untrusted.0.status.success(), "{said}");
    assert!(
        said.contains("not signed by a CA this client trusts")
            || said.contains("no trusted root certificates"),
        "{said}"
    );
    broker.handle.stop().await;

    let broker = tls_broker(&pki.ca).await;
    let port = broker
        .handle
        .addrs()
        .unwrap()
        .tls
        .unwrap()
        .port()
        .to_string();
    let ca_as_server = Cli::new()
        .args(["pub", "-h", "localhost", "-p", &port, "-t", "t", "-m", "x"])
        .args(["--tls", "--cafile", &ca])
        .run()
        .await
        .fails(3);
    assert_eq!(
        ca_as_server,
        "nanomq-cli: TLS handshake with localhost failed: the server presented a CA certificate \
         (CA:TRUE) as its own: its certificate (the broker's tls.cert) must be one the CA \
         issued to the server, not the CA's\n"
    );
    broker.handle.stop().await;
}
