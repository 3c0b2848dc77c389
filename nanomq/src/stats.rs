//! The broker's figures in one snapshot, for every place that shows them: `GET /metrics`,
//! Prometheus, `nanomq-cli`, and the periodic `$SYS/brokers/{node}/stats` and
//! `$SYS/brokers/{node}/metrics` messages this module publishes every `sys_interval` seconds.
//!
//! The `$SYS` messages use EMQX's flat, dotted names (`connections.count`,
//! `messages.received`), are retained (a new subscriber gets the latest at once) and are
//! published by the broker itself: `$SYS/` is refused to every client and API call, so what
//! arrives there can be trusted. Beside the counters they carry rates: per second over the
//! last period (`….rate`), and exponentially weighted 1, 5 and 15 minute averages of it
//! (`….rate.1min`, like Mosquitto's `$SYS/broker/load/...`, but per second).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use parking_lot::Mutex;
use serde_json::{Map, Value, json};
use shared_types::{BridgeMetrics, Metrics, NanomqBridgeCounters, Peaks, Refusals};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::broker::Broker;
use crate::broker::limits::Refused;
use crate::codec::{PublishProperties, QoS};
use crate::control::ServerControl;
use crate::message::{Message, Origin};

/// How often a broker with `sys_interval = 0` looks whether a reload turned it on.
const OFF_RECHECK: Duration = Duration::from_secs(1);

/// A snapshot of the broker's counters, the bridge's when one runs; updates the peaks.
pub fn collect(broker: &Broker, control: &ServerControl) -> Metrics {
    let counters = broker.metrics();
    let limits = broker.limits();
    let counts = broker.counts();
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let config = broker.config();
    let bridges = control.bridges().metrics(&config);
    let bridge = BridgeMetrics::total(bridges.iter().map(|(_, m)| m));
    let nanomq_bridges = bridges
        .iter()
        .map(|(name, b)| NanomqBridgeCounters {
            name: name.clone(),
            sent_messages: b.messages_forwarded,
            received_messages: b.messages_received,
            sent_bytes: b.bytes_forwarded,
            received_bytes: b.bytes_received,
            reconnects: b.reconnects,
            uplink_dropped: b.dropped,
            downlink_dropped: 0,
        })
        .collect();
    let cpu_usage = cpu_usage();
    let mut metrics = Metrics {
        connections: counters.connections.get(),
        sessions: count(counts.sessions),
        topics: count(counts.topics),
        subscriptions: count(counts.subscriptions),
        retained: count(counts.retained),
        messages_received: counters.messages_received.get(),
        messages_sent: counters.messages_sent.get(),
        messages_dropped: counters.messages_dropped.get(),
        messages_denied: counters.messages_denied.get(),
        subscriptions_denied: counters.subscriptions_denied.get(),
        logins_failed: counters.logins_failed.get(),
        logins_revoked: counters.logins_revoked.get(),
        refused: Refusals {
            connections: limits.refused(Refused::Connection),
            subscriptions: limits.refused(Refused::Subscription),
            retained: limits.refused(Refused::Retained),
            publishes: limits.refused(Refused::Publish),
        },
        memory_pressure: limits.under_pressure(),
        bytes_received: counters.bytes_received.get(),
        bytes_sent: counters.bytes_sent.get(),
        uptime: broker.uptime().as_secs(),
        memory: crate::memory::resident_memory(),
        cpu_usage,
        cpuinfo: format!("{cpu_usage:.2}%"),
        peaks: Peaks::default(),
        metrics: nanomq_bridges,
        bridge,
        bridges: bridges.into_iter().collect(),
        store: broker.store_stats(),
    };
    metrics.peaks = PEAKS.raise(&metrics);
    metrics
}

/// The largest values seen by [`collect`] in this process (like NanoMQ's, process-wide).
static PEAKS: PeakTracker = PeakTracker::new();

/// CPU time of this process at the previous reading, for [`cpu_usage`].
static CPU_SAMPLE: Mutex<Option<(std::time::Instant, u64)>> = Mutex::new(None);

#[derive(Debug)]
struct PeakTracker(Mutex<Option<Peaks>>);

impl PeakTracker {
    const fn new() -> PeakTracker {
        PeakTracker(Mutex::new(None))
    }

