//! Parsing tests of the management commands: filters, global options anywhere on the line,
//! required arguments and ranges.

use std::time::Duration;

use clap::Parser;

use super::*;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    let mut argv = vec!["nanomq-cli"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv)
}

#[test]
fn client_filters_stay_apart_from_the_global_login() {
    let cli = parse(&[
        "--username",
        "admin2",
        "clients",
        "list",
        "--user",
        "alice",
        "--clientid",
        "c1",
        "--conn-state",
        "disconnected",
        "--clean-start",
        "false",
        "--proto-name",
        "MQIsdp",
        "--proto-ver",
        "3",
        "--page",
        "2",
        "--limit",
        "5",
    ])
    .unwrap();
    assert_eq!(cli.global.username.as_deref(), Some("admin2"));
    let Command::Clients(ClientsCommand::List(args)) = cli.command else {
        panic!("not clients list")
    };
    let query = args.query();
    assert_eq!(query.username.as_deref(), Some("alice"));
    assert_eq!(query.clientid.as_deref(), Some("c1"));
    assert_eq!(
        query.conn_state,
        Some(shared_types::ConnState::Disconnected)
    );
    assert_eq!(query.clean_start, Some(false));
    assert_eq!(query.proto_name, Some(shared_types::ProtoName::MqIsdp));
    assert_eq!(
        (query.proto_ver, query.page, query.limit),
        (Some(3), Some(2), Some(5))
    );
    assert!(parse(&["clients", "list", "--proto-ver", "6"]).is_err());
    assert!(parse(&["clients", "list", "--page", "0"]).is_err());
    assert!(parse(&["clients", "show"]).is_err(), "the id is required");
}

#[test]
fn global_options_after_the_subcommand() {
    let cli = parse(&[
        "subscriptions",
        "list",
        "--qos",
        "2",
        "-o",
        "json",
        "--url",
        "h:1",
    ])
    .unwrap();
    assert_eq!(cli.global.output, Some(OutputFormat::Json));
    assert_eq!(cli.global.url.as_deref(), Some("h:1"));
    let Command::Subscriptions(SubscriptionsCommand::List(args)) = cli.command else {
        panic!("not subscriptions list")
    };
    assert_eq!(args.query().qos, Some(2));
    assert!(parse(&["subs", "ls", "--qos", "3"]).is_err());
}

#[test]
fn config_ctrl_publish_token() {
    let Command::Config(ConfigCommand::Set(set)) =
        parse(&["config", "set", "-f", "-", "--restart"])
            .unwrap()
            .command
    else {
        panic!("not config set")
    };
    assert_eq!(set.file, Some(std::path::PathBuf::from("-")));
    assert!(set.restart && set.format.is_none());
    assert!(
        parse(&["config", "set"]).is_err(),
        "-f or KEY=VALUE is required"
    );
    assert!(
        parse(&["config", "set", "-f", "x", "a=1"]).is_err(),
        "not both"
    );
    assert!(parse(&["config", "set", "a=1", "b.c=2"]).is_ok());
    assert!(parse(&["config", "set", "-f", "x", "--restart", "--dry-run"]).is_err());
    assert!(parse(&["config", "get", "-o", "toml"]).is_ok());

    let Command::Ctrl(CtrlCommand::Restart(restart)) =
        parse(&["ctrl", "restart", "-y", "--wait-timeout", "5s"])
            .unwrap()
            .command
    else {
        panic!("not ctrl restart")
    };
    assert!(restart.yes);
    assert_eq!(restart.wait_timeout, Duration::from_secs(5));
    assert!(matches!(
        parse(&["ctrl", "reload"]).unwrap().command,
        Command::Ctrl(CtrlCommand::Reload)
    ));
    assert!(parse(&["ctrl", "resume"]).is_err());

    let Command::Publish(publish) =
        parse(&["publish", "-t", "a", "-t", "b", "-m", "x", "-q", "2", "-r"])
            .unwrap()
            .command
    else {
        panic!("not publish")
    };
    assert_eq!(publish.topics, ["a", "b"]);
    assert!(publish.retain && publish.qos == 2);
    assert!(
        parse(&["publish", "-m", "x"]).is_err(),
        "a topic is required"
    );

    let Command::Token(TokenCommand::Create(token)) =
        parse(&["token", "create", "--key", "k.pem", "--ttl", "2h"])
            .unwrap()
            .command
    else {
        panic!("not token create")
    };
    assert_eq!(token.ttl, Duration::from_secs(7200));
    assert!(parse(&["token", "create"]).is_err(), "--key is required");
}
