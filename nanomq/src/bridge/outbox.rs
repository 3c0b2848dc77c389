//! Local messages on their way upstream that the bridge's mailbox no longer holds: those
//! buffered while the upstream is away, and QoS 1/2 ones sent and not yet acknowledged.
//!
//! While connected the bridge pulls from its mailbox only as fast as the upstream
//! acknowledges (so a slow upstream pauses local publishers, like a slow client does). While
//! the upstream is away the bridge empties its mailbox here at once, so local publishers never
//! wait for an outage: QoS 0 messages are dropped (kept with `retry_qos_0`), QoS 1/2 ones kept
//! up to `max_send_queue_len` messages and `max_send_queue_bytes` bytes, the oldest dropped
//! first. Every drop is counted. In-flight messages are kept until the
//! upstream acknowledges them and resent with DUP after a reconnection.

use std::collections::VecDeque;

use crate::codec::QoS;
use crate::message::Delivery;
use crate::session::inflight::DeliveryState;
use crate::session::mailbox::Mailbox;

/// Messages waiting for the upstream, and those in flight to it.
#[derive(Debug)]
pub struct Outbox {
    /// QoS 1/2 messages kept during an outage, oldest first.
    pending: VecDeque<Delivery>,
    /// Packet identifiers and unacknowledged QoS 1/2 messages upstream.
    pub inflight: DeliveryState,
    max_queued: usize,
    max_bytes: Option<u64>,
    /// Bytes (topics and payloads) of `pending`.
    pending_bytes: u64,
    /// Whether QoS 0 messages are kept too.
    pub retry_qos_0: bool,
    scratch: Vec<Delivery>,
}

/// What a message weighs against `max_send_queue_bytes`.
fn weight(delivery: &Delivery) -> u64 {
    (delivery.message.topic.len() + delivery.message.payload.len()) as u64
}

impl Outbox {
    /// An empty outbox keeping at most `max_queued` messages and `max_bytes` bytes during an
    /// outage, QoS 0 ones too if `retry_qos_0`.
    pub fn new(max_queued: usize, max_bytes: Option<u64>, retry_qos_0: bool) -> Outbox {
        Outbox {
            pending: VecDeque::new(),
            inflight: DeliveryState::default(),
            max_queued,
            max_bytes,
            pending_bytes: 0,
            retry_qos_0,
            scratch: Vec::new(),
        }
    }

    /// Bytes (topics and payloads) buffered for the upstream.
    pub fn pending_bytes(&self) -> u64 {
        self.pending_bytes
    }

    /// Messages buffered for the upstream (not counting those in flight).
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Changes the bounds of the outage buffer (a restart on a new configuration); returns how
    /// many messages, the oldest, were dropped to fit. The store keys of those dropped are
    /// added to `forget`.
    pub fn set_bounds(
        &mut self,
        max_queued: usize,
        max_bytes: Option<u64>,
        forget: &mut Vec<u64>,
    ) -> u64 {
        self.max_queued = max_queued;
        self.max_bytes = max_bytes;
        self.fit(0, forget)
    }

    /// Drops the oldest buffered messages until one more of `incoming` bytes fits (0: until
    /// what is buffered fits); returns how many were dropped.
    fn fit(&mut self, incoming: u64, forget: &mut Vec<u64>) -> u64 {
        let room = usize::from(incoming > 0);
        let mut dropped = 0;
        while !self.pending.is_empty()
            && (self.pending.len() + room > self.max_queued
                || self
                    .max_bytes
                    .is_some_and(|max| self.pending_bytes + incoming > max))
        {
            if let Some(old) = self.pending.pop_front() {
                self.pending_bytes -= weight(&old);
                if old.key != 0 {
                    forget.push(old.key);
                }
            }
            dropped += 1;
        }
        dropped
    }

