//! A connected client link for tools that send a packet and wait for the next (the CLI's
//! `pub`, `sub`, `bench`): [`Client::recv`] keeps the link alive while it waits. Kept small
//! and allocation-light because `bench` runs thousands and must not be what it measures.

use std::io;
use std::pin::Pin;

use bytes::BytesMut;
use nanomq_codec::{
    ConnAck, DecodeError, Packet, PacketId, PacketKind, ProtocolVersion, PubAck, PubRel, Publish,
    QoS, ReasonCode, decode_packet, encode_packet,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{Instant, Sleep};

use crate::dial::Stream;
use crate::handshake::{Connected, Limits};
use crate::keepalive::{Check, Pinger};

/// The largest packet accepted from the server.
pub const MAX_INCOMING: usize = 268_435_455;

/// Why a link failed after its handshake.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// A socket, TLS or WebSocket error.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The server closed the connection.
    #[error("the broker closed the connection")]
    Closed,
    /// The server sent something that does not decode.
    #[error("bad packet from broker: {0}")]
    Decode(#[from] DecodeError),
    /// A packet could not be encoded.
    #[error("{0}")]
    Encode(String),
    /// A PINGREQ went unanswered for the keep alive.
    #[error("no answer from the broker to PINGREQ within {0:?}")]
    KeepAliveTimeout(std::time::Duration),
}

/// How the server ended a QoS 1 or 2 exchange: the packet that ended it and its reason code
/// (an error code is a refusal; 3.x packets carry none and read as success).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acknowledged {
    /// PUBACK, PUBREC (when it refused) or PUBCOMP.
    pub kind: PacketKind,
    /// Its reason code.
    pub reason: ReasonCode,
}

/// A connected link.
pub struct Client {
    /// The stream.
    pub stream: Box<dyn Stream>,
    /// Bytes read and not yet decoded.
    pub read_buf: BytesMut,
    /// Protocol version in use.
    pub version: ProtocolVersion,
    /// The server's CONNACK.
    pub connack: ConnAck,
    /// What it allows.
    pub limits: Limits,
    pinger: Pinger,
    /// Wakes [`Client::recv`] for the next keep-alive check (made when first needed).
    timer: Option<Pin<Box<Sleep>>>,
    /// The last packet identifier given to an outgoing PUBLISH.
    last_id: u16,
}

impl Client {
    /// The link over a connection the server has accepted with `version`.
    pub fn new(connected: Connected, version: ProtocolVersion) -> Client {
        let mut read_buf = connected.read_buf;
        read_buf.reserve(4096);
        Client {
            stream: connected.stream,
            read_buf,
            version,
            pinger: Pinger::new(connected.limits.keep_alive()),
            limits: connected.limits,
            connack: connected.connack,
            timer: None,
            last_id: 0,
        }
    }

    /// Publishes and, at QoS 1 or 2, waits for the end of the exchange (PUBACK; PUBREC, then
    /// PUBREL out and PUBCOMP back), answering nothing else meanwhile: for a tool that sends
    /// one message at a time. A packet identifier is given here; the caller bounds the time.
    pub async fn publish(
        &mut self,
        mut publish: Publish,
    ) -> Result<Option<Acknowledged>, ClientError> {
        if publish.qos == QoS::AtMostOnce {
            publish.packet_id = None;
            self.send(&Packet::Publish(publish)).await?;
            return Ok(None);
        }
        let id = self.next_packet_id();
        publish.packet_id = Some(id);
        self.send(&Packet::Publish(publish)).await?;
        loop {
            match self.recv().await? {
                Packet::PubAck(ack) if ack.packet_id == id => {
                    return Ok(Some(Acknowledged {
                        kind: PacketKind::PubAck,
                        reason: ack.reason,
                    }));
                }
                Packet::PubComp(ack) if ack.packet_id == id => {
                    return Ok(Some(Acknowledged {
                        kind: PacketKind::PubComp,
                        reason: ack.reason,
                    }));
                }
                Packet::PubRec(rec) if rec.packet_id == id => {
                    if rec.reason.is_error() {
                        return Ok(Some(Acknowledged {
                            kind: PacketKind::PubRec,
                            reason: rec.reason,
                        }));
                    }
                    self.send(&Packet::PubRel(PubRel::new(id))).await?;
                }
                _ => {}
            }
        }
    }

    /// Acknowledges a PUBLISH received: PUBACK at QoS 1, PUBREC at QoS 2 (the server's PUBREL
    /// is then answered by [`Client::release`]).
    pub async fn acknowledge(&mut self, publish: &Publish) -> Result<(), ClientError> {
        match (publish.qos, publish.packet_id) {
            (QoS::AtLeastOnce, Some(id)) => self.send(&Packet::PubAck(PubAck::new(id))).await,
            (QoS::ExactlyOnce, Some(id)) => self.send(&Packet::PubRec(PubAck::new(id))).await,
            _ => Ok(()),
        }
    }

    /// Answers the server's PUBREL with PUBCOMP: the QoS 2 message is ours.
    pub async fn release(&mut self, release: &PubRel) -> Result<(), ClientError> {
        self.send(&Packet::PubComp(PubAck::new(release.packet_id)))
            .await
    }

    /// The next packet identifier (1 to 65535, then around again).
    pub fn next_packet_id(&mut self) -> PacketId {
        loop {
            self.last_id = self.last_id.wrapping_add(1);
            if let Some(id) = PacketId::new(self.last_id) {
                return id;
            }
        }
    }

    /// Sends one packet (and flushes it).
    pub async fn send(&mut self, packet: &Packet) -> Result<(), ClientError> {
        let mut out = BytesMut::new();
        encode_packet(packet, self.version, &mut out)
            .map_err(|e| ClientError::Encode(e.to_string()))?;
        self.send_bytes(&out).await
    }

