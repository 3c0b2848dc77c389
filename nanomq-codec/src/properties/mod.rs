//! MQTT 5.0 properties (§2.2.2): one struct per packet type, a shared decode loop that enforces
//! the per-packet rules, and a sink trait so one description of each struct both sizes and writes it.

mod connection;
mod message;
mod subscription;

use bytes::{BufMut, BytesMut};

pub use connection::{
    AuthProperties, ConnAckProperties, ConnectProperties, DisconnectProperties, WillProperties,
};
pub use message::{AckProperties, PublishProperties};
pub use subscription::{SubscribeProperties, UnsubscribeProperties};

use super::error::{DecodeError, EncodeError};
use super::reader::Reader;
use super::topic::validate_topic_name;
use super::types::QoS;
use super::writer::{MAX_VARINT, checked_varint_len, field_len, put_field, put_varint, varint_len};

/// Property identifiers (MQTT 5.0 Table 2-4).
mod id {
    pub const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
    pub const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
    pub const CONTENT_TYPE: u8 = 0x03;
    pub const RESPONSE_TOPIC: u8 = 0x08;
    pub const CORRELATION_DATA: u8 = 0x09;
    pub const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    pub const AUTHENTICATION_METHOD: u8 = 0x15;
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    pub const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
    pub const WILL_DELAY_INTERVAL: u8 = 0x18;
    pub const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    pub const SERVER_REFERENCE: u8 = 0x1C;
    pub const REASON_STRING: u8 = 0x1F;
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    pub const TOPIC_ALIAS: u8 = 0x23;
    pub const MAXIMUM_QOS: u8 = 0x24;
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    pub const USER_PROPERTY: u8 = 0x26;
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    pub const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

/// An identifier that is unknown or not valid for the packet type is a Malformed Packet (§2.2.2.2).
const NOT_ALLOWED: DecodeError =
    DecodeError::MalformedPacket("property not allowed on this packet type");

/// The property set of one packet type.
pub(super) trait PropertySet: Default {
    /// Identifiers (as bits `1 << id`) that may appear more than once; all others may not.
    const REPEATABLE: u64 = 1 << id::USER_PROPERTY;

    /// Reads the value of property `id`, or fails if the packet type does not allow it.
    fn read(&mut self, id: u8, r: &mut Reader) -> Result<(), DecodeError>;

    /// Hands every present property to `sink`, for sizing or writing.
    fn visit<S: PropertySink>(&self, sink: &mut S);
}

/// Reads a property length and the properties it covers.
pub(super) fn decode<P: PropertySet>(r: &mut Reader) -> Result<P, DecodeError> {
    let len = r.varint()? as usize;
    if len > r.remaining() {
        return Err(DecodeError::MalformedPacket(
            "property length exceeds the packet",
        ));
    }
    let end = r.position() + len;
    let mut properties = P::default();
    let mut seen = 0u64;
    while r.position() < end {
        // Identifiers are Variable Byte Integers, but every defined one is below 0x80, so a
        // byte with the continuation bit is an unknown identifier like any other.
        let id = r.u8()?;
        let bit = 1u64.checked_shl(u32::from(id)).ok_or(NOT_ALLOWED)?;
        if seen & bit & !P::REPEATABLE != 0 {
            return Err(DecodeError::ProtocolError(
                "property appears more than once",
            ));
        }
        seen |= bit;
        properties.read(id, r)?;
    }
    if r.position() != end {
        return Err(DecodeError::MalformedPacket(
            "property runs past the property length",
        ));
    }
    Ok(properties)
}

/// Size of the property length plus the properties, checking every field limit.
pub(super) fn encoded_len<P: PropertySet>(properties: &P) -> Result<usize, EncodeError> {
    let mut sizer = Sizer::default();
    properties.visit(&mut sizer);
    if let Some(error) = sizer.error {
        return Err(error);
    }
    if sizer.len > MAX_VARINT as usize {
        return Err(EncodeError::PacketTooLarge { size: sizer.len });
    }
    Ok(varint_len(sizer.len) + sizer.len)
}

/// Writes the property length and the properties; `encoded_len` has accepted them.
pub(super) fn write<P: PropertySet>(properties: &P, buf: &mut BytesMut) {
    let mut sizer = Sizer::default();
    properties.visit(&mut sizer);
    put_varint(buf, sizer.len);
    properties.visit(buf);
}

/// Receives each present property with its identifier, typed as on the wire.
pub(super) trait PropertySink {
    /// A Byte property.
    fn byte(&mut self, id: u8, value: u8);
    /// A Two Byte Integer property.
    fn two(&mut self, id: u8, value: u16);
    /// A Four Byte Integer property.
    fn four(&mut self, id: u8, value: u32);
    /// A Variable Byte Integer property.
    fn varint(&mut self, id: u8, value: u32);
    /// A UTF-8 string or Binary Data property (same layout on the wire).
    fn field(&mut self, id: u8, value: &[u8]);
    /// A UTF-8 String Pair property.
    fn pair(&mut self, id: u8, key: &str, value: &str);