    fn raise(&self, m: &Metrics) -> Peaks {
        let mut guard = self.0.lock();
        let peaks = guard.get_or_insert_with(Peaks::default);
        peaks.connections = peaks.connections.max(m.connections);
        peaks.sessions = peaks.sessions.max(m.sessions);
        peaks.topics = peaks.topics.max(m.topics);
        peaks.subscriptions = peaks.subscriptions.max(m.subscriptions);
        peaks.memory = peaks.memory.max(m.memory);
        peaks.cpu_usage = peaks.cpu_usage.max(m.cpu_usage);
        peaks.clone()
    }
}

/// Percent of one core this process used since the previous call (0 at the first, and where
/// there is no procfs).
fn cpu_usage() -> f64 {
    let Some(ticks) = cpu_ticks() else {
        return 0.0;
    };
    let now = std::time::Instant::now();
    let previous = CPU_SAMPLE.lock().replace((now, ticks));
    let Some((then, before)) = previous else {
        return 0.0;
    };
    let wall = now.duration_since(then).as_secs_f64();
    if wall <= 0.0 {
        return 0.0;
    }
    // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture.
    let used = ticks.saturating_sub(before) as f64 / 100.0;
    (used / wall * 100.0 * 100.0).round() / 100.0
}

/// User plus system CPU time of this process, clock ticks (`/proc/self/stat` fields 14, 15).
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// This broker's name in `$SYS/brokers/{node}/…`: `nanomq@` and the host name.
pub fn node_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty() && !h.contains(['/', '+', '#']))
        .unwrap_or_else(|| "localhost".to_string());
    format!("nanomq@{host}")
}

/// Publishes the statistics at once, then every `sys_interval` seconds (read again each
/// time, so a reload applies from the next period) until `shutdown`.
pub async fn publish_periodically(
    broker: Broker,
    control: ServerControl,
    shutdown: CancellationToken,
) {
    let node = node_name();
    let mut rates = Rates::default();
    let mut due = Instant::now();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep_until(due) => {}
        }
        let interval = broker.config().sys_interval;
        if interval == 0 {
            due = Instant::now() + OFF_RECHECK;
            continue;
        }
        let now = Instant::now();
        let metrics = collect(&broker, &control);
        let (stats, figures) = payloads(&node, &metrics, rates.update(now, &metrics));
        publish(&broker, format!("$SYS/brokers/{node}/stats"), &stats);
        publish(&broker, format!("$SYS/brokers/{node}/metrics"), &figures);
        due = now + Duration::from_secs(u64::from(interval));
    }
}

fn publish(broker: &Broker, topic: String, payload: &Value) {
    broker.publish_internal(Message::new(
        Arc::from(topic),
        Bytes::from(payload.to_string()),
        QoS::AtMostOnce,
        true,
        PublishProperties::default(),
        Origin::Broker,
        Instant::now(),
    ));
}

