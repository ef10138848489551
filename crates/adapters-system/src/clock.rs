//! The wall clock.

use chrono::{DateTime, Utc};
use histologe_ports::Clock;

/// `Utc::now`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
