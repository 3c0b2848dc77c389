//! Wall-clock forms of the broker's deadlines. The broker runs on tokio's clock (so tests can
//! pause and advance it); what is stored on disk must be wall-clock time, which still means
//! something after a restart.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// The wall-clock time of `at`.
pub fn to_system_time(at: Instant) -> SystemTime {
    let (now, wall) = (Instant::now(), SystemTime::now());
    if at >= now {
        wall + (at - now)
    } else {
        wall - (now - at)
    }
}

/// The instant of the wall-clock time `time` (one in the past comes back as now).
pub fn from_system_time(time: SystemTime) -> Instant {
    let (now, wall) = (Instant::now(), SystemTime::now());
    match time.duration_since(wall) {
        Ok(ahead) => now + ahead,
        Err(_) => now,
    }
}

/// Milliseconds since the Unix epoch of `time` (0 for a time before it).
pub fn unix_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The wall-clock time `ms` milliseconds after the Unix epoch.
pub fn from_unix_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// Milliseconds since the Unix epoch, now.
pub fn now_unix_ms() -> u64 {
    unix_ms(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_times_round_trip() {
        let at = Instant::now() + Duration::from_secs(90);
        let back = from_system_time(to_system_time(at));
        let diff = if back > at { back - at } else { at - back };
        assert!(diff < Duration::from_millis(50), "{diff:?}");
        assert!(from_system_time(SystemTime::UNIX_EPOCH) <= Instant::now());
        let now = SystemTime::now();
        let ms = unix_ms(now);
        let back = from_unix_ms(ms);
        assert!(now.duration_since(back).unwrap() < Duration::from_millis(1));
    }
}
