//! The start of a connection: read CONNECT (within the socket's pre-CONNECT budget), check it
//! as a matter of protocol, have the broker authenticate the client, admit it, and open (or
//! resume, or take over) its session, then answer CONNACK.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use chrono::Local;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::admission::{Admission, FREE_CONNECT_BYTES, PRE_CONNECT_TIMEOUT, PendingTicket};
use crate::broker::lifecycle::OpenRequest;
use crate::broker::limits::Refused;
use crate::broker::{Broker, Identity, Settings};
use crate::codec::{
    ConnAck, ConnAckProperties, Connect, DecodeError, LastWill, Packet, ProtocolVersion,
    ReasonCode, decode_packet, encode_packet, peek_packet_len,
};
use crate::session::inflight::DeliveryState;
use crate::session::{ClientDetails, Link, LinkSignal, Session, WillSummary};

/// Bytes read at a time while the CONNECT's size is not known yet.
const READ_CHUNK: usize = 512;
/// How long writing CONNACK may take.
const CONNACK_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a persistent session's CONNACK waits for the session to be on disk.
const STORE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the client asked for that the broker honours towards it.
#[derive(Debug, Clone, Copy)]
pub struct ClientLimits {
    /// QoS 1/2 messages the broker may have in flight towards the client.
    pub receive_maximum: u16,
    /// Largest packet the client accepts.
    pub max_packet_size: usize,
    /// Topic aliases the client accepts from the broker.
    pub topic_alias_maximum: u16,
}

/// A connection that passed CONNECT and got a successful CONNACK.
pub struct Accepted<S> {
    /// The transport.
    pub stream: S,
    /// Bytes read after CONNECT.
    pub read_buf: BytesMut,
    /// Protocol version of the connection.
    pub version: ProtocolVersion,
    /// Keep alive in seconds (0 = none).
    pub keep_alive: u16,
    /// The will, if any (boxed: most connections have none, and every byte of an idle
    /// connection counts).
    pub will: Option<Box<LastWill>>,
    /// Session expiry interval in seconds (`u32::MAX`: never; 0: ends with the connection).
    pub expiry_interval: u32,
    /// The session served.
    pub session: Arc<Session>,
    /// Its acknowledgement state, taken from the session.
    pub state: DeliveryState,
    /// Whether the session was resumed.
    pub present: bool,
    /// Orders from outside (takeover, kick), and where to say the connection has finished.
    pub signal: Arc<LinkSignal>,
    /// What the client accepts.
    pub client: ClientLimits,
    /// Who the client authenticated as.
    pub identity: Arc<Identity>,
}

/// Why a connection ended before it was accepted.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// No CONNECT in time.
    #[error("no CONNECT within {0:?}")]
    Timeout(Duration),
    /// Pushed out by newer sockets while too many were waiting for their CONNECT.
    #[error("evicted: too many connections waiting for CONNECT")]
    Evicted,
    /// The CONNECT announced more bytes than the shared pre-CONNECT budget had left.
    #[error("CONNECT of {0} bytes does not fit in the pre-CONNECT budget")]
    OverBudget(usize),
    /// The socket closed or failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The first packet could not be decoded.
    #[error("bad CONNECT: {0}")]
    Decode(#[from] DecodeError),
    /// The first packet was not CONNECT.
    #[error("first packet was {0}, not CONNECT")]
    NotConnect(&'static str),
    /// CONNECT was understood and refused with this reason (CONNACK sent).
    #[error("refused: reason 0x{:02x}", .0.0)]
    Refused(ReasonCode),
    /// The broker is shutting down.
    #[error("shutting down")]
    Shutdown,
}

/// What a handshake starts from besides the stream.
pub struct Start<'a> {
    /// The client's address.
    pub peer: SocketAddr,
    /// The broker.
    pub broker: &'a Broker,
    /// The settings in force.
    pub settings: &'a Settings,
    /// The connection's number.
    pub conn_id: u64,
    /// Cancelled when the broker stops or restarts.
    pub shutdown: &'a CancellationToken,
    /// The socket's place among those waiting for CONNECT (its deadline, its eviction).
    pub pending: PendingTicket,
    /// The subject of the client's TLS certificate, when it presented one.
    pub cert_subject: Option<Arc<str>>,
}

