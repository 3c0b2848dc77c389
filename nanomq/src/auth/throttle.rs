//! Slowing down password guessing: after a few failed logins from one address (MQTT or the
//! HTTP API), every further attempt from it takes a turn, and the turns are spaced by a delay
//! that doubles with each failure (up to [`MAX_DELAY`]). A success from the address, or ten
//! quiet minutes, forgets it. So one address can try a few passwords at once, and then about
//! one every few seconds, however many connections it opens; others are not slowed at all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;

/// Failures from one address before its attempts are spaced.
pub const FREE_FAILURES: u32 = 3;
/// The spacing after the first failure beyond the free ones.
pub const BASE_DELAY: Duration = Duration::from_millis(250);
/// The largest spacing.
pub const MAX_DELAY: Duration = Duration::from_secs(4);
/// An attempt whose turn is further away than this is refused at once instead of waiting.
pub const MAX_WAIT: Duration = Duration::from_secs(10);
/// How long an address with no new failure is remembered.
const FORGET_AFTER: Duration = Duration::from_secs(600);
/// Most addresses remembered; past it, the quietest are forgotten first.
const MAX_ADDRESSES: usize = 10_000;

/// The failed-login record of every address.
#[derive(Debug, Default)]
pub struct Throttle {
    addresses: Mutex<HashMap<IpAddr, Record>>,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last_failure: Instant,
    next_turn: Instant,
}

/// What an attempt from an address must do first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Go ahead now.
    Now,
    /// Wait until then.
    At(Instant),
    /// Too many attempts queued from this address: refuse this one.
    Refused,
}

impl Throttle {
    /// Takes a turn for an attempt from `address`.
    pub fn turn(&self, address: IpAddr) -> Turn {
        let now = Instant::now();
        let mut addresses = self.addresses.lock();
        let Some(record) = addresses.get_mut(&address) else {
            return Turn::Now;
        };
        if now >= record.last_failure + FORGET_AFTER {
            addresses.remove(&address);
            return Turn::Now;
        }
        if record.failures < FREE_FAILURES {
            return Turn::Now;
        }
        let turn = record.next_turn.max(now);
        if turn > now + MAX_WAIT {
            return Turn::Refused;
        }
        record.next_turn = turn + delay(record.failures);
        if turn <= now {
            Turn::Now
        } else {
            Turn::At(turn)
        }
    }

    /// Waits for a turn; false when the attempt is to be refused without trying.
    pub async fn wait_turn(&self, address: IpAddr) -> bool {
        match self.turn(address) {
            Turn::Now => true,
            Turn::At(at) => {
                tokio::time::sleep_until(at).await;
                true
            }
            Turn::Refused => false,
        }
    }

    /// Records a failed login from `address`.
    pub fn failed(&self, address: IpAddr) {
        let now = Instant::now();
        let mut addresses = self.addresses.lock();
        if addresses.len() >= MAX_ADDRESSES && !addresses.contains_key(&address) {
            forget_quietest(&mut addresses);
        }
        let record = addresses.entry(address).or_insert(Record {
            failures: 0,
            last_failure: now,
            next_turn: now,
        });
        record.failures = record.failures.saturating_add(1);
        record.last_failure = now;
    }

    /// Records a successful login from `address`: it is forgotten.
    pub fn succeeded(&self, address: IpAddr) {
        self.addresses.lock().remove(&address);
    }
}

/// The spacing of turns after `failures` failures.
fn delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(FREE_FAILURES).min(8);
    (BASE_DELAY * 2u32.pow(doublings)).min(MAX_DELAY)
}

fn forget_quietest(addresses: &mut HashMap<IpAddr, Record>) {
    let mut by_age: Vec<(Instant, IpAddr)> = addresses
        .iter()
        .map(|(a, r)| (r.last_failure, *a))
        .collect();
    by_age.sort_unstable();
    for (_, address) in by_age.into_iter().take(MAX_ADDRESSES / 10) {
        addresses.remove(&address);
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
            assert_eq!(throttle.turn(guesser), Turn::Now);
            throttle.failed(guesser);
        }
        // Beyond the free failures, attempts queue up, spaced by a growing delay.
        let now = Instant::now();
        assert_eq!(throttle.turn(guesser), Turn::Now);
        assert_eq!(throttle.turn(guesser), Turn::At(now + BASE_DELAY));
        assert_eq!(throttle.turn(guesser), Turn::At(now + BASE_DELAY * 2));
        throttle.failed(guesser);
        assert_eq!(
            throttle.turn(guesser),
            Turn::At(now + BASE_DELAY * 3),
            "the queue is kept; the delay after it grows"
        );
        assert_eq!(
            throttle.turn(ip("10.0.0.2")),
            Turn::Now,
            "others are not slowed"
        );
        // Enough queued attempts from one address are refused rather than kept waiting.
        let mut refused = false;
        for _ in 0..100 {
            if throttle.turn(guesser) == Turn::Refused {
                refused = true;
                break;
            }
        }
        assert!(refused);
        throttle.succeeded(guesser);
        assert_eq!(throttle.turn(guesser), Turn::Now);
    }

    #[tokio::test(start_paused = true)]
    async fn quiet_addresses_are_forgotten() {
        let throttle = Throttle::default();
        let guesser = ip("10.0.0.1");
        for _ in 0..10 {
            throttle.failed(guesser);
        }
        tokio::time::advance(FORGET_AFTER).await;
        assert_eq!(throttle.turn(guesser), Turn::Now);
        assert_eq!(delay(100), MAX_DELAY);
    }
}
