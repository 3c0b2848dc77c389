//! `retained list|show|delete` and `bridges` with the real binary against a real broker;
//! the retained messages are published by the binary itself (`pub -r`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::{Mqtt, TestBroker, WithCli, test_config};

#[tokio::test]
async fn retained_messages_listed_shown_raw_and_deleted() {
    let broker = TestBroker::start(test_config()).await;
    let port = broker.mqtt_port().to_string();
    for (topic, message) in [("plant/a/temp", "21.5"), ("plant/b/temp", "19"), ("x", "y")] {
        broker
            .cli()
            .args([
                "pub", "-p", &port, "-q", "1", "-r", "-t", topic, "-m", message,
            ])
            .run()
            .await
            .ok();
    }
    let list = broker
        .cli()
        .args(["retained", "list", "--topic", "plant/+/temp"])
        .run()
        .await
        .ok();
    assert!(
        list.contains("plant/a/temp") && list.contains("21.5"),
        "{list}"
    );
    assert!(!list.contains(" x "), "{list}");
    assert!(list.contains("2 retained messages"), "{list}");

    let json = broker
        .cli()
        .args(["-o", "json", "retained", "show", "plant/a/temp"])
        .run()
        .await
        .json();
    assert_eq!(json["payload"], "21.5");
    assert_eq!(json["qos"], 1);
    let raw = broker
        .cli()
        .args(["retained", "show", "--raw", "plant/b/temp"])
        .run()
        .await
        .ok();
    assert_eq!(raw, "19");

    let deleted = broker
        .cli()
        .args(["retained", "delete", "plant/a/temp"])
        .run()
        .await
        .ok();
    assert!(deleted.contains("removed"), "{deleted}");
    let again = broker
        .cli()
        .args(["retained", "show", "plant/a/temp"])
        .run()
        .await
        .fails(5);
    assert!(
        again.contains("nothing retained on `plant/a/temp`"),
        "{again}"
    );
    // A new subscriber gets only what is still retained.
    let mut sub = Mqtt::connect(broker.mqtt_port(), "late", None, true).await;
    sub.subscribe("plant/+/temp", 0).await;
    let (topic, payload, retain) = sub.next_message().await;
    assert_eq!(
        (topic.as_str(), payload.as_slice(), retain),
        ("plant/b/temp", &b"19"[..], true)
    );
    sub.disconnect().await;

    let bridges = broker.cli().args(["bridges"]).run().await.ok();
    assert!(bridges.contains("no bridge"), "{bridges}");
    broker
        .cli()
        .args(["bridges", "show", "emqx"])
        .run()
        .await
        .fails(5);
    broker.handle.stop().await;
}
