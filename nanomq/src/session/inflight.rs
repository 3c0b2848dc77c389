//! The acknowledgement state a session keeps across connections: packet identifiers, QoS 1/2
//! messages sent and not yet acknowledged (resent on reconnection), and QoS 2 messages
//! received and not yet released.
//!
//! Windows are small (`parallel`, default 32) and acknowledgements arrive almost always in
//! order, so a `VecDeque` searched from the front beats a map here.

use std::collections::{HashSet, VecDeque};
use tokio::time::Instant;

use crate::codec::{PacketId, QoS};
use crate::message::Delivery;

/// Where an outgoing QoS 1/2 message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// PUBLISH sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Published,
    /// PUBREC received and PUBREL sent; waiting for PUBCOMP.
    Released,
}

/// An outgoing QoS 1/2 message that is not yet acknowledged.
#[derive(Debug)]
pub struct Inflight {
    /// Its packet identifier.
    pub packet_id: PacketId,
    /// The delivery (kept to resend it).
    pub delivery: Delivery,
    /// Where the exchange stands.
    pub stage: Stage,
    /// When it was last sent.
    pub sent_at: Instant,
    /// Still to be resent on this connection: the session resumed with more messages in flight
    /// than the client's Receive Maximum allows, and this one waits for room.
    deferred: bool,
}

/// Per-session acknowledgement state.
#[derive(Debug)]
pub struct DeliveryState {
    next_id: u16,
    outbound: VecDeque<Inflight>,
    /// How many of `outbound` are deferred.
    deferred: usize,
    inbound_qos2: HashSet<u16>,
}

impl Default for DeliveryState {
    fn default() -> Self {
        DeliveryState {
            next_id: 1,
            outbound: VecDeque::new(),
            deferred: 0,
            inbound_qos2: HashSet::new(),
        }
    }
}

/// What an acknowledgement from the client did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// The exchange is complete; the in-flight slot is free (the delivery's store key).
    Completed(u64),
    /// PUBREC accepted: answer with PUBREL (the delivery's store key).
    Release(u64),
    /// No message is in flight with that identifier (or it is at another stage).
    Unknown,
}

impl DeliveryState {
    /// Number of outgoing messages in flight.
    pub fn inflight_len(&self) -> usize {
        self.outbound.len()
    }

    /// Messages in flight that count against the connection's Receive Maximum: all but those
    /// still waiting to be resent after the session resumed.
    pub fn outstanding(&self) -> usize {
        self.outbound.len() - self.deferred
    }

    /// Allocates a packet identifier not used by any message in flight.
    pub fn next_packet_id(&mut self) -> PacketId {
        loop {
            let candidate = self.next_id;
            self.next_id = self.next_id.checked_add(1).unwrap_or(1);
            let Some(id) = PacketId::new(candidate) else {
                continue;
            };
            if !self.outbound.iter().any(|i| i.packet_id == id) {
                return id;
            }
        }
    }

    /// Records a message just sent with `packet_id`.
    pub fn record_sent(&mut self, packet_id: PacketId, delivery: Delivery, now: Instant) {
        self.outbound.push_back(Inflight {
            packet_id,
            delivery,
            stage: Stage::Published,
            sent_at: now,
            deferred: false,
        });
    }

    /// Whether any message waits to be resent (see [`DeliveryState::resume`]).
    pub fn has_deferred(&self) -> bool {
        self.deferred > 0
    }

    /// Takes the message at `at` out of flight, returning its store key.
    fn remove_at(&mut self, at: usize) -> u64 {
        match self.outbound.remove(at) {
            Some(entry) => {
                if entry.deferred {
                    self.deferred -= 1;
                }
                entry.delivery.key
            }
            None => 0,
        }
    }

    /// The state read back from the store: messages in flight (oldest first) and QoS 2
    /// packet ids received and not yet released. Everything in flight is resent when a
    /// connection resumes the session.
    pub fn restored(
        outbound: Vec<(PacketId, Stage, Delivery)>,
        inbound_qos2: Vec<PacketId>,
        now: Instant,
    ) -> DeliveryState {
        let next_id = outbound
            .iter()
            .map(|(id, _, _)| id.get())
            .max()
            .map_or(1, |last| last.checked_add(1).unwrap_or(1));
        DeliveryState {
            next_id,
            outbound: outbound
                .into_iter()
                .map(|(packet_id, stage, delivery)| Inflight {
                    packet_id,
                    delivery,
                    stage,
                    sent_at: now,
                    deferred: false,
                })
                .collect(),
            deferred: 0,
            inbound_qos2: inbound_qos2.into_iter().map(PacketId::get).collect(),
        }
    }

