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
