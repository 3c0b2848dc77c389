//! The bridge between two in-process brokers: local messages forwarded upstream, upstream
//! subscriptions published locally, QoS 1 both ways, MQTT 3.1 / 3.1.1 / 5 upstream, no loops
//! when forwards and subscriptions overlap, and the counters.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::bridge_support;
use crate::support;

use bridge_support::{
    BRIDGE_CLIENT_ID, bridge_config, eventually, metrics, start_edge, wait_connected,
    wait_upstream_subscribed,
};
use nanomq::codec::ProtocolVersion;
use rumqttc::QoS;
use support::{TestBroker, v4, v5};

async fn next_payload(client: &mut v4::Client) -> (String, String, QoS) {
    let p = client.next_publish().await;
    let payload = String::from_utf8(p.payload.to_vec()).unwrap();
    (p.topic, payload, p.qos)
}

#[tokio::test]
async fn forwards_matching_local_messages_upstream_v311() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    up_sub.subscribe("sensors/#", QoS::AtLeastOnce).await;
    let edge = start_edge(bridge_config(upstream.port(), 4, &["sensors/#"], &[])).await;
    wait_connected(&edge).await;
    assert_eq!(
        upstream
            .handle
            .broker
            .session(BRIDGE_CLIENT_ID)
            .unwrap()
            .details()
            .protocol,
        ProtocolVersion::V3_1_1
    );

    let local = v4::connect(&edge, "local-pub").await;
    local
        .publish("sensors/room1/temp", QoS::AtMostOnce, false, b"21.5")
        .await;
    local
        .publish("sensors/room1/temp", QoS::AtLeastOnce, false, b"21.6")
        .await;
    local
        .publish("other/topic", QoS::AtLeastOnce, false, b"not forwarded")
        .await;
    local
        .publish("sensors/end", QoS::AtLeastOnce, false, b"end")
        .await;

    // In order, and nothing that does not match a forward in between.
    let temp = "sensors/room1/temp".to_string();
    assert_eq!(
        next_payload(&mut up_sub).await,
        (temp.clone(), "21.5".into(), QoS::AtMostOnce)
    );
    assert_eq!(
        next_payload(&mut up_sub).await,
        (temp, "21.6".into(), QoS::AtLeastOnce)
    );
    assert_eq!(
        next_payload(&mut up_sub).await,
        ("sensors/end".into(), "end".into(), QoS::AtLeastOnce)
    );

    eventually("three forwarded messages", || {
        metrics(&edge).messages_forwarded == 3
    })
    .await;
    let m = metrics(&edge);
    assert!(m.connected);
    assert!(m.bytes_forwarded > 0 && m.bytes_received > 0, "{m:?}");
    assert_eq!((m.messages_received, m.dropped, m.reconnects), (0, 0, 0));
    edge.stop().await;
    upstream.stop().await;
}

#[tokio::test]
async fn subscribes_upstream_and_publishes_locally_v5() {
    use rumqttc::v5::mqttbytes::QoS as Q5;
    let upstream = TestBroker::start_with(|_| {}).await;
    let edge = start_edge(bridge_config(
        upstream.port(),
        5,
        &[],
        &[("cmd/#", 1), ("config/+", 2)],
    ))
    .await;
    let mut local_sub = v5::connect(&edge, "local-sub").await;
    local_sub.subscribe("#", Q5::ExactlyOnce).await;
    wait_upstream_subscribed(&upstream, 2).await;
    let details = upstream
        .handle
        .broker
        .session(BRIDGE_CLIENT_ID)
        .unwrap()
        .details();
    assert_eq!(details.protocol, ProtocolVersion::V5);

    let up_pub = v5::connect(&upstream, "up-pub").await;
    up_pub
        .publish("cmd/dev1", Q5::ExactlyOnce, false, b"reboot")
        .await;
    up_pub
        .publish("config/dev1", Q5::ExactlyOnce, false, b"{}")
        .await;
    up_pub
        .publish("unrelated", Q5::AtLeastOnce, false, b"no")
        .await;
    up_pub
        .publish("cmd/dev2", Q5::AtMostOnce, false, b"ping")
        .await;

    let got = local_sub.next_publish().await;
    assert_eq!(
        (&got.topic[..], &got.payload[..]),
        (&b"cmd/dev1"[..], &b"reboot"[..])
    );
    assert_eq!(got.qos, Q5::AtLeastOnce, "the bridge subscribed at QoS 1");
    let got = local_sub.next_publish().await;
    assert_eq!(
        (&got.topic[..], got.qos),
        (&b"config/dev1"[..], Q5::ExactlyOnce)
    );
    let got = local_sub.next_publish().await;
    assert_eq!(
        (&got.topic[..], got.qos),
        (&b"cmd/dev2"[..], Q5::AtMostOnce)
    );

    eventually("three received messages", || {
        metrics(&edge).messages_received == 3
    })
    .await;
    edge.stop().await;
    upstream.stop().await;
}

