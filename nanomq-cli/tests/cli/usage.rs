//! End-to-end: what the CLI does before it talks to a broker, and how it finds its settings —
//! help and exit codes, usage errors, the committed completion scripts, and the precedence
//! flag > environment > profile file > default.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::path::PathBuf;

use support::{Cli, TestBroker, WithCli, test_config};

#[tokio::test]
async fn help_documents_the_exit_codes() {
    let help = Cli::new().args(["--help"]).run().await.ok();
    for line in [
        "Exit codes:",
        "2  usage error",
        "3  cannot connect",
        "4  authentication refused",
        "5  not found",
        "6  the broker refused the request",
    ] {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
    for command in [
        "status",
        "clients",
        "subscriptions",
        "topic-tree",
        "config",
        "ctrl",
        "publish",
        "metrics",
        "token",
    ] {
        assert!(
            help.contains(&format!("\n  {command} ")),
            "{command} missing from:\n{help}"
        );
    }
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let run = Cli::new()
        .args(["clients", "list", "--proto-ver", "9"])
        .run()
        .await;
    assert_eq!(run.code(), 2, "{}", run.stderr());
    let run = Cli::new().args(["nosuch"]).run().await;
    assert_eq!(run.code(), 2);
    let run = Cli::new().args(["--timeout", "soon", "status"]).run().await;
    assert_eq!(run.code(), 2);
    let bad_url = Cli::new()
        .args(["--url", "ftp://x", "status"])
        .run()
        .await
        .fails(2);
    assert!(
        bad_url.starts_with("nanomq-cli: --url ftp://x: expected http://"),
        "{bad_url}"
    );
}

#[tokio::test]
async fn committed_completions_are_fresh() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../completions");
    for (shell, file) in [
        ("bash", "nanomq-cli.bash"),
        ("zsh", "_nanomq-cli"),
        ("fish", "nanomq-cli.fish"),
    ] {
        let generated = Cli::new().args(["completions", shell]).run().await.ok();
        let committed = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is stale: regenerate with \
             `cargo run -p nanomq-cli -- completions {shell} > completions/{file}`"
        );
        assert!(generated.contains("topic-tree"), "{shell}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_flag_over_env_over_profile_over_default() {
    let broker = TestBroker::start(test_config()).await;
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("cli.toml");
    std::fs::write(
        &profile,
        format!(
            "url = \"{}\"\npassword = \"wrong\"\n\n[profile.good]\npassword = \"public\"\noutput = \"json\"\n",
            broker.url()
        ),
    )
    .unwrap();
    let with_profile = || Cli::new().env("NANOMQ_CLI_CONFIG", &profile);

    let refused = with_profile().args(["nodes"]).run().await.fails(4);
    assert_eq!(
        refused, "nanomq-cli: wrong username or password (code 103)\n",
        "the profile's password is used"
    );
    let json = with_profile()
        .args(["--profile", "good", "nodes"])
        .run()
        .await
        .json();
    assert_eq!(
        json[0]["node_status"], "Running",
        "the section overrides the top level"
    );
    let by_env = with_profile()
        .env("NANOMQ_PROFILE", "good")
        .args(["nodes"])
        .run()
        .await
        .json();
    assert_eq!(by_env[0]["node_status"], "Running");
    let env = with_profile()
        .env("NANOMQ_PASSWORD", "public")
        .args(["nodes"])
        .run()
        .await
        .ok();
    assert!(
        env.starts_with("VERSION"),
        "the environment beats the profile: {env}"
    );
    let flag = with_profile()
        .env("NANOMQ_PASSWORD", "nope")
        .args(["--password", "public", "nodes"])
        .run()
        .await
        .ok();
    assert!(
        flag.starts_with("VERSION"),
        "the flag beats the environment: {flag}"
    );
    let table = with_profile()
        .args(["--profile", "good", "-o", "table", "nodes"])
        .run()
        .await
        .ok();
    assert!(table.starts_with("VERSION"), "{table}");

    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir(xdg.path().join("nanomq")).unwrap();
    std::fs::copy(&profile, xdg.path().join("nanomq/cli.toml")).unwrap();
    let found = Cli::new()
        .env("XDG_CONFIG_HOME", xdg.path())
        .args(["--profile", "good", "nodes"])
        .run()
        .await
        .json();
    assert_eq!(
        found[0]["node_status"], "Running",
        "found in $XDG_CONFIG_HOME/nanomq"
    );
    let unknown = with_profile()
        .args(["--profile", "nope", "nodes"])
        .run()
        .await
        .fails(2);
    assert!(
        unknown.contains("no [profile.nope] (profiles here: good)"),
        "{unknown}"
    );

    // Nothing given: the default URL (something may really listen there on a developer's
    // machine, so only a failure is checked for naming it).
    let default = Cli::new().args(["--timeout", "2s", "nodes"]).run().await;
    if default.code() != 0 {
        let stderr = default.stderr();
        assert!(
            stderr.contains("broker at http://127.0.0.1:8081"),
            "{stderr}"
        );
    }
}

/// The README says how to put `nanomq` and `nanomq-cli` on the PATH before the first example
/// that runs either of them by name (issue 22, item 20).
#[test]
fn the_readme_installs_the_binaries_before_running_them() {
    let readme = include_str!("../../../README.md");
    let lines: Vec<&str> = readme.lines().map(str::trim_start).collect();
    let first_run = lines
        .iter()
        .position(|l| l.starts_with("nanomq ") || l.starts_with("nanomq-cli "))
        .unwrap();
    for install in [
        "cargo install --path nanomq ",
        "cargo install --path nanomq-cli ",
    ] {
        let at = lines.iter().position(|l| l.starts_with(install));
        let at = at.unwrap_or_else(|| panic!("README.md has no `{install}`"));
        assert!(
            at < first_run,
            "`{install}` (line {}) after the first use, line {}: {}",
            at + 1,
            first_run + 1,
            lines[first_run]
        );
    }
}
