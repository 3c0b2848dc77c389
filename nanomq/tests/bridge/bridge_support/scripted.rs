//! A scripted upstream: a loopback listener whose connections the test drives packet by
//! packet with the broker's own codec, to do what no real broker does on cue (withhold an
//! acknowledgement, drop the connection mid-exchange, stay silent to a PINGREQ).

use bytes::BytesMut;
use nanomq::codec::{
    ConnAck, Connect, Packet, ProtocolVersion, ReasonCode, decode_packet, encode_packet,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::within;

/// The listener the edge's bridge connects to.
pub struct ScriptedUpstream {
    listener: TcpListener,
}

/// One accepted connection.
pub struct Peer {
    stream: TcpStream,
    buf: BytesMut,
    version: ProtocolVersion,
    /// The CONNECT the bridge sent.
    pub connect: Connect,
}

impl ScriptedUpstream {
    pub async fn bind() -> ScriptedUpstream {
        ScriptedUpstream {
            listener: TcpListener::bind("127.0.0.1:0").await.unwrap(),
        }
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().unwrap().port()
    }

    /// Accepts the bridge's next connection and reads its CONNECT.
    pub async fn accept(&self) -> Peer {
        let (stream, _) = within(self.listener.accept()).await.unwrap();
        let mut peer = Peer {
            stream,
            buf: BytesMut::new(),
            version: ProtocolVersion::V5,
            connect: placeholder_connect(),
        };
        match peer.recv().await {
            Packet::Connect(connect) => {
                peer.version = connect.protocol;
                peer.connect = connect;
            }
            other => panic!("expected CONNECT, got {other:?}"),
        }
        peer
    }

    /// Accepts a connection and answers its CONNECT with `connack`.
    pub async fn accept_with(&self, connack: ConnAck) -> Peer {
        let mut peer = self.accept().await;
        peer.send(Packet::ConnAck(connack)).await;
        peer
    }
}

/// A successful CONNACK.
pub fn connack(session_present: bool) -> ConnAck {
    ConnAck {
        session_present,
        code: ReasonCode::SUCCESS,
        properties: Default::default(),
    }
}

fn placeholder_connect() -> Connect {
    Connect {
        protocol: ProtocolVersion::V5,
        clean_start: true,
        keep_alive: 0,
        client_id: String::new(),
        will: None,
        username: None,
        password: None,
        properties: Default::default(),
    }
}

impl Peer {
    /// The next packet from the bridge.
    pub async fn recv(&mut self) -> Packet {
        within(async {
            loop {
                if let Some(packet) = decode_packet(&mut self.buf, self.version, 1 << 20).unwrap() {
                    return packet;
                }
                let n = self.stream.read_buf(&mut self.buf).await.unwrap();
                assert!(n > 0, "the bridge closed the connection");
            }
        })
        .await
    }

    /// Waits until the bridge closes the connection.
    pub async fn closed(&mut self) {
        within(async {
            loop {
                match self.stream.read_buf(&mut self.buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await;
    }

    /// Sends a packet to the bridge.
    pub async fn send(&mut self, packet: Packet) {
        let mut out = BytesMut::new();
        encode_packet(&packet, self.version, &mut out).unwrap();
        self.stream.write_all(&out).await.unwrap();
    }
}
