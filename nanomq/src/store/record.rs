//! The bytes of what is stored: keys and values of each table, versioned, read back with
//! every length checked (a damaged record is an error, never a panic).
//!
//! A message is stored as the MQTT 5 PUBLISH packet that would carry it (the codec's own
//! encoding, so topic, payload, QoS, RETAIN and every property round-trip without a second
//! format to keep in step), after a small header with its expiry as wall-clock time.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::{Bytes, BytesMut};

use crate::clock::{from_system_time, from_unix_ms, to_system_time, unix_ms};
use crate::codec::{
    LastWill, Packet, PacketId, ProtocolVersion, Publish, PublishProperties, QoS, RetainHandling,
    SubscriptionOptions, WillProperties, decode_packet, encode_packet,
};
use crate::message::{Message, Origin};
use crate::session::inflight::Stage;

/// The version byte every value starts with.
const VERSION: u8 = 1;
/// "No expiry" in a stored expiry field.
const NEVER: u64 = u64::MAX;

/// A record that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("damaged record: {0}")]
pub struct Damaged(pub &'static str);

/// Reads fields off a stored value, every length checked.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Result<Reader<'a>, Damaged> {
        let mut reader = Reader { bytes };
        if reader.u8()? != VERSION {
            return Err(Damaged("unknown record version"));
        }
        Ok(reader)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Damaged> {
        if self.bytes.len() < n {
            return Err(Damaged("truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, Damaged> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, Damaged> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, Damaged> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, Damaged> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }

    fn bytes16(&mut self) -> Result<&'a [u8], Damaged> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }

    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }
}

fn put_bytes16(out: &mut Vec<u8>, bytes: &[u8]) {
    // Client ids, usernames and filters are MQTT strings: at most 65,535 bytes.
    let n = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&bytes[..usize::from(n)]);
}

// ---- keys ------------------------------------------------------------------------------

/// The key prefix of everything stored for one client: its id, length first, so that one
/// client's keys are a contiguous range no other client's prefix can reach into.
pub fn client_prefix(client_id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + client_id.len() + 8);
    put_bytes16(&mut key, client_id.as_bytes());
    key
}

/// A key under a client's prefix: the client id, then `suffix`.
pub fn client_key(client_id: &str, suffix: &[u8]) -> Vec<u8> {
    let mut key = client_prefix(client_id);
    key.extend_from_slice(suffix);
    key
}

/// The client id and the rest of a key made by [`client_key`].
pub fn split_client_key(key: &[u8]) -> Result<(&str, &[u8]), Damaged> {
    if key.len() < 2 {
        return Err(Damaged("short key"));
    }
    let n = usize::from(u16::from_be_bytes([key[0], key[1]]));
    let rest = &key[2..];
    if rest.len() < n {
        return Err(Damaged("short key"));
    }
    let (id, suffix) = rest.split_at(n);
    let id = std::str::from_utf8(id).map_err(|_| Damaged("client id not UTF-8"))?;
    Ok((id, suffix))
}

/// The big-endian bytes of a u64 key (so keys sort in numeric order).
pub fn u64_key(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

/// A u64 read back from a key suffix.
pub fn read_u64_key(bytes: &[u8]) -> Result<u64, Damaged> {
    let a: [u8; 8] = bytes.try_into().map_err(|_| Damaged("bad numeric key"))?;
    Ok(u64::from_be_bytes(a))
}

// ---- messages --------------------------------------------------------------------------

fn expiry_field(at: Option<tokio::time::Instant>) -> u64 {
    at.map_or(NEVER, |at| unix_ms(to_system_time(at)))
}

fn expiry_from_field(field: u64) -> Option<SystemTime> {
    (field != NEVER).then(|| from_unix_ms(field))
}

fn publish_bytes(
    topic: &Arc<str>,
    payload: &Bytes,
    qos: QoS,
    retain: bool,
    properties: PublishProperties,
    out: &mut Vec<u8>,
) {
    let publish = Publish {
        dup: false,
        qos,
        retain,
        topic: Arc::clone(topic),
        packet_id: (qos != QoS::AtMostOnce).then(|| PacketId::new(1)).flatten(),
        properties,
        payload: payload.clone(),
    };
    let mut buf = BytesMut::new();
    // A message the broker accepted always encodes (its sizes were checked on the way in).
    if encode_packet(&Packet::Publish(publish), ProtocolVersion::V5, &mut buf).is_ok() {
        out.extend_from_slice(&buf);
    }
}

fn read_publish(bytes: &[u8]) -> Result<Publish, Damaged> {
    let mut buf = BytesMut::from(bytes);
    match decode_packet(&mut buf, ProtocolVersion::V5, usize::MAX) {
        Ok(Some(Packet::Publish(publish))) if buf.is_empty() => Ok(publish),
        _ => Err(Damaged("not a PUBLISH")),
    }
}

/// A stored message: its expiry (wall clock), then its PUBLISH packet.
pub fn encode_message(message: &Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + message.topic.len() + message.payload.len());
    out.push(VERSION);
    out.extend_from_slice(&expiry_field(message.expires_at).to_be_bytes());
    publish_bytes(
        &message.topic,
        &message.payload,
        message.qos,
        message.retain,
        message.properties().clone(),
        &mut out,
    );
    out
}

/// A message read back, numbered `id`; its expiry is `None` for none, else the wall-clock
/// time it runs out (to be compared with now: it may have passed while the broker was down).
pub fn decode_message(id: u64, bytes: &[u8]) -> Result<(Message, Option<SystemTime>), Damaged> {
    let mut reader = Reader::new(bytes)?;
    let expires = expiry_from_field(reader.u64()?);
    let publish = read_publish(reader.rest())?;
    let message = Message {
        id,
        topic: publish.topic,
        payload: publish.payload,
        qos: publish.qos,
        retain: publish.retain,
        properties: crate::message::boxed(publish.properties),
        expires_at: expires.map(from_system_time),
        origin: Origin::Broker,
    };
    Ok((message, expires))
}

// ---- deliveries ------------------------------------------------------------------------

/// A delivery as stored: which message, at which QoS, with which flags and subscription
/// identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// The message's number.
    pub message_id: u64,
    /// The QoS it goes out at.
    pub qos: QoS,
    /// The RETAIN flag it goes out with.
    pub retain: bool,
    /// The subscription identifiers it carries.
    pub subscription_ids: Vec<u32>,
}

