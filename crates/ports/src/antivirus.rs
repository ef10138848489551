//! The optional antivirus (ClamAV's clamd when `CLAMAV_HOST` is set).

use async_trait::async_trait;
use thiserror::Error;

/// What the scanner said of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanVerdict {
    Clean,
    /// Infected: the signature name as the scanner gives it.
    Infected(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScanError {
    /// Down, unreachable, or answered nonsense: the upload is refused
    /// for now (never kept unscanned) and can be retried.
    #[error("antivirus indisponible : {0}")]
    Unavailable(String),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait VirusScanner: Send + Sync {
    /// # Errors
    /// `Unavailable` when no verdict could be had.
    async fn scan(&self, bytes: &[u8]) -> Result<ScanVerdict, ScanError>;
}
