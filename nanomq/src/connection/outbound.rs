//! Deliveries to the client: PUBLISH packets built from the session's mailbox within the
//! in-flight window, topic aliases towards MQTT 5 clients, and resends of unacknowledged
//! messages (on session resumption; for MQTT 3.x also every `qos_duration`).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::Connection;
use crate::broker::OUTBOUND_TOPIC_ALIAS_MAX;
use crate::codec::AckKind;
use crate::codec::{ProtocolVersion, Publish, QoS, ReasonCode};
use crate::link::{PULL_BATCH, WRITE_HIGH};
use crate::message::Delivery;
use crate::session::inflight::Stage;

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Outgoing QoS 1/2 messages allowed in flight at once.
    fn window(&self) -> usize {
        usize::from(self.settings.window.min(self.client.receive_maximum))
    }

    /// Moves deliveries from the mailbox into the output buffer while there is room in it
    /// and in the in-flight window.
    pub(super) fn pull_deliveries(&mut self) {
        if self.state.has_deferred() {
            self.resend_deferred(Instant::now());
        }
        while self.output.len() < WRITE_HIGH {
            let budget = self.window().saturating_sub(self.state.inflight_len());
            let mut batch = std::mem::take(&mut self.batch);
            self.session
                .mailbox
                .pop_batch(PULL_BATCH, budget, &mut batch);
            if batch.is_empty() {
                self.batch = batch;
                return;
            }
            let now = Instant::now();
            for delivery in batch.drain(..) {
                self.write_delivery(delivery, now);
            }
            self.batch = batch;
        }
    }

    /// Encodes one delivery; QoS 1/2 ones enter the in-flight window.
    fn write_delivery(&mut self, delivery: Delivery, now: Instant) {
        if delivery.message.is_expired(now) {
            self.counters.dropped += 1;
            self.broker.expired_in_queue(&self.session, &delivery);
            return;
        }
        // Received through a subscription the rules allowed, but perhaps on a topic they
        // deny this client (a narrower deny rule): not delivered.
        let topic = &delivery.message.topic;
        if !self
            .broker
            .may_receive(&mut self.live, &self.identity, topic)
        {
            self.counters.dropped += 1;
            self.broker.delivery_over(&self.session, delivery.key);
            return;
        }
        let packet_id = (delivery.qos != QoS::AtMostOnce).then(|| self.state.next_packet_id());
        let (publish, new_alias) = self.build_publish(&delivery, packet_id, false, now);
        if !self.encode_publish(publish) {
            // Discarded as if sent [MQTT-3.1.2-25]; an alias it would have set up is not
            // kept, since the client never saw it.
            self.counters.dropped += 1;
            self.broker.delivery_over(&self.session, delivery.key);
            return;
        }
        if let Some((topic, alias)) = new_alias {
            let aliases = self.aliases.get_or_insert_with(Box::default);
            aliases.outbound_bytes += topic.len();
            aliases.outbound.insert(topic, alias);
        }
        self.counters.messages_out += 1;
        self.session.stats.send_msg.fetch_add(1, Ordering::Relaxed);
        if let Some(id) = packet_id {
            if delivery.qos == QoS::ExactlyOnce && delivery.key != 0 {
                // Out only once its packet id is stored: after a crash it is resent with
                // the same id, which the client recognises as a duplicate.
                let ticket = self.broker.sending_qos2(&self.session, delivery.key, id);
                self.hold(ticket);
            }
            self.state.record_sent(id, delivery, now);
        }
    }

    fn build_publish(
        &mut self,
        delivery: &Delivery,
        packet_id: Option<crate::codec::PacketId>,
        dup: bool,
        now: Instant,
    ) -> (Publish, Option<(Arc<str>, u16)>) {
        let message = &delivery.message;
        let mut topic = Arc::clone(&message.topic);
        let mut properties = if self.version == ProtocolVersion::V5 {
            let mut p = message.properties().clone();
            p.message_expiry_interval = message.remaining_expiry(now);
            p.subscription_identifiers
                .clone_from(&delivery.subscription_ids);
            p
        } else {
            Default::default()
        };
        let mut new_alias = None;
        if self.version == ProtocolVersion::V5 && !dup {
            let max = self
                .client
                .topic_alias_maximum
                .min(OUTBOUND_TOPIC_ALIAS_MAX);
            let outbound = self.aliases.as_ref().map(|a| &a.outbound);
            let known = outbound.map_or(0, std::collections::HashMap::len);
            let bytes = self.aliases.as_ref().map_or(0, |a| a.outbound_bytes);
            if let Some(&alias) = outbound.and_then(|aliases| aliases.get(&topic)) {
                properties.topic_alias = Some(alias);
                topic = Arc::from("");
            } else if usize::from(max) > known && bytes + topic.len() <= super::ALIAS_BYTES {
                let alias = u16::try_from(known + 1).unwrap_or(max);
                new_alias = Some((Arc::clone(&topic), alias));
                properties.topic_alias = Some(alias);
            }
        }
        let publish = Publish {
            dup,
            qos: delivery.qos,
            retain: delivery.retain,
            topic,
            packet_id,
            properties,
            payload: message.payload.clone(),
        };
        (publish, new_alias)
    }

    /// Appends a PUBLISH unless it exceeds the client's Maximum Packet Size; false if dropped.
    /// A large payload is not copied: it is queued as the shared `Bytes` it already is.
    fn encode_publish(&mut self, publish: Publish) -> bool {
        // [MQTT-3.1.2-24]: never send a packet larger than the client accepts.
        let max = self.client.max_packet_size;
        self.output.push_publish(publish, self.version, max)
    }

    /// Appends a resend; one the client no longer accepts (its Maximum Packet Size shrank, or
    /// the first send had a topic alias) is discarded as if sent [MQTT-3.1.2-25], so it does
    /// not hold a slot of the in-flight window for ever.
    fn encode_resend(&mut self, publish: Publish, packet_id: crate::codec::PacketId) {
        if !self.encode_publish(publish) {
            if let Some(key) = self.state.discard(packet_id) {
                self.broker.delivery_over(&self.session, key);
            }
            self.counters.dropped += 1;
        }
    }

    /// Resends the unacknowledged messages of a resumed session ([MQTT-4.4.0-1]), within the
    /// client's Receive Maximum; those that do not fit follow as acknowledgements make room
    /// ([`Connection::resend_deferred`]).
    pub(super) fn resend_on_resume(&mut self) {
        let now = Instant::now();
        let due = self.state.resume(self.window(), now);
        self.write_resends(due, now);
    }

    /// Resends what an earlier [`Connection::resend_on_resume`] had to hold back, while the
    /// in-flight window has room.
    fn resend_deferred(&mut self, now: Instant) {
        let window = self.window();
        while let Some((packet_id, delivery)) = self.state.next_deferred(window, now) {
            let (publish, _) = self.build_publish(&delivery, Some(packet_id), true, now);
            self.encode_resend(publish, packet_id);
        }
    }

    /// Resends (MQTT 3.x only) the messages unacknowledged for longer than `qos_duration`.
    /// MQTT 5 forbids resending except on reconnection ([MQTT-4.4.0-1]).
    pub(super) fn resend_overdue(&mut self) {
        if self.version == ProtocolVersion::V5 {
            return;
        }
        let now = Instant::now();
        let Some(before) = now.checked_sub(self.settings.qos_duration) else {
            return;
        };
        let due = self.state.overdue(before, now);
        self.write_resends(due, now);
    }

    fn write_resends(
        &mut self,
        resend: Vec<(crate::codec::PacketId, Stage, Delivery)>,
        now: Instant,
    ) {
        for (packet_id, stage, delivery) in resend {
            match stage {
                Stage::Published => {
                    let (publish, _) = self.build_publish(&delivery, Some(packet_id), true, now);
                    self.encode_resend(publish, packet_id);
                }
                Stage::Released => self.write_ack(AckKind::PubRel, packet_id, ReasonCode::SUCCESS),
            }
        }
    }

    /// When the next timed resend is due (MQTT 3.x with messages in flight).
    pub(super) fn next_resend(&self) -> Option<Instant> {
        if self.version == ProtocolVersion::V5 {
            return None;
        }
        let oldest = self.state.first_sent_at()?;
        let elapsed = oldest.elapsed();
        let left = self.settings.qos_duration.saturating_sub(elapsed);
        Some(Instant::now() + left)
    }
}
