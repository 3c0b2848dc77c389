//! Flow control against the real broker: a subscriber that falls behind but keeps making
//! progress slows its publishers down instead of losing messages, and memory stays bounded
//! meanwhile. (One that stops making progress is shed: see `isolation`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use nanomq::codec::{Packet, ProtocolVersion, PubAck, QoS as CQoS};
use rumqttc::QoS;
use support::eventually;
use support::raw::RawClient;
use support::{TestBroker, v4};

const PAYLOAD: usize = 512;

/// Reads `n` PUBLISH packets, acknowledging each, and checks they arrive in order.
async fn read_all(sub: &mut RawClient, n: usize, publishers: usize) {
    let mut next = vec![0u32; publishers];
    for _ in 0..n {
        let p = sub.next_publish().await;
        let who = usize::from(p.payload[0]);
        let seq = u32::from_be_bytes(p.payload[1..5].try_into().unwrap());
        assert_eq!(seq, next[who], "publisher {who}: in order, nothing missing");
        next[who] += 1;
        if let Some(id) = p.packet_id {
            sub.send(&Packet::PubAck(PubAck::new(id))).await;
        }
    }
}

fn payload(who: u8, seq: u32) -> Vec<u8> {
    let mut p = vec![0u8; PAYLOAD];
    p[0] = who;
    p[1..5].copy_from_slice(&seq.to_be_bytes());
    p
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_pauses_its_publisher_and_loses_nothing() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "behind", true).await;
    sub.subscribe("flow/#", CQoS::AtLeastOnce).await;
    let session = broker.handle.broker.session("behind").unwrap();
    let high = broker.handle.broker.settings().queue.high_watermark;

    let total = 20_000u32;
    let acked = Arc::new(AtomicUsize::new(0));
    let mut options = v4::options(&broker, "fast-pub");
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
                .publish("flow/t", QoS::AtLeastOnce, false, payload(0, seq))
                .await
                .unwrap();
        }
        client
    });

    // The subscriber reads nothing: its queue fills to the high watermark and stays bounded
    // while the publisher is held back.
    eventually("subscriber queue at its high watermark", || {
        session.mailbox.len() >= high
    })
    .await;
    let before = acked.load(Ordering::Relaxed);
    assert!(
        before < total as usize,
        "the publisher was slowed down ({before} acked)"
    );
    assert!(
        session.mailbox.len() <= high + 100,
        "queue bounded: {}",
        session.mailbox.len()
    );

    read_all(&mut sub, total as usize, 1).await;
    support::within(driver).await.unwrap();
    let _client = support::within(producer).await.unwrap();
    assert_eq!(broker.handle.broker.metrics().messages_dropped.get(), 0);
    broker.stop().await;
}

#[tokio::test]
async fn fan_in_at_qos1_delivers_everything_in_order_per_publisher() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "sink", true).await;
    sub.subscribe("fan/#", CQoS::AtLeastOnce).await;
    let publishers = 10u8;
    let each = 2_000u32;
    let mut tasks = Vec::new();
    for who in 0..publishers {
        let c = v4::connect(&broker, &format!("src-{who}")).await;
        tasks.push(tokio::spawn(async move {
            for seq in 0..each {
                c.publish(
                    &format!("fan/{who}"),
                    QoS::AtLeastOnce,
                    false,
                    &payload(who, seq),
                )
                .await;
            }
            c
        }));
    }
    read_all(
        &mut sub,
        usize::from(publishers) * each as usize,
        usize::from(publishers),
    )
    .await;
    for t in tasks {
        support::within(t).await.unwrap();
    }
    broker.stop().await;
}

#[tokio::test]
async fn a_paused_publisher_is_not_timed_out_for_keep_alive() {
    // A queue of 3,000 (the high watermark; the low one is 1,500).
    let broker = TestBroker::start_with(|c| c.msq_len = 3000).await;
    // A QoS 1 subscriber that acknowledges slowly: its window (32) and then its queue fill,
    // and the publisher is paused for as long as the subscriber keeps making progress.
    let (mut sub, _) =
        RawClient::connected(broker.addr, ProtocolVersion::V3_1_1, "slow", true).await;
    sub.subscribe("ka/t", CQoS::AtLeastOnce).await;
    let mut publisher = RawClient::connect(broker.addr, ProtocolVersion::V3_1_1).await;
    publisher
        .handshake(support::raw::connect_packet(
            ProtocolVersion::V3_1_1,
            "ka-pub",
            true,
            1,
        ))
        .await;
    let total: u16 = 3100;
    for id in 1..=total {
        publisher
            .send(&Packet::Publish(nanomq::codec::Publish {
                dup: false,
                qos: CQoS::AtLeastOnce,
                retain: false,
                topic: "ka/t".into(),
                packet_id: nanomq::codec::PacketId::new(id),
                properties: Default::default(),
                payload: "x".into(),
            }))
            .await;
    }
    let session = broker.handle.broker.session("slow").unwrap();
    eventually("the subscriber's queue congested", || {
        session.mailbox.len() > 3000
    })
    .await;
    // The subscriber takes 40 messages every 100 ms (400/s, well above the progress the
    // broker asks for to keep holding the publisher), so draining to the low watermark takes
    // about 4 s...
    let consumer = tokio::spawn(async move {
        for taken in 0..total {
            let p = sub.next_publish().await;
            sub.send(&Packet::PubAck(PubAck::new(p.packet_id.unwrap())))
                .await;
            if taken < 1600 && taken % 40 == 39 {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    });
    // ...more than 1.5 times the publisher's keep alive of 1 s, while it pings (into a socket
    // the broker does not read).
    for _ in 0..5 {
        publisher.send(&Packet::PingReq).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(
        broker
            .handle
            .broker
            .session("ka-pub")
            .is_some_and(|s| s.is_connected()),
        "the paused publisher was disconnected"
    );
    // Every message arrives and the publisher gets every PUBACK.
    let mut acked = 0;
    while acked < total {
        match publisher.recv().await {
            Some(Packet::PubAck(_)) => acked += 1,
            Some(_) => {}
            None => panic!("publisher closed after {acked} PUBACKs"),
        }
    }
    support::within(consumer).await.unwrap();
    assert_eq!(
        session.mailbox.dropped(),
        0,
        "a slow subscriber loses nothing"
    );
    broker.stop().await;
}
