//! Pure domain of Histologe: the model, the status transitions, the
//! permission policy, the criticité score and qualifications, reference
//! numbers, auto-affectation matching and input validation.
//!
//! No async runtime, no database, no HTTP, no I/O: every function here takes
//! values and returns values (checked by `tests/tests/architecture.rs`).
//! Where each rule of the domain lives is mapped in `docs/architecture.md`.

pub mod actor;
pub mod administration;
pub mod assessment;
pub mod auto_affectation;
pub mod creation;
pub mod desordres;
pub mod enums;
pub mod error;
pub mod events;
pub mod feedback;
pub mod form;
pub mod geocoding;
pub mod history;
pub mod ids;
pub mod model;
pub mod nde;
pub mod notification;
pub mod policy;
pub mod qualification;
pub mod reference;
pub mod score;
pub mod search;
pub mod suroccupation;
pub mod territory_code;
pub mod time;
pub mod transitions;
pub mod upload;
pub mod usager_access;
pub mod validation;
pub mod workflow;

pub use actor::Actor;
pub use error::DomainError;
pub use events::DomainEvent;
pub use model::Case;
pub use policy::{Action, Decision, Refusal, Resource, can};
