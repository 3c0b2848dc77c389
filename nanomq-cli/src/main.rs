//! The `nanomq-cli` binary: parse, dispatch, print the error once, choose the exit code.

mod api;
mod cli;
mod commands;
mod context;
mod error;
mod mqtt;
mod output;
mod settings;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use context::Ctx;
use error::CliError;
use settings::Settings;

fn main() -> ExitCode {
    let cli = Cli::parse_from(cli::mqtt_credentials(std::env::args_os()));
    api::install_crypto_provider();
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
    let settings = Settings::resolve(&cli.global, |name| std::env::var(name).ok())?;
    let columns = std::env::var("COLUMNS").ok();
    let ctx = Ctx::new(settings, columns.as_deref());
    if let Some(every) = cli.global.watch {
        return commands::watch::exec(&cli.command, &ctx, every, || {
            Cli::parse_from(cli::mqtt_credentials(std::env::args_os())).command
        })
        .await;
    }
    dispatch(cli.command, &ctx).await
}

/// Runs one command.
async fn dispatch(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let timeout = ctx.settings.timeout;
    match command {
        Command::Pub(mut args) => {
            args.mqtt.default_host_from(&ctx.settings.url);
            commands::mqtt_pub::exec(args, timeout, ctx.settings.api_login_given).await
        }
        Command::Sub(mut args) => {
            args.mqtt.default_host_from(&ctx.settings.url);
            commands::mqtt_sub::exec(args, timeout, ctx.settings.api_login_given).await
        }
        Command::Bench(mut command) => {
            let mqtt = match &mut command {
                cli::BenchCommand::Pub(args) => &mut args.common.mqtt,
                cli::BenchCommand::Sub(args) => &mut args.common.mqtt,
                cli::BenchCommand::Conn(args) => &mut args.mqtt,
            };
            mqtt.default_host_from(&ctx.settings.url);
            commands::bench::exec(command, timeout).await
        }
        Command::Status => commands::status::exec(ctx).await,
        Command::Bridges { command } => commands::bridges::exec(command, ctx).await,
        Command::Brokers => commands::brokers::exec(ctx).await,
        Command::Nodes => commands::nodes::exec(ctx).await,
        Command::Endpoints => commands::endpoints::exec(ctx).await,
        Command::Clients(command) => commands::clients::exec(command, ctx).await,
        Command::Subscriptions(command) => commands::subscriptions::exec(command, ctx).await,
        Command::TopicTree => commands::topic_tree::exec(ctx).await,
        Command::Retained(command) => commands::retained::exec(command, ctx).await,
        Command::Config(command) => commands::config::exec(command, ctx).await,
        Command::Ctrl(command) => commands::ctrl::exec(command, ctx).await,
        Command::Publish(args) => commands::publish::exec(args, ctx).await,
        Command::Metrics => commands::metrics::exec(ctx).await,
        Command::Token(command) => commands::token::exec(command, ctx).await,
        Command::Passwd(args) => commands::passwd::exec(args, ctx),
        Command::Acl(command) => commands::acl::exec(command, ctx).await,
        Command::Log(command) => commands::log::exec(command, ctx).await,
        Command::Completions { shell } => {
            commands::completions::exec(shell);
            Ok(())
        }
        Command::Man { dir } => commands::completions::man(dir.as_deref()),
    }
}