/// Encodes a delivery record.
pub fn encode_delivery(record: &DeliveryRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + 4 * record.subscription_ids.len());
    out.push(VERSION);
    out.extend_from_slice(&record.message_id.to_be_bytes());
    out.push(record.qos as u8);
    out.push(u8::from(record.retain));
    let n = u16::try_from(record.subscription_ids.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&n.to_be_bytes());
    for id in record.subscription_ids.iter().take(usize::from(n)) {
        out.extend_from_slice(&id.to_be_bytes());
    }
    out
}

/// Decodes a delivery record.
pub fn decode_delivery(bytes: &[u8]) -> Result<DeliveryRecord, Damaged> {
    let mut reader = Reader::new(bytes)?;
    let message_id = reader.u64()?;
    let qos = QoS::try_from(reader.u8()?).map_err(|_| Damaged("bad QoS"))?;
    let retain = reader.u8()? != 0;
    let n = reader.u16()?;
    let subscription_ids = (0..n).map(|_| reader.u32()).collect::<Result<_, _>>()?;
    Ok(DeliveryRecord {
        message_id,
        qos,
        retain,
        subscription_ids,
    })
}

/// Where a QoS 2 (or resumed QoS 1) delivery stands, as stored: its packet id and stage.
pub fn encode_inflight(packet_id: PacketId, stage: Stage) -> Vec<u8> {
    let mut out = vec![VERSION];
    out.extend_from_slice(&packet_id.get().to_be_bytes());
    out.push(match stage {
        Stage::Published => 0,
        Stage::Released => 1,
    });
    out
}

/// Decodes an in-flight record.
pub fn decode_inflight(bytes: &[u8]) -> Result<(PacketId, Stage), Damaged> {
    let mut reader = Reader::new(bytes)?;
    let id = PacketId::new(reader.u16()?).ok_or(Damaged("packet id 0"))?;
    let stage = match reader.u8()? {
        0 => Stage::Published,
        1 => Stage::Released,
        _ => return Err(Damaged("bad stage")),
    };
    Ok((id, stage))
}

/// The message number a stored delivery refers to (without decoding the rest).
pub fn delivery_message_id(bytes: &[u8]) -> Result<u64, Damaged> {
    let mut reader = Reader::new(bytes)?;
    reader.u64()
}

// ---- subscriptions ---------------------------------------------------------------------

