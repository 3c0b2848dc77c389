//! `nanomq-cli status`: `GET /brokers`, `GET /nodes`, and the bridge's and the store's
//! figures from `GET /metrics`, in one view.

use serde_json::json;
use shared_types::{BrokerInfo, Metrics, NodeInfo};

use super::metrics::{bridge_rows, store_rows};

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, with_uptime_seconds};

/// Runs `status`.
pub async fn exec(ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    let brokers = api.get(&["brokers"], &()).await?;
    let nodes = api.get(&["nodes"], &()).await?;
    let metrics = api.get(&["metrics"], &()).await?;
    if ctx.out.is_json() {
        let part = |key| metrics.data.as_ref().and_then(|m| m.get(key)).cloned();
        let (bridge, store) = (part("bridge"), part("store"));
        return ctx.out.print_json(&json!({
            "brokers": with_uptime_seconds(brokers.data.unwrap_or_default()),
            "nodes": with_uptime_seconds(nodes.data.unwrap_or_default()),
            "bridge": bridge,
            "store": store,
        }));
    }
    let brokers: Vec<BrokerInfo> = brokers.typed()?;
    let nodes: Vec<NodeInfo> = nodes.typed()?;
    let metrics: Metrics = metrics.typed()?;
    let mut text = render(&ctx.out, &ctx.settings.url, &brokers, &nodes);
    if let Some(bridge) = &metrics.bridge {
        text.push_str(&ctx.out.render(&ctx.out.key_values(bridge_rows(bridge))));
    }
    if let Some(store) = &metrics.store {
        text.push_str(&ctx.out.render(&ctx.out.key_values(store_rows(store))));
    } else {
        text.push_str(
            &ctx.out.render(
                &ctx.out
                    .key_values([("store", "off (persistence disabled)".to_string())]),
            ),
        );
    }
    ctx.out.print(&text)
}

/// The one view: a key/value block per broker, with its node's connection count.
pub fn render(out: &Output, url: &str, brokers: &[BrokerInfo], nodes: &[NodeInfo]) -> String {
    let mut text = String::new();
    for (index, broker) in brokers.iter().enumerate() {
        let node = nodes.get(index);
        let mut rows = vec![
            ("broker", format!("{} {}", broker.sysdescr, broker.version)),
            ("status", broker.node_status.clone()),
            ("uptime", broker.uptime.clone()),
            ("datetime", broker.datetime.clone()),
        ];
        if let Some(node) = node {
            rows.push(("connections", node.connections.to_string()));
        }
        rows.push(("api", url.to_string()));
        text.push_str(&out.render(&out.key_values(rows)));
    }
    if brokers.is_empty() {
        text.push_str("no brokers\n");
    }
    text
}
