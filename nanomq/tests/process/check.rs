//! `nanomq check`: the file as a positional argument or `--conf`, the warnings `start` would
//! give, and what `start` would refuse (files, key material, ports, the store) refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use crate::support::{Broker, config_text};

fn check(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_nanomq"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn check_warns_as_start_would_and_loads_the_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("risky.conf"),
        "[[users]]\nusername = \"alice\"\npassword = \"plain\"\n[http_server]\nip_addr = \"0.0.0.0\"\n",
    )
    .unwrap();
    let (code, out, err) = check(&["risky.conf"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "risky.conf: ok\n");
    assert!(err.contains("plain text"), "{err}");
    assert!(err.contains("DEFAULT CREDENTIALS"), "{err}");

    let (code, out, _) = check(&["--conf", "risky.conf"], dir.path());
    assert_eq!((code, out.as_str()), (0, "risky.conf: ok\n"));

    std::fs::write(
        dir.path().join("missing.conf"),
        "[auth]\npassword_file = \"/nonexistent/passwd\"\n",
    )
    .unwrap();
    let (code, _, err) = check(&["missing.conf"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/passwd"), "{err}");

    std::fs::write(dir.path().join("bad.conf"), "msq_len = 0\n").unwrap();
    let (code, _, err) = check(&["bad.conf"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("msq_len"), "{err}");
}

/// `check` says "ok" only to what `start` would start (issue 22, item 17): a TLS file that
/// cannot be read, a key that is not its certificate's, a port in use, a store another broker
/// holds are each refused with the reason, and checking creates nothing.
#[test]
fn check_refuses_what_start_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let pki = crate::common::certs::TestPki::generate();
    for (name, text) in [
        ("cert.pem", &pki.server.cert),
        ("key.pem", &pki.server.key),
        ("other-key.pem", &pki.client.key),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let tls = |cert: &str, key: &str| {
        format!(
            "[tls]\nenable = true\nurl = \"tls+nmq-tcp://127.0.0.1:0\"\ncert = \"{cert}\"\nkey = \"{key}\"\n"
        )
    };
    let held = Broker::start(&config_text(""));
    let held_store = held.dir().join("data");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    let cases = [
        (
            tls("/nonexistent/cert.pem", "key.pem"),
            "tls.cert: cannot read /nonexistent/cert.pem: No such file or directory",
        ),
        (
            tls("cert.pem", "other-key.pem"),
            "tls.key: does not match tls.cert",
        ),
        (
            format!("url = \"nmq-tcp://127.0.0.1:{busy_port}\"\n"),
            &*format!("cannot listen on 127.0.0.1:{busy_port} (url): Address already in use"),
        ),
        (
            format!("[persistence]\ndir = \"{}\"\n", held_store.display()),
            "is in use by another process",
        ),
    ];
    for (extra, expected) in &cases {
        let text = if extra.starts_with("url") {
            extra.replace(
                '\n',
                "\n[websocket]\nenable = false\n[http_server]\nport = 0\n",
            )
        } else {
            config_text(extra)
        };
        std::fs::write(dir.path().join("edge.conf"), text).unwrap();
        let (code, out, err) = check(&["edge.conf"], dir.path());
        assert_eq!((code, out.as_str()), (2, ""), "{extra}: {err}");
        assert!(err.contains(expected), "{extra}: {err}");
    }
    std::fs::write(
        dir.path().join("edge.conf"),
        config_text(&tls("cert.pem", "key.pem")),
    )
    .unwrap();
    let (code, out, err) = check(&["edge.conf"], dir.path());
    assert_eq!((code, out.as_str()), (0, "edge.conf: ok\n"), "{err}");
    assert!(
        !dir.path().join("data").exists(),
        "checking creates no store"
    );
    drop(held);
}
