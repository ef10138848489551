//! The nightly purge (§7.1 `clean.sh`, `clear-entities`): what can no
//! longer serve anyone. Each kind of row is deleted in batches of
//! [`PURGE_BATCH`], one short statement each, until a batch comes back
//! short or [`PURGE_MAX_BATCHES`] batches were deleted: at most 50,000
//! rows per kind and per night, so that the night after a long outage
//! neither holds the database nor runs for ever; the rest goes the next
//! night. A count bounds the run rather than a clock: it needs no time
//! source, and tests see the same bound as production. Deleted rows are
//! gone, so a second run finds nothing. Export files are not here: each
//! one has its own deletion job, queued with it (`DeleteExport`).

use std::future::Future;

use chrono::TimeDelta;

use crate::app::App;
use crate::error::AppError;
use histologe_ports::RepoError;

/// Rows deleted per statement.
pub const PURGE_BATCH: u32 = 1000;
/// Batches per kind of row and per run.
pub const PURGE_MAX_BATCHES: u32 = 50;
/// A draft of the form nobody touched for six months will not be sent.
pub const ABANDONED_DRAFT_AFTER: TimeDelta = TimeDelta::days(183);
/// In-app notifications older than this are history nobody reads
/// (§7.1), seen or not, except the ones of a usager's message.
pub const NOTIFICATION_KEPT: TimeDelta = TimeDelta::days(30);
/// The record of an e-mail a job sent only matters while the job may run
/// again: retries last about a day; a dead job sent back by hand within a
/// month still skips what it had sent.
pub const JOB_EFFECT_KEPT: TimeDelta = TimeDelta::days(30);
/// Done and abandoned jobs: the queue's page counts neither, and their
/// payloads may hold an e-mail address (`email.draft_link`). Dead ones
/// stay until an administrator retries or abandons them.
pub const FINISHED_JOB_KEPT: TimeDelta = TimeDelta::days(30);

/// Runs `batch` until it deletes fewer than [`PURGE_BATCH`] rows or
/// [`PURGE_MAX_BATCHES`] times; how many rows in all.
async fn in_batches<F, Fut>(batch: F) -> Result<u64, RepoError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<u64, RepoError>>,
{
    let mut total = 0;
    for _ in 0..PURGE_MAX_BATCHES {
        let deleted = batch().await?;
        total += deleted;
        if deleted < u64::from(PURGE_BATCH) {
            break;
        }
    }
    Ok(total)
}

impl App {
    /// Expired sessions, used or expired account links, drafts abandoned
    /// for six months, notifications older than 30 days (not of a usager's
    /// message, not waiting for a digest), records of jobs' e-mails and
    /// done or abandoned jobs older than a month, keys of the mail
    /// provider's events older than a month; how many rows in all.
    pub(crate) async fn purge_expired(&self) -> Result<u64, AppError> {
        let now = self.now();
        let ports = &self.ports;
        let sessions = in_batches(|| ports.sessions.purge_expired(now, PURGE_BATCH)).await?;
        let links = self.purge_account_tokens().await?;
        let drafts = in_batches(|| {
            ports
                .drafts
                .purge_abandoned(now - ABANDONED_DRAFT_AFTER, PURGE_BATCH)
        })
        .await?;
        let notifications = in_batches(|| {
            ports
                .notifications
                .purge_older_than(now - NOTIFICATION_KEPT, PURGE_BATCH)
        })
        .await?;
        let job_effects =
            in_batches(|| ports.jobs.purge_effects(now - JOB_EFFECT_KEPT, PURGE_BATCH)).await?;
        let jobs = in_batches(|| {
            ports
                .jobs
                .purge_finished(now - FINISHED_JOB_KEPT, PURGE_BATCH)
        })
        .await?;
        let delivery_events = in_batches(|| {
            ports
                .delivery_issues
                .purge_delivery_events(now - JOB_EFFECT_KEPT, PURGE_BATCH)
        })
        .await?;
        tracing::info!(
            sessions,
            links,
            drafts,
            notifications,
            job_effects,
            jobs,
            delivery_events,
            "purge"
        );
        Ok(sessions + links + drafts + notifications + job_effects + jobs + delivery_events)
    }
}
