//! SUBSCRIBE and SUBACK (MQTT 3.1.1 §3.8-§3.9, 5.0 §3.8-§3.9).

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::properties::{self, AckProperties, SubscribeProperties};
use super::reader::Reader;
use super::reason::ReasonCode;
use super::topic::{is_shared_filter, validate_topic_filter};
use super::types::{PacketId, PacketKind, ProtocolVersion, QoS};
use super::writer::{field_len, put_field};

/// A request to add subscriptions.
///
/// Decoding rejects an invalid filter as [`DecodeError::TopicFilterInvalid`] (reason 0x8F) and
/// the whole packet with it, since the packet is then not well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    /// Packet identifier, echoed in SUBACK.
    pub packet_id: PacketId,
    /// The subscriptions, at least one.
    pub filters: Vec<SubscribeFilter>,
    /// SUBSCRIBE properties (5.0 only; empty otherwise).
    pub properties: SubscribeProperties,
}

/// One topic filter and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeFilter {
    /// The topic filter, possibly `$share/{group}/{filter}`.
    pub filter: String,
    /// The subscription options.
    pub options: SubscriptionOptions,
}

/// Subscription options (5.0 §3.8.3.1); 3.x has only `qos`, the others are then defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubscriptionOptions {
    /// Maximum QoS the subscriber accepts.
    pub qos: QoS,
    /// Do not deliver the subscriber's own publications back to it.
    pub no_local: bool,
    /// Keep the RETAIN flag of forwarded messages as published.
    pub retain_as_published: bool,
    /// When to send retained messages.
    pub retain_handling: RetainHandling,
}

/// When retained messages are sent for a new subscription.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RetainHandling {
    /// Send them whenever the subscription is made.
    #[default]
    SendAtSubscribe = 0,
    /// Send them only if the subscription did not already exist.
    SendIfNew = 1,
    /// Never send them.
    DoNotSend = 2,
}

/// The server's answer to SUBSCRIBE: one reason code per filter, in order.
///
/// 3.x can only express granted QoS 0..=2 and failure; every error code is sent as 0x80.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck {
    /// Identifier of the SUBSCRIBE being answered.
    pub packet_id: PacketId,
    /// Granted QoS (0x00..=0x02) or an error, per filter.
    pub reasons: Vec<ReasonCode>,
    /// Properties (5.0 only; empty otherwise).
    pub properties: AckProperties,
}

const NO_LOCAL: u8 = 0b0000_0100;
const RETAIN_AS_PUBLISHED: u8 = 0b0000_1000;
const RETAIN_HANDLING_SHIFT: u8 = 4;

impl SubscriptionOptions {
    fn decode(byte: u8, version: ProtocolVersion) -> Result<Self, DecodeError> {
        let reserved = if version.is_v5() {
            0b1100_0000
        } else {
            0b1111_1100
        };
        if byte & reserved != 0 {
            // [MQTT-3.8.3-5] (5.0), [MQTT-3.8.3-4] (3.1.1)
            return Err(DecodeError::MalformedPacket(
                "reserved subscription option bits set",
            ));
        }
        let qos = QoS::try_from(byte & 0b11).map_err(|_| {
            if version.is_v5() {
                // 5.0 §3.8.3.1
                DecodeError::ProtocolError("subscription QoS 3")
            } else {
                // [MQTT-3-8.3-4] (3.1.1)
                DecodeError::MalformedPacket("subscription QoS 3")
            }
        })?;
        let retain_handling = match (byte >> RETAIN_HANDLING_SHIFT) & 0b11 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendIfNew,
            2 => RetainHandling::DoNotSend,
            _ => return Err(DecodeError::ProtocolError("retain handling 3")),
        };
        Ok(Self {
            qos,
            no_local: byte & NO_LOCAL != 0,
            retain_as_published: byte & RETAIN_AS_PUBLISHED != 0,
            retain_handling,
        })
    }

    fn encode(self, version: ProtocolVersion) -> u8 {
        let mut byte = self.qos as u8;
        if version.is_v5() {
            if self.no_local {
                byte |= NO_LOCAL;
            }
            if self.retain_as_published {
                byte |= RETAIN_AS_PUBLISHED;
            }
            byte |= (self.retain_handling as u8) << RETAIN_HANDLING_SHIFT;
        }
        byte
    }
}

impl Subscribe {
    /// Reads the variable header and payload.
    pub(super) fn decode(version: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = r.packet_id()?;
        let properties = if version.is_v5() {
            properties::decode(r)?
        } else {
            SubscribeProperties::default()
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter = r.str()?;
            validate_topic_filter(filter).map_err(DecodeError::TopicFilterInvalid)?;
            let filter = filter.to_owned();
            let options = SubscriptionOptions::decode(r.u8()?, version)?;
            if options.no_local && is_shared_filter(&filter) {
                // [MQTT-3.8.3-4]
                return Err(DecodeError::ProtocolError(
                    "no local on a shared subscription",
                ));
            }
            filters.push(SubscribeFilter { filter, options });
        }
        if filters.is_empty() {
            // [MQTT-3.8.3-2] (5.0), [MQTT-3.8.3-3] (3.1.1)
            return Err(DecodeError::ProtocolError(
                "SUBSCRIBE without a topic filter",
            ));
        }
        Ok(Self {
            packet_id,
            filters,
            properties,
        })
    }

    /// Size of the variable header and payload.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let mut len = 2;
        if version.is_v5() {
            len += properties::encoded_len(&self.properties)?;
        }
        for filter in &self.filters {
            len += field_len(filter.filter.len())? + 1;
        }
        Ok(len)
    }

    /// Writes the variable header and payload.
    pub(super) fn write_body(&self, version: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if version.is_v5() {
            properties::write(&self.properties, buf);
        }
        for filter in &self.filters {
            put_field(buf, filter.filter.as_bytes());
            buf.put_u8(filter.options.encode(version));
        }
    }
}

impl SubAck {
    /// Reads the variable header and payload.
    pub(super) fn decode(version: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = r.packet_id()?;
        let properties = if version.is_v5() {
            properties::decode(r)?
        } else {
            AckProperties::default()
        };
        let mut reasons = Vec::with_capacity(r.remaining());
        while !r.is_empty() {
            let reason = ReasonCode(r.u8()?);
            if version.is_v5() {
                if !reason.is_allowed_in(PacketKind::SubAck) {
                    return Err(DecodeError::ProtocolError(
                        "reason code not allowed in SUBACK",
                    ));
                }
            } else if !matches!(reason.0, 0x00..=0x02 | 0x80) {
                // 3.1.1 §3.9.3: any other return code is reserved.
                return Err(DecodeError::MalformedPacket("reserved SUBACK return code"));
            }
            reasons.push(reason);
        }
        if reasons.is_empty() {
            return Err(DecodeError::ProtocolError("SUBACK without a reason code"));
        }
        Ok(Self {
            packet_id,
            reasons,
            properties,
        })
    }

    /// Size of the variable header and payload.
    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let properties_len = if version.is_v5() {
            properties::encoded_len(&self.properties)?
        } else {
            0
        };
        Ok(2 + properties_len + self.reasons.len())
    }

    /// Writes the variable header and payload.
    pub(super) fn write_body(&self, version: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if version.is_v5() {
            properties::write(&self.properties, buf);
            buf.extend(self.reasons.iter().map(|reason| reason.0));
        } else {
            buf.extend(
                self.reasons
                    .iter()
                    .map(|reason| reason.to_v3_suback_return()),
            );
        }
    }
}
