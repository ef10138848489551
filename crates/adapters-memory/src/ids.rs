//! Identifier generators: random ones for real use, sequential ones for
//! reproducible tests.

use std::sync::atomic::{AtomicU64, Ordering};

use histologe_ports::IdGenerator;
use uuid::Uuid;

/// v4 UUIDs and bytes from the operating system's secure source.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn uuid(&self) -> Uuid {
        Uuid::new_v4()
    }

    /// From `getrandom`. The port cannot report a failure, and handing out
    /// predictable bytes (they become landlord login codes) would be a
    /// hole, so should the OS source fail the bytes come from two v4 UUIDs
    /// instead: same source behind uuid's own generator, which aborts
    /// rather than return weak bytes.
    fn random_bytes(&self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            bytes = bytes_from_uuids(Uuid::new_v4(), Uuid::new_v4());
        }
        bytes
    }
}

/// 128 random bits out of two v4 UUIDs: the first UUID with its version
/// byte (6) and variant byte (8) replaced by fully random bytes of the
/// second.
fn bytes_from_uuids(first: Uuid, second: Uuid) -> [u8; 16] {
    let mut bytes = first.into_bytes();
    let spare = second.into_bytes();
    bytes[6] = spare[0];
    bytes[8] = spare[1];
    bytes
}

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
