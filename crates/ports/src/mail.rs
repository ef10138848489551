use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use async_trait::async_trait;
use thiserror::Error;

/// One e-mail, already rendered: the transport adds the sender and the
/// reply-to address of its configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Type of the e-mail (`usager_accuse_reception`…), for the outbox,
    /// the delivery log and the effect records of a job.
    pub template: String,
    /// Brevo's tag for the type (`Usager Accusé Reception Signalement`):
    /// Brevo's statistics group by it and its webhook echoes it back.
    pub tag: String,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MailError {
    /// The provider refused a recipient's address (malformed, blocked):
    /// the address is recorded as undeliverable and the e-mail not retried.
    #[error("invalid recipient: {0}")]
    InvalidRecipient(String),
    /// The provider refused this message for good for another reason:
    /// retrying will not help.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The provider refused our credentials (a bad or revoked key): every
    /// e-mail fails until an operator fixes the configuration, so it is
    /// logged as an error and the job retried.
    #[error("mail transport misconfigured: {0}")]
    Misconfigured(String),
    /// Network, 5xx, timeout, rate limit: the job retries with backoff, not
    /// before `retry_after` when the provider said when.
    #[error("unavailable: {message}")]
    Unavailable {
        message: String,
        retry_after: Option<Duration>,
    },
}

impl MailError {
    /// A transient failure with no hint of when to retry.
    pub fn unavailable(message: impl Into<String>) -> Self {
        MailError::Unavailable {
            message: message.into(),
            retry_after: None,
        }
    }
}

/// An e-mail as the local outbox kept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub template: String,
    pub tag: String,
    pub sent_at: DateTime<Utc>,
}

/// The e-mails a local outbox kept, for the page that shows them (the
/// embedded default's stand-in for a mail catcher).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait MailOutbox: Send + Sync {
    /// The `limit` most recent e-mails, newest first.
    async fn recent(&self, limit: usize) -> Result<Vec<OutboxEntry>, MailError>;
    /// One e-mail by its id, `None` when there is none.
    async fn entry(&self, id: &str) -> Result<Option<OutboxEntry>, MailError>;
}

/// Sends e-mail (Brevo or an SMTP relay in production, a local outbox
/// otherwise). Only jobs call it, never a request handler.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Returns the provider's message id.
    ///
    /// # Errors
    /// See [`MailError`]: which failures are retried and which are not.
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;

    /// The e-mails kept, when this transport is a local outbox rather than
    /// a real delivery.
    fn outbox(&self) -> Option<Arc<dyn MailOutbox>> {
        None
    }
}