    /// What to resend when the session resumes on a new connection: every message in flight
    /// goes again ([MQTT-4.4.0-1]), but no more than `window` may be unacknowledged
    /// ([MQTT-3.3.4-9]). PUBRELs are due at once, PUBLISH packets while fewer than `window`
    /// messages are outstanding; the rest are deferred until acknowledgements make room (see
    /// [`DeliveryState::next_deferred`]). Returns the resends due now, oldest first.
    pub fn resume(&mut self, window: usize, now: Instant) -> Vec<(PacketId, Stage, Delivery)> {
        let mut due = Vec::new();
        let mut outstanding = 0;
        self.deferred = 0;
        for entry in &mut self.outbound {
            entry.deferred = entry.stage == Stage::Published && outstanding >= window;
            if entry.deferred {
                self.deferred += 1;
                continue;
            }
            outstanding += 1;
            entry.sent_at = now;
            due.push((entry.packet_id, entry.stage, entry.delivery.clone()));
        }
        due
    }

    /// The oldest deferred message, to resend now, if fewer than `window` are outstanding; it
    /// is outstanding from now on.
    pub fn next_deferred(&mut self, window: usize, now: Instant) -> Option<(PacketId, Delivery)> {
        if self.deferred == 0 || self.outstanding() >= window {
            return None;
        }
        let entry = self.outbound.iter_mut().find(|i| i.deferred)?;
        entry.deferred = false;
        entry.sent_at = now;
        self.deferred -= 1;
        Some((entry.packet_id, entry.delivery.clone()))
    }

    /// The outstanding messages last sent at or before `before`, to resend now (MQTT 3.x).
    pub fn overdue(&mut self, before: Instant, now: Instant) -> Vec<(PacketId, Stage, Delivery)> {
        self.outbound
            .iter_mut()
            .filter(|i| !i.deferred && i.sent_at <= before)
            .map(|i| {
                i.sent_at = now;
                (i.packet_id, i.stage, i.delivery.clone())
            })
            .collect()
    }

    fn position(&self, id: PacketId, stage: Stage, qos: QoS) -> Option<usize> {
        self.outbound
            .iter()
            .position(|i| i.packet_id == id && i.stage == stage && i.delivery.qos == qos)
    }

    /// Takes a message that cannot be sent (larger than the client's Maximum Packet Size)
    /// out of flight: it counts as sent [MQTT-3.1.2-25]. Its store key; `None` if `id` is
    /// not a PUBLISH in flight.
    pub fn discard(&mut self, id: PacketId) -> Option<u64> {
        self.outbound
            .iter()
            .position(|i| i.packet_id == id && i.stage == Stage::Published)
            .map(|at| self.remove_at(at))
    }

    /// A PUBACK for a QoS 1 message.
    pub fn on_puback(&mut self, id: PacketId) -> AckOutcome {
        match self.position(id, Stage::Published, QoS::AtLeastOnce) {
            Some(at) => AckOutcome::Completed(self.remove_at(at)),
            None => AckOutcome::Unknown,
        }
    }

    /// A PUBREC for a QoS 2 message; `refused` when its reason code is an error, which ends
    /// the exchange without a PUBREL.
    pub fn on_pubrec(&mut self, id: PacketId, refused: bool, now: Instant) -> AckOutcome {
        if let Some(at) = self.position(id, Stage::Released, QoS::ExactlyOnce) {
            // A repeated PUBREC: answer it again.
            let mut key = 0;
            if let Some(entry) = self.outbound.get_mut(at) {
                entry.sent_at = now;
                key = entry.delivery.key;
            }
            return AckOutcome::Release(key);
        }
        match self.position(id, Stage::Published, QoS::ExactlyOnce) {
            Some(at) if refused => AckOutcome::Completed(self.remove_at(at)),
            Some(at) => {
                let mut key = 0;
                if let Some(entry) = self.outbound.get_mut(at) {
                    key = entry.delivery.key;
                    entry.stage = Stage::Released;
                    entry.sent_at = now;
                    if std::mem::take(&mut entry.deferred) {
                        // The client had it from the previous connection: the PUBREL goes now.
                        self.deferred -= 1;
                    }
                }
                AckOutcome::Release(key)
            }
            None => AckOutcome::Unknown,
        }
    }

    /// A PUBCOMP for a QoS 2 message.
    pub fn on_pubcomp(&mut self, id: PacketId) -> AckOutcome {
        match self.position(id, Stage::Released, QoS::ExactlyOnce) {
            Some(at) => AckOutcome::Completed(self.remove_at(at)),
            None => AckOutcome::Unknown,
        }
    }

    /// The messages in flight, oldest first (to resend them).
    pub fn inflight_mut(&mut self) -> impl Iterator<Item = &mut Inflight> {
        self.outbound.iter_mut()
    }

    /// When the first outstanding message was (last) sent: the next one due for a resend,
    /// give or take the order resends leave behind.
    pub fn first_sent_at(&self) -> Option<Instant> {
        self.outbound
            .iter()
            .find(|i| !i.deferred)
            .map(|i| i.sent_at)
    }

    /// Records an incoming QoS 2 PUBLISH; false when the identifier is already awaiting its
    /// PUBREL (a duplicate that must not be delivered again).
    pub fn receive_qos2(&mut self, id: PacketId) -> bool {
        self.inbound_qos2.insert(id.get())
    }

    /// Releases an incoming QoS 2 message (PUBREL); false if the identifier was unknown.
    pub fn release_qos2(&mut self, id: PacketId) -> bool {
        self.inbound_qos2.remove(&id.get())
    }

