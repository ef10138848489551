//! Why a subcommand stopped: one line for a person reading a terminal, the
//! step that failed first.

use histologe_ports::RepoError;
use thiserror::Error;

use crate::config::ConfigError;

#[derive(Debug, Error)]
pub enum StartError {
    /// A variable is set but unusable; the message names it.
    #[error("configuration invalide — {0}")]
    Config(#[from] ConfigError),
    /// The database cannot be opened, migrated or read.
    #[error("base de données {url} : {source}")]
    Database {
        /// Without credentials.
        url: String,
        source: RepoError,
    },
    /// Object storage or antivirus misconfigured; the message names the variable.
    #[error("configuration des services externes — {0}")]
    Outside(String),
    #[error("données de référence : {0}")]
    ReferenceData(#[from] crate::reference_data::ReferenceDataError),
    /// A loading step of another crate failed (demo data, generated
    /// data); the message says which.
    #[error("{step} : {message}")]
    Step { step: &'static str, message: String },
    /// The schema is older than the binary and this command does not
    /// migrate: the message names the command that does.
    #[error("{0}")]
    PendingMigrations(String),
    /// A file given on the command line cannot be read or written.
    #[error("fichier {path} : {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    /// The operation would damage what the database holds; the message
    /// says what to do instead.
    #[error("{0}")]
    Refused(String),
}
