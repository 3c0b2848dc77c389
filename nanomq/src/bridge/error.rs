//! Why an upstream connection could not be opened, or ended: one error type for the
//! handshake and the link.

use std::io;

use nanomq_client::HandshakeError;
use nanomq_client::dial::DialFailure;

use crate::codec::{DecodeError, ReasonCode};

/// Why an upstream connection could not be opened or ended.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// A socket or TLS error.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The connection or the CONNACK took too long.
    #[error("no CONNACK in time")]
    Timeout,
    /// The upstream refused the connection.
    #[error("refused by the upstream (reason {:#04x})", .0.0)]
    Refused(ReasonCode),
    /// The upstream closed the connection.
    #[error("closed by the upstream")]
    Closed,
    /// The upstream sent something that does not decode.
    #[error("bad packet from the upstream: {0}")]
    Decode(#[from] DecodeError),
    /// The upstream sent a packet a server must not send, or not at that time.
    #[error("unexpected {0} from the upstream")]
    Unexpected(&'static str),
    /// The upstream sent DISCONNECT (MQTT 5).
    #[error("disconnected by the upstream (reason {:#04x})", .0.0)]
    Disconnected(ReasonCode),
    /// No PINGRESP (nor anything else) within the keep alive after a PINGREQ.
    #[error("keep alive timeout")]
    KeepAliveTimeout,
    /// The upstream used a topic alias although the bridge allows none.
    #[error("topic alias from the upstream, which was allowed none")]
    TopicAlias,
    /// A packet could not be encoded.
    #[error("cannot encode: {0}")]
    Encode(String),
    /// The upstream answered CONNECT with something that is not MQTT.
    #[error("the upstream answered with something that is not MQTT ({0})")]
    NotMqtt(String),
    /// The local store is over its quota: what the upstream sends is not acknowledged, and
    /// the link ends for the upstream to send it again later.
    #[error("the local store is full (persistence.max_bytes)")]
    StoreFull,
}

impl From<HandshakeError> for LinkError {
    fn from(error: HandshakeError) -> LinkError {
        match error {
            HandshakeError::Io(e) => LinkError::Io(e),
            HandshakeError::Encode(e) => LinkError::Encode(e),
            HandshakeError::Closed => LinkError::Closed,
            HandshakeError::Refused(connack) => LinkError::Refused(connack.code),
            HandshakeError::NotMqtt { what, tls_record } if tls_record => {
                LinkError::NotMqtt(format!("{what}; it speaks TLS: use mqtt-tls://"))
            }
            HandshakeError::NotMqtt { what, .. } => LinkError::NotMqtt(what),
        }
    }
}

impl From<DialFailure> for LinkError {
    fn from(failure: DialFailure) -> LinkError {
        LinkError::Io(failure.into())
    }
}
