use async_trait::async_trait;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FileStoreError {
    #[error("file not found: {0}")]
    NotFound(String),
    /// Quota or disk full: the upload can be retried later.
    #[error("storage full")]
    Full,
    /// Down or unreachable: the upload can be retried later.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

/// Object storage for documents and photos. Keys are opaque; nothing here
/// is ever public (downloads go through the web app and its policy).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait FileStore: Send + Sync {
    /// Stores the bytes under `key`, replacing any previous object.
    ///
    /// # Errors
    /// `Full` or `Unavailable`; the caller keeps what it had and may retry.
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), FileStoreError>;

    /// # Errors
    /// `NotFound` when no object has this key.
    async fn get(&self, key: &str) -> Result<Vec<u8>, FileStoreError>;

    /// Deleting a missing key succeeds (idempotent).
    async fn delete(&self, key: &str) -> Result<(), FileStoreError>;
}
