//! `nanomq-cli subscriptions list|show`: `GET /subscriptions` with its filters and paging,
//! `GET /subscriptions/{clientid}`.

use comfy_table::{Cell, Table};
use shared_types::{ClientInfo, Subscription};

use crate::cli::SubscriptionsCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, count, count_paged};

/// Runs `subscriptions …`.
pub async fn exec(command: SubscriptionsCommand, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    match command {
        SubscriptionsCommand::List(args) => {
            let reply = api.get(&["subscriptions"], &args.query()).await?;
            if ctx.out.is_json() {
                return ctx.out.print_json(&reply.paged_json());
            }
            let subscriptions: Vec<Subscription> = reply.typed()?;
            let line = count_paged(
                subscriptions.len(),
                reply.meta.as_ref(),
                "subscription",
                "subscriptions",
            );
            ctx.out
                .print_list(&table(&ctx.out, &subscriptions, true), &line)
        }
        SubscriptionsCommand::Show { clientid } => {
            let reply = api.get(&["subscriptions", &clientid], &()).await?;
            let subscriptions: Vec<Subscription> = reply.typed()?;
            if subscriptions.is_empty() {
                // The API answers [] for an unknown client too: tell the two apart.
                let clients: Vec<ClientInfo> =
                    api.get(&["clients", &clientid], &()).await?.typed()?;
                if clients.is_empty() {
                    return Err(CliError::NotFound(format!("no client `{clientid}`")));
                }
            }
            if ctx.out.is_json() {
                return ctx.out.print_json(&reply.data.unwrap_or_default());
            }
            let line = count(subscriptions.len(), "subscription", "subscriptions");
            ctx.out
                .print_list(&table(&ctx.out, &subscriptions, false), &line)
        }
    }
}

/// The subscriptions as a table; the client column only when they are not all one client's.
pub fn table(out: &Output, subscriptions: &[Subscription], with_client: bool) -> Table {
    let mut header = Vec::new();
    if with_client {
        header.push("CLIENT ID");
    }
    header.extend(["TOPIC", "QOS", "SHARE"]);
    let mut table = out.table(&header);
    for subscription in subscriptions {
        let mut row = Vec::new();
        if with_client {
            row.push(Cell::new(&subscription.clientid));
        }
        row.push(Cell::new(&subscription.topic));
        row.push(out.number(subscription.qos));
        row.push(Cell::new(subscription.share.as_deref().unwrap_or("-")));
        table.add_row(row);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(clientid: &str, topic: &str, qos: u8, share: Option<&str>) -> Subscription {
        Subscription {
            clientid: clientid.into(),
            topic: topic.into(),
            qos,
            share: share.map(str::to_string),
        }
    }

    #[test]
    fn list_snapshot() {
        let out = Output::fixed(80);
        let subscriptions = [
            sub("sensor-1", "sensors/+/temp", 1, None),
            sub("worker-a", "jobs/#", 2, Some("workers")),
        ];
        let expected = "\
CLIENT ID  TOPIC           QOS  SHARE
sensor-1   sensors/+/temp    1  -
worker-a   jobs/#            2  workers
";
        assert_eq!(out.render(&table(&out, &subscriptions, true)), expected);
    }
}
