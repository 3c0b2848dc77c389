//! The broker's event stream, as a durable store or a dashboard sees it, driven by real clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use nanomq::broker::events::{BrokerEvent, EventStream};
use nanomq::codec::{Packet, ProtocolVersion, PubAck, QoS};
use support::TestBroker;
use support::raw::RawClient;

fn describe(event: &BrokerEvent) -> String {
    match event {
        BrokerEvent::SessionOpened { client_id, present } => {
            format!("opened {client_id} {present}")
        }
        BrokerEvent::SessionClosed { client_id, kept } => format!("closed {client_id} {kept}"),
        BrokerEvent::SessionRemoved { client_id } => format!("removed {client_id}"),
        BrokerEvent::Subscribed {
            client_id, filter, ..
        } => format!("subscribed {client_id} {filter}"),
        BrokerEvent::Unsubscribed { client_id, filter } => {
            format!("unsubscribed {client_id} {filter}")
        }
        BrokerEvent::MessageQueued {
            client_id, message, ..
        } => format!("queued {client_id} {}", message.topic),
        BrokerEvent::MessageAcknowledged { client_id, .. } => format!("acknowledged {client_id}"),
        BrokerEvent::MessageExpired { topic, .. } => format!("expired {topic}"),
        BrokerEvent::RetainedSet { message } => format!("retained {}", message.topic),
        BrokerEvent::RetainedCleared { topic } => format!("cleared {topic}"),
    }
}

#[tokio::test]
async fn every_operation_emits_its_event() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (stream, mut events) = EventStream::new(1024);
    broker.handle.broker.listen(stream.clone());

    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V5, "ev-sub", false).await;
    sub.subscribe("ev/#", QoS::AtLeastOnce).await;
    let (mut publisher, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "ev-pub", true).await;
    publisher
        .send(&Packet::Publish(nanomq::codec::Publish {
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: true,
            topic: "ev/t".into(),
            packet_id: nanomq::codec::PacketId::new(1),
            properties: Default::default(),
            payload: "x".into(),
        }))
        .await;
    let delivered = sub.next_publish().await;
    sub.send(&Packet::PubAck(PubAck::new(delivered.packet_id.unwrap())))
        .await;
    let mut seen = Vec::new();
    let wanted = [
        "opened ev-sub false",
        "subscribed ev-sub ev/#",
        "opened ev-pub false",
        "retained ev/t",
        "queued ev-sub ev/t",
        "acknowledged ev-sub",
    ];
    while seen.len() < wanted.len() {
        let event = support::within(events.recv()).await.unwrap();
        let text = describe(&event);
        // `$SYS` events and their queueing are not what this test is about.
        if !text.contains("$SYS") {
            seen.push(text);
        }
    }
    assert_eq!(seen, wanted);
    drop(sub);
    drop(publisher);
    // Both sessions end with their connections (MQTT 5 without a session expiry, and a
    // 3.1.1 clean session).
    let mut ends = Vec::new();
    while ends.len() < 2 {
        let text = describe(&support::within(events.recv()).await.unwrap());
        if !text.contains("$SYS") {
            ends.push(text);
        }
    }
    ends.sort();
    assert_eq!(ends, ["removed ev-pub", "removed ev-sub"]);
    assert_eq!(stream.overflowed(), 0);
    broker.stop().await;
}