/// Encodes a subscription's options and identifier.
pub fn encode_subscription(options: SubscriptionOptions, identifier: Option<u32>) -> Vec<u8> {
    let flags = options.qos as u8
        | u8::from(options.no_local) << 2
        | u8::from(options.retain_as_published) << 3
        | (options.retain_handling as u8) << 4;
    let mut out = vec![VERSION, flags, u8::from(identifier.is_some())];
    out.extend_from_slice(&identifier.unwrap_or(0).to_be_bytes());
    out
}

/// Decodes a subscription's options and identifier.
pub fn decode_subscription(bytes: &[u8]) -> Result<(SubscriptionOptions, Option<u32>), Damaged> {
    let mut reader = Reader::new(bytes)?;
    let flags = reader.u8()?;
    let has_id = reader.u8()? != 0;
    let id = reader.u32()?;
    let retain_handling = match flags >> 4 {
        0 => RetainHandling::SendAtSubscribe,
        1 => RetainHandling::SendIfNew,
        2 => RetainHandling::DoNotSend,
        _ => return Err(Damaged("bad retain handling")),
    };
    let options = SubscriptionOptions {
        qos: QoS::try_from(flags & 3).map_err(|_| Damaged("bad QoS"))?,
        no_local: flags & 4 != 0,
        retain_as_published: flags & 8 != 0,
        retain_handling,
    };
    Ok((options, has_id.then_some(id)))
}

// ---- sessions --------------------------------------------------------------------------

/// What is stored of a persistent session besides its subscriptions and messages.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    /// Session Expiry Interval, seconds (`u32::MAX`: never).
    pub expiry_interval: u32,
    /// Protocol of its last connection.
    pub protocol: ProtocolVersion,
    /// Username of its last connection.
    pub username: Option<String>,
    /// When its client went away (wall clock); `None` while connected.
    pub disconnected_at: Option<SystemTime>,
    /// A will waiting for its delay to run out, with that delay in seconds.
    pub will: Option<(LastWill, u32)>,
}

fn protocol_byte(protocol: ProtocolVersion) -> u8 {
    match protocol {
        ProtocolVersion::V3_1 => 3,
        ProtocolVersion::V3_1_1 => 4,
        ProtocolVersion::V5 => 5,
    }
}

/// Encodes a session record.
pub fn encode_session(record: &SessionRecord) -> Vec<u8> {
    let mut out = vec![VERSION];
    out.extend_from_slice(&record.expiry_interval.to_be_bytes());
    out.push(protocol_byte(record.protocol));
    match &record.username {
        Some(name) => {
            out.push(1);
            put_bytes16(&mut out, name.as_bytes());
        }
        None => out.push(0),
    }
    let away = record.disconnected_at.map_or(NEVER, unix_ms);
    out.extend_from_slice(&away.to_be_bytes());
    match &record.will {
        Some((will, delay)) => {
            out.push(1);
            out.extend_from_slice(&delay.to_be_bytes());
            let p = &will.properties;
            let properties = PublishProperties {
                payload_format_indicator: p.payload_format_indicator,
                message_expiry_interval: p.message_expiry_interval,
                content_type: p.content_type.clone(),
                response_topic: p.response_topic.clone(),
                correlation_data: p.correlation_data.clone(),
                user_properties: p.user_properties.clone(),
                ..PublishProperties::default()
            };
            publish_bytes(
                &will.topic,
                &will.payload,
                will.qos,
                will.retain,
                properties,
                &mut out,
            );
        }
        None => out.push(0),
    }
    out
}

