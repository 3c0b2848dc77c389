//! A session's queue of deliveries waiting to be written to its client.
//!
//! Publishers push into it from their own connection tasks; the session's connection task pops
//! batches out. While the client is away (a persistent session) the queue is capped at
//! `msq_len`: the oldest message is dropped and counted, QoS 0 messages are not queued at all.
//!
//! Every queue is bounded in messages and in bytes (`max_queued_bytes`, topics and payloads),
//! online and away, whatever published what it holds. While the client is online, the policy
//! is backpressure for clients that keep up and isolation from those that do not:
//!
//! - When a push takes the queue over its high watermark, it reports congestion and the
//!   publisher stops routing until the queue is back under its low watermark; nothing is lost.
//! - The publisher waits only while the client makes progress: at least [`MIN_PROGRESS`]
//!   deliveries taken in every [`PROGRESS_WINDOW`]. A client that takes fewer (it stopped
//!   reading or acknowledging, or trickles) is *shed*: it no longer holds anyone back, and its
//!   queue is capped at the high watermark instead, the oldest delivery dropped and counted
//!   for each new one. It is restored once it drains back under the low watermark.
//!
//! - A source that cannot pause (the broker's `$SYS` events, wills, the HTTP API) never takes
//!   a queue over its bounds: over them, its message is dropped for that subscriber (and
//!   counted) rather than queued, so a subscriber that reads nothing cannot grow without end
//!   on messages nobody waits for. (Dropping the newest keeps what a client publisher had
//!   queued, and had acknowledged.)
//!
//! So one subscriber can slow its publishers down to no less than `MIN_PROGRESS` per
//! `PROGRESS_WINDOW` (128 messages/s), and a stuck one holds them for one window at most (a
//! quarter of a second: short enough not to show in its publishers' rates, long enough for a
//! client that waits out one round trip with a full in-flight window).
//!
//! A `parking_lot` mutex guards the queue: the critical sections are a few pointer moves, and
//! it never needs to be held across an await.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::codec::QoS;
use crate::message::Delivery;

/// How often a paused publisher checks that the congested client is making progress.
pub const PROGRESS_WINDOW: Duration = Duration::from_millis(250);
/// Deliveries a congested client must take per [`PROGRESS_WINDOW`] to keep holding its
/// publishers back.
pub const MIN_PROGRESS: u64 = 32;

/// The bounds a mailbox works within (from the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Most messages kept for a client that is away (`msq_len`).
    pub offline: usize,
    /// Online queue length above which publishers are told to slow down.
    pub high_watermark: usize,
    /// Online queue length at which paused publishers resume.
    pub low_watermark: usize,
    /// Most bytes (topics and payloads) a queue holds: over it, as over the high watermark;
    /// paused publishers resume under half of it.
    pub max_bytes: usize,
}

impl QueueLimits {
    /// Limits for a given `msq_len` and no byte bound.
    pub fn from_msq_len(msq_len: usize) -> QueueLimits {
        QueueLimits::new(msq_len, 0)
    }

    /// Limits for a given `msq_len` and `max_queued_bytes` (0: no byte bound).
    pub fn new(msq_len: usize, max_bytes: usize) -> QueueLimits {
        let high = msq_len.max(1024);
        QueueLimits {
            offline: msq_len.max(1),
            high_watermark: high,
            low_watermark: high / 2,
            max_bytes: if max_bytes == 0 {
                usize::MAX
            } else {
                max_bytes
            },
        }
    }
}

/// What happened to a pushed delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// Queued.
    Queued,
    /// Queued, and the queue is over its high watermark: the publisher should pause.
    Congested,
    /// Queued for a client that is away or shed, whose queue was full: the oldest message
    /// was dropped.
    DroppedOldest,
    /// Not queued: the queue is full and the source cannot pause (counted as dropped).
    DroppedNewest,
    /// Not queued: the session is closed, or a QoS 0 message for an offline client.
    Refused,
}

/// A session's delivery queue.
#[derive(Debug, Default)]
pub struct Mailbox {
    state: Mutex<State>,
    /// Mirrors the queue length for readers that must not take the lock (API listings).
    len: AtomicUsize,
    /// Wakes the consumer when the queue stops being empty.
    ready: Notify,
    /// Wakes paused publishers when the queue drains under the low watermark.
    space: Notify,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<Delivery>,
    online: bool,
    closed: bool,
    dropped: u64,
    /// Bytes (topics and payloads) of what is queued.
    bytes: usize,
    /// Queue length at which paused publishers resume.
    low_watermark: u32,
    /// Bytes under which paused publishers resume (`u32::MAX`: no byte bound).
    low_bytes: u32,
    /// Deliveries the consumer has taken so far: its progress, as paused publishers see it.
    taken: u64,
    /// The consumer did not keep up while congested: it holds no publisher back, and its
    /// queue is capped at the high watermark (oldest dropped first) until it drains.
    shed: bool,
}