#[tokio::test]
async fn qos1_end_to_end_both_ways_v311() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    up_sub.subscribe("up/#", QoS::AtLeastOnce).await;
    let edge = start_edge(bridge_config(
        upstream.port(),
        4,
        &["up/#"],
        &[("down/#", 1)],
    ))
    .await;
    let mut local = v4::connect(&edge, "local").await;
    local.subscribe("down/#", QoS::AtLeastOnce).await;
    wait_upstream_subscribed(&upstream, 1).await;
    let up_pub = v4::connect(&upstream, "up-pub").await;

    for n in 0..20 {
        local
            .publish("up/n", QoS::AtLeastOnce, false, format!("{n}").as_bytes())
            .await;
        up_pub
            .publish("down/n", QoS::AtLeastOnce, false, format!("{n}").as_bytes())
            .await;
    }
    for n in 0..20 {
        let expected = format!("{n}");
        assert_eq!(
            next_payload(&mut up_sub).await,
            ("up/n".into(), expected.clone(), QoS::AtLeastOnce)
        );
        assert_eq!(
            next_payload(&mut local).await,
            ("down/n".into(), expected, QoS::AtLeastOnce)
        );
    }
    eventually("every forward acknowledged", || {
        let m = metrics(&edge);
        m.messages_forwarded == 20 && m.messages_received == 20
    })
    .await;
    edge.stop().await;
    upstream.stop().await;
}

#[tokio::test]
async fn mqtt_3_1_upstream_both_ways() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    up_sub.subscribe("edge/#", QoS::AtLeastOnce).await;
    let edge = start_edge(bridge_config(
        upstream.port(),
        3,
        &["edge/#"],
        &[("cloud/#", 1)],
    ))
    .await;
    let mut local = v4::connect(&edge, "local").await;
    local.subscribe("cloud/#", QoS::AtLeastOnce).await;
    wait_upstream_subscribed(&upstream, 1).await;
    let session = upstream.handle.broker.session(BRIDGE_CLIENT_ID).unwrap();
    assert_eq!(session.details().protocol, ProtocolVersion::V3_1);

    local
        .publish("edge/a", QoS::AtLeastOnce, false, b"up")
        .await;
    assert_eq!(next_payload(&mut up_sub).await.1, "up");
    let up_pub = v4::connect(&upstream, "up-pub").await;
    up_pub
        .publish("cloud/b", QoS::AtLeastOnce, false, b"down")
        .await;
    assert_eq!(next_payload(&mut local).await.1, "down");
    edge.stop().await;
    upstream.stop().await;
}

