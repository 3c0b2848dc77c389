//! MQTT 3.1, 3.1.1 and 5.0 packets and their wire format, in both directions: the codec shared
//! by the broker (and its bridge) and `nanomq-cli` (pub, sub, bench). Hand-written because it is
//! the heart of the product and its hot path.
//!
//! A pure, zero-copy codec: [`decode_packet`] splits one whole packet off a `BytesMut` (payloads
//! and binary properties stay slices of it) and enforces the well-formedness rules of the
//! specifications; [`encode_packet`] sizes a packet once and appends it. No sockets, no
//! broker state. Rule ids such as `[MQTT-3.8.3-4]` in comments refer to the OASIS texts
//! (5.0 unless marked 3.1.1).
//!
//! Errors follow MQTT 5.0 §1.2 and §4.13: bytes that cannot be parsed as the packet's layout
//! (bad flags, lengths, UTF-8, unknown or misplaced properties) are a Malformed Packet (0x81);
//! a parsed value the specification forbids (duplicate property, packet identifier 0, an
//! out-of-range property value, a 5.0 reason code the packet type does not allow) is a Protocol
//! Error (0x82). Invalid topic names and filters get their own errors (0x90, 0x8F), as does
//! topic alias 0 (0x94). Checks that need connection state (topic alias upper bound, receive
//! maximum, a client sending Subscription Identifiers) are the broker's.

mod ack;
mod connack;
mod connect;
mod disconnect;
mod error;
mod frame;
mod packet;
mod properties;
mod publish;
mod reader;
mod reason;
mod subscribe;
mod topic;
mod types;
mod unsubscribe;
mod writer;

pub use ack::{AckKind, PubAck, PubComp, PubRec, PubRel, PublishAck};
pub use connack::ConnAck;
pub use connect::{Connect, LastWill};
pub use disconnect::{Auth, Disconnect};
pub use error::{DecodeError, EncodeError};
pub use packet::{
    Packet, decode_packet, encode_packet, encode_publish_head, encoded_len, peek_packet_len,
};
pub use properties::{
    AckProperties, AuthProperties, ConnAckProperties, ConnectProperties, DisconnectProperties,
    PublishProperties, SubscribeProperties, UnsubscribeProperties, WillProperties,
};
pub use publish::Publish;
pub use reason::ReasonCode;
pub use subscribe::{RetainHandling, SubAck, Subscribe, SubscribeFilter, SubscriptionOptions};
pub use topic::{
    MAX_TOPIC_LEN, SHARED_PREFIX, TopicError, exceeds_levels, is_shared_filter,
    validate_topic_filter, validate_topic_name,
};
pub use types::{InvalidQoS, PacketId, PacketKind, ProtocolVersion, QoS};
pub use unsubscribe::{UnsubAck, Unsubscribe};
pub use writer::MAX_VARINT;