impl State {
    fn congested(&self) -> bool {
        self.online
            && !self.closed
            && !self.shed
            && (self.queue.len() > self.low_watermark as usize
                || self.bytes > self.low_bytes as usize)
    }

    /// Drops the oldest delivery: its store key goes to `dropped` (for the store to forget
    /// it).
    fn drop_oldest(&mut self, dropped: &mut Vec<u64>) {
        if let Some(old) = self.queue.pop_front() {
            self.bytes = self.bytes.saturating_sub(cost(&old));
            if old.key != 0 {
                dropped.push(old.key);
            }
        }
        self.dropped += 1;
    }
}

/// What a delivery counts for in a queue's byte bound: its topic and payload.
fn cost(delivery: &Delivery) -> usize {
    delivery.message.topic.len() + delivery.message.payload.len()
}

/// What a paused publisher remembers of the consumer's progress between two checks.
#[derive(Debug, Clone, Copy)]
struct Progress {
    taken: u64,
    at: Instant,
}

impl Mailbox {
    /// Queues a delivery from a source that pauses when told [`Pushed::Congested`],
    /// applying the online or offline policy.
    pub fn push(&self, delivery: Delivery, limits: &QueueLimits) -> Pushed {
        self.push_dropping(delivery, limits, true, &mut Vec::new())
    }

    /// [`Mailbox::push`], from a source that pauses when congested (`waits`) or not (then a
    /// full queue drops the new delivery), adding to `dropped` the store keys of the stored
    /// deliveries it dropped to make room (for the store to forget them).
    pub fn push_dropping(
        &self,
        delivery: Delivery,
        limits: &QueueLimits,
        waits: bool,
        dropped: &mut Vec<u64>,
    ) -> Pushed {
        let mut state = self.state.lock();
        if state.closed {
            return Pushed::Refused;
        }
        let size = cost(&delivery);
        if !state.online {
            if delivery.qos == QoS::AtMostOnce {
                return Pushed::Refused;
            }
            let mut outcome = Pushed::Queued;
            while !state.queue.is_empty()
                && (state.queue.len() >= limits.offline
                    || state.bytes.saturating_add(size) > limits.max_bytes)
            {
                state.drop_oldest(dropped);
                outcome = Pushed::DroppedOldest;
            }
            state.queue.push_back(delivery);
            state.bytes += size;
            self.len.store(state.queue.len(), Ordering::Relaxed);
            return outcome;
        }
        state.low_watermark = u32::try_from(limits.low_watermark).unwrap_or(u32::MAX);
        state.low_bytes = u32::try_from(limits.max_bytes / 2).unwrap_or(u32::MAX);
        let full = |state: &State| {
            state.queue.len() >= limits.high_watermark
                || state.bytes.saturating_add(size) > limits.max_bytes
        };
        if !waits && !state.shed && full(&state) {
            state.dropped += 1;
            return Pushed::DroppedNewest;
        }
        let was_empty = state.queue.is_empty();
        let mut outcome = Pushed::Queued;
        if state.shed && state.queue.len() >= limits.high_watermark {
            state.drop_oldest(dropped);
            outcome = Pushed::DroppedOldest;
        }
        while state.shed
            && !state.queue.is_empty()
            && state.bytes.saturating_add(size) > limits.max_bytes
        {
            state.drop_oldest(dropped);
            outcome = Pushed::DroppedOldest;
        }
        state.queue.push_back(delivery);
        state.bytes += size;
        let len = state.queue.len();
        let over = len > limits.high_watermark || state.bytes > limits.max_bytes;
        let shed = state.shed;
        self.len.store(len, Ordering::Relaxed);
        drop(state);
        if was_empty {
            self.ready.notify_one();
        }
        if over && !shed {
            Pushed::Congested
        } else {
            outcome
        }
    }

    /// Moves up to `max` deliveries into `out`, taking QoS 1/2 deliveries only while
    /// `qos_budget` (free in-flight slots) lasts; order is kept, so a QoS 1/2 delivery that
    /// does not fit stops the batch. Returns how many QoS 1/2 deliveries were taken.
    pub fn pop_batch(&self, max: usize, qos_budget: usize, out: &mut Vec<Delivery>) -> usize {
        let mut state = self.state.lock();
        let before = state.queue.len();
        let was_congested = state.congested();
        let mut taken_qos = 0;
        while out.len() < max {
            let Some(front) = state.queue.front() else {
                break;
            };
            if front.qos != QoS::AtMostOnce {
                if taken_qos == qos_budget {
                    break;
                }
                taken_qos += 1;
            }
            if let Some(delivery) = state.queue.pop_front() {
                state.bytes = state.bytes.saturating_sub(cost(&delivery));
                out.push(delivery);
            }
        }
        let after = state.queue.len();
        state.taken += (before - after) as u64;
        self.len.store(after, Ordering::Relaxed);
        let drained =
            after <= state.low_watermark as usize && state.bytes <= state.low_bytes as usize;
        let crossed = was_congested && drained;
        if drained {
            state.shed = false;
        }
        drop(state);
        if crossed {
            self.space.notify_waiters();
        }
        taken_qos
    }

