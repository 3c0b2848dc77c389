//! The packet enum and the two entry points, [`decode_packet`] and [`encode_packet`].

use bytes::{BufMut, BytesMut};

use super::ack::{AckKind, PubAck, PubComp, PubRec, PubRel, PublishAck};
use super::connack::ConnAck;
use super::connect::Connect;
use super::disconnect::{Auth, Disconnect};
use super::error::{DecodeError, EncodeError};
use super::frame::{FixedHeader, parse_fixed_header};
use super::properties::AckProperties;
use super::publish::Publish;
use super::reader::Reader;
use super::reason::ReasonCode;
use super::subscribe::{SubAck, Subscribe};
use super::types::{PacketId, PacketKind, ProtocolVersion};
use super::unsubscribe::{UnsubAck, Unsubscribe};
use super::writer::{MAX_VARINT, put_varint, varint_len};

/// Any MQTT control packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// CONNECT.
    Connect(Connect),
    /// CONNACK.
    ConnAck(ConnAck),
    /// PUBLISH.
    Publish(Publish),
    /// PUBACK.
    PubAck(PubAck),
    /// PUBREC.
    PubRec(PubRec),
    /// PUBREL.
    PubRel(PubRel),
    /// PUBCOMP.
    PubComp(PubComp),
    /// SUBSCRIBE.
    Subscribe(Subscribe),
    /// SUBACK.
    SubAck(SubAck),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe),
    /// UNSUBACK.
    UnsubAck(UnsubAck),
    /// PINGREQ.
    PingReq,
    /// PINGRESP.
    PingResp,
    /// DISCONNECT.
    Disconnect(Disconnect),
    /// AUTH (5.0 only).
    Auth(Auth),
}

impl Packet {
    /// The acknowledgement `kind` of `packet_id` with `reason` and no properties.
    pub fn ack(kind: AckKind, packet_id: PacketId, reason: ReasonCode) -> Packet {
        let ack = PublishAck {
            packet_id,
            reason,
            properties: AckProperties::default(),
        };
        match kind {
            AckKind::PubAck => Packet::PubAck(ack),
            AckKind::PubRec => Packet::PubRec(ack),
            AckKind::PubRel => Packet::PubRel(ack),
            AckKind::PubComp => Packet::PubComp(ack),
        }
    }

    /// The packet's type.
    pub fn kind(&self) -> PacketKind {
        match self {
            Self::Connect(_) => PacketKind::Connect,
            Self::ConnAck(_) => PacketKind::ConnAck,
            Self::Publish(_) => PacketKind::Publish,
            Self::PubAck(_) => PacketKind::PubAck,
            Self::PubRec(_) => PacketKind::PubRec,
            Self::PubRel(_) => PacketKind::PubRel,
            Self::PubComp(_) => PacketKind::PubComp,
            Self::Subscribe(_) => PacketKind::Subscribe,
            Self::SubAck(_) => PacketKind::SubAck,
            Self::Unsubscribe(_) => PacketKind::Unsubscribe,
            Self::UnsubAck(_) => PacketKind::UnsubAck,
            Self::PingReq => PacketKind::PingReq,
            Self::PingResp => PacketKind::PingResp,
            Self::Disconnect(_) => PacketKind::Disconnect,
            Self::Auth(_) => PacketKind::Auth,
        }
    }
}

/// The size of the packet at the front of `buf`, fixed header included, once its fixed header
/// has arrived (`Ok(None)` before). Lets a reader learn how much it is asked to buffer before
/// buffering it.
pub fn peek_packet_len(buf: &[u8], version: ProtocolVersion) -> Result<Option<usize>, DecodeError> {
    Ok(parse_fixed_header(buf, version)?.map(|header| header.packet_len()))
}

/// Decodes one packet from the front of `buf`.
///
/// `Ok(None)`: more bytes are needed and `buf` is untouched. `Ok(Some(packet))`: the packet's
/// bytes were split off `buf`, and its payload and binary fields share them without copying.
/// `version` is the connection's negotiated version; CONNECT carries its own and ignores it.
/// `max_size` bounds the whole packet, fixed header included, and is checked as soon as the
/// fixed header is readable. After an error the connection must be closed: whether the bad
/// packet's bytes were consumed is unspecified.
pub fn decode_packet(
    buf: &mut BytesMut,
    version: ProtocolVersion,
    max_size: usize,
) -> Result<Option<Packet>, DecodeError> {
    let Some(header) = parse_fixed_header(buf, version)? else {
        return Ok(None);
    };
    let size = header.packet_len();
    if size > max_size {
        return Err(DecodeError::PacketTooLarge {
            size,
            max: max_size,
        });
    }
    if buf.len() < size {
        return Ok(None);
    }
    let mut r = Reader::new(buf.split_to(size).freeze(), header.header_len);
    let packet = decode_body(&header, version, &mut r)?;
    if !r.is_empty() {
        return Err(DecodeError::MalformedPacket(
            "bytes left over after the packet",
        ));
    }
    Ok(Some(packet))
}

