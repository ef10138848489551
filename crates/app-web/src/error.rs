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
    #[error("données de référence : {0}")]
    ReferenceData(#[from] crate::reference_data::ReferenceDataError),
    #[error("données de démonstration : {0}")]
    Demo(#[from] crate::demo::DemoError),
}
