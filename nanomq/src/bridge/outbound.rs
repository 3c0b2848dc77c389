//! Local messages to the upstream: PUBLISH packets built from the outbox and the bridge's
//! mailbox within the in-flight window, and resends with DUP of
//! what was in flight when the previous connection ended.

use std::sync::Arc;
use tokio::time::Instant;

use tracing::debug;

use super::link::Link;
use crate::codec::AckKind;
use crate::codec::{PacketId, ProtocolVersion, Publish, QoS, ReasonCode};
use crate::link::{PULL_BATCH, WRITE_HIGH};
use crate::message::Delivery;
use crate::session::inflight::Stage;

impl Link<'_> {
    /// QoS 1/2 messages allowed unacknowledged upstream: `max_parallel_processes`, or less if
    /// the upstream's Receive Maximum says so.
    fn window(&self) -> usize {
        self.options.window.min(self.limits.receive_maximum)
    }

    /// Moves deliveries into the output buffer while there is room in it and in the window.
    pub(super) fn pull(&mut self) {
        let mut batch = std::mem::take(&mut self.batch);
        while self.output.len() < WRITE_HIGH {
            let window = self.window();
            self.carried
                .outbox
                .next_batch(&self.session.mailbox, PULL_BATCH, window, &mut batch);
            if batch.is_empty() {
                break;
            }
            let now = Instant::now();
            for delivery in batch.drain(..) {
                self.send_delivery(delivery, now);
            }
        }
        self.batch = batch;
    }

    /// Encodes one message; QoS 1/2 ones enter the in-flight window.
    fn send_delivery(&mut self, mut delivery: Delivery, now: Instant) {
        let stats = self.stats;
        if delivery.message.is_expired(now) {
            stats.dropped.add(1);
            self.broker.delivery_over(self.session, delivery.key);
            return;
        }
        let topic = match self.forward_as(&mut delivery) {
            Some(topic) => topic,
            None => {
                stats.dropped.add(1);
                self.broker.delivery_over(self.session, delivery.key);
                return;
            }
        };
        delivery.qos = delivery.qos.min(self.limits.maximum_qos);
        let packet_id = (delivery.qos != QoS::AtMostOnce).then(|| self.next_packet_id());
        let publish = self.build_publish(&delivery, topic, packet_id, false, now);
        if !self.encode_publish(publish) {
            self.stats.dropped.add(1);
            self.broker.delivery_over(self.session, delivery.key);
            return;
        }
        match packet_id {
            None => {
                // Sent at QoS 0 (the upstream's Maximum QoS): nothing more will come of it.
                self.stats.messages_forwarded.add(1);
                self.broker.delivery_over(self.session, delivery.key);
            }
            Some(id) => self.carried.outbox.inflight.record_sent(id, delivery, now),
        }
    }

    /// The topic a local message goes up as, by the first forwarding rule matching it (which
    /// may set its QoS and retain flag too); `None` if renaming leaves no topic.
    fn forward_as(&self, delivery: &mut Delivery) -> Option<Arc<str>> {
        let topic = &delivery.message.topic;
        if !self.options.forwards_rewrite {
            return Some(Arc::clone(topic));
        }
        let Some(rule) = self.options.forward_rule(topic) else {
            return Some(Arc::clone(topic));
        };
        if let Some(qos) = rule.qos {
            delivery.qos = qos;
        }
        if let Some(retain) = rule.retain {
            delivery.retain = retain;
        }
        if rule.rewrite.is_identity() {
            return Some(Arc::clone(topic));
        }
        rule.rewrite.apply(topic).map(Arc::from)
    }

    fn build_publish(
        &self,
        delivery: &Delivery,
        topic: Arc<str>,
        packet_id: Option<PacketId>,
        dup: bool,
        now: Instant,
    ) -> Publish {
        let message = &delivery.message;
        let properties = if self.options.version == ProtocolVersion::V5 {
            let mut p = message.properties().clone();
            p.message_expiry_interval = message.remaining_expiry(now);
            p
        } else {
            Default::default()
        };
        Publish {
            dup,
            qos: delivery.qos,
            retain: delivery.retain && self.limits.retain_available,
            topic,
            packet_id,
            properties,
            payload: message.payload.clone(),
        }
    }

    /// Appends a PUBLISH unless it exceeds the upstream's Maximum Packet Size; false if not sent.
    fn encode_publish(&mut self, publish: Publish) -> bool {
        let max = self.limits.maximum_packet_size;
        let pushed = self.output.push_publish(publish, self.options.version, max);
        if !pushed {
            debug!("bridge: message larger than the upstream accepts, or not encodable: dropped");
        }
        pushed
    }

    /// Resends, oldest first, what the previous connection left unacknowledged: PUBLISH with
    /// DUP, or PUBREL for a QoS 2 message the upstream had already received.
    pub(super) fn resend_inflight(&mut self) {
        let now = Instant::now();
        let mut resend = Vec::new();
        for entry in self.carried.outbox.inflight.inflight_mut() {
            entry.sent_at = now;
            resend.push((entry.packet_id, entry.stage, entry.delivery.clone()));
        }
        for (packet_id, stage, delivery) in resend {
            match stage {
                Stage::Published => {
                    // The rule in force now decides (the QoS stays the one it was sent with).
                    let mut renamed = delivery.clone();
                    let topic = self.forward_as(&mut renamed);
                    // The exchange in flight keeps its QoS.
                    renamed.qos = delivery.qos;
                    let publish = topic.map(|topic| {
                        self.build_publish(&renamed, topic, Some(packet_id), true, now)
                    });
                    if !publish.is_some_and(|publish| self.encode_publish(publish)) {
                        // Too large for this upstream (its limits may have changed): give up.
                        let inflight = &mut self.carried.outbox.inflight;
                        match delivery.qos {
                            QoS::ExactlyOnce => inflight.on_pubrec(packet_id, true, now),
                            _ => inflight.on_puback(packet_id),
                        };
                        self.stats.dropped.add(1);
                        self.broker.delivery_over(self.session, delivery.key);
                    }
                }
                Stage::Released => self.write_ack(AckKind::PubRel, packet_id, ReasonCode::SUCCESS),
            }
        }
    }
}
