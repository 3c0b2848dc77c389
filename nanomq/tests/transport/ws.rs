//! MQTT over WebSocket and secure WebSocket against the real broker, with a real WebSocket
//! client (tokio-tungstenite): subprotocol and path, packets split across frames and packed
//! several to a frame, large messages, pings, and the same broker serving TCP alongside.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use nanomq::codec::{
    Packet, PacketId, ProtocolVersion, Publish, PublishProperties, QoS as CQoS, Subscribe,
    SubscribeFilter, SubscriptionOptions, decode_packet, encode_packet,
};
use rumqttc::QoS;
use support::certs::TestPki;
use support::raw::connect_packet;
use support::{TestBroker, v4, within};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Bytes, Message};

struct WsClient<S> {
    ws: WebSocketStream<S>,
    buf: BytesMut,
}

fn encode(packet: &Packet) -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_packet(packet, ProtocolVersion::V3_1_1, &mut out).unwrap();
    out.to_vec()
}

impl<S: AsyncRead + AsyncWrite + Unpin> WsClient<S> {
    async fn handshake(stream: S, url: &str, subprotocol: &str) -> WsClient<S> {
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", subprotocol.parse().unwrap());
        let (ws, response) = within(tokio_tungstenite::client_async(request, stream))
            .await
            .unwrap();
        assert_eq!(response.headers()["sec-websocket-protocol"], subprotocol);
        WsClient {
            ws,
            buf: BytesMut::new(),
        }
    }

    /// Sends `bytes` cut into frames at the given offsets.
    async fn send_split(&mut self, bytes: &[u8], cuts: &[usize]) {
        let mut start = 0;
        for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
            self.ws
                .send(Message::Binary(Bytes::copy_from_slice(&bytes[start..cut])))
                .await
                .unwrap();
            start = cut;
        }
    }

    async fn send(&mut self, packet: &Packet) {
        self.send_split(&encode(packet), &[]).await;
    }

    async fn recv(&mut self) -> Packet {
        within(async {
            loop {
                if let Some(p) =
                    decode_packet(&mut self.buf, ProtocolVersion::V3_1_1, usize::MAX).unwrap()
                {
                    return p;
                }
                match self.ws.next().await {
                    Some(Ok(Message::Binary(data))) => self.buf.extend_from_slice(&data),
                    Some(Ok(_)) => {}
                    other => panic!("websocket ended: {other:?}"),
                }
            }
        })
        .await
    }
}

fn subscribe(filter: &str) -> Packet {
    Packet::Subscribe(Subscribe {
        packet_id: PacketId::new(1).unwrap(),
        filters: vec![SubscribeFilter {
            filter: filter.into(),
            options: SubscriptionOptions {
                qos: CQoS::AtLeastOnce,
                ..Default::default()
            },
        }],
        properties: Default::default(),
    })
}

async fn ws_broker() -> TestBroker {
    TestBroker::start_with(|c| {
        c.websocket.enable = true;
        c.websocket.url = "nmq-ws://127.0.0.1:0/mqtt".into();
    })
    .await
}

async fn ws_client(broker: &TestBroker) -> WsClient<TcpStream> {
    let addr = broker.handle.addrs().unwrap().ws.unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    WsClient::handshake(tcp, &format!("ws://{addr}/mqtt"), "mqtt").await
}

#[tokio::test]
async fn packets_split_across_frames_and_packed_in_one() {
    let broker = ws_broker().await;
    let mut c = ws_client(&broker).await;
    // CONNECT cut into three frames.
    let connect = encode(&Packet::Connect(connect_packet(
        ProtocolVersion::V3_1_1,
        "ws-1",
        true,
        60,
    )));
    c.send_split(&connect, &[1, 5]).await;
    assert!(matches!(c.recv().await, Packet::ConnAck(_)));
    // SUBSCRIBE and PINGREQ in one frame.
    let mut both = encode(&subscribe("ws/#"));
    both.extend(encode(&Packet::PingReq));
    c.send_split(&both, &[]).await;
    assert!(matches!(c.recv().await, Packet::SubAck(_)));
    assert_eq!(c.recv().await, Packet::PingResp);
    // A TCP client's message reaches the WebSocket client.
    let publisher = v4::connect(&broker, "tcp-pub").await;
    publisher
        .publish("ws/t", QoS::AtMostOnce, false, b"over ws")
        .await;
    let Packet::Publish(p) = c.recv().await else {
        panic!("expected PUBLISH")
    };
    assert_eq!(p.payload.as_ref(), b"over ws");
    broker.stop().await;
}

