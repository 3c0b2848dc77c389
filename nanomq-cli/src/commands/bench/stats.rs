//! Counters shared by the bench clients, the once-a-second progress line, and the summary.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hdrhistogram::Histogram;

/// Totals across all clients of one bench run.
pub struct Stats {
    started: Instant,
    /// Clients connected.
    pub connected: AtomicU64,
    /// Clients that failed to connect or were disconnected.
    pub failed: AtomicU64,
    /// Messages published (QoS 1/2: acknowledged).
    pub sent: AtomicU64,
    /// Messages received.
    pub received: AtomicU64,
    /// Messages received older than one received before on the same topic (by the send time
    /// publishers stamp in them): a publisher's order broken on the way.
    pub out_of_order: AtomicU64,
    /// Latency of received messages, microseconds.
    latency: Mutex<Histogram<u64>>,
    /// How long each client's connection took (TCP, TLS, CONNECT to CONNACK), microseconds.
    connect_time: Mutex<Histogram<u64>>,
    stop: AtomicBool,
    /// When the first client connected and when the last one did, for the connect rate.
    connect_span: Mutex<Option<(Instant, Instant)>>,
    /// How many clients the run starts ([`Stats::expect`]).
    expected: AtomicU64,
    /// When every client had connected or failed (the measured phase begins), and when the
    /// stop was asked for (it ends), each with the messages sent and received by then.
    phase: Mutex<(Option<Mark>, Option<Mark>)>,
    /// Told once every client has connected or failed.
    all_in: tokio::sync::Notify,
}

/// A moment of the run and the counters at it.
#[derive(Debug, Clone, Copy)]
struct Mark {
    at: Instant,
    sent: u64,
    received: u64,
}

impl Stats {
    /// The command's outcome once the summary is out: an error (exit 3) when clients failed,
    /// so that a script sees it without parsing the summary.
    pub fn outcome(&self) -> Result<(), crate::error::CliError> {
        match self.failed.load(Ordering::Relaxed) {
            0 => Ok(()),
            n => Err(crate::error::CliError::Connect(format!(
                "{n} client{} failed (see above)",
                if n == 1 { "" } else { "s" }
            ))),
        }
    }

    /// Fresh counters.
    pub fn new() -> Stats {
        Stats {
            started: Instant::now(),
            connected: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            received: AtomicU64::new(0),
            out_of_order: AtomicU64::new(0),
            latency: Mutex::new(new_histogram()),
            connect_time: Mutex::new(new_histogram()),
            stop: AtomicBool::new(false),
            connect_span: Mutex::new(None),
            expected: AtomicU64::new(0),
            phase: Mutex::new((None, None)),
            all_in: tokio::sync::Notify::new(),
        }
    }

    /// Sets how many clients the run starts: `--duration` counts from when all of them have
    /// connected (or failed).
    pub fn expect(&self, clients: usize) {
        self.expected.store(clients as u64, Ordering::Relaxed);
        self.check_all_in();
    }

