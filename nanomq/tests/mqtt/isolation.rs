//! No client can freeze another: a subscriber that stops acknowledging or reading loses its
//! hold on the publishers (its own queue drops instead), and one that takes no output at all
//! is disconnected after `write_timeout`, whatever its keep alive.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use nanomq::codec::{Packet, ProtocolVersion, PubAck, Publish, QoS as CQoS};
use rumqttc::QoS;
use support::eventually;
use support::raw::{RawClient, connect_packet};
use support::{TestBroker, v4};

/// A subscriber that reads its socket (so the broker sees it alive) and never acknowledges.
async fn stuck_subscriber(broker: &TestBroker, id: &str, filter: &str) {
    let (mut bad, _) = RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, id, true).await;
    bad.subscribe(filter, CQoS::AtLeastOnce).await;
    tokio::spawn(async move { while bad.recv().await.is_some() {} });
}

/// The scenario of issue 9, item 2: before, the stuck subscriber to `#` paused every publisher
/// on the topics it matched once its queue filled, and the good subscriber starved for as long
/// as it stayed connected.
#[tokio::test]
async fn a_subscriber_that_never_acknowledges_does_not_hold_up_the_others() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut good, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "good", true).await;
    good.subscribe("iso/#", CQoS::AtLeastOnce).await;
    stuck_subscriber(&broker, "stuck", "#").await;

    let total = 5_000u32;
    let acked = Arc::new(AtomicUsize::new(0));
    let mut options = v4::options(&broker, "publisher");
    options.set_inflight(100);
    let (client, mut eventloop) = rumqttc::AsyncClient::new(options, 1000);
    let counter = Arc::clone(&acked);
    let driver = tokio::spawn(async move {
        while counter.load(Ordering::Relaxed) < total as usize {
            if let rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_)) =
                eventloop.poll().await.unwrap()
            {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let producer = tokio::spawn(async move {
        for seq in 0..total {
            client
                .publish("iso/t", QoS::AtLeastOnce, false, seq.to_be_bytes().to_vec())
                .await
                .unwrap();
        }
        client
    });

    // The good subscriber gets everything, in order, while the stuck one sits on its window.
    for expected in 0..total {
        let p = good.next_publish().await;
        assert_eq!(p.payload.as_ref(), expected.to_be_bytes());
        good.send(&Packet::PubAck(PubAck::new(p.packet_id.unwrap())))
            .await;
    }
    support::within(driver).await.unwrap();
    let _client = support::within(producer).await.unwrap();
    let stuck = broker.handle.broker.session("stuck").unwrap();
    assert!(stuck.is_connected(), "it is not disconnected, only shed");
    assert!(
        stuck.mailbox.dropped() > 0,
        "the stuck subscriber's own queue dropped the oldest"
    );
    let good_session = broker.handle.broker.session("good").unwrap();
    assert_eq!(good_session.mailbox.dropped(), 0);
    broker.stop().await;
}

/// Before, a client that never read its socket was disconnected only once the stall check
/// happened to look twice at an unchanged output (60 to 120 s), and with keep alive 0 nothing
/// else ever ended it.
#[tokio::test]
async fn a_client_that_never_reads_is_disconnected_after_write_timeout() {
    let broker = TestBroker::start_with(|c| c.write_timeout = 1).await;
    let mut deaf = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    deaf.handshake(connect_packet(ProtocolVersion::V3_1_1, "deaf", true, 0))
        .await;
    deaf.subscribe("big/#", CQoS::AtMostOnce).await;
    let (mut publisher, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "big-publisher", true).await;
    let publish = Packet::Publish(Publish {
        dup: false,
        qos: CQoS::AtMostOnce,
        retain: false,
        topic: "big/t".into(),
        packet_id: None,
        properties: Default::default(),
        payload: vec![0u8; 64 * 1024].into(),
    });
    // Enough to fill the kernel's buffers on both sides of the deaf client's socket.
    for _ in 0..400 {
        if broker.handle.broker.session("deaf").is_none() {
            break;
        }
        publisher.send(&publish).await;
    }
    let sessions = &broker.handle.broker;
    eventually("the deaf client disconnected", || {
        sessions.session("deaf").is_none()
    })
    .await;
    drop(deaf);
    broker.stop().await;
}

/// A publisher whose subscriber stalls is held one progress window at most, then goes on.
#[tokio::test]
async fn a_publisher_is_released_when_its_only_subscriber_stalls() {
    let broker = TestBroker::start_with(|_| {}).await;
    stuck_subscriber(&broker, "stalled", "stall/t").await;
    let mut publisher = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    publisher
        .handshake(connect_packet(ProtocolVersion::V3_1_1, "eager", true, 60))
        .await;
    let total: u16 = 3000;
    for id in 1..=total {
        let publish = Publish {
            dup: false,
            qos: CQoS::AtLeastOnce,
            retain: false,
            topic: "stall/t".into(),
            packet_id: nanomq::codec::PacketId::new(id),
            properties: Default::default(),
            payload: "x".into(),
        };
        publisher.send(&Packet::Publish(publish)).await;
    }
    let mut acked = 0;
    while acked < total {
        match publisher.recv().await {
            Some(Packet::PubAck(_)) => acked += 1,
            Some(_) => {}
            None => panic!("publisher closed after {acked} PUBACKs"),
        }
    }
    let stalled = broker.handle.broker.session("stalled").unwrap();
    assert!(stalled.mailbox.dropped() > 0);
    broker.stop().await;
}
