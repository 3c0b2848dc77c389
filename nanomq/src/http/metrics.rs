//! `GET /api/v4/metrics` (JSON) and `GET /api/v4/prometheus` (text exposition format 0.0.4):
//! the broker's counters and gauges, read from the live broker at each request
//! ([`crate::stats::collect`]).

use std::fmt::Write;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use shared_types::{ApiResponse, BridgeMetrics, Metrics};

use super::routes::{ApiResult, ApiRoute};
use super::state::AppState;

/// The Content-Type of the Prometheus text format.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The routes of this module.
pub(super) fn routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get(
            "/metrics",
            "list_all_metrics",
            "Counters and gauges of the broker",
            metrics,
        )
        .beyond_spec(),
        ApiRoute::get(
            "/prometheus",
            "prometheus_metrics",
            "Counters and gauges of the broker in the Prometheus text format",
            prometheus,
        )
        .beyond_spec(),
    ]
}

async fn metrics(State(state): State<AppState>) -> ApiResult<Metrics> {
    Ok(Json(ApiResponse::ok(crate::stats::collect(
        &state.broker,
        &state.control,
    ))))
}

async fn prometheus(State(state): State<AppState>) -> Response {
    let text = exposition(&crate::stats::collect(&state.broker, &state.control));
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROMETHEUS_CONTENT_TYPE),
        )],
        text,
    )
        .into_response()
}

/// The metrics in the Prometheus text format: `nanomq_` names, a HELP and a TYPE line each;
/// our own names (counters ending in `_total`), then NanoMQ's (`nanomq_connections_count`…);
/// each bridge's series carry a `bridge` label with its name.
pub fn exposition(m: &Metrics) -> String {
    let series: [(&str, &str, &str, u64); 21] = [
        (
            "connections",
            "gauge",
            "Clients connected now.",
            m.connections,
        ),
        (
            "sessions",
            "gauge",
            "Sessions held now, connected or not.",
            m.sessions,
        ),
        (
            "topics",
            "gauge",
            "Distinct topic filters subscribed now.",
            m.topics,
        ),
        (
            "subscriptions",
            "gauge",
            "Subscriptions held now.",
            m.subscriptions,
        ),
        (
            "retained_messages",
            "gauge",
            "Retained messages held now.",
            m.retained,
        ),
        (
            "messages_received_total",
            "counter",
            "PUBLISH packets received from clients.",
            m.messages_received,
        ),
        (
            "messages_sent_total",
            "counter",
            "PUBLISH packets sent to clients.",
            m.messages_sent,
        ),
        (
            "messages_dropped_total",
            "counter",
            "Messages dropped (queue full, expired, too large).",
            m.messages_dropped,
        ),
        (
            "messages_denied_total",
            "counter",
            "PUBLISH packets and wills refused by the access rules.",
            m.messages_denied,
        ),
        (
            "subscriptions_denied_total",
            "counter",
            "Subscriptions refused by the access rules.",
            m.subscriptions_denied,
        ),
        (
            "logins_failed_total",
            "counter",
            "Logins refused (MQTT and the HTTP API).",
            m.logins_failed,
        ),
        (
            "logins_revoked_total",
            "counter",
            "Connected clients disconnected by a reload that revoked their login.",
            m.logins_revoked,
        ),
        (
            "connections_refused_total",
            "counter",
            "Connections refused near max_memory.",
            m.refused.connections,
        ),
        (
            "subscriptions_refused_total",
            "counter",
            "Subscriptions refused by max_subscriptions or max_memory.",
            m.refused.subscriptions,
        ),
        (
            "retained_refused_total",
            "counter",
            "Retained messages refused by the retained limits, max_memory or the store's quota.",
            m.refused.retained,
        ),
        (
            "publishes_refused_total",
            "counter",
            "Publishes refused because the store is over its quota.",
            m.refused.publishes,
        ),
        (
            "memory_pressure",
            "gauge",
            "1 while resident memory is near max_memory (growth refused).",
            u64::from(m.memory_pressure),
        ),
        (
            "bytes_received_total",
            "counter",
            "Bytes received from clients.",
            m.bytes_received,
        ),
        (
            "bytes_sent_total",
            "counter",
            "Bytes sent to clients.",
            m.bytes_sent,
        ),
        (
            "uptime_seconds",
            "gauge",
            "Seconds since the broker started.",
            m.uptime,
        ),
        (
            "memory_resident_bytes",
            "gauge",
            "Resident memory of the broker process.",
            m.memory,
        ),
    ];
    let store = m.store.as_ref().map(|s| {
        [
            (
                "store_size_bytes",
                "gauge",
                "Bytes the store takes on disk.",
                s.size_bytes,
            ),
            (
                "store_pending",
                "gauge",
                "Changes submitted to the store and not yet committed.",
                s.pending,
            ),
            (
                "store_commits_total",
                "counter",
                "Store transactions committed.",
                s.commits,
            ),
            (
                "store_last_sync_timestamp_seconds",
                "gauge",
                "When the store's last durable commit (fsync) finished, Unix seconds.",
                s.last_sync_unix_ms / 1000,
            ),
            (
                "store_last_sync_duration_microseconds",
                "gauge",
                "How long the store's last durable commit took.",
                s.last_sync_micros,
            ),
            (
                "store_errors_total",
                "counter",
                "Store commits that failed (and were retried).",
                s.errors,
            ),
            (
                "store_lost_total",
                "counter",
                "Store records found damaged at start and dropped.",
                s.lost,
            ),
            (
                "store_messages",
                "gauge",
                "Messages in the store (each once).",
                s.messages,
            ),
        ]
    });
    let mut text = String::new();
    for (name, kind, help, value) in series.into_iter().chain(store.into_iter().flatten()) {
        write_series(&mut text, name, kind, help, "", value);
    }
    write_nanomq_series(&mut text, m);
    let bridge_series = |b: &BridgeMetrics| -> [(&str, &str, &str, u64); 11] {
        [
            (
                "bridge_connected",
                "gauge",
                "1 while the bridge's upstream connection is up.",
                u64::from(b.connected),
            ),
            (
                "bridge_messages_forwarded_total",
                "counter",
                "Messages forwarded upstream.",
                b.messages_forwarded,
            ),
            (
                "bridge_messages_received_total",
                "counter",
                "Messages received from upstream.",
                b.messages_received,
            ),
            (
                "bridge_bytes_forwarded_total",
                "counter",
                "Bytes written to the upstream.",
                b.bytes_forwarded,
            ),
            (
                "bridge_bytes_received_total",
                "counter",
                "Bytes read from the upstream.",
                b.bytes_received,
            ),
            (
                "bridge_dropped_total",
                "counter",
                "Messages for the upstream dropped.",
                b.dropped,
            ),
            (
                "bridge_reconnects_total",
                "counter",
                "Reconnections to the upstream.",
                b.reconnects,
            ),
            (
                "bridge_failed_attempts_total",
                "counter",
                "Failed connection attempts.",
                b.failed_attempts,
            ),
            (
                "bridge_queued",
                "gauge",
                "Messages waiting for the upstream now.",
                b.queued,
            ),
            (
                "bridge_inflight",
                "gauge",
                "Messages in flight upstream now.",
                b.inflight,
            ),
            (
                "bridge_forward_rate",
                "gauge",
                "Messages forwarded upstream per second, over the last seconds.",
                b.forward_rate,
            ),
        ]
    };
    // One HELP and TYPE per series, then a sample per bridge.
    for index in 0..11 {
        for (at, (bridge, b)) in m.bridges.iter().enumerate() {
            let (name, kind, help, value) = bridge_series(b)[index];
            let label = format!("{{bridge=\"{}\"}}", escape_label(bridge));
            if at == 0 {
                write_series(&mut text, name, kind, help, &label, value);
            } else {
                let _ = writeln!(text, "nanomq_{name}{label} {value}");
            }
        }
    }
    text
}

