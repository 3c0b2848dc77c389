//! A small MQTT client over the broker's own codec, for `pub`, `sub` and `bench`: open a TCP
//! or TLS connection, CONNECT, then send and receive packets. Kept minimal and allocation-light
//! because `bench` runs thousands of these and must not be the bottleneck it measures.

pub mod tls;

use std::time::Duration;

use bytes::BytesMut;
use nanomq_codec::{
    ConnAck, Connect, ConnectProperties, Packet, ProtocolVersion, ReasonCode, decode_packet,
    encode_packet,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::CliError;

/// A byte stream to a broker: TCP or TLS over TCP.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Where and how to connect.
#[derive(Clone)]
pub struct Endpoint {
    /// Broker host name or address.
    pub host: String,
    /// Broker MQTT port.
    pub port: u16,
    /// TLS settings, when the connection is secure.
    pub tls: Option<tls::TlsClient>,
    /// Protocol version.
    pub version: ProtocolVersion,
    /// Username, if any.
    pub username: Option<String>,
    /// Password, if any.
    pub password: Option<String>,
    /// Keep alive in seconds.
    pub keep_alive: u16,
}

/// The largest packet accepted from the broker.
const MAX_INCOMING: usize = 268_435_455;

/// An open, connected MQTT session.
pub struct Connection {
    /// The stream.
    pub io: Box<dyn Io>,
    /// Bytes read and not yet decoded.
    pub read_buf: BytesMut,
    /// Protocol version in use.
    pub version: ProtocolVersion,
    /// The broker's CONNACK.
    pub connack: ConnAck,
}

/// Parses a protocol version as `-V` takes it: 3 (3.1), 4 (3.1.1), 5, or mqttv311 / mqttv5.
pub fn parse_version(text: &str) -> Result<ProtocolVersion, String> {
    match text {
        "3" | "31" | "mqttv31" => Ok(ProtocolVersion::V3_1),
        "4" | "311" | "mqttv311" => Ok(ProtocolVersion::V3_1_1),
        "5" | "mqttv5" => Ok(ProtocolVersion::V5),
        _ => Err(String::from("expected 3, 4 or 5")),
    }
}

impl Endpoint {
    /// Opens the transport (TCP, then TLS if configured).
    pub async fn open(&self) -> Result<Box<dyn Io>, CliError> {
        let addr = format!("{}:{}", self.host, self.port);
        let tcp = TcpStream::connect(&addr)
            .await
            .map_err(|e| CliError::Connect(format!("cannot reach broker at {addr}: {e}")))?;
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            None => Ok(Box::new(tcp)),
            Some(tls) => tls.wrap(&self.host, tcp).await,
        }
    }

    /// Opens the transport and completes CONNECT/CONNACK within `timeout`. Without
    /// `clean_start` the session is kept when the client leaves (MQTT 5: a Session Expiry
    /// Interval of "never", as clean session 0 means in 3.x).
    pub async fn connect(
        &self,
        client_id: &str,
        clean_start: bool,
        timeout: Duration,
    ) -> Result<Connection, CliError> {
        let connect = Connect {
            protocol: self.version,
            clean_start,
            keep_alive: self.keep_alive,
            client_id: client_id.to_owned(),
            will: None,
            username: self.username.clone(),
            password: self.password.clone().map(Into::into),
            properties: ConnectProperties {
                session_expiry_interval: (!clean_start && self.version == ProtocolVersion::V5)
                    .then_some(u32::MAX),
                ..ConnectProperties::default()
            },
        };
        let fut = async {
            let mut io = self.open().await?;
            let mut out = BytesMut::new();
            encode_packet(&Packet::Connect(connect), self.version, &mut out)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            io.write_all(&out)
                .await
                .map_err(|e| CliError::Connect(e.to_string()))?;
            io.flush()
                .await
                .map_err(|e| CliError::Connect(e.to_string()))?;
            let mut conn = Connection {
                io,
                read_buf: BytesMut::with_capacity(4096),
                version: self.version,
                connack: ConnAck {
                    session_present: false,
                    code: ReasonCode::SUCCESS,
                    properties: Default::default(),
                },
            };
            match conn.recv().await? {
                Packet::ConnAck(ack) if ack.code == ReasonCode::SUCCESS => {
                    conn.connack = ack;
                    Ok(conn)
                }
                Packet::ConnAck(ack) => Err(refusal(ack.code)),
                other => Err(CliError::Connect(format!(
                    "expected CONNACK, got {}",
                    other.kind()
                ))),
            }
        };
        tokio::time::timeout(timeout, fut).await.map_err(|_| {
            CliError::Connect(format!(
                "no CONNACK from {}:{} within {timeout:?}",
                self.host, self.port
            ))
        })?
    }
}

/// The error for a refused CONNECT.
fn refusal(code: ReasonCode) -> CliError {
    match code {
        ReasonCode::BAD_USERNAME_OR_PASSWORD => {
            CliError::Auth(String::from("broker refused: bad username or password"))
        }
        ReasonCode::NOT_AUTHORIZED => {
            CliError::Auth(String::from("broker refused: not authorized"))
        }
        other => CliError::Connect(format!(
            "broker refused the connection (reason 0x{:02x})",
            other.0
        )),
    }
}

impl Connection {
    /// Sends one packet.
    pub async fn send(&mut self, packet: &Packet) -> Result<(), CliError> {
        let mut out = BytesMut::new();
        encode_packet(packet, self.version, &mut out)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        self.io
            .write_all(&out)
            .await
            .map_err(|e| CliError::Connect(e.to_string()))?;
        self.io
            .flush()
            .await
            .map_err(|e| CliError::Connect(e.to_string()))
    }

    /// Receives one packet; the connection closing is an error.
    pub async fn recv(&mut self) -> Result<Packet, CliError> {
        loop {
            if let Some(packet) = self.try_decode()? {
                return Ok(packet);
            }
            self.read_buf.reserve(4096);
            let n = self
                .io
                .read_buf(&mut self.read_buf)
                .await
                .map_err(|e| CliError::Connect(e.to_string()))?;
            if n == 0 {
                return Err(CliError::Connect(String::from(
                    "the broker closed the connection",
                )));
            }
        }
    }

    /// Decodes one packet from what is already buffered.
    pub fn try_decode(&mut self) -> Result<Option<Packet>, CliError> {
        decode_packet(&mut self.read_buf, self.version, MAX_INCOMING)
            .map_err(|e| CliError::Other(format!("bad packet from broker: {e}")))
    }
}
