//! `bench pub`: publishers, each paced by `-I` or running flat out, with a bounded QoS 1/2
//! window.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use nanomq_codec::{
    Packet, PacketId, PubRel, Publish, PublishProperties, QoS, decode_packet, encode_packet,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{Semaphore, mpsc};

use super::stats::{Stats, now_micros};
use super::{BenchPubArgs, client_identity, run_clients};
use crate::error::CliError;
use crate::mqtt::Io;

/// Messages encoded per write when running flat out.
const BATCH: usize = 64;

/// Runs `bench pub` until the limit, the duration or Ctrl-C.
pub async fn run(args: BenchPubArgs, timeout: Duration) -> Result<(), CliError> {
    if args.size < 8 {
        return Err(CliError::Usage(String::from(
            "--size must be at least 8 (the send time)",
        )));
    }
    let stats = Arc::new(Stats::new());
    let started = Instant::now();
    let slots = (args.rate > 0)
        .then(|| Pacer::new(args.rate).start(args.common.clients.max(1), Arc::clone(&stats)));
    let slots = std::sync::Mutex::new(slots.unwrap_or_default());
    let args = Arc::new(args);
    run_clients("pub", &args.common, &stats, |index, permit| {
        let (args, stats) = (Arc::clone(&args), Arc::clone(&stats));
        let due = slots
            .lock()
            .ok()
            .and_then(|mut slots| slots.get_mut(index).and_then(Option::take));
        async move { publish(index, &args, &stats, due, timeout, permit).await }
    })
    .await;
    // The measured phase: every client in, to the stop (exactly `--duration`).
    let active = stats.measured().unwrap_or_else(|| started.elapsed());
    stats.print_summary("bench pub", active, args.common.json);
    stats.outcome()
}

/// One evenly paced stream of `rate` messages per second that several publishers share, in
/// turn. The slots come from a thread of its own that sleeps until each one (the runtime's
/// timer counts in whole milliseconds: slots 100 µs apart would go out in bursts, late by up
/// to a millisecond, and that lateness would be counted against the broker). The stream
/// starts when every publisher is in (the measured phase) and ends at the stop.
pub struct Pacer {
    nanos_per_message: f64,
}

impl Pacer {
    /// A stream of `rate` (> 0) messages per second.
    pub fn new(rate: u64) -> Pacer {
        Pacer {
            nanos_per_message: 1e9 / rate.max(1) as f64,
        }
    }

    /// When message `k` of a stream that started at `start` is due.
    fn slot(&self, start: Instant, k: u64) -> Instant {
        start + Duration::from_nanos((k as f64 * self.nanos_per_message) as u64)
    }

    /// Starts the stream for `publishers` publishers: receiver `i` is publisher `i`'s share
    /// of the slots, each the time its message was due. A publisher that is gone (its
    /// receiver dropped) leaves its slots to the next one.
    pub fn start(
        self,
        publishers: usize,
        stats: Arc<Stats>,
    ) -> Vec<Option<mpsc::UnboundedReceiver<Instant>>> {
        let (senders, receivers): (Vec<_>, Vec<_>) =
            (0..publishers).map(|_| mpsc::unbounded_channel()).unzip();
        std::thread::spawn(move || {
            while stats.measured().is_none() && !stats.stopping() {
                std::thread::sleep(Duration::from_millis(1));
            }
            let start = Instant::now();
            let mut turn = 0;
            for k in 0.. {
                let slot = self.slot(start, k);
                let now = Instant::now();
                if slot > now {
                    std::thread::sleep(slot - now);
                }
                if stats.stopping() {
                    return;
                }
                let mut tries = 0;
                while senders[turn % senders.len()].send(slot).is_err() {
                    turn += 1;
                    tries += 1;
                    if tries == senders.len() {
                        return;
                    }
                }
                turn += 1;
            }
        });
        receivers.into_iter().map(Some).collect()
    }
}

