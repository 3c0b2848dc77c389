//! Opening an MQTT connection: CONNECT out, CONNACK back, and what the CONNACK allows (the
//! server's limits, MQTT 5).

use std::io;
use std::time::Duration;

use bytes::BytesMut;
use nanomq_codec::{
    ConnAck, Connect, DecodeError, Packet, QoS, ReasonCode, decode_packet, encode_packet,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::dial::Stream;

/// What the server's CONNACK allows.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Whether the server still had our session.
    pub session_present: bool,
    /// Keep alive to use, seconds (MQTT 5 Server Keep Alive overrides ours).
    pub keep_alive: u16,
    /// QoS 1/2 publishes the server accepts in flight (Receive Maximum).
    pub receive_maximum: usize,
    /// Highest QoS the server accepts.
    pub maximum_qos: QoS,
    /// Whether the server accepts retained messages.
    pub retain_available: bool,
    /// Largest packet the server accepts.
    pub maximum_packet_size: usize,
}

impl Limits {
    /// What `connack` allows a client that asked for `keep_alive` seconds.
    pub fn of(connack: &ConnAck, keep_alive: u16) -> Limits {
        let p = &connack.properties;
        Limits {
            session_present: connack.session_present,
            keep_alive: p.server_keep_alive.unwrap_or(keep_alive),
            receive_maximum: p.receive_maximum.map_or(usize::from(u16::MAX), usize::from),
            maximum_qos: p.maximum_qos.unwrap_or(QoS::ExactlyOnce),
            retain_available: p.retain_available.unwrap_or(true),
            maximum_packet_size: p
                .maximum_packet_size
                .and_then(|size| usize::try_from(size).ok())
                .unwrap_or(usize::MAX),
        }
    }

    /// Keep alive as a duration; `None` when off.
    pub fn keep_alive(&self) -> Option<Duration> {
        (self.keep_alive > 0).then(|| Duration::from_secs(u64::from(self.keep_alive)))
    }
}

/// A connection the server has accepted.
pub struct Connected {
    /// The byte stream.
    pub stream: Box<dyn Stream>,
    /// Bytes that arrived after the CONNACK.
    pub read_buf: BytesMut,
    /// The server's CONNACK.
    pub connack: ConnAck,
    /// What it allows.
    pub limits: Limits,
    /// Bytes written and read during the handshake.
    pub bytes: (u64, u64),
}

/// Why the handshake failed.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// A socket, TLS or WebSocket error.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The CONNECT could not be encoded.
    #[error("cannot encode CONNECT: {0}")]
    Encode(String),
    /// The server closed the connection before answering.
    #[error("the server closed the connection")]
    Closed,
    /// The server refused the connection.
    #[error("refused (reason {:#04x})", .0.code.0)]
    Refused(Box<ConnAck>),
    /// The server answered with something that is not a CONNACK, or not MQTT at all.
    #[error("the server answered with something that is not MQTT ({what})")]
    NotMqtt {
        /// What came instead.
        what: String,
        /// The answer starts as a TLS record does: the port is a TLS one.
        tls_record: bool,
    },
}

