//! Small value types shared by every packet: protocol version, QoS, packet identifier.

use std::fmt;
use std::num::NonZeroU16;

/// The MQTT protocol version a connection speaks, by its CONNECT protocol level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ProtocolVersion {
    /// MQTT 3.1 (protocol name "MQIsdp", level 3).
    V3_1 = 3,
    /// MQTT 3.1.1 (protocol name "MQTT", level 4).
    V3_1_1 = 4,
    /// MQTT 5.0 (protocol name "MQTT", level 5).
    V5 = 5,
}

impl ProtocolVersion {
    /// The protocol level byte carried in CONNECT.
    pub fn level(self) -> u8 {
        self as u8
    }

    /// The protocol name string carried in CONNECT.
    pub fn protocol_name(self) -> &'static str {
        match self {
            Self::V3_1 => "MQIsdp",
            Self::V3_1_1 | Self::V5 => "MQTT",
        }
    }

    /// Whether this version carries properties and reason codes (MQTT 5.0).
    pub fn is_v5(self) -> bool {
        self == Self::V5
    }
}

/// Quality of service of a message or subscription.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum QoS {
    /// QoS 0: fire and forget.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: acknowledged with PUBACK.
    AtLeastOnce = 1,
    /// QoS 2: four-way handshake.
    ExactlyOnce = 2,
}

/// A byte that is not a QoS level (0, 1 or 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid QoS level {0}")]
pub struct InvalidQoS(pub u8);

impl TryFrom<u8> for QoS {
    type Error = InvalidQoS;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            0 => Ok(Self::AtMostOnce),
            1 => Ok(Self::AtLeastOnce),
            2 => Ok(Self::ExactlyOnce),
            other => Err(InvalidQoS(other)),
        }
    }
}

/// A packet identifier; zero is not a valid identifier on the wire, so it cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PacketId(NonZeroU16);

impl PacketId {
    /// Wraps `id`, or returns `None` for 0.
    pub fn new(id: u16) -> Option<Self> {
        NonZeroU16::new(id).map(Self)
    }

    /// The identifier as a plain integer (never 0).
    pub fn get(self) -> u16 {
        self.0.get()
    }
}

impl fmt::Display for PacketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The fifteen MQTT control packet types, by their fixed-header type number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PacketKind {
    /// CONNECT (1).
    Connect = 1,
    /// CONNACK (2).
    ConnAck = 2,
    /// PUBLISH (3).
    Publish = 3,
    /// PUBACK (4).
    PubAck = 4,
    /// PUBREC (5).
    PubRec = 5,
    /// PUBREL (6).
    PubRel = 6,
    /// PUBCOMP (7).
    PubComp = 7,
    /// SUBSCRIBE (8).
    Subscribe = 8,
    /// SUBACK (9).
    SubAck = 9,
    /// UNSUBSCRIBE (10).
    Unsubscribe = 10,
    /// UNSUBACK (11).
    UnsubAck = 11,
    /// PINGREQ (12).
    PingReq = 12,
    /// PINGRESP (13).
    PingResp = 13,
    /// DISCONNECT (14).
    Disconnect = 14,
    /// AUTH (15, MQTT 5.0 only).
    Auth = 15,
}

impl PacketKind {
    /// The kind for a fixed-header type number; `None` for the reserved type 0 and out-of-range values.
    pub fn from_type(value: u8) -> Option<Self> {
        const KINDS: [PacketKind; 15] = [
            PacketKind::Connect,
            PacketKind::ConnAck,
            PacketKind::Publish,
            PacketKind::PubAck,
            PacketKind::PubRec,
            PacketKind::PubRel,
            PacketKind::PubComp,
            PacketKind::Subscribe,
            PacketKind::SubAck,
            PacketKind::Unsubscribe,
            PacketKind::UnsubAck,
            PacketKind::PingReq,
            PacketKind::PingResp,
            PacketKind::Disconnect,
            PacketKind::Auth,
        ];
        KINDS.get(usize::from(value).checked_sub(1)?).copied()
    }

    /// The upper-case name the specifications use ("CONNECT", "PUBLISH", ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::ConnAck => "CONNACK",
            Self::Publish => "PUBLISH",
            Self::PubAck => "PUBACK",
            Self::PubRec => "PUBREC",
            Self::PubRel => "PUBREL",
            Self::PubComp => "PUBCOMP",
            Self::Subscribe => "SUBSCRIBE",
            Self::SubAck => "SUBACK",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::UnsubAck => "UNSUBACK",
            Self::PingReq => "PINGREQ",
            Self::PingResp => "PINGRESP",
            Self::Disconnect => "DISCONNECT",
            Self::Auth => "AUTH",
        }
    }
}

impl fmt::Display for PacketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_kind_round_trips_through_its_type_number() {
        assert_eq!(PacketKind::from_type(0), None);
        assert_eq!(PacketKind::from_type(16), None);
        for value in 1..=15 {
            let kind = PacketKind::from_type(value);
            assert_eq!(kind.map(|k| k as u8), Some(value));
        }
        assert_eq!(PacketKind::PubRel.to_string(), "PUBREL");
    }

    #[test]
    fn qos_and_packet_id_reject_out_of_range_values() {
        assert_eq!(QoS::try_from(2), Ok(QoS::ExactlyOnce));
        assert_eq!(QoS::try_from(3), Err(InvalidQoS(3)));
        assert_eq!(PacketId::new(0), None);
        assert_eq!(PacketId::new(7).map(PacketId::get), Some(7));
    }
}
