//! Access control against the real broker: password files (Mosquitto's and ours), the ACL
//! rules and their reason codes for MQTT 3.1.1 and 5, `deny_action`, wills, retained messages,
//! `max_keepalive`, and the slowing down of password guessing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Instant;

use nanomq::codec::{
    ConnAck, Connect, LastWill, Packet, PacketId, ProtocolVersion, PubAck, Publish, QoS,
    ReasonCode, Subscribe, SubscribeFilter, SubscriptionOptions,
};
use shared_types::config::{AclRule, Config, DenyAction, Permit};
use shared_types::secret::hash_argon2id;
use support::TestBroker;
use support::raw::{RawClient, connect_packet};

fn login(version: ProtocolVersion, id: &str, user: &str, password: &str) -> Connect {
    let mut connect = connect_packet(version, id, true, 60);
    connect.username = Some(user.into());
    connect.password = Some(password.as_bytes().to_vec().into());
    connect
}

async fn connack(broker: &TestBroker, connect: Connect) -> ConnAck {
    let mut c = RawClient::connect(broker.addr, connect.protocol).await;
    c.handshake(connect).await
}

fn publish(topic: &str, qos: QoS, id: u16, retain: bool) -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos,
        retain,
        topic: topic.into(),
        packet_id: (qos != QoS::AtMostOnce).then(|| PacketId::new(id).unwrap()),
        properties: Default::default(),
        payload: topic.as_bytes().to_vec().into(),
    })
}

fn rules(text: &str) -> Vec<AclRule> {
    #[derive(serde::Deserialize)]
    struct Rules {
        acl: Vec<AclRule>,
    }
    toml::from_str::<Rules>(text).unwrap().acl
}

async fn subscribe_codes(client: &mut RawClient, filters: &[&str]) -> Vec<ReasonCode> {
    let filters = filters
        .iter()
        .map(|f| SubscribeFilter {
            filter: (*f).to_owned(),
            options: SubscriptionOptions {
                qos: QoS::AtLeastOnce,
                ..Default::default()
            },
        })
        .collect();
    client
        .send(&Packet::Subscribe(Subscribe {
            packet_id: PacketId::new(7).unwrap(),
            filters,
            properties: Default::default(),
        }))
        .await;
    loop {
        match client.recv().await {
            Some(Packet::SubAck(ack)) => return ack.reasons,
            Some(_) => continue,
            None => panic!("closed before SUBACK"),
        }
    }
}

/// A file written by Debian's `mosquitto_passwd` works unchanged.
#[tokio::test]
async fn a_mosquitto_password_file_works_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("passwd");
    let made = std::process::Command::new("mosquitto_passwd")
        .args(["-c", "-b"])
        .arg(&path)
        .args(["sensor", "s3cret"])
        .status();
    match made {
        Ok(status) if status.success() => {}
        _ if std::env::var_os("NANOMQ_REQUIRE_INTEROP").is_some() => {
            panic!("mosquitto_passwd is required (apt-get install mosquitto)")
        }
        _ => {
            eprintln!("skipped: mosquitto_passwd not installed");
            return;
        }
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("sensor:$7$"), "{text}");
    let broker = TestBroker::start_with(|c| {
        c.allow_anonymous = false;
        c.auth.password_file = Some(path.display().to_string());
    })
    .await;
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let ok = connack(&broker, login(version, "m1", "sensor", "s3cret")).await;
        assert_eq!(ok.code, ReasonCode::SUCCESS);
        let wrong = connack(&broker, login(version, "m2", "sensor", "nope")).await;
        assert_eq!(wrong.code, ReasonCode::BAD_USERNAME_OR_PASSWORD);
    }
    broker.stop().await;
}

