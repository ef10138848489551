//! Rate-limit counters and short locks of one process, that a test can
//! switch off as if Redis were down.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use histologe_adapters_system::ProcessSharedState;
use histologe_ports::{Clock, SharedState, SharedStateError};

use crate::sync::Switch;

/// The production `ProcessSharedState`, plus an outage switch.
#[derive(Debug, Default)]
pub struct MemorySharedState {
    inner: ProcessSharedState,
    unavailable: Switch,
}

impl MemorySharedState {
    /// Windows and lock lifetimes measured with `std::time::Instant`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Windows and lock lifetimes measured with `clock`, so that a test
    /// expires a window by advancing a `FixedClock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        MemorySharedState {
            inner: ProcessSharedState::with_clock(clock),
            unavailable: Switch::default(),
        }
    }

    /// While on, every call fails (Redis down).
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }

    fn check_available(&self) -> Result<(), SharedStateError> {
        if self.unavailable.is_on() {
            Err(SharedStateError("memory shared state switched off".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl SharedState for MemorySharedState {
    async fn hit(&self, key: &str, window: Duration) -> Result<u64, SharedStateError> {
        self.check_available()?;
        self.inner.hit(key, window).await
    }

    async fn count(&self, key: &str) -> Result<u64, SharedStateError> {
        self.check_available()?;
        self.inner.count(key).await
    }

    async fn try_lock(&self, key: &str, ttl: Duration) -> Result<bool, SharedStateError> {
        self.check_available()?;
        self.inner.try_lock(key, ttl).await
    }

    async fn unlock(&self, key: &str) -> Result<(), SharedStateError> {
        self.check_available()?;
        self.inner.unlock(key).await
    }

    async fn cache_get(&self, key: &str) -> Result<Option<String>, SharedStateError> {
        self.check_available()?;
        self.inner.cache_get(key).await
    }

    async fn cache_put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<(), SharedStateError> {
        self.check_available()?;
        self.inner.cache_put(key, value, ttl).await
    }
}
