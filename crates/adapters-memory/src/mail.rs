//! A mailer that keeps what it sends in an outbox, and can be told to fail
//! the way Brevo does (transiently, or for good on one address).

use std::collections::HashSet;
use std::sync::Mutex;

use async_trait::async_trait;
use histologe_ports::{MailError, Mailer, OutgoingEmail};

use crate::sync::lock;

#[derive(Debug, Default)]
struct Outbox {
    sent: Vec<OutgoingEmail>,
    /// Numbers message ids; not reset by `clear`, so ids never repeat.
    accepted: u64,
    /// How many of the next sends fail with `Unavailable`.
    failures_left: u32,
    /// Lower-cased addresses refused with `Rejected`.
    rejected: HashSet<String>,
}

/// A `Mailer` recording every e-mail it accepts. Message ids are
/// `memory-1`, `memory-2`… in sending order.
#[derive(Debug, Default)]
pub struct MemoryMailer {
    outbox: Mutex<Outbox>,
}

impl MemoryMailer {
    pub fn new() -> Self {
        Self::default()
    }

    /// The e-mails accepted so far, oldest first.
    pub fn sent(&self) -> Vec<OutgoingEmail> {
        lock(&self.outbox).sent.clone()
    }

    /// Empties the outbox (the switches stay as they are).
    pub fn clear(&self) {
        lock(&self.outbox).sent.clear();
    }

    /// The next `count` sends fail with `Unavailable` and send nothing,
    /// as when the provider is down or rate-limits; later sends succeed.
    pub fn fail_next(&self, count: u32) {
        lock(&self.outbox).failures_left = count;
    }

    /// Every e-mail with `address` among its recipients (case-insensitive)
    /// is refused with `Rejected`, as for a hard bounce.
    pub fn reject_address(&self, address: &str) {
        lock(&self.outbox)
            .rejected
            .insert(address.trim().to_lowercase());
    }
}

#[async_trait]
impl Mailer for MemoryMailer {
    /// A transient failure is consumed before the address check, as a
    /// provider that is down rejects nothing.
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let mut outbox = lock(&self.outbox);
        if outbox.failures_left > 0 {
            outbox.failures_left -= 1;
            return Err(MailError::unavailable("memory mailer told to fail"));
        }
        if let Some(address) = email
            .to
            .iter()
            .find(|to| outbox.rejected.contains(&to.trim().to_lowercase()))
        {
            return Err(MailError::InvalidRecipient(format!(
                "address refused: {address}"
            )));
        }
        outbox.sent.push(email.clone());
        outbox.accepted += 1;
        Ok(format!("memory-{}", outbox.accepted))
    }
}
