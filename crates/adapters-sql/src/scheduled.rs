//! The reads and writes of the scheduled jobs (§7 of the domain): the cases
//! and visits their timers look for, the accounts their reminders and
//! archiving are about (migration 14), and the bounded purges. The trait
//! impls delegate here so the queries of the clock stay together.
//!
//! A bounded delete first selects the keys, then deletes them: neither
//! MySQL nor MariaDB accept `LIMIT` in an `IN` subquery, and SQLite's
//! `DELETE … LIMIT` is a compile-time option.

use chrono::{DateTime, Utc};
use histologe_core::enums::{
    AffectationStatus, DraftStatus, InterventionStatus, NotificationType, Role, SignalementStatus,
    UserStatus,
};
use histologe_core::ids::{AffectationId, InterventionId, SignalementId, UserId};
use histologe_core::model::User;
use histologe_ports::{JobStatus, RepoError};
use sqlx::Row;

use crate::codec::{from_json, instant, micros, repo_error, text};
use crate::store::{Engine, SqlStore};

/// The roles whose accounts the reminders and the archiving are about.
const STAFF: [Role; 4] = [
    Role::SuperAdmin,
    Role::TerritoryAdmin,
    Role::PartnerAdmin,
    Role::Agent,
];

fn staff_in() -> String {
    let roles: Vec<String> = STAFF.iter().map(|r| format!("'{}'", r.as_str())).collect();
    format!("({})", roles.join(", "))
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn uuid_of(row: &sqlx::any::AnyRow, column: &str) -> Result<uuid::Uuid, RepoError> {
    text(row, column)
        .map_err(repo_error("id"))?
        .parse()
        .map_err(|e| RepoError::Unavailable(format!("stored id: {e}")))
}

/// Accounts whose copies of `data` (migration 14) were written. During a
/// rolling deploy a binary older than migration 14 still inserts accounts
/// without them: their `status` stays `''` and their `created_at` 0 (the
/// columns' defaults) until the account is written again by a new binary.
/// Such an account is never taken as unused for a year, nor as never
/// activated: read as 1970, it would be told of its archiving the day it
/// was created. The next write of the account (its first login, any edit)
/// fills the columns, and it is then judged on its real dates.
const KNOWN: &str = "status <> '' AND created_at > 0";

/// Columns of `users` that copy values of `data` (migration 14), to bind
/// after the others of an insert or update.
pub(crate) fn user_columns(user: &User) -> (&'static str, i64, Option<i64>) {
    (
        user.status.as_str(),
        micros(user.created_at),
        user.last_login_at.map(micros),
    )
}

impl SqlStore {
    /// The `id` column of every row `query` returns, as case ids.
    async fn signalement_ids<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<Vec<SignalementId>, RepoError> {
        query
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("signalements"))?
            .iter()
            .map(|r| uuid_of(r, "id").map(SignalementId))
            .collect()
    }

    pub(crate) async fn in_status_created_before_sql(
        &self,
        status: SignalementStatus,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError> {
        self.signalement_ids(
            sqlx::query(
                "SELECT id FROM signalements WHERE status = ? AND created_at < ? \
                 ORDER BY created_at, id LIMIT ?",
            )
            .bind(status.as_str())
            .bind(micros(created_before))
            .bind(i64::from(limit)),
        )
        .await
    }

    /// The due date is a column written with the case
    /// (`list_columns`, migration 51) rather than derived here from the
    /// suivis: the rule (the last public suivi, the requests since it,
    /// Paris calendar days) is `histologe_core::feedback` once for every
    /// adapter, eligibility included, and the read is a range of one
    /// index, most overdue first, however many cases loop every 90 days.
    /// Aggregating the suivis instead would read every suivi of every
    /// active case each morning and repeat the rule in SQL.
    pub(crate) async fn feedback_due_sql(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError> {
        self.signalement_ids(
            sqlx::query(
                "SELECT id FROM signalements WHERE feedback_due_at <= ? \
                 ORDER BY feedback_due_at, id LIMIT ?",
            )
            .bind(micros(now))
            .bind(i64::from(limit)),
        )
        .await
    }

    pub(crate) async fn planned_visits_between_sql(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, InterventionId)>, RepoError> {
        let rows = sqlx::query(
            "SELECT signalement_id, id FROM interventions \
             WHERE status = ? AND scheduled_at >= ? AND scheduled_at < ? \
             ORDER BY scheduled_at, id LIMIT ?",
        )
        .bind(InterventionStatus::Planned.as_str())
        .bind(micros(from))
        .bind(micros(to))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("interventions"))?;
        rows.iter()
            .map(|r| {
                Ok((
                    SignalementId(uuid_of(r, "signalement_id")?),
                    InterventionId(uuid_of(r, "id")?),
                ))
            })
            .collect()
    }

    /// The answer date is only in `data`, as RFC 3339 in UTC, which sorts
    /// as text: compared to the bounds written to the second, without
    /// their zone. A scan of the accepted affectations, once a day.
    pub(crate) async fn accepted_affectations_answered_between_sql(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, AffectationId)>, RepoError> {
        let answered = match self.engine {
            Engine::MySql => "JSON_UNQUOTE(JSON_EXTRACT(data, '$.answered_at'))",
            Engine::Sqlite => "json_extract(data, '$.answered_at')",
        };
        let bound = |at: DateTime<Utc>| at.format("%Y-%m-%dT%H:%M:%S").to_string();
        let rows = sqlx::query(&format!(
            "SELECT signalement_id, id FROM affectations \
             WHERE status = ? AND {answered} >= ? AND {answered} < ? \
             ORDER BY {answered}, id LIMIT ?"
        ))
        .bind(AffectationStatus::Accepted.as_str())
        .bind(bound(from))
        .bind(bound(to))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("affectations"))?;
        rows.iter()
            .map(|r| {
                Ok((
                    SignalementId(uuid_of(r, "signalement_id")?),
                    AffectationId(uuid_of(r, "id")?),
                ))
            })
            .collect()
    }

    async fn users_where(
        &self,
        condition: &str,
        order: &str,
        binds: &[i64],
        limit: u32,
    ) -> Result<Vec<(User, Option<i64>)>, RepoError> {
        let sql = format!(
            "SELECT data, archiving_scheduled_at FROM users WHERE role IN {} AND {condition} \
             ORDER BY {order}, id LIMIT ?",
            staff_in()
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(*b);
        }
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("users"))?;
        rows.iter()
            .map(|r| {
                let user: User = from_json(&text(r, "data").map_err(repo_error("users"))?)?;
                let at: Option<i64> = r
                    .try_get("archiving_scheduled_at")
                    .map_err(repo_error("users"))?;
                Ok((user, at))
            })
            .collect()
    }

    pub(crate) async fn unactivated_to_remind_sql(
        &self,
        created_before: DateTime<Utc>,
        reminded_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError> {
        let condition = format!(
            "status = '{}' AND created_at > 0 AND created_at < ? \
             AND (activation_reminded_at IS NULL OR activation_reminded_at < ?)",
            UserStatus::Inactive.as_str()
        );
        Ok(self
            .users_where(
                &condition,
                "created_at",
                &[micros(created_before), micros(reminded_before)],
                limit,
            )
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect())
    }

    pub(crate) async fn inactive_to_notify_sql(
        &self,
        seen_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError> {
        // `KNOWN`: never an account whose columns were not written.
        let condition = format!(
            "{KNOWN} AND status <> '{}' AND archiving_scheduled_at IS NULL \
             AND COALESCE(last_login_at, created_at) < ?",
            UserStatus::Archive.as_str()
        );
        Ok(self
            .users_where(
                &condition,
                "COALESCE(last_login_at, created_at)",
                &[micros(seen_before)],
                limit,
            )
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect())
    }

    pub(crate) async fn archiving_due_sql(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(User, DateTime<Utc>)>, RepoError> {
        let condition = format!(
            "status <> '{}' AND archiving_scheduled_at <= ?",
            UserStatus::Archive.as_str()
        );
        self.users_where(&condition, "archiving_scheduled_at", &[micros(now)], limit)
            .await?
            .into_iter()
            .map(|(u, at)| {
                let at = at.ok_or_else(|| RepoError::Unavailable("archiving date".into()))?;
                Ok((u, instant(at)?))
            })
            .collect()
    }

    /// Sets one of the two columns the scheduled jobs own.
    pub(crate) async fn set_user_mark(
        &self,
        user: UserId,
        column: &'static str,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError> {
        let done = sqlx::query(&format!("UPDATE users SET {column} = ? WHERE id = ?"))
            .bind(at.map(micros))
            .bind(user.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("user"))?;
        if done.rows_affected() == 0 {
            // MySQL counts changed rows: the same value again is 0 too.
            let found = sqlx::query("SELECT id FROM users WHERE id = ?")
                .bind(user.to_string())
                .fetch_optional(&self.write)
                .await
                .map_err(repo_error("user"))?;
            if found.is_none() {
                return Err(RepoError::NotFound(format!("user {user}")));
            }
        }
        Ok(())
    }

    /// Deletes the rows of `table` whose `key` is among the selected ones.
    pub(crate) async fn delete_keys(
        &self,
        table: &'static str,
        key: &'static str,
        keys: Vec<String>,
    ) -> Result<u64, RepoError> {
        if keys.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "DELETE FROM {table} WHERE {key} IN ({})",
            placeholders(keys.len())
        );
        let mut query = sqlx::query(&sql);
        for k in keys {
            query = query.bind(k);
        }
        let done = query
            .execute(&self.write)
            .await
            .map_err(repo_error(table))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn select_keys(
        &self,
        sql: &str,
        key: &str,
        binds: &[i64],
        limit: u32,
    ) -> Result<Vec<String>, RepoError> {
        let mut query = sqlx::query(sql);
        for b in binds {
            query = query.bind(*b);
        }
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(&self.write)
            .await
            .map_err(repo_error("purge"))?;
        rows.iter()
            .map(|r| {
                // `seq` is an integer key, the others text.
                match r.try_get::<i64, _>(key) {
                    Ok(n) => Ok(n.to_string()),
                    Err(_) => text(r, key).map_err(repo_error("purge")),
                }
            })
            .collect()
    }

    pub(crate) async fn purge_expired_sessions(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let keys = self
            .select_keys(
                "SELECT id_hash FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
                "id_hash",
                &[micros(now)],
                limit,
            )
            .await?;
        self.delete_keys("sessions", "id_hash", keys).await
    }

    pub(crate) async fn purge_abandoned_drafts(
        &self,
        updated_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let sql = format!(
            "SELECT id FROM drafts WHERE status IN ('{}', '{}') AND updated_at < ? \
             ORDER BY updated_at LIMIT ?",
            DraftStatus::EnCours.as_str(),
            DraftStatus::Archive.as_str()
        );
        let keys = self
            .select_keys(&sql, "id", &[micros(updated_before)], limit)
            .await?;
        self.delete_keys("drafts", "id", keys).await
    }

    /// Not SUIVI_USAGER (§7.1): the type is only in `data`. The kept ones
    /// are read again by each batch's range on `created_at`.
    pub(crate) async fn purge_old_notifications(
        &self,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let kind = match self.engine {
            Engine::MySql => "JSON_UNQUOTE(JSON_EXTRACT(data, '$.notification_type'))",
            Engine::Sqlite => "json_extract(data, '$.notification_type')",
        };
        let sql = format!(
            "SELECT seq FROM notifications WHERE created_at < ? AND wait_mailing_summary = 0 \
             AND {kind} <> '{}' ORDER BY created_at, seq LIMIT ?",
            NotificationType::SuiviUsager.as_str()
        );
        let keys = self
            .select_keys(&sql, "seq", &[micros(created_before)], limit)
            .await?;
        self.delete_seqs("notifications", keys).await
    }

    pub(crate) async fn purge_job_effects(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let keys = self
            .select_keys(
                "SELECT effect_key FROM job_effects WHERE created_at < ? \
                 ORDER BY created_at LIMIT ?",
                "effect_key",
                &[micros(before)],
                limit,
            )
            .await?;
        self.delete_keys("job_effects", "effect_key", keys).await
    }

    /// Done and abandoned jobs, by the `(status, run_at)` index, in no
    /// particular order: all of them go.
    pub(crate) async fn purge_finished_jobs(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let sql = format!(
            "SELECT seq FROM jobs WHERE status IN ('{}', '{}') AND run_at < ? LIMIT ?",
            JobStatus::Done.as_str(),
            JobStatus::Abandoned.as_str()
        );
        let keys = self
            .select_keys(&sql, "seq", &[micros(before)], limit)
            .await?;
        self.delete_seqs("jobs", keys).await
    }

    /// Deletes the rows of `table` whose integer `seq` is among `keys`.
    async fn delete_seqs(&self, table: &'static str, keys: Vec<String>) -> Result<u64, RepoError> {
        if keys.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "DELETE FROM {table} WHERE seq IN ({})",
            placeholders(keys.len())
        );
        let mut query = sqlx::query(&sql);
        for k in &keys {
            let seq: i64 = k
                .parse()
                .map_err(|e| RepoError::Unavailable(format!("seq: {e}")))?;
            query = query.bind(seq);
        }
        let done = query
            .execute(&self.write)
            .await
            .map_err(repo_error(table))?;
        Ok(done.rows_affected())
    }
}
