//! Slowing down password guessing (MQTT and the HTTP API's Basic logins) without handing an
//! attacker a way to slow anyone else down.
//!
//! Failures are counted three ways:
//! - **per address**, whatever the username: beyond [`FREE_FAILURES`], every further attempt
//!   from the address takes a turn, the turns spaced by a delay that doubles with each failure
//!   (up to [`MAX_DELAY`]). A success forgets only the failures of the username that
//!   succeeded, so an attacker's own valid login does not wipe its guesses at other accounts.
//! - **per username**, across addresses, so a guesser with many addresses is slowed too
//!   (beyond [`FREE_USER_FAILURES`]). An address the username logged in from recently is not
//!   held up by this count: a distributed attack on an account does not lock its owner out.
//! - A success forgets the username's own failures.
//!
//! A failure only counts once its check is over, so the checks of one address run at most
//! [`CHECKS_PER_ADDRESS`] at a time ([`Throttle::wait_turn`] hands out the slots): a thousand
//! guesses sent at once from one address are checked a few at a time and meet the spacing as
//! soon as the first fail (an attempt waiting for its turn gives its slot back meanwhile, so
//! those whose turn is too far away are refused at once), while a thousand right logins from
//! one gateway all get in, a few at a time.
//!
//! An attempt whose turn is more than [`MAX_WAIT`] away is refused at once. Ten quiet minutes
//! forget a record. Every table is bounded: past its size the quietest records go first.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Failures from one address before its attempts are spaced.
pub const FREE_FAILURES: u32 = 3;
/// Password checks of one address running at once, at most.
pub const CHECKS_PER_ADDRESS: usize = FREE_FAILURES as usize;
/// Failures of one username, from anywhere, before its attempts from new addresses are spaced.
pub const FREE_USER_FAILURES: u32 = 10;
/// The spacing after the first failure beyond the free ones.
pub const BASE_DELAY: Duration = Duration::from_millis(250);
/// The largest spacing.
pub const MAX_DELAY: Duration = Duration::from_secs(4);
/// An attempt whose turn is further away than this is refused at once instead of waiting.
pub const MAX_WAIT: Duration = Duration::from_secs(10);
/// How long a record with no new failure is remembered.
const FORGET_AFTER: Duration = Duration::from_secs(600);
/// Most records per table; past it, the quietest tenth is forgotten.
const MAX_RECORDS: usize = 10_000;
/// Usernames whose failures an address record keeps apart, at most (the rest are counted
/// together, and no success forgets them).
const USERS_PER_ADDRESS: usize = 8;
/// Addresses a username is remembered to have logged in from.
const TRUSTED_PER_USER: usize = 4;

/// The failed-login records.
#[derive(Debug, Default)]
pub struct Throttle {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The checks of each address running now.
    slots: HashMap<IpAddr, Arc<Semaphore>>,
    addresses: HashMap<IpAddr, AddressRecord>,
    users: HashMap<Box<str>, Record>,
    /// Where each username last logged in from.
    trusted: HashMap<Box<str>, Vec<(IpAddr, Instant)>>,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    /// Turns handed out since the failures went over the free ones: each spaces the next
    /// further, whether or not its check has failed yet (a burst of attempts is spaced as a
    /// string of failures would be).
    spaced: u32,
    last_failure: Instant,
    next_turn: Instant,
}

#[derive(Debug, Clone)]
struct AddressRecord {
    record: Record,
    /// The failures of each username among `record.failures`.
    by_user: Vec<(Box<str>, u32)>,
}

/// One of the check slots of an address, held by an attempt until its check is over.
#[derive(Debug)]
pub struct CheckSlot(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

/// What an attempt must do first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Go ahead now.
    Now,
    /// Wait until then.
    At(Instant),
    /// Too many attempts queued: refuse this one.
    Refused,
}

impl Record {
    fn new(now: Instant) -> Record {
        Record {
            failures: 0,
            spaced: 0,
            last_failure: now,
            next_turn: now,
        }
    }

    fn stale(&self, now: Instant) -> bool {
        now >= self.last_failure + FORGET_AFTER
    }

    fn fail(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.last_failure = now;
    }
}

impl Throttle {
    /// Waits for an attempt's turn and for one of its address's check slots; `None` when the
    /// attempt is to be refused without trying. The slot is held until it is dropped, after
    /// the check has recorded its outcome.
    pub async fn wait_turn(&self, address: IpAddr, username: &str) -> Option<CheckSlot> {
        let slot = self.slot(address).await;
        match self.turn(address, username) {
            Turn::Now => Some(slot),
            Turn::At(at) => {
                drop(slot);
                tokio::time::sleep_until(at).await;
                Some(self.slot(address).await)
            }
            Turn::Refused => None,
        }
    }

