//! `nanomq check`: the file as a positional argument or `--conf`, the warnings `start` would
//! give, and the files it names loaded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

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
