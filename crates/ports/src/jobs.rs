use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::JobId;

use crate::error::RepoError;

/// The kind of a queued job; the worker dispatches on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobKind(pub String);

impl JobKind {
    pub fn new(kind: &str) -> Self {
        JobKind(kind.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A job to enqueue, in the same transaction as the change that causes it.
/// Payloads hold ids, never personal data: the job re-reads the state.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub id: JobId,
    pub kind: JobKind,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
    /// Two jobs with the same key are one job: the second enqueue is ignored.
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Pending,
    /// Claimed by a worker until its lease expires.
    Running,
    Done,
    /// Failed too many times; an administrator may retry it.
    Dead,
    /// A dead job an administrator gave up on: kept for the record, never
    /// run again.
    Abandoned,
}

impl JobStatus {
    pub const ALL: &'static [JobStatus] = &[
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Dead,
        JobStatus::Abandoned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Dead => "dead",
            JobStatus::Abandoned => "abandoned",
        }
    }

    pub fn parse(text: &str) -> Option<JobStatus> {
        Self::ALL.iter().copied().find(|s| s.as_str() == text)
    }
}

/// How many jobs of one kind are in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCount {
    pub kind: JobKind,
    pub status: JobStatus,
    pub count: u64,
}

/// The queue at a glance, for the administrators' page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueOverview {
    /// Pending, running, dead and abandoned jobs by kind (done ones are
    /// not counted: there are millions).
    pub counts: Vec<KindCount>,
    /// When the oldest pending job became due, if one is due.
    pub oldest_due: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub payload: serde_json::Value,
    pub status: JobStatus,
    pub attempts: u32,
    pub run_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The outbox seen from the worker.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Claims the oldest due job nobody holds (pending, or running with an
    /// expired lease), marks it running until `now + lease` and counts an
    /// attempt. Two workers never claim the same job.
    async fn claim(&self, now: DateTime<Utc>, lease: Duration) -> Result<Option<Job>, RepoError>;

    /// Marks the claimed job done.
    ///
    /// # Errors
    /// `Conflict` when the claim is no longer this one (its lease expired
    /// and another worker claimed the job: `attempts` moved on); the caller
    /// leaves the job to that worker. `NotFound` for an unknown job.
    async fn complete(&self, claimed: &Job) -> Result<(), RepoError>;

    /// Records the failure of the claimed job; `retry_at` = `None` makes it
    /// dead.
    ///
    /// # Errors
    /// Same as `complete`.
    async fn fail(
        &self,
        claimed: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError>;

    /// Dead jobs, newest first, for the administrators' page.
    async fn dead(&self, limit: u32) -> Result<Vec<Job>, RepoError>;

    /// An administrator sends a dead job back to the queue, with a full
    /// set of attempts.
    ///
    /// # Errors
    /// `NotFound` unless the job exists and is dead.
    async fn retry(&self, id: JobId, now: DateTime<Utc>) -> Result<(), RepoError>;

    /// Every job (any status), for tests and the admin page.
    async fn all(&self) -> Result<Vec<Job>, RepoError>;

    /// Gives back a claimed job its worker did not run (it is stopping):
    /// pending again, due at its old time, the attempt not counted.
    ///
    /// # Errors
    /// Same as `complete`.
    async fn release(&self, claimed: &Job) -> Result<(), RepoError>;

    /// An administrator gives up on a dead job: it is kept, abandoned.
    ///
    /// # Errors
    /// `NotFound` unless the job exists and is dead.
    async fn abandon(&self, id: JobId) -> Result<(), RepoError>;

    /// Counts by kind and status, and the oldest due job.
    async fn overview(&self, now: DateTime<Utc>) -> Result<QueueOverview, RepoError>;

    /// Records that the effect named `key` happened (an e-mail of a job
    /// sent), so that a job run again does not repeat it, with what the
    /// outside system said of it (the mail provider's message id, at most
    /// 255 characters kept). `false` when it was already recorded.
    async fn record_effect(
        &self,
        key: &str,
        at: DateTime<Utc>,
        detail: Option<String>,
    ) -> Result<bool, RepoError>;

    /// Whether the effect named `key` was recorded.
    async fn effect_recorded(&self, key: &str) -> Result<bool, RepoError>;

    /// The detail recorded with the effect named `key`, `None` when there
    /// is no such effect or it has none.
    async fn effect_detail(&self, key: &str) -> Result<Option<String>, RepoError>;

    /// Forgets at most `limit` of the effects recorded before `before`
    /// (the purge), oldest first; how many.
    async fn purge_effects(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, RepoError>;

    /// Deletes at most `limit` done or abandoned jobs due before `before`
    /// (the purge: their payloads may hold personal data, an e-mail
    /// address); pending, running and dead jobs stay. A deleted job's
    /// idempotency key no longer stops a new enqueue. How many.
    async fn purge_finished(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, RepoError>;
}
