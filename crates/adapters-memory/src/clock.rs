//! A clock that tests stop and move (the real one is
//! `histologe_adapters_system::SystemClock`).

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use histologe_ports::Clock;

use crate::sync::lock;

/// A clock that only moves when told to, so that windows, deadlines and
/// dates in assertions are reproducible. Shared through an `Arc`, one
/// `set` or `advance` moves time for every adapter holding it.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    /// 2025-01-01T09:00:00Z, a Wednesday morning (office hours: the
    /// default moment of every test that does not care).
    pub const DEFAULT_NOW: DateTime<Utc> =
        DateTime::<Utc>::from_timestamp_nanos(1_735_722_000 * 1_000_000_000);

    pub fn new(now: DateTime<Utc>) -> Self {
        FixedClock {
            now: Mutex::new(now),
        }
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *lock(&self.now) = now;
    }

    /// Moves time by `by` (backwards when negative), saturating at the
    /// ends of chrono's range rather than panicking.
    pub fn advance(&self, by: TimeDelta) {
        let mut now = lock(&self.now);
        *now = now
            .checked_add_signed(by)
            .unwrap_or(if by < TimeDelta::zero() {
                DateTime::<Utc>::MIN_UTC
            } else {
                DateTime::<Utc>::MAX_UTC
            });
    }
}

impl Default for FixedClock {
    fn default() -> Self {
        Self::new(Self::DEFAULT_NOW)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.now)
    }
}
