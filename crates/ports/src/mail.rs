use async_trait::async_trait;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Template name, for the outbox and the delivery log.
    pub template: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MailError {
    /// The provider refused this message for good (bad address, blocked):
    /// retrying will not help.
    #[error("rejected: {0}")]
    Rejected(String),
    /// Network, 5xx, rate limit: the job retries with backoff.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

/// Sends e-mail (Brevo in production, a local outbox otherwise). Only jobs
/// call it, never a request handler.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Returns the provider's message id.
    ///
    /// # Errors
    /// `Rejected` (permanent) or `Unavailable` (transient).
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;
}
