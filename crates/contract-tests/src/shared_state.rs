//! `SharedState`: rate-limit counters and short locks, whatever holds them
//! (the process, Redis). Run by [`crate::shared_state_contract_suite!`]
//! against a [`SharedStateBackend`].
//!
//! Windows and lock lifetimes are a fraction of a second to a few seconds
//! of real time (Redis expires keys on its own clock), with margins of
//! hundreds of milliseconds so that a loaded machine does not fail them.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use histologe_ports::SharedState;

/// A shared state under test: it hands out empty ones.
#[async_trait]
pub trait SharedStateBackend: Send + Sync {
    /// A new, empty shared state, shared with no other contract (contracts
    /// run in parallel): a new value, a new key prefix.
    async fn fresh(&self) -> Arc<dyn SharedState>;

    /// Whether the backend can run here. An unreachable server says so
    /// loudly and returns `false` outside CI; in CI it must fail instead.
    async fn available(&self) -> bool {
        true
    }
}

const MINUTE: Duration = Duration::from_secs(60);

/// Each hit adds one and returns the new value; `count` reads it without
/// adding; keys are independent; a key never hit counts 0, and reading it
/// does not create it.
pub async fn shared_state_counters_count_hits_per_key(backend: &dyn SharedStateBackend) {
    let state = backend.fresh().await;
    let key = "login-failures:account:agent@example.fr";
    assert_eq!(state.count(key).await, Ok(0), "a key never hit counts 0");
    for expected in 1..=3 {
        assert_eq!(
            state.hit(key, MINUTE).await,
            Ok(expected),
            "hit returns the new value"
        );
    }
    assert_eq!(state.count(key).await, Ok(3), "count reads the hits");
    assert_eq!(state.count(key).await, Ok(3), "count adds nothing");
    let other = "login-failures:client:192.0.2.7";
    assert_eq!(state.count(other).await, Ok(0), "keys are independent");
    assert_eq!(
        state.hit(other, MINUTE).await,
        Ok(1),
        "counting a key did not create it"
    );
    assert_eq!(state.count(key).await, Ok(3));
}

/// A counter's window starts at its first hit and later hits do not
/// stretch it; once it is over the counter reads 0 and the next hit starts
/// a new window at 1.
pub async fn shared_state_counter_expires_after_its_window(backend: &dyn SharedStateBackend) {
    let state = backend.fresh().await;
    let key = "usager-code:42";
    let window = Duration::from_millis(1_000);
    assert_eq!(state.hit(key, window).await, Ok(1));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        state.hit(key, window).await,
        Ok(2),
        "within the window hits add up"
    );
    // 1.2 s after the first hit, 0.8 s after the second: over only if the
    // window started at the first.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        state.count(key).await,
        Ok(0),
        "the window runs from the first hit, later hits do not stretch it"
    );
    assert_eq!(
        state.hit(key, window).await,
        Ok(1),
        "a hit after the window starts a new one"
    );
}

/// Hits at the same time are all counted, each seeing its own value.
pub async fn shared_state_concurrent_hits_all_count(backend: &dyn SharedStateBackend) {
    let state = backend.fresh().await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let state = state.clone();
            tokio::spawn(async move { state.hit("burst", MINUTE).await })
        })
        .collect();
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(
            task.await
                .expect("the task ran")
                .expect("the hit is counted"),
        );
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=20).collect::<Vec<u64>>(),
        "every concurrent hit gets its own value"
    );
    assert_eq!(state.count("burst").await, Ok(20));
}

/// A lock is taken once: a second `try_lock` fails until `unlock`, after
/// which it can be taken again; other keys are independent; unlocking a
/// lock nobody holds is no error.
pub async fn shared_state_lock_is_exclusive_until_unlocked(backend: &dyn SharedStateBackend) {
    let state = backend.fresh().await;
    let key = "draft:0195a1b2-0000-7000-8000-000000000001";
    assert_eq!(state.try_lock(key, MINUTE).await, Ok(true), "free: taken");
    assert_eq!(
        state.try_lock(key, MINUTE).await,
        Ok(false),
        "held: refused"
    );
    assert_eq!(
        state.try_lock("draft:other", MINUTE).await,
        Ok(true),
        "another key is another lock"
    );
    state.unlock(key).await.expect("unlock");
    assert_eq!(
        state.try_lock(key, MINUTE).await,
        Ok(true),
        "released: taken again"
    );
    state
        .unlock("never-locked")
        .await
        .expect("unlocking a free lock is no error");
}

/// A lock nobody releases ends with its lifetime.
pub async fn shared_state_lock_expires_after_its_ttl(backend: &dyn SharedStateBackend) {
    let state = backend.fresh().await;
    let ttl = Duration::from_millis(400);
    assert_eq!(state.try_lock("clock-tick", ttl).await, Ok(true));
    assert_eq!(state.try_lock("clock-tick", ttl).await, Ok(false));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        state.try_lock("clock-tick", ttl).await,
        Ok(true),
        "an abandoned lock is free after its lifetime"
    );
}

/// Of many `try_lock` at the same time, exactly one wins.
pub async fn shared_state_concurrent_try_lock_only_one_wins(backend: &dyn SharedStateBackend) {
    let state = backend.fresh().await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let state = state.clone();
            tokio::spawn(async move { state.try_lock("periodic-job", MINUTE).await })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        if task.await.expect("the task ran").expect("try_lock answers") {
            winners += 1;
        }
    }
    assert_eq!(winners, 1, "one and only one caller holds the lock");
}

/// A cached value reads back until its lifetime ends; a new put replaces
/// it; a key never put reads nothing; a cache key is not a counter's.
pub async fn shared_state_cached_value_reads_back_until_it_expires(
    backend: &dyn SharedStateBackend,
) {
    let state = backend.fresh().await;
    let key = "ban:8 la bodiniere 44850";
    assert_eq!(state.cache_get(key).await, Ok(None), "nothing cached yet");
    let ttl = Duration::from_millis(400);
    state
        .cache_put(key, "[{\"score\":0.95}]", ttl)
        .await
        .expect("cache_put answers");
    assert_eq!(
        state.cache_get(key).await,
        Ok(Some("[{\"score\":0.95}]".to_string())),
        "the value reads back, unchanged"
    );
    state
        .cache_put(key, "[]", ttl)
        .await
        .expect("cache_put answers");
    assert_eq!(
        state.cache_get(key).await,
        Ok(Some("[]".to_string())),
        "replaced"
    );
    assert_eq!(
        state.count(key).await,
        Ok(0),
        "a cached value is no counter"
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        state.cache_get(key).await,
        Ok(None),
        "an expired value reads nothing"
    );
}

#[cfg(test)]
mod tests {
    /// A contract left out of `shared_state_contract_suite!` would never run.
    #[test]
    fn every_shared_state_contract_is_in_the_suite() {
        let lib = include_str!("lib.rs");
        let start = lib
            .find("$backend; shared_state;\n")
            .expect("shared_state_contract_suite! lists its contracts");
        let list = &lib[start..];
        let list = &list[..list.find('}').expect("the list ends with a brace")];
        for line in include_str!("shared_state.rs").lines() {
            if let Some(rest) = line.strip_prefix("pub async fn ") {
                let name = rest.split('(').next().expect("a function name");
                assert!(
                    list.contains(&format!("{name},")),
                    "contract {name} is missing from shared_state_contract_suite!"
                );
            }
        }
    }
}
