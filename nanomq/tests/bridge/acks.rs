//! The bridge's side of the protocol against a scripted upstream that withholds
//! acknowledgements and drops connections on cue: resends with DUP after reconnecting, the
//! QoS 2 exchange resumed with PUBREL, the in-flight window (`parallel`, Receive Maximum),
//! keep alive, and the CONNECT it sends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::bridge_support;
use crate::support;

use bridge_support::scripted::{ScriptedUpstream, connack};
use bridge_support::{bridge_config, eventually, metrics, start_edge};
use bytes::Bytes;
use nanomq::codec::{
    ConnAck, ConnAckProperties, Packet, PacketId, ProtocolVersion, PubAck, Publish, QoS,
};
use support::{TestBroker, v4};

/// Publishes at the edge and waits for the edge's acknowledgement (the message is then in
/// the bridge's hands).
async fn publish_confirmed(client: &mut v4::Client, topic: &str, qos: rumqttc::QoS, payload: &str) {
    client.publish(topic, qos, false, payload.as_bytes()).await;
    loop {
        match client.next_packet().await {
            Ok(rumqttc::Packet::PubAck(_)) if qos == rumqttc::QoS::AtLeastOnce => return,
            Ok(rumqttc::Packet::PubComp(_)) if qos == rumqttc::QoS::ExactlyOnce => return,
            Ok(_) => {}
            Err(e) => panic!("local client failed: {e}"),
        }
    }
}

fn expect_publish(packet: Packet) -> Publish {
    match packet {
        Packet::Publish(p) => p,
        other => panic!("expected PUBLISH, got {other:?}"),
    }
}

fn id(publish: &Publish) -> PacketId {
    publish.packet_id.expect("QoS 1/2")
}

fn probe() -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: "probe".into(),
        packet_id: PacketId::new(500),
        properties: Default::default(),
        payload: Bytes::from_static(b"probe"),
    })
}

#[tokio::test]
async fn unacknowledged_qos1_is_resent_with_dup_after_reconnecting() {
    let upstream = ScriptedUpstream::bind().await;
    let edge = start_edge(bridge_config(upstream.port(), 4, &["t/#"], &[])).await;
    let peer = upstream.accept_with(connack(false)).await;
    let connect = &peer.connect;
    assert_eq!(connect.protocol, ProtocolVersion::V3_1_1);
    assert_eq!(connect.client_id, bridge_support::BRIDGE_CLIENT_ID);
    assert_eq!((connect.keep_alive, connect.clean_start), (30, true));
    let mut peer = peer;
    let mut local = v4::connect(&edge, "local").await;
    publish_confirmed(&mut local, "t/1", rumqttc::QoS::AtLeastOnce, "one").await;
    let first = expect_publish(peer.recv().await);
    assert!(!first.dup);
    assert_eq!(first.qos, QoS::AtLeastOnce);
    drop(peer);

    // The upstream kept the session: the same exchange, resent with DUP.
    let mut peer = upstream.accept_with(connack(true)).await;
    let again = expect_publish(peer.recv().await);
    assert!(again.dup, "resent with DUP");
    assert_eq!((id(&again), &again.payload[..]), (id(&first), &b"one"[..]));
    peer.send(Packet::PubAck(PubAck::new(id(&again)))).await;
    eventually("the message to count as forwarded", || {
        let m = metrics(&edge);
        m.messages_forwarded == 1 && m.reconnects == 1
    })
    .await;
    edge.stop().await;
}

#[tokio::test]
async fn qos2_exchange_resumes_with_pubrel_after_reconnecting() {
    let upstream = ScriptedUpstream::bind().await;
    let edge = start_edge(bridge_config(upstream.port(), 5, &["t/#"], &[])).await;
    let mut peer = upstream.accept_with(connack(false)).await;
    let mut local = v4::connect(&edge, "local").await;
    publish_confirmed(&mut local, "t/2", rumqttc::QoS::ExactlyOnce, "two").await;
    let publish = expect_publish(peer.recv().await);
    assert_eq!(publish.qos, QoS::ExactlyOnce);
    peer.send(Packet::PubRec(PubAck::new(id(&publish)))).await;
    match peer.recv().await {
        Packet::PubRel(rel) => assert_eq!(rel.packet_id, id(&publish)),
        other => panic!("expected PUBREL, got {other:?}"),
    }
    drop(peer);
    assert_eq!(
        metrics(&edge).messages_forwarded,
        0,
        "not complete before PUBCOMP"
    );

    let mut peer = upstream.accept_with(connack(true)).await;
    match peer.recv().await {
        Packet::PubRel(rel) => assert_eq!(rel.packet_id, id(&publish), "PUBREL again"),
        other => panic!("expected PUBREL, got {other:?}"),
    }
    peer.send(Packet::PubComp(PubAck::new(id(&publish)))).await;
    eventually("the exchange to complete", || {
        metrics(&edge).messages_forwarded == 1
    })
    .await;
    edge.stop().await;
}

