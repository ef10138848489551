//! The storage contract suite (`histologe-contract-tests`) run against the
//! memory store: one test per contract, each on a new `MemoryStore`.

use histologe_adapters_memory::MemoryStore;
use histologe_contract_tests::{Backend, Stores, async_trait};

/// A new, empty `MemoryStore` per contract.
struct Memory;

#[async_trait]
impl Backend for Memory {
    async fn fresh(&self) -> Stores {
        Stores::from_store(MemoryStore::new())
    }
}

histologe_contract_tests::contract_suite!(Memory);

/// A new `MemorySharedState` (on the monotonic clock) per contract.
struct MemoryState;

#[async_trait]
impl histologe_contract_tests::SharedStateBackend for MemoryState {
    async fn fresh(&self) -> std::sync::Arc<dyn histologe_ports::SharedState> {
        std::sync::Arc::new(histologe_adapters_memory::MemorySharedState::new())
    }
}

mod shared_state {
    histologe_contract_tests::shared_state_contract_suite!(super::MemoryState);
}
