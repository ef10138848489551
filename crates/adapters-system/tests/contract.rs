//! The shared-state contract suite run against `ProcessSharedState`, the
//! counters and locks production uses when there is no Redis.

use histologe_adapters_system::ProcessSharedState;
use histologe_contract_tests::async_trait;

/// A new state (on the monotonic clock) per contract.
struct Process;

#[async_trait]
impl histologe_contract_tests::SharedStateBackend for Process {
    async fn fresh(&self) -> std::sync::Arc<dyn histologe_ports::SharedState> {
        std::sync::Arc::new(ProcessSharedState::new())
    }
}

mod shared_state {
    histologe_contract_tests::shared_state_contract_suite!(super::Process);
}
