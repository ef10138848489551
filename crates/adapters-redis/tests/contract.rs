//! The contract suites of `histologe-contract-tests` run against Redis:
//! the `SessionRepository` contracts (the other ports of those contracts,
//! users and credentials, are the memory store's, as they would be the
//! database's in production) and the `SharedState` contracts. Each test
//! works under its own key prefix.

mod support;

use std::sync::Arc;

use histologe_adapters_memory::{FixedClock, MemoryStore};
use histologe_adapters_redis::{RedisSessions, RedisSharedState};
use histologe_contract_tests::fixtures::NOW;
use histologe_contract_tests::{Backend, SharedStateBackend, Stores, async_trait};
use histologe_ports::SharedState;

/// Sessions in Redis, everything else in a new memory store. The clock is
/// the fixtures' `NOW`, which turns their `expires_at` into a TTL.
struct RedisSessionsBackend;

#[async_trait]
impl Backend for RedisSessionsBackend {
    async fn fresh(&self) -> Stores {
        let mut stores = Stores::from_store(MemoryStore::new());
        stores.sessions = Arc::new(RedisSessions::new(
            support::fresh(),
            stores.users.clone(),
            Arc::new(FixedClock::new(NOW)),
        ));
        stores
    }

    async fn available(&self) -> bool {
        support::available().await
    }
}

struct RedisState;

#[async_trait]
impl SharedStateBackend for RedisState {
    async fn fresh(&self) -> Arc<dyn SharedState> {
        Arc::new(RedisSharedState::new(support::fresh()))
    }

    async fn available(&self) -> bool {
        support::available().await
    }
}

mod sessions {
    histologe_contract_tests::session_contract_suite!(super::RedisSessionsBackend);
}

mod shared_state {
    histologe_contract_tests::shared_state_contract_suite!(super::RedisState);
}
