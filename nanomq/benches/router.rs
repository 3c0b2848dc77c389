//! Hot-path benchmarks of the router: topic matching against 10,000 and 100,000
//! subscriptions, retained-message lookup, and routing one message to 50 subscribers.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use chrono::Local;
use criterion::{BenchmarkId, Criterion, criterion_main};
use nanomq::codec::{ProtocolVersion, QoS, SubscriptionOptions};
use nanomq::message::{Message, Origin};
use nanomq::router::retained::TopicStore;
use nanomq::router::trie::{FilterTrie, TrieValue};
use nanomq::router::{ParsedFilter, Router};
use nanomq::session::mailbox::QueueLimits;
use nanomq::session::{ClientDetails, Session, SessionId};

#[derive(Default)]
struct Count(u32);

impl TrieValue for Count {
    fn is_empty(&self) -> bool {
        self.0 == 0
    }
}

/// `n` subscriptions shaped like a fleet: mostly exact device filters, some per-site
/// wildcards, a few global ones.
fn fleet_filters(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 10 {
            0 => format!("site/{}/dev/+/status", i % 100),
            1 => format!("site/{}/#", i % 1000),
            _ => format!("site/{}/dev/{i}/temp", i % 100),
        })
        .collect()
}

fn topic_matching(c: &mut Criterion) {
    let mut group = c.benchmark_group("topic_matching");
    for n in [10_000usize, 100_000] {
        let mut trie: FilterTrie<Count> = FilterTrie::default();
        for f in fleet_filters(n) {
            trie.entry(&f).0 += 1;
        }
        group.bench_with_input(BenchmarkId::new("match", n), &trie, |b, trie| {
            b.iter(|| {
                let mut hits = 0;
                trie.for_each_match(black_box("site/42/dev/4242/temp"), |v| hits += v.0);
                hits
            });
        });
    }
    group.finish();
}

fn retained_lookup(c: &mut Criterion) {
    let mut store = TopicStore::default();
    for i in 0..100_000u32 {
        store.insert(&format!("site/{}/dev/{i}/temp", i % 100), i);
    }
    let mut group = c.benchmark_group("retained_lookup_100k");
    for filter in ["site/42/dev/4242/temp", "site/42/dev/+/temp", "site/7/#"] {
        group.bench_with_input(BenchmarkId::from_parameter(filter), filter, |b, filter| {
            b.iter(|| {
                let mut n = 0u32;
                store.for_each_match(black_box(filter), |_| n += 1);
                n
            });
        });
    }
    group.finish();
}

fn session(id: u64) -> Arc<Session> {
    let details = ClientDetails {
        username: None,
        protocol: ProtocolVersion::V3_1_1,
        keep_alive: 60,
        clean_start: true,
        peer: None,
        connected_at: Local::now(),
        will: None,
        expiry_interval: 0,
    };
    Arc::new(Session::new(
        SessionId(id),
        Arc::from(format!("c{id}")),
        details,
    ))
}

fn fan_out(c: &mut Criterion) {
    let router = Router::default();
    let limits = QueueLimits::from_msq_len(1024);
    let sessions: Vec<Arc<Session>> = (0..50).map(session).collect();
    for s in &sessions {
        s.mailbox.set_online(true, &limits, &mut Vec::new());
        router.subscribe(
            s,
            ParsedFilter::parse("out/t"),
            SubscriptionOptions::default(),
            None,
        );
    }
    let message = Arc::new(Message {
        id: 0,
        topic: Arc::from("out/t"),
        payload: Bytes::from_static(&[0u8; 64]),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: None,
        expires_at: None,
        origin: Origin::Broker,
    });
    let mut drained = Vec::new();
    let mut congested = Vec::new();
    c.bench_function("route_to_50_subscribers", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for i in 0..iters {
                router.route(black_box(&message), &limits, Some(&mut congested), &mut ());
                if i % 256 == 255 {
                    for s in &sessions {
                        drained.clear();
                        s.mailbox.pop_batch(usize::MAX, 0, &mut drained);
                    }
                    congested.clear();
                }
            }
            start.elapsed()
        });
    });
}

/// Keeps the `pub fn` that `criterion_group!` generates out of the documented surface.
mod group {
    use criterion::criterion_group;

    criterion_group!(
        benches,
        super::topic_matching,
        super::retained_lookup,
        super::fan_out
    );
}

criterion_main!(group::benches);
