//! Which `--username` and `--password` are meant: the HTTP API's own login everywhere, but
//! the MQTT client's after `pub`, `sub` and `bench` (as Mosquitto's tools take them) and the
//! client's to check after `acl check`. clap cannot give one long name two meanings, so the
//! command line is rewritten before it is parsed.

/// The global options that take a value as the next argument (`--url URL`), so that the value
/// is not taken for the command.
const GLOBAL_VALUED: [&str; 9] = [
    "--url",
    "--username",
    "--password",
    "--token",
    "-o",
    "--output",
    "--timeout",
    "--cacert",
    "--profile",
];

/// The command line with the MQTT client's credentials given as Mosquitto's tools take them:
/// after `pub`, `sub` or `bench`, `--username` and `--password` are the MQTT ones (`--user`,
/// `--pw`), and after `acl check`, `--username` is the MQTT client's to check (`--user`).
/// Everywhere else (and before the command) they are the HTTP API's own login.
pub fn mqtt_credentials<I>(args: I) -> Vec<std::ffi::OsString>
where
    I: IntoIterator<Item = std::ffi::OsString>,
{
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let command = (1..args.len()).find(|&i| {
        let arg = args[i].to_string_lossy();
        !arg.starts_with('-') && !GLOBAL_VALUED.contains(&&*args[i - 1].to_string_lossy())
    });
    let Some(command) = command else {
        return args;
    };
    let (from, renames): (usize, &[(&str, &str)]) = match args[command].to_str() {
        Some("pub" | "sub" | "bench") => (
            command + 1,
            &[("--username", "--user"), ("--password", "--pw")],
        ),
        Some("acl") if args.get(command + 1).is_some_and(|a| a == "check") => {
            (command + 2, &[("--username", "--user")])
        }
        _ => return args,
    };
    for arg in args.iter_mut().skip(from) {
        if arg == "--" {
            break;
        }
        for (flag, local) in renames {
            if arg == *flag {
                *arg = (*local).into();
            } else if let Some(value) = arg
                .to_str()
                .and_then(|a| a.strip_prefix(flag))
                .and_then(|a| a.strip_prefix('='))
            {
                *arg = format!("{local}={value}").into();
            }
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{AclCommand, Cli, Command};

    #[test]
    fn username_after_acl_check_is_the_mqtt_clients() {
        let parse = |line: &str| {
            let args = mqtt_credentials(line.split(' ').map(std::ffi::OsString::from));
            Cli::try_parse_from(args).unwrap()
        };
        let cli = parse("nanomq-cli --username api acl check --username alice --action publish t");
        assert_eq!(cli.global.username.as_deref(), Some("api"));
        let Command::Acl(AclCommand::Check(check)) = cli.command else {
            panic!("{:?}", cli.command)
        };
        assert_eq!(check.user.as_deref(), Some("alice"));
        let cli = parse("nanomq-cli acl check --username=bob --action subscribe -- --username");
        let Command::Acl(AclCommand::Check(check)) = cli.command else {
            panic!("{:?}", cli.command)
        };
        assert_eq!(
            (check.user.as_deref(), check.topic.as_str()),
            (Some("bob"), "--username")
        );
        let cli = parse("nanomq-cli clients list --username api");
        assert_eq!(cli.global.username.as_deref(), Some("api"));
    }

    #[test]
    fn username_and_password_after_pub_and_sub_are_the_mqtt_ones() {
        let parse = |line: &str| {
            let args = mqtt_credentials(line.split(' ').map(std::ffi::OsString::from));
            Cli::try_parse_from(args).unwrap()
        };
        let cli =
            parse("nanomq-cli --username api --url x pub --username alice --password=pw -t t -m x");
        assert_eq!(cli.global.username.as_deref(), Some("api"));
        assert_eq!(cli.global.password, None);
        let Command::Pub(args) = cli.command else {
            panic!("{:?}", cli.command)
        };
        assert_eq!(args.mqtt.user.as_deref(), Some("alice"));
        assert_eq!(args.mqtt.pw.as_deref(), Some("pw"));
        let cli = parse("nanomq-cli --profile sub sub -u bob -P pw2 -t t");
        assert_eq!(cli.global.profile.as_deref(), Some("sub"));
        let Command::Sub(args) = cli.command else {
            panic!("{:?}", cli.command)
        };
        assert_eq!(
            (args.mqtt.user.as_deref(), args.mqtt.pw.as_deref()),
            (Some("bob"), Some("pw2"))
        );
        let cli = parse("nanomq-cli clients list --username api --password pw");
        assert_eq!(cli.global.password.as_deref(), Some("pw"));
    }
}