/// Decodes a session record.
pub fn decode_session(bytes: &[u8]) -> Result<SessionRecord, Damaged> {
    let mut reader = Reader::new(bytes)?;
    let expiry_interval = reader.u32()?;
    let protocol = match reader.u8()? {
        3 => ProtocolVersion::V3_1,
        4 => ProtocolVersion::V3_1_1,
        5 => ProtocolVersion::V5,
        _ => return Err(Damaged("bad protocol")),
    };
    let username = match reader.u8()? {
        0 => None,
        _ => Some(
            String::from_utf8(reader.bytes16()?.to_vec())
                .map_err(|_| Damaged("username not UTF-8"))?,
        ),
    };
    let disconnected_at = expiry_from_field(reader.u64()?);
    let will = match reader.u8()? {
        0 => None,
        _ => {
            let delay = reader.u32()?;
            let publish = read_publish(reader.rest())?;
            let p = publish.properties;
            let properties = WillProperties {
                will_delay_interval: Some(delay),
                payload_format_indicator: p.payload_format_indicator,
                message_expiry_interval: p.message_expiry_interval,
                content_type: p.content_type,
                response_topic: p.response_topic,
                correlation_data: p.correlation_data,
                user_properties: p.user_properties,
            };
            let will = LastWill {
                topic: publish.topic,
                payload: publish.payload,
                qos: publish.qos,
                retain: publish.retain,
                properties,
            };
            Some((will, delay))
        }
    };
    Ok(SessionRecord {
        expiry_interval,
        protocol,
        username,
        disconnected_at,
        will,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;

    fn message(
        topic: &str,
        payload: Vec<u8>,
        qos: QoS,
        retain: bool,
        expiry: Option<u32>,
    ) -> Message {
        let properties = PublishProperties {
            message_expiry_interval: expiry,
            content_type: Some("text/plain".into()),
            user_properties: vec![("k".into(), "v".into())],
            correlation_data: Some(Bytes::from_static(b"\x00\x01")),
            ..PublishProperties::default()
        };
        Message::new(
            Arc::from(topic),
            Bytes::from(payload),
            qos,
            retain,
            properties,
            Origin::Broker,
            tokio::time::Instant::now(),
        )
    }

    proptest! {
        #[test]
        fn messages_round_trip(
            topic in "[a-z/]{1,40}",
            payload in proptest::collection::vec(any::<u8>(), 0..300),
            qos in 0u8..3,
            retain in any::<bool>(),
            expiry in proptest::option::of(1u32..100_000),
        ) {
            let qos = QoS::try_from(qos).unwrap();
            let m = message(&topic, payload, qos, retain, expiry);
            let (back, expires) = decode_message(m.id, &encode_message(&m)).unwrap();
            prop_assert_eq!(&back.topic, &m.topic);
            prop_assert_eq!(&back.payload, &m.payload);
            prop_assert_eq!(back.qos, m.qos);
            prop_assert_eq!(back.retain, m.retain);
            prop_assert_eq!(&back.properties, &m.properties);
            prop_assert_eq!(expires.is_some(), expiry.is_some());
        }

        #[test]
        fn damaged_bytes_are_an_error_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_message(1, &bytes);
            let _ = decode_delivery(&bytes);
            let _ = decode_session(&bytes);
            let _ = decode_subscription(&bytes);
            let _ = decode_inflight(&bytes);
            let _ = split_client_key(&bytes);
        }
    }

    #[test]
    fn records_round_trip() {
        let d = DeliveryRecord {
            message_id: 42,
            qos: QoS::ExactlyOnce,
            retain: true,
            subscription_ids: vec![1, 7],
        };
        assert_eq!(decode_delivery(&encode_delivery(&d)).unwrap(), d);
        assert_eq!(delivery_message_id(&encode_delivery(&d)).unwrap(), 42);
        let options = SubscriptionOptions {
            qos: QoS::AtLeastOnce,
            no_local: true,
            retain_as_published: false,
            retain_handling: RetainHandling::DoNotSend,
        };
        assert_eq!(
            decode_subscription(&encode_subscription(options, Some(9))).unwrap(),
            (options, Some(9))
        );
        let id = PacketId::new(513).unwrap();
        assert_eq!(
            decode_inflight(&encode_inflight(id, Stage::Released)).unwrap(),
            (id, Stage::Released)
        );
        let will = LastWill {
            topic: Arc::from("wills/x"),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: WillProperties {
                will_delay_interval: Some(30),
                content_type: Some("t".into()),
                ..WillProperties::default()
            },
        };
        let record = SessionRecord {
            expiry_interval: 3600,
            protocol: ProtocolVersion::V5,
            username: Some("alice".into()),
            disconnected_at: Some(from_unix_ms(unix_ms(SystemTime::now()))),
            will: Some((will, 30)),
        };
        let back = decode_session(&encode_session(&record)).unwrap();
        assert_eq!(back.expiry_interval, 3600);
        assert_eq!(back.username.as_deref(), Some("alice"));
        assert_eq!(back.disconnected_at, record.disconnected_at);
        let (w, delay) = back.will.unwrap();
        assert_eq!((&*w.topic, delay, w.retain), ("wills/x", 30, true));
        assert_eq!(w.properties.content_type.as_deref(), Some("t"));
        let key = client_key("c/1", &u64_key(5));
        let (id, rest) = split_client_key(&key).unwrap();
        assert_eq!((id, read_u64_key(rest).unwrap()), ("c/1", 5));
        assert!(client_key("ab", b"").len() < client_key("abc", b"").len());
        let _ = Duration::ZERO;
    }
}
