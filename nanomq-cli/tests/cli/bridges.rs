//! `bridges create|update|delete|start|stop|sub|unsub` with the real binary: an edge broker
//! bridged to a real upstream one, each change in force (and in the edge's file) when the
//! command returns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use nanomq::test_util::eventually;
use support::{TestBroker, WithCli, test_config};

fn upstream_session(upstream: &TestBroker) -> Option<(bool, usize)> {
    upstream
        .handle
        .broker
        .session("edge-cli")
        .map(|s| (s.is_connected(), s.subscription_count()))
}

#[tokio::test]
async fn bridges_are_created_changed_switched_and_removed() {
    let upstream = TestBroker::start(test_config()).await;
    let edge = TestBroker::start(test_config()).await;
    let server = format!("server=mqtt-tcp://127.0.0.1:{}", upstream.mqtt_port());
    let created = edge
        .cli()
        .args([
            "bridges",
            "create",
            "cloud",
            &server,
            "clientid=edge-cli",
            r#"forwards=[{local_topic="up/#"}]"#,
        ])
        .run()
        .await
        .ok();
    assert!(created.contains("created bridge `cloud`"), "{created}");
    eventually("connected upstream", || {
        upstream_session(&upstream) == Some((true, 0))
    })
    .await;
    edge.cli()
        .args(["bridges", "create", "cloud", &server])
        .run()
        .await
        .fails(6);

    edge.cli()
        .args(["bridges", "sub", "cloud", "cmd/#", "--qos", "1"])
        .run()
        .await
        .ok();
    eventually("subscribed upstream", || {
        upstream_session(&upstream) == Some((true, 1))
    })
    .await;
    let shown = edge
        .cli()
        .args(["bridges", "show", "cloud"])
        .run()
        .await
        .ok();
    assert!(
        shown.contains("cmd/# (QoS 1)") && shown.contains("connected"),
        "{shown}"
    );

    edge.cli()
        .args(["bridges", "stop", "cloud"])
        .run()
        .await
        .ok();
    let shown = edge
        .cli()
        .args(["bridges", "show", "cloud"])
        .run()
        .await
        .ok();
    assert!(shown.contains("stopped"), "{shown}");
    assert!(!edge.file_config().bridges.mqtt["cloud"].enable);
    edge.cli()
        .args(["bridges", "start", "cloud"])
        .run()
        .await
        .ok();
    eventually("connected again", || {
        upstream_session(&upstream) == Some((true, 1))
    })
    .await;

    edge.cli()
        .args(["bridges", "update", "cloud", "proto_ver=5"])
        .run()
        .await
        .ok();
    assert_eq!(edge.file_config().bridges.mqtt["cloud"].proto_ver, 5);
    edge.cli()
        .args(["bridges", "unsub", "cloud", "cmd/#"])
        .run()
        .await
        .ok();
    eventually("unsubscribed upstream", || {
        upstream_session(&upstream) == Some((true, 0))
    })
    .await;

    edge.cli()
        .args(["bridges", "delete", "cloud"])
        .run()
        .await
        .ok();
    let list = edge.cli().args(["bridges"]).run().await.ok();
    assert!(list.contains("no bridge"), "{list}");
    edge.cli()
        .args(["bridges", "delete", "cloud"])
        .run()
        .await
        .fails(5);
    edge.handle.stop().await;
    upstream.handle.stop().await;
}
