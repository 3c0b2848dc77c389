//! `nanomq-cli bridges [list]` and `nanomq-cli bridges show NAME`: `GET /bridges` and
//! `GET /bridges/{name}`, where each bridge's upstream connection stands and its counters;
//! `create`, `update`, `delete`, `start`, `stop`, `sub` and `unsub`: the bridges' runtime API
//! (`POST /bridges`, `PUT|DELETE /bridges/{name}`, `POST /bridges/switch|sub|unsub/{name}`).

use comfy_table::{Cell, Color, Table};
use serde_json::{Value, json};
use shared_types::config::BridgeSubscribe;
use shared_types::{
    BridgeInfo, BridgeLinkState, BridgeSubRequest, BridgeSubs, BridgeSwitch, BridgeSwitchRequest,
    BridgeUnsubRequest, BridgeUnsubTopic, BridgeUnsubs,
};

use super::config::set::{detect_format, parse_patch, read_input, settings_patch};
use super::metrics::bytes;
use crate::cli::{BridgeSettingsArgs, BridgesCommand};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, count};

/// Runs `bridges …`.
pub async fn exec(command: Option<BridgesCommand>, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    match command.unwrap_or(BridgesCommand::List) {
        BridgesCommand::List => {
            let reply = api.get(&["bridges"], &()).await?;
            if ctx.out.is_json() {
                return ctx.out.print_json(&reply.data.unwrap_or_default());
            }
            let bridges: Vec<BridgeInfo> = reply.typed()?;
            let line = if bridges.is_empty() {
                "no bridge (none in [bridges.mqtt.NAME], and bridge.bridge_mode is off)".to_string()
            } else {
                count(bridges.len(), "bridge", "bridges")
            };
            ctx.out.print_list(&table(&ctx.out, &bridges), &line)
        }
        BridgesCommand::Show { name } => {
            let reply = api.get(&["bridges", &name], &()).await?;
            if ctx.out.is_json() {
                return ctx.out.print_json(&reply.data.unwrap_or_default());
            }
            let bridge: BridgeInfo = reply.typed()?;
            ctx.out.print(&ctx.out.render(&details(&ctx.out, &bridge)))
        }
        BridgesCommand::Create(args) => {
            let (name, settings) = settings_of(&args)?;
            api.post(&["bridges"], &json!({ name.clone(): settings }))
                .await?;
            done(ctx, &format!("created bridge `{name}`"))
        }
        BridgesCommand::Update(args) => {
            let (name, settings) = settings_of(&args)?;
            api.put(&["bridges", &name], &json!({ name.clone(): settings }))
                .await?;
            done(ctx, &format!("changed bridge `{name}`"))
        }
        BridgesCommand::Delete { name } => {
            api.delete(&["bridges", &name]).await?;
            done(ctx, &format!("removed bridge `{name}`"))
        }
        BridgesCommand::Start { name } => switch(ctx, &name, true).await,
        BridgesCommand::Stop { name } => switch(ctx, &name, false).await,
        BridgesCommand::Sub(args) => {
            let body = BridgeSubRequest {
                data: BridgeSubs {
                    subscription: vec![BridgeSubscribe {
                        remote_topic: args.filter.clone(),
                        local_topic: args.local_topic,
                        qos: args.qos,
                        prefix: args.prefix,
                        suffix: args.suffix,
                        ..BridgeSubscribe::default()
                    }],
                    sub_properties: None,
                },
            };
            api.post(&["bridges", "sub", &args.name], &body).await?;
            done(
                ctx,
                &format!(
                    "bridge `{}` subscribed to `{}` upstream",
                    args.name, args.filter
                ),
            )
        }
        BridgesCommand::Unsub { name, filters } => {
            let body = BridgeUnsubRequest {
                data: BridgeUnsubs {
                    unsubscription: filters
                        .iter()
                        .map(|topic| BridgeUnsubTopic {
                            topic: topic.clone(),
                        })
                        .collect(),
                    unsub_properties: None,
                },
            };
            api.post(&["bridges", "unsub", &name], &body).await?;
            done(
                ctx,
                &format!(
                    "bridge `{name}` unsubscribed from {} upstream",
                    filters.join(", ")
                ),
            )
        }
    }
}

/// The bridge's name and its settings from `-f FILE` and KEY=VALUE arguments (these over
/// the file's).
fn settings_of(args: &BridgeSettingsArgs) -> Result<(String, Value), CliError> {
    let mut settings = match &args.file {
        Some(file) => {
            let (name, text) = read_input(file)?;
            let format = detect_format(file, &text);
            parse_patch(&text, format).map_err(|e| CliError::Other(format!("{name}: {e}")))?
        }
        None => Value::Object(Default::default()),
    };
    let given = settings_patch(&args.settings).map_err(CliError::Usage)?;
    shared_types::config::merge_json(&mut settings, &given);
    if args.file.is_none() && args.settings.is_empty() {
        return Err(CliError::Usage(
            "give the bridge's settings: -f FILE and/or KEY=VALUE (server=mqtt-tcp://host:1883)"
                .to_string(),
        ));
    }
    Ok((args.name.clone(), settings))
}

async fn switch(ctx: &Ctx, name: &str, on: bool) -> Result<(), CliError> {
    let body = BridgeSwitchRequest {
        data: BridgeSwitch { bridge_switch: on },
    };
    ctx.api()?.post(&["bridges", "switch", name], &body).await?;
    let what = if on { "started" } else { "stopped" };
    done(ctx, &format!("{what} bridge `{name}`"))
}

