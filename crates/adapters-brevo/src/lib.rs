//! Where e-mails go. The embedded default writes them to a local outbox
//! directory instead of sending them, so a developer (and the end-to-end
//! tests) can read exactly what a user would receive.

mod outbox;

pub use outbox::{OutboxMailer, StoredEmail};
