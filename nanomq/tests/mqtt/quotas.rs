//! What a hostile anonymous client may cost, bounded (issue 23): queues whatever published
//! what they hold, topic aliases, subscriptions, retained messages, the store's disk, and the
//! broker's memory. Each limit refuses with its reason code and counts the refusal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;

use nanomq::broker::limits::Refused;
use nanomq::codec::{
    ConnAck, LastWill, Packet, PacketId, ProtocolVersion, Publish, QoS, ReasonCode, WillProperties,
};
use shared_types::config::ByteSize;
use support::TestBroker;
use support::eventually;
use support::raw::{RawClient, connect_packet};

const V5: ProtocolVersion = ProtocolVersion::V5;
const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

fn publish(topic: &str, qos: QoS, id: u16, retain: bool, payload: &[u8]) -> Publish {
    Publish {
        dup: false,
        qos,
        retain,
        topic: topic.into(),
        packet_id: (qos != QoS::AtMostOnce).then(|| PacketId::new(id).unwrap()),
        properties: Default::default(),
        payload: bytes::Bytes::copy_from_slice(payload),
    }
}

async fn connected(
    broker: &TestBroker,
    version: ProtocolVersion,
    id: &str,
) -> (RawClient, ConnAck) {
    RawClient::connected(broker.addr, version, id, true).await
}

/// The PUBACK's reason for a QoS 1 publish, or `None` if the connection closed first.
async fn puback(client: &mut RawClient, publish: Publish) -> Option<ReasonCode> {
    client.send(&Packet::Publish(publish)).await;
    loop {
        match client.recv().await? {
            Packet::PubAck(ack) => return Some(ack.reason),
            _ => continue,
        }
    }
}

/// Wills (which the broker publishes itself, with no publisher to pause) to a subscriber
/// that reads nothing: its queue stays within `max_queued_bytes`, the rest dropped and
/// counted; before, it grew without end.
#[tokio::test]
async fn a_source_that_cannot_pause_never_grows_a_queue_past_its_bound() {
    let broker = TestBroker::start_with(|c| c.max_queued_bytes = ByteSize::mib(1)).await;
    let (mut deaf, _) = connected(&broker, V5, "deaf").await;
    assert_eq!(
        deaf.subscribe("wills/#", QoS::AtLeastOnce).await,
        [ReasonCode(1)]
    );
    // Never read again: its socket fills, then its queue.
    let payload = vec![b'w'; 60_000];
    for n in 0..120 {
        let mut connect = connect_packet(V5, &format!("dying-{n}"), true, 60);
        connect.will = Some(LastWill {
            topic: Arc::from(format!("wills/{n}")),
            payload: payload.clone().into(),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: WillProperties::default(),
        });
        let mut client = RawClient::connect(broker.addr, V5).await;
        client.handshake(connect).await;
        drop(client);
    }
    let session = broker.handle.broker.session("deaf").unwrap();
    eventually("wills dropped for the deaf subscriber", || {
        session.mailbox.dropped() > 0
    })
    .await;
    assert!(
        session.mailbox.bytes() <= 1 << 20,
        "{} bytes queued",
        session.mailbox.bytes()
    );
    broker.stop().await;
}

/// `max_topic_alias` is what CONNACK announces; an alias beyond it is a protocol error, and
/// so are aliased topics beyond the connection's byte budget.
#[tokio::test]
async fn topic_aliases_are_bounded() {
    let broker = TestBroker::start_with(|_| {}).await;
    let (mut client, ack) = connected(&broker, V5, "aliaser").await;
    assert_eq!(ack.properties.topic_alias_maximum, Some(10));
    let mut aliased = publish("a/b", QoS::AtMostOnce, 0, false, b"x");
    aliased.properties.topic_alias = Some(11);
    client.send(&Packet::Publish(aliased)).await;
    let last = client.until_closed().await;
    assert!(
        matches!(last.last(), Some(Packet::Disconnect(d)) if d.reason == ReasonCode::TOPIC_ALIAS_INVALID),
        "{last:?}"
    );
    // Ten aliases of 10,000-byte topics: over the 64 KiB budget.
    let (mut client, _) = connected(&broker, V5, "hoarder").await;
    for alias in 1..=10u16 {
        let topic = format!("{alias}/{}", "t".repeat(10_000));
        let mut aliased = publish(&topic, QoS::AtMostOnce, 0, false, b"x");
        aliased.properties.topic_alias = Some(alias);
        client.send(&Packet::Publish(aliased)).await;
    }
    let last = client.until_closed().await;
    assert!(
        matches!(last.last(), Some(Packet::Disconnect(d)) if d.reason == ReasonCode::QUOTA_EXCEEDED),
        "{last:?}"
    );
    broker.stop().await;
}

