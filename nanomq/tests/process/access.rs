//! Access control that takes effect, against the real binary and SIGHUP: a reload re-reads
//! the password and ACL files (their contents alone changed), says what changed, puts the new
//! rules in force for clients already connected, disconnects the clients it revokes, and
//! refuses a file that would open the broker by accident.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::mpsc::Receiver;

use nanomq::codec::{ConnAck, Packet, ProtocolVersion, QoS, ReasonCode};

use crate::common::raw::{RawClient, connect_packet};
use crate::support::{Broker, config_text, line_with};

async fn login(
    broker: &Broker,
    version: ProtocolVersion,
    id: &str,
    user: Option<&str>,
) -> (RawClient, ConnAck) {
    let mut client = RawClient::connect(broker.mqtt, version).await;
    let mut connect = connect_packet(version, id, true, 60);
    connect.username = user.map(str::to_string);
    connect.password = user.map(|_| b"pw".to_vec().into());
    let ack = client.handshake(connect).await;
    (client, ack)
}

/// Sends SIGHUP and returns the log line that says how it went.
fn reload(broker: &Broker, log: &Receiver<String>) -> String {
    broker.signal("HUP");
    let _ = line_with(log, "SIGHUP received");
    loop {
        let line = line_with(log, "reload");
        if line.contains("configuration reloaded") || line.contains("not reloaded") {
            return line;
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// A user removed from the password file (nothing else changed) is disconnected at once with
/// 0x87 and cannot log in again; a user added can; the others stay connected.
#[tokio::test]
async fn a_reload_applies_the_password_file_and_disconnects_revoked_users() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "passwd", "alice:pw\nerin:pw\n");
    let mut broker = Broker::start_in(
        dir,
        &config_text("allow_anonymous = false\n[auth]\npassword_file = \"passwd\""),
    );
    let log = broker.stderr_lines();
    let (mut alice, ack) = login(&broker, ProtocolVersion::V3_1_1, "a", Some("alice")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    let (mut erin, ack) = login(&broker, ProtocolVersion::V5, "e", Some("erin")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);

    write(&broker.dir(), "passwd", "alice:pw\ndave:pw\n");
    let reloaded = reload(&broker, &log);
    assert!(reloaded.contains("users: +dave -erin"), "{reloaded}");
    assert!(reloaded.contains("disconnected=1"), "{reloaded}");
    let last = erin.until_closed().await;
    assert!(
        matches!(last.last(), Some(Packet::Disconnect(d)) if d.reason == ReasonCode::NOT_AUTHORIZED),
        "{last:?}"
    );
    let (_, ack) = login(&broker, ProtocolVersion::V5, "e", Some("erin")).await;
    assert_eq!(ack.code, ReasonCode::BAD_USERNAME_OR_PASSWORD);
    let (_, ack) = login(&broker, ProtocolVersion::V5, "d", Some("dave")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    alice.send(&Packet::PingReq).await;
    assert!(matches!(alice.recv().await, Some(Packet::PingResp)));

    // A changed password revokes too.
    write(&broker.dir(), "passwd", "alice:new\ndave:pw\n");
    let reloaded = reload(&broker, &log);
    assert!(reloaded.contains("users: ~alice"), "{reloaded}");
    assert!(alice.until_closed().await.is_empty(), "3.1.1: closed");
}

/// A deny rule added by a reload applies to clients already connected: their next SUBSCRIBE
/// and PUBLISH, and what their existing subscriptions deliver.
#[tokio::test]
async fn a_new_deny_rule_reaches_connected_clients() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acl.toml", "[[acl]]\npermit = \"allow\"\n");
    let mut broker = Broker::start_in(dir, &config_text("[auth]\nacl_file = \"acl.toml\""));
    let log = broker.stderr_lines();
    let (mut reader, _) = login(&broker, ProtocolVersion::V5, "reader", None).await;
    assert_eq!(
        reader.subscribe("secret/#", QoS::AtLeastOnce).await,
        [ReasonCode(1)]
    );
    assert_eq!(
        reader.subscribe("public/#", QoS::AtLeastOnce).await,
        [ReasonCode(1)]
    );
    let (mut writer, _) = login(&broker, ProtocolVersion::V5, "writer", None).await;
    assert_eq!(
        writer.publish_qos1("secret/a", 1, b"before").await,
        ReasonCode::SUCCESS
    );
    assert_eq!(&*reader.next_publish().await.topic, "secret/a");

    write(
        &broker.dir(),
        "acl.toml",
        "[[acl]]\npermit = \"deny\"\ntopics = [\"secret/#\"]\n[[acl]]\npermit = \"allow\"\n",
    );
    let reloaded = reload(&broker, &log);
    assert!(reloaded.contains("acl: 2 rules changed"), "{reloaded}");
    assert_eq!(
        writer.publish_qos1("secret/b", 2, b"after").await,
        ReasonCode::NOT_AUTHORIZED
    );
    let denied = line_with(&log, "denied");
    for part in ["writer", "secret/b", "publish", "acl.toml"] {
        assert!(denied.contains(part), "{part} in {denied}");
    }
    assert_eq!(
        writer.publish_qos1("public/x", 3, b"marker").await,
        ReasonCode::SUCCESS
    );
    // The marker comes, secret/b never did.
    assert_eq!(&*reader.next_publish().await.topic, "public/x");
    assert_eq!(
        reader.subscribe("secret/#", QoS::AtLeastOnce).await,
        [ReasonCode::NOT_AUTHORIZED]
    );
}

/// A file truncated by an editor, or a password file caught empty, would open the broker:
/// the reload is refused, the old rules stay, and the file written whole afterwards reloads.
#[tokio::test]
async fn a_reload_that_would_weaken_access_control_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "passwd", "alice:pw\n");
    let locked = config_text(
        "allow_anonymous = false\n[auth]\npassword_file = \"passwd\"\nno_match = \"deny\"\n[[auth.acl]]\npermit = \"allow\"\nusername = \"alice\"",
    );
    let mut broker = Broker::start_in(dir, &locked);
    let log = broker.stderr_lines();
    let (mut alice, ack) = login(&broker, ProtocolVersion::V5, "a", Some("alice")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);

    // The editor's truncate-then-write, caught in between.
    let conf = broker.dir().join("nanomq.conf");
    std::fs::write(&conf, config_text("")).unwrap();
    let refused = reload(&broker, &log);
    assert!(refused.contains("not reloaded"), "{refused}");
    for part in ["anonymous", "every user", "every access rule", "no_match"] {
        assert!(refused.contains(part), "{part} in {refused}");
    }
    let (_, ack) = login(&broker, ProtocolVersion::V5, "anon", None).await;
    assert_eq!(ack.code, ReasonCode::NOT_AUTHORIZED, "still closed");

    // The password file caught empty.
    std::fs::write(&conf, &locked).unwrap();
    write(&broker.dir(), "passwd", "");
    let refused = reload(&broker, &log);
    assert!(refused.contains("every user"), "{refused}");
    let (_, ack) = login(&broker, ProtocolVersion::V5, "a2", Some("alice")).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS, "alice is still a user");

    // Written whole, with a change: reloaded; alice stayed connected throughout.
    write(&broker.dir(), "passwd", "alice:pw\nbob:pw\n");
    let reloaded = reload(&broker, &log);
    assert!(reloaded.contains("users: +bob"), "{reloaded}");
    alice.send(&Packet::PingReq).await;
    assert!(matches!(alice.recv().await, Some(Packet::PingResp)));

    // Said explicitly, it is what the operator means.
    std::fs::write(
        &conf,
        config_text("allow_anonymous = true\nusers = []\n[auth]\nacl = []\nno_match = \"allow\""),
    )
    .unwrap();
    let reloaded = reload(&broker, &log);
    assert!(reloaded.contains("configuration reloaded"), "{reloaded}");
    let (_, ack) = login(&broker, ProtocolVersion::V5, "anon", None).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    alice.send(&Packet::PingReq).await;
    assert!(
        matches!(alice.recv().await, Some(Packet::PingResp)),
        "with no user, a username is let in unchecked: alice stays"
    );
}
