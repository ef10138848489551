//! Rate-limit counters and short locks that every process sees.

use std::sync::LazyLock;
use std::time::Duration;

use async_trait::async_trait;
use histologe_ports::{SharedState, SharedStateError};
use redis::Script;

use crate::connection::{Redis, millis};

/// INCR, and the window starts with the first hit: the expiry is set only
/// on a key without one (new, or left without by anything else), so later
/// hits do not stretch the window.
static HIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
",
    )
});

/// Deletes the lock only while it still holds our token: a lock that
/// expired and was taken by another process is left to it.
static UNLOCK: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
",
    )
});

/// `SharedState` on Redis. Locks are owned by the value that took them
/// (a random token drawn at construction): `unlock` releases only those,
/// never a lock another process holds.
#[derive(Debug, Clone)]
pub struct RedisSharedState {
    redis: Redis,
    owner: String,
}

impl RedisSharedState {
    pub fn new(redis: Redis) -> Self {
        RedisSharedState {
            redis,
            owner: uuid::Uuid::new_v4().to_string(),
        }
    }
}

fn unavailable(message: String) -> SharedStateError {
    SharedStateError(message)
}

#[async_trait]
impl SharedState for RedisSharedState {
    async fn hit(&self, key: &str, window: Duration) -> Result<u64, SharedStateError> {
        let key = self.redis.key("counter", key);
        let window = millis(window);
        self.redis
            .run(|mut conn| async move {
                let mut call = HIT.prepare_invoke();
                call.key(&key).arg(window);
                call.invoke_async::<u64>(&mut conn).await
            })
            .await
            .map_err(unavailable)
    }

    async fn count(&self, key: &str) -> Result<u64, SharedStateError> {
        let key = self.redis.key("counter", key);
        let value = self
            .redis
            .run(|mut conn| async move {
                redis::cmd("GET")
                    .arg(&key)
                    .query_async::<Option<u64>>(&mut conn)
                    .await
            })
            .await
            .map_err(unavailable)?;
        Ok(value.unwrap_or(0))
    }

    async fn try_lock(&self, key: &str, ttl: Duration) -> Result<bool, SharedStateError> {
        let key = self.redis.key("lock", key);
        let ttl = millis(ttl);
        let owner = &self.owner;
        let taken = self
            .redis
            .run(|mut conn| async move {
                redis::cmd("SET")
                    .arg(&key)
                    .arg(owner)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl)
                    .query_async::<Option<String>>(&mut conn)
                    .await
            })
            .await
            .map_err(unavailable)?;
        Ok(taken.is_some())
    }

    async fn unlock(&self, key: &str) -> Result<(), SharedStateError> {
        let key = self.redis.key("lock", key);
        let owner = &self.owner;
        self.redis
            .run(|mut conn| async move {
                let mut call = UNLOCK.prepare_invoke();
                call.key(&key).arg(owner);
                call.invoke_async::<u64>(&mut conn).await
            })
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn cache_get(&self, key: &str) -> Result<Option<String>, SharedStateError> {
        let key = self.redis.key("cache", key);
        self.redis
            .run(|mut conn| async move {
                redis::cmd("GET")
                    .arg(&key)
                    .query_async::<Option<String>>(&mut conn)
                    .await
            })
            .await
            .map_err(unavailable)
    }

    async fn cache_put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<(), SharedStateError> {
        let key = self.redis.key("cache", key);
        let ttl = millis(ttl);
        self.redis
            .run(|mut conn| async move {
                redis::cmd("SET")
                    .arg(&key)
                    .arg(value)
                    .arg("PX")
                    .arg(ttl)
                    .query_async::<()>(&mut conn)
                    .await
            })
            .await
            .map_err(unavailable)
    }
}