    /// Puts `deliveries` (what was in flight to an upstream that has forgotten it: a new
    /// session there) back in front, in order, to be sent again first, as new messages.
    pub fn requeue(&mut self, deliveries: Vec<Delivery>) {
        for delivery in deliveries.into_iter().rev() {
            self.pending_bytes += weight(&delivery);
            self.pending.push_front(delivery);
        }
    }

    /// Empties `mailbox` into the outage buffer; returns how many messages were dropped (their
    /// store keys are added to `forget`).
    pub fn absorb(&mut self, mailbox: &Mailbox, forget: &mut Vec<u64>) -> u64 {
        let mut taken = std::mem::take(&mut self.scratch);
        mailbox.pop_batch(usize::MAX, usize::MAX, &mut taken);
        let dropped = self.buffer(taken.drain(..), forget);
        self.scratch = taken;
        dropped
    }

    /// Puts what the store held for the bridge from the previous run behind what is buffered
    /// (the outbox is empty then: it is the process's first bridge); returns how many were
    /// dropped to fit `max_queued` (their store keys are added to `forget`).
    pub fn restore(&mut self, backlog: Vec<Delivery>, forget: &mut Vec<u64>) -> u64 {
        self.buffer(backlog.into_iter(), forget)
    }

    fn buffer(&mut self, deliveries: impl Iterator<Item = Delivery>, forget: &mut Vec<u64>) -> u64 {
        let mut dropped = 0;
        for delivery in deliveries {
            let bytes = weight(&delivery);
            let too_big = self.max_bytes.is_some_and(|max| bytes > max);
            if (delivery.qos == QoS::AtMostOnce && !self.retry_qos_0)
                || self.max_queued == 0
                || too_big
            {
                dropped += 1;
                if delivery.key != 0 {
                    forget.push(delivery.key);
                }
                continue;
            }
            dropped += self.fit(bytes, forget);
            self.pending_bytes += bytes;
            self.pending.push_back(delivery);
        }
        dropped
    }

