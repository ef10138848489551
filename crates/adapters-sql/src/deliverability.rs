//! Undeliverable addresses (`email_delivery_issues`, and the keys of the
//! events applied in `email_delivery_events`; migration 52).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::model::{Partner, User};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{
    DeliveryEvent, DeliveryIssue, DeliveryIssueRepository, RepoError, UndeliverableAccount,
    delivery_key, undeliverable_among,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec::{instant, micros, opt_text, repo_error, text};
use crate::store::{Engine, SqlStore};

const WHAT: &str = "delivery issue";

fn issue_of(row: &AnyRow) -> Result<DeliveryIssue, RepoError> {
    Ok(DeliveryIssue {
        email: text(row, "email").map_err(repo_error(WHAT))?,
        event: text(row, "event").map_err(repo_error(WHAT))?,
        reason: opt_text(row, "reason").map_err(repo_error(WHAT))?,
        occurred_at: instant(
            row.try_get::<i64, _>("occurred_at")
                .map_err(repo_error(WHAT))?,
        )?,
    })
}

/// The column holds 500 characters; a provider's reason is a sentence.
fn clipped(reason: &Option<String>) -> Option<String> {
    reason.as_ref().map(|r| r.chars().take(500).collect())
}

#[async_trait]
impl DeliveryIssueRepository for SqlStore {
    async fn apply_delivery_event(
        &self,
        event: &DeliveryEvent,
        received_at: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error(WHAT))?;
        if let Some(key) = &event.key {
            let inserted = sqlx::query(
                "INSERT INTO email_delivery_events (event_key, received_at) VALUES (?, ?)",
            )
            .bind(key.chars().take(191).collect::<String>())
            .bind(micros(received_at))
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => return Ok(false),
                Err(e) => return Err(repo_error(WHAT)(e)),
            }
        }
        let email = delivery_key(&event.email);
        let lock = match self.engine {
            Engine::MySql => " FOR UPDATE",
            Engine::Sqlite => "",
        };
        let known = sqlx::query(&format!(
            "SELECT occurred_at FROM email_delivery_issues WHERE email = ?{lock}"
        ))
        .bind(email.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(repo_error(WHAT))?
        .map(|row| row.try_get::<i64, _>("occurred_at"))
        .transpose()
        .map_err(repo_error(WHAT))?;
        // A report older than the one kept changes nothing: providers do
        // not promise to deliver events in order.
        let later_known = known.is_some_and(|at| at > micros(event.occurred_at));
        if !later_known {
            if event.failure {
                let upsert = match self.engine {
                    Engine::MySql => {
                        "ON DUPLICATE KEY UPDATE event = VALUES(event), reason = VALUES(reason), \
                         occurred_at = VALUES(occurred_at)"
                    }
                    Engine::Sqlite => {
                        "ON CONFLICT (email) DO UPDATE SET event = excluded.event, \
                         reason = excluded.reason, occurred_at = excluded.occurred_at"
                    }
                };
                sqlx::query(&format!(
                    "INSERT INTO email_delivery_issues (email, event, reason, occurred_at) \
                     VALUES (?, ?, ?, ?) {upsert}"
                ))
                .bind(email)
                .bind(event.event.chars().take(40).collect::<String>())
                .bind(clipped(&event.reason))
                .bind(micros(event.occurred_at))
                .execute(&mut *tx)
                .await
                .map_err(repo_error(WHAT))?;
            } else {
                sqlx::query("DELETE FROM email_delivery_issues WHERE email = ?")
                    .bind(email)
                    .execute(&mut *tx)
                    .await
                    .map_err(repo_error(WHAT))?;
            }
        }
        tx.commit().await.map_err(repo_error(WHAT))?;
        Ok(true)
    }

    async fn delivery_issues(&self, emails: &[String]) -> Result<Vec<DeliveryIssue>, RepoError> {
        if emails.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; emails.len()].join(", ");
        let sql = format!(
            "SELECT email, event, reason, occurred_at FROM email_delivery_issues \
             WHERE email IN ({marks}) ORDER BY email"
        );
        let mut query = sqlx::query(&sql);
        for e in emails {
            query = query.bind(delivery_key(e));
        }
        let rows = query
            .fetch_all(&self.read)
            .await
            .map_err(repo_error(WHAT))?;
        rows.iter().map(issue_of).collect()
    }

    async fn undeliverable_accounts(
        &self,
        territories: Option<Vec<TerritoryCode>>,
    ) -> Result<Vec<UndeliverableAccount>, RepoError> {
        // The issues are few (addresses that bounced), the accounts many:
        // the joins start from the issues and use the accounts' e-mail keys.
        let rows =
            sqlx::query("SELECT email, event, reason, occurred_at FROM email_delivery_issues")
                .fetch_all(&self.read)
                .await
                .map_err(repo_error(WHAT))?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let issues: std::collections::HashMap<String, DeliveryIssue> = rows
            .iter()
            .map(|r| issue_of(r).map(|i| (i.email.clone(), i)))
            .collect::<Result<_, _>>()?;
        let users: Vec<User> = self
            .fetch_data(
                sqlx::query(
                    "SELECT u.data AS data FROM email_delivery_issues i JOIN users u ON u.email = i.email",
                ),
                "users",
            )
            .await?;
        let partners: Vec<Partner> = self
            .fetch_data(
                sqlx::query(
                    "SELECT p.data AS data FROM email_delivery_issues i \
                     JOIN partners p ON p.email_key = i.email WHERE p.is_archive = 0",
                ),
                "partners",
            )
            .await?;
        Ok(undeliverable_among(
            &issues,
            &users,
            &partners,
            territories.as_deref(),
        ))
    }

    async fn purge_delivery_events(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let keys = self
            .select_keys(
                "SELECT event_key FROM email_delivery_events WHERE received_at < ? \
                 ORDER BY received_at LIMIT ?",
                "event_key",
                &[micros(before)],
                limit,
            )
            .await?;
        self.delete_keys("email_delivery_events", "event_key", keys)
            .await
    }
}
