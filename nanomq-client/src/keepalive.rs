//! The client's side of keep alive (MQTT 3.1.2.10): once the link has been quiet either way
//! for the keep alive, a PINGREQ; if nothing at all comes back within another keep alive, the
//! server is gone. Any packet from the server proves it is there, a PINGRESP or not.
//!
//! It only keeps the times; the link it belongs to sends the PINGREQ and arms its timer for
//! [`Pinger::next_check`].

use std::time::Duration;

use tokio::time::Instant;

/// What a keep-alive check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Nothing to do yet.
    Quiet,
    /// Send a PINGREQ now (it has been recorded as sent).
    Ping,
    /// A PINGREQ went unanswered for the keep alive: the link is dead.
    TimedOut,
}

/// Keep-alive times of one client link.
#[derive(Debug, Clone)]
pub struct Pinger {
    keep_alive: Option<Duration>,
    last_sent: Instant,
    last_received: Instant,
    ping_sent: Option<Instant>,
}

impl Pinger {
    /// For a link just opened with `keep_alive` (`None` or zero: off).
    pub fn new(keep_alive: Option<Duration>) -> Pinger {
        Pinger::new_at(keep_alive, Instant::now())
    }

    /// For a link opened at `now`.
    pub fn new_at(keep_alive: Option<Duration>, now: Instant) -> Pinger {
        Pinger {
            keep_alive: keep_alive.filter(|d| !d.is_zero()),
            last_sent: now,
            last_received: now,
            ping_sent: None,
        }
    }

    /// The keep alive in force.
    pub fn keep_alive(&self) -> Option<Duration> {
        self.keep_alive
    }

    /// Something was written to the server.
    pub fn sent(&mut self, now: Instant) {
        self.last_sent = now;
    }

    /// Something came from the server: it is alive.
    pub fn received(&mut self, now: Instant) {
        self.last_received = now;
        self.ping_sent = None;
    }

    /// The link is not reading on purpose (its local subscribers are behind): the server's
    /// silence proves nothing meanwhile.
    pub fn excuse(&mut self, now: Instant) {
        self.received(now);
    }

    /// When the next check is due; `None` without keep alive.
    pub fn next_check(&self) -> Option<Instant> {
        let keep_alive = self.keep_alive?;
        Some(match self.ping_sent {
            Some(sent) => sent + keep_alive,
            None => self.last_sent.min(self.last_received) + keep_alive,
        })
    }

    /// Looks at the times at `now`.
    pub fn check(&mut self, now: Instant) -> Check {
        let Some(keep_alive) = self.keep_alive else {
            return Check::Quiet;
        };
        match self.ping_sent {
            Some(sent) if now >= sent + keep_alive => Check::TimedOut,
            Some(_) => Check::Quiet,
            None if now >= self.last_sent.min(self.last_received) + keep_alive => {
                self.ping_sent = Some(now);
                self.last_sent = now;
                Check::Ping
            }
            None => Check::Quiet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_link_pings_and_an_unanswered_ping_ends_it() {
        let second = Duration::from_secs(1);
        let start = Instant::now();
        let mut pinger = Pinger::new_at(Some(10 * second), start);
        assert_eq!(pinger.next_check(), Some(start + 10 * second));
        assert_eq!(pinger.check(start + 5 * second), Check::Quiet);
        assert_eq!(pinger.check(start + 10 * second), Check::Ping);
        assert_eq!(pinger.next_check(), Some(start + 20 * second));
        assert_eq!(pinger.check(start + 15 * second), Check::Quiet);
        assert_eq!(pinger.check(start + 20 * second), Check::TimedOut);
    }

    #[test]
    fn anything_received_answers_the_ping_and_traffic_both_ways_keeps_it_quiet() {
        let second = Duration::from_secs(1);
        let start = Instant::now();
        let mut pinger = Pinger::new_at(Some(10 * second), start);
        assert_eq!(pinger.check(start + 10 * second), Check::Ping);
        pinger.received(start + 11 * second);
        assert_eq!(pinger.check(start + 20 * second), Check::Ping);
        pinger.received(start + 21 * second);
        pinger.sent(start + 21 * second);
        assert_eq!(pinger.check(start + 30 * second), Check::Quiet);
        assert_eq!(Pinger::new(None).next_check(), None);
        assert_eq!(Pinger::new(Some(Duration::ZERO)).check(start), Check::Quiet);
    }
}