    /// Moves up to `max` messages to send into `out`, the buffered ones first, then from
    /// `mailbox`, taking QoS 1/2 ones only while the window (`window` minus those in flight)
    /// has room. Order is kept: a QoS 1/2 message that does not fit ends the batch.
    pub fn next_batch(
        &mut self,
        mailbox: &Mailbox,
        max: usize,
        window: usize,
        out: &mut Vec<Delivery>,
    ) {
        let mut budget = window.saturating_sub(self.inflight.inflight_len());
        while out.len() < max {
            let Some(front) = self.pending.front() else {
                break;
            };
            let qos0 = front.qos == QoS::AtMostOnce;
            if !qos0 && budget == 0 {
                break;
            }
            let Some(delivery) = self.pending.pop_front() else {
                break;
            };
            self.pending_bytes -= weight(&delivery);
            if !qos0 {
                budget -= 1;
            }
            out.push(delivery);
        }
        if self.pending.is_empty() && out.len() < max {
            mailbox.pop_batch(max - out.len(), budget, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;

    use super::*;
    use crate::message::{Message, Origin};
    use crate::session::mailbox::QueueLimits;

    fn delivery(n: u8, qos: QoS) -> Delivery {
        Delivery {
            message: Arc::new(Message {
                id: 0,
                topic: Arc::from("t"),
                payload: Bytes::from(vec![n]),
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

    fn online_mailbox(deliveries: impl IntoIterator<Item = Delivery>) -> Mailbox {
        let limits = QueueLimits::from_msq_len(64);
        let mailbox = Mailbox::default();
        mailbox.set_online(true, &limits, &mut Vec::new());
        for d in deliveries {
            mailbox.push(d, &limits);
        }
        mailbox
    }

    fn payloads(deliveries: &[Delivery]) -> Vec<u8> {
        deliveries.iter().map(|d| d.message.payload[0]).collect()
    }

    #[test]
    fn outage_keeps_the_newest_qos12_and_counts_the_rest() {
        let mut outbox = Outbox::new(3, None, false);
        let mailbox = online_mailbox((0..6).map(|n| {
            let qos = if n == 2 {
                QoS::AtMostOnce
            } else {
                QoS::AtLeastOnce
            };
            delivery(n, qos)
        }));
        assert_eq!(
            outbox.absorb(&mailbox, &mut Vec::new()),
            3,
            "QoS 0 and the two oldest"
        );
        assert!(mailbox.is_empty());
        assert_eq!(outbox.pending_len(), 3);
        let mut out = Vec::new();
        outbox.next_batch(&mailbox, 10, 10, &mut out);
        assert_eq!(payloads(&out), [3, 4, 5]);
    }

    #[test]
    fn a_smaller_bound_drops_the_oldest() {
        let mut outbox = Outbox::new(5, None, false);
        let mailbox = online_mailbox((0..5).map(|n| delivery(n, QoS::AtLeastOnce)));
        outbox.absorb(&mailbox, &mut Vec::new());
        assert_eq!(outbox.set_bounds(2, None, &mut Vec::new()), 3);
        let mut out = Vec::new();
        outbox.next_batch(&mailbox, 10, 10, &mut out);
        assert_eq!(payloads(&out), [3, 4]);
    }

    #[test]
    fn max_queued_zero_keeps_nothing() {
        let mut outbox = Outbox::new(0, None, false);
        let mailbox = online_mailbox([delivery(1, QoS::ExactlyOnce)]);
        assert_eq!(outbox.absorb(&mailbox, &mut Vec::new()), 1);
        assert_eq!(outbox.pending_len(), 0);
    }

    #[test]
    fn batches_take_the_buffer_first_within_the_window() {
        let mut outbox = Outbox::new(10, None, false);
        let mailbox =
            online_mailbox([delivery(1, QoS::AtLeastOnce), delivery(2, QoS::ExactlyOnce)]);
        outbox.absorb(&mailbox, &mut Vec::new());
        for d in [delivery(3, QoS::AtMostOnce), delivery(4, QoS::AtLeastOnce)] {
            mailbox.push(d, &QueueLimits::from_msq_len(64));
        }
        let mut out = Vec::new();
        outbox.next_batch(&mailbox, 10, 1, &mut out);
        assert_eq!(payloads(&out), [1], "window of one");
        let id = outbox.inflight.next_packet_id();
        outbox
            .inflight
            .record_sent(id, out.remove(0), tokio::time::Instant::now());
        outbox.next_batch(&mailbox, 10, 1, &mut out);
        assert!(out.is_empty(), "window full");
        outbox.inflight.on_puback(id);
        outbox.next_batch(&mailbox, 10, 3, &mut out);
        assert_eq!(
            payloads(&out),
            [2, 3, 4],
            "buffer, then the mailbox, QoS 0 free"
        );
    }

    #[test]
    fn the_byte_bound_drops_the_oldest_and_counts() {
        // Each message weighs 2 bytes: topic "t" and one payload byte.
        let mut outbox = Outbox::new(100, Some(5), false);
        let mailbox = online_mailbox((0..4).map(|n| delivery(n, QoS::AtLeastOnce)));
        assert_eq!(outbox.absorb(&mailbox, &mut Vec::new()), 2);
        assert_eq!(outbox.pending_bytes(), 4);
        let mut out = Vec::new();
        outbox.next_batch(&mailbox, 10, 10, &mut out);
        assert_eq!(payloads(&out), [2, 3]);
        assert_eq!(outbox.pending_bytes(), 0);
    }

    #[test]
    fn retry_qos_0_keeps_them_outside_the_window() {
        let mut outbox = Outbox::new(10, None, true);
        let mailbox = online_mailbox([delivery(1, QoS::AtMostOnce), delivery(2, QoS::AtLeastOnce)]);
        assert_eq!(outbox.absorb(&mailbox, &mut Vec::new()), 0);
        let mut out = Vec::new();
        outbox.next_batch(&mailbox, 10, 0, &mut out);
        assert_eq!(payloads(&out), [1], "QoS 0 needs no room in the window");
    }
}