#[tokio::test]
async fn argon2id_users_inline_and_anonymous_refused() {
    let hash = hash_argon2id(b"pw").unwrap();
    let broker = TestBroker::start_with(|c| {
        c.allow_anonymous = false;
        c.users = vec![shared_types::config::UserCredential {
            username: "alice".into(),
            password: hash,
        }];
    })
    .await;
    let ok = connack(&broker, login(ProtocolVersion::V5, "a1", "alice", "pw")).await;
    assert_eq!(ok.code, ReasonCode::SUCCESS);
    let anonymous = connack(
        &broker,
        connect_packet(ProtocolVersion::V3_1_1, "anon", true, 60),
    )
    .await;
    assert_eq!(anonymous.code, ReasonCode::NOT_AUTHORIZED);
    broker.stop().await;
}

fn acl_config(c: &mut Config, text: &str) {
    c.auth.acl = rules(text);
    c.auth.no_match = Permit::Deny;
}

const RULES: &str = r##"
[[acl]]
permit = "deny"
action = "subscribe"
topics = ["secret/#"]
[[acl]]
permit = "allow"
username = "alice"
topics = ["users/%u/#", "#"]
[[acl]]
permit = "allow"
clientid = "dev1"
action = "publish"
topics = ["devices/%c/#"]
[[acl]]
permit = "allow"
ipaddr = "10.0.0.0/8"
"##;

#[tokio::test]
async fn rules_decide_publish_and_subscribe_with_the_right_reason_codes() {
    let broker = TestBroker::start_with(|c| acl_config(c, RULES)).await;
    // MQTT 5: dev1 may publish to its own devices/dev1/..., nothing else (no_match = deny).
    let (mut dev, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "dev1", true).await;
    dev.send(&publish("devices/dev1/t", QoS::AtLeastOnce, 1, false))
        .await;
    match dev.recv().await {
        Some(Packet::PubAck(ack)) => assert_eq!(ack.reason, ReasonCode::NO_MATCHING_SUBSCRIBERS),
        other => panic!("{other:?}"),
    }
    dev.send(&publish("devices/dev2/t", QoS::AtLeastOnce, 2, false))
        .await;
    match dev.recv().await {
        Some(Packet::PubAck(ack)) => assert_eq!(ack.reason, ReasonCode::NOT_AUTHORIZED),
        other => panic!("{other:?}"),
    }
    dev.send(&publish("devices/dev2/t", QoS::ExactlyOnce, 3, false))
        .await;
    match dev.recv().await {
        Some(Packet::PubRec(rec)) => assert_eq!(rec.reason, ReasonCode::NOT_AUTHORIZED),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        subscribe_codes(&mut dev, &["devices/dev1/#"]).await,
        [ReasonCode::NOT_AUTHORIZED]
    );
    // MQTT 3.1.1: a refused SUBSCRIBE gets 0x80 for that filter only.
    let mut alice = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    let ack = alice
        .handshake(login(ProtocolVersion::V3_1_1, "a", "alice", "x"))
        .await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    assert_eq!(
        subscribe_codes(&mut alice, &["secret/#", "users/alice/#", "#"]).await,
        [ReasonCode(0x80), ReasonCode(1), ReasonCode(1)]
    );
    let denied = broker.handle.broker.metrics().subscriptions_denied.get();
    assert_eq!(denied, 2);
    broker.stop().await;
}

