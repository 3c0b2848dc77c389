//! Bad input against the real broker: each case ends at most the offending connection, with
//! the right reason code for MQTT 5 clients, while everyone else keeps being served.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use nanomq::codec::{Packet, ProtocolVersion, Publish, PublishProperties, QoS as CQoS, ReasonCode};
use rumqttc::QoS;
use support::raw::{RawClient, connect_packet};
use support::{TestBroker, v4};

/// A subscriber and a publisher that must keep working whatever else happens.
async fn bystanders(broker: &TestBroker) -> (v4::Client, v4::Client) {
    let mut sub = v4::connect(broker, "bystander-sub").await;
    sub.subscribe("alive", QoS::AtLeastOnce).await;
    let publisher = v4::connect(broker, "bystander-pub").await;
    (sub, publisher)
}

async fn still_served(sub: &mut v4::Client, publisher: &v4::Client, n: u32) {
    publisher
        .publish("alive", QoS::AtLeastOnce, false, &n.to_be_bytes())
        .await;
    assert_eq!(sub.next_publish().await.payload.as_ref(), n.to_be_bytes());
}

async fn v5_session(broker: &TestBroker, id: &str) -> RawClient {
    RawClient::connected(broker.addr, ProtocolVersion::V5, id, true)
        .await
        .0
}

fn disconnect_reason(packets: &[Packet]) -> Option<ReasonCode> {
    match packets {
        [.., Packet::Disconnect(d)] => Some(d.reason),
        _ => None,
    }
}

#[tokio::test]
async fn garbage_before_connect_closes_only_that_connection() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, publisher) = bystanders(&broker).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    c.send_bytes(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(c.until_closed().await.is_empty());
    still_served(&mut sub, &publisher, 1).await;
    broker.stop().await;
}

#[tokio::test]
async fn first_packet_must_be_connect() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    c.send(&Packet::PingReq).await;
    assert!(c.until_closed().await.is_empty());
    broker.stop().await;
}

#[tokio::test]
async fn unsupported_protocol_level_gets_return_code_1() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    // CONNECT "MQTT" level 6.
    c.send_bytes(&[
        0x10, 0x0d, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x06, 0x02, 0x00, 0x3c, 0x00, 0x01, b'x',
    ])
    .await;
    let answer = c.until_closed().await;
    assert!(
        matches!(answer.as_slice(), [Packet::ConnAck(a)] if a.code == ReasonCode::UNSUPPORTED_PROTOCOL_VERSION),
        "{answer:?}"
    );
    broker.stop().await;
}

#[tokio::test]
async fn huge_length_prefix_is_refused_at_once() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, publisher) = bystanders(&broker).await;
    let mut c = v5_session(&broker, "liar").await;
    // PUBLISH claiming 256 MB: refused from the fixed header alone, nothing allocated.
    c.send_bytes(&[0x30, 0xff, 0xff, 0xff, 0x7f]).await;
    let answer = c.until_closed().await;
    assert_eq!(
        disconnect_reason(&answer),
        Some(ReasonCode::PACKET_TOO_LARGE)
    );
    still_served(&mut sub, &publisher, 2).await;
    broker.stop().await;
}

#[tokio::test]
async fn packets_over_max_packet_size_are_refused() {
    let broker = TestBroker::start_with(|c| c.max_packet_size = 1024).await;
    let mut c = v5_session(&broker, "big").await;
    let publish = Publish {
        dup: false,
        qos: CQoS::AtMostOnce,
        retain: false,
        topic: "t".into(),
        packet_id: None,
        properties: PublishProperties::default(),
        payload: vec![0u8; 2000].into(),
    };
    c.send(&Packet::Publish(publish)).await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::PACKET_TOO_LARGE)
    );
    broker.stop().await;
}

#[tokio::test]
async fn malformed_packets_after_connect_end_with_0x81() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, publisher) = bystanders(&broker).await;
    // SUBSCRIBE with reserved flags 0000 instead of 0010.
    let mut c = v5_session(&broker, "sloppy").await;
    c.send_bytes(&[0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, b'a'])
        .await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::MALFORMED_PACKET)
    );
    // Invalid UTF-8 in a topic.
    let mut c = v5_session(&broker, "sloppy2").await;
    c.send_bytes(&[0x30, 0x05, 0x00, 0x02, 0xc3, 0x28, 0x00])
        .await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::MALFORMED_PACKET)
    );
    still_served(&mut sub, &publisher, 3).await;
    broker.stop().await;
}

#[tokio::test]
async fn wildcards_in_a_publish_topic_are_refused() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut c = v5_session(&broker, "wild").await;
    // PUBLISH QoS 0, topic "a/#", no properties, payload "x".
    c.send_bytes(&[0x30, 0x07, 0x00, 0x03, b'a', b'/', b'#', 0x00, b'x'])
        .await;
    let reason = disconnect_reason(&c.until_closed().await);
    assert!(
        matches!(
            reason,
            Some(ReasonCode::TOPIC_NAME_INVALID | ReasonCode::MALFORMED_PACKET)
        ),
        "{reason:?}"
    );
    broker.stop().await;
}