async fn publish(
    index: usize,
    args: &BenchPubArgs,
    stats: &Arc<Stats>,
    mut slots: Option<mpsc::UnboundedReceiver<Instant>>,
    timeout: Duration,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<(), CliError> {
    let (endpoint, client_id) = client_identity(&args.common, "pub", index)?;
    let connecting = Instant::now();
    let conn = endpoint.connect(&client_id, true, timeout).await?;
    drop(permit);
    stats.record_connected(connecting.elapsed());
    let version = conn.version;
    // Never more in flight than the broker's Receive Maximum [MQTT-3.3.4-7]: over it, a
    // broker disconnects the client (0x93).
    let inflight = conn
        .connack
        .properties
        .receive_maximum
        .map_or(args.inflight, |max| args.inflight.min(usize::from(max)))
        .max(1);
    let (reader, mut writer) = tokio::io::split(conn.stream);
    let window = Arc::new(Semaphore::new(inflight));
    let (release_tx, mut release_rx) = mpsc::unbounded_channel::<PacketId>();
    let acks = (args.qos != QoS::AtMostOnce).then(|| {
        tokio::spawn(read_acks(
            reader,
            conn.read_buf,
            version,
            Arc::clone(&window),
            release_tx,
            Arc::clone(stats),
        ))
    });

    let topic: Arc<str> = args.topic.replace("%i", &index.to_string()).into();
    let payload = Bytes::from(vec![b'x'; args.size]);
    let mut buf = BytesMut::with_capacity(BATCH * (args.size + topic.len() + 16));
    let mut next_id: u16 = 0;
    let mut published = 0u64;
    let paced = args.message_interval_ms > 0;
    let mut ticker = tokio::time::interval(Duration::from_millis(args.message_interval_ms.max(1)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    while !stats.stopping() && (args.limit == 0 || published < args.limit) {
        let room = if args.limit == 0 {
            BATCH
        } else {
            BATCH.min((args.limit - published) as usize)
        };
        // The time a paced message was due: its latency counts from there.
        let mut due = None;
        let batch = if let Some(slots) = &mut slots {
            let Some(slot) = slots.recv().await else {
                break;
            };
            due = Some(slot);
            1
        } else if paced {
            ticker.tick().await;
            1
        } else {
            room
        };
        let mut in_batch = 0;
        while in_batch < batch {
            let packet_id = if args.qos == QoS::AtMostOnce {
                None
            } else {
                // Wait for a free slot only when the batch is empty, so what is encoded goes out.
                let permit = if in_batch == 0 {
                    // While the window is full, keep answering PUBRECs or QoS 2 stalls.
                    loop {
                        tokio::select! {
                            permit = Arc::clone(&window).acquire_owned() => break permit.ok(),
                            Some(id) = release_rx.recv() => {
                                encode_packet(&Packet::PubRel(PubRel::new(id)), version, &mut buf)
                                    .map_err(|e| CliError::Usage(e.to_string()))?;
                                write(&mut writer, &mut buf).await?;
                            }
                        }
                    }
                } else {
                    Arc::clone(&window).try_acquire_owned().ok()
                };
                let Some(permit) = permit else {
                    if window.is_closed() {
                        return Err(CliError::Connect(
                            "the broker closed the connection".to_string(),
                        ));
                    }
                    break;
                };
                permit.forget();
                next_id = next_id.checked_add(1).unwrap_or(1);
                PacketId::new(next_id)
            };
            let publish = Publish {
                dup: false,
                qos: args.qos,
                retain: args.retain,
                topic: Arc::clone(&topic),
                packet_id,
                properties: PublishProperties::default(),
                payload: payload.clone(),
            };
            encode_packet(&Packet::Publish(publish), version, &mut buf)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            // The payload is the last part of the packet: stamp the send time into it (for a
            // paced stream, the time the message was due).
            let late = due.map_or(0, |due: Instant| due.elapsed().as_micros());
            let stamp = now_micros().saturating_sub(u64::try_from(late).unwrap_or(u64::MAX));
            let at = buf.len() - args.size;
            buf[at..at + 8].copy_from_slice(&stamp.to_be_bytes());
            in_batch += 1;
        }
        while let Ok(id) = release_rx.try_recv() {
            encode_packet(&Packet::PubRel(PubRel::new(id)), version, &mut buf)
                .map_err(|e| CliError::Usage(e.to_string()))?;
        }
        write(&mut writer, &mut buf).await?;
        published += in_batch as u64;
        if args.qos == QoS::AtMostOnce {
            stats.sent.fetch_add(in_batch as u64, Ordering::Relaxed);
        }
    }
    // Wait for the last acknowledgements, then leave cleanly.
    if let Some(acks) = acks {
        let all = u32::try_from(inflight).unwrap_or(u32::MAX);
        let drained = async {
            loop {
                while let Ok(id) = release_rx.try_recv() {
                    encode_packet(&Packet::PubRel(PubRel::new(id)), version, &mut buf)
                        .map_err(|e| CliError::Usage(e.to_string()))?;
                }
                write(&mut writer, &mut buf).await?;
                if window.available_permits() >= all as usize {
                    return Ok::<(), CliError>(());
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        };
        let _ = tokio::time::timeout(timeout, drained).await;
        acks.abort();
    }
    encode_packet(&Packet::Disconnect(Default::default()), version, &mut buf)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let _ = write(&mut writer, &mut buf).await;
    Ok(())
}

async fn write(writer: &mut WriteHalf<Box<dyn Io>>, buf: &mut BytesMut) -> Result<(), CliError> {
    if buf.is_empty() {
        return Ok(());
    }
    writer
        .write_all(buf)
        .await
        .map_err(|e| CliError::Connect(e.to_string()))?;
    writer
        .flush()
        .await
        .map_err(|e| CliError::Connect(e.to_string()))?;
    buf.clear();
    Ok(())
}

/// Reads acknowledgements: PUBACK and PUBCOMP free a window slot (and count as sent), PUBREC
/// asks the writer for a PUBREL.
async fn read_acks(
    mut reader: ReadHalf<Box<dyn Io>>,
    mut buf: BytesMut,
    version: nanomq_codec::ProtocolVersion,
    window: Arc<Semaphore>,
    release: mpsc::UnboundedSender<PacketId>,
    stats: Arc<Stats>,
) {
    loop {
        let mut done = 0u64;
        loop {
            match decode_packet(&mut buf, version, usize::MAX) {
                Ok(Some(Packet::PubAck(_) | Packet::PubComp(_))) => done += 1,
                Ok(Some(Packet::PubRec(rec))) => {
                    let _ = release.send(rec.packet_id);
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => {
                    window.close();
                    return;
                }
            }
        }
        if done > 0 {
            stats.sent.fetch_add(done, Ordering::Relaxed);
            window.add_permits(done as usize);
        }
        buf.reserve(16 * 1024);
        match reader.read_buf(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // The connection is over: a publisher waiting for a slot learns it.
    window.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_stream_is_evenly_spaced_whoever_takes_the_slots() {
        let pacer = Pacer::new(10_000);
        let start = Instant::now();
        let slots: Vec<Instant> = (0..5).map(|k| pacer.slot(start, k)).collect();
        for pair in slots.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_micros(100));
        }
    }

    #[tokio::test]
    async fn publishers_take_the_slots_in_turn_and_a_gone_one_leaves_them_to_the_next() {
        let stats = Arc::new(Stats::new());
        stats.expect(0);
        let mut slots = Pacer::new(10_000).start(3, Arc::clone(&stats));
        drop(slots[1].take());
        let (mut first, mut third) = (slots[0].take().unwrap(), slots[2].take().unwrap());
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(first.recv().await.unwrap());
            got.push(third.recv().await.unwrap());
        }
        stats.request_stop();
        got.sort();
        for pair in got.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_micros(100));
        }
    }
}