/// A subscription allowed as a whole does not deliver what a narrower rule denies, retained
/// messages included.
#[tokio::test]
async fn deliveries_and_retained_messages_follow_the_rules() {
    let broker = TestBroker::start_with(|c| acl_config(c, RULES)).await;
    let (mut publisher, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "p", true).await;
    // Only alice may publish anywhere: log her in to publish.
    let mut alice_pub = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    alice_pub
        .handshake(login(ProtocolVersion::V3_1_1, "ap", "alice", "x"))
        .await;
    alice_pub
        .send(&publish("secret/r", QoS::AtMostOnce, 0, true))
        .await;
    alice_pub
        .send(&publish("public/r", QoS::AtMostOnce, 0, true))
        .await;
    // The retained messages are in before the subscriber comes.
    support::eventually("both retained", || {
        broker.handle.broker.counts().retained == 2
    })
    .await;
    let mut alice = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    alice
        .handshake(login(ProtocolVersion::V3_1_1, "a", "alice", "x"))
        .await;
    assert_eq!(subscribe_codes(&mut alice, &["#"]).await, [ReasonCode(1)]);
    alice_pub
        .send(&publish("secret/live", QoS::AtMostOnce, 0, false))
        .await;
    alice_pub
        .send(&publish("public/live", QoS::AtMostOnce, 0, false))
        .await;
    let mut topics = Vec::new();
    while topics.len() < 2 {
        let p = alice.next_publish().await;
        if let Some(id) = p.packet_id {
            alice.send(&Packet::PubAck(PubAck::new(id))).await;
        }
        topics.push(p.topic.to_string());
    }
    assert_eq!(topics, ["public/r", "public/live"]);
    // A client without rights publishes nothing: 3.1.1 is acknowledged, and dropped.
    publisher
        .send(&publish("public/x", QoS::AtLeastOnce, 5, false))
        .await;
    assert!(matches!(publisher.recv().await, Some(Packet::PubAck(_))));
    assert!(broker.handle.broker.metrics().messages_denied.get() >= 1);
    broker.stop().await;
}

