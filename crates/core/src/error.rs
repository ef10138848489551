use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::policy::Refusal;
use crate::transitions::TransitionError;

/// Why a domain operation did not happen. Each variant carries a French
/// message fit for the person who asked.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum DomainError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A value the person typed or chose is not acceptable.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0} introuvable")]
    NotFound(String),
}

impl DomainError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }
}
