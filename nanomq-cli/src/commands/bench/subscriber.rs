//! `bench sub`: subscribers that count what they receive and measure end-to-end latency from
//! the send time publishers embed in the first 8 payload bytes.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use nanomq_codec::{
    Packet, PacketId, PubAck, QoS, Subscribe, SubscribeFilter, SubscribeProperties,
    SubscriptionOptions, decode_packet, encode_packet,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::stats::{Stats, new_histogram, now_micros};
use super::{BenchSubArgs, client_identity, run_clients};
use crate::error::CliError;

/// Runs `bench sub` until the limit, the duration or Ctrl-C.
pub async fn run(args: BenchSubArgs, timeout: Duration) -> Result<(), CliError> {
    let stats = Arc::new(Stats::new());
    let args = Arc::new(args);
    // Traffic is timed from the first message received to the last.
    let first_last: Arc<std::sync::Mutex<Option<(Instant, Instant)>>> = Arc::default();
    run_clients("sub", &args.common, &stats, |index, permit| {
        let (args, stats, span) = (
            Arc::clone(&args),
            Arc::clone(&stats),
            Arc::clone(&first_last),
        );
        async move { subscribe(index, &args, &stats, &span, timeout, permit).await }
    })
    .await;
    let active = first_last
        .lock()
        .ok()
        .and_then(|span| *span)
        .map_or(Duration::ZERO, |(first, last)| last.duration_since(first));
    stats.print_summary("bench sub", active, args.common.json);
    stats.outcome()
}

async fn subscribe(
    index: usize,
    args: &BenchSubArgs,
    stats: &Arc<Stats>,
    span: &std::sync::Mutex<Option<(Instant, Instant)>>,
    timeout: Duration,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<(), CliError> {
    let (endpoint, client_id) = client_identity(&args.common, "sub", index)?;
    let connecting = Instant::now();
    let mut conn = endpoint
        .connect(&client_id, !args.persistent, timeout)
        .await?;
    let connect_time = connecting.elapsed();
    let version = conn.version;
    let filter = args.topic.replace("%i", &index.to_string());
    conn.send(&Packet::Subscribe(Subscribe {
        packet_id: PacketId::new(1).ok_or_else(|| CliError::Other(String::from("packet id")))?,
        filters: vec![SubscribeFilter {
            filter,
            options: SubscriptionOptions {
                qos: args.qos,
                ..Default::default()
            },
        }],
        properties: SubscribeProperties::default(),
    }))
    .await?;
    loop {
        if let Packet::SubAck(ack) = conn.recv().await? {
            if let Some(bad) = ack.reasons.iter().find(|r| r.is_error()) {
                return Err(CliError::Server(format!(
                    "subscription refused (0x{:02x})",
                    bad.0
                )));
            }
            break;
        }
    }
    drop(permit);
    stats.record_connected(connect_time);

    let mut histogram = new_histogram();
    let mut buf = conn.read_buf;
    let mut io = conn.stream;
    let mut out = BytesMut::new();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    // The latest send time seen on each topic: one older is out of its publisher's order.
    let mut latest: std::collections::HashMap<std::sync::Arc<str>, u64> = Default::default();
    loop {
        let mut received = 0u64;
        let mut last_seen = None;
        loop {
            match decode_packet(&mut buf, version, usize::MAX) {
                Ok(Some(Packet::Publish(p))) => {
                    received += 1;
                    if p.payload.len() >= 8 {
                        let mut sent = [0u8; 8];
                        sent.copy_from_slice(&p.payload[..8]);
                        let sent = u64::from_be_bytes(sent);
                        let latency = now_micros().saturating_sub(sent);
                        let newest = latest.entry(std::sync::Arc::clone(&p.topic)).or_default();
                        if sent < *newest {
                            stats.out_of_order.fetch_add(1, Ordering::Relaxed);
                        }
                        *newest = (*newest).max(sent);
                        let _ = histogram.record(latency.clamp(1, 100_000_000));
                    }
                    match (p.qos, p.packet_id) {
                        (QoS::AtLeastOnce, Some(id)) => {
                            encode_ack(Packet::PubAck(PubAck::new(id)), version, &mut out)?
                        }
                        (QoS::ExactlyOnce, Some(id)) => {
                            encode_ack(Packet::PubRec(PubAck::new(id)), version, &mut out)?
                        }
                        _ => {}
                    }
                    last_seen = Some(Instant::now());
                }
                Ok(Some(Packet::PubRel(rel))) => encode_ack(
                    Packet::PubComp(PubAck::new(rel.packet_id)),
                    version,
                    &mut out,
                )?,
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => return Err(CliError::Other(format!("bad packet from broker: {e}"))),
            }
        }
        if received > 0 {
            let total = stats.received.fetch_add(received, Ordering::Relaxed) + received;
            if let (Some(now), Ok(mut span)) = (last_seen, span.lock()) {
                let first = span.map_or(now, |(first, _)| first);
                *span = Some((first, now));
            }
            if args.limit > 0 && total >= args.limit {
                stats.request_stop();
            }
        }
        if !out.is_empty() {
            io.write_all(&out)
                .await
                .map_err(|e| CliError::Connect(e.to_string()))?;
            io.flush()
                .await
                .map_err(|e| CliError::Connect(e.to_string()))?;
            out.clear();
        }
        if stats.stopping() {
            break;
        }
        buf.reserve(64 * 1024);
        tokio::select! {
            read = io.read_buf(&mut buf) => match read {
                Ok(0) => return Err(CliError::Connect(String::from("the broker closed the connection"))),
                Ok(_) => {}
                Err(e) => return Err(CliError::Connect(e.to_string())),
            },
            _ = tick.tick() => {}
        }
    }
    stats.merge_latency(&histogram);
    let mut bye = BytesMut::new();
    encode_ack(Packet::Disconnect(Default::default()), version, &mut bye)?;
    let _ = io.write_all(&bye).await;
    Ok(())
}

fn encode_ack(
    packet: Packet,
    version: nanomq_codec::ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), CliError> {
    encode_packet(&packet, version, out).map_err(|e| CliError::Other(e.to_string()))
}
