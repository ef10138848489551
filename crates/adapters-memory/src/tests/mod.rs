//! Behaviour of the memory adapters, concurrency included.

mod adapters;
mod fixtures;
mod jobs;
mod listing;
mod transactions;
