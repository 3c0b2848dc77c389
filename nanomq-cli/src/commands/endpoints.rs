//! `nanomq-cli endpoints`: `GET /api/v4`, the routes the broker serves.

use comfy_table::Cell;
use shared_types::Endpoint;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::count;

/// Runs `endpoints`.
pub async fn exec(ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let reply = ctx.api()?.get(&[], &()).await?;
    if ctx.out.is_json() {
        return ctx.out.print_json(&reply.data.unwrap_or_default());
    }
    let endpoints: Vec<Endpoint> = reply.typed()?;
    let mut table = ctx.out.table(&["METHOD", "PATH", "NAME", "DESCRIPTION"]);
    for endpoint in &endpoints {
        table.add_row(vec![
            Cell::new(&endpoint.method),
            Cell::new(format!("/api/v4{}", endpoint.path)),
            Cell::new(&endpoint.name),
            Cell::new(&endpoint.descr),
        ]);
    }
    ctx.out
        .print_list(&table, &count(endpoints.len(), "route", "routes"))
}
