//! The bridge acknowledges upstream only what is stored: an upstream (Debian's `mosquitto`)
//! holds a persistent session for the edge's bridge and sends numbered QoS 1 messages down to
//! a persistent subscriber at the edge, while the edge is killed (`kill -9`) again and again
//! at random moments. Whatever the upstream was told was received, the subscriber gets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use nanomq::codec::{Packet, ProtocolVersion, PubAck, QoS, ReasonCode};

use crate::common::raw::{RawClient, connect_packet};
use crate::support::{Broker, TIMEOUT, config_text};

/// Messages the upstream sends down.
const MESSAGES: u16 = 400;
/// Times the edge is killed while they flow.
const KILLS: usize = 6;

/// `mosquitto` on a free port, or `None` (the test skips) when it is not installed and CI's
/// `NANOMQ_REQUIRE_INTEROP` is unset. Killed when dropped.
struct Upstream(Child, u16, #[allow(dead_code)] tempfile::TempDir);

impl Upstream {
    fn start() -> Option<Upstream> {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let conf = dir.path().join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 20\n"
            ),
        )
        .unwrap();
        let spawn = |program: &str| {
            Command::new(program)
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        };
        let child = match spawn("mosquitto").or_else(|_| spawn("/usr/sbin/mosquitto")) {
            Ok(child) => child,
            Err(_) if std::env::var_os("NANOMQ_REQUIRE_INTEROP").is_none() => {
                eprintln!("SKIPPED: mosquitto is not installed (apt-get install -y mosquitto)");
                return None;
            }
            Err(e) => panic!("cannot start mosquitto: {e}"),
        };
        let deadline = std::time::Instant::now() + TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "mosquitto not listening"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Upstream(child, port, dir))
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.1))
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The edge's persistent subscriber, connected (its session resumed after the first time).
async fn keeper(edge: &Broker) -> RawClient {
    let mut client = RawClient::connect(edge.mqtt, ProtocolVersion::V5).await;
    let mut connect = connect_packet(ProtocolVersion::V5, "keeper", false, 60);
    connect.properties.session_expiry_interval = Some(3600);
    let ack = client.handshake(connect).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS, "{ack:?}");
    if !ack.session_present {
        assert_eq!(
            client.subscribe("down/#", QoS::AtLeastOnce).await,
            [ReasonCode(1)]
        );
    }
    client
}

/// Receives (and acknowledges) for `how_long`, or until the connection ends, adding the
/// message numbers to `seen`.
async fn receive(client: &mut RawClient, seen: &mut BTreeSet<u16>, how_long: Duration) {
    let until = tokio::time::Instant::now() + how_long;
    while let Ok(Some(packet)) = tokio::time::timeout_at(until, client.recv()).await {
        if let Packet::Publish(p) = packet {
            if let Some(id) = p.packet_id {
                client.send(&Packet::PubAck(PubAck::new(id))).await;
            }
            let n = std::str::from_utf8(&p.payload).unwrap().parse().unwrap();
            seen.insert(n);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_bridge_acknowledged_upstream_survives_kill_9() {
    let Some(upstream) = Upstream::start() else {
        return;
    };
    let text = config_text(&format!(
        "[bridge]\nbridge_mode = true\naddress = \"mqtt-tcp://{}\"\nclientid = \"edge-bridge\"\nclean_start = false\nsubscription = [{{ topic = \"down/#\", qos = 1 }}]\n",
        upstream.addr()
    ));
    let mut edge = Broker::start(&text);
    let mut seen = BTreeSet::new();
    let mut client = keeper(&edge).await;
    // The bridge's subscription is in place upstream once a first message comes through.
    let mut publisher = RawClient::connect(upstream.addr(), ProtocolVersion::V3_1_1).await;
    publisher
        .handshake(connect_packet(ProtocolVersion::V3_1_1, "source", true, 60))
        .await;
    while seen.is_empty() {
        publisher.publish_qos1("down/probe", 1, b"0").await;
        receive(&mut client, &mut seen, Duration::from_millis(200)).await;
    }
    // Numbered messages, acknowledged by the upstream as they go, while the edge dies.
    let source = tokio::spawn(async move {
        for n in 1..=MESSAGES {
            let code = publisher
                .publish_qos1(&format!("down/{n}"), n, n.to_string().as_bytes())
                .await;
            assert_eq!(code, ReasonCode::SUCCESS);
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
    });
    for _ in 0..KILLS {
        let run = Duration::from_millis(fastrand::u64(50..400));
        receive(&mut client, &mut seen, run).await;
        let dir = edge.end("KILL");
        edge = Broker::start_in(dir, &text);
        client = keeper(&edge).await;
    }
    crate::common::within(source).await.unwrap();
    let all: BTreeSet<u16> = (0..=MESSAGES).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while seen != all && tokio::time::Instant::now() < deadline {
        receive(&mut client, &mut seen, Duration::from_millis(500)).await;
    }
    let missing: Vec<u16> = all.difference(&seen).copied().collect();
    assert!(missing.is_empty(), "lost across {KILLS} kills: {missing:?}");
    drop(edge);
}
