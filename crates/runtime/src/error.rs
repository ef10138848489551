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
    #[error("données de démonstration : {0}")]
    Demo(#[from] crate::demo::DemoError),
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