#[tokio::test]
async fn deny_action_disconnect_and_wills() {
    let broker = TestBroker::start_with(|c| {
        acl_config(c, RULES);
        c.auth.deny_action = DenyAction::Disconnect;
    })
    .await;
    let (mut dev, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "dev1", true).await;
    dev.send(&publish("elsewhere", QoS::AtLeastOnce, 1, false))
        .await;
    let answer = dev.until_closed().await;
    assert!(
        matches!(answer.as_slice(), [Packet::PubAck(a), Packet::Disconnect(d)]
            if a.reason == ReasonCode::NOT_AUTHORIZED && d.reason == ReasonCode::NOT_AUTHORIZED),
        "{answer:?}"
    );
    // A will the client could not publish itself is refused at CONNECT.
    let mut connect = connect_packet(ProtocolVersion::V5, "dev1", true, 60);
    connect.will = Some(LastWill {
        topic: "elsewhere".into(),
        payload: "x".into(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Default::default(),
    });
    assert_eq!(
        connack(&broker, connect).await.code,
        ReasonCode::NOT_AUTHORIZED
    );
    broker.stop().await;
}

#[tokio::test]
async fn max_keepalive_caps_mqtt5_and_refuses_mqtt3() {
    let broker = TestBroker::start_with(|c| c.max_keepalive = 60).await;
    for asked in [0, 120] {
        let ack = connack(
            &broker,
            connect_packet(ProtocolVersion::V5, "k5", true, asked),
        )
        .await;
        assert_eq!(ack.code, ReasonCode::SUCCESS);
        assert_eq!(ack.properties.server_keep_alive, Some(60), "asked {asked}");
    }
    let within = connack(&broker, connect_packet(ProtocolVersion::V5, "k5", true, 30)).await;
    assert_eq!(within.properties.server_keep_alive, None);
    let refused = connack(
        &broker,
        connect_packet(ProtocolVersion::V3_1_1, "k3", true, 120),
    )
    .await;
    assert_eq!(refused.code, ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
    broker.stop().await;
}

/// After a few failures, one address's attempts are spaced out, and a right password still
/// gets in (after waiting its turn).
#[tokio::test]
async fn password_guessing_is_slowed_down() {
    let broker = TestBroker::start_with(|c| {
        c.allow_anonymous = false;
        c.users = vec![shared_types::config::UserCredential {
            username: "alice".into(),
            password: "right".into(),
        }];
    })
    .await;
    let mut slowest = std::time::Duration::ZERO;
    for n in 0..6 {
        let started = Instant::now();
        let ack = connack(
            &broker,
            login(ProtocolVersion::V5, &format!("g{n}"), "alice", "guess"),
        )
        .await;
        assert_eq!(ack.code, ReasonCode::BAD_USERNAME_OR_PASSWORD);
        slowest = slowest.max(started.elapsed());
    }
    assert!(
        slowest >= std::time::Duration::from_millis(250),
        "the later guesses waited their turn ({slowest:?})"
    );
    let ok = connack(&broker, login(ProtocolVersion::V5, "ok", "alice", "right")).await;
    assert_eq!(ok.code, ReasonCode::SUCCESS);
    broker.stop().await;
}

fn users(names: &[&str]) -> Vec<shared_types::config::UserCredential> {
    names
        .iter()
        .map(|name| shared_types::config::UserCredential {
            username: (*name).into(),
            password: "pw".into(),
        })
        .collect()
}

/// Denied publishes, subscriptions and logins are counted where operators look.
#[tokio::test]
async fn denials_and_failed_logins_are_counted() {
    let broker = TestBroker::start_with(|c| {
        c.users = users(&["alice"]);
        acl_config(c, RULES);
    })
    .await;
    let metrics = broker.handle.broker.metrics();
    let (before_pub, before_sub) = (
        metrics.messages_denied.get(),
        metrics.subscriptions_denied.get(),
    );
    let mut alice = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    assert_eq!(
        alice
            .handshake(login(ProtocolVersion::V5, "a", "alice", "pw"))
            .await
            .code,
        ReasonCode::SUCCESS
    );
    assert_eq!(
        subscribe_codes(&mut alice, &["secret/x", "ok/x"]).await,
        [ReasonCode::NOT_AUTHORIZED, ReasonCode(1)]
    );
    let mut anonymous = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    anonymous
        .handshake(connect_packet(ProtocolVersion::V5, "anon", true, 60))
        .await;
    anonymous
        .send(&publish("not/allowed", QoS::AtLeastOnce, 1, false))
        .await;
    assert!(
        matches!(anonymous.recv().await, Some(Packet::PubAck(PubAck { reason, .. })) if reason == ReasonCode::NOT_AUTHORIZED)
    );
    let wrong = connack(&broker, login(ProtocolVersion::V5, "w", "alice", "nope")).await;
    assert_eq!(wrong.code, ReasonCode::BAD_USERNAME_OR_PASSWORD);
    assert_eq!(metrics.messages_denied.get(), before_pub + 1);
    assert_eq!(metrics.subscriptions_denied.get(), before_sub + 1);
    assert_eq!(metrics.logins_failed.get(), 1);
    broker.stop().await;
}

/// A client with another user's client id cannot take over (and so disconnect, or with a
/// clean start destroy) that user's session, connected or away; the user itself can.
#[tokio::test]
async fn a_session_belongs_to_the_user_that_opened_it() {
    let broker = TestBroker::start_with(|c| c.users = users(&["alice", "bob"])).await;
    let persistent = |user: Option<&str>, clean: bool| {
        let mut connect = connect_packet(ProtocolVersion::V5, "alices-device", clean, 60);
        connect.username = user.map(str::to_string);
        connect.password = user.map(|_| b"pw".to_vec().into());
        connect.properties.session_expiry_interval = Some(600);
        connect
    };
    let mut alice = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    assert_eq!(
        alice.handshake(persistent(Some("alice"), false)).await.code,
        ReasonCode::SUCCESS
    );
    assert_eq!(
        subscribe_codes(&mut alice, &["inbox/#"]).await,
        [ReasonCode(1)]
    );
    for (user, clean) in [(Some("bob"), false), (Some("bob"), true), (None, true)] {
        let ack = connack(&broker, persistent(user, clean)).await;
        assert_eq!(
            ack.code,
            ReasonCode::CLIENT_IDENTIFIER_NOT_VALID,
            "{user:?}"
        );
    }
    let mut v3 = connect_packet(ProtocolVersion::V3_1_1, "alices-device", false, 60);
    v3.username = Some("bob".into());
    v3.password = Some(b"pw".to_vec().into());
    // (The codec reads 3.x's return code 2 as the MQTT 5 reason it stands for.)
    assert_eq!(
        connack(&broker, v3).await.code,
        ReasonCode::CLIENT_IDENTIFIER_NOT_VALID
    );
    // Alice was never disconnected.
    alice.send(&Packet::PingReq).await;
    assert!(matches!(alice.recv().await, Some(Packet::PingResp)));
    alice.send(&Packet::Disconnect(Default::default())).await;
    assert!(alice.until_closed().await.is_empty());
    // Away, it is still hers.
    let ack = connack(&broker, persistent(Some("bob"), true)).await;
    assert_eq!(ack.code, ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
    let ack = connack(&broker, persistent(Some("alice"), false)).await;
    assert_eq!(ack.code, ReasonCode::SUCCESS);
    assert!(ack.session_present);
    broker.stop().await;
}

/// An attacker with an account of its own cannot wipe its guesses at another by logging in,
/// and an unknown username costs a password check like a known one.
#[tokio::test]
async fn an_attackers_own_login_does_not_reset_its_guesses() {
    let hash = hash_argon2id(b"pw").unwrap();
    let broker = TestBroker::start_with(|c| {
        c.users = ["alice", "mallory"]
            .iter()
            .map(|name| shared_types::config::UserCredential {
                username: (*name).into(),
                password: hash.clone(),
            })
            .collect();
    })
    .await;
    let timed = |user: &'static str, password: &'static str, id: &'static str| {
        let broker = &broker;
        async move {
            let started = Instant::now();
            let ack = connack(broker, login(ProtocolVersion::V5, id, user, password)).await;
            (ack.code, started.elapsed())
        }
    };
    let (code, known) = timed("alice", "guess", "g0").await;
    assert_eq!(code, ReasonCode::BAD_USERNAME_OR_PASSWORD);
    let (code, unknown) = timed("nobody", "guess", "g1").await;
    assert_eq!(code, ReasonCode::BAD_USERNAME_OR_PASSWORD);
    assert!(
        unknown * 3 >= known,
        "an unknown user is checked too ({unknown:?} against {known:?})"
    );
    timed("alice", "guess", "g2").await;
    // Three failures from this address: the next attempts take turns. The attacker's own
    // account logs in (after its turn) ...
    let (code, _) = timed("mallory", "pw", "m").await;
    assert_eq!(code, ReasonCode::SUCCESS);
    // ... and the guesses at alice are still spaced.
    timed("alice", "guess", "g3").await;
    let (_, waited) = timed("alice", "guess", "g4").await;
    assert!(
        waited >= std::time::Duration::from_millis(200),
        "still slowed after the attacker's own login ({waited:?})"
    );
    broker.stop().await;
}

/// A client id with control characters is refused (as Mosquitto does), before it reaches a
/// log line, the API or the store.
#[tokio::test]
async fn client_ids_with_control_characters_are_refused() {
    let broker = TestBroker::start_with(|_| {}).await;
    for version in [ProtocolVersion::V5, ProtocolVersion::V3_1_1] {
        let ack = connack(
            &broker,
            connect_packet(version, "evil\nINFO forged\x1b[2J", true, 60),
        )
        .await;
        assert_eq!(ack.code, ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
    }
    broker.stop().await;
}

/// Guesses sent all at once from one address are checked a few at a time, so the spacing
/// meets them as soon as the first fail: most are refused at once (0x89), not checked.
#[tokio::test]
async fn a_burst_of_guesses_from_one_address_is_mostly_refused() {
    let broker = TestBroker::start_with(|c| c.users = users(&["alice"])).await;
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..20 {
        let addr = broker.addr;
        attempts.spawn(async move {
            let mut c = RawClient::connect(addr, ProtocolVersion::V5).await;
            c.handshake(login(
                ProtocolVersion::V5,
                &format!("b{n}"),
                "alice",
                "guess",
            ))
            .await
            .code
        });
    }
    let mut refused = 0;
    while refused < 11 {
        let code = support::within(attempts.join_next())
            .await
            .unwrap()
            .unwrap();
        if code == ReasonCode::SERVER_BUSY {
            refused += 1;
        } else {
            assert_eq!(code, ReasonCode::BAD_USERNAME_OR_PASSWORD);
        }
    }
    attempts.abort_all();
    broker.stop().await;
}
