//! Why a packet could not be decoded or encoded, and the reason code a server answers with.

use super::reason::ReasonCode;
use super::topic::TopicError;
use super::types::{PacketKind, ProtocolVersion};

/// Why bytes from the network are not a valid packet; the connection should then be closed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes cannot be parsed as the specification lays the packet out.
    #[error("malformed packet: {0}")]
    MalformedPacket(&'static str),
    /// The packet parses but carries something the specification forbids.
    #[error("protocol error: {0}")]
    ProtocolError(&'static str),
    /// The fixed header announces a packet larger than the receiver accepts.
    #[error("packet of {size} bytes exceeds the maximum of {max} bytes")]
    PacketTooLarge {
        /// Whole packet size announced by the fixed header.
        size: usize,
        /// The maximum the caller accepts.
        max: usize,
    },
    /// CONNECT names a known protocol at a level this codec does not speak; answer with a
    /// CONNACK in the form the level suggests (5.0 for level 5 and above, else 3.1.1).
    #[error("unsupported protocol version: {name} level {level}")]
    UnsupportedProtocolVersion {
        /// The protocol name ("MQTT" or "MQIsdp").
        name: &'static str,
        /// The protocol level byte.
        level: u8,
    },
    /// A PUBLISH topic or will topic is not a valid topic name.
    #[error("invalid topic name: {0}")]
    TopicNameInvalid(TopicError),
    /// A SUBSCRIBE or UNSUBSCRIBE topic filter is not valid.
    #[error("invalid topic filter: {0}")]
    TopicFilterInvalid(TopicError),
    /// A PUBLISH carries topic alias 0 (MQTT 5.0 §3.3.2.3.4).
    #[error("topic alias 0 is not allowed")]
    TopicAliasInvalid,
}

impl DecodeError {
    /// The MQTT 5.0 reason code a server puts in its CONNACK or DISCONNECT for this error.
    ///
    /// A 3.x connection has no DISCONNECT reason to send and is simply closed; the one error
    /// a 3.x server answers is [`DecodeError::UnsupportedProtocolVersion`], with CONNACK
    /// return code 1 (which [`super::ConnAck`] maps from this 0x84).
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::MalformedPacket(_) => ReasonCode::MALFORMED_PACKET,
            Self::ProtocolError(_) => ReasonCode::PROTOCOL_ERROR,
            Self::PacketTooLarge { .. } => ReasonCode::PACKET_TOO_LARGE,
            Self::UnsupportedProtocolVersion { .. } => ReasonCode::UNSUPPORTED_PROTOCOL_VERSION,
            Self::TopicNameInvalid(_) => ReasonCode::TOPIC_NAME_INVALID,
            Self::TopicFilterInvalid(_) => ReasonCode::TOPIC_FILTER_INVALID,
            Self::TopicAliasInvalid => ReasonCode::TOPIC_ALIAS_INVALID,
        }
    }
}

/// Why a packet cannot be put on the wire; nothing is appended to the buffer then.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The remaining length would exceed 268,435,455 bytes.
    #[error("packet body of {size} bytes exceeds the 268,435,455-byte limit")]
    PacketTooLarge {
        /// The remaining length the packet would need.
        size: usize,
    },
    /// A string or binary field is longer than its 16-bit length prefix allows.
    #[error("field of {len} bytes exceeds the 65,535-byte limit")]
    FieldTooLong {
        /// The field's length in bytes.
        len: usize,
    },
    /// A variable byte integer value (such as a subscription identifier) exceeds 268,435,455.
    #[error("value {value} does not fit a variable byte integer")]
    VarIntTooLarge {
        /// The value.
        value: u32,
    },
    /// The packet type does not exist in that protocol version (AUTH before 5.0).
    #[error("{kind} does not exist in protocol level {}", version.level())]
    NotInVersion {
        /// The packet type.
        kind: PacketKind,
        /// The version it was to be encoded for.
        version: ProtocolVersion,
    },
    /// The packet's fields contradict each other (e.g. QoS 1 without a packet identifier).
    #[error("invalid packet: {0}")]
    InvalidPacket(&'static str),
}
