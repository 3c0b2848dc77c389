//! A client on a bare socket, for byte-exact and misbehaving traffic. It frames replies with
//! the broker's own codec, which the codec tests check against the specification.

use std::net::SocketAddr;

use crate::codec::{Packet, ProtocolVersion, decode_packet, encode_packet};
use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::within;

/// An MQTT client on a bare TCP socket.
pub struct RawClient {
    /// The socket, for tests that write bytes of their own.
    pub stream: TcpStream,
    buf: BytesMut,
    /// The protocol version its packets are framed with.
    pub version: ProtocolVersion,
}

impl RawClient {
    /// Opens a socket to `addr` (no CONNECT sent yet).
    pub async fn connect(addr: SocketAddr, version: ProtocolVersion) -> RawClient {
        let stream = within(TcpStream::connect(addr)).await.unwrap();
        RawClient {
            stream,
            buf: BytesMut::new(),
            version,
        }
    }

    /// Writes `bytes` as they are.
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        // The broker may already have closed the socket; the test checks what it answered.
        let _ = self.stream.write_all(bytes).await;
    }

    /// Encodes and writes `packet`.
    pub async fn send(&mut self, packet: &Packet) {
        let mut out = BytesMut::new();
        encode_packet(packet, self.version, &mut out).unwrap();
        self.send_bytes(&out).await;
    }

    /// The next packet, or `None` once the broker closed the connection.
    pub async fn recv(&mut self) -> Option<Packet> {
        within(async {
            loop {
                if let Some(packet) =
                    decode_packet(&mut self.buf, self.version, usize::MAX).unwrap()
                {
                    return Some(packet);
                }
                match self.stream.read_buf(&mut self.buf).await {
                    Ok(0) | Err(_) => return None,
                    Ok(_) => {}
                }
            }
        })
        .await
    }

    /// Reads until the broker closes the connection, returning what it sent before.
    pub async fn until_closed(&mut self) -> Vec<Packet> {
        let mut packets = Vec::new();
        while let Some(p) = self.recv().await {
            packets.push(p);
        }
        packets
    }
}

/// A CONNECT with no will, no credentials and no properties.
pub fn connect_packet(
    version: ProtocolVersion,
    client_id: &str,
    clean_start: bool,
    keep_alive: u16,
) -> crate::codec::Connect {
    crate::codec::Connect {
        protocol: version,
        clean_start,
        keep_alive,
        client_id: client_id.to_owned(),
        will: None,
        username: None,
        password: None,
        properties: Default::default(),
    }
}

impl RawClient {
    /// Sends CONNECT and returns the CONNACK.
    pub async fn handshake(&mut self, connect: crate::codec::Connect) -> crate::codec::ConnAck {
        self.send(&Packet::Connect(connect)).await;
        match self.recv().await {
            Some(Packet::ConnAck(ack)) => ack,
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    /// Connects and completes a successful handshake.
    pub async fn connected(
        addr: SocketAddr,
        version: ProtocolVersion,
        client_id: &str,
        clean_start: bool,
    ) -> (RawClient, crate::codec::ConnAck) {
        let mut client = RawClient::connect(addr, version).await;
        let ack = client
            .handshake(connect_packet(version, client_id, clean_start, 60))
            .await;
        assert_eq!(ack.code, crate::codec::ReasonCode::SUCCESS, "{ack:?}");
        (client, ack)
    }

    /// Subscribes to one filter and waits for the SUBACK's reason codes.
    pub async fn subscribe(
        &mut self,
        filter: &str,
        qos: crate::codec::QoS,
    ) -> Vec<crate::codec::ReasonCode> {
        use crate::codec::{PacketId, Subscribe, SubscribeFilter, SubscriptionOptions};
        let subscribe = Subscribe {
            packet_id: PacketId::new(1).unwrap(),
            filters: vec![SubscribeFilter {
                filter: filter.to_owned(),
                options: SubscriptionOptions {
                    qos,
                    ..Default::default()
                },
            }],
            properties: Default::default(),
        };
        self.send(&Packet::Subscribe(subscribe)).await;
        loop {
            match self.recv().await {
                Some(Packet::SubAck(ack)) => return ack.reasons,
                Some(_) => continue,
                None => panic!("closed before SUBACK"),
            }
        }
    }

    /// Publishes at QoS 1 with packet id `id` and waits for the PUBACK's reason code.
    pub async fn publish_qos1(
        &mut self,
        topic: &str,
        id: u16,
        payload: &[u8],
    ) -> crate::codec::ReasonCode {
        use crate::codec::{PacketId, Publish, QoS};
        let publish = Publish {
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: topic.into(),
            packet_id: PacketId::new(id),
            properties: Default::default(),
            payload: bytes::Bytes::copy_from_slice(payload),
        };
        self.send(&Packet::Publish(publish)).await;
        loop {
            match self.recv().await {
                Some(Packet::PubAck(ack)) => return ack.reason,
                Some(_) => continue,
                None => panic!("closed before PUBACK"),
            }
        }
    }

    /// Sends `publish` (QoS 1) and waits for its PUBACK's reason; `None` if the connection
    /// closed first.
    pub async fn publish_qos1_packet(
        &mut self,
        publish: crate::codec::Publish,
    ) -> Option<crate::codec::ReasonCode> {
        self.send(&Packet::Publish(publish)).await;
        loop {
            match self.recv().await? {
                Packet::PubAck(ack) => return Some(ack.reason),
                _ => continue,
            }
        }
    }

    /// The next PUBLISH (other packets are skipped).
    pub async fn next_publish(&mut self) -> crate::codec::Publish {
        loop {
            match self.recv().await {
                Some(Packet::Publish(p)) => return p,
                Some(_) => continue,
                None => panic!("closed before PUBLISH"),
            }
        }
    }
}
