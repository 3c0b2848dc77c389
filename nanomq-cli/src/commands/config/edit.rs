//! `config edit`: the saved configuration as TOML in `$VISUAL`/`$EDITOR`, then posted back
//! whole (a setting deleted in the editor goes back to its default). If the broker refuses it,
//! the edited file is kept and named, so the work is not lost.

use serde_json::Value;
use shared_types::ConfigUpdateRequest;
use shared_types::config::Config;

use super::{after_change, print_changes, saved, view};
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `config edit`.
pub async fn exec(restart: bool, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    let before = saved(&api).await?;
    let config: Config = serde_json::from_value(before.clone())
        .map_err(|e| CliError::Server(format!("unexpected configuration from the broker: {e}")))?;
    let original = config
        .to_toml_string()
        .map_err(|e| CliError::Other(format!("cannot write TOML: {e}")))?;
    let file = tempfile::Builder::new()
        .prefix("nanomq-config-")
        .suffix(".toml")
        .tempfile()?;
    std::fs::write(file.path(), &original)?;
    run_editor(file.path()).await?;
    let edited = std::fs::read_to_string(file.path())?;
    if edited == original {
        return print_changes(&ctx.out, &[], "changed");
    }
    let keep = |reason: String| -> CliError {
        match file.keep() {
            Ok((_, path)) => {
                CliError::Other(format!("{reason} (your edits are in {})", path.display()))
            }
            Err(_) => CliError::Other(reason),
        }
    };
    let edited_config = match Config::from_toml_str(&edited) {
        Ok(config) => config,
        Err(e) => return Err(keep(format!("the edited configuration: {e}"))),
    };
    let after: Value = serde_json::to_value(&edited_config)
        .map_err(|e| CliError::Other(format!("cannot encode the configuration: {e}")))?;
    let changes = view::diff(&before, &after);
    if changes.is_empty() {
        return print_changes(&ctx.out, &changes, "changed");
    }
    let body = ConfigUpdateRequest { data: Some(after) };
    if let Err(e) = api.post(&["configuration"], &body).await {
        let reason = e.to_string();
        return Err(match e {
            CliError::Server(_) => keep(format!("the broker refused it: {reason}")),
            other => other,
        });
    }
    let saved_now = saved(&api).await?;
    let changes = view::diff(&before, &saved_now);
    print_changes(&ctx.out, &changes, "changed")?;
    after_change(ctx, &api, &changes, restart).await
}

/// Runs `$VISUAL`, else `$EDITOR`, else `vi` on `path` (the variable may hold arguments, as in
/// `code --wait`), and waits for it.
async fn run_editor(path: &std::path::Path) -> Result<(), CliError> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = tokio::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
        .await
        .map_err(|e| CliError::Other(format!("cannot run the editor `{editor}`: {e}")))?;
    if !status.success() {
        return Err(CliError::Other(format!(
            "the editor `{editor}` failed ({status}); nothing changed"
        )));
    }
    Ok(())
}
