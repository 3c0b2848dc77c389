//! One queue for everything the broker must do at a given time, served by one task: a will
//! published after its delay, a session removed when its expiry interval runs out, a retained
//! message freed when its Message Expiry Interval does. (Messages queued for clients expire
//! lazily, when their turn to be sent comes.)
//!
//! Each timer has a key, so arming it again replaces it and a client that comes back cancels
//! its own, and nothing piles up: a topic republished with an expiry over and over holds one
//! timer. Deadlines are `tokio::time::Instant`s, so tests can pause and advance the clock;
//! `crate::clock` turns them into wall-clock times that can be stored and read back after a
//! restart.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::codec::LastWill;
use crate::ids::SessionId;
use crate::session::Session;

/// What a timer is for; one timer per key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TimerKey {
    /// A session's delayed will.
    Will(SessionId),
    /// A session's expiry.
    Expiry(SessionId),
    /// The expiry of the message retained on a topic.
    Retained(Arc<str>),
}

/// What to do when a timer fires.
#[derive(Debug)]
pub enum Due {
    /// Publish the will unless a connection came back since `generation`.
    Will {
        /// The absent client's session.
        session: Arc<Session>,
        /// Its attachment generation when the timer was armed.
        generation: u64,
        /// The will (its Message Expiry Interval counts from when it is published).
        will: LastWill,
    },
    /// Remove the session unless a connection came back since `generation`.
    Expiry {
        /// The absent client's session.
        session: Arc<Session>,
        /// Its attachment generation when the timer was armed.
        generation: u64,
    },
    /// Free the message retained on `topic` if it has expired.
    Retained {
        /// The topic.
        topic: Arc<str>,
    },
}

/// The timer queue.
#[derive(Debug, Default)]
pub struct Timers {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug, Default)]
struct State {
    queue: BTreeMap<(Instant, u64), TimerKey>,
    entries: HashMap<TimerKey, Entry>,
    next_seq: u64,
}

#[derive(Debug)]
struct Entry {
    slot: (Instant, u64),
    due: Due,
}

impl Timers {
    /// Arms the timer `key` for `at`, replacing any timer with that key.
    pub fn set(&self, key: TimerKey, at: Instant, due: Due) {
        let mut state = self.state.lock();
        let seq = state.next_seq;
        state.next_seq += 1;
        if let Some(old) = state.entries.remove(&key) {
            state.queue.remove(&old.slot);
        }
        let slot = (at, seq);
        let first = state.queue.first_key_value().is_none_or(|(s, _)| slot < *s);
        state.queue.insert(slot, key.clone());
        state.entries.insert(key, Entry { slot, due });
        drop(state);
        if first {
            self.changed.notify_one();
        }
    }

    /// Disarms the timer `key`, if it is armed.
    pub fn cancel(&self, key: &TimerKey) {
        let mut state = self.state.lock();
        if let Some(old) = state.entries.remove(key) {
            state.queue.remove(&old.slot);
        }
    }

    /// Timers armed now.
    pub fn len(&self) -> usize {
        self.state.lock().entries.len()
    }

    /// True when no timer is armed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes every timer due by `now`, earliest first.
    fn take_due(&self, now: Instant) -> Vec<Due> {
        let mut state = self.state.lock();
        let mut due = Vec::new();
        while let Some(entry) = state.queue.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let key = entry.remove();
            if let Some(entry) = state.entries.remove(&key) {
                due.push(entry.due);
            }
        }
        due
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.state
            .lock()
            .queue
            .first_key_value()
            .map(|(slot, _)| slot.0)
    }

    /// Serves the queue for ever, calling `fire` with each timer as it comes due.
    pub async fn run(&self, mut fire: impl FnMut(Due)) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            for due in self.take_due(Instant::now()) {
                fire(due);
            }
            match self.next_deadline() {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn topic(name: &str) -> TimerKey {
        TimerKey::Retained(Arc::from(name))
    }

    fn due(name: &str) -> Due {
        Due::Retained {
            topic: Arc::from(name),
        }
    }

    fn names(due: Vec<Due>) -> Vec<String> {
        due.into_iter()
            .map(|d| match d {
                Due::Retained { topic } => topic.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn timers_come_due_in_order_and_rearming_replaces() {
        let timers = Timers::default();
        let now = Instant::now();
        let s = Duration::from_secs;
        timers.set(topic("b"), now + s(2), due("b"));
        timers.set(topic("a"), now + s(1), due("a"));
        timers.set(topic("c"), now + s(3), due("c"));
        // Re-armed later: one timer for the key, at the new time.
        timers.set(topic("a"), now + s(5), due("a"));
        timers.cancel(&topic("c"));
        assert_eq!(timers.len(), 2);
        assert!(timers.take_due(now).is_empty());
        assert_eq!(names(timers.take_due(now + s(4))), ["b"]);
        assert_eq!(names(timers.take_due(now + s(5))), ["a"]);
        assert!(timers.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_task_fires_each_timer_when_it_is_due() {
        let timers = Arc::new(Timers::default());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let runner = {
            let timers = Arc::clone(&timers);
            tokio::spawn(async move {
                timers
                    .run(|d| {
                        let _ = tx.send((Instant::now(), names(vec![d])));
                    })
                    .await;
            })
        };
        let start = Instant::now();
        timers.set(topic("late"), start + Duration::from_secs(10), due("late"));
        tokio::task::yield_now().await;
        // An earlier timer armed while the task sleeps for the later one wakes it.
        timers.set(topic("soon"), start + Duration::from_secs(1), due("soon"));
        let (at, fired) = rx.recv().await.unwrap();
        assert_eq!(
            (at - start, fired),
            (Duration::from_secs(1), vec!["soon".into()])
        );
        let (at, fired) = rx.recv().await.unwrap();
        assert_eq!(
            (at - start, fired),
            (Duration::from_secs(10), vec!["late".into()])
        );
        runner.abort();
    }
}
