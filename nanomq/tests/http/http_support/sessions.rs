//! Sessions made through the broker's operations, as a connection would make them, without a
//! socket: precise control over every field the API shows.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{Local, TimeZone};
use nanomq::broker::lifecycle::{Closing, OpenRequest};
use nanomq::broker::{Broker, Identity};
use nanomq::codec::{ProtocolVersion, QoS, ReasonCode, SubscribeFilter, SubscriptionOptions};
use nanomq::message::{Delivery, Message, Origin};
use nanomq::session::{ClientDetails, Link, LinkSignal, Session};

/// What a fake client looks like.
#[derive(Debug, Clone)]
pub struct FakeClient {
    /// Client identifier.
    pub client_id: &'static str,
    /// Username, if any.
    pub username: Option<&'static str>,
    /// Protocol version.
    pub protocol: ProtocolVersion,
    /// Keep alive.
    pub keep_alive: u16,
    /// Clean start flag.
    pub clean_start: bool,
    /// Whether a connection is attached.
    pub connected: bool,
    /// Peer address while connected.
    pub peer: SocketAddr,
    /// Will topic.
    pub will_topic: Option<&'static str>,
    /// Subscriptions: full filter (maybe `$share/...`) and QoS.
    pub subscriptions: Vec<(&'static str, u8)>,
    /// Messages queued for it.
    pub queued: usize,
    /// PUBLISH packets received from it.
    pub recv_msg: u64,
    /// PUBLISH packets sent to it.
    pub send_msg: u64,
}

impl FakeClient {
    /// A connected MQTT 5 client with no username and nothing else.
    pub fn new(client_id: &'static str) -> FakeClient {
        FakeClient {
            client_id,
            username: None,
            protocol: ProtocolVersion::V5,
            keep_alive: 60,
            clean_start: true,
            connected: true,
            peer: "127.0.0.1:50000".parse().unwrap(),
            will_topic: None,
            subscriptions: Vec::new(),
            queued: 0,
            recv_msg: 0,
            send_msg: 0,
        }
    }
}

/// A session in the broker, and the far end of its connection link.
pub struct FakeSession {
    /// The session.
    pub session: Arc<Session>,
    /// Orders sent to the "connection" (kick, takeover).
    pub signal: Arc<LinkSignal>,
}

/// The fixed time every fake client connected at.
pub fn connected_at() -> chrono::DateTime<Local> {
    Local.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()
}

/// Adds `client` to `broker` through the broker's own operations, as a connection would
/// (open, subscribe, and close for a client that is away).
pub async fn add(broker: &Broker, client: &FakeClient) -> FakeSession {
    let signal = Arc::new(LinkSignal::default());
    let conn_id = broker.next_conn_id();
    let expiry_interval = if client.clean_start { 0 } else { u32::MAX };
    let details = ClientDetails {
        username: client.username.map(str::to_string),
        protocol: client.protocol,
        keep_alive: client.keep_alive,
        clean_start: client.clean_start,
        peer: Some(client.peer),
        connected_at: connected_at(),
        will: client.will_topic.map(|topic| {
            Arc::new(nanomq::session::WillSummary {
                topic: Arc::from(topic),
                payload: bytes::Bytes::from_static(b"gone"),
            })
        }),
        expiry_interval,
    };
    let identity = Arc::new(Identity::client(
        Arc::from(client.client_id),
        client.username.map(Arc::from),
        client.peer,
        None,
    ));
    let link = Link {
        conn_id,
        signal: Arc::clone(&signal),
        identity: Arc::clone(&identity),
    };
    let request = OpenRequest {
        clean_start: client.clean_start,
        details,
        link,
    };
    let opened = broker.open_session(&identity, request).await.unwrap();
    let session = opened.session;
    for (filter, qos) in &client.subscriptions {
        let entry = SubscribeFilter {
            filter: (*filter).to_string(),
            options: SubscriptionOptions {
                qos: QoS::try_from(*qos).unwrap(),
                ..SubscriptionOptions::default()
            },
        };
        broker.subscribe(&identity, &session, &entry, None);
    }
    if !client.connected {
        let closing = Closing {
            conn_id,
            session: Arc::clone(&session),
            identity,
            state: opened.state,
            will: None,
            expiry_interval,
            kicked: false,
            reason: ReasonCode::NORMAL_DISCONNECTION,
        };
        broker.close_session(closing);
    }
    for n in 0..client.queued {
        let message = Arc::new(Message {
            id: 0,
            topic: Arc::from(format!("queued/{n}")),
            payload: Bytes::from_static(b"x"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: None,
            expires_at: None,
            origin: Origin::Broker,
        });
        let delivery = Delivery {
            message,
            qos: QoS::AtLeastOnce,
            retain: false,
            subscription_ids: Vec::new(),
            key: 0,
        };
        session.mailbox.push(delivery, &broker.settings().queue);
    }
    session
        .stats
        .recv_msg
        .store(client.recv_msg, std::sync::atomic::Ordering::Relaxed);
    session
        .stats
        .send_msg
        .store(client.send_msg, std::sync::atomic::Ordering::Relaxed);
    FakeSession { session, signal }
}

/// Takes every delivery queued for `session`.
pub fn drain(session: &Session) -> Vec<Delivery> {
    let mut out = Vec::new();
    session.mailbox.pop_batch(usize::MAX, usize::MAX, &mut out);
    out
}
