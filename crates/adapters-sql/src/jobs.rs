//! The job outbox: jobs are rows, enqueued in the transaction of the change
//! that causes them; workers claim them with `FOR UPDATE SKIP LOCKED` on
//! MySQL/MariaDB (so any number of workers can run), through the single
//! writer on SQLite.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::JobId;
use histologe_ports::{
    Job, JobKind, JobQueue, JobStatus, KindCount, NewJob, QueueOverview, RepoError,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::codec::{from_json, instant, micros, repo_error, to_json};
use crate::store::{Engine, SqlStore};

fn status_of(text: &str) -> Result<JobStatus, RepoError> {
    JobStatus::parse(text)
        .ok_or_else(|| RepoError::Unavailable(format!("unknown job status {text}")))
}

const COLUMNS: &str =
    "id, kind, payload, status, attempts, run_at, last_error, idempotency_key, created_at";

fn job_of(row: &AnyRow) -> Result<Job, RepoError> {
    let get = |name: &str| crate::codec::text(row, name).map_err(repo_error("job"));
    let int = |name: &str| row.try_get::<i64, _>(name).map_err(repo_error("job"));
    let id: uuid::Uuid = get("id")?
        .parse()
        .map_err(|e| RepoError::Unavailable(format!("job id: {e}")))?;
    Ok(Job {
        id: JobId(id),
        kind: JobKind(get("kind")?),
        payload: from_json(&get("payload")?)?,
        status: status_of(&get("status")?)?,
        attempts: u32::try_from(int("attempts")?).unwrap_or(u32::MAX),
        run_at: instant(int("run_at")?)?,
        last_error: crate::codec::opt_text(row, "last_error").map_err(repo_error("job"))?,
        idempotency_key: crate::codec::opt_text(row, "idempotency_key")
            .map_err(repo_error("job"))?,
        created_at: instant(int("created_at")?)?,
    })
}

pub(crate) async fn enqueue(conn: &mut AnyConnection, job: &NewJob) -> Result<(), RepoError> {
    if let Some(key) = &job.idempotency_key {
        let exists = sqlx::query("SELECT 1 AS one FROM jobs WHERE idempotency_key = ?")
            .bind(key.clone())
            .fetch_optional(&mut *conn)
            .await
            .map_err(repo_error("job"))?;
        if exists.is_some() {
            return Ok(());
        }
    }
    let inserted = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, attempts, run_at, lease_until, last_error, idempotency_key, created_at) \
         VALUES (?, ?, ?, 'pending', 0, ?, NULL, NULL, ?, ?)",
    )
    .bind(job.id.to_string())
    .bind(job.kind.as_str().to_string())
    .bind(to_json(&job.payload)?)
    .bind(micros(job.run_at))
    .bind(job.idempotency_key.clone())
    .bind(micros(job.run_at))
    .execute(&mut *conn)
    .await;
    match inserted {
        // Another transaction enqueued the same key between the check
        // and the insert (two clocks on one tick): one job, as promised.
        // MySQL undoes the statement only, so the transaction goes on.
        Err(sqlx::Error::Database(db))
            if db.is_unique_violation() && job.idempotency_key.is_some() =>
        {
            Ok(())
        }
        other => other.map(|_| ()).map_err(repo_error("job")),
    }
}

impl SqlStore {
    /// After `complete` or `fail` changed nothing: a stale claim or no job.
    async fn not_claimed(&self, claimed: &Job) -> RepoError {
        let exists = sqlx::query("SELECT 1 AS one FROM jobs WHERE id = ?")
            .bind(claimed.id.to_string())
            .fetch_optional(&self.read)
            .await;
        match exists {
            Ok(Some(_)) => RepoError::Conflict,
            Ok(None) => RepoError::NotFound(format!("job {}", claimed.id)),
            Err(e) => repo_error("job")(e),
        }
    }
}

