//! `nanomq-cli retained list|show|delete`: `GET /retained` with its filter and paging,
//! `GET /retained/{topic}`, `DELETE /retained/{topic}`.

use std::io::Write;

use comfy_table::{Cell, Table};
use shared_types::{PayloadEncoding, RetainedMessage};

use super::metrics::bytes;
use crate::cli::RetainedCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, count_paged};

/// How much of a payload the list shows.
const PREVIEW_CHARS: usize = 40;

/// Runs `retained …`.
pub async fn exec(command: RetainedCommand, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    match command {
        RetainedCommand::List(args) => {
            let reply = api.get(&["retained"], &args.query()).await?;
            if ctx.out.is_json() {
                return ctx.out.print_json(&reply.paged_json());
            }
            let messages: Vec<RetainedMessage> = reply.typed()?;
            let line = count_paged(
                messages.len(),
                reply.meta.as_ref(),
                "retained message",
                "retained messages",
            );
            ctx.out.print_list(&table(&ctx.out, &messages), &line)
        }
        RetainedCommand::Show { topic, raw } => {
            let reply = api.get(&["retained", &topic], &()).await?;
            if ctx.out.is_json() && !raw {
                return ctx.out.print_json(&reply.data.unwrap_or_default());
            }
            let message: RetainedMessage = reply.typed()?;
            if raw {
                let payload = message.payload_bytes().map_err(CliError::Server)?;
                let mut stdout = std::io::stdout().lock();
                // A closed pipe (`| head`) is not an error worth a message.
                let _ = stdout.write_all(&payload).and_then(|()| stdout.flush());
                return Ok(());
            }
            ctx.out.print(&ctx.out.render(&details(&ctx.out, &message)))
        }
        RetainedCommand::Delete { topic } => {
            api.delete(&["retained", &topic]).await?;
            if ctx.out.is_json() {
                return Ok(());
            }
            ctx.out
                .print(&format!("removed the message retained on `{topic}`\n"))
        }
    }
}

/// One row per message.
pub fn table(out: &Output, messages: &[RetainedMessage]) -> Table {
    let mut table = out.table(&["TOPIC", "QOS", "SIZE", "PAYLOAD"]);
    for message in messages {
        table.add_row(vec![
            Cell::new(&message.topic),
            out.number(message.qos),
            Cell::new(bytes(message.size)),
            Cell::new(preview(message)),
        ]);
    }
    table
}

/// Every field of one message, one per line.
pub fn details(out: &Output, message: &RetainedMessage) -> Table {
    let p = &message.properties;
    let mut rows = vec![
        ("topic", message.topic.clone()),
        ("qos", message.qos.to_string()),
        ("size", bytes(message.size)),
        ("payload", payload_line(message)),
    ];
    let optional = [
        ("content type", p.content_type.clone()),
        (
            "expires in",
            p.message_expiry_interval.map(|s| format!("{s}s")),
        ),
        ("response topic", p.response_topic.clone()),
        (
            "correlation data",
            p.correlation_data.as_ref().map(|d| format!("{d} (base64)")),
        ),
        (
            "payload format",
            p.payload_format_indicator
                .map(|f| if f == 1 { "UTF-8 text" } else { "bytes" }.to_string()),
        ),
    ];
    rows.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    for (name, value) in &p.user_properties {
        rows.push(("user property", format!("{name} = {value}")));
    }
    out.key_values(rows)
}

fn payload_line(message: &RetainedMessage) -> String {
    match message.encoding {
        PayloadEncoding::Plain => message.payload.clone(),
        PayloadEncoding::Base64 => format!("{} (base64; --raw for the bytes)", message.payload),
    }
}

/// The payload's first characters, on one line; binary payloads as `<N bytes>`.
fn preview(message: &RetainedMessage) -> String {
    if message.encoding == PayloadEncoding::Base64 {
        return format!("<{} bytes>", message.size);
    }
    let one_line: String = message
        .payload
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > PREVIEW_CHARS {
        let cut: String = one_line.chars().take(PREVIEW_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_one_short_line() {
        let mut m = RetainedMessage {
            payload: "line one\nline two".into(),
            size: 17,
            ..RetainedMessage::default()
        };
        assert_eq!(preview(&m), "line one line two");
        m.payload = "x".repeat(100);
        assert_eq!(preview(&m).chars().count(), PREVIEW_CHARS);
        m.encoding = PayloadEncoding::Base64;
        assert_eq!(preview(&m), "<17 bytes>");
    }
}
