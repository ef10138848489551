//! What the mail provider reports about addresses (Brevo's transactional
//! webhook, integrations.md §9): a failure marks the address undeliverable
//! on the accounts that have it, a later success clears it, so that
//! administrators see who no longer receives anything. Also the outbox of
//! the embedded default, read by super admins.

use chrono::{DateTime, Utc};
use histologe_core::Actor;
use histologe_core::policy::{Action, Resource, can};
use histologe_ports::{DeliveryEvent, DeliveryIssue, OutboxEntry, UndeliverableAccount};

use crate::app::App;
use crate::error::AppError;

/// Events that say the address does not (or no longer) receive mail.
const FAILURES: &[&str] = &[
    "blocked",
    "hard_bounce",
    "soft_bounce",
    "spam",
    "invalid_email",
    "error",
    "unsubscribed",
];
/// Events that prove the address receives mail.
const SUCCESSES: &[&str] = &[
    "delivered",
    "opened",
    "clicked",
    "unique_opened",
    "proxy_open",
    "unique_proxy_open",
];
/// Brevo's reason when the template an e-mail used is switched off.
const TEMPLATE_DISABLED: &str = "template is disabled";

/// One event of the provider, as its webhook sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The event's own id, when the provider gives a real one (Brevo's
    /// `uuid`; its `id` is the webhook's, the same for every event).
    pub uuid: Option<String>,
    /// The id of the e-mail the event is about.
    pub message_id: Option<String>,
    pub event: String,
    pub email: String,
    pub reason: Option<String>,
    pub template_id: Option<i64>,
    /// When it happened, the receipt time when the provider did not say.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// What became of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    /// The address's state changed (or was confirmed).
    Applied,
    /// The same event was applied before.
    Duplicate,
    /// An event that says nothing about the address (`sent`, `deferred`,
    /// or one we do not know).
    Ignored,
    /// Brevo refused to send because a template is disabled: the
    /// operators must act, the address is fine.
    TemplateDisabled,
}

impl App {
    /// Applies one report of the provider. Only the platform itself
    /// (the authenticated webhook) records them.
    pub async fn record_delivery_report(
        &self,
        actor: &Actor,
        report: DeliveryReport,
    ) -> Result<ReportOutcome, AppError> {
        can(actor, Action::RecordDeliveryReport, Resource::Platform)?;
        let event = report.event.trim().to_lowercase();
        let failure = FAILURES.contains(&event.as_str());
        if !failure && !SUCCESSES.contains(&event.as_str()) {
            return Ok(ReportOutcome::Ignored);
        }
        if failure
            && report
                .reason
                .as_deref()
                .is_some_and(|r| r.trim().eq_ignore_ascii_case(TEMPLATE_DISABLED))
        {
            tracing::error!(
                template_id = report.template_id,
                "[BREVO] template disabled: e-mails using it are not sent"
            );
            return Ok(ReportOutcome::TemplateDisabled);
        }
        let now = self.now();
        let applied = self
            .ports
            .delivery_issues
            .apply_delivery_event(
                &DeliveryEvent {
                    key: event_key(&report, &event),
                    email: report.email.trim().to_lowercase(),
                    event,
                    reason: report.reason.filter(|r| !r.trim().is_empty()),
                    failure,
                    occurred_at: report.occurred_at.unwrap_or(now),
                },
                now,
            )
            .await?;
        Ok(if applied {
            ReportOutcome::Applied
        } else {
            ReportOutcome::Duplicate
        })
    }

    /// Whether `actor` sees undeliverable addresses at all.
    pub fn may_view_delivery_issues(actor: &Actor) -> bool {
        can(actor, Action::ViewDeliveryIssues, Resource::Platform).is_ok()
    }

    /// The accounts whose address is undeliverable: all of them for a
    /// super admin, those of his territories for a territory admin.
    pub async fn undeliverable_accounts(
        &self,
        actor: &Actor,
    ) -> Result<Vec<UndeliverableAccount>, AppError> {
        can(actor, Action::ViewDeliveryIssues, Resource::Platform)?;
        let scope = match actor {
            Actor::Staff(user) if user.is_super_admin() => None,
            Actor::Staff(user) => Some(user.territories().cloned().collect()),
            _ => Some(Vec::new()),
        };
        Ok(self
            .ports
            .delivery_issues
            .undeliverable_accounts(scope)
            .await?)
    }

    /// The issue of one address shown on a page the actor was already
    /// allowed to open (a user's, a partner's): the page's own check is
    /// the permission.
    pub async fn delivery_issue_of(&self, email: &str) -> Result<Option<DeliveryIssue>, AppError> {
        Ok(self
            .ports
            .delivery_issues
            .delivery_issues(&[email.to_string()])
            .await?
            .into_iter()
            .next())
    }

    /// Whether e-mails go to the local outbox (and the outbox page exists).
    pub fn has_mail_outbox(&self) -> bool {
        self.ports.mailer.outbox().is_some()
    }

    /// The most recent e-mails of the local outbox, newest first; empty
    /// when a real transport is in use.
    pub async fn mail_outbox(
        &self,
        actor: &Actor,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, AppError> {
        can(actor, Action::ReadMailOutbox, Resource::Platform)?;
        match self.ports.mailer.outbox() {
            Some(outbox) => outbox.recent(limit).await.map_err(outbox_error),
            None => Ok(Vec::new()),
        }
    }

    /// One e-mail of the local outbox.
    pub async fn mail_outbox_entry(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Option<OutboxEntry>, AppError> {
        can(actor, Action::ReadMailOutbox, Resource::Platform)?;
        match self.ports.mailer.outbox() {
            Some(outbox) => outbox.entry(id).await.map_err(outbox_error),
            None => Ok(None),
        }
    }
}

/// What identifies one event: its uuid when it has a real one, otherwise
/// the e-mail, the event and its instant (Brevo sends the same event again
/// with the same three). Hashed: the key holds an address.
fn event_key(report: &DeliveryReport, event: &str) -> Option<String> {
    use sha2::Digest;
    let nil = "00000000-0000-0000-0000-000000000000";
    let identity = match (&report.uuid, &report.message_id) {
        (Some(uuid), _) if !uuid.trim().is_empty() && uuid.trim() != nil => {
            format!("uuid\n{}", uuid.trim())
        }
        (_, Some(message)) => format!(
            "message\n{message}\n{event}\n{}\n{}",
            report.email.trim().to_lowercase(),
            report.occurred_at.map_or(0, |at| at.timestamp_millis())
        ),
        _ => return None,
    };
    let digest = sha2::Sha256::digest(identity.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("brevo:{hex}"))
}

fn outbox_error(e: histologe_ports::MailError) -> AppError {
    AppError::Repo(histologe_ports::RepoError::Unavailable(e.to_string()))
}
