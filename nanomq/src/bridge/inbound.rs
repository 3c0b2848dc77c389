//! Packets from the upstream: its messages (published locally), the acknowledgements of what
//! the bridge forwarded, SUBACK, PINGRESP and DISCONNECT.

use std::sync::Arc;

use tokio::time::Instant;
use tracing::debug;

use super::error::LinkError;
use super::link::Link;
use crate::codec::{AckKind, Packet, PacketId, Publish, QoS, ReasonCode, decode_packet};
use crate::message::{Message, Origin};
use crate::session::inflight::AckOutcome;
use crate::store::Ticket;

impl Link<'_> {
    /// Decodes and handles every whole packet in the read buffer, stopping early while local
    /// subscribers are congested (the rest waits in the buffer).
    pub(super) fn process_input(&mut self) -> Result<(), LinkError> {
        // One reading of the clock for everything one read brought (a syscall-free but not
        // free call, per PUBACK otherwise).
        let now = Instant::now();
        while self.paused.is_empty() {
            let decoded = decode_packet(
                &mut self.read_buf,
                self.options.version,
                self.options.max_packet_size,
            )?;
            let Some(packet) = decoded else {
                return Ok(());
            };
            self.pinger.received(now);
            self.handle_packet(packet)?;
        }
        Ok(())
    }

    fn handle_packet(&mut self, packet: Packet) -> Result<(), LinkError> {
        match packet {
            Packet::Publish(publish) => return self.on_publish(publish),
            Packet::PubAck(ack) => match self.carried.outbox.inflight.on_puback(ack.packet_id) {
                AckOutcome::Completed(key) => self.count_acknowledged(ack.reason, key),
                AckOutcome::Release(_) | AckOutcome::Unknown => {}
            },
            Packet::PubRec(rec) => {
                let refused = rec.reason.is_error();
                let outcome =
                    self.carried
                        .outbox
                        .inflight
                        .on_pubrec(rec.packet_id, refused, Instant::now());
                match outcome {
                    AckOutcome::Release(_) => {
                        self.write_ack(AckKind::PubRel, rec.packet_id, ReasonCode::SUCCESS);
                    }
                    AckOutcome::Completed(key) => self.count_acknowledged(rec.reason, key),
                    AckOutcome::Unknown => self.write_ack(
                        AckKind::PubRel,
                        rec.packet_id,
                        ReasonCode::PACKET_IDENTIFIER_NOT_FOUND,
                    ),
                }
            }
            Packet::PubComp(comp) => {
                if let AckOutcome::Completed(key) =
                    self.carried.outbox.inflight.on_pubcomp(comp.packet_id)
                {
                    self.count_acknowledged(ReasonCode::SUCCESS, key);
                }
            }
            Packet::PubRel(rel) => {
                let reason = if self.carried.inbound.release_qos2(rel.packet_id) {
                    ReasonCode::SUCCESS
                } else {
                    ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
                };
                self.write_ack(AckKind::PubComp, rel.packet_id, reason);
            }
            Packet::SubAck(suback) => self.on_suback(&suback),
            Packet::UnsubAck(ack) => self.on_unsuback(ack.packet_id),
            Packet::PingResp => {}
            Packet::Disconnect(disconnect) => {
                return Err(LinkError::Disconnected(disconnect.reason));
            }
            other => return Err(LinkError::Unexpected(other.kind().name())),
        }
        Ok(())
    }

    /// A forwarded QoS 1/2 message is done: delivered, or refused by the upstream for good
    /// (`key`: its store key, which the store forgets now).
    fn count_acknowledged(&self, reason: ReasonCode, key: u64) {
        self.broker.delivery_over(self.session, key);
        let stats = self.stats;
        if reason.is_error() {
            debug!(
                reason = reason.0,
                "bridge: upstream refused a forwarded message"
            );
            stats.dropped.add(1);
        } else {
            stats.messages_forwarded.add(1);
        }
    }

    /// Publishes an upstream message locally, as the bridge's own session: No Local on the
    /// bridge's forward subscriptions keeps it from going back up.
    fn on_publish(&mut self, publish: Publish) -> Result<(), LinkError> {
        if publish.properties.topic_alias.is_some() {
            return Err(LinkError::TopicAlias);
        }
        let qos = publish.qos;
        let packet_id = publish.packet_id;
        if qos == QoS::ExactlyOnce
            && let Some(id) = packet_id
            && !self.carried.inbound.receive_qos2(id)
        {
            // A resent QoS 2 message already published here: acknowledge it again only.
            self.write_ack(AckKind::PubRec, id, ReasonCode::SUCCESS);
            return Ok(());
        }
        let (reason, ticket) = match self.arrive_as(publish) {
            Ok(publish) => self.publish_locally(publish),
            Err(reason) => (reason, Ticket::NONE),
        };
        // The acknowledgement upstream waits until the message is stored for every persistent
        // local session it goes to: once acknowledged, the upstream forgets it.
        self.hold(ticket);
        if reason.is_error()
            && qos == QoS::ExactlyOnce
            && let Some(id) = packet_id
        {
            // A refusing PUBREC ends the exchange: no PUBREL will free the identifier.
            self.carried.inbound.release_qos2(id);
        }
        if reason == ReasonCode::QUOTA_EXCEEDED && qos != QoS::AtMostOnce {
            // No room in the store: never acknowledged, so the upstream keeps it.
            return Err(LinkError::StoreFull);
        }
        match (qos, packet_id) {
            (QoS::AtLeastOnce, Some(id)) => self.write_ack(AckKind::PubAck, id, reason),
            (QoS::ExactlyOnce, Some(id)) => self.write_ack(AckKind::PubRec, id, reason),
            _ => {}
        }
        Ok(())
    }

    /// An upstream message as it is published here: the first subscription rule matching its
    /// topic renames it and may set its retain flag.
    /// A message no rule matches (a subscription of an earlier connection's session, since
    /// removed) is acknowledged and not published: only what the bridge subscribes to comes
    /// down.
    fn arrive_as(&self, mut publish: Publish) -> Result<Publish, ReasonCode> {
        let Some(rule) =
            super::options::subscribe_rule(&self.carried.subscriptions, &publish.topic)
        else {
            debug!(topic = %publish.topic, "bridge: an upstream message no subscription asks for is not published");
            return Err(ReasonCode::NO_MATCHING_SUBSCRIBERS);
        };
        if let Some(retain) = rule.retain {
            publish.retain = retain;
        }
        if !rule.rewrite.is_identity() {
            let Some(topic) = rule.rewrite.apply(&publish.topic) else {
                debug!("bridge: an upstream message renamed to no topic is not published");
                return Err(ReasonCode::TOPIC_NAME_INVALID);
            };
            publish.topic = Arc::from(topic);
        }
        Ok(publish)
    }

    fn publish_locally(&mut self, publish: Publish) -> (ReasonCode, Ticket) {
        let origin = Origin::Client(self.session.id);
        let message = Message::from_publish(publish, origin, Instant::now());
        let routed = self.broker.publish_unretained_if_refused(
            &mut self.live,
            &self.identity,
            message,
            Some(&mut self.paused),
        );
        match routed {
            Ok(outcome) => {
                self.stats.messages_received.add(1);
                let reason = if outcome.delivered == 0 {
                    ReasonCode::NO_MATCHING_SUBSCRIBERS
                } else {
                    ReasonCode::SUCCESS
                };
                (reason, outcome.ticket)
            }
            Err(refused) => {
                let reason = refused.reason;
                debug!(
                    reason = reason.0,
                    "bridge: upstream message not published here"
                );
                (reason, Ticket::NONE)
            }
        }
    }

    /// Appends a PUBACK, PUBREC, PUBREL or PUBCOMP to the output buffer.
    pub(super) fn write_ack(&mut self, kind: AckKind, packet_id: PacketId, reason: ReasonCode) {
        self.write_packet(&Packet::ack(kind, packet_id, reason));
    }
}
