use std::time::Duration;

use async_trait::async_trait;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("shared state unavailable: {0}")]
pub struct SharedStateError(pub String);

/// State every process sees: rate-limit counters, short locks, cache
/// (Redis when `REDIS_URL` is set, else the database or the process).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait SharedState: Send + Sync {
    /// Adds one to the counter `key` and returns the new value; the counter
    /// expires `window` after its first increment.
    async fn hit(&self, key: &str, window: Duration) -> Result<u64, SharedStateError>;

    /// The counter's current value without adding to it: 0 when it does
    /// not exist or its window is over.
    async fn count(&self, key: &str) -> Result<u64, SharedStateError>;

    /// Takes the lock `key` for `ttl` if nobody holds it; `true` when taken.
    async fn try_lock(&self, key: &str, ttl: Duration) -> Result<bool, SharedStateError>;

    async fn unlock(&self, key: &str) -> Result<(), SharedStateError>;

    /// The cached value of `key`, if it was put less than its `ttl` ago.
    async fn cache_get(&self, key: &str) -> Result<Option<String>, SharedStateError>;

    /// Caches `value` under `key` for `ttl`, replacing what was there.
    async fn cache_put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<(), SharedStateError>;
}
