//! Account tokens (`account_tokens`): activation and reset links, pending
//! logins and login codes, by the SHA-256 of their secret.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::UserId;
use histologe_ports::{AccountToken, AccountTokenKind, AccountTokenRepository, RepoError};

use crate::codec::{micros, repo_error, text};
use crate::store::SqlStore;

fn user_id(row: &sqlx::any::AnyRow) -> Result<UserId, RepoError> {
    let user = text(row, "user_id").map_err(repo_error("account token"))?;
    user.parse::<uuid::Uuid>()
        .map(UserId)
        .map_err(|e| RepoError::Unavailable(format!("stored token user unreadable: {e}")))
}

#[async_trait]
impl AccountTokenRepository for SqlStore {
    async fn create_token(&self, token: &AccountToken) -> Result<(), RepoError> {
        let done = sqlx::query(
            "INSERT INTO account_tokens (token_hash, kind, user_id, created_at, expires_at, used_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token.token_hash.clone())
        .bind(token.kind.as_str())
        .bind(token.user_id.to_string())
        .bind(micros(token.created_at))
        .bind(micros(token.expires_at))
        .bind(token.used_at.map(micros))
        .execute(&self.write)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(RepoError::NotFound(format!("user {}", token.user_id)))
            }
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(RepoError::Duplicate("account token".into()))
            }
            Err(e) => Err(repo_error("account token")(e)),
        }
    }

    async fn valid_token(
        &self,
        token_hash: &str,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, RepoError> {
        // From the writer: a link or code made a moment ago must be seen.
        let row = sqlx::query(
            "SELECT user_id FROM account_tokens \
             WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?",
        )
        .bind(token_hash.to_string())
        .bind(kind.as_str())
        .bind(micros(now))
        .fetch_optional(&self.write)
        .await
        .map_err(repo_error("account token"))?;
        row.as_ref().map(user_id).transpose()
    }

    async fn consume_token(
        &self,
        token_hash: &str,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, RepoError> {
        // The condition is in the UPDATE itself: the database lets one
        // writer mark the row, the other finds it used (0 rows).
        let done = sqlx::query(
            "UPDATE account_tokens SET used_at = ? \
             WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?",
        )
        .bind(micros(now))
        .bind(token_hash.to_string())
        .bind(kind.as_str())
        .bind(micros(now))
        .execute(&self.write)
        .await
        .map_err(repo_error("account token"))?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT user_id FROM account_tokens WHERE token_hash = ?")
            .bind(token_hash.to_string())
            .fetch_optional(&self.write)
            .await
            .map_err(repo_error("account token"))?;
        row.as_ref().map(user_id).transpose()
    }

    async fn purge_tokens(&self, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let done =
            sqlx::query("DELETE FROM account_tokens WHERE used_at IS NOT NULL OR expires_at <= ?")
                .bind(micros(now))
                .execute(&self.write)
                .await
                .map_err(repo_error("account token"))?;
        Ok(done.rows_affected())
    }

    async fn revoke_tokens(
        &self,
        user: UserId,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let done = sqlx::query(
            "UPDATE account_tokens SET used_at = ? \
             WHERE user_id = ? AND kind = ? AND used_at IS NULL",
        )
        .bind(micros(now))
        .bind(user.to_string())
        .bind(kind.as_str())
        .execute(&self.write)
        .await
        .map_err(repo_error("account token"))?;
        Ok(done.rows_affected())
    }
}
