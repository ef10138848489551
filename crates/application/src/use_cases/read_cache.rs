//! Figures kept for a while per scope in this process (issue 12): each
//! dashboard card is a count over the actor's whole scope and the
//! statistics aggregate it, which at a million signalements costs hundreds
//! of milliseconds, and agents come back to these pages all day.
//!
//! The dashboard's counts are kept [`COUNTS_TTL`] and a change of a case
//! made through this process forgets them all at once ([`ReadCache::forget`]);
//! a change made by another process (another web instance, the worker, a
//! new signalement) shows within the TTL. The statistics describe months,
//! not minutes: they are kept [`STATISTICS_TTL`] whatever changes, and the
//! page says when they were computed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// How long a dashboard count is shown before it is counted again.
pub const COUNTS_TTL: Duration = Duration::seconds(30);
/// How long statistics are shown before they are computed again.
pub const STATISTICS_TTL: Duration = Duration::minutes(5);

/// Past this many scopes the cache starts again empty: memory stays
/// bounded whatever the number of agents.
const MAX_SCOPES: usize = 10_000;

#[derive(Debug, Clone)]
pub struct ReadCache<V> {
    entries: Arc<Mutex<HashMap<String, Entry<V>>>>,
    /// Bumped by every change of a case in this process.
    generation: Arc<AtomicU64>,
    ttl: Duration,
}

/// The dashboard's counts, per scope.
pub type CountsCache = ReadCache<Vec<u64>>;

#[derive(Debug, Clone)]
struct Entry<V> {
    read_at: DateTime<Utc>,
    generation: u64,
    value: V,
}

impl<V: Clone> ReadCache<V> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            entries: Arc::default(),
            generation: Arc::default(),
            ttl,
        }
    }

    /// The value of `scope` read less than the TTL ago and since the last
    /// change, with the instant it was read.
    pub fn fresh(&self, scope: &str, now: DateTime<Utc>) -> Option<(V, DateTime<Utc>)> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(scope)?;
        // A clock that went back counts as stale.
        let age = now - entry.read_at;
        (entry.generation == generation && age >= Duration::zero() && age < self.ttl)
            .then(|| (entry.value.clone(), entry.read_at))
    }

    /// Keeps a value read at `now`, unless a change happened since
    /// `generation`.
    pub fn store(&self, scope: String, now: DateTime<Utc>, generation: u64, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_SCOPES {
                entries.clear();
            }
            entries.insert(
                scope,
                Entry {
                    read_at: now,
                    generation,
                    value,
                },
            );
        }
    }

    /// The generation to pass to [`ReadCache::store`], read before reading.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A case changed: every value may be wrong.
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("instant")
    }

    #[test]
    fn counts_are_kept_for_the_ttl_then_counted_again() {
        let cache = CountsCache::new(COUNTS_TTL);
        cache.store("t:13".into(), at(0), cache.generation(), vec![3, 1]);
        assert_eq!(cache.fresh("t:13", at(29)), Some((vec![3, 1], at(0))));
        assert_eq!(cache.fresh("t:13", at(30)), None);
        assert_eq!(cache.fresh("t:69", at(1)), None, "another scope");
        assert_eq!(cache.fresh("t:13", at(-1)), None, "a clock gone back");
    }

    #[test]
    fn a_change_forgets_every_count_even_one_being_read() {
        let cache = CountsCache::new(COUNTS_TTL);
        cache.store("t:13".into(), at(0), cache.generation(), vec![3]);
        let reading = cache.generation();
        cache.forget();
        assert_eq!(cache.fresh("t:13", at(1)), None);
        // Counts read before the change are not kept as fresh.
        cache.store("t:13".into(), at(1), reading, vec![3]);
        assert_eq!(cache.fresh("t:13", at(2)), None);
    }
}
