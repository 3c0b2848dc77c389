//! What the API may point the broker at on disk. `POST /configuration` can change paths, and
//! whoever holds the API's credentials should not thereby get the broker (often root) to
//! write where it likes:
//!
//! - `log.dir` and `persistence.dir` may only be changed to a place under the broker's own
//!   directories: its working directory or the directory of its configuration file (no `..`,
//!   no symlink leading out), and `log.file` to a plain file name (no `/`). Anything else
//!   must be written in the file itself, by someone with access to it.
//! - A changed `persistence.dir` must be usable now (created if missing, writable), rather
//!   than accepted and found unusable at the next start.
//!
//! Paths the broker only reads (password, ACL, TLS and JWT files) are checked by loading them
//! (the preflight), and their errors never quote what the files hold.

use std::path::{Component, Path, PathBuf};

use shared_types::config::Config;

/// Refuses a change from `before` to `after` that points the broker's writes outside `roots`
/// or at an unusable store directory; the error names the field.
pub(super) fn check(before: &Config, after: &Config, roots: &[PathBuf]) -> Result<(), String> {
    if after.log.file != before.log.file {
        let name = &after.log.file;
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Err(format!(
                "field `log.file`: `{name}` must be a file name (no `/`); the directory is `log.dir`"
            ));
        }
    }
    if after.log.dir != before.log.dir {
        within_roots("log.dir", &after.log.dir, roots)?;
    }
    if after.persistence.dir != before.persistence.dir {
        within_roots("persistence.dir", &after.persistence.dir, roots)?;
        usable_dir("persistence.dir", Path::new(&after.persistence.dir))?;
    }
    Ok(())
}

/// The directories the API may point writes into: the working directory and the directory
/// of the configuration file.
pub(super) fn roots(config_path: Option<&Path>) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().ok();
    let conf_dir = config_path
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf));
    cwd.into_iter().chain(conf_dir).collect()
}

fn within_roots(field: &str, dir: &str, roots: &[PathBuf]) -> Result<(), String> {
    let refuse = || {
        Err(format!(
            "field `{field}`: `{dir}` is outside the broker's directories ({}); set it in the configuration file itself",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    let path = Path::new(dir);
    if dir.is_empty() || path.components().any(|c| c == Component::ParentDir) {
        return refuse();
    }
    let Ok(cwd) = std::env::current_dir() else {
        return refuse();
    };
    let absolute = cwd.join(path);
    // What exists of it, resolved: a symlink inside a root may lead out of it.
    let mut existing = absolute.as_path();
    let resolved = loop {
        match std::fs::canonicalize(existing) {
            Ok(real) => break real.join(absolute.strip_prefix(existing).unwrap_or(Path::new(""))),
            Err(_) => match existing.parent() {
                Some(parent) => existing = parent,
                None => return refuse(),
            },
        }
    };
    if roots.iter().any(|root| resolved.starts_with(root)) {
        Ok(())
    } else {
        refuse()
    }
}

fn usable_dir(field: &str, dir: &Path) -> Result<(), String> {
    let unusable = |e: std::io::Error| format!("field `{field}`: {}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(unusable)?;
    let probe = dir.join(".nanomq-write-probe");
    std::fs::write(&probe, b"").map_err(unusable)?;
    std::fs::remove_file(&probe).map_err(unusable)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_stay_under_the_roots() {
        let root = tempfile::tempdir().unwrap();
        let roots = vec![std::fs::canonicalize(root.path()).unwrap()];
        let inside = root.path().join("logs").display().to_string();
        within_roots("log.dir", &inside, &roots).unwrap();
        for outside in ["/etc", "/tmp/../etc", ""] {
            let error = within_roots("log.dir", outside, &roots).unwrap_err();
            assert!(error.starts_with("field `log.dir`"), "{error}");
        }
        let escape = root.path().join("escape");
        std::os::unix::fs::symlink("/etc", &escape).unwrap();
        let through = escape.join("cron.d").display().to_string();
        assert!(within_roots("log.dir", &through, &roots).is_err());

        let before = Config::default();
        let mut after = before.clone();
        after.log.file = "../../etc/profile".into();
        assert!(
            check(&before, &after, &roots)
                .unwrap_err()
                .contains("log.file")
        );
        let mut after = before.clone();
        after.persistence.dir = root.path().join("store").display().to_string();
        check(&before, &after, &roots).unwrap();
        assert!(root.path().join("store").is_dir());
    }
}
