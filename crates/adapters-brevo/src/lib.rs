//! Where e-mails go. The embedded default writes them to a local outbox
//! directory instead of sending them, so a developer (and the end-to-end
//! tests) can read exactly what a user would receive.
//!
//! Production sends through Brevo's transactional API, because the
//! platform's delivery statistics, tags and webhooks (bounces, blocks)
//! already live there; a deployment without a Brevo account, or a
//! developer with MailCatcher, sends through any SMTP relay instead.
//!
//! Both real transports make exactly one attempt per call and never retry
//! on their own: the job runner owns retries and backoff, and decides from
//! the [`MailError`](histologe_ports::MailError) class alone. A transport
//! that retried behind its back could send an e-mail twice, and a wrong
//! class has a price: `InvalidRecipient` marks an address undeliverable,
//! `Rejected` drops the e-mail, `Misconfigured` pages an operator. Their
//! errors end up in logs, so they never carry a secret and mask the
//! recipient's address.

mod brevo;
mod outbox;
mod redact;
mod smtp;

pub use brevo::{BrevoConfig, BrevoMailer};
pub use outbox::{OutboxMailer, StoredEmail};
pub use smtp::{SmtpConfig, SmtpMailer};

/// reqwest and lettre are built on rustls without a bundled provider (no
/// aws-lc-rs C build): install ring once per process. An `Err` means a
/// provider is installed already, which is as good.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
