//! The outbox seen from the worker: jobs enqueued by committed
//! transactions, claimed under the data lock so that two workers never get
//! the same one.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use histologe_core::ids::JobId;
use histologe_ports::{Job, JobQueue, JobStatus, KindCount, QueueOverview, RepoError};

use crate::store::{MemoryStore, State};

/// A job row with what the worker protocol needs beside the port's `Job`.
#[derive(Debug, Clone)]
pub(crate) struct StoredJob {
    pub(crate) job: Job,
    /// Until when a running job belongs to the worker that claimed it.
    /// Kept apart from `run_at` so that `all()` still shows when the job
    /// was due.
    pub(crate) lease_until: Option<DateTime<Utc>>,
    /// Enqueue order, the last tie-breaker.
    pub(crate) seq: u64,
}

impl StoredJob {
    fn is_claimable(&self, now: DateTime<Utc>) -> bool {
        match self.job.status {
            JobStatus::Pending => self.job.run_at <= now,
            // A worker that died or stalled past its lease loses the job.
            JobStatus::Running => self.lease_until.is_none_or(|until| until <= now),
            JobStatus::Done | JobStatus::Dead | JobStatus::Abandoned => false,
        }
    }
}

fn find(state: &mut State, id: JobId) -> Result<&mut StoredJob, RepoError> {
    state
        .jobs
        .iter_mut()
        .find(|stored| stored.job.id == id)
        .ok_or_else(|| RepoError::NotFound(format!("job {id}")))
}

