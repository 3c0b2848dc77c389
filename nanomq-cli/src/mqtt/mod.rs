//! A small MQTT client over the broker's own codec, for `pub`, `sub` and `bench`: open a TCP
//! or TLS connection, CONNECT, then send and receive packets. Kept minimal and allocation-light
//! because `bench` runs thousands of these and must not be the bottleneck it measures.

pub mod tls;

use std::pin::Pin;
use std::time::Duration;

use bytes::BytesMut;
use nanomq_codec::{
    ConnAck, Connect, ConnectProperties, Packet, PacketKind, ProtocolVersion, ReasonCode,
    decode_packet, encode_packet,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

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
    /// The keep alive in force (the broker's Server Keep Alive if it gave one); zero: none.
    keep_alive: Duration,
    /// When a packet was last sent: a PINGREQ goes once the connection has been quiet for
    /// the keep alive.
    last_sent: Instant,
    /// When the PINGREQ still unanswered went.
    ping_sent: Option<Instant>,
    /// Wakes [`Connection::recv`] for the next keep-alive check (armed lazily: sending does
    /// not touch it, the check moves it on).
    ping_timer: Option<Pin<Box<Sleep>>>,
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
                keep_alive: Duration::ZERO,
                last_sent: Instant::now(),
                ping_sent: None,
                ping_timer: None,
            };
            let answer = conn.recv().await.map_err(|error| match error {
                CliError::Other(reason) => not_mqtt(&conn.read_buf, &reason),
                other => other,
            })?;
            match answer {
                Packet::ConnAck(ack) if ack.code == ReasonCode::SUCCESS => {
                    let seconds = ack.properties.server_keep_alive.unwrap_or(self.keep_alive);
                    conn.keep_alive = Duration::from_secs(u64::from(seconds));
                    conn.connack = ack;
                    Ok(conn)
                }
                Packet::ConnAck(ack) => {
                    let mut error =
                        refused("connection", ack.code, self.version, PacketKind::ConnAck);
                    if self.username.is_none()
                        && let CliError::Auth(text) = &mut error
                    {
                        text.push_str(
                            " (connected without a username: give -u/--username and -P/--password)",
                        );
                    }
                    Err(error)
                }
                other => Err(not_mqtt(
                    &conn.read_buf,
                    &format!("{} instead of CONNACK", other.kind()),
                )),
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

/// The error for an answer to CONNECT that is not MQTT (`reason` says how); when it starts
/// as a TLS record does (an alert or a handshake, version 3.x), the port is a TLS one.
fn not_mqtt(answer: &[u8], reason: &str) -> CliError {
    let tls_record = matches!(answer, [0x15 | 0x16, 0x03, ..]);
    CliError::Connect(if tls_record {
        String::from(
            "the server answered with something that is not MQTT: is this a TLS port? try --tls",
        )
    } else {
        format!("the server answered with something that is not MQTT ({reason})")
    })
}

fn closed() -> CliError {
    CliError::Connect(String::from("the broker closed the connection"))
}

/// A reason code in words, with its number as it was on the wire: `Not authorized (0x87)`
/// (MQTT 5), `Not authorized (return code 5)` (a 3.x CONNACK), `Failure (0x80; …)` (a 3.1.1
/// SUBACK, which has no other).
pub fn in_words(reason: ReasonCode, version: ProtocolVersion, kind: PacketKind) -> String {
    match (version, kind) {
        (ProtocolVersion::V5, _) => format!("{} (0x{:02x})", reason.error_name(), reason.0),
        (_, PacketKind::ConnAck) => format!(
            "{} (return code {})",
            reason.error_name(),
            reason.to_v3_connect_return()
        ),
        _ => format!(
            "Failure (0x{:02x}; MQTT 3.1.1 gives no reason, -V 5 does)",
            reason.0
        ),
    }
}

/// The error for a refusal by the broker: an authentication or authorization refusal is
/// exit status 4, any other 6.
pub fn refused(
    what: &str,
    reason: ReasonCode,
    version: ProtocolVersion,
    kind: PacketKind,
) -> CliError {
    let text = format!("{what} refused: {}", in_words(reason, version, kind));
    match reason {
        ReasonCode::BAD_USERNAME_OR_PASSWORD | ReasonCode::NOT_AUTHORIZED => CliError::Auth(text),
        _ => CliError::Server(text),
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
            .map_err(|e| CliError::Connect(e.to_string()))?;
        self.last_sent = Instant::now();
        Ok(())
    }

    /// Receives one packet; the connection closing is an error. While it waits it keeps the
    /// connection alive: a PINGREQ once nothing has been sent for the keep alive (as
    /// `mosquitto_sub` does), and an error when the broker has not answered one within
    /// another keep alive. PINGRESP is returned like any packet.
    pub async fn recv(&mut self) -> Result<Packet, CliError> {
        loop {
            if let Some(packet) = self.try_decode()? {
                if matches!(packet, Packet::PingResp) {
                    self.ping_sent = None;
                }
                return Ok(packet);
            }
            self.read_buf.reserve(4096);
            if self.keep_alive.is_zero() {
                self.read_more().await?;
                continue;
            }
            let due = self.next_keep_alive_check();
            let timer = self
                .ping_timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
            if timer.deadline() != due {
                timer.as_mut().reset(due);
            }
            tokio::select! {
                read = self.io.read_buf(&mut self.read_buf) => {
                    let n = read.map_err(|e| CliError::Connect(e.to_string()))?;
                    if n == 0 {
                        return Err(closed());
                    }
                }
                () = timer.as_mut() => self.keep_alive_check().await?,
            }
        }
    }

    async fn read_more(&mut self) -> Result<(), CliError> {
        let n = self
            .io
            .read_buf(&mut self.read_buf)
            .await
            .map_err(|e| CliError::Connect(e.to_string()))?;
        if n == 0 {
            return Err(closed());
        }
        Ok(())
    }

    /// When the keep alive next needs looking at: the answer to a PINGREQ is due, or the
    /// connection will have been quiet for a keep alive.
    fn next_keep_alive_check(&self) -> Instant {
        match self.ping_sent {
            Some(sent) => sent + self.keep_alive,
            None => self.last_sent + self.keep_alive,
        }
    }

    async fn keep_alive_check(&mut self) -> Result<(), CliError> {
        let now = Instant::now();
        if let Some(sent) = self.ping_sent {
            if now >= sent + self.keep_alive {
                return Err(CliError::Connect(format!(
                    "no answer from the broker to PINGREQ within {:?}",
                    self.keep_alive
                )));
            }
            return Ok(());
        }
        if now >= self.last_sent + self.keep_alive {
            self.send(&Packet::PingReq).await?;
            self.ping_sent = Some(self.last_sent);
        }
        Ok(())
    }

    /// Decodes one packet from what is already buffered.
    pub fn try_decode(&mut self) -> Result<Option<Packet>, CliError> {
        decode_packet(&mut self.read_buf, self.version, MAX_INCOMING)
            .map_err(|e| CliError::Other(format!("bad packet from broker: {e}")))
    }
}
