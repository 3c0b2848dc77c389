//! The log lines an operator greps for: "client connected" with client id, username, address,
//! protocol, clean start and keep alive; "client disconnected" with a reason in words; a
//! failed login at WARN with client id, username and address.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nanomq::codec::{Disconnect, Packet, ProtocolVersion, ReasonCode};

use crate::common::raw::{RawClient, connect_packet};
use crate::support::{Broker, config_text, line_with};

#[tokio::test]
async fn connections_and_failed_logins_are_logged_for_operators() {
    let mut broker = Broker::start(&config_text(
        "[[users]]\nusername = \"alice\"\npassword = \"pw\"",
    ));
    let log = broker.stderr_lines();

    let mut client = RawClient::connect(broker.mqtt, ProtocolVersion::V5).await;
    let mut connect = connect_packet(ProtocolVersion::V5, "meter-7", true, 30);
    connect.username = Some("alice".into());
    connect.password = Some(b"pw".to_vec().into());
    assert_eq!(client.handshake(connect).await.code, ReasonCode::SUCCESS);
    let connected = line_with(&log, "client connected");
    for part in [
        "meter-7",
        "alice",
        "127.0.0.1:",
        "MQTT 5.0",
        "clean_start=true",
        "keep_alive=30",
    ] {
        assert!(connected.contains(part), "{part} in {connected}");
    }
    client
        .send(&Packet::Disconnect(Disconnect::default()))
        .await;
    let gone = line_with(&log, "client disconnected");
    assert!(gone.contains("meter-7"), "{gone}");
    assert!(gone.contains("client sent DISCONNECT"), "{gone}");
    assert!(
        !gone.contains("ClientDisconnect"),
        "no Rust debug text: {gone}"
    );

    let mut intruder = RawClient::connect(broker.mqtt, ProtocolVersion::V5).await;
    let mut connect = connect_packet(ProtocolVersion::V5, "guess-1", true, 30);
    connect.username = Some("alice".into());
    connect.password = Some(b"wrong".to_vec().into());
    assert_eq!(
        intruder.handshake(connect).await.code,
        ReasonCode::BAD_USERNAME_OR_PASSWORD
    );
    let failed = line_with(&log, "login failed");
    for part in ["WARN", "guess-1", "alice", "127.0.0.1:"] {
        assert!(failed.contains(part), "{part} in {failed}");
    }
    assert!(!failed.contains("wrong"), "never the password: {failed}");
}

/// `log.to = ["file"]`, `format = "json"`, rotation by size: the lines go to the file, one
/// JSON object each, rotated into at most `count` older files, none on the console.
#[tokio::test]
async fn the_log_file_is_json_and_rotates_by_size() {
    let mut broker = Broker::start(&config_text(
        "[log]\nto = [\"file\"]\ndir = \"logs\"\nformat = \"json\"\n[log.rotation]\nsize = \"1KB\"\ncount = 2",
    ));
    for n in 0..30 {
        let mut client = RawClient::connect(broker.mqtt, ProtocolVersion::V5).await;
        let ack = client
            .handshake(connect_packet(
                ProtocolVersion::V5,
                &format!("rotor-{n}"),
                true,
                30,
            ))
            .await;
        assert_eq!(ack.code, ReasonCode::SUCCESS);
        client
            .send(&Packet::Disconnect(Disconnect::default()))
            .await;
        client.until_closed().await;
    }
    broker.signal("TERM");
    assert!(broker.wait_exit().success());
    let dir = broker.dir().join("logs");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    assert!(!read("nanomq.log.1").is_empty(), "rotated once at least");
    assert!(
        !dir.join("nanomq.log.3").exists(),
        "at most count = 2 rotated files"
    );
    let mut connected = 0;
    for name in ["nanomq.log", "nanomq.log.1", "nanomq.log.2"] {
        let text = read(name);
        assert!(text.len() <= 1024, "{name} is {} bytes", text.len());
        for line in text.lines() {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            if value["fields"]["message"] == "client connected" {
                connected += 1;
                assert!(
                    value["fields"]["client_id"]
                        .as_str()
                        .unwrap()
                        .starts_with("rotor-")
                );
            }
        }
    }
    assert!(connected > 0, "connect lines in the files");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut broker.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        !stderr.contains("client connected"),
        "nothing on the console: {stderr}"
    );
}

/// A failed TLS handshake is logged at WARN with the peer's address and the reason in words
/// (here: a plain MQTT client on the TLS port), within a budget: a flood of them logs ten
/// lines, not one per attempt (issue 22, item 19).
#[tokio::test]
async fn failed_tls_handshakes_are_logged_with_peer_and_reason_never_flooding() {
    use std::io::BufRead;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let dir = tempfile::tempdir().unwrap();
    let pki = crate::common::certs::TestPki::generate();
    std::fs::write(dir.path().join("cert.pem"), &pki.server.cert).unwrap();
    std::fs::write(dir.path().join("key.pem"), &pki.server.key).unwrap();
    let mut broker = Broker::start_in(
        dir,
        &config_text(
            "[tls]\nenable = true\nurl = \"tls+nmq-tcp://127.0.0.1:0\"\n\
             cert = \"cert.pem\"\nkey = \"key.pem\"\n",
        ),
    );
    let mut line = String::new();
    broker
        .stdout
        .as_mut()
        .unwrap()
        .read_line(&mut line)
        .unwrap();
    let tls: std::net::SocketAddr = line
        .strip_prefix("nanomq: MQTT/TLS listening on ")
        .unwrap_or_else(|| panic!("no TLS address in {line:?}"))
        .trim()
        .parse()
        .unwrap();
    let log = broker.stderr_lines();
    let connect = [0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 0];
    let plain_on_tls = async || {
        let mut stream = tokio::net::TcpStream::connect(tls).await.unwrap();
        let local = stream.local_addr().unwrap();
        stream.write_all(&connect).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        local
    };
    let first = plain_on_tls().await;
    let failed = line_with(&log, "TLS handshake failed");
    for part in [
        "WARN",
        &format!("peer={first}"),
        "the client does not speak TLS (a plain MQTT client on the TLS port?)",
    ] {
        assert!(failed.contains(part), "{part} in {failed}");
    }
    for _ in 0..30 {
        plain_on_tls().await;
    }
    // A client that gets in marks the end of the flood in the log.
    let mut sentinel = RawClient::connect(broker.mqtt, ProtocolVersion::V5).await;
    let connect = connect_packet(ProtocolVersion::V5, "after-the-flood", true, 30);
    assert_eq!(sentinel.handshake(connect).await.code, ReasonCode::SUCCESS);
    let mut logged = 1;
    loop {
        let line = line_with(&log, "");
        if line.contains("after-the-flood") {
            break;
        }
        logged += usize::from(line.contains("TLS handshake failed"));
    }
    assert_eq!(logged, 10, "the budget of warnings per minute");
}