    /// Records a client that failed.
    pub fn record_failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.check_all_in();
    }

    fn check_all_in(&self) {
        let done = self.connected.load(Ordering::Relaxed) + self.failed.load(Ordering::Relaxed);
        if done >= self.expected.load(Ordering::Relaxed)
            && let Ok(mut phase) = self.phase.lock()
            && phase.0.is_none()
        {
            phase.0 = Some(self.mark());
            self.all_in.notify_one();
        }
    }

    /// Waits until every client has connected or failed.
    pub async fn all_connected(&self) {
        self.all_in.notified().await;
    }

    fn mark(&self) -> Mark {
        Mark {
            at: Instant::now(),
            sent: self.sent.load(Ordering::Relaxed),
            received: self.received.load(Ordering::Relaxed),
        }
    }

    /// How long the measured phase lasted: from every client in to the stop (or to now);
    /// None if not every client got in.
    pub fn measured(&self) -> Option<Duration> {
        let phase = self.phase.lock().ok()?;
        let start = phase.0?;
        let end = phase.1.map_or_else(Instant::now, |m| m.at);
        Some(end.saturating_duration_since(start.at))
    }

    /// Messages sent and received within the measured phase, when there was one.
    fn measured_counts(&self) -> Option<(u64, u64)> {
        let phase = self.phase.lock().ok()?;
        let (start, end) = (phase.0?, phase.1?);
        Some((end.sent - start.sent, end.received - start.received))
    }

    /// Asks every client to stop.
    pub fn request_stop(&self) {
        if let Ok(mut phase) = self.phase.lock()
            && phase.1.is_none()
        {
            phase.1 = Some(self.mark());
        }
        self.stop.store(true, Ordering::Relaxed);
    }

    /// True once a stop was asked for.
    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Records a successful connection that took `took`.
    pub fn record_connected(&self, took: Duration) {
        self.connected.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut histogram) = self.connect_time.lock() {
            let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
            let _ = histogram.record(micros.max(1));
        }
        let now = Instant::now();
        if let Ok(mut span) = self.connect_span.lock() {
            let first = span.map_or(now, |(first, _)| first);
            *span = Some((first, now));
        }
        self.check_all_in();
    }

    /// Merges one client's latency histogram.
    pub fn merge_latency(&self, histogram: &Histogram<u64>) {
        if let Ok(mut all) = self.latency.lock() {
            let _ = all.add(histogram);
        }
    }

    /// Prints a progress line to stderr every second until stopped.
    pub async fn report_progress(&self, label: &'static str) {
        let terminal = std::io::stderr().is_terminal();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.tick().await;
        let (mut last_sent, mut last_received) = (0, 0);
        while !self.stopping() {
            tick.tick().await;
            let sent = self.sent.load(Ordering::Relaxed);
            let received = self.received.load(Ordering::Relaxed);
            let line = format!(
                "{label} {:>5.0}s  conn {}  fail {}  sent {} ({}/s)  recv {} ({}/s)",
                self.started.elapsed().as_secs_f64(),
                self.connected.load(Ordering::Relaxed),
                self.failed.load(Ordering::Relaxed),
                sent,
                sent - last_sent,
                received,
                received - last_received,
            );
            last_sent = sent;
            last_received = received;
            let mut err = std::io::stderr().lock();
            let _ = if terminal {
                write!(err, "\r{line}\x1b[K")
            } else {
                writeln!(err, "{line}")
            };
            let _ = err.flush();
        }
        if terminal {
            let _ = writeln!(std::io::stderr());
        }
    }

    /// The final summary; `active` is how long the measured traffic lasted.
    pub fn summary(&self, kind: &str, active: Duration) -> serde_json::Value {
        let secs = active.as_secs_f64().max(1e-9);
        let sent = self.sent.load(Ordering::Relaxed);
        let received = self.received.load(Ordering::Relaxed);
        // Rates over the measured phase when `active` is it; `bench sub` times its own
        // (first to last message) and counts them all.
        let per_sec = match self.measured_counts() {
            Some(counts) if Some(active) == self.measured() => counts,
            _ => (sent, received),
        };
        let connect_rate =
            self.connect_span
                .lock()
                .ok()
                .and_then(|span| *span)
                .map(|(first, last)| {
                    let n = self.connected.load(Ordering::Relaxed) as f64;
                    n / last.duration_since(first).as_secs_f64().max(1e-3)
                });
        let mut summary = serde_json::json!({
            "kind": kind,
            "seconds": secs,
            "connected": self.connected.load(Ordering::Relaxed),
            "failed": self.failed.load(Ordering::Relaxed),
            "sent": sent,
            "received": received,
            "sent_per_sec": per_sec.0 as f64 / secs,
            "received_per_sec": per_sec.1 as f64 / secs,
            "connect_rate": connect_rate,
        });
        if kind == "bench sub" {
            summary["out_of_order"] = self.out_of_order.load(Ordering::Relaxed).into();
        }
        if let Ok(latency) = self.latency.lock()
            && !latency.is_empty()
        {
            summary["latency_ms"] = quantiles_ms(&latency);
        }
        if let Ok(connect) = self.connect_time.lock()
            && !connect.is_empty()
        {
            summary["connect_ms"] = quantiles_ms(&connect);
        }
        summary
    }

    /// Prints the summary: JSON, or readable lines.
    pub fn print_summary(&self, kind: &str, active: Duration, json: bool) {
        let summary = self.summary(kind, active);
        if json {
            println!("{summary}");
            return;
        }
        println!(
            "{kind}: {:.1} s",
            summary["seconds"].as_f64().unwrap_or(0.0)
        );
        println!(
            "  clients connected {}, failed {}",
            summary["connected"], summary["failed"]
        );
        if let Some(rate) = summary["connect_rate"].as_f64() {
            println!("  connect rate {rate:.0}/s");
        }
        println!(
            "  sent {} ({:.0}/s), received {} ({:.0}/s)",
            summary["sent"],
            summary["sent_per_sec"].as_f64().unwrap_or(0.0),
            summary["received"],
            summary["received_per_sec"].as_f64().unwrap_or(0.0)
        );
        if let Some(c) = summary.get("connect_ms") {
            println!(
                "  connect ms: p50 {} p99 {} p99.9 {} max {}",
                c["p50"], c["p99"], c["p999"], c["max"]
            );
        }
        if let Some(l) = summary.get("latency_ms") {
            println!(
                "  latency ms: p50 {} p90 {} p99 {} p99.9 {} max {}",
                l["p50"], l["p90"], l["p99"], l["p999"], l["max"]
            );
        }
    }
}

/// p50, p90, p99, p99.9 and max of a histogram of microseconds, in milliseconds.
fn quantiles_ms(histogram: &Histogram<u64>) -> serde_json::Value {
    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    serde_json::json!({
        "p50": ms(0.5), "p90": ms(0.9), "p99": ms(0.99), "p999": ms(0.999),
        "max": histogram.max() as f64 / 1000.0,
    })
}

/// A latency histogram: 1 µs to 100 s, 3 significant digits.
#[allow(clippy::expect_used)] // constant bounds that hdrhistogram accepts
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000, 3).expect("valid histogram bounds")
}

/// Microseconds since the Unix epoch (what publishers embed in payloads).
pub fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_count_only_the_measured_phase() {
        let stats = Stats::new();
        stats.expect(2);
        stats.record_connected(Duration::from_millis(2));
        // Traffic of the first client before the second is in: not measured.
        stats.sent.fetch_add(100, Ordering::Relaxed);
        assert!(stats.measured().is_none());
        stats.record_failed();
        let start = stats.measured().expect("every client is in");
        assert!(start < Duration::from_secs(1));
        stats.sent.fetch_add(50, Ordering::Relaxed);
        stats.request_stop();
        // Acknowledgements drained after the stop: not measured either.
        stats.sent.fetch_add(7, Ordering::Relaxed);
        assert_eq!(stats.measured_counts(), Some((50, 0)));
        let active = stats.measured().unwrap();
        let summary = stats.summary("bench pub", active);
        assert_eq!(summary["sent"], 157, "the total stays the total");
        let p99 = summary["connect_ms"]["p99"].as_f64().unwrap();
        assert!((1.99..=2.01).contains(&p99), "{summary}");
        let rate = summary["sent_per_sec"].as_f64().unwrap();
        assert!((rate - 50.0 / active.as_secs_f64().max(1e-9)).abs() < 1e-6);
    }
}