/// NanoMQ's own series (`nanomq/rest_api.c`, `compose_metrics`), same names and types, so
/// that a NanoMQ dashboard keeps working: the counts, their peaks, memory and CPU.
fn write_nanomq_series(text: &mut String, m: &Metrics) {
    let p = &m.peaks;
    let integers: [(&str, &str, &str, u64); 13] = [
        (
            "connections_count",
            "gauge",
            "Clients connected now.",
            m.connections,
        ),
        (
            "connections_max",
            "gauge",
            "Most clients connected at once.",
            p.connections,
        ),
        ("sessions_count", "gauge", "Sessions held now.", m.sessions),
        (
            "sessions_max",
            "gauge",
            "Most sessions held at once.",
            p.sessions,
        ),
        (
            "topics_count",
            "gauge",
            "Distinct topic filters subscribed now.",
            m.topics,
        ),
        (
            "topics_max",
            "gauge",
            "Most distinct topic filters at once.",
            p.topics,
        ),
        (
            "subscribers_count",
            "gauge",
            "Subscriptions held now.",
            m.subscriptions,
        ),
        (
            "subscribers_max",
            "gauge",
            "Most subscriptions at once.",
            p.subscriptions,
        ),
        ("memory_usage", "gauge", "Resident memory (b).", m.memory),
        (
            "memory_usage_max",
            "gauge",
            "Most resident memory (b).",
            p.memory,
        ),
        (
            "messages_received",
            "counter",
            "PUBLISH packets received from clients.",
            m.messages_received,
        ),
        (
            "messages_sent",
            "counter",
            "PUBLISH packets sent to clients.",
            m.messages_sent,
        ),
        (
            "messages_dropped",
            "counter",
            "Messages dropped.",
            m.messages_dropped,
        ),
    ];
    for (name, kind, help, value) in integers {
        write_series(text, name, kind, help, "", value);
    }
    for (name, help, value) in [
        (
            "cpu_usage",
            "CPU used since the previous reading (%).",
            m.cpu_usage,
        ),
        (
            "cpu_usage_max",
            "Most CPU used between two readings (%).",
            p.cpu_usage,
        ),
    ] {
        let _ = writeln!(
            text,
            "# HELP nanomq_{name} {help}\n# TYPE nanomq_{name} gauge\nnanomq_{name} {value:.2}"
        );
    }
}

/// One metric family of one sample: HELP, TYPE, then the sample with `labels` (`{k="v"}`).
fn write_series(text: &mut String, name: &str, kind: &str, help: &str, labels: &str, value: u64) {
    // Writing to a String cannot fail.
    let _ = writeln!(
        text,
        "# HELP nanomq_{name} {help}\n# TYPE nanomq_{name} {kind}\nnanomq_{name}{labels} {value}"
    );
}

/// A label value as the text format wants it: backslash, quote and newline escaped.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
