//! `nanomq-cli completions SHELL`: prints the completion script clap generates.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Writes the completion script for `shell` to standard output. Generated into memory first:
/// clap_complete panics when its writer fails, and a reader that went away
/// (`completions zsh | head`) is no reason to.
pub fn exec(shell: Shell) {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "nanomq-cli", &mut script);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&script).and_then(|()| out.flush());
}