/// Reads and answers CONNECT. Shutdown (and eviction) interrupts only the wait for CONNECT:
/// once the session is opened, the handshake runs to its (bounded) end, so that the
/// connection ends through the normal path (detaching from the session, releasing a takeover)
/// rather than leaving the session linked to a connection that never ran.
pub async fn accept<S>(mut stream: S, start: Start<'_>) -> Result<Box<Accepted<S>>, HandshakeError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Start {
        peer,
        broker,
        settings,
        conn_id,
        shutdown,
        pending,
        cert_subject,
    } = start;
    let mut read_buf = BytesMut::with_capacity(READ_CHUNK);
    let read = tokio::time::timeout_at(
        pending.deadline,
        read_connect(
            &mut stream,
            &mut read_buf,
            settings.max_packet_size,
            broker.admission(),
        ),
    );
    let connect = tokio::select! {
        read = read => read.map_err(|_| HandshakeError::Timeout(PRE_CONNECT_TIMEOUT))?,
        () = pending.evicted() => return Err(HandshakeError::Evicted),
        () = shutdown.cancelled() => return Err(HandshakeError::Shutdown),
    };
    drop(pending);
    let mut connect = match connect {
        Ok(connect) => connect,
        Err(HandshakeError::Decode(DecodeError::UnsupportedProtocolVersion { .. })) => {
            // [MQTT-3.1.2-2]: answer in the 3.1.1 format, which every client can read.
            let connack = ConnAck {
                session_present: false,
                code: ReasonCode::UNSUPPORTED_PROTOCOL_VERSION,
                properties: ConnAckProperties::default(),
            };
            send_connack(&mut stream, ProtocolVersion::V3_1_1, connack).await;
            return Err(HandshakeError::Refused(
                ReasonCode::UNSUPPORTED_PROTOCOL_VERSION,
            ));
        }
        Err(e) => return Err(e),
    };
    let version = connect.protocol;

    let checked = check_connect(&connect, settings);
    let mut assigned = None;
    if checked.is_ok() && connect.client_id.is_empty() {
        // Unique in this broker by the connection number (which a restart does not reset),
        // unguessable by the random part.
        let id = format!("nanomq-{:08x}-{conn_id:x}", fastrand::u32(..));
        connect.client_id.clone_from(&id);
        assigned = Some(id);
    }
    let admitted = match checked {
        Ok(()) => admit(broker, settings, &connect, peer, cert_subject).await,
        Err(code) => Err(code),
    };
    let identity = match admitted {
        Ok(identity) => identity,
        Err(code) => return Err(refuse(&mut stream, version, code).await),
    };

    let expiry_interval = match version {
        ProtocolVersion::V5 => connect.properties.session_expiry_interval.unwrap_or(0),
        _ if connect.clean_start => 0,
        _ => u32::MAX,
    };
    // `check_connect` refused a 3.x client asking for more than `max_keepalive`; an MQTT 5
    // client gets the cap as Server Keep Alive.
    let max = settings.max_keepalive;
    let capped = max > 0 && (connect.keep_alive == 0 || connect.keep_alive > max);
    if capped {
        connect.keep_alive = max;
    }
    let details = ClientDetails {
        username: connect.username.clone(),
        protocol: version,
        keep_alive: connect.keep_alive,
        clean_start: connect.clean_start,
        peer: Some(peer),
        connected_at: Local::now(),
        will: connect.will.as_ref().map(WillSummary::of),
        expiry_interval,
    };
    let signal = Arc::new(LinkSignal::default());
    let request = OpenRequest {
        clean_start: connect.clean_start,
        details,
        link: Link {
            conn_id,
            signal: Arc::clone(&signal),
            identity: Arc::clone(&identity),
        },
    };
    let opened = match broker.open_session(&identity, request).await {
        Ok(opened) => opened,
        Err(code) => {
            broker.metrics().connections.sub(1);
            return Err(refuse(&mut stream, version, code).await);
        }
    };

    let mut properties = ConnAckProperties::default();
    if version == ProtocolVersion::V5 {
        properties.receive_maximum = Some(settings.window);
        properties.maximum_packet_size = u32::try_from(settings.max_packet_size).ok();
        properties.topic_alias_maximum = Some(settings.max_topic_alias);
        properties.assigned_client_identifier = assigned;
        properties.server_keep_alive = capped.then_some(max);
    }
    let connack = ConnAck {
        session_present: opened.present,
        code: ReasonCode::SUCCESS,
        properties,
    };
    // A persistent session's CONNACK goes once the session is on disk. If the store cannot
    // get there (a failing disk), no CONNACK: the client's socket is closed instead, and the
    // connection ends through the normal path.
    let stored = tokio::time::timeout(STORE_TIMEOUT, broker.durable(opened.ticket)).await;
    let mut out = BytesMut::new();
    if stored.is_err() {
        let _ = tokio::time::timeout(CONNACK_TIMEOUT, stream.shutdown()).await;
    } else if encode_packet(&Packet::ConnAck(connack), version, &mut out).is_ok() {
        // A failure here is not returned: the session is attached now, and the connection
        // loop notices the dead socket at once and ends through the normal path (will,
        // session parking, the link's "finished"), which an early return would skip.
        // TLS and WebSocket streams hold written bytes until flushed.
        let write = async {
            if stream.write_all(&out).await.is_ok() {
                let _ = stream.flush().await;
            }
        };
        // Bounded, as this is no longer interrupted by shutdown.
        let _ = tokio::time::timeout(CONNACK_TIMEOUT, write).await;
    }

    let client = ClientLimits {
        receive_maximum: connect.properties.receive_maximum.unwrap_or(u16::MAX),
        max_packet_size: connect
            .properties
            .maximum_packet_size
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(usize::MAX),
        topic_alias_maximum: connect.properties.topic_alias_maximum.unwrap_or(0),
    };
    Ok(Box::new(Accepted {
        stream,
        read_buf,
        version,
        keep_alive: connect.keep_alive,
        will: connect.will.take().map(Box::new),
        expiry_interval,
        session: opened.session,
        state: opened.state,
        present: opened.present,
        signal,
        client,
        identity,
    }))
}