    /// Waits until fewer than [`CHECKS_PER_ADDRESS`] checks of `address` are running.
    async fn slot(&self, address: IpAddr) -> CheckSlot {
        let slots = {
            let mut state = self.state.lock();
            if state.slots.len() >= MAX_RECORDS {
                state.slots.retain(|_, s| Arc::strong_count(s) > 1);
            }
            Arc::clone(
                state
                    .slots
                    .entry(address)
                    .or_insert_with(|| Arc::new(Semaphore::new(CHECKS_PER_ADDRESS))),
            )
        };
        // Never closed: the error cannot happen, and would only mean no limit.
        CheckSlot(slots.acquire_owned().await.ok())
    }

    /// Takes a turn for an attempt from `address` as `username`.
    pub fn turn(&self, address: IpAddr, username: &str) -> Turn {
        self.take_turn(address, username, true)
    }

    /// Takes a turn only if it is now (an HTTP login, which is answered 429 at once rather
    /// than held waiting); false when the attempt is to be refused.
    pub fn turn_now(&self, address: IpAddr, username: &str) -> bool {
        self.take_turn(address, username, false) == Turn::Now
    }

    fn take_turn(&self, address: IpAddr, username: &str, may_wait: bool) -> Turn {
        let now = Instant::now();
        let mut guard = self.state.lock();
        let state = &mut *guard;
        let trusted = state
            .trusted
            .get(username)
            .is_some_and(|list| list.iter().any(|(a, at)| *a == address && !stale(*at, now)));
        if state
            .addresses
            .get(&address)
            .is_some_and(|e| e.record.stale(now))
        {
            state.addresses.remove(&address);
        }
        if state.users.get(username).is_some_and(|r| r.stale(now)) {
            state.users.remove(username);
        }
        // The records that limit this attempt.
        let mut limits: Vec<&mut Record> = Vec::with_capacity(2);
        if let Some(entry) = state.addresses.get_mut(&address)
            && entry.record.failures >= FREE_FAILURES
        {
            limits.push(&mut entry.record);
        }
        if !trusted
            && let Some(record) = state.users.get_mut(username)
            && record.failures >= FREE_USER_FAILURES
        {
            limits.push(record);
        }
        let turn = limits.iter().map(|r| r.next_turn).fold(now, Instant::max);
        if turn > now + MAX_WAIT || (!may_wait && turn > now) {
            return Turn::Refused;
        }
        for record in limits {
            record.next_turn = turn + delay(record.spaced);
            record.spaced = record.spaced.saturating_add(1);
        }
        if turn <= now {
            Turn::Now
        } else {
            Turn::At(turn)
        }
    }

    /// Records a failed login from `address` as `username`.
    pub fn failed(&self, address: IpAddr, username: &str) {
        let now = Instant::now();
        let mut state = self.state.lock();
        make_room(&mut state.addresses, &address, |r| r.record.last_failure);
        let entry = state
            .addresses
            .entry(address)
            .or_insert_with(|| AddressRecord {
                record: Record::new(now),
                by_user: Vec::new(),
            });
        entry.record.fail(now);
        let known = entry.by_user.iter().position(|(u, _)| **u == *username);
        match known {
            Some(at) => entry.by_user[at].1 = entry.by_user[at].1.saturating_add(1),
            None if entry.by_user.len() < USERS_PER_ADDRESS => {
                entry.by_user.push((Box::from(username), 1));
            }
            None => {}
        }
        make_room(&mut state.users, username, |r| r.last_failure);
        state
            .users
            .entry(Box::from(username))
            .or_insert_with(|| Record::new(now))
            .fail(now);
    }

    /// Records a successful login from `address` as `username`: the failures of that
    /// username are forgotten (at the address and everywhere), and the address is one the
    /// username's owner uses.
    pub fn succeeded(&self, address: IpAddr, username: &str) {
        let now = Instant::now();
        let mut state = self.state.lock();
        if let Some(entry) = state.addresses.get_mut(&address)
            && let Some(at) = entry.by_user.iter().position(|(u, _)| **u == *username)
        {
            let (_, forgiven) = entry.by_user.swap_remove(at);
            entry.record.failures = entry.record.failures.saturating_sub(forgiven);
            if entry.record.failures == 0 {
                state.addresses.remove(&address);
            }
        }
        state.users.remove(username);
        make_room(&mut state.trusted, username, |list| {
            list.iter().map(|(_, at)| *at).max().unwrap_or(now)
        });
        let list = state.trusted.entry(Box::from(username)).or_default();
        list.retain(|(a, at)| *a != address && !stale(*at, now));
        if list.len() >= TRUSTED_PER_USER {
            list.remove(0);
        }
        list.push((address, now));
    }
}

fn stale(at: Instant, now: Instant) -> bool {
    now >= at + FORGET_AFTER
}

/// The spacing after the `spaced`-th turn past the free failures (counting from 0).
fn delay(spaced: u32) -> Duration {
    (BASE_DELAY * 2u32.pow(spaced.min(8))).min(MAX_DELAY)
}

