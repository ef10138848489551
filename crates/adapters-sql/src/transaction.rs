//! The unit of work on SQL: one database transaction. Dropping it without
//! `commit` rolls back (sqlx rolls back a dropped transaction).

use async_trait::async_trait;
use histologe_core::ids::{FileId, SignalementId, SuiviId, UserId};
use histologe_core::model::{
    AutoAffectationRule, Case, HistoryEntry, Notification, Partner, SignalementDraft, Suivi,
    Territory, User,
};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{NewJob, RepoError, Transaction, UnitOfWork};
use sqlx::{Any, Row};

use crate::cases::{self, INJONCTION_COUNTER, reference_counter};
use crate::codec::{micros, repo_error, to_json};
use crate::store::{Engine, SqlStore};

pub(crate) struct SqlTransaction {
    tx: sqlx::Transaction<'static, Any>,
    engine: Engine,
}

#[async_trait]
impl UnitOfWork for SqlStore {
    async fn begin(&self) -> Result<Box<dyn Transaction>, RepoError> {
        let tx = self.write.begin().await.map_err(repo_error("begin"))?;
        Ok(Box::new(SqlTransaction {
            tx,
            engine: self.engine,
        }))
    }
}

impl SqlTransaction {
    /// Reads the counter `name`, creating it from `initial_sql` when it does
    /// not exist yet, and keeps it locked until the end of the transaction.
    async fn locked_counter(
        &mut self,
        name: &str,
        initial_sql: &str,
        territory: Option<&str>,
        year: Option<i64>,
    ) -> Result<i64, RepoError> {
        if let Some(value) = self.read_counter(name).await? {
            return Ok(value);
        }
        // First number of this sequence: start from what the table holds.
        // Concurrent first uses race on the primary key; the losers read
        // the winner's row (or get `Conflict` on a deadlock, and retry).
        let insert = format!(
            "INSERT INTO counters (name, value) SELECT ?, COALESCE(MAX(v), 0) FROM ({initial_sql}) AS m"
        );
        let mut query = sqlx::query(&insert).bind(name.to_string());
        if let Some(territory) = territory {
            query = query.bind(territory.to_string());
        }
        if let Some(year) = year {
            query = query.bind(year);
        }
        match query
            .execute(&mut *self.tx)
            .await
            .map_err(repo_error("counter"))
        {
            Ok(_) | Err(RepoError::Duplicate(_)) => {}
            Err(e) => return Err(e),
        }
        self.read_counter(name)
            .await?
            .ok_or_else(|| RepoError::Unavailable(format!("counter {name} vanished")))
    }

    /// The counter's value, locked until the end of the transaction (MySQL;
    /// SQLite's single writer holds the whole database already).
    async fn read_counter(&mut self, name: &str) -> Result<Option<i64>, RepoError> {
        let lock = if self.engine == Engine::MySql {
            " FOR UPDATE"
        } else {
            ""
        };
        let row = sqlx::query(&format!("SELECT value FROM counters WHERE name = ?{lock}"))
            .bind(name.to_string())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(repo_error("counter"))?;
        row.map(|r| r.try_get::<i64, _>("value").map_err(repo_error("counter")))
            .transpose()
    }
}

fn positive(value: i64) -> Option<u32> {
    u32::try_from(value).ok().filter(|v| *v > 0)
}

#[async_trait]
impl Transaction for SqlTransaction {
    async fn max_reference_number(
        &mut self,
        territory: &TerritoryCode,
        year: i32,
    ) -> Result<Option<u32>, RepoError> {
        let value = self
            .locked_counter(
                &reference_counter(territory.as_str(), i64::from(year)),
                "SELECT reference_number AS v FROM signalements WHERE territory = ? AND reference_year = ?",
                Some(territory.as_str()),
                Some(i64::from(year)),
            )
            .await?;
        Ok(positive(value))
    }

    async fn max_injonction_number(&mut self) -> Result<Option<u32>, RepoError> {
        let value = self
            .locked_counter(
                INJONCTION_COUNTER,
                "SELECT reference_injonction AS v FROM signalements",
                None,
                None,
            )
            .await?;
        Ok(positive(value))
    }

    async fn insert_case(&mut self, case: &Case) -> Result<(), RepoError> {
        cases::insert_case(&mut self.tx, case).await
    }

    async fn lock_case(&mut self, id: SignalementId) -> Result<Option<Case>, RepoError> {
        cases::load_case(&mut self.tx, self.engine, id, true).await
    }

    async fn save_case(&mut self, case: &Case) -> Result<(), RepoError> {
        cases::save_case(&mut self.tx, case).await
    }

    async fn insert_suivi(&mut self, suivi: &Suivi) -> Result<(), RepoError> {
        cases::insert_suivi(&mut self.tx, suivi).await
    }

