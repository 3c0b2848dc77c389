//! `nanomq-cli config get|set|edit|diff`: `GET` and `POST /configuration`, shown as a table of
//! settings, as JSON (the API's `data`) or as TOML (the layout of `etc/nanomq.conf`).

mod edit;
pub mod set;
mod view;

use comfy_table::Cell;
use serde_json::Value;
use shared_types::config::{Config, TakesEffect, takes_effect};

use crate::api::ApiClient;
use crate::cli::{ConfigCommand, OutputFormat};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, count};
use view::{Change, Shown};

/// Runs `config …`.
pub async fn exec(command: ConfigCommand, ctx: &Ctx) -> Result<(), CliError> {
    match command {
        ConfigCommand::Get { running, key: None } => get(ctx, running).await,
        ConfigCommand::Get {
            running,
            key: Some(key),
        } => get_key(ctx, running, &key).await,
        ConfigCommand::Diff => diff(ctx).await,
        ConfigCommand::Set(args) => set::exec(args, ctx).await,
        ConfigCommand::Edit { restart } => edit::exec(restart, ctx).await,
    }
}

async fn get(ctx: &Ctx, running: bool) -> Result<(), CliError> {
    let query: &[(&str, &str)] = if running { &[("running", "true")] } else { &[] };
    let reply = ctx.api()?.get(&["configuration"], &query).await?;
    let data = reply.data.clone().unwrap_or_default();
    match ctx.out.format {
        OutputFormat::Json => ctx.out.print_json(&data),
        OutputFormat::Toml => {
            let config: Config = reply.typed()?;
            let text = config
                .to_toml_string()
                .map_err(|e| CliError::Other(format!("cannot write TOML: {e}")))?;
            ctx.out.print(&text)
        }
        OutputFormat::Table => ctx
            .out
            .print(&ctx.out.render(&settings_table(&ctx.out, &data))),
    }
}

/// `config get KEY`: one setting's value (secrets masked), or a section's settings.
async fn get_key(ctx: &Ctx, running: bool, key: &str) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let query: &[(&str, &str)] = if running { &[("running", "true")] } else { &[] };
    let reply = ctx.api()?.get(&["configuration"], &query).await?;
    let data = reply.data.unwrap_or_default();
    let Some(value) = key.split('.').try_fold(&data, |v, part| v.get(part)) else {
        return Err(CliError::NotFound(format!("no setting `{key}`")));
    };
    if ctx.out.is_json() {
        return ctx.out.print_json(value);
    }
    if value.is_object() {
        let mut table = ctx.out.table(&["SETTING", "VALUE"]);
        for (name, v) in view::flatten(value) {
            let name = format!("{key}.{name}");
            table.add_row(vec![Cell::new(&name), Cell::new(view::shown(&name, &v))]);
        }
        return ctx.out.print(&ctx.out.render(&table));
    }
    ctx.out.print(&format!("{}\n", view::shown(key, value)))
}

/// `config diff`: saved against running, setting by setting.
async fn diff(ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    let saved = fetch(&api, false).await?;
    let running = fetch(&api, true).await?;
    let changes = view::changes(&running, &saved);
    if ctx.out.is_json() {
        return print_json_changes(&ctx.out, &changes);
    }
    let table = changes_table(&ctx.out, &changes, ["SETTING", "RUNNING", "SAVED"]);
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    let line = match changes.len() {
        0 => "the saved configuration is the running one".to_string(),
        1 => format!("1 setting differs: {}", when_applied(&fields)),
        n => format!(
            "{} differ: {}",
            count(n, "setting", "settings"),
            when_applied(&fields)
        ),
    };
    ctx.out.print_list(&table, &line)
}

/// The configuration as a `SETTING  VALUE` table, secrets masked.
pub fn settings_table(out: &Output, config: &Value) -> comfy_table::Table {
    let mut table = out.table(&["SETTING", "VALUE"]);
    for (name, value) in view::flatten(config) {
        table.add_row(vec![
            Cell::new(&name),
            Cell::new(view::shown(&name, &value)),
        ]);
    }
    table
}

/// The configuration file as it is on disk now (or, `running`, what the broker runs), with
/// the fingerprints of its secrets.
async fn fetch(api: &ApiClient, running: bool) -> Result<Shown, CliError> {
    let query: &[(&str, &str)] = if running { &[("running", "true")] } else { &[] };
    let reply = api.get(&["configuration"], &query).await?;
    Ok(Shown {
        data: reply.data.unwrap_or_default(),
        fingerprints: reply.fingerprints,
    })
}

/// Prints the changes: a `SETTING  OLD  NEW` table and a count, or a JSON array.
fn print_changes(out: &Output, changes: &[Change], verb: &str) -> Result<(), CliError> {
    if out.is_json() {
        return print_json_changes(out, changes);
    }
    let table = changes_table(out, changes, ["SETTING", "OLD", "NEW"]);
    let line = match changes.len() {
        0 => "no changes".to_string(),
        n => format!("{} {verb}", count(n, "setting", "settings")),
    };
    out.print_list(&table, &line)
}

fn print_json_changes(out: &Output, changes: &[Change]) -> Result<(), CliError> {
    let value = serde_json::to_value(changes)
        .map_err(|e| CliError::Other(format!("cannot format JSON: {e}")))?;
    out.print_json(&value)
}