#[async_trait]
impl JobQueue for SqlStore {
    async fn claim(&self, now: DateTime<Utc>, lease: Duration) -> Result<Option<Job>, RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error("claim"))?;
        let skip_locked = if self.engine == Engine::MySql {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "SELECT seq FROM jobs WHERE (status = 'pending' AND run_at <= ?) \
             OR (status = 'running' AND lease_until <= ?) ORDER BY run_at, seq LIMIT 1{skip_locked}"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(micros(now))
            .bind(micros(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(repo_error("claim"))?
        else {
            // Roll back now, not on drop: sqlx rolls a dropped transaction
            // back later, from the pool, and until then the rows this locking
            // read went over stay locked, so the next claim would SKIP them.
            tx.rollback().await.map_err(repo_error("claim"))?;
            return Ok(None);
        };
        let seq: i64 = row.try_get("seq").map_err(repo_error("claim"))?;
        let lease_until =
            now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
        sqlx::query("UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ? WHERE seq = ?")
            .bind(micros(lease_until))
            .bind(seq)
            .execute(&mut *tx)
            .await
            .map_err(repo_error("claim"))?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE seq = ?"))
            .bind(seq)
            .fetch_one(&mut *tx)
            .await
            .map_err(repo_error("claim"))?;
        let job = job_of(&row)?;
        tx.commit().await.map_err(repo_error("claim"))?;
        Ok(Some(job))
    }

    async fn complete(&self, claimed: &Job) -> Result<(), RepoError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'done', lease_until = NULL WHERE id = ? AND status = 'running' AND attempts = ?",
        )
        .bind(claimed.id.to_string())
        .bind(i64::from(claimed.attempts))
        .execute(&self.write)
        .await
        .map_err(repo_error("job"))?;
        if done.rows_affected() == 0 {
            return Err(self.not_claimed(claimed).await);
        }
        Ok(())
    }

    async fn fail(
        &self,
        claimed: &Job,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError> {
        let (status, run_at) = match retry_at {
            Some(at) => (JobStatus::Pending, micros(at)),
            None => (JobStatus::Dead, micros(claimed.run_at)),
        };
        let error: String = error.chars().take(2000).collect();
        let done = sqlx::query(
            "UPDATE jobs SET status = ?, run_at = ?, lease_until = NULL, last_error = ? \
             WHERE id = ? AND status = 'running' AND attempts = ?",
        )
        .bind(status.as_str())
        .bind(run_at)
        .bind(error)
        .bind(claimed.id.to_string())
        .bind(i64::from(claimed.attempts))
        .execute(&self.write)
        .await
        .map_err(repo_error("job"))?;
        if done.rows_affected() == 0 {
            return Err(self.not_claimed(claimed).await);
        }
        Ok(())
    }

    async fn dead(&self, limit: u32) -> Result<Vec<Job>, RepoError> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE status = 'dead' ORDER BY created_at DESC, seq DESC LIMIT ?"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("jobs"))?
        .iter()
        .map(job_of)
        .collect()
    }

    async fn retry(&self, id: JobId, now: DateTime<Utc>) -> Result<(), RepoError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'pending', run_at = ?, attempts = 0, lease_until = NULL WHERE id = ? AND status = 'dead'",
        )
        .bind(micros(now))
        .bind(id.to_string())
        .execute(&self.write)
        .await
        .map_err(repo_error("job"))?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound(format!("dead job {id}")));
        }
        Ok(())
    }

    async fn all(&self) -> Result<Vec<Job>, RepoError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM jobs ORDER BY seq"))
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("jobs"))?
            .iter()
            .map(job_of)
            .collect()
    }

    async fn release(&self, claimed: &Job) -> Result<(), RepoError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'pending', attempts = attempts - 1, lease_until = NULL \
             WHERE id = ? AND status = 'running' AND attempts = ?",
        )
        .bind(claimed.id.to_string())
        .bind(i64::from(claimed.attempts))
        .execute(&self.write)
        .await
        .map_err(repo_error("job"))?;
        if done.rows_affected() == 0 {
            return Err(self.not_claimed(claimed).await);
        }
        Ok(())
    }

    async fn abandon(&self, id: JobId) -> Result<(), RepoError> {
        let done =
            sqlx::query("UPDATE jobs SET status = 'abandoned' WHERE id = ? AND status = 'dead'")
                .bind(id.to_string())
                .execute(&self.write)
                .await
                .map_err(repo_error("job"))?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound(format!("dead job {id}")));
        }
        Ok(())
    }

    /// Done jobs are left out by the status index, not scanned.
    async fn overview(&self, now: DateTime<Utc>) -> Result<QueueOverview, RepoError> {
        let rows = sqlx::query(
            "SELECT kind, status, COUNT(*) AS n FROM jobs \
             WHERE status IN ('pending', 'running', 'dead', 'abandoned') GROUP BY kind, status",
        )
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("jobs"))?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in &rows {
            let get = |name: &str| crate::codec::text(row, name).map_err(repo_error("jobs"));
            counts.push(KindCount {
                kind: JobKind(get("kind")?),
                status: status_of(&get("status")?)?,
                count: u64::try_from(row.try_get::<i64, _>("n").map_err(repo_error("jobs"))?)
                    .unwrap_or_default(),
            });
        }
        let rank = |s: JobStatus| JobStatus::ALL.iter().position(|x| *x == s);
        counts.sort_by(|a, b| (&a.kind, rank(a.status)).cmp(&(&b.kind, rank(b.status))));
        let oldest: Option<i64> = sqlx::query(
            "SELECT MIN(run_at) AS m FROM jobs WHERE status = 'pending' AND run_at <= ?",
        )
        .bind(micros(now))
        .fetch_one(&self.read)
        .await
        .and_then(|r| r.try_get("m"))
        .map_err(repo_error("jobs"))?;
        Ok(QueueOverview {
            counts,
            oldest_due: oldest.map(instant).transpose()?,
        })
    }

    async fn record_effect(
        &self,
        key: &str,
        at: DateTime<Utc>,
        detail: Option<String>,
    ) -> Result<bool, RepoError> {
        let inserted = sqlx::query(
            "INSERT INTO job_effects (effect_key, created_at, detail) VALUES (?, ?, ?)",
        )
        .bind(key.to_string())
        .bind(micros(at))
        .bind(detail.map(|d| d.chars().take(255).collect::<String>()))
        .execute(&self.write)
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(false),
            Err(e) => Err(repo_error("job effect")(e)),
        }
    }

    async fn effect_recorded(&self, key: &str) -> Result<bool, RepoError> {
        // On the writer: a record just made must be seen by the next run.
        let found = sqlx::query("SELECT 1 AS one FROM job_effects WHERE effect_key = ?")
            .bind(key.to_string())
            .fetch_optional(&self.write)
            .await
            .map_err(repo_error("job effect"))?;
        Ok(found.is_some())
    }

    async fn effect_detail(&self, key: &str) -> Result<Option<String>, RepoError> {
        let row = sqlx::query("SELECT detail FROM job_effects WHERE effect_key = ?")
            .bind(key.to_string())
            .fetch_optional(&self.write)
            .await
            .map_err(repo_error("job effect"))?;
        Ok(row
            .map(|r| crate::codec::opt_text(&r, "detail"))
            .transpose()
            .map_err(repo_error("job effect"))?
            .flatten())
    }

    async fn purge_effects(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, RepoError> {
        self.purge_job_effects(before, limit).await
    }

    async fn purge_finished(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, RepoError> {
        self.purge_finished_jobs(before, limit).await
    }
}
