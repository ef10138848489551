//! The job queue as super admins see it: what waits, what runs, what died
//! and why; a dead job can be sent back ("Relancer") or given up
//! ("Abandonner"), each with a history entry naming who did it.

use chrono::{DateTime, Utc};
use histologe_core::Actor;
use histologe_core::enums::HistoryEvent;
use histologe_core::ids::{HistoryEntryId, JobId};
use histologe_core::model::HistoryEntry;
use histologe_core::policy::{Action, Resource, can};
use histologe_ports::{Job, JobStatus, KindCount, RepoError};

use crate::app::App;
use crate::error::AppError;

/// Dead jobs listed on the page, newest first.
pub const DEAD_JOBS_SHOWN: u32 = 100;

/// The queue at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct JobQueueView {
    /// By kind and status (done jobs are not counted).
    pub counts: Vec<KindCount>,
    /// When the oldest due job became due (the queue's lag).
    pub oldest_due: Option<DateTime<Utc>>,
    pub dead: Vec<Job>,
    pub now: DateTime<Utc>,
}

impl App {
    /// Whether `actor` may see the job queue.
    pub fn may_manage_job_queue(actor: &Actor) -> bool {
        can(actor, Action::ManageJobQueue, Resource::Platform).is_ok()
    }

    pub async fn job_queue(&self, actor: &Actor) -> Result<JobQueueView, AppError> {
        can(actor, Action::ManageJobQueue, Resource::Platform)?;
        let now = self.now();
        let overview = self.ports.jobs.overview(now).await?;
        let dead = self.ports.jobs.dead(DEAD_JOBS_SHOWN).await?;
        Ok(JobQueueView {
            counts: overview.counts,
            oldest_due: overview.oldest_due,
            dead,
            now,
        })
    }

    /// Sends a dead job back to the queue, due now, with a full set of
    /// attempts.
    ///
    /// # Errors
    /// `NotFound` unless the job is dead.
    pub async fn retry_dead_job(&self, actor: &Actor, id: JobId) -> Result<(), AppError> {
        can(actor, Action::ManageJobQueue, Resource::Platform)?;
        let now = self.now();
        self.ports.jobs.retry(id, now).await?;
        self.record_job_change(actor, id, JobStatus::Pending, now)
            .await
    }

    /// Gives up on a dead job: kept, never run again.
    ///
    /// # Errors
    /// `NotFound` unless the job is dead.
    pub async fn abandon_dead_job(&self, actor: &Actor, id: JobId) -> Result<(), AppError> {
        can(actor, Action::ManageJobQueue, Resource::Platform)?;
        self.ports.jobs.abandon(id).await?;
        self.record_job_change(actor, id, JobStatus::Abandoned, self.now())
            .await
    }

    async fn record_job_change(
        &self,
        actor: &Actor,
        id: JobId,
        to: JobStatus,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut tx = self.ports.uow.begin().await?;
        tx.append_history(&HistoryEntry {
            id: HistoryEntryId(self.ports.ids.uuid()),
            event: HistoryEvent::Update,
            entity_name: "Job".to_string(),
            entity_id: id.0,
            changes: serde_json::json!({ "status": [JobStatus::Dead.as_str(), to.as_str()] }),
            signalement_id: None,
            user_id: actor.user_id(),
            created_at: now,
        })
        .await?;
        tx.commit().await.map_err(AppError::from)
    }
}

/// `NotFound` from the queue: the job is no longer dead (another super
/// admin acted first) or never was.
pub fn is_not_dead(e: &AppError) -> bool {
    matches!(e, AppError::Repo(RepoError::NotFound(_)))
}
