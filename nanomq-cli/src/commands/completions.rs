//! `nanomq-cli completions SHELL`: prints the completion script clap generates;
//! `nanomq-cli man [DIR]`: the man pages clap_mangen makes of the same arguments.

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

/// Prints the man page of `nanomq-cli`, or writes every page (one per command) into `dir`.
pub fn man(dir: Option<&std::path::Path>) -> Result<(), crate::error::CliError> {
    let written = match dir {
        Some(dir) => clap_mangen::generate_to(Cli::command(), dir),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .and_then(|()| std::io::stdout().lock().write_all(&page))
        }
    };
    written.map_err(|e| crate::error::CliError::Other(format!("cannot write the man pages: {e}")))
}
