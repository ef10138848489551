//! The nightly purge (§7.1 `clean.sh`): what can no longer serve anyone.
//! Each purge deletes at most [`PURGE_BATCH`] rows per run, so that one
//! night after a long outage does not hold the database; the rest goes
//! the next night. Deleted rows are gone, so a second run finds nothing.
//! Export files are not here: each one has its own deletion job, queued
//! with it (`DeleteExport`).

use chrono::TimeDelta;

use crate::app::App;
use crate::error::AppError;

/// Rows deleted per purge and per run.
pub const PURGE_BATCH: u32 = 1000;
/// A draft of the form nobody touched for six months will not be sent.
pub const ABANDONED_DRAFT_AFTER: TimeDelta = TimeDelta::days(183);
/// In-app notifications seen this long ago are history nobody reads.
pub const SEEN_NOTIFICATION_KEPT: TimeDelta = TimeDelta::days(30);
/// The record of an e-mail a job sent only matters while the job may run
/// again: retries last about a day; a dead job sent back by hand within a
/// month still skips what it had sent.
pub const JOB_EFFECT_KEPT: TimeDelta = TimeDelta::days(30);

impl App {
    /// Expired sessions, used or expired account links, drafts abandoned
    /// for six months, notifications seen more than 30 days ago, records
    /// of jobs' e-mails older than a month; how many rows in all.
    pub(crate) async fn purge_expired(&self) -> Result<u64, AppError> {
        let now = self.now();
        let ports = &self.ports;
        let sessions = ports.sessions.purge_expired(now, PURGE_BATCH).await?;
        let links = self.purge_account_tokens().await?;
        let drafts = ports
            .drafts
            .purge_abandoned(now - ABANDONED_DRAFT_AFTER, PURGE_BATCH)
            .await?;
        let notifications = ports
            .notifications
            .purge_seen(now - SEEN_NOTIFICATION_KEPT, PURGE_BATCH)
            .await?;
        let job_effects = ports.jobs.purge_effects(now - JOB_EFFECT_KEPT).await?;
        tracing::info!(sessions, links, drafts, notifications, job_effects, "purge");
        Ok(sessions + links + drafts + notifications + job_effects)
    }
}
