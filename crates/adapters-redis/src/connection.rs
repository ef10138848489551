//! One connection manager per [`Redis`] value: a multiplexed connection,
//! opened on first use and reopened after a failure, with short timeouts
//! so that a Redis that is down fails requests quickly instead of holding
//! them.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisResult};
use thiserror::Error;
use tokio::sync::OnceCell;

/// What every key starts with unless told otherwise.
pub const DEFAULT_PREFIX: &str = "histologe:";
/// How long one connection attempt may take.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(1);
/// How long Redis may take to answer one command.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one operation of the ports may take in all (reconnection
/// attempts included) before it fails: the bound on what a request waits
/// for a Redis that is down.
pub const OPERATION_DEADLINE: Duration = Duration::from_secs(4);

/// `REDIS_URL` cannot be used (unparsable, or a scheme this build does not
/// speak, such as `rediss://`). The message never holds the password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct InvalidRedisUrl(pub String);

/// A Redis server and the prefix of this deployment's keys. Cheap to
/// clone: clones share one connection.
#[derive(Clone)]
pub struct Redis {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    /// Created on first use: building it spawns a task, which needs the
    /// Tokio runtime that will also run the requests.
    manager: OnceCell<ConnectionManager>,
    prefix: String,
    /// `host:port` (or socket path), without credentials, for messages.
    address: String,
}

impl fmt::Debug for Redis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redis")
            .field("address", &self.inner.address)
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

impl Redis {
    /// Redis at `url` (`redis://[:password@]host[:port][/db]` or
    /// `redis+unix:///path`), every key starting with `prefix`. Nothing is
    /// connected yet: a Redis that is down at start only fails the requests
    /// that need it, until it is back.
    ///
    /// # Errors
    /// `InvalidRedisUrl` when the URL does not parse or needs TLS.
    pub fn open(url: &str, prefix: &str) -> Result<Redis, InvalidRedisUrl> {
        let client = Client::open(url.trim()).map_err(|e| {
            // The driver's message names the problem, never the URL.
            InvalidRedisUrl(format!("URL Redis inutilisable ({e})"))
        })?;
        let address = client.get_connection_info().addr().to_string();
        Ok(Redis {
            inner: Arc::new(Inner {
                client,
                manager: OnceCell::new(),
                prefix: prefix.to_string(),
                address,
            }),
        })
    }

    /// The server, without credentials (for logs).
    pub fn address(&self) -> &str {
        &self.inner.address
    }

    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }

    /// `<prefix><kind>:<name>`.
    pub(crate) fn key(&self, kind: &str, name: &str) -> String {
        format!("{}{kind}:{name}", self.inner.prefix)
    }

    /// Whether Redis answers `PING` within [`OPERATION_DEADLINE`].
    ///
    /// # Errors
    /// Why it does not, in one line.
    pub async fn ping(&self) -> Result<(), String> {
        self.run(|mut conn| async move {
            redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .await
                .map(|_| ())
        })
        .await
    }

    /// Runs `op` on the shared connection, within [`OPERATION_DEADLINE`].
    /// The error is a one-line description naming the server.
    pub(crate) async fn run<T, F, Fut>(&self, op: F) -> Result<T, String>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let work = async {
            let conn = self
                .inner
                .manager
                .get_or_try_init(|| async {
                    ConnectionManager::new_lazy_with_config(
                        self.inner.client.clone(),
                        manager_config(),
                    )
                })
                .await?
                .clone();
            op(conn).await
        };
        match tokio::time::timeout(OPERATION_DEADLINE, work).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(format!("Redis {} : {e}", self.inner.address)),
            Err(_) => Err(format!(
                "Redis {} : pas de réponse en {} s",
                self.inner.address,
                OPERATION_DEADLINE.as_secs()
            )),
        }
    }
}

/// One quick retry, then the error: a request should not wait through the
/// driver's default back-off (six attempts) for a server that is down.
/// The next request tries again.
fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECTION_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_number_of_retries(1)
        .set_min_delay(Duration::from_millis(50))
        .set_max_delay(Duration::from_millis(250))
}

/// Milliseconds for `PEXPIRE`/`PX`: rounded up, at least 1 (0 would delete
/// the key at once), at most a century (Redis refuses expiries that
/// overflow).
pub(crate) fn millis(duration: Duration) -> u64 {
    const CENTURY_MS: u128 = 100 * 365 * 24 * 3600 * 1000;
    let ms = duration.as_nanos().div_ceil(1_000_000).clamp(1, CENTURY_MS);
    u64::try_from(ms).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_up_and_stay_in_range() {
        assert_eq!(millis(Duration::ZERO), 1);
        assert_eq!(millis(Duration::from_micros(1)), 1);
        assert_eq!(millis(Duration::from_micros(1500)), 2);
        assert_eq!(millis(Duration::from_secs(900)), 900_000);
        assert_eq!(millis(Duration::MAX), 100 * 365 * 24 * 3600 * 1000);
    }

    #[test]
    fn urls_are_checked_without_echoing_the_password() {
        let redis = Redis::open("redis://:s3cret@10.0.0.7:6380/2", "p:").expect("a valid URL");
        assert_eq!(redis.address(), "10.0.0.7:6380");
        assert!(!format!("{redis:?}").contains("s3cret"));
        assert_eq!(redis.key("lock", "x"), "p:lock:x");
        for bad in [
            "http://127.0.0.1:6379",
            "pas une url",
            "rediss://127.0.0.1:6379",
        ] {
            let e = Redis::open(bad, DEFAULT_PREFIX).expect_err(bad);
            assert!(!e.0.contains("s3cret"), "{e}");
        }
    }
}