/// `max_subscriptions`: one more is refused with 0x97 (0x80 for 3.1.1), counted; a filter the
/// client already has may be subscribed again.
#[tokio::test]
async fn subscriptions_per_client_are_bounded() {
    let broker = TestBroker::start_with(|c| c.max_subscriptions = 3).await;
    for (version, refused) in [(V5, ReasonCode::QUOTA_EXCEEDED), (V4, ReasonCode(0x80))] {
        let (mut client, _) = connected(&broker, version, &format!("many-{version:?}")).await;
        for n in 0..3 {
            assert_eq!(
                client.subscribe(&format!("t/{n}"), QoS::AtMostOnce).await,
                [ReasonCode(0)]
            );
        }
        assert_eq!(client.subscribe("t/3", QoS::AtMostOnce).await, [refused]);
        assert_eq!(
            client.subscribe("t/0", QoS::AtLeastOnce).await,
            [ReasonCode(1)]
        );
    }
    assert_eq!(
        broker.handle.broker.limits().refused(Refused::Subscription),
        2
    );
    broker.stop().await;
}

/// `max_retained_messages` and `max_retained_bytes`: a new retained topic beyond them is
/// refused with 0x97 for MQTT 5 (and not delivered); a 3.x client's is delivered, not
/// retained. Replacing or clearing one is always accepted.
#[tokio::test]
async fn retained_messages_are_bounded() {
    let broker = TestBroker::start_with(|c| {
        c.max_retained_messages = 2;
        c.max_retained_bytes = ByteSize(1000);
    })
    .await;
    let (mut watcher, _) = connected(&broker, V5, "watcher").await;
    watcher.subscribe("r/#", QoS::AtMostOnce).await;
    let (mut v5, _) = connected(&broker, V5, "v5").await;
    let mut n = 0;
    let mut retained = |topic: &str, payload: &[u8]| {
        n += 1;
        publish(topic, QoS::AtLeastOnce, n, true, payload)
    };
    let ok = Some(ReasonCode::SUCCESS);
    let refused = Some(ReasonCode::QUOTA_EXCEEDED);
    assert_eq!(puback(&mut v5, retained("r/1", b"one")).await, ok);
    assert_eq!(puback(&mut v5, retained("r/2", b"two")).await, ok);
    assert_eq!(
        puback(&mut v5, retained("r/3", b"three")).await,
        refused,
        "a third topic"
    );
    assert_eq!(
        puback(&mut v5, retained("r/1", &[b'x'; 2000])).await,
        refused,
        "bytes"
    );
    assert_eq!(
        puback(&mut v5, retained("r/1", b"1")).await,
        ok,
        "replacing"
    );
    let (mut v4, _) = connected(&broker, V4, "v4").await;
    assert_eq!(
        puback(&mut v4, publish("r/4", QoS::AtLeastOnce, 1, true, b"four")).await,
        ok
    );
    let mut topics = Vec::new();
    for _ in 0..4 {
        topics.push(watcher.next_publish().await.topic.to_string());
    }
    assert_eq!(
        topics,
        ["r/1", "r/2", "r/1", "r/4"],
        "r/3 was refused, r/4 delivered"
    );
    assert_eq!(
        broker.handle.broker.retained_matching("r/#").len(),
        2,
        "r/4 not retained"
    );
    assert_eq!(broker.handle.broker.limits().refused(Refused::Retained), 3);
    broker.stop().await;
}

/// Over the store's quota, durable work is refused instead of stalling everyone: a QoS 1
/// message a persistent session would store (0x97; a 3.x publisher is disconnected without
/// its PUBACK, to send it again), a retained message. What nobody stores still flows.
#[tokio::test]
async fn over_the_store_quota_durable_work_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let broker = TestBroker::start_with(|c| {
        c.persistence.enable = true;
        c.persistence.dir = dir.path().display().to_string();
        c.persistence.max_bytes = ByteSize(1);
    })
    .await;
    let mut keeper = RawClient::connect(broker.addr, V5).await;
    let mut connect = connect_packet(V5, "keeper", false, 60);
    connect.properties.session_expiry_interval = Some(600);
    keeper.handshake(connect).await;
    assert_eq!(
        keeper.subscribe("d/#", QoS::AtLeastOnce).await,
        [ReasonCode(1)]
    );
    let (mut live, _) = connected(&broker, V5, "live").await;
    live.subscribe("l/#", QoS::AtLeastOnce).await;

    let (mut v5, _) = connected(&broker, V5, "v5").await;
    assert_eq!(
        puback(&mut v5, publish("d/1", QoS::AtLeastOnce, 1, false, b"x")).await,
        Some(ReasonCode::QUOTA_EXCEEDED)
    );
    assert_eq!(
        puback(&mut v5, publish("l/1", QoS::AtLeastOnce, 2, false, b"x")).await,
        Some(ReasonCode::SUCCESS),
        "a clean session's delivery needs no room on disk"
    );
    assert_eq!(&*live.next_publish().await.topic, "l/1");
    assert_eq!(
        puback(&mut v5, publish("l/2", QoS::AtLeastOnce, 3, true, b"x")).await,
        Some(ReasonCode::QUOTA_EXCEEDED),
        "retained messages are kept on disk"
    );
    let (mut v4, _) = connected(&broker, V4, "v4").await;
    assert_eq!(
        puback(&mut v4, publish("d/2", QoS::AtLeastOnce, 1, false, b"x")).await,
        None,
        "closed, unacknowledged"
    );
    assert!(broker.handle.broker.limits().refused(Refused::Publish) >= 2);
    broker.stop().await;
}