/// An upstream that has no session for the bridge (a clean start, or another server of
/// `hybrid_servers`) knows nothing of what was in flight: it is sent again as a new message,
/// a QoS 2 one that had reached PUBREL too (a PUBREL alone would complete, at that upstream, a
/// message it never had).
#[tokio::test]
async fn a_new_upstream_session_gets_what_was_in_flight_as_new_messages() {
    let upstream = ScriptedUpstream::bind().await;
    let edge = start_edge(bridge_config(upstream.port(), 5, &["t/#"], &[])).await;
    let mut peer = upstream.accept_with(connack(false)).await;
    let mut local = v4::connect(&edge, "local").await;
    publish_confirmed(&mut local, "t/1", rumqttc::QoS::AtLeastOnce, "one").await;
    publish_confirmed(&mut local, "t/2", rumqttc::QoS::ExactlyOnce, "two").await;
    let one = expect_publish(peer.recv().await);
    let two = expect_publish(peer.recv().await);
    peer.send(Packet::PubRec(PubAck::new(id(&two)))).await;
    match peer.recv().await {
        Packet::PubRel(rel) => assert_eq!(rel.packet_id, id(&two)),
        other => panic!("expected PUBREL, got {other:?}"),
    }
    drop(peer);

    let mut peer = upstream.accept_with(connack(false)).await;
    let again_one = expect_publish(peer.recv().await);
    let again_two = expect_publish(peer.recv().await);
    assert_eq!(
        (&again_one.payload[..], again_one.dup),
        (&one.payload[..], false),
        "a new message, in order"
    );
    assert_eq!(
        (&again_two.payload[..], again_two.qos, again_two.dup),
        (&b"two"[..], QoS::ExactlyOnce, false),
        "PUBLISH again, not PUBREL"
    );
    peer.send(Packet::PubAck(PubAck::new(id(&again_one)))).await;
    peer.send(Packet::PubRec(PubAck::new(id(&again_two)))).await;
    match peer.recv().await {
        Packet::PubRel(rel) => assert_eq!(rel.packet_id, id(&again_two)),
        other => panic!("expected PUBREL, got {other:?}"),
    }
    peer.send(Packet::PubComp(PubAck::new(id(&again_two))))
        .await;
    eventually("both forwarded", || metrics(&edge).messages_forwarded == 2).await;
    edge.stop().await;
}

/// Publishes five QoS 1 messages while the bridge waits for its CONNACK, then accepts with
/// `connack` and checks only `window` of them are sent before an acknowledgement.
async fn assert_window(proto_ver: u8, parallel: u32, connack: ConnAck, window: usize) {
    let upstream = ScriptedUpstream::bind().await;
    let mut bridge = bridge_config(upstream.port(), proto_ver, &["w/#"], &[]);
    bridge.parallel = parallel;
    let edge = start_edge(bridge).await;
    let mut local = v4::connect(&edge, "local").await;
    for n in 0..5 {
        publish_confirmed(&mut local, "w/n", rumqttc::QoS::AtLeastOnce, &n.to_string()).await;
    }
    let mut peer = upstream.accept_with(connack).await;
    let mut sent = Vec::new();
    for _ in 0..window {
        sent.push(expect_publish(peer.recv().await));
    }
    // Anything beyond the window would have been written before the answer to this.
    peer.send(probe()).await;
    match peer.recv().await {
        Packet::PubAck(ack) => assert_eq!(ack.packet_id, PacketId::new(500).unwrap()),
        other => panic!("expected only {window} in flight, got {other:?}"),
    }
    peer.send(Packet::PubAck(PubAck::new(id(&sent[0])))).await;
    let next = expect_publish(peer.recv().await);
    assert_eq!(&next.payload[..], window.to_string().as_bytes());
    edge.stop().await;
}

#[tokio::test]
async fn parallel_bounds_the_messages_in_flight() {
    assert_window(4, 2, connack(false), 2).await;
}

#[tokio::test]
async fn the_upstream_receive_maximum_bounds_them_further_v5() {
    let connack = ConnAck {
        properties: ConnAckProperties {
            receive_maximum: Some(1),
            ..Default::default()
        },
        ..connack(false)
    };
    assert_window(5, 8, connack, 1).await;
}

#[tokio::test]
async fn keep_alive_pings_and_drops_a_silent_upstream() {
    let upstream = ScriptedUpstream::bind().await;
    let mut bridge = bridge_config(upstream.port(), 4, &[], &[]);
    bridge.keepalive = 1;
    let edge: TestBroker = start_edge(bridge).await;
    let mut peer = upstream.accept_with(connack(false)).await;
    assert_eq!(peer.recv().await, Packet::PingReq);
    peer.send(Packet::PingResp).await;
    assert_eq!(peer.recv().await, Packet::PingReq);
    // No answer this time: the bridge gives up on the connection and comes back.
    peer.closed().await;
    let _peer = upstream.accept_with(connack(false)).await;
    eventually("the reconnection", || metrics(&edge).reconnects == 1).await;
    edge.stop().await;
}
