//! Stopping the broker with signals.

use std::io::Write;
use std::net::TcpStream;

use crate::support::{Broker, config_text};

/// `nanomq start 2>&1 | head -1`: once whatever read its output is gone, every line the broker
/// writes fails with EPIPE. Logging a failed write went through `eprintln!`, which panicked in
/// the task that logged, the signal handler included: SIGTERM no longer stopped the broker.
#[test]
fn sigterm_stops_the_broker_after_its_output_pipes_closed() {
    let mut broker = Broker::start(&config_text(""));
    drop(broker.stdout.take());
    drop(broker.stderr.take());
    // A client connecting and going makes the broker log on the closed pipe.
    let mut client = TcpStream::connect(broker.mqtt).unwrap();
    // CONNECT, MQTT 3.1.1, clean session, keep alive 60, client id "p".
    let connect = [
        0x10, 0x0d, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, b'p',
    ];
    client.write_all(&connect).unwrap();
    drop(client);
    broker.signal("TERM");
    let status = broker.wait_exit();
    assert!(status.success(), "{status:?}");
}

/// SIGHUP re-reads the file and applies it live (the log level and `msq_len`, as the log
/// reports), and a client connected before is still served.
#[tokio::test]
async fn sighup_reloads_without_dropping_a_client() {
    use nanomq::codec::{Packet, ProtocolVersion, ReasonCode};

    use crate::common::raw::{RawClient, connect_packet};

    let mut broker = Broker::start(&config_text("[log]\nlevel = \"info\""));
    let mut client = RawClient::connect(broker.mqtt, ProtocolVersion::V5).await;
    let ack = client
        .handshake(connect_packet(ProtocolVersion::V5, "before", true, 60))
        .await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);

    let conf = broker.dir().join("nanomq.conf");
    std::fs::write(&conf, config_text("msq_len = 9\n[log]\nlevel = \"debug\"")).unwrap();
    let log = broker.stderr_lines();
    broker.signal("HUP");
    let reloaded = crate::support::line_with(&log, "configuration reloaded");
    assert!(reloaded.contains("msq_len"), "{reloaded}");
    assert!(reloaded.contains("log.level"), "{reloaded}");
    // The client connected before is served as ever.
    client.send(&Packet::PingReq).await;
    assert!(matches!(client.recv().await, Some(Packet::PingResp)));
    drop(log);
    broker.signal("TERM");
    assert!(broker.wait_exit().success());
}