    /// Puts deliveries back at the front of the queue, in order (a connection that ends with
    /// messages it had taken but not yet sent).
    pub fn unpop(&self, deliveries: impl DoubleEndedIterator<Item = Delivery>) {
        let mut state = self.state.lock();
        for delivery in deliveries.rev() {
            state.bytes += cost(&delivery);
            state.queue.push_front(delivery);
        }
        self.len.store(state.queue.len(), Ordering::Relaxed);
    }

    /// Waits until the queue may have something to pop (a permit is kept if the queue
    /// became non-empty while nobody was waiting).
    pub async fn ready(&self) {
        self.ready.notified().await;
    }

    /// True while the queue is over its low watermark with an online client that is not
    /// shed, i.e. a publisher that was told [`Pushed::Congested`] should keep waiting.
    pub fn is_congested(&self) -> bool {
        self.state.lock().congested()
    }

    /// Waits until the queue is no longer congested, or until it drained under its low
    /// watermark since the wait began, or until the client is shed for not taking
    /// [`MIN_PROGRESS`] deliveries in a [`PROGRESS_WINDOW`].
    ///
    /// The second case matters for fairness: every paused publisher woken by a drain gets its
    /// turn, even if another woken publisher filled the queue again first; re-checking the
    /// queue instead starves whichever publisher the scheduler happens to run last. Overshoot
    /// is bounded by one batch per publisher.
    pub async fn wait_for_space(&self) {
        let notified = self.space.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let mut seen = {
            let state = self.state.lock();
            if !state.congested() {
                return;
            }
            Progress {
                taken: state.taken,
                at: Instant::now(),
            }
        };
        loop {
            tokio::select! {
                () = notified.as_mut() => return,
                () = tokio::time::sleep_until(seen.at + PROGRESS_WINDOW) => {
                    match self.check_progress(seen) {
                        Some(progress) => seen = progress,
                        None => return,
                    }
                }
            }
        }
    }

    /// A paused publisher's periodic check: `None` when it should stop waiting (the queue is
    /// no longer congested, or the client fell behind and is shed now, which wakes every other
    /// paused publisher too), else the progress to compare with next time.
    fn check_progress(&self, seen: Progress) -> Option<Progress> {
        let mut state = self.state.lock();
        if !state.congested() {
            return None;
        }
        if state.taken.saturating_sub(seen.taken) < MIN_PROGRESS {
            state.shed = true;
            drop(state);
            self.space.notify_waiters();
            return None;
        }
        Some(Progress {
            taken: state.taken,
            at: Instant::now(),
        })
    }

    /// Marks the client online (its connection drains the queue) or away (the queue is capped
    /// at `limits.offline`, oldest first). Returns how many messages were dropped to fit,
    /// adding the store keys of the stored ones to `dropped_keys`.
    pub fn set_online(
        &self,
        online: bool,
        limits: &QueueLimits,
        dropped_keys: &mut Vec<u64>,
    ) -> u64 {
        let mut state = self.state.lock();
        state.online = online;
        state.shed = false;
        let mut dropped = 0;
        if !online {
            state.queue.retain(|d| d.qos != QoS::AtMostOnce);
            state.bytes = state.queue.iter().map(cost).sum();
            while state.queue.len() > limits.offline || state.bytes > limits.max_bytes {
                state.drop_oldest(dropped_keys);
                dropped += 1;
            }
        }
        let len = state.queue.len();
        self.len.store(len, Ordering::Relaxed);
        drop(state);
        self.space.notify_waiters();
        if online && len > 0 {
            self.ready.notify_one();
        }
        dropped
    }

    /// Closes the mailbox for good: the queue is emptied and later pushes are refused.
    pub fn close(&self) {
        let mut state = self.state.lock();
        state.closed = true;
        state.queue.clear();
        state.bytes = 0;
        self.len.store(0, Ordering::Relaxed);
        drop(state);
        self.space.notify_waiters();
    }

    /// Number of queued deliveries.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes (topics and payloads) queued now.
    pub fn bytes(&self) -> usize {
        self.state.lock().bytes
    }

    /// Messages dropped from this queue so far because it was full (away, shed, or a source
    /// that cannot pause).
    pub fn dropped(&self) -> u64 {
        self.state.lock().dropped
    }
}

#[cfg(test)]
#[path = "mailbox_tests.rs"]
mod tests;