#[tokio::test]
async fn large_messages_both_ways() {
    let broker = ws_broker().await;
    let mut c = ws_client(&broker).await;
    c.send(&Packet::Connect(connect_packet(
        ProtocolVersion::V3_1_1,
        "ws-big",
        true,
        60,
    )))
    .await;
    c.recv().await;
    c.send(&subscribe("big/#")).await;
    c.recv().await;
    let payload: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let publish = Packet::Publish(Publish {
        dup: false,
        qos: CQoS::AtMostOnce,
        retain: false,
        topic: "big/one".into(),
        packet_id: None,
        properties: PublishProperties::default(),
        payload: payload.clone().into(),
    });
    // Sent in 1000-byte frames, echoed back through the subscription.
    let bytes = encode(&publish);
    let cuts: Vec<usize> = (1..bytes.len() / 1000).map(|i| i * 1000).collect();
    c.send_split(&bytes, &cuts).await;
    let Packet::Publish(p) = c.recv().await else {
        panic!("expected PUBLISH")
    };
    assert_eq!(p.payload.as_ref(), payload.as_slice());
    broker.stop().await;
}

#[tokio::test]
async fn pings_are_answered_and_close_ends_the_session() {
    let broker = ws_broker().await;
    let mut c = ws_client(&broker).await;
    c.send(&Packet::Connect(connect_packet(
        ProtocolVersion::V3_1_1,
        "ws-ping",
        true,
        60,
    )))
    .await;
    c.recv().await;
    c.ws.send(Message::Ping(Bytes::from_static(b"hi")))
        .await
        .unwrap();
    let pong = within(c.ws.next()).await.unwrap().unwrap();
    assert_eq!(pong, Message::Pong(Bytes::from_static(b"hi")));
    c.ws.close(None).await.unwrap();
    let sessions = &broker.handle.broker;
    support::eventually("session gone", || sessions.session("ws-ping").is_none()).await;
    broker.stop().await;
}

#[tokio::test]
async fn wrong_path_and_wrong_subprotocol_are_refused() {
    let broker = ws_broker().await;
    let addr = broker.handle.addrs().unwrap().ws.unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let refused = tokio_tungstenite::client_async(format!("ws://{addr}/elsewhere"), tcp).await;
    assert!(refused.is_err(), "wrong path accepted");
    let tcp = TcpStream::connect(addr).await.unwrap();
    let mut request = format!("ws://{addr}/mqtt").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "chat".parse().unwrap());
    assert!(
        tokio_tungstenite::client_async(request, tcp).await.is_err(),
        "wrong subprotocol accepted"
    );
    // MQTT 3.1's subprotocol name is accepted too.
    let tcp = TcpStream::connect(addr).await.unwrap();
    WsClient::handshake(tcp, &format!("ws://{addr}/mqtt"), "mqttv3.1").await;
    broker.stop().await;
}

#[tokio::test]
async fn secure_websocket() {
    let pki = TestPki::generate();
    let (cert, key) = (pki.server.cert.clone(), pki.server.key.clone());
    let broker = TestBroker::start_with(move |c| {
        c.tls.enable = true;
        c.tls.url = "tls+nmq-tcp://127.0.0.1:0".into();
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
        c.websocket.enable = true;
        c.websocket.url = "nmq-ws://127.0.0.1:0/mqtt".into();
        c.websocket.tls_url = "nmq-wss://127.0.0.1:0/mqtt".into();
    })
    .await;
    let addr = broker.handle.addrs().unwrap().wss.unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(pki.client_config(None));
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = within(connector.connect(name, tcp)).await.unwrap();
    let mut c = WsClient::handshake(
        tls,
        &format!("wss://localhost:{}/mqtt", addr.port()),
        "mqtt",
    )
    .await;
    c.send(&Packet::Connect(connect_packet(
        ProtocolVersion::V3_1_1,
        "wss-1",
        true,
        60,
    )))
    .await;
    assert!(matches!(c.recv().await, Packet::ConnAck(_)));
    c.send(&subscribe("wss/#")).await;
    c.recv().await;
    let publisher = v4::connect(&broker, "tcp-pub").await;
    publisher
        .publish("wss/t", QoS::AtLeastOnce, false, b"secret")
        .await;
    let Packet::Publish(p) = c.recv().await else {
        panic!("expected PUBLISH")
    };
    assert_eq!(p.payload.as_ref(), b"secret");
    broker.stop().await;
}
