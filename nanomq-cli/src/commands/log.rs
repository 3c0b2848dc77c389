//! `nanomq-cli log level [LEVEL]`: `GET`/`POST /log/level`.

use serde_json::json;
use shared_types::LogLevelBody;

use crate::cli::LogCommand;
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `log …`.
pub async fn exec(command: LogCommand, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    let LogCommand::Level { level } = command;
    let reply = match &level {
        None => api.get(&["log", "level"], &()).await?,
        Some(level) => {
            api.post(&["log", "level"], &json!({ "level": level }))
                .await?
        }
    };
    if ctx.out.is_json() {
        return ctx.out.print_json(&reply.data.unwrap_or_default());
    }
    let body: LogLevelBody = reply.typed()?;
    let text = match level {
        None => format!("log level: {}\n", body.level.as_str()),
        Some(_) => format!(
            "log level now {} (until the next restart or reload)\n",
            body.level.as_str()
        ),
    };
    ctx.out.print(&text)
}
