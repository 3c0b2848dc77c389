//! `GET`/`POST /configuration` against the file as it is on disk (issue 22, items 14 and 15):
//! hand edits seen at once, a file that does not load said so, never a stale copy; the
//! fingerprints that tell a changed secret without showing it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::http_support;

use axum::http::StatusCode;
use http_support::{Reply, TestBroker, get, get_data, post, send, test_config};

/// GET shows the file as it is on disk (a hand edit at once); a file that does not load is
/// an error naming it and what is wrong, for GET and POST alike, never a stale copy; the
/// running configuration is still shown on request (issue 22, item 14).
#[tokio::test]
async fn get_and_post_read_the_file_as_it_is_on_disk() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let text = std::fs::read_to_string(&broker.path).unwrap();
    std::fs::write(&broker.path, text.replace("msq_len = 64", "msq_len = 65")).unwrap();
    assert_eq!(get_data(&app, "/api/v4/configuration").await["msq_len"], 65);
    let basic = get_data(&app, "/api/v4/configuration/basic").await;
    assert_eq!(basic["basic"]["msq_len"], 65);

    std::fs::write(&broker.path, "msq_len = 65\n\nmsq_len = 66\n").unwrap();
    for request in [
        get("/api/v4/configuration"),
        get("/api/v4/configuration/basic"),
        post("/api/v4/configuration", r#"{"data":{"parallel":3}}"#),
    ] {
        let reply = send(&app, request).await;
        reply.assert(StatusCode::INTERNAL_SERVER_ERROR, 117);
        let message = reply.json()["message"].as_str().unwrap().to_string();
        let file = broker.path.display().to_string();
        assert!(
            message.starts_with(&format!("{file}: line 3: ")),
            "{message}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&broker.path).unwrap(),
        "msq_len = 65\n\nmsq_len = 66\n",
        "left as it is"
    );
    let running = get_data(&app, "/api/v4/configuration?running=true").await;
    assert_eq!(running["msq_len"], 64);

    std::fs::remove_file(&broker.path).unwrap();
    let reply = send(&app, get("/api/v4/configuration")).await;
    reply.assert(StatusCode::INTERNAL_SERVER_ERROR, 102);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert_eq!(
        message,
        format!("{}: No such file or directory", broker.path.display())
    );
}

/// Beside the hidden secrets, GET gives their fingerprints: the same for the file and the
/// running configuration while a secret is unchanged, different once it changed, and never
/// the secret (issue 22, item 15).
#[tokio::test]
async fn fingerprints_tell_a_changed_secret() {
    let broker = TestBroker::start(test_config()).await;
    let app = broker.app();
    let fingerprints = |reply: Reply| reply.json()["fingerprints"].clone();
    let saved = fingerprints(send(&app, get("/api/v4/configuration")).await);
    let running = fingerprints(send(&app, get("/api/v4/configuration?running=true")).await);
    assert_eq!(saved, running);
    let before = saved["http_server.password"].as_str().unwrap().to_string();
    assert_eq!(before.len(), 16);
    send(
        &app,
        post(
            "/api/v4/configuration",
            r#"{"data":{"http_server":{"password":"n3w"}}}"#,
        ),
    )
    .await
    .assert(StatusCode::OK, 0);
    let reply = send(&app, get("/api/v4/configuration")).await;
    assert!(!reply.text.contains("n3w") && !reply.text.contains("\"public\""));
    let after = fingerprints(reply);
    assert_ne!(after["http_server.password"], before);
    assert_eq!(
        fingerprints(send(&app, get("/api/v4/configuration?running=true")).await)["http_server.password"],
        before
    );
}
