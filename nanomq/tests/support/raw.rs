//! A client on a bare socket, for byte-exact and misbehaving traffic. It frames replies with
//! the broker's own codec, which the codec tests check against the specification.

use std::net::SocketAddr;

use bytes::BytesMut;
use nanomq::codec::{Packet, ProtocolVersion, decode_packet, encode_packet};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::within;

pub struct RawClient {
    pub stream: TcpStream,
    buf: BytesMut,
    pub version: ProtocolVersion,
}

impl RawClient {
    pub async fn connect(addr: SocketAddr, version: ProtocolVersion) -> RawClient {
        let stream = within("tcp connect", TcpStream::connect(addr))
            .await
            .unwrap();
        RawClient {
            stream,
            buf: BytesMut::new(),
            version,
        }
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        // The broker may already have closed the socket; the test checks what it answered.
        let _ = self.stream.write_all(bytes).await;
    }

    pub async fn send(&mut self, packet: &Packet) {
        let mut out = BytesMut::new();
        encode_packet(packet, self.version, &mut out).unwrap();
        self.send_bytes(&out).await;
    }

    /// The next packet, or `None` once the broker closed the connection.
    pub async fn recv(&mut self) -> Option<Packet> {
        within("a packet from the broker", async {
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
