//! The dashboard's counts, kept for [`COUNTS_CACHE_TTL`] per scope in this
//! process (issue 12): each card is a count over the actor's whole scope,
//! which at a million signalements costs hundreds of milliseconds, and
//! agents come back to the dashboard all day. A change of a case made
//! through this process forgets every count at once; one made by another
//! process (another web instance, the worker, a new signalement) shows
//! within the TTL.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// How long a count is shown before it is counted again.
pub const COUNTS_CACHE_TTL: Duration = Duration::seconds(30);

/// Past this many scopes the cache starts again empty: memory stays
/// bounded whatever the number of agents.
const MAX_SCOPES: usize = 10_000;

#[derive(Debug, Clone, Default)]
pub struct CountsCache {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    /// Bumped by every change of a case in this process.
    generation: Arc<AtomicU64>,
}

#[derive(Debug, Clone)]
struct Entry {
    read_at: DateTime<Utc>,
    generation: u64,
    counts: Vec<u64>,
}

impl CountsCache {
    /// The counts of `scope` read less than the TTL ago and since the last
    /// change in this process.
    pub fn fresh(&self, scope: &str, now: DateTime<Utc>) -> Option<Vec<u64>> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(scope)?;
        // A clock that went back counts as stale.
        let age = now - entry.read_at;
        (entry.generation == generation && age >= Duration::zero() && age < COUNTS_CACHE_TTL)
            .then(|| entry.counts.clone())
    }

    /// Keeps counts read at `now`, unless a change happened since `generation`.
    pub fn store(&self, scope: String, now: DateTime<Utc>, generation: u64, counts: Vec<u64>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_SCOPES {
                entries.clear();
            }
            entries.insert(
                scope,
                Entry {
                    read_at: now,
                    generation,
                    counts,
                },
            );
        }
    }

    /// The generation to pass to [`CountsCache::store`], read before counting.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A case changed: every count may be wrong.
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
        let cache = CountsCache::default();
        cache.store("t:13".into(), at(0), cache.generation(), vec![3, 1]);
        assert_eq!(cache.fresh("t:13", at(29)), Some(vec![3, 1]));
        assert_eq!(cache.fresh("t:13", at(30)), None);
        assert_eq!(cache.fresh("t:69", at(1)), None, "another scope");
        assert_eq!(cache.fresh("t:13", at(-1)), None, "a clock gone back");
    }

    #[test]
    fn a_change_forgets_every_count_even_one_being_read() {
        let cache = CountsCache::default();
        cache.store("t:13".into(), at(0), cache.generation(), vec![3]);
        let reading = cache.generation();
        cache.forget();
        assert_eq!(cache.fresh("t:13", at(1)), None);
        // Counts read before the change are not kept as fresh.
        cache.store("t:13".into(), at(1), reading, vec![3]);
        assert_eq!(cache.fresh("t:13", at(2)), None);
    }
}
