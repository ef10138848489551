//! Rate-limit counters and short locks for one process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::DateTime;
use histologe_ports::{Clock, SharedState, SharedStateError};

/// Where "now" comes from: the monotonic clock, or the application's
/// `Clock` so that a test can expire a window by advancing a `FixedClock`.
enum TimeSource {
    Monotonic(Instant),
    Clock(Arc<dyn Clock>),
}

impl TimeSource {
    /// Time elapsed since an origin fixed for the life of the store.
    fn now(&self) -> Duration {
        match self {
            TimeSource::Monotonic(origin) => origin.elapsed(),
            // A clock set before 1970 reads as the origin: windows then
            // last longer, never shorter.
            TimeSource::Clock(clock) => (clock.now() - DateTime::UNIX_EPOCH)
                .to_std()
                .unwrap_or_default(),
        }
    }
}

impl std::fmt::Debug for TimeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeSource::Monotonic(origin) => f.debug_tuple("Monotonic").field(origin).finish(),
            TimeSource::Clock(_) => f.write_str("Clock"),
        }
    }
}

#[derive(Debug, Default)]
struct Entries {
    /// key → (count, expiry)
    counters: HashMap<String, (u64, Duration)>,
    /// key → expiry
    locks: HashMap<String, Duration>,
    /// key → (value, expiry)
    cached: HashMap<String, (String, Duration)>,
}

/// `SharedState` for a single process: correct as long as every web
/// handler and the in-process worker share this value (the embedded
/// default); several processes need Redis instead.
#[derive(Debug)]
pub struct ProcessSharedState {
    time: TimeSource,
    entries: Mutex<Entries>,
}

/// A poisoned lock still holds whole values: every entry is replaced in
/// one statement, so a panic elsewhere cannot leave one half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Default for ProcessSharedState {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessSharedState {
    /// Windows and lock lifetimes measured with `std::time::Instant`.
    pub fn new() -> Self {
        Self::with_time(TimeSource::Monotonic(Instant::now()))
    }

    /// Windows and lock lifetimes measured with `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::with_time(TimeSource::Clock(clock))
    }

    fn with_time(time: TimeSource) -> Self {
        ProcessSharedState {
            time,
            entries: Mutex::new(Entries::default()),
        }
    }
}

#[async_trait]
impl SharedState for ProcessSharedState {
    async fn hit(&self, key: &str, window: Duration) -> Result<u64, SharedStateError> {
        let now = self.time.now();
        let mut entries = lock(&self.entries);
        let counter = entries
            .counters
            .entry(key.to_string())
            .or_insert((0, Duration::ZERO));
        if counter.1 <= now {
            // Expired (or new): a fresh window starts with this hit.
            *counter = (0, now.saturating_add(window));
        }
        counter.0 = counter.0.saturating_add(1);
        Ok(counter.0)
    }

    async fn count(&self, key: &str) -> Result<u64, SharedStateError> {
        let now = self.time.now();
        let entries = lock(&self.entries);
        Ok(entries
            .counters
            .get(key)
            .filter(|(_, expiry)| *expiry > now)
            .map_or(0, |(n, _)| *n))
    }

    async fn try_lock(&self, key: &str, ttl: Duration) -> Result<bool, SharedStateError> {
        let now = self.time.now();
        let mut entries = lock(&self.entries);
        match entries.locks.get(key) {
            Some(expiry) if *expiry > now => Ok(false),
            _ => {
                entries
                    .locks
                    .insert(key.to_string(), now.saturating_add(ttl));
                Ok(true)
            }
        }
    }

    async fn unlock(&self, key: &str) -> Result<(), SharedStateError> {
        lock(&self.entries).locks.remove(key);
        Ok(())
    }

    async fn cache_get(&self, key: &str) -> Result<Option<String>, SharedStateError> {
        let now = self.time.now();
        let entries = lock(&self.entries);
        Ok(entries
            .cached
            .get(key)
            .filter(|(_, expiry)| *expiry > now)
            .map(|(value, _)| value.clone()))
    }

    async fn cache_put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<(), SharedStateError> {
        let now = self.time.now();
        let mut entries = lock(&self.entries);
        // A process cache must not grow with every address ever typed:
        // when full, expired entries go, and if it is still full (a day
        // of lively suggestions) everything does; it is only a cache.
        if entries.cached.len() >= CACHE_CAPACITY {
            entries.cached.retain(|_, (_, expiry)| *expiry > now);
            if entries.cached.len() >= CACHE_CAPACITY / 2 {
                entries.cached.clear();
            }
        }
        entries.cached.insert(
            key.to_string(),
            (value.to_string(), now.saturating_add(ttl)),
        );
        Ok(())
    }
}

/// How many cached values the process keeps at most. Sweeping only when
/// the map is full, and emptying it when a sweep frees less than half,
/// keeps an insert's cost constant on average.
const CACHE_CAPACITY: usize = 10_000;

#[cfg(test)]
mod cache_tests {
    use super::*;

    #[tokio::test]
    async fn the_cache_never_holds_more_than_its_capacity() {
        let state = ProcessSharedState::new();
        let day = Duration::from_secs(86_400);
        for n in 0..(CACHE_CAPACITY * 3) {
            state
                .cache_put(&format!("ban:5:{n}"), "[]", day)
                .await
                .expect("put");
            assert!(lock(&state.entries).cached.len() <= CACHE_CAPACITY);
        }
        let last = format!("ban:5:{}", CACHE_CAPACITY * 3 - 1);
        assert_eq!(
            state.cache_get(&last).await,
            Ok(Some("[]".into())),
            "the newest value is kept"
        );
    }
}
