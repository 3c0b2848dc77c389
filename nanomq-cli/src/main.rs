//! The `nanomq-cli` binary: parse, dispatch, print the error once, choose the exit code.

mod cli;
mod commands;
mod error;
mod mqtt;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use error::CliError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("nanomq-cli: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nanomq-cli: {e}");
            e.exit_code()
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let timeout = cli.global.timeout;
    match cli.command {
        Command::Pub(args) => commands::mqtt_pub::exec(args, timeout).await,
        Command::Sub(args) => commands::mqtt_sub::exec(args, timeout).await,
        Command::Bench(command) => commands::bench::exec(command, timeout).await,
        Command::Completions { shell } => {
            commands::completions::exec(shell);
            Ok(())
        }
    }
}
