//! `nanomq-cli completions SHELL`: prints the completion script clap generates.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Writes the completion script for `shell` to standard output.
pub fn exec(shell: Shell) {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "nanomq-cli",
        &mut std::io::stdout(),
    );
}