/// The changes as a table: the setting, its value before and after (secrets masked).
fn changes_table(out: &Output, changes: &[Change], header: [&str; 3]) -> comfy_table::Table {
    let mut table = out.table(&header);
    for change in changes {
        let side = |value: &Option<Value>| match value {
            Some(value) => view::shown(&change.field, value),
            None => "(none)".to_string(),
        };
        let (old, mut new) = (side(&change.old), side(&change.new));
        if old == new {
            // A secret, masked on both sides: the change is still a change.
            new.push_str(" (changed)");
        }
        table.add_row(vec![
            Cell::new(&change.field),
            Cell::new(old),
            Cell::new(new),
        ]);
    }
    table
}

/// How saved changes take effect (`shared_types::config::takes_effect`): a reload for
/// some, `ctrl restart` or a new broker process for others.
fn how_it_applies(changes: &[Change]) -> String {
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    format!("saved; {}\n", when_applied(&fields))
}

/// When `fields` take effect, in words: one phrase when they all take effect alike, else
/// which take effect when.
pub fn when_applied(fields: &[&str]) -> String {
    let groups: Vec<(TakesEffect, Vec<&str>)> = [
        TakesEffect::Reload,
        TakesEffect::Restart,
        TakesEffect::ProcessStart,
    ]
    .into_iter()
    .map(|when| {
        let named = fields.iter().copied().filter(|f| takes_effect(f) == when);
        (when, named.collect::<Vec<&str>>())
    })
    .filter(|(_, named)| !named.is_empty())
    .collect();
    if let [(when, _)] = groups.as_slice() {
        return match when {
            TakesEffect::Reload => {
                "apply it without dropping a connection: nanomq-cli ctrl reload".to_string()
            }
            TakesEffect::Restart => {
                "the broker applies it at its next restart (nanomq-cli ctrl restart)".to_string()
            }
            TakesEffect::ProcessStart => {
                "the broker reads it when its process starts: stop and start nanomq \
                 (ctrl restart does not apply it)"
                    .to_string()
            }
        };
    }
    let phrases: Vec<String> = groups
        .iter()
        .map(|(when, named)| format!("{}: {}", needs(*when), named.join(", ")))
        .collect();
    phrases.join("; ")
}

/// What a setting that takes effect `when` needs, as the head of a list of them.
fn needs(when: TakesEffect) -> &'static str {
    match when {
        TakesEffect::Reload => "live after nanomq-cli ctrl reload",
        TakesEffect::Restart => "needs nanomq-cli ctrl restart",
        TakesEffect::ProcessStart => "needs the broker process restarted (read at start)",
    }
}

/// After a change: restart and wait when asked (at the new HTTP port if it moved), or say
/// how the change will take effect.
async fn after_change(
    ctx: &Ctx,
    api: &ApiClient,
    changes: &[Change],
    restart: bool,
) -> Result<(), CliError> {
    if changes.is_empty() {
        return Ok(());
    }
    if !restart {
        if !ctx.out.is_json() {
            ctx.out.print(&how_it_applies(changes))?;
        }
        return Ok(());
    }
    api.post(&["ctrl", "restart"], &serde_json::json!({}))
        .await?;
    let mut target = api.clone();
    if let Some(port) = new_http_port(changes) {
        let mut url = api.base_url().clone();
        if url.set_port(Some(port)).is_ok() {
            target = api.with_url(&url);
        }
    }
    let took = super::ctrl::wait_restarted(&target, ctx.settings.timeout.max(RESTART_WAIT)).await?;
    if !ctx.out.is_json() {
        ctx.out.print(&format!(
            "broker restarted (back after {}) at {}\n",
            crate::api::humanize_duration(super::ctrl::round_to_tenths(took)),
            target.base_url().as_str().trim_end_matches('/')
        ))?;
    }
    Ok(())
}

/// The least time given to a restart to come back.
const RESTART_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

fn new_http_port(changes: &[Change]) -> Option<u16> {
    changes
        .iter()
        .find(|c| c.field == "http_server.port")
        .and_then(|c| c.new.as_ref())
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p != 0)
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn saved_changes_say_how_they_apply() {
        let change = |field: &str| Change {
            field: field.to_string(),
            old: None,
            new: None,
        };
        assert!(how_it_applies(&[change("msq_len")]).contains("ctrl reload"));
        assert!(how_it_applies(&[change("http_server.port")]).contains("next restart"));
        assert!(how_it_applies(&[change("log.file")]).contains("stop and start nanomq"));
        assert_eq!(
            how_it_applies(&[change("msq_len"), change("url"), change("log.dir")]),
            "saved; live after nanomq-cli ctrl reload: msq_len; needs nanomq-cli ctrl restart: url; \
             needs the broker process restarted (read at start): log.dir\n"
        );
    }

    #[test]
    fn table_snapshot() {
        let out = Output::fixed(80);
        let config = serde_json::json!({
            "url": "nmq-tcp://0.0.0.0:1883",
            "msq_len": 64,
            "users": [],
            "http_server": {"enable": true, "port": 8081, "password": "public",
                            "jwt": {"public_keyfile": null}},
        });
        let expected = "\
SETTING                         VALUE
msq_len                         64
url                             nmq-tcp://0.0.0.0:1883
users                           []
http_server.enable              true
http_server.password            ********
http_server.port                8081
http_server.jwt.public_keyfile  -
";
        assert_eq!(out.render(&settings_table(&out, &config)), expected);
    }
}
