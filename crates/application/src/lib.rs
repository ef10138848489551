//! Use cases of Histologe: each one asks the permission policy of `core`,
//! applies the core rules, and commits the state change together with the
//! history, notifications and jobs it causes in one transaction.
//!
//! The application knows ports only (`Arc<dyn Trait>`); the binaries wire
//! adapters into [`App`]. A sibling platform can embed this crate with its
//! own adapters.

mod app;
mod effects;
mod error;
pub mod jobs;
mod use_cases;

pub use app::{App, Ports, Settings};
pub use error::AppError;
pub use use_cases::auth::{
    LOGIN_MAX_FAILURES, LOGIN_WINDOW, SESSION_LIFETIME, SESSION_TOUCH_EVERY, session_id_hash,
};
pub use use_cases::back_office::{DashboardCounts, PAGE_SIZE};
pub use use_cases::files::{Download, UploadInput};
pub use use_cases::public_form::{Receipt, StagedPhoto};
pub use use_cases::usager::IdentityCheck;
