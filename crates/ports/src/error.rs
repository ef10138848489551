use thiserror::Error;

/// Failure of a repository or a transaction. Adapters map their driver
/// errors to these variants and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RepoError {
    /// The row the caller named does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A unique constraint refused the write (adapters detect it with
    /// `is_unique_violation()`, never by parsing messages).
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// A concurrent transaction won; the use case may be retried.
    #[error("conflict with a concurrent change")]
    Conflict,
    /// The database cannot be reached or answered with an error.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}