    /// A Byte property, if present.
    fn opt_byte(&mut self, id: u8, value: Option<u8>) {
        if let Some(value) = value {
            self.byte(id, value);
        }
    }
    /// A 0/1 Byte property, if present.
    fn opt_flag(&mut self, id: u8, value: Option<bool>) {
        self.opt_byte(id, value.map(u8::from));
    }
    /// A Two Byte Integer property, if present.
    fn opt_two(&mut self, id: u8, value: Option<u16>) {
        if let Some(value) = value {
            self.two(id, value);
        }
    }
    /// A Four Byte Integer property, if present.
    fn opt_four(&mut self, id: u8, value: Option<u32>) {
        if let Some(value) = value {
            self.four(id, value);
        }
    }
    /// A string or binary property, if present.
    fn opt_field(&mut self, id: u8, value: Option<&[u8]>) {
        if let Some(value) = value {
            self.field(id, value);
        }
    }
    /// A UTF-8 string property, if present.
    fn opt_str(&mut self, id: u8, value: Option<&str>) {
        self.opt_field(id, value.map(str::as_bytes));
    }
    /// Every User Property, in order.
    fn user_properties(&mut self, pairs: &[(String, String)]) {
        for (key, value) in pairs {
            self.pair(id::USER_PROPERTY, key, value);
        }
    }
}

/// Adds up the encoded size of the properties and keeps the first limit they break.
#[derive(Default)]
struct Sizer {
    len: usize,
    error: Option<EncodeError>,
}

impl Sizer {
    fn add(&mut self, len: Result<usize, EncodeError>) {
        match len {
            Ok(len) => self.len += len,
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
    }
}

impl PropertySink for Sizer {
    fn byte(&mut self, _: u8, _: u8) {
        self.len += 2;
    }
    fn two(&mut self, _: u8, _: u16) {
        self.len += 3;
    }
    fn four(&mut self, _: u8, _: u32) {
        self.len += 5;
    }
    fn varint(&mut self, _: u8, value: u32) {
        self.add(checked_varint_len(value).map(|len| 1 + len));
    }
    fn field(&mut self, _: u8, value: &[u8]) {
        self.add(field_len(value.len()).map(|len| 1 + len));
    }
    fn pair(&mut self, _: u8, key: &str, value: &str) {
        let len = field_len(key.len()).and_then(|k| Ok(1 + k + field_len(value.len())?));
        self.add(len);
    }
}

impl PropertySink for BytesMut {
    fn byte(&mut self, id: u8, value: u8) {
        self.put_slice(&[id, value]);
    }
    fn two(&mut self, id: u8, value: u16) {
        self.put_u8(id);
        self.put_u16(value);
    }
    fn four(&mut self, id: u8, value: u32) {
        self.put_u8(id);
        self.put_u32(value);
    }
    fn varint(&mut self, id: u8, value: u32) {
        self.put_u8(id);
        put_varint(self, value as usize);
    }
    fn field(&mut self, id: u8, value: &[u8]) {
        self.put_u8(id);
        put_field(self, value);
    }
    fn pair(&mut self, id: u8, key: &str, value: &str) {
        self.put_u8(id);
        put_field(self, key.as_bytes());
        put_field(self, value.as_bytes());
    }
}

/// Reads a property that must be 0 or 1 ("It is a Protocol Error to have a value other than 0 or 1").
fn read_flag(r: &mut Reader) -> Result<bool, DecodeError> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(DecodeError::ProtocolError("boolean property is not 0 or 1")),
    }
}

/// Reads a Payload Format Indicator, which is defined only for 0 and 1.
fn read_payload_format(r: &mut Reader) -> Result<u8, DecodeError> {
    read_flag(r).map(u8::from)
}

/// Reads a Receive Maximum; 0 is a Protocol Error.
fn read_receive_maximum(r: &mut Reader) -> Result<u16, DecodeError> {
    match r.u16()? {
        0 => Err(DecodeError::ProtocolError("receive maximum 0")),
        value => Ok(value),
    }
}

/// Reads a Maximum Packet Size; 0 is a Protocol Error.
fn read_maximum_packet_size(r: &mut Reader) -> Result<u32, DecodeError> {
    match r.u32()? {
        0 => Err(DecodeError::ProtocolError("maximum packet size 0")),
        value => Ok(value),
    }
}

/// Reads a Maximum QoS, which may only be 0 or 1 (absent means 2).
fn read_maximum_qos(r: &mut Reader) -> Result<QoS, DecodeError> {
    match r.u8()? {
        0 => Ok(QoS::AtMostOnce),
        1 => Ok(QoS::AtLeastOnce),
        _ => Err(DecodeError::ProtocolError("maximum QoS is not 0 or 1")),
    }
}

/// Reads a Subscription Identifier; 0 is a Protocol Error.
fn read_subscription_identifier(r: &mut Reader) -> Result<u32, DecodeError> {
    match r.varint()? {
        0 => Err(DecodeError::ProtocolError("subscription identifier 0")),
        value => Ok(value),
    }
}

/// Reads a Response Topic, which must be a valid topic name [MQTT-3.3.2-14].
fn read_response_topic(r: &mut Reader) -> Result<String, DecodeError> {
    let topic = r.str()?;
    validate_topic_name(topic)
        .map_err(|_| DecodeError::ProtocolError("response topic is not a valid topic name"))?;
    Ok(topic.to_owned())
}

/// Reads a User Property's key and value.
fn read_user_property(r: &mut Reader) -> Result<(String, String), DecodeError> {
    Ok((r.string()?, r.string()?))
}