    /// Sends packets already encoded.
    pub async fn send_bytes(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await?;
        self.pinger.sent(Instant::now());
        Ok(())
    }

    /// Receives one packet; the connection closing is an error. While it waits it keeps the
    /// link alive (a PINGREQ once it has been quiet for the keep alive, an error when nothing
    /// answers one within another). PINGRESP is returned like any packet.
    pub async fn recv(&mut self) -> Result<Packet, ClientError> {
        loop {
            if let Some(packet) = self.try_decode()? {
                return Ok(packet);
            }
            self.read_buf.reserve(4096);
            let Some(due) = self.pinger.next_check() else {
                self.read_more().await?;
                continue;
            };
            let timer = self
                .timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
            if timer.deadline() != due {
                timer.as_mut().reset(due);
            }
            tokio::select! {
                read = self.stream.read_buf(&mut self.read_buf) => {
                    if read? == 0 {
                        return Err(ClientError::Closed);
                    }
                }
                () = timer.as_mut() => match self.pinger.check(Instant::now()) {
                    Check::Quiet => {}
                    Check::Ping => self.send(&Packet::PingReq).await?,
                    Check::TimedOut => {
                        let keep_alive = self.pinger.keep_alive().unwrap_or_default();
                        return Err(ClientError::KeepAliveTimeout(keep_alive));
                    }
                },
            }
        }
    }

    async fn read_more(&mut self) -> Result<(), ClientError> {
        if self.stream.read_buf(&mut self.read_buf).await? == 0 {
            return Err(ClientError::Closed);
        }
        Ok(())
    }

    /// Decodes one packet from what is already buffered.
    pub fn try_decode(&mut self) -> Result<Option<Packet>, ClientError> {
        let packet = decode_packet(&mut self.read_buf, self.version, MAX_INCOMING)?;
        if packet.is_some() {
            self.pinger.received(Instant::now());
        }
        Ok(packet)
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use nanomq_codec::ConnAckProperties;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    use super::*;
    use crate::handshake::Limits;

    const V5: ProtocolVersion = ProtocolVersion::V5;

    /// A client over one end of a pipe, and the other end as the server.
    fn pair() -> (Client, DuplexStream) {
        let (client, server) = tokio::io::duplex(4096);
        let connack = ConnAck {
            session_present: false,
            code: ReasonCode::SUCCESS,
            properties: ConnAckProperties::default(),
        };
        let connected = Connected {
            stream: Box::new(client),
            read_buf: BytesMut::new(),
            limits: Limits::of(&connack, 0),
            connack,
            bytes: (0, 0),
        };
        (Client::new(connected, V5), server)
    }

    async fn read_packet(server: &mut DuplexStream, buf: &mut BytesMut) -> Packet {
        loop {
            if let Some(packet) = decode_packet(buf, V5, MAX_INCOMING).unwrap() {
                return packet;
            }
            assert_ne!(server.read_buf(buf).await.unwrap(), 0, "client hung up");
        }
    }

    async fn write_packet(server: &mut DuplexStream, packet: &Packet) {
        let mut out = BytesMut::new();
        encode_packet(packet, V5, &mut out).unwrap();
        server.write_all(&out).await.unwrap();
    }

    fn message(qos: QoS) -> Publish {
        Publish {
            dup: false,
            qos,
            retain: false,
            topic: "t".into(),
            packet_id: None,
            properties: Default::default(),
            payload: Bytes::from_static(b"x"),
        }
    }

    #[tokio::test]
    async fn a_qos_2_publish_goes_through_pubrec_pubrel_pubcomp() {
        let (mut client, mut server) = pair();
        let serving = tokio::spawn(async move {
            let mut buf = BytesMut::new();
            let Packet::Publish(publish) = read_packet(&mut server, &mut buf).await else {
                panic!("PUBLISH expected");
            };
            let id = publish.packet_id.unwrap();
            // Something else first: the client must wait for its own exchange.
            write_packet(&mut server, &Packet::PingResp).await;
            write_packet(&mut server, &Packet::PubRec(PubAck::new(id))).await;
            let Packet::PubRel(rel) = read_packet(&mut server, &mut buf).await else {
                panic!("PUBREL expected");
            };
            assert_eq!(rel.packet_id, id);
            write_packet(&mut server, &Packet::PubComp(PubAck::new(id))).await;
        });
        let acknowledged = client.publish(message(QoS::ExactlyOnce)).await.unwrap();
        assert_eq!(
            acknowledged,
            Some(Acknowledged {
                kind: PacketKind::PubComp,
                reason: ReasonCode::SUCCESS
            })
        );
        serving.await.unwrap();
    }

    #[tokio::test]
    async fn a_refusal_ends_the_exchange_and_ids_move_on() {
        let (mut client, mut server) = pair();
        let serving = tokio::spawn(async move {
            let mut buf = BytesMut::new();
            let Packet::Publish(publish) = read_packet(&mut server, &mut buf).await else {
                panic!("PUBLISH expected");
            };
            let id = publish.packet_id.unwrap();
            let mut refusal = PubAck::new(id);
            refusal.reason = ReasonCode::NOT_AUTHORIZED;
            write_packet(&mut server, &Packet::PubAck(refusal)).await;
            id
        });
        let acknowledged = client.publish(message(QoS::AtLeastOnce)).await.unwrap();
        assert_eq!(acknowledged.unwrap().reason, ReasonCode::NOT_AUTHORIZED);
        assert_eq!(serving.await.unwrap().get(), 1);
        assert_eq!(client.next_packet_id().get(), 2);
        client.last_id = u16::MAX;
        assert_eq!(client.next_packet_id().get(), 1, "0 is skipped");
    }
}