/// Near `max_memory`, new connections are refused (0x97; 3 for 3.x) and the broker recovers
/// once it is under the ceiling again.
#[tokio::test]
async fn near_max_memory_new_connections_are_refused_until_it_recovers() {
    let mut config = support::test_config();
    config.max_memory = ByteSize(1 << 20);
    let broker = TestBroker::start_with(|c| *c = config.clone()).await;
    let b = broker.handle.broker.clone();
    eventually("memory pressure", || b.under_memory_pressure()).await;
    for version in [V5, V4] {
        let mut client = RawClient::connect(broker.addr, version).await;
        let code = client
            .handshake(connect_packet(version, "late", true, 60))
            .await
            .code;
        let expected = if version == V5 {
            ReasonCode::QUOTA_EXCEEDED
        } else {
            ReasonCode::SERVER_UNAVAILABLE
        };
        assert_eq!(code, expected);
    }
    assert_eq!(b.limits().refused(Refused::Connection), 2);
    config.max_memory = ByteSize(0);
    b.set_config(config).unwrap();
    eventually("recovered", || !b.under_memory_pressure()).await;
    connected(&broker, V5, "later").await;
    broker.stop().await;
}

/// A disk that works until it is stalled, then holds every write until it is released.
struct StalledDisk {
    inner: nanomq::store::engine::MemoryEngine,
    stalled: Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
}

impl nanomq::store::engine::Engine for StalledDisk {
    fn scan(
        &self,
        table: nanomq::store::engine::Table,
        each: &mut dyn FnMut(&[u8], &[u8]),
    ) -> Result<(), nanomq::store::engine::EngineError> {
        self.inner.scan(table, each)
    }

    fn transact(
        &mut self,
        sync: bool,
        writes: &mut dyn FnMut(
            &mut dyn nanomq::store::engine::Txn,
        ) -> Result<(), nanomq::store::engine::EngineError>,
    ) -> Result<(), nanomq::store::engine::EngineError> {
        let (lock, released) = &*self.stalled;
        let mut stalled = lock.lock().unwrap();
        while *stalled {
            stalled = released.wait(stalled).unwrap();
        }
        drop(stalled);
        self.inner.transact(sync, writes)
    }

    fn size(&self) -> u64 {
        0
    }
}

fn stall(disk: &(std::sync::Mutex<bool>, std::sync::Condvar), stalled: bool) {
    *disk.0.lock().unwrap() = stalled;
    disk.1.notify_all();
}

/// While the store is slow to write, a publisher's acknowledgements wait, and the broker
/// stops reading it after 1 MiB of messages in flight (before, it read and held everything
/// the client sent: 1.3 GiB in 12 s).
#[tokio::test]
async fn a_publisher_waiting_for_the_store_is_not_read_without_end() {
    use tokio::io::AsyncWriteExt;

    let broker = TestBroker::start_with(|c| c.msq_len = 100_000).await;
    let stalled = Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let disk = StalledDisk {
        inner: nanomq::store::engine::MemoryEngine::new(),
        stalled: Arc::clone(&stalled),
    };
    let journal = nanomq::store::Journal::start(
        Box::new(disk),
        nanomq::store::SyncPolicy::Always,
        Default::default(),
        0,
        0,
    );
    broker.handle.broker.attach_store(journal);
    let mut keeper = RawClient::connect(broker.addr, V5).await;
    let mut connect = connect_packet(V5, "keeper", false, 60);
    connect.properties.session_expiry_interval = Some(600);
    keeper.handshake(connect).await;
    assert_eq!(
        keeper.subscribe("flood/#", QoS::AtLeastOnce).await,
        [ReasonCode(1)]
    );
    drop(keeper);
    let b = broker.handle.broker.clone();
    eventually("the keeper away", || {
        b.session("keeper").is_some_and(|s| !s.is_connected())
    })
    .await;
    let (mut publisher, _) = connected(&broker, V4, "pub").await;
    stall(&stalled, true);
    let mut bytes = bytes::BytesMut::new();
    for n in 0..2000u16 {
        let publish = publish("flood/x", QoS::AtLeastOnce, n + 1, false, &[b'x'; 10_000]);
        nanomq::codec::encode_packet(&Packet::Publish(publish), V4, &mut bytes).unwrap();
    }
    // 20 MB: far more than the socket buffers hold. The write blocks once the broker stops
    // reading.
    let blocked = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        publisher.stream.write_all(&bytes),
    )
    .await;
    let held = b.session("keeper").unwrap().mailbox.len();
    stall(&stalled, false);
    assert!(blocked.is_err(), "the broker kept reading");
    assert!(held <= 200, "{held} messages of 10 KB held for the store");
    broker.stop().await;
}
