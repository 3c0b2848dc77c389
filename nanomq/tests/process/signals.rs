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