/// The line a change prints (nothing with `--json`: the exit status says it).
fn done(ctx: &Ctx, line: &str) -> Result<(), CliError> {
    if ctx.out.is_json() {
        return Ok(());
    }
    ctx.out.print(&format!("{line}\n"))
}

/// One row per bridge.
pub fn table(out: &Output, bridges: &[BridgeInfo]) -> Table {
    let mut table = out.table(&[
        "NAME",
        "ADDRESS",
        "STATE",
        "SINCE",
        "FORWARDED",
        "RECEIVED",
        "QUEUED",
        "RATE/S",
        "DROPPED",
    ]);
    for bridge in bridges {
        let m = &bridge.metrics;
        table.add_row(vec![
            Cell::new(&bridge.name),
            Cell::new(&bridge.address),
            state_cell(out, bridge.state),
            Cell::new(&bridge.since),
            out.number(m.messages_forwarded),
            out.number(m.messages_received),
            out.number(m.queued),
            out.number(m.forward_rate),
            out.number(m.dropped),
        ]);
    }
    table
}

/// Every field of one bridge, one per line.
pub fn details(out: &Output, bridge: &BridgeInfo) -> Table {
    let m = &bridge.metrics;
    let mut rows = vec![
        ("name", bridge.name.clone()),
        (
            "enabled",
            if bridge.enable { "yes" } else { "no" }.to_string(),
        ),
        ("address", bridge.address.clone()),
        ("protocol", format!("MQTT level {}", bridge.proto_ver)),
        ("client id", bridge.clientid.clone()),
        (
            "state",
            format!("{} since {}", bridge.state.as_str(), bridge.since),
        ),
    ];
    if !bridge.hybrid_servers.is_empty() {
        rows.push(("failover", bridge.hybrid_servers.join(", ")));
        rows.push(("server now", bridge.server.clone()));
    }
    if let Some(error) = &bridge.last_error {
        rows.push(("last error", error.clone()));
    }
    let forwards: Vec<String> = bridge
        .forwards
        .iter()
        .map(|f| {
            let mut text = f.local_topic.clone();
            let renamed =
                !f.remote_topic.is_empty() || !f.prefix.is_empty() || !f.suffix.is_empty();
            if renamed {
                let middle = if f.remote_topic.is_empty() {
                    "(same)"
                } else {
                    &f.remote_topic
                };
                text.push_str(&format!(" -> {}{middle}{}", f.prefix, f.suffix));
            }
            if let Some(qos) = f.qos {
                text.push_str(&format!(" (QoS {qos})"));
            }
            text
        })
        .collect();
    let subscriptions: Vec<String> = bridge
        .subscription
        .iter()
        .map(|s| {
            let renamed = !s.local_topic.is_empty() || !s.prefix.is_empty() || !s.suffix.is_empty();
            let arrow = if renamed {
                let middle = if s.local_topic.is_empty() {
                    "(same)"
                } else {
                    &s.local_topic
                };
                format!(" -> {}{middle}{}", s.prefix, s.suffix)
            } else {
                String::new()
            };
            format!("{}{arrow} (QoS {})", s.remote_topic, s.qos)
        })
        .collect();
    rows.extend([
        ("forwards", list_or_none(&forwards)),
        ("subscriptions", list_or_none(&subscriptions)),
        (
            "forwarded",
            format!(
                "{} messages, {}",
                m.messages_forwarded,
                bytes(m.bytes_forwarded)
            ),
        ),
        (
            "received",
            format!(
                "{} messages, {}",
                m.messages_received,
                bytes(m.bytes_received)
            ),
        ),
        ("queued now", queued(m)),
        ("in flight now", format!("{} messages", m.inflight)),
        ("dropped", format!("{} messages", m.dropped)),
        ("reconnects", m.reconnects.to_string()),
        ("failed attempts", m.failed_attempts.to_string()),
    ]);
    out.key_values(rows)
}

/// "1200 messages, forwarding 3000/s, drained in ~1 s".
fn queued(m: &shared_types::BridgeMetrics) -> String {
    let mut text = format!("{} messages", m.queued);
    if m.forward_rate > 0 {
        text.push_str(&format!(", forwarding {}/s", m.forward_rate));
    }
    if let Some(eta) = m.drain_eta_s {
        text.push_str(&format!(", drained in ~{eta} s"));
    }
    text
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn state_cell(out: &Output, state: BridgeLinkState) -> Cell {
    let color = match state {
        BridgeLinkState::Connected => Color::Green,
        BridgeLinkState::Connecting => Color::Yellow,
        BridgeLinkState::Disconnected | BridgeLinkState::Stopped => Color::Red,
    };
    out.colored(state.as_str(), color)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_show_the_last_error_and_counters() {
        let out = Output::fixed(120);
        let mut bridge = BridgeInfo {
            name: "emqx".into(),
            state: BridgeLinkState::Disconnected,
            last_error: Some("connection refused".into()),
            ..BridgeInfo::default()
        };
        bridge.metrics.queued = 42;
        let text = out.render(&details(&out, &bridge));
        assert!(text.contains("disconnected since"), "{text}");
        assert!(text.contains("connection refused"), "{text}");
        assert!(text.contains("42 messages"), "{text}");
        assert!(text.contains("forwards") && text.contains("none"), "{text}");
    }
}
