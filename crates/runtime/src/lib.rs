//! The composition root shared by the Histologe processes (`histologe-web`
//! and `histologe-worker`): the only library that knows every adapter.
//!
//! - [`config`]: the typed configuration read from the environment;
//! - [`wiring`]: the adapters chosen from it and wired into the
//!   application, with the schema applied or checked ([`wiring::Schema`]);
//! - [`reference_data`]: territories and communes, embedded in the binary;
//! - [`worker`] and [`clock`]: the job runner's loop and the scheduler,
//!   both stopped by one [`shutdown::Shutdown`];
//! - [`ops`]: the operations commands (`migrate`, `backup`, `restore`,
//!   `reference-data`);
//! - [`logging`]: where logs go and how they look.

pub mod backup;
pub mod clock;
pub mod config;
pub mod error;
pub mod logging;
pub mod mail_config;
pub mod ops;
pub mod probe;
pub mod reference_data;
pub mod shutdown;
pub mod wiring;
pub mod worker;

pub use config::Config;
pub use error::StartError;
pub use wiring::{Schema, Wired};
