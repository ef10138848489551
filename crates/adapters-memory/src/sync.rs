//! Small synchronisation helpers shared by the adapters that are not the
//! store: a poison-tolerant lock and an on/off switch for simulating an
//! outage.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a std mutex, recovering the value if a panicking thread poisoned
/// it. Every value these adapters guard is replaced or pushed in one
/// statement, so a panic elsewhere cannot leave it half-written: refusing
/// to read it would only turn one failed test into many.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A flag a test flips to make an adapter fail as if its backend were
/// down. Atomic so that flipping it needs neither `&mut` nor `await`.
#[derive(Debug, Default)]
pub(crate) struct Switch(AtomicBool);

impl Switch {
    pub(crate) fn set(&self, on: bool) {
        self.0.store(on, Ordering::SeqCst);
    }

    pub(crate) fn is_on(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