/// `now + lease`, saturating instead of overflowing for absurd leases.
fn lease_deadline(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(lease)
        .ok()
        .and_then(|delta| now.checked_add_signed(delta))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[async_trait]
impl JobQueue for MemoryStore {
    /// The oldest by due time, then creation, then enqueue order.
    async fn claim(&self, now: DateTime<Utc>, lease: Duration) -> Result<Option<Job>, RepoError> {
        let mut state = self.shared.state().await?;
        let Some(stored) = state
            .jobs
            .iter_mut()
            .filter(|stored| stored.is_claimable(now))
            .min_by_key(|stored| (stored.job.run_at, stored.job.created_at, stored.seq))
        else {
            return Ok(None);
        };
        stored.job.status = JobStatus::Running;
        stored.job.attempts = stored.job.attempts.saturating_add(1);
        stored.lease_until = Some(lease_deadline(now, lease));
        Ok(Some(stored.job.clone()))
    }

    async fn complete(&self, claimed: &Job) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        let stored = find_claimed(&mut state, claimed)?;
        stored.job.status = JobStatus::Done;
        stored.lease_until = None;
        Ok(())
    }

    async fn fail(
        &self,
        claimed: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        let stored = find_claimed(&mut state, claimed)?;
        stored.job.last_error = Some(error.to_string());
        stored.lease_until = None;
        match retry_at {
            Some(at) => {
                stored.job.status = JobStatus::Pending;
                stored.job.run_at = at;
            }
            None => stored.job.status = JobStatus::Dead,
        }
        Ok(())
    }

    /// Newest first by creation (then enqueue order).
    async fn dead(&self, limit: u32) -> Result<Vec<Job>, RepoError> {
        let state = self.shared.state().await?;
        let mut dead: Vec<&StoredJob> = state
            .jobs
            .iter()
            .filter(|stored| stored.job.status == JobStatus::Dead)
            .collect();
        dead.sort_by_key(|stored| std::cmp::Reverse((stored.job.created_at, stored.seq)));
        Ok(dead
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|stored| stored.job.clone())
            .collect())
    }

    /// Due at once, with a full set of attempts (and their backoff).
    ///
    /// # Errors
    /// `NotFound` unless the job exists and is dead (sending back a
    /// running or done job would run it twice).
    async fn retry(&self, id: JobId, now: DateTime<Utc>) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        let stored = find(&mut state, id)?;
        if stored.job.status != JobStatus::Dead {
            return Err(RepoError::NotFound(format!("dead job {id}")));
        }
        stored.job.status = JobStatus::Pending;
        stored.job.run_at = now;
        stored.job.attempts = 0;
        stored.lease_until = None;
        Ok(())
    }

    /// In enqueue order.
    async fn all(&self) -> Result<Vec<Job>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.jobs.iter().map(|stored| stored.job.clone()).collect())
    }

    async fn release(&self, claimed: &Job) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        let stored = find_claimed(&mut state, claimed)?;
        stored.job.status = JobStatus::Pending;
        stored.job.attempts = stored.job.attempts.saturating_sub(1);
        stored.lease_until = None;
        Ok(())
    }

    async fn abandon(&self, id: JobId) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        let stored = find(&mut state, id)?;
        if stored.job.status != JobStatus::Dead {
            return Err(RepoError::NotFound(format!("dead job {id}")));
        }
        stored.job.status = JobStatus::Abandoned;
        Ok(())
    }

    /// Counts sorted by kind, then status in `JobStatus::ALL` order.
    async fn overview(&self, now: DateTime<Utc>) -> Result<QueueOverview, RepoError> {
        let state = self.shared.state().await?;
        let mut counts: Vec<KindCount> = Vec::new();
        for stored in state
            .jobs
            .iter()
            .filter(|s| s.job.status != JobStatus::Done)
        {
            match counts
                .iter_mut()
                .find(|c| c.kind == stored.job.kind && c.status == stored.job.status)
            {
                Some(c) => c.count += 1,
                None => counts.push(KindCount {
                    kind: stored.job.kind.clone(),
                    status: stored.job.status,
                    count: 1,
                }),
            }
        }
        let rank = |s: JobStatus| JobStatus::ALL.iter().position(|x| *x == s);
        counts.sort_by(|a, b| (&a.kind, rank(a.status)).cmp(&(&b.kind, rank(b.status))));
        let oldest_due = state
            .jobs
            .iter()
            .filter(|s| s.job.status == JobStatus::Pending && s.job.run_at <= now)
            .map(|s| s.job.run_at)
            .min();
        Ok(QueueOverview { counts, oldest_due })
    }

    async fn record_effect(
        &self,
        key: &str,
        at: DateTime<Utc>,
        detail: Option<String>,
    ) -> Result<bool, RepoError> {
        let mut state = self.shared.state().await?;
        if state.job_effects.contains_key(key) {
            return Ok(false);
        }
        let detail = detail.map(|d| d.chars().take(255).collect());
        state.job_effects.insert(key.to_string(), (at, detail));
        Ok(true)
    }

    async fn effect_detail(&self, key: &str) -> Result<Option<String>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.job_effects.get(key).and_then(|(_, d)| d.clone()))
    }

    async fn effect_recorded(&self, key: &str) -> Result<bool, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.job_effects.contains_key(key))
    }

    async fn purge_effects(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let mut old: Vec<(DateTime<Utc>, String)> = state
            .job_effects
            .iter()
            .filter(|(_, (at, _))| *at < before)
            .map(|(key, (at, _))| (*at, key.clone()))
            .collect();
        old.sort();
        old.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        for (_, key) in &old {
            state.job_effects.remove(key);
        }
        Ok(u64::try_from(old.len()).unwrap_or(u64::MAX))
    }

    async fn purge_finished(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let mut left = usize::try_from(limit).unwrap_or(usize::MAX);
        let n = state.jobs.len();
        state.jobs.retain(|stored| {
            let purged = left > 0
                && matches!(stored.job.status, JobStatus::Done | JobStatus::Abandoned)
                && stored.job.run_at < before;
            if purged {
                left -= 1;
            }
            !purged
        });
        Ok(u64::try_from(n - state.jobs.len()).unwrap_or(u64::MAX))
    }
}

/// The job as claimed by this caller: still running with the same attempt.
fn find_claimed<'a>(state: &'a mut State, claimed: &Job) -> Result<&'a mut StoredJob, RepoError> {
    let stored = find(state, claimed.id)?;
    if stored.job.status != JobStatus::Running || stored.job.attempts != claimed.attempts {
        return Err(RepoError::Conflict);
    }
    Ok(stored)
}