    /// Number of incoming QoS 2 messages awaiting PUBREL.
    pub fn pending_qos2(&self) -> usize {
        self.inbound_qos2.len()
    }

    /// Drops everything (a client that kicks its session out).
    pub fn take_inflight(&mut self) -> Vec<Inflight> {
        self.deferred = 0;
        self.outbound.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;

    use super::*;
    use crate::message::{Message, Origin};

    fn delivery(qos: QoS) -> Delivery {
        Delivery {
            message: Arc::new(Message {
                id: 0,
                topic: Arc::from("t"),
                payload: Bytes::from_static(b"x"),
                qos,
                retain: false,
                properties: None,
                expires_at: None,
                origin: Origin::Broker,
            }),
            qos,
            retain: false,
            subscription_ids: Vec::new(),
            key: 0,
        }
    }

    fn pid(n: u16) -> PacketId {
        PacketId::new(n).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn packet_ids_skip_ids_in_flight_and_wrap() {
        let mut s = DeliveryState::default();
        let now = Instant::now();
        let first = s.next_packet_id();
        assert_eq!(first.get(), 1);
        s.record_sent(first, delivery(QoS::AtLeastOnce), now);
        s.next_id = u16::MAX;
        assert_eq!(s.next_packet_id().get(), u16::MAX);
        // Wraps past 0 and skips 1, which is still in flight.
        assert_eq!(s.next_packet_id().get(), 2);
    }

    #[test]
    fn qos1_and_qos2_flows() {
        let mut s = DeliveryState::default();
        let now = Instant::now();
        s.record_sent(pid(1), delivery(QoS::AtLeastOnce), now);
        s.record_sent(pid(2), delivery(QoS::ExactlyOnce), now);
        assert_eq!(s.on_pubcomp(pid(2)), AckOutcome::Unknown);
        assert_eq!(s.on_puback(pid(2)), AckOutcome::Unknown);
        assert_eq!(s.on_puback(pid(1)), AckOutcome::Completed(0));
        assert_eq!(s.on_puback(pid(1)), AckOutcome::Unknown);
        assert_eq!(s.on_pubrec(pid(2), false, now), AckOutcome::Release(0));
        assert_eq!(s.on_pubrec(pid(2), false, now), AckOutcome::Release(0));
        assert_eq!(s.inflight_len(), 1);
        assert_eq!(s.on_pubcomp(pid(2)), AckOutcome::Completed(0));
        assert_eq!(s.inflight_len(), 0);
    }

    #[test]
    fn refused_pubrec_ends_the_exchange() {
        let mut s = DeliveryState::default();
        s.record_sent(pid(7), delivery(QoS::ExactlyOnce), Instant::now());
        assert_eq!(
            s.on_pubrec(pid(7), true, Instant::now()),
            AckOutcome::Completed(0)
        );
        assert_eq!(s.inflight_len(), 0);
    }

    #[test]
    fn resuming_resends_no_more_than_the_window_and_the_rest_as_room_is_made() {
        let mut s = DeliveryState::default();
        let now = Instant::now();
        for n in 1..=3 {
            s.record_sent(pid(n), delivery(QoS::AtLeastOnce), now);
        }
        s.record_sent(pid(4), delivery(QoS::ExactlyOnce), now);
        s.record_sent(pid(5), delivery(QoS::ExactlyOnce), now);
        assert_eq!(s.on_pubrec(pid(5), false, now), AckOutcome::Release(0));
        // A new connection whose client accepts 2 at a time.
        let due: Vec<_> = s
            .resume(2, now)
            .into_iter()
            .map(|(id, stage, _)| (id.get(), stage))
            .collect();
        // 1 and 2 fill the window; the PUBREL of 5 goes anyway, it is no new PUBLISH.
        assert_eq!(
            due,
            [
                (1, Stage::Published),
                (2, Stage::Published),
                (5, Stage::Released)
            ]
        );
        assert_eq!(s.outstanding(), 3);
        assert!(s.next_deferred(2, now).is_none());
        assert_eq!(s.on_puback(pid(1)), AckOutcome::Completed(0));
        assert!(s.next_deferred(2, now).is_none(), "still 2 outstanding");
        assert_eq!(s.on_pubcomp(pid(5)), AckOutcome::Completed(0));
        assert_eq!(s.next_deferred(2, now).map(|(id, _)| id.get()), Some(3));
        assert!(s.next_deferred(2, now).is_none());
        // The client acknowledges 4, received on the previous connection, before its resend.
        assert_eq!(s.on_pubrec(pid(4), false, now), AckOutcome::Release(0));
        assert_eq!(s.outstanding(), s.inflight_len());
        assert!(s.next_deferred(10, now).is_none());
    }

    #[test]
    fn incoming_qos2_duplicates_are_detected() {
        let mut s = DeliveryState::default();
        assert!(s.receive_qos2(pid(5)));
        assert!(!s.receive_qos2(pid(5)));
        assert!(s.release_qos2(pid(5)));
        assert!(!s.release_qos2(pid(5)));
        assert!(s.receive_qos2(pid(5)));
    }
}
