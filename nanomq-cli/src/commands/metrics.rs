//! `nanomq-cli metrics`: `GET /metrics`, the broker's counters.

use shared_types::Metrics;
use shared_types::format_uptime;

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
        ("bytes received", bytes(m.bytes_received)),
        ("bytes sent", bytes(m.bytes_sent)),
        ("uptime", format_uptime(m.uptime)),
        ("memory", bytes(m.memory)),
    ];
    if let Some(bridge) = &m.bridge {
        rows.extend([
            ("bridge connected", bridge.connected.to_string()),
            ("bridge reconnects", bridge.reconnects.to_string()),
            ("bridge forwarded", bridge.messages_forwarded.to_string()),
            ("bridge received", bridge.messages_received.to_string()),
            ("bridge dropped", bridge.dropped.to_string()),
        ]);
    }
    out.render(&out.key_values(rows))
}

/// `512 B`, `1.5 KiB`, `12.0 MiB`.
fn bytes(n: u64) -> String {
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
}