#[tokio::test]
async fn a_second_connect_is_a_protocol_error() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut c = v5_session(&broker, "twice").await;
    c.send(&Packet::Connect(connect_packet(
        ProtocolVersion::V5,
        "twice",
        true,
        60,
    )))
    .await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::PROTOCOL_ERROR)
    );
    broker.stop().await;
}

#[tokio::test]
async fn a_subscription_identifier_from_a_client_is_a_protocol_error() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, publisher) = bystanders(&broker).await;
    let mut c = v5_session(&broker, "sub-id").await;
    c.send(&Packet::Publish(Publish {
        dup: false,
        qos: CQoS::AtMostOnce,
        retain: false,
        topic: "alive".into(),
        packet_id: None,
        properties: PublishProperties {
            subscription_identifiers: vec![7],
            ..PublishProperties::default()
        },
        payload: "forged".into(),
    }))
    .await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::PROTOCOL_ERROR)
    );
    still_served(&mut sub, &publisher, 3).await;
    broker.stop().await;
}

#[tokio::test]
async fn subscribing_over_and_over_without_reading_queues_a_bounded_amount() {
    let broker = TestBroker::start_with(|_| {}).await;
    // More retained messages than a queue's high watermark (1024), 1.1 MB in all: more
    // than the output buffer and the socket buffers hold, so the queue is what grows.
    let publisher = v4::connect(&broker, "retainer").await;
    let retained = 1100;
    for i in 0..retained {
        publisher
            .publish(&format!("many/{i}"), QoS::AtMostOnce, true, &[b'r'; 1000])
            .await;
    }
    let b = &broker.handle.broker;
    support::eventually("all retained", || b.counts().retained == retained).await;

    // A client that asks for all of them again and again and reads nothing.
    let mut c = v5_session(&broker, "greedy").await;
    let subscribe = Packet::Subscribe(nanomq::codec::Subscribe {
        packet_id: nanomq::codec::PacketId::new(1).unwrap(),
        filters: vec![nanomq::codec::SubscribeFilter {
            filter: "many/#".into(),
            options: Default::default(),
        }],
        properties: Default::default(),
    });
    for _ in 0..50 {
        c.send(&subscribe).await;
    }
    let session = broker.handle.broker.session("greedy").unwrap();
    support::eventually("the queue over its high watermark", || {
        session.mailbox.len() > 1024
    })
    .await;
    // What is under test is that nothing more happens: give the broker the time to read
    // the other 49 SUBSCRIBE packets if it were going to.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        session.mailbox.len() < 2 * retained,
        "queued {} for a client that reads nothing",
        session.mailbox.len()
    );
    broker.stop().await;
}

#[tokio::test]
async fn unknown_topic_alias_is_a_protocol_error() {
    let broker = TestBroker::start_with(|_| {}).await;
    let mut c = v5_session(&broker, "alias").await;
    let publish = Publish {
        dup: false,
        qos: CQoS::AtMostOnce,
        retain: false,
        topic: "".into(),
        packet_id: None,
        properties: PublishProperties {
            topic_alias: Some(3),
            ..PublishProperties::default()
        },
        payload: "x".into(),
    };
    c.send(&Packet::Publish(publish.clone())).await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::PROTOCOL_ERROR)
    );
    let mut c = v5_session(&broker, "alias2").await;
    let mut too_big = publish;
    too_big.topic = "t".into();
    too_big.properties.topic_alias = Some(60000);
    c.send(&Packet::Publish(too_big)).await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::TOPIC_ALIAS_INVALID)
    );
    broker.stop().await;
}

#[tokio::test]
async fn exceeding_receive_maximum_is_refused_with_0x93() {
    let broker = TestBroker::start_with(|c| c.parallel = 2).await;
    let (mut c, ack) = RawClient::connected(broker.addr, ProtocolVersion::V5, "greedy", true).await;
    assert_eq!(ack.properties.receive_maximum, Some(2));
    for id in 1..=3u16 {
        let publish = Publish {
            dup: false,
            qos: CQoS::ExactlyOnce,
            retain: false,
            topic: "q2".into(),
            packet_id: nanomq::codec::PacketId::new(id),
            properties: PublishProperties::default(),
            payload: "x".into(),
        };
        // No PUBREL follows: each stays unacknowledged.
        c.send(&Packet::Publish(publish)).await;
    }
    let answer = c.until_closed().await;
    assert_eq!(
        disconnect_reason(&answer),
        Some(ReasonCode::RECEIVE_MAXIMUM_EXCEEDED)
    );
    broker.stop().await;
}

