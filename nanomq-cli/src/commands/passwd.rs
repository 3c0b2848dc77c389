//! `nanomq-cli passwd FILE USER`: adds a user to a password file (`auth.password_file`), or
//! changes or removes one, with an argon2id hash of the password. The rest of the file
//! (Mosquitto hashes, comments, other users) is kept as it is; the file is replaced
//! atomically and keeps its permissions (a new one is readable by its owner only).

use std::io::{BufRead, IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use shared_types::secret::hash_argon2id;

use crate::cli::PasswdArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `passwd`.
pub fn exec(args: PasswdArgs, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    if args.user.is_empty() || args.user.contains(':') {
        return Err(CliError::Usage(
            "the username must not be empty nor contain `:`".into(),
        ));
    }
    let existing = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(CliError::Other(format!(
                "cannot read {}: {e}",
                args.file.display()
            )));
        }
    };
    let line = if args.delete {
        None
    } else {
        let password = read_password(args.password_stdin)?;
        let hash =
            hash_argon2id(password.as_bytes()).map_err(|e| CliError::Other(e.to_string()))?;
        Some(format!("{}:{hash}", args.user))
    };
    let (text, found) = replace_user(&existing, &args.user, line.as_deref());
    if args.delete && !found {
        return Err(CliError::NotFound(format!(
            "no user `{}` in {}",
            args.user,
            args.file.display()
        )));
    }
    write_atomic(&args.file, &text)
        .map_err(|e| CliError::Other(format!("cannot write {}: {e}", args.file.display())))?;
    let done = match (args.delete, found) {
        (true, _) => "removed",
        (false, true) => "password changed",
        (false, false) => "added",
    };
    ctx.out.print(&format!("{}: {done}\n", args.user))
}

/// The password: prompted for twice on a terminal (not echoed), else the first line of
/// standard input.
fn read_password(from_stdin: bool) -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.is_empty() {
            return Err(CliError::Usage("no password on standard input".into()));
        }
        return Ok(password);
    }
    let first = rpassword::prompt_password("Password: ")?;
    let again = rpassword::prompt_password("Password again: ")?;
    if first != again {
        return Err(CliError::Usage("the passwords do not match".into()));
    }
    if first.is_empty() {
        return Err(CliError::Usage("empty password".into()));
    }
    Ok(first)
}

/// `text` with the line of `user` replaced by `line` (removed when `None`), or `line`
/// appended when there was none; and whether there was one.
fn replace_user(text: &str, user: &str, line: Option<&str>) -> (String, bool) {
    let mut out = String::with_capacity(text.len() + 128);
    let mut found = false;
    for existing in text.lines() {
        let name = existing.split_once(':').map(|(name, _)| name.trim());
        if !existing.trim_start().starts_with('#') && name == Some(user) && !found {
            found = true;
            if let Some(line) = line {
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        out.push_str(existing);
        out.push('\n');
    }
    if !found && let Some(line) = line {
        out.push_str(line);
        out.push('\n');
    }
    (out, found)
}

/// Replaces `path` with `text` atomically, keeping its permissions (0600 when new).
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let previous = std::fs::metadata(path).ok().map(|m| m.permissions());
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        if let Some(permissions) = previous {
            file.set_permissions(permissions)?;
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_replaced_in_place_and_others_kept() {
        let text = "# users\nalice:$7$101$x$y\nbob:old\n";
        assert_eq!(
            replace_user(text, "bob", Some("bob:new")),
            ("# users\nalice:$7$101$x$y\nbob:new\n".to_string(), true)
        );
        assert_eq!(
            replace_user(text, "carol", Some("carol:c")),
            (format!("{text}carol:c\n"), false)
        );
        assert_eq!(
            replace_user(text, "alice", None),
            ("# users\nbob:old\n".to_string(), true)
        );
    }
}
