//! `config edit`: the saved configuration as TOML in `$VISUAL`/`$EDITOR`, then posted back
//! whole (a setting deleted in the editor goes back to its default). If it does not validate
//! or the broker refuses it, the editor opens again on the edits with the reason on top (as
//! `kubectl edit` does); closed unchanged, it gives up and the edited file is kept and named,
//! so the work is not lost.

use serde_json::Value;
use shared_types::ConfigUpdateRequest;
use shared_types::config::Config;

use super::{after_change, fetch, print_changes, view};
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `config edit`.
pub async fn exec(restart: bool, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let api = ctx.api()?;
    let before = fetch(&api, false).await?;
    let config: Config = serde_json::from_value(before.data.clone())
        .map_err(|e| CliError::Server(format!("unexpected configuration from the broker: {e}")))?;
    let original = config
        .to_toml_string()
        .map_err(|e| CliError::Other(format!("cannot write TOML: {e}")))?;
    let file = tempfile::Builder::new()
        .prefix("nanomq-config-")
        .suffix(".toml")
        .tempfile()?;
    // Shown in the editor; after a refusal, the edits again with the reason on top (as
    // `kubectl edit` does), until they are accepted or come back untouched.
    let mut shown = original.clone();
    let mut refusal: Option<String> = None;
    loop {
        std::fs::write(file.path(), &shown)?;
        run_editor(file.path()).await?;
        let edited_text = std::fs::read_to_string(file.path())?;
        if let Some(reason) = &refusal
            && edited_text == shown
        {
            // Closed without a change after the reason was shown: give up, keep the work.
            return Err(keep(file, reason.clone()));
        }
        let edited = strip_refusal(&edited_text);
        if edited == original {
            return print_changes(&ctx.out, &[], "changed");
        }
        let reason = match Config::from_toml_str(&edited) {
            Err(e) => format!("the edited configuration: {e}"),
            Ok(edited_config) => {
                let after: Value = serde_json::to_value(&edited_config).map_err(|e| {
                    CliError::Other(format!("cannot encode the configuration: {e}"))
                })?;
                if view::diff(&before.data, &after).is_empty() {
                    return print_changes(&ctx.out, &[], "changed");
                }
                let body = ConfigUpdateRequest { data: Some(after) };
                match api.post(&["configuration"], &body).await {
                    Ok(_) => break,
                    Err(CliError::Server(reason)) => {
                        format!("the broker refused it: {reason}")
                    }
                    Err(other) => return Err(keep(file, other.to_string())),
                }
            }
        };
        shown = with_refusal(&reason, &edited);
        refusal = Some(reason);
    }
    let saved_now = fetch(&api, false).await?;
    let changes = view::changes(&before, &saved_now);
    print_changes(&ctx.out, &changes, "changed")?;
    after_change(ctx, &api, &changes, restart).await
}

/// Keeps the edited file (it is not deleted) and names it in the error.
fn keep(file: tempfile::NamedTempFile, reason: String) -> CliError {
    match file.keep() {
        Ok((_, path)) => {
            CliError::Other(format!("{reason} (your edits are in {})", path.display()))
        }
        Err(_) => CliError::Other(reason),
    }
}

/// The marker of the lines `config edit` adds on top of a refused configuration.
const REFUSAL_MARK: &str = "# nanomq-cli: ";

/// `text` with the reason it was refused on top, as comments.
fn with_refusal(reason: &str, text: &str) -> String {
    let mut out = String::new();
    out.push_str(REFUSAL_MARK);
    out.push_str(
        "not saved. Fix the configuration below and save, or close unchanged to give up.\n",
    );
    for line in reason.lines() {
        out.push_str(REFUSAL_MARK);
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(text);
    out
}

/// `text` without the lines [`with_refusal`] added.
fn strip_refusal(text: &str) -> String {
    let mut rest = text;
    while rest.starts_with(REFUSAL_MARK) {
        rest = rest.split_once('\n').map_or("", |(_, after)| after);
    }
    rest.to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_goes_on_top_and_comes_off() {
        let text = "msq_len = 0\n";
        let shown = with_refusal("field `msq_len`: too small\nsecond line", text);
        assert!(shown.starts_with("# nanomq-cli: not saved."), "{shown}");
        assert!(
            shown.contains("# nanomq-cli: second line\nmsq_len = 0\n"),
            "{shown}"
        );
        assert_eq!(strip_refusal(&shown), text);
        assert_eq!(strip_refusal(text), text);
    }
}
