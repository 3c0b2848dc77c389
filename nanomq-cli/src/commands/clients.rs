//! `nanomq-cli clients list|show|kick`: `GET /clients` with its filters and paging,
//! `GET /clients/{id}`, `DELETE /clients/{id}`.

use comfy_table::{Cell, Color, Table};
use shared_types::{ClientInfo, ConnState, ProtoName};

use crate::cli::ClientsCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{Output, count_paged};

/// Runs `clients …`.
pub async fn exec(command: ClientsCommand, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    match command {
        ClientsCommand::List(args) => {
            let reply = api.get(&["clients"], &args.query()).await?;
            if ctx.out.is_json() {
                return ctx.out.print_json(&reply.paged_json());
            }
            let clients: Vec<ClientInfo> = reply.typed()?;
            let line = count_paged(clients.len(), reply.meta.as_ref(), "client", "clients");
            ctx.out.print_list(&table(&ctx.out, &clients), &line)
        }
        ClientsCommand::Show { clientid } => {
            let reply = api.get(&["clients", &clientid], &()).await?;
            let clients: Vec<ClientInfo> = reply.typed()?;
            let Some(client) = clients.first() else {
                return Err(CliError::NotFound(format!("no client `{clientid}`")));
            };
            if ctx.out.is_json() {
                // One client: the object, not the API's one-element array.
                let data = reply.data.unwrap_or_default();
                return ctx.out.print_json(data.get(0).unwrap_or(&data));
            }
            ctx.out.print(&ctx.out.render(&details(&ctx.out, client)))
        }
        ClientsCommand::Kick { clientid } => {
            api.delete(&["clients", &clientid]).await?;
            if ctx.out.is_json() {
                return Ok(());
            }
            ctx.out.print(&format!("kicked client `{clientid}`\n"))
        }
    }
}

/// The list view: one row per client.
pub fn table(out: &Output, clients: &[ClientInfo]) -> Table {
    let mut table = out.table(&[
        "CLIENT ID",
        "USERNAME",
        "STATE",
        "PROTOCOL",
        "KEEPALIVE",
        "CLEAN",
        "ADDRESS",
        "CONNECTED AT",
    ]);
    for client in clients {
        table.add_row(vec![
            Cell::new(&client.client_id),
            Cell::new(&client.username),
            state_cell(out, client.conn_state),
            Cell::new(protocol(client)),
            out.number(client.keepalive),
            Cell::new(client.clean_start),
            Cell::new(address(client)),
            Cell::new(&client.connected_at),
        ]);
    }
    table
}

/// The detail view of one client: every field, one per line.
pub fn details(out: &Output, client: &ClientInfo) -> Table {
    let mut rows = vec![
        ("client id", client.client_id.clone()),
        ("username", client.username.clone()),
        ("state", state_name(client.conn_state).to_string()),
        ("protocol", protocol(client)),
        ("keepalive", format!("{}s", client.keepalive)),
        ("clean start", client.clean_start.to_string()),
        ("address", address(client)),
        ("connected at", client.connected_at.clone()),
        ("received", format!("{} messages", client.recv_msg)),
        ("sent", format!("{} messages", client.send_msg)),
        ("queued", format!("{} messages", client.mqueue_len)),
        ("dropped", format!("{} messages", client.dropped)),
    ];
    if let Some(topic) = &client.will_topic {
        rows.push(("will topic", topic.clone()));
    }
    if let Some(message) = &client.will_msg {
        rows.push(("will message", message.clone()));
    }
    out.key_values(rows)
}

fn state_name(state: ConnState) -> &'static str {
    match state {
        ConnState::Connected => "connected",
        ConnState::Idle => "idle",
        ConnState::Disconnected => "disconnected",
    }
}

fn state_cell(out: &Output, state: ConnState) -> Cell {
    let color = match state {
        ConnState::Connected => Color::Green,
        _ => Color::Yellow,
    };
    out.colored(state_name(state), color)
}

/// "MQTT 5", "MQTT 3.1.1", "MQTT 3.1".
fn protocol(client: &ClientInfo) -> String {
    match (client.proto_name, client.proto_ver) {
        (ProtoName::MqIsdp, _) | (_, 3) => "MQTT 3.1".to_string(),
        (ProtoName::Mqtt, 4) => "MQTT 3.1.1".to_string(),
        (ProtoName::Mqtt, 5) => "MQTT 5".to_string(),
        (name, ver) => format!("{} {ver}", serde_plain(name)),
    }
}

fn serde_plain(name: ProtoName) -> String {
    serde_json::to_value(name)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// "127.0.0.1:50123", or "-" for a session whose client is away.
fn address(client: &ClientInfo) -> String {
    match (&client.ip_address, client.port) {
        (Some(ip), Some(port)) if ip.contains(':') => format!("[{ip}]:{port}"),
        (Some(ip), Some(port)) => format!("{ip}:{port}"),
        (Some(ip), None) => ip.clone(),
        _ => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, username: &str, ver: u8, connected: bool) -> ClientInfo {
        ClientInfo {
            client_id: id.into(),
            username: username.into(),
            keepalive: 60,
            conn_state: if connected {
                ConnState::Connected
            } else {
                ConnState::Disconnected
            },
            connected,
            clean_start: connected,
            proto_name: if ver == 3 {
                ProtoName::MqIsdp
            } else {
                ProtoName::Mqtt
            },
            proto_ver: ver,
            ip_address: connected.then(|| "127.0.0.1".to_string()),
            port: connected.then_some(50_001),
            connected_at: "2024-05-06 07:08:09".into(),
            recv_msg: 3,
            send_msg: 4,
            mqueue_len: 0,
            dropped: 0,
            will_topic: None,
            will_msg: None,
        }
    }

    #[test]
    fn list_snapshot() {
        let out = Output::fixed(120);
        let clients = [
            client("sensor-1", "alice", 5, true),
            client("sensor-2", "", 4, true),
            client("old-3", "bob", 3, false),
        ];
        let expected = "\
CLIENT ID  USERNAME  STATE         PROTOCOL    KEEPALIVE  CLEAN  ADDRESS          CONNECTED AT
sensor-1   alice     connected     MQTT 5             60  true   127.0.0.1:50001  2024-05-06 07:08:09
sensor-2             connected     MQTT 3.1.1         60  true   127.0.0.1:50001  2024-05-06 07:08:09
old-3      bob       disconnected  MQTT 3.1           60  false  -                2024-05-06 07:08:09
";
        assert_eq!(out.render(&table(&out, &clients)), expected);
    }

    #[test]
    fn narrow_terminals_wrap_columns() {
        let out = Output::fixed(60);
        let clients = [client("a-rather-long-client-identifier", "alice", 5, true)];
        let text = out.render(&table(&out, &clients));
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
    }

    #[test]
    fn detail_snapshot() {
        let out = Output::fixed(80);
        let mut one = client("sensor-1", "alice", 5, true);
        one.will_topic = Some("sensors/1/gone".into());
        let expected = "\
client id     sensor-1
username      alice
state         connected
protocol      MQTT 5
keepalive     60s
clean start   true
address       127.0.0.1:50001
connected at  2024-05-06 07:08:09
received      3 messages
sent          4 messages
queued        0 messages
dropped       0 messages
will topic    sensors/1/gone
";
        assert_eq!(out.render(&details(&out, &one)), expected);
    }
}