/// The counters that get rates, by their `$SYS` name.
fn rated(m: &Metrics) -> [(&'static str, u64); 5] {
    [
        ("messages.received", m.messages_received),
        ("messages.sent", m.messages_sent),
        ("messages.dropped", m.messages_dropped),
        ("bytes.received", m.bytes_received),
        ("bytes.sent", m.bytes_sent),
    ]
}

/// The `stats` and `metrics` payloads.
fn payloads(node: &str, m: &Metrics, rates: Map<String, Value>) -> (Value, Value) {
    let ts = crate::clock::now_unix_ms();
    let stats = json!({
        "node": node,
        "ts": ts,
        "connections.count": m.connections,
        "sessions.count": m.sessions,
        "subscriptions.count": m.subscriptions,
        "topics.count": m.topics,
        "retained.count": m.retained,
    });
    let mut figures = Map::new();
    figures.insert("node".into(), json!(node));
    figures.insert("ts".into(), json!(ts));
    figures.insert("uptime".into(), json!(m.uptime));
    figures.insert("memory".into(), json!(m.memory));
    for (name, value) in rated(m) {
        figures.insert(name.into(), json!(value));
    }
    figures.extend(rates);
    if let Some(bridge) = &m.bridge {
        figures.insert("bridge.connected".into(), json!(bridge.connected));
        figures.insert(
            "bridge.messages.forwarded".into(),
            json!(bridge.messages_forwarded),
        );
        figures.insert(
            "bridge.messages.received".into(),
            json!(bridge.messages_received),
        );
        figures.insert("bridge.messages.dropped".into(), json!(bridge.dropped));
        figures.insert("bridge.messages.queued".into(), json!(bridge.queued));
    }
    (stats, Value::Object(figures))
}

/// Rates per second of the [`rated`] counters: over the last period, and their moving
/// averages over 1, 5 and 15 minutes.
#[derive(Debug, Default)]
struct Rates {
    last: Option<(Instant, [u64; 5])>,
    /// The moving averages, per counter: 1, 5, 15 minutes.
    averages: [[f64; 3]; 5],
}

const WINDOWS: [(f64, &str); 3] = [(60.0, "1min"), (300.0, "5min"), (900.0, "15min")];

impl Rates {
    /// Takes a new sample and returns the rates as `$SYS` fields (all 0 for the first).
    fn update(&mut self, now: Instant, m: &Metrics) -> Map<String, Value> {
        let named = rated(m);
        let values = named.map(|(_, v)| v);
        let mut out = Map::new();
        let previous = self.last.replace((now, values));
        for (i, (name, value)) in named.iter().enumerate() {
            let rate = match previous {
                Some((then, before)) => {
                    let secs = now.saturating_duration_since(then).as_secs_f64();
                    if secs > 0.0 {
                        let rate = value.saturating_sub(before[i]) as f64 / secs;
                        for (w, (window, _)) in WINDOWS.iter().enumerate() {
                            let keep = (-secs / window).exp();
                            self.averages[i][w] = self.averages[i][w] * keep + rate * (1.0 - keep);
                        }
                        rate
                    } else {
                        0.0
                    }
                }
                None => 0.0,
            };
            out.insert(format!("{name}.rate"), json!(round(rate)));
            for (w, (_, label)) in WINDOWS.iter().enumerate() {
                out.insert(
                    format!("{name}.rate.{label}"),
                    json!(round(self.averages[i][w])),
                );
            }
        }
        out
    }
}

/// Two decimals are plenty for a rate.
fn round(rate: f64) -> f64 {
    (rate * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_the_counters() {
        let mut rates = Rates::default();
        let start = Instant::now();
        let mut m = Metrics::default();
        let first = rates.update(start, &m);
        assert_eq!(first["messages.received.rate"], 0.0);
        m.messages_received = 600;
        let second = rates.update(start + Duration::from_secs(60), &m);
        assert_eq!(second["messages.received.rate"], 10.0);
        // One period of a minute moves the 1-minute average 63% of the way.
        assert_eq!(second["messages.received.rate.1min"], 6.32);
        let five: f64 = second["messages.received.rate.5min"].as_f64().unwrap();
        assert!(five > 0.0 && five < 6.32, "{five}");
        assert_eq!(second["bytes.sent.rate"], 0.0);
    }

    #[test]
    fn payloads_name_the_node_and_counts() {
        let m = Metrics {
            connections: 3,
            retained: 2,
            messages_received: 7,
            ..Metrics::default()
        };
        let (stats, figures) = payloads("nanomq@h", &m, Map::new());
        assert_eq!(stats["connections.count"], 3);
        assert_eq!(stats["retained.count"], 2);
        assert_eq!(stats["node"], "nanomq@h");
        assert_eq!(figures["messages.received"], 7);
        assert!(figures.get("bridge.connected").is_none());
    }

    #[test]
    fn cpu_time_is_read_and_peaks_only_rise() {
        assert!(cpu_ticks().is_some(), "procfs is there on Linux");
        let tracker = PeakTracker::new();
        let mut m = Metrics {
            connections: 5,
            ..Metrics::default()
        };
        assert_eq!(tracker.raise(&m).connections, 5);
        m.connections = 2;
        assert_eq!(tracker.raise(&m).connections, 5);
    }

    #[test]
    fn node_names_fit_in_a_topic_level() {
        let node = node_name();
        assert!(node.starts_with("nanomq@"), "{node}");
        assert!(!node.contains(['/', '+', '#']), "{node}");
    }
}
