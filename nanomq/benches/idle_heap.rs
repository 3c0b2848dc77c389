//! What one idle connection costs in heap: a broker in this process, `N` clients (plain
//! sockets from another thread, MQTT 3.1.1, keep alive 60 s) connected and left idle, and
//! the live heap counted by dhat's allocator before and after.
//!
//! ```sh
//! cargo bench -p nanomq --bench idle_heap            # 2,000 connections
//! cargo bench -p nanomq --bench idle_heap -- 10000
//! ```
//!
//! This is the allocator's view (bytes asked for, and blocks); `bench/run.sh` reports the
//! process's RSS per connection, which adds the allocator's own overhead per block.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use shared_types::config::Config;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// A CONNECT packet (MQTT 3.1.1, clean session, keep alive 60 s) for `client_id`.
fn connect_packet(client_id: &str) -> Vec<u8> {
    let id_len = u16::try_from(client_id.len()).unwrap_or(u16::MAX);
    let mut packet = vec![0x10, 0, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60];
    packet.extend_from_slice(&id_len.to_be_bytes());
    packet.extend_from_slice(client_id.as_bytes());
    packet[1] = u8::try_from(packet.len() - 2).unwrap_or(u8::MAX);
    packet
}

/// Connects one client and waits for its CONNACK.
fn connect(addr: SocketAddr, packet: &[u8]) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(packet)?;
    let mut connack = [0u8; 4];
    stream.read_exact(&mut connack)?;
    if connack != [0x20, 2, 0, 0] {
        return Err(std::io::Error::other(format!("CONNACK {connack:?}")));
    }
    Ok(stream)
}

/// The broker's live heap once the connections it just accepted have settled.
fn settled_heap(n: usize, started: usize) -> dhat::HeapStats {
    // The broker's last steps after CONNACK (events, freeing the handshake) finish within
    // moments; wait until the live block count stops moving.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = dhat::HeapStats::get();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        let now = dhat::HeapStats::get();
        if now.curr_blocks == last.curr_blocks && now.curr_blocks >= started + n {
            return now;
        }
        last = now;
    }
    last
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000);
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let mut config = Config {
        url: "nmq-tcp://127.0.0.1:0".into(),
        ..Config::default()
    };
    config.websocket.enable = false;
    config.http_server.enable = false;
    config.persistence.enable = false;
    let handle = runtime.block_on(nanomq::start(config, None, Default::default()))?;
    let addr = handle.addrs().ok_or("broker not running")?.mqtt;

    // Everything the clients need is allocated up front, and a few connections warm the
    // broker up (its first connection allocates shared structures once).
    let packets: Vec<Vec<u8>> = (0..n + 10)
        .map(|i| connect_packet(&format!("idle-{i:06}")))
        .collect();
    let mut streams = Vec::with_capacity(n + 10);
    for packet in &packets[n..] {
        streams.push(connect(addr, packet)?);
    }
    let before = settled_heap(0, 0);
    for packet in &packets[..n] {
        streams.push(connect(addr, packet)?);
    }
    let after = settled_heap(n, before.curr_blocks);
    let per = |a: usize, b: usize| (a as f64 - b as f64) / n as f64;
    println!(
        "{n} idle connections: {:.0} bytes and {:.1} heap blocks each (live heap {} -> {} bytes)",
        per(after.curr_bytes, before.curr_bytes),
        per(after.curr_blocks, before.curr_blocks),
        before.curr_bytes,
        after.curr_bytes,
    );
    drop(streams);
    runtime.block_on(handle.stop());
    Ok(())
}