/// Forgets the quietest tenth of `table` when it is full and `key` is not in it.
fn make_room<K, Q, V>(table: &mut HashMap<K, V>, key: &Q, last: impl Fn(&V) -> Instant)
where
    K: Eq + Hash + Clone + std::borrow::Borrow<Q>,
    Q: Eq + Hash + ?Sized,
{
    if table.len() < MAX_RECORDS || table.contains_key(key) {
        return;
    }
    let mut by_age: Vec<(Instant, K)> = table.iter().map(|(k, v)| (last(v), k.clone())).collect();
    by_age.sort_unstable_by_key(|(at, _)| *at);
    for (_, key) in by_age.into_iter().take(MAX_RECORDS / 10) {
        table.remove::<K>(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn repeated_failures_space_the_attempts_of_that_address_only() {
        let throttle = Throttle::default();
        let guesser = ip("10.0.0.1");
        for _ in 0..FREE_FAILURES {
            assert_eq!(throttle.turn(guesser, "alice"), Turn::Now);
            throttle.failed(guesser, "alice");
        }
        // Beyond the free failures, attempts queue up, each spacing the next twice as far
        // (attempts sent together are spaced as a string of failures would be).
        let now = Instant::now();
        assert_eq!(throttle.turn(guesser, "alice"), Turn::Now);
        assert_eq!(throttle.turn(guesser, "bob"), Turn::At(now + BASE_DELAY));
        assert_eq!(
            throttle.turn(guesser, "alice"),
            Turn::At(now + BASE_DELAY * 3)
        );
        throttle.failed(guesser, "alice");
        assert_eq!(
            throttle.turn(guesser, "alice"),
            Turn::At(now + BASE_DELAY * 7),
            "the queue is kept; the delay after it grows"
        );
        assert_eq!(
            throttle.turn(ip("10.0.0.2"), "alice"),
            Turn::Now,
            "other addresses are not slowed"
        );
        assert!(!throttle.turn_now(guesser, "alice"), "no waiting for HTTP");
        // Enough queued attempts from one address are refused rather than kept waiting.
        let refused = (0..100).any(|_| throttle.turn(guesser, "alice") == Turn::Refused);
        assert!(refused);
        throttle.succeeded(guesser, "alice");
        assert_eq!(throttle.turn(guesser, "alice"), Turn::Now);
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_forgets_only_the_failures_of_its_own_username() {
        let throttle = Throttle::default();
        let guesser = ip("10.0.0.1");
        for _ in 0..FREE_FAILURES + 2 {
            throttle.failed(guesser, "victim");
        }
        // The attacker logs in with its own account: its guesses at "victim" still count.
        throttle.succeeded(guesser, "mallory");
        assert_eq!(throttle.turn(guesser, "victim"), Turn::Now);
        assert!(matches!(throttle.turn(guesser, "victim"), Turn::At(_)));
        assert!(
            !throttle.turn_now(guesser, "mallory"),
            "the address is slowed"
        );
        throttle.succeeded(guesser, "victim");
        assert!(
            throttle.turn_now(guesser, "mallory"),
            "all its failures forgiven"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_username_guessed_from_many_addresses_is_slowed_but_not_for_its_owner() {
        let throttle = Throttle::default();
        let owner = ip("192.168.1.10");
        throttle.succeeded(owner, "alice");
        for n in 0..FREE_USER_FAILURES {
            let address = ip(&format!("10.0.{n}.1"));
            assert_eq!(throttle.turn(address, "alice"), Turn::Now);
            throttle.failed(address, "alice");
        }
        let now = Instant::now();
        assert_eq!(throttle.turn(ip("10.9.9.9"), "alice"), Turn::Now);
        assert_eq!(
            throttle.turn(ip("10.9.9.8"), "alice"),
            Turn::At(now + BASE_DELAY),
            "a new address waits its turn for this username"
        );
        assert_eq!(
            throttle.turn(owner, "alice"),
            Turn::Now,
            "its owner does not"
        );
        assert_eq!(
            throttle.turn(ip("10.9.9.7"), "bob"),
            Turn::Now,
            "nor others"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn quiet_records_are_forgotten_and_tables_are_bounded() {
        let throttle = Throttle::default();
        let guesser = ip("10.0.0.1");
        for _ in 0..10 {
            throttle.failed(guesser, "x");
        }
        tokio::time::advance(FORGET_AFTER).await;
        assert_eq!(throttle.turn(guesser, "x"), Turn::Now);
        assert_eq!(delay(100), MAX_DELAY);
        for n in 0..(MAX_RECORDS as u32 + 10) {
            throttle.failed(IpAddr::from(n.to_be_bytes()), &format!("user{n}"));
        }
        let state = throttle.state.lock();
        assert!(state.addresses.len() <= MAX_RECORDS);
        assert!(state.users.len() <= MAX_RECORDS);
    }
}