/// Sends `connect` on `stream` and waits for a successful CONNACK (the caller bounds the
/// time). Packets from the server larger than `max_packet_size` are refused.
pub async fn connect(
    mut stream: Box<dyn Stream>,
    connect: Connect,
    max_packet_size: usize,
) -> Result<Connected, HandshakeError> {
    let version = connect.protocol;
    let keep_alive = connect.keep_alive;
    let mut out = BytesMut::new();
    encode_packet(&Packet::Connect(connect), version, &mut out)
        .map_err(|e| HandshakeError::Encode(e.to_string()))?;
    let written = out.len() as u64;
    stream.write_all(&out).await?;
    stream.flush().await?;
    let mut read_buf = BytesMut::with_capacity(1024);
    let mut read = 0u64;
    let connack = loop {
        // Looked at before decoding consumes anything.
        let tls_record = matches!(read_buf[..], [0x15 | 0x16, 0x03, ..]);
        let not_mqtt = |what| HandshakeError::NotMqtt { what, tls_record };
        match decode_packet(&mut read_buf, version, max_packet_size) {
            Ok(Some(Packet::ConnAck(connack))) => break connack,
            Ok(Some(other)) => {
                return Err(not_mqtt(format!("{} instead of CONNACK", other.kind())));
            }
            Ok(None) => {}
            Err(e) => return Err(not_mqtt(bad_packet(&e))),
        }
        read_buf.reserve(1024);
        let n = stream.read_buf(&mut read_buf).await?;
        if n == 0 {
            return Err(HandshakeError::Closed);
        }
        read += n as u64;
    };
    if connack.code != ReasonCode::SUCCESS {
        return Err(HandshakeError::Refused(Box::new(connack)));
    }
    Ok(Connected {
        stream,
        read_buf,
        limits: Limits::of(&connack, keep_alive),
        connack,
        bytes: (written, read),
    })
}

fn bad_packet(e: &DecodeError) -> String {
    format!("bad packet: {e}")
}

#[cfg(test)]
mod tests {
    use nanomq_codec::{ConnAckProperties, ProtocolVersion};

    use super::*;

    fn connect_packet() -> Connect {
        Connect {
            protocol: ProtocolVersion::V5,
            clean_start: true,
            keep_alive: 30,
            client_id: "c".into(),
            will: None,
            username: None,
            password: None,
            properties: Default::default(),
        }
    }

    /// A server on the other end of a pipe that reads the CONNECT and answers `answer`.
    async fn against(answer: Vec<u8>) -> Result<Connected, HandshakeError> {
        let (client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let mut buf = BytesMut::with_capacity(1024);
            let _ = server.read_buf(&mut buf).await;
            let _ = server.write_all(&answer).await;
        });
        connect(Box::new(client), connect_packet(), 1 << 20).await
    }

    fn encoded(packet: &Packet) -> Vec<u8> {
        let mut out = BytesMut::new();
        encode_packet(packet, ProtocolVersion::V5, &mut out).unwrap();
        out.to_vec()
    }

    #[tokio::test]
    async fn the_connack_gives_the_limits_and_the_bytes_after_it_are_kept() {
        let connack = ConnAck {
            session_present: true,
            code: ReasonCode::SUCCESS,
            properties: ConnAckProperties {
                server_keep_alive: Some(5),
                receive_maximum: Some(10),
                ..Default::default()
            },
        };
        let mut answer = encoded(&Packet::ConnAck(connack));
        answer.extend(encoded(&Packet::PingResp));
        let connected = against(answer).await.unwrap();
        assert!(connected.limits.session_present);
        assert_eq!(connected.limits.keep_alive, 5);
        assert_eq!(connected.limits.receive_maximum, 10);
        assert_eq!(connected.read_buf.len(), 2);
    }

    #[tokio::test]
    async fn a_refusal_a_tls_port_and_a_hang_up_are_told_apart() {
        let refused = ConnAck {
            session_present: false,
            code: ReasonCode::NOT_AUTHORIZED,
            properties: Default::default(),
        };
        let err = against(encoded(&Packet::ConnAck(refused)))
            .await
            .err()
            .unwrap();
        assert!(
            matches!(&err, HandshakeError::Refused(ack) if ack.code == ReasonCode::NOT_AUTHORIZED)
        );
        let tls_alert = vec![0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32];
        let err = against(tls_alert).await.err().unwrap();
        assert!(
            matches!(
                err,
                HandshakeError::NotMqtt {
                    tls_record: true,
                    ..
                }
            ),
            "{err}"
        );
        let err = against(Vec::new()).await.err().unwrap();
        assert!(matches!(err, HandshakeError::Closed), "{err}");
    }
}
