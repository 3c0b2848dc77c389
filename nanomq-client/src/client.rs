//! A connected client link for tools that send a packet and wait for the next (the CLI's
//! `pub`, `sub`, `bench`): [`Client::recv`] keeps the link alive while it waits. Kept small
//! and allocation-light because `bench` runs thousands and must not be what it measures.

use std::io;
use std::pin::Pin;

use bytes::BytesMut;
use nanomq_codec::{ConnAck, DecodeError, Packet, ProtocolVersion, decode_packet, encode_packet};
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
