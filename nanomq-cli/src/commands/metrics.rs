//! `nanomq-cli metrics`: `GET /metrics`, the broker's counters.

use shared_types::format_uptime;
use shared_types::{BridgeMetrics, Metrics, StoreMetrics};

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Output;

/// Runs `metrics`.
pub async fn exec(ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let reply = ctx.api()?.get(&["metrics"], &()).await?;
    if ctx.out.is_json() {
        return ctx.out.print_json(&reply.data.unwrap_or_default());
    }
    let metrics: Metrics = reply.typed()?;
    ctx.out.print(&render(&ctx.out, &metrics))
}

/// The counters, one per line.
pub fn render(out: &Output, m: &Metrics) -> String {
    let mut rows = vec![
        ("connections", m.connections.to_string()),
        ("sessions", m.sessions.to_string()),
        ("topics", m.topics.to_string()),
        ("subscriptions", m.subscriptions.to_string()),
        ("retained", m.retained.to_string()),
        ("messages received", m.messages_received.to_string()),
        ("messages sent", m.messages_sent.to_string()),
        ("messages dropped", m.messages_dropped.to_string()),
        ("messages denied", m.messages_denied.to_string()),
        ("subscriptions denied", m.subscriptions_denied.to_string()),
        ("logins failed", m.logins_failed.to_string()),
        ("logins revoked", m.logins_revoked.to_string()),
        ("refused connections", m.refused.connections.to_string()),
        ("refused subscriptions", m.refused.subscriptions.to_string()),
        ("refused retained", m.refused.retained.to_string()),
        ("refused publishes", m.refused.publishes.to_string()),
        ("bytes received", bytes(m.bytes_received)),
        ("bytes sent", bytes(m.bytes_sent)),
        ("uptime", format_uptime(m.uptime)),
        ("memory", bytes(m.memory)),
    ];
    if let Some(bridge) = &m.bridge {
        rows.extend(bridge_rows(bridge));
    }
    if let Some(store) = &m.store {
        rows.extend(store_rows(store));
    }
    out.render(&out.key_values(rows))
}

/// The bridge's counters as rows (also shown by `status`).
pub fn bridge_rows(bridge: &BridgeMetrics) -> Vec<(&'static str, String)> {
    vec![
        ("bridge connected", bridge.connected.to_string()),
        ("bridge forwarded", bridge.messages_forwarded.to_string()),
        ("bridge received", bridge.messages_received.to_string()),
        ("bridge queued", bridge.queued.to_string()),
        ("bridge in flight", bridge.inflight.to_string()),
        ("bridge dropped", bridge.dropped.to_string()),
        ("bridge reconnects", bridge.reconnects.to_string()),
    ]
}

/// The store's figures as rows (also shown by `status`).
pub fn store_rows(store: &StoreMetrics) -> Vec<(&'static str, String)> {
    let last_sync = if store.last_sync_unix_ms == 0 {
        "never".to_string()
    } else {
        let ago_ms = unix_ms().saturating_sub(store.last_sync_unix_ms);
        format!(
            "{} ago, took {:.1} ms",
            format_ago(ago_ms),
            store.last_sync_micros as f64 / 1000.0
        )
    };
    vec![
        ("store size", bytes(store.size_bytes)),
        ("store messages", store.messages.to_string()),
        ("store pending", store.pending.to_string()),
        ("store commits", store.commits.to_string()),
        ("store last fsync", last_sync),
        ("store errors", store.errors.to_string()),
        ("store lost at start", store.lost.to_string()),
    ]
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `250 ms`, `3.2 s`, `5 min`.
fn format_ago(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min", ms / 60_000),
    }
}

/// `512 B`, `1.5 KiB`, `12.0 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = UNITS[0];
    for next in &UNITS[1..] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(12 * 1024 * 1024), "12.0 MiB");
    }

    #[test]
    fn ago() {
        assert_eq!(format_ago(250), "250 ms");
        assert_eq!(format_ago(3_200), "3.2 s");
        assert_eq!(format_ago(300_000), "5 min");
    }

    #[test]
    fn store_shown_when_present() {
        let out = Output::fixed(120);
        let mut m = Metrics::default();
        assert!(!render(&out, &m).contains("store"));
        m.store = Some(StoreMetrics {
            size_bytes: 2048,
            pending: 3,
            ..StoreMetrics::default()
        });
        let text = render(&out, &m);
        assert!(text.contains("2.0 KiB"), "{text}");
        assert!(text.contains("never"), "{text}");
    }
}
