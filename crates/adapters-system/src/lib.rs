#![doc = include_str!("../README.md")]

mod clock;
mod ids;
mod shared_state;

pub use clock::SystemClock;
pub use ids::TimeOrderedIds;
pub use shared_state::ProcessSharedState;