/// A client that keeps answering what it reads (a PUBREL for each PUBREC, as the Paho
/// interoperability suite's client does) while the server is ending the connection must still
/// be able to write, and then read the DISCONNECT and its reason code: the server drains its
/// input before closing instead of answering those writes with a TCP reset.
#[tokio::test]
async fn a_client_still_writing_after_the_servers_disconnect_reads_its_reason() {
    use tokio::io::AsyncWriteExt;
    let broker = TestBroker::start_with(|c| c.parallel = 2).await;
    let (mut c, _) = RawClient::connected(broker.addr, ProtocolVersion::V5, "chatty", true).await;
    for id in 1..=3u16 {
        let publish = Publish {
            dup: false,
            qos: CQoS::ExactlyOnce,
            retain: false,
            topic: "q2".into(),
            packet_id: nanomq::codec::PacketId::new(id),
            properties: PublishProperties::default(),
            payload: "x".into(),
        };
        c.send(&Packet::Publish(publish)).await;
    }
    let mut pubrecs = 0;
    let reason = loop {
        match c.recv().await {
            Some(Packet::PubRec(rec)) => {
                pubrecs += 1;
                let rel = Packet::PubRel(nanomq::codec::PublishAck {
                    packet_id: rec.packet_id,
                    reason: ReasonCode::SUCCESS,
                    properties: Default::default(),
                });
                let mut out = bytes::BytesMut::new();
                nanomq::codec::encode_packet(&rel, ProtocolVersion::V5, &mut out).unwrap();
                let written = support::within(c.stream.write_all(&out)).await;
                assert!(written.is_ok(), "PUBREL {pubrecs} refused: {written:?}");
            }
            Some(Packet::Disconnect(d)) => break d.reason,
            other => panic!("expected PUBREC or DISCONNECT, got {other:?}"),
        }
    };
    assert_eq!(pubrecs, 2);
    assert_eq!(reason, ReasonCode::RECEIVE_MAXIMUM_EXCEEDED);
    assert!(
        c.recv().await.is_none(),
        "the server closes after DISCONNECT"
    );
    broker.stop().await;
}

#[tokio::test]
async fn truncated_packets_and_abrupt_closes_hurt_nobody() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, publisher) = bystanders(&broker).await;
    for i in 0..20u8 {
        let mut c = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
        // The first i bytes of a CONNECT, then close.
        let connect = [
            0x10, 0x10, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x04,
            b'a', b'b', b'c', b'd',
        ];
        c.send_bytes(&connect[..usize::from(i).min(connect.len())])
            .await;
    }
    still_served(&mut sub, &publisher, 4).await;
    broker.stop().await;
}

#[tokio::test]
async fn a_flood_of_bad_clients_does_not_stop_the_good_ones() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, publisher) = bystanders(&broker).await;
    let mut tasks = Vec::new();
    for i in 0..200u32 {
        let addr = broker.addr;
        tasks.push(tokio::spawn(async move {
            let mut c = RawClient::connect(addr, ProtocolVersion::V3_1_1).await;
            let junk: Vec<u8> = (0..4096u32)
                .map(|b| (b.wrapping_mul(2_654_435_761).wrapping_add(i) >> 13) as u8)
                .collect();
            c.send_bytes(&junk).await;
            c.until_closed().await;
        }));
    }
    for t in tasks {
        support::within(t).await.unwrap();
    }
    still_served(&mut sub, &publisher, 5).await;
    broker.stop().await;
}

#[tokio::test]
async fn more_user_properties_than_property_size_are_refused() {
    let broker = TestBroker::start_with(|c| c.property_size = 2).await;
    let props = |n: usize| PublishProperties {
        user_properties: (0..n).map(|i| (format!("k{i}"), "v".to_owned())).collect(),
        ..PublishProperties::default()
    };
    let publish = |n| {
        Packet::Publish(Publish {
            dup: false,
            qos: CQoS::AtMostOnce,
            retain: false,
            topic: "p".into(),
            packet_id: None,
            properties: props(n),
            payload: "x".into(),
        })
    };
    let mut c = v5_session(&broker, "few").await;
    c.send(&publish(2)).await;
    c.send(&Packet::PingReq).await;
    assert_eq!(c.recv().await, Some(Packet::PingResp), "two are fine");
    c.send(&publish(3)).await;
    assert_eq!(
        disconnect_reason(&c.until_closed().await),
        Some(ReasonCode::IMPLEMENTATION_SPECIFIC_ERROR)
    );
    let mut connect = connect_packet(ProtocolVersion::V5, "many", true, 60);
    connect.properties.user_properties = vec![("a".into(), "1".into()); 3];
    let mut c = RawClient::connect(broker.addr, ProtocolVersion::V5).await;
    let ack = c.handshake(connect).await;
    assert_eq!(ack.code, ReasonCode::IMPLEMENTATION_SPECIFIC_ERROR);
    broker.stop().await;
}