/// Forwards and subscription cover the same topics. Markers published from the far side
/// prove nothing was echoed in between: anything echoed would have been queued before them.
#[tokio::test]
async fn overlapping_forwards_and_subscription_do_not_loop_v5() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    up_sub.subscribe("loop/#", QoS::AtLeastOnce).await;
    let edge = start_edge(bridge_config(
        upstream.port(),
        5,
        &["loop/#"],
        &[("loop/#", 1)],
    ))
    .await;
    let mut local_sub = v4::connect(&edge, "local-sub").await;
    local_sub.subscribe("loop/#", QoS::AtLeastOnce).await;
    wait_upstream_subscribed(&upstream, 1).await;
    let local_pub = v4::connect(&edge, "local-pub").await;
    let up_pub = v4::connect(&upstream, "up-pub").await;

    local_pub
        .publish("loop/a", QoS::AtLeastOnce, false, b"m1")
        .await;
    assert_eq!(next_payload(&mut up_sub).await.1, "m1");
    assert_eq!(next_payload(&mut local_sub).await.1, "m1");
    up_pub
        .publish("loop/b", QoS::AtLeastOnce, false, b"m2")
        .await;
    assert_eq!(next_payload(&mut up_sub).await.1, "m2");
    assert_eq!(next_payload(&mut local_sub).await.1, "m2");
    local_pub
        .publish("loop/c", QoS::AtLeastOnce, false, b"end")
        .await;
    assert_eq!(
        next_payload(&mut up_sub).await.1,
        "end",
        "m2 not sent back up"
    );
    assert_eq!(next_payload(&mut local_sub).await.1, "end", "m1 not echoed");
    up_pub
        .publish("loop/d", QoS::AtLeastOnce, false, b"z")
        .await;
    assert_eq!(next_payload(&mut up_sub).await.1, "z");
    assert_eq!(next_payload(&mut local_sub).await.1, "z", "end not echoed");

    let m = metrics(&edge);
    assert_eq!((m.messages_forwarded, m.messages_received), (2, 2), "{m:?}");
    edge.stop().await;
    upstream.stop().await;
}

/// MQTT 3.1.1 has no No Local: the upstream sends a forwarded message back once, and the
/// edge publishes that copy locally, but never forwards it up again.
#[tokio::test]
async fn overlapping_forwards_and_subscription_echo_once_but_do_not_loop_v311() {
    let upstream = TestBroker::start_with(|_| {}).await;
    let mut up_sub = v4::connect(&upstream, "up-sub").await;
    up_sub.subscribe("loop/#", QoS::AtLeastOnce).await;
    let edge = start_edge(bridge_config(
        upstream.port(),
        4,
        &["loop/#"],
        &[("loop/#", 1)],
    ))
    .await;
    let mut local_sub = v4::connect(&edge, "local-sub").await;
    local_sub.subscribe("loop/#", QoS::AtLeastOnce).await;
    wait_upstream_subscribed(&upstream, 1).await;
    let local_pub = v4::connect(&edge, "local-pub").await;
    let up_pub = v4::connect(&upstream, "up-pub").await;

    local_pub
        .publish("loop/a", QoS::AtLeastOnce, false, b"m1")
        .await;
    assert_eq!(next_payload(&mut up_sub).await.1, "m1");
    assert_eq!(next_payload(&mut local_sub).await.1, "m1");
    assert_eq!(next_payload(&mut local_sub).await.1, "m1", "the echo");
    up_pub
        .publish("loop/b", QoS::AtLeastOnce, false, b"z")
        .await;
    assert_eq!(next_payload(&mut up_sub).await.1, "z", "m1 forwarded once");
    assert_eq!(next_payload(&mut local_sub).await.1, "z");

    let m = metrics(&edge);
    assert_eq!((m.messages_forwarded, m.messages_received), (1, 2), "{m:?}");
    edge.stop().await;
    upstream.stop().await;
}

#[tokio::test]
async fn bridge_metrics_only_when_the_bridge_is_on() {
    let broker = TestBroker::start_with(|_| {}).await;
    assert_eq!(broker.handle.bridge_metrics(), None);
    broker.stop().await;
}

#[tokio::test]
async fn credentials_are_given_upstream_and_a_refusal_is_retried() {
    use shared_types::config::UserCredential;
    let upstream = TestBroker::start_with(|c| {
        c.allow_anonymous = false;
        c.users = vec![UserCredential {
            username: "edge".into(),
            password: "secret".into(),
        }];
    })
    .await;
    let mut bridge = bridge_config(upstream.port(), 4, &["t/#"], &[]);
    bridge.username = Some("edge".into());
    bridge.password = Some("wrong".into());
    let refused = start_edge(bridge.clone()).await;
    let stats = refused.handle.bridge_stats();
    eventually("a refused attempt, then another after the backoff", || {
        stats.stats.failed_attempts.get() >= 2
    })
    .await;
    assert!(!metrics(&refused).connected);
    refused.stop().await;

    bridge.password = Some("secret".into());
    let edge = start_edge(bridge).await;
    wait_connected(&edge).await;
    let session = upstream.handle.broker.session(BRIDGE_CLIENT_ID).unwrap();
    assert_eq!(session.details().username.as_deref(), Some("edge"));
    edge.stop().await;
    upstream.stop().await;
}