    /// An edit or a deletion may change which suivi is the last public
    /// one: the case's date of the next request for news follows.
    async fn update_suivi(&mut self, suivi: &Suivi) -> Result<(), RepoError> {
        cases::update_suivi(&mut self.tx, suivi).await?;
        cases::refresh_feedback_due(&mut self.tx, self.engine, suivi.signalement_id).await
    }

    async fn delete_suivi(&mut self, id: SuiviId) -> Result<(), RepoError> {
        let owner = sqlx::query("SELECT signalement_id FROM suivis WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(repo_error("suivi"))?;
        let owner: Option<SignalementId> = match owner {
            Some(row) => Some(SignalementId(
                crate::codec::text(&row, "signalement_id")
                    .map_err(repo_error("suivi"))?
                    .parse()
                    .map_err(|e| RepoError::Unavailable(format!("stored id: {e}")))?,
            )),
            None => None,
        };
        let done = sqlx::query("DELETE FROM suivis WHERE id = ?")
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(repo_error("suivi"))?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound(format!("suivi {id}")));
        }
        match owner {
            Some(case) => cases::refresh_feedback_due(&mut self.tx, self.engine, case).await,
            None => Ok(()),
        }
    }

    async fn subscribe(
        &mut self,
        user: UserId,
        signalement: SignalementId,
    ) -> Result<(), RepoError> {
        cases::subscribe(&mut self.tx, self.engine, user, signalement).await
    }

    async fn unsubscribe(
        &mut self,
        user: UserId,
        signalement: SignalementId,
    ) -> Result<(), RepoError> {
        sqlx::query("DELETE FROM subscriptions WHERE user_id = ? AND signalement_id = ?")
            .bind(user.to_string())
            .bind(signalement.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(repo_error("subscription"))?;
        Ok(())
    }

    async fn insert_notification(&mut self, n: &Notification) -> Result<(), RepoError> {
        sqlx::query("INSERT INTO notifications (id, user_id, signalement_id, created_at, wait_mailing_summary, is_seen, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(n.id.to_string())
            .bind(n.user_id.to_string())
            .bind(n.signalement_id.map(|s| s.to_string()))
            .bind(micros(n.created_at))
            .bind(i64::from(n.wait_mailing_summary))
            .bind(i64::from(n.is_seen))
            .bind(to_json(n)?)
            .execute(&mut *self.tx)
            .await
            .map_err(repo_error("notification"))?;
        Ok(())
    }

    async fn delete_notifications_of(
        &mut self,
        signalement: SignalementId,
    ) -> Result<(), RepoError> {
        sqlx::query("DELETE FROM notifications WHERE signalement_id = ?")
            .bind(signalement.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(repo_error("notifications"))?;
        Ok(())
    }

    async fn append_history(&mut self, entry: &HistoryEntry) -> Result<(), RepoError> {
        sqlx::query("INSERT INTO history_entries (id, signalement_id, created_at, data) VALUES (?, ?, ?, ?)")
            .bind(entry.id.to_string())
            .bind(entry.signalement_id.map(|s| s.to_string()))
            .bind(micros(entry.created_at))
            .bind(to_json(entry)?)
            .execute(&mut *self.tx)
            .await
            .map_err(repo_error("history"))?;
        Ok(())
    }

    async fn enqueue(&mut self, job: &NewJob) -> Result<(), RepoError> {
        crate::jobs::enqueue(&mut self.tx, job).await
    }

    async fn save_draft(&mut self, draft: &SignalementDraft) -> Result<(), RepoError> {
        crate::drafts::save(&mut self.tx, self.engine, draft).await
    }

    async fn delete_file(&mut self, id: FileId) -> Result<(), RepoError> {
        sqlx::query("DELETE FROM files WHERE id = ?")
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(repo_error("file"))?;
        Ok(())
    }

    async fn insert_user(&mut self, user: &User) -> Result<(), RepoError> {
        crate::repositories::insert_user(&mut self.tx, user).await
    }

    async fn insert_partner(&mut self, partner: &Partner) -> Result<(), RepoError> {
        crate::repositories::insert_partner(&mut self.tx, partner).await
    }

    async fn update_partner(&mut self, partner: &Partner) -> Result<(), RepoError> {
        crate::repositories::update_partner(&mut self.tx, partner).await
    }

    async fn update_territory(&mut self, territory: &Territory) -> Result<(), RepoError> {
        crate::repositories::update_territory(&mut self.tx, territory).await
    }

    async fn insert_rule(&mut self, rule: &AutoAffectationRule) -> Result<(), RepoError> {
        crate::repositories::insert_rule(&mut self.tx, rule).await
    }

    async fn update_rule(&mut self, rule: &AutoAffectationRule) -> Result<(), RepoError> {
        crate::repositories::update_rule(&mut self.tx, rule).await
    }

    async fn commit(self: Box<Self>) -> Result<(), RepoError> {
        self.tx.commit().await.map_err(repo_error("commit"))
    }
}
