//! `nanomq-cli brokers`: `GET /brokers`, the broker's version, status and uptime.

use comfy_table::{Color, Table};
use shared_types::BrokerInfo;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, count, with_uptime_seconds};

/// Runs `brokers`.
pub async fn exec(ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let reply = ctx.api()?.get(&["brokers"], &()).await?;
    if ctx.out.is_json() {
        return ctx
            .out
            .print_json(&with_uptime_seconds(reply.data.unwrap_or_default()));
    }
    let brokers: Vec<BrokerInfo> = reply.typed()?;
    ctx.out.print_list(
        &table(&ctx.out, &brokers),
        &count(brokers.len(), "broker", "brokers"),
    )
}

/// The brokers as a table.
pub fn table(out: &Output, brokers: &[BrokerInfo]) -> Table {
    let mut table = out.table(&["NAME", "VERSION", "STATUS", "UPTIME", "DATETIME"]);
    for broker in brokers {
        table.add_row(vec![
            comfy_table::Cell::new(&broker.sysdescr),
            comfy_table::Cell::new(&broker.version),
            status_cell(out, &broker.node_status),
            comfy_table::Cell::new(&broker.uptime),
            comfy_table::Cell::new(&broker.datetime),
        ]);
    }
    table
}

/// "Running" in green, anything else in yellow.
pub fn status_cell(out: &Output, status: &str) -> comfy_table::Cell {
    let color = if status == "Running" {
        Color::Green
    } else {
        Color::Yellow
    };
    out.colored(status, color)
}