fn decode_body(
    header: &FixedHeader,
    version: ProtocolVersion,
    r: &mut Reader,
) -> Result<Packet, DecodeError> {
    let kind = header.kind;
    Ok(match kind {
        PacketKind::Connect => Packet::Connect(Connect::decode(r)?),
        PacketKind::ConnAck => Packet::ConnAck(ConnAck::decode(version, r)?),
        PacketKind::Publish => Packet::Publish(Publish::decode(header.flags, version, r)?),
        PacketKind::PubAck => Packet::PubAck(PublishAck::decode(kind, version, r)?),
        PacketKind::PubRec => Packet::PubRec(PublishAck::decode(kind, version, r)?),
        PacketKind::PubRel => Packet::PubRel(PublishAck::decode(kind, version, r)?),
        PacketKind::PubComp => Packet::PubComp(PublishAck::decode(kind, version, r)?),
        PacketKind::Subscribe => Packet::Subscribe(Subscribe::decode(version, r)?),
        PacketKind::SubAck => Packet::SubAck(SubAck::decode(version, r)?),
        PacketKind::Unsubscribe => Packet::Unsubscribe(Unsubscribe::decode(version, r)?),
        PacketKind::UnsubAck => Packet::UnsubAck(UnsubAck::decode(version, r)?),
        PacketKind::PingReq => Packet::PingReq,
        PacketKind::PingResp => Packet::PingResp,
        PacketKind::Disconnect => Packet::Disconnect(Disconnect::decode(version, r)?),
        PacketKind::Auth => Packet::Auth(Auth::decode(r)?),
    })
}

/// Appends the encoding of `packet` for `version` to `buf`, reserving the exact size once.
///
/// Properties and reason codes are written only for 5.0; CONNECT is always encoded in its own
/// `protocol`. Only what cannot be put on the wire is refused (lengths, AUTH before 5.0, a
/// packet identifier that contradicts the QoS); the semantic rules the decoder enforces are
/// the caller's to respect. On error nothing is appended.
pub fn encode_packet(
    packet: &Packet,
    version: ProtocolVersion,
    buf: &mut BytesMut,
) -> Result<(), EncodeError> {
    let version = packet_version(packet, version);
    let body_len = body_len(packet, version)?;
    buf.reserve(1 + varint_len(body_len) + body_len);
    buf.put_u8(first_byte(packet));
    put_varint(buf, body_len);
    match packet {
        Packet::Connect(connect) => connect.write_body(buf),
        Packet::ConnAck(connack) => connack.write_body(version, buf),
        Packet::Publish(publish) => publish.write_body(version, buf),
        Packet::PubAck(ack) | Packet::PubRec(ack) | Packet::PubRel(ack) | Packet::PubComp(ack) => {
            ack.write_body(body_len, buf);
        }
        Packet::Subscribe(subscribe) => subscribe.write_body(version, buf),
        Packet::SubAck(suback) => suback.write_body(version, buf),
        Packet::Unsubscribe(unsubscribe) => unsubscribe.write_body(version, buf),
        Packet::UnsubAck(unsuback) => unsuback.write_body(version, buf),
        Packet::PingReq | Packet::PingResp => {}
        Packet::Disconnect(disconnect) => disconnect.write_body(body_len, buf),
        Packet::Auth(auth) => auth.write_body(body_len, buf),
    }
    Ok(())
}

/// Appends a PUBLISH without its payload: the fixed header (whose remaining length counts the
/// payload) and the variable header. The caller sends `publish.payload` right after, from
/// where it already is, so a payload going to many subscribers is never copied per
/// subscriber. Returns the size of the whole packet.
pub fn encode_publish_head(
    publish: &Publish,
    version: ProtocolVersion,
    buf: &mut BytesMut,
) -> Result<usize, EncodeError> {
    let body_len = publish.body_len(version)?;
    let head_len = 1 + varint_len(body_len) + body_len - publish.payload.len();
    buf.reserve(head_len);
    buf.put_u8((PacketKind::Publish as u8) << 4 | publish.header_flags());
    put_varint(buf, body_len);
    publish.write_head(version, buf);
    Ok(1 + varint_len(body_len) + body_len)
}

/// Size of `packet` encoded for `version`, fixed header included; compare it with the peer's
/// Maximum Packet Size before sending.
pub fn encoded_len(packet: &Packet, version: ProtocolVersion) -> Result<usize, EncodeError> {
    let body_len = body_len(packet, packet_version(packet, version))?;
    Ok(1 + varint_len(body_len) + body_len)
}

fn packet_version(packet: &Packet, version: ProtocolVersion) -> ProtocolVersion {
    match packet {
        Packet::Connect(connect) => connect.protocol,
        _ => version,
    }
}

/// The remaining length, checked against the 268,435,455-byte limit.
fn body_len(packet: &Packet, version: ProtocolVersion) -> Result<usize, EncodeError> {
    let len = match packet {
        Packet::Connect(connect) => connect.body_len()?,
        Packet::ConnAck(connack) => connack.body_len(version)?,
        Packet::Publish(publish) => publish.body_len(version)?,
        Packet::PubAck(ack) | Packet::PubRec(ack) | Packet::PubRel(ack) | Packet::PubComp(ack) => {
            ack.body_len(version)?
        }
        Packet::Subscribe(subscribe) => subscribe.body_len(version)?,
        Packet::SubAck(suback) => suback.body_len(version)?,
        Packet::Unsubscribe(unsubscribe) => unsubscribe.body_len(version)?,
        Packet::UnsubAck(unsuback) => unsuback.body_len(version)?,
        Packet::PingReq | Packet::PingResp => 0,
        Packet::Disconnect(disconnect) => disconnect.body_len(version)?,
        Packet::Auth(auth) => auth.body_len(version)?,
    };
    if len > MAX_VARINT as usize {
        return Err(EncodeError::PacketTooLarge { size: len });
    }
    Ok(len)
}

fn first_byte(packet: &Packet) -> u8 {
    let flags = match packet {
        Packet::Publish(publish) => publish.header_flags(),
        Packet::PubRel(_) | Packet::Subscribe(_) | Packet::Unsubscribe(_) => 0b0010,
        _ => 0,
    };
    (packet.kind() as u8) << 4 | flags
}
