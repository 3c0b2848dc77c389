//! Publish/subscribe against the real broker with rumqttc (MQTT 3.1.1 and 5): QoS flows and
//! downgrade, wildcards, `$` topics, shared subscriptions, retained messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use rumqttc::QoS;
use support::{TestBroker, v4, v5};

#[tokio::test]
async fn qos_0_1_2_round_trip_and_downgrade_v311() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut sub2 = v4::connect(&broker, "sub-qos2").await;
    sub2.subscribe("t/qos", QoS::ExactlyOnce).await;
    let mut sub0 = v4::connect(&broker, "sub-qos0").await;
    sub0.subscribe("t/qos", QoS::AtMostOnce).await;
    let publisher = v4::connect(&broker, "pub").await;
    for (i, qos) in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce]
        .into_iter()
        .enumerate()
    {
        publisher
            .publish("t/qos", qos, false, format!("m{i}").as_bytes())
            .await;
        let got = sub2.next_publish().await;
        assert_eq!(got.payload.as_ref(), format!("m{i}").as_bytes());
        assert_eq!(got.qos, qos, "delivered at the publish QoS");
        assert!(!got.retain);
        let got = sub0.next_publish().await;
        assert_eq!(
            got.qos,
            QoS::AtMostOnce,
            "downgraded to the subscription QoS"
        );
    }
    broker.stop().await;
}

#[tokio::test]
async fn qos_flows_v5_with_acks_from_both_sides() {
    use rumqttc::v5::mqttbytes::QoS as Q5;
    let broker = TestBroker::start_with(|_| {}).await;
    let mut sub = v5::connect(&broker, "sub5").await;
    sub.subscribe("x/+", Q5::ExactlyOnce).await;
    let publisher = v5::connect(&broker, "pub5").await;
    for n in 0..20u32 {
        let qos = [Q5::AtMostOnce, Q5::AtLeastOnce, Q5::ExactlyOnce][(n % 3) as usize];
        publisher
            .publish(&format!("x/{n}"), qos, false, &n.to_be_bytes())
            .await;
    }
    for n in 0..20u32 {
        let got = sub.next_publish().await;
        assert_eq!(got.topic.as_ref(), format!("x/{n}").as_bytes());
        assert_eq!(got.payload.as_ref(), n.to_be_bytes());
    }
    broker.stop().await;
}

#[tokio::test]
async fn wildcards_and_dollar_topics() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut all = v4::connect(&broker, "all").await;
    all.subscribe("#", QoS::AtMostOnce).await;
    let mut plus = v4::connect(&broker, "plus").await;
    plus.subscribe("+/status", QoS::AtMostOnce).await;
    let mut sys = v4::connect(&broker, "sys").await;
    sys.subscribe("$SYS/#", QoS::AtMostOnce).await;
    let publisher = v4::connect(&broker, "pub").await;

    // "#" and "+/..." never match a topic starting with '$' ([MQTT-4.7.2-1]).
    publisher
        .publish("$internal/status", QoS::AtMostOnce, false, b"hidden")
        .await;
    publisher
        .publish("dev1/status", QoS::AtMostOnce, false, b"up")
        .await;
    let got = all.next_publish().await;
    assert_eq!(&got.topic, "dev1/status");
    let got = plus.next_publish().await;
    assert_eq!(&got.topic, "dev1/status");
    // A deeper topic matches "#" but not "+/status".
    publisher
        .publish("dev1/status/extra", QoS::AtMostOnce, false, b"x")
        .await;
    publisher
        .publish("dev2/status", QoS::AtMostOnce, false, b"y")
        .await;
    assert_eq!(&all.next_publish().await.topic, "dev1/status/extra");
    assert_eq!(&plus.next_publish().await.topic, "dev2/status");
    // "$SYS/#" sees the broker's connection events.
    let event = sys.next_publish().await;
    assert!(event.topic.starts_with("$SYS/brokers/"), "{}", event.topic);
    broker.stop().await;
}

