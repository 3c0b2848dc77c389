//! `nanomq-cli nodes`: `GET /nodes`, the node's status and connection count.

use comfy_table::{Cell, Table};
use shared_types::NodeInfo;

use super::brokers::status_cell;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, count, with_uptime_seconds};

/// Runs `nodes`.
pub async fn exec(ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let reply = ctx.api()?.get(&["nodes"], &()).await?;
    if ctx.out.is_json() {
        return ctx
            .out
            .print_json(&with_uptime_seconds(reply.data.unwrap_or_default()));
    }
    let nodes: Vec<NodeInfo> = reply.typed()?;
    ctx.out.print_list(
        &table(&ctx.out, &nodes),
        &count(nodes.len(), "node", "nodes"),
    )
}

/// The nodes as a table.
pub fn table(out: &Output, nodes: &[NodeInfo]) -> Table {
    let mut table = out.table(&["VERSION", "STATUS", "CONNECTIONS", "UPTIME"]);
    for node in nodes {
        table.add_row(vec![
            Cell::new(&node.version),
            status_cell(out, &node.node_status),
            out.number(node.connections),
            Cell::new(&node.uptime),
        ]);
    }
    table
}
