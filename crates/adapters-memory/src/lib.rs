//! Every Histologe port implemented in memory, for tests, demos and sibling
//! teams that embed `histologe-core` (and `histologe-application`) before
//! they have adapters of their own.
//!
//! # What is here
//!
//! | Adapter | Port(s) | What it does |
//! |---|---|---|
//! | [`MemoryStore`] | `UnitOfWork`/`Transaction`, `SignalementRepository`, `UserRepository`, `PartnerRepository`, `TerritoryRepository`, `AutoAffectationRuleRepository`, `FileRepository`, `HistoryRepository`, `NotificationRepository`, `DraftRepository`, `CredentialRepository`, `SessionRepository`, `JobQueue` | one database: cases, suivis, subscriptions, users, partners, territories, rules, file metadata, history, notifications, drafts, password hashes, staff sessions, jobs |
//! | [`FakePasswordHasher`] | `PasswordHasher` | instant and readable (not a hash): tests and demos only |
//! | [`MemoryFileStore`] | `FileStore` | bytes and content type per key; `set_unavailable`, `set_full` |
//! | [`MemoryMailer`] | `Mailer` | outbox read with `sent()`; `fail_next(n)`, `reject_address(a)` |
//! | [`MemorySharedState`] | `SharedState` | the production `ProcessSharedState` of `histologe-adapters-system`, timed by `Instant` or by a `Clock`, with an outage switch |
//! | [`FixedClock`] | `Clock` | a clock tests `set` and `advance` (the wall clock is in `histologe-adapters-system`) |
//! | [`SequentialIds`] | `IdGenerator` | reproducible ids for tests |
//! | [`RecordingErrorReporter`] | `ErrorReporter` | keeps reports for assertions |
//! | [`MemoryAddressLookup`], [`MemoryEnergyLookup`] | `AddressLookup`, `EnergyLookup` | answers from tables given by the test |
//! | [`MemoryEsabora`], [`MemoryOilhi`] | `EsaboraGateway`, `OilhiNotifier` | record what is pushed, answer configured states |
//!
//! Each lookup, the file store, the shared state and the store itself can
//! be switched "unavailable" to exercise the callers' error paths.
//!
//! # Building the bundle
//!
//! [`MemoryAdapters::new`] makes one of each around one [`FixedClock`]
//! (the store stamps jobs with it, the shared state measures its windows
//! with it) and [`SequentialIds`]. [`MemoryAdapters::ports`] gives every
//! port as the application's `histologe_ports::Ports`, while the public
//! fields of [`MemoryAdapters`] keep the concrete handles to steer and
//! inspect:
//!
//! ```
//! use histologe_adapters_memory::MemoryAdapters;
//!
//! let adapters = MemoryAdapters::new();
//! let ports = adapters.ports();
//! // let app = App::new(ports.clone(), settings);
//! adapters.clock.advance(chrono::TimeDelta::minutes(5));
//! assert_eq!(ports.clock.now(), adapters.clock.now());
//! # use histologe_ports::Clock;
//! ```
//!
//! # Concurrency
//!
//! The store is safe to share between tasks and threads (clone the
//! handle: every clone is the same database).
//!
//! - **Transactions are serialised**: `begin` waits until no other
//!   transaction of the store is open, and the transaction holds that
//!   writer lock until `commit` or drop. This gives what the port asks of
//!   `max_reference_number` and `lock_case` (two transactions never number
//!   a territory or change a case at once) without row locks.
//! - A transaction stages its changes and `commit` applies them all under
//!   one lock: other readers see all of them or none; dropping a
//!   transaction discards them.
//! - Reads outside a transaction see committed data and never wait for an
//!   open transaction, so a use case may read repositories while it holds
//!   one. It must not `begin` a second transaction of the same store while
//!   holding one: it would wait for itself.
//! - `JobQueue::claim` picks and marks a job under the data lock: two
//!   workers never claim the same job.
//!
//! # Limits
//!
//! Everything lives in RAM and is lost with the process. One writer at a
//! time is correct but does not scale; lists are scans. That is fine for
//! tests, demos and small embedded deployments, not for production data:
//! use the SQLite or MySQL adapters there.

mod account_tokens;
mod accounts;
mod bundle;
mod clock;
mod deliverability;
mod errors;
mod files;
mod ids;
mod images;
mod jobs;
mod lookups;
mod mail;
mod repositories;
mod saved_searches;
mod settings;
mod shared_state;
mod statistics;
mod store;
mod sync;
mod tags;
mod transaction;

#[cfg(test)]
mod tests;

pub use accounts::FakePasswordHasher;
pub use bundle::MemoryAdapters;
pub use clock::FixedClock;
pub use errors::{ErrorReport, RecordingErrorReporter};
pub use files::MemoryFileStore;
pub use ids::SequentialIds;
pub use images::RefusingImages;
pub use lookups::{MemoryAddressLookup, MemoryEnergyLookup, MemoryEsabora, MemoryOilhi};
pub use mail::MemoryMailer;
pub use shared_state::MemorySharedState;
pub use store::MemoryStore;