#[tokio::test]
async fn shared_subscription_delivers_each_message_to_one_member() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut a = v4::connect(&broker, "member-a").await;
    a.subscribe("$share/g1/jobs/#", QoS::AtLeastOnce).await;
    let mut b = v4::connect(&broker, "member-b").await;
    b.subscribe("$share/g1/jobs/#", QoS::AtLeastOnce).await;
    let mut watcher = v4::connect(&broker, "watcher").await;
    watcher.subscribe("jobs/#", QoS::AtLeastOnce).await;
    let publisher = v4::connect(&broker, "pub").await;
    let total = 40;
    for i in 0..total {
        publisher
            .publish(
                "jobs/run",
                QoS::AtLeastOnce,
                false,
                format!("{i}").as_bytes(),
            )
            .await;
    }
    // The plain subscriber sees every message; the group members share them.
    let mut seen = Vec::new();
    for _ in 0..total {
        seen.push(String::from_utf8(watcher.next_publish().await.payload.to_vec()).unwrap());
    }
    assert_eq!(seen, (0..total).map(|i| i.to_string()).collect::<Vec<_>>());
    // Together the members receive every message exactly once.
    let mut got_a = 0;
    let mut got_b = 0;
    let mut received = std::collections::BTreeSet::new();
    while got_a + got_b < total {
        tokio::select! {
            p = a.next_publish() => { got_a += 1; assert!(received.insert(p.payload.to_vec())); }
            p = b.next_publish() => { got_b += 1; assert!(received.insert(p.payload.to_vec())); }
        }
    }
    assert_eq!(received.len(), total);
    assert!(
        got_a > 0 && got_b > 0,
        "round robin uses both members: {got_a}/{got_b}"
    );
    broker.stop().await;
}

#[tokio::test]
async fn retained_messages_set_replace_clear_and_deliver_on_subscribe() {
    let broker = TestBroker::start_with(|_| {}).await;
    let publisher = v4::connect(&broker, "pub").await;
    publisher
        .publish("r/a", QoS::AtLeastOnce, true, b"one")
        .await;
    publisher
        .publish("r/a", QoS::AtLeastOnce, true, b"two")
        .await;
    publisher
        .publish("r/b", QoS::AtLeastOnce, true, b"bee")
        .await;
    publisher.publish("r/b", QoS::AtLeastOnce, true, b"").await;
    publisher
        .publish("r/c", QoS::AtMostOnce, true, b"sea")
        .await;
    // A live (non-retained) message after: the marker that everything above was processed.
    let mut probe = v4::connect(&broker, "probe").await;
    probe.subscribe("r/marker", QoS::AtLeastOnce).await;
    publisher
        .publish("r/marker", QoS::AtLeastOnce, false, b"m")
        .await;
    probe.next_publish().await;

    let mut sub = v4::connect(&broker, "late").await;
    sub.subscribe("r/+", QoS::AtLeastOnce).await;
    let mut got = Vec::new();
    for _ in 0..2 {
        let p = sub.next_publish().await;
        assert!(p.retain, "retained messages carry RETAIN on subscribe");
        got.push((p.topic.clone(), p.payload.to_vec(), p.qos as u8));
    }
    got.sort();
    assert_eq!(
        got,
        vec![
            ("r/a".to_string(), b"two".to_vec(), 1),
            ("r/c".to_string(), b"sea".to_vec(), 0),
        ]
    );
    // Live messages to an established subscription have RETAIN 0 ([MQTT-3.3.1-9]).
    publisher
        .publish("r/a", QoS::AtLeastOnce, true, b"three")
        .await;
    let p = sub.next_publish().await;
    assert_eq!(p.payload.as_ref(), b"three");
    assert!(!p.retain);
    // Nothing else is pending: the next message is the marker.
    publisher
        .publish("r/marker", QoS::AtLeastOnce, false, b"m2")
        .await;
    sub.subscribe("r/marker", QoS::AtLeastOnce).await;
    publisher
        .publish("r/marker", QoS::AtLeastOnce, false, b"m3")
        .await;
    assert_eq!(sub.next_publish().await.payload.as_ref(), b"m3");
    broker.stop().await;
}
