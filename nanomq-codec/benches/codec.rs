//! Decode and encode cost of the packets on a broker's hot path: PUBLISH at QoS 1 with a
//! 64-byte and a 1 KiB payload in 3.1.1 and 5.0, a 5.0 CONNECT and a SUBSCRIBE. Decode figures
//! are per burst of 64 packets (see the element throughput); encode figures per packet.

// Benchmark setup on fixed inputs; a failure here should abort loudly.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use nanomq_codec::{
    Connect, ConnectProperties, LastWill, Packet, PacketId, ProtocolVersion, Publish,
    PublishProperties, QoS, Subscribe, SubscribeFilter, SubscribeProperties, SubscriptionOptions,
    WillProperties, decode_packet, encode_packet,
};

const MAX: usize = 1 << 20;

fn publish(payload_len: usize, v5: bool) -> Packet {
    let properties = if v5 {
        PublishProperties {
            message_expiry_interval: Some(3600),
            content_type: Some("application/json".into()),
            ..PublishProperties::default()
        }
    } else {
        PublishProperties::default()
    };
    Packet::Publish(Publish {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: Arc::from("factory/line-3/sensor/temperature"),
        packet_id: PacketId::new(42),
        properties,
        payload: Bytes::from(vec![b'x'; payload_len]),
    })
}

fn connect() -> Packet {
    Packet::Connect(Connect {
        protocol: ProtocolVersion::V5,
        clean_start: true,
        keep_alive: 60,
        client_id: "sensor-0042".into(),
        will: Some(LastWill {
            topic: Arc::from("factory/line-3/sensor/status"),
            payload: Bytes::from_static(b"offline"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: WillProperties::default(),
        }),
        username: Some("sensor".into()),
        password: Some(Bytes::from_static(b"secret")),
        properties: ConnectProperties {
            session_expiry_interval: Some(300),
            receive_maximum: Some(32),
            ..ConnectProperties::default()
        },
    })
}

fn subscribe() -> Packet {
    let filter = |filter: &str| SubscribeFilter {
        filter: filter.into(),
        options: SubscriptionOptions {
            qos: QoS::AtLeastOnce,
            ..SubscriptionOptions::default()
        },
    };
    Packet::Subscribe(Subscribe {
        packet_id: PacketId::new(7).unwrap(),
        filters: vec![filter("factory/+/sensor/#"), filter("$share/g/alerts/#")],
        properties: SubscribeProperties::default(),
    })
}

fn cases() -> Vec<(&'static str, ProtocolVersion, Packet)> {
    use ProtocolVersion::{V3_1_1, V5};
    vec![
        ("publish_v311_64B", V3_1_1, publish(64, false)),
        ("publish_v311_1KiB", V3_1_1, publish(1024, false)),
        ("publish_v5_64B", V5, publish(64, true)),
        ("publish_v5_1KiB", V5, publish(1024, true)),
        ("connect_v5", V5, connect()),
        ("subscribe_v311", V3_1_1, subscribe()),
        ("subscribe_v5", V5, subscribe()),
    ]
}

/// Packets per decode iteration: a connection's read buffer usually holds several, and
/// decoding a run of them measures the steady state rather than one buffer's first split.
const BURST: usize = 64;

fn bench_decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for (name, version, packet) in cases() {
        let mut burst = BytesMut::new();
        for _ in 0..BURST {
            encode_packet(&packet, version, &mut burst).unwrap();
        }
        group.throughput(Throughput::Elements(BURST as u64));
        group.bench_function(name, |b| {
            b.iter_batched(
                || burst.clone(),
                |mut buf| {
                    while let Ok(Some(packet)) = decode_packet(&mut buf, version, MAX) {
                        black_box(packet);
                    }
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

fn bench_encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    for (name, version, packet) in cases() {
        let mut buf = BytesMut::with_capacity(4096);
        group.bench_function(name, |b| {
            b.iter(|| {
                buf.clear();
                encode_packet(black_box(&packet), version, &mut buf)
            });
        });
    }
    group.finish();
}

/// Keeps the `pub fn` that `criterion_group!` generates out of the crate's documented surface.
mod group {
    use criterion::criterion_group;

    criterion_group!(benches, super::bench_decode, super::bench_encode);
}

criterion_main!(group::benches);
