//! Sequential identifiers for reproducible tests (the production ones are
//! `histologe_adapters_system::TimeOrderedIds`).

use std::sync::atomic::{AtomicU64, Ordering};

use histologe_ports::IdGenerator;
use uuid::Uuid;

/// Deterministic ids: `00000000-0000-0000-0000-000000000001`, then `…02`,
/// and random bytes derived from the same counter, so that a test run is
/// reproducible. Never use it outside tests: its "random" bytes are
/// predictable by design.
#[derive(Debug)]
pub struct SequentialIds {
    next: AtomicU64,
}

impl SequentialIds {
    /// Starts at 1.
    pub fn new() -> Self {
        Self::starting_at(1)
    }

    /// Starts at `first`, so that two generators of one test never collide.
    pub fn starting_at(first: u64) -> Self {
        SequentialIds {
            next: AtomicU64::new(first),
        }
    }

    fn take(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}

impl Default for SequentialIds {
    fn default() -> Self {
        Self::new()
    }
}

/// SplitMix64: spreads consecutive counters over all the bits, so derived
/// codes look random and differ in every position.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl IdGenerator for SequentialIds {
    fn uuid(&self) -> Uuid {
        Uuid::from_u128(u128::from(self.take()))
    }

    fn random_bytes(&self) -> [u8; 16] {
        let n = self.take();
        let high = splitmix64(n.wrapping_mul(2));
        let low = splitmix64(n.wrapping_mul(2).wrapping_add(1));
        ((u128::from(high) << 64) | u128::from(low)).to_be_bytes()
    }
}