/// Authenticates the client, then counts it in `metrics.connections` (the connection's end
/// uncounts it) unless `max_connections` are connected already.
async fn admit(
    broker: &Broker,
    settings: &Settings,
    connect: &Connect,
    peer: SocketAddr,
    cert_subject: Option<Arc<str>>,
) -> Result<Arc<Identity>, ReasonCode> {
    let identity = broker.authenticate(connect, peer, cert_subject).await?;
    if broker.under_memory_pressure() {
        broker.refuse(Refused::Connection, &connect.client_id, "max_memory");
        return Err(ReasonCode::QUOTA_EXCEEDED);
    }
    let connections = &broker.metrics().connections;
    if broker
        .admission()
        .admit(connections, settings.max_connections)
    {
        Ok(identity)
    } else {
        warn!(%peer, max_connections = settings.max_connections, "connection refused: too many clients");
        Err(ReasonCode::QUOTA_EXCEEDED)
    }
}

/// Reads until one whole packet is buffered; it must be CONNECT. A CONNECT larger than
/// [`FREE_CONNECT_BYTES`] is buffered only once the shared budget has room for it (the room is
/// given back when it has been read), so half-open sockets announcing large packets cost
/// nothing beyond that budget.
async fn read_connect<S>(
    stream: &mut S,
    buf: &mut BytesMut,
    max_size: usize,
    admission: &Admission,
) -> Result<Connect, HandshakeError>
where
    S: AsyncRead + Unpin,
{
    // The version passed here is ignored for CONNECT, which carries its own.
    let version = ProtocolVersion::V3_1_1;
    let mut budget = None;
    loop {
        if let Some(packet) = decode_packet(buf, version, max_size)? {
            return match packet {
                Packet::Connect(connect) => Ok(connect),
                other => Err(HandshakeError::NotConnect(other.kind().name())),
            };
        }
        let want = match peek_packet_len(buf, version)? {
            Some(size) => {
                if size > FREE_CONNECT_BYTES && budget.is_none() {
                    let permit = admission
                        .reserve_connect(size)
                        .ok_or(HandshakeError::OverBudget(size))?;
                    budget = Some(permit);
                }
                size - buf.len()
            }
            None => READ_CHUNK,
        };
        buf.reserve(want);
        if stream.read_buf(buf).await? == 0 {
            return Err(HandshakeError::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
    }
}

/// Checks what CONNECT asks for as a matter of protocol; the error is the CONNACK reason to
/// refuse it with. Who the client is, and what it may do, is the broker's to say
/// ([`Broker::authenticate`]).
fn check_connect(connect: &Connect, settings: &Settings) -> Result<(), ReasonCode> {
    let version = connect.protocol;
    if version == ProtocolVersion::V5 && connect.properties.authentication_method.is_some() {
        // Enhanced authentication (AUTH exchanges) is not offered.
        return Err(ReasonCode::BAD_AUTHENTICATION_METHOD);
    }
    let will_properties = connect
        .will
        .as_ref()
        .map_or(0, |w| w.properties.user_properties.len());
    let properties = connect
        .properties
        .user_properties
        .len()
        .max(will_properties);
    if properties > settings.max_user_properties {
        // `property_size`: see the connection's check of PUBLISH and SUBSCRIBE.
        return Err(ReasonCode::IMPLEMENTATION_SPECIFIC_ERROR);
    }
    let max = settings.max_keepalive;
    if version != ProtocolVersion::V5
        && max > 0
        && (connect.keep_alive == 0 || connect.keep_alive > max)
    {
        // MQTT 3.x has no way to tell the client a lower keep alive (as Mosquitto does).
        return Err(ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
    }
    if connect.client_id.chars().any(char::is_control) {
        // As Mosquitto does: an id with control characters is refused rather than carried
        // into logs, the API and the store.
        return Err(ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
    }
    if connect.client_id.is_empty() {
        let allowed = match version {
            ProtocolVersion::V5 => true,
            // [MQTT-3.1.3-7], [MQTT-3.1.3-8]
            ProtocolVersion::V3_1_1 => connect.clean_start,
            // MQTT 3.1 requires 1 to 23 characters.
            ProtocolVersion::V3_1 => false,
        };
        if !allowed {
            return Err(ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
        }
    }
    Ok(())
}

/// Refuses the connection with `code` in a CONNACK, and closes it.
async fn refuse<S: AsyncWrite + Unpin>(
    stream: &mut S,
    version: ProtocolVersion,
    code: ReasonCode,
) -> HandshakeError {
    let connack = ConnAck {
        session_present: false,
        code,
        properties: ConnAckProperties::default(),
    };
    send_connack(stream, version, connack).await;
    HandshakeError::Refused(code)
}

/// Sends a CONNACK and closes; errors are moot, the connection is ending anyway.
async fn send_connack<S: AsyncWrite + Unpin>(
    stream: &mut S,
    version: ProtocolVersion,
    ack: ConnAck,
) {
    let mut out = BytesMut::new();
    if encode_packet(&Packet::ConnAck(ack), version, &mut out).is_ok() {
        let _ = stream.write_all(&out).await;
        let _ = stream.shutdown().await;
    }
}
