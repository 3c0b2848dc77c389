//! Opening an upstream connection: CONNECT out, CONNACK back, and what the CONNACK says about
//! the upstream's limits (MQTT 5).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::dial::UpstreamStream;
use super::error::LinkError;
use super::options::BridgeOptions;
use crate::codec::{
    ConnAck, Connect, ConnectProperties, Packet, ProtocolVersion, QoS, ReasonCode, decode_packet,
    encode_packet,
};

/// Session expiry asked for with MQTT 5 when `clean_start` is off: never, as a 3.1.1
/// persistent session.
const PERSISTENT_SESSION_EXPIRY: u32 = u32::MAX;

/// What the upstream's CONNACK allows.
#[derive(Debug, Clone)]
pub struct UpstreamLimits {
    /// Whether the upstream still had our session.
    pub session_present: bool,
    /// Keep alive to use, seconds (MQTT 5 Server Keep Alive overrides ours).
    pub keep_alive: u16,
    /// QoS 1/2 publishes the upstream accepts in flight (Receive Maximum).
    pub receive_maximum: usize,
    /// Highest QoS the upstream accepts.
    pub maximum_qos: QoS,
    /// Whether the upstream accepts retained messages.
    pub retain_available: bool,
    /// Largest packet the upstream accepts.
    pub maximum_packet_size: usize,
}

/// An upstream connection that has been accepted.
pub struct Connected {
    /// The byte stream.
    pub stream: Box<dyn UpstreamStream>,
    /// Bytes that arrived after the CONNACK.
    pub read_buf: BytesMut,
    /// The upstream's limits.
    pub limits: UpstreamLimits,
    /// Bytes written and read during the handshake.
    pub bytes: (u64, u64),
}

/// The CONNECT the bridge sends.
pub fn connect_packet(options: &BridgeOptions) -> Connect {
    let mut properties = ConnectProperties::default();
    if options.version == ProtocolVersion::V5 {
        if !options.clean_start {
            properties.session_expiry_interval = Some(PERSISTENT_SESSION_EXPIRY);
        }
        properties.maximum_packet_size = u32::try_from(options.max_packet_size).ok();
    }
    Connect {
        protocol: options.version,
        clean_start: options.clean_start,
        keep_alive: options.keep_alive,
        client_id: options.client_id.clone(),
        will: None,
        username: options.username.clone(),
        password: options.password.clone().map(Bytes::from),
        properties,
    }
}

/// Sends CONNECT on `stream` and waits for a successful CONNACK (the caller bounds the time).
pub async fn open(
    mut stream: Box<dyn UpstreamStream>,
    options: &BridgeOptions,
) -> Result<Connected, LinkError> {
    let mut out = BytesMut::new();
    encode_packet(
        &Packet::Connect(connect_packet(options)),
        options.version,
        &mut out,
    )
    .map_err(|e| LinkError::Encode(e.to_string()))?;
    let written = out.len() as u64;
    stream.write_all(&out).await?;
    let mut read_buf = BytesMut::with_capacity(1024);
    let mut read = 0u64;
    let connack = loop {
        match decode_packet(&mut read_buf, options.version, options.max_packet_size)? {
            Some(Packet::ConnAck(connack)) => break connack,
            Some(other) => return Err(LinkError::Unexpected(other.kind().name())),
            None => {}
        }
        let n = stream.read_buf(&mut read_buf).await?;
        if n == 0 {
            return Err(LinkError::Closed);
        }
        read += n as u64;
    };
    if connack.code != ReasonCode::SUCCESS {
        return Err(LinkError::Refused(connack.code));
    }
    Ok(Connected {
        stream,
        read_buf,
        limits: limits(&connack, options),
        bytes: (written, read),
    })
}

fn limits(connack: &ConnAck, options: &BridgeOptions) -> UpstreamLimits {
    let p = &connack.properties;
    UpstreamLimits {
        session_present: connack.session_present,
        keep_alive: p.server_keep_alive.unwrap_or(options.keep_alive),
        receive_maximum: p.receive_maximum.map_or(usize::from(u16::MAX), usize::from),
        maximum_qos: p.maximum_qos.unwrap_or(QoS::ExactlyOnce),
        retain_available: p.retain_available.unwrap_or(true),
        maximum_packet_size: p
            .maximum_packet_size
            .and_then(|size| usize::try_from(size).ok())
            .unwrap_or(usize::MAX),
    }
}

impl UpstreamLimits {
    /// Keep alive as a duration; `None` when off.
    pub fn keep_alive(&self) -> Option<Duration> {
        (self.keep_alive > 0).then(|| Duration::from_secs(u64::from(self.keep_alive)))
    }
}
