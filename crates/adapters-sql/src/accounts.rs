//! Password hashes (`user_credentials`) and staff sessions (`sessions`,
//! keyed by the SHA-256 of the token).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::UserId;
use histologe_core::model::StaffSession;
use histologe_ports::{CredentialRepository, RepoError, SessionRepository};
use sqlx::Row;

use crate::codec::{instant, micros, repo_error, text};
use crate::store::{Engine, SqlStore};

#[async_trait]
impl CredentialRepository for SqlStore {
    async fn password_hash(&self, user: UserId) -> Result<Option<String>, RepoError> {
        let row = sqlx::query("SELECT password_hash FROM user_credentials WHERE user_id = ?")
            .bind(user.to_string())
            .fetch_optional(&self.read)
            .await
            .map_err(repo_error("credential"))?;
        row.map(|r| text(&r, "password_hash").map_err(repo_error("credential")))
            .transpose()
    }

    async fn set_password_hash(
        &self,
        user: UserId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let upsert = match self.engine {
            Engine::MySql => {
                "ON DUPLICATE KEY UPDATE password_hash = VALUES(password_hash), updated_at = VALUES(updated_at)"
            }
            Engine::Sqlite => {
                "ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at"
            }
        };
        let done = sqlx::query(&format!(
            "INSERT INTO user_credentials (user_id, password_hash, updated_at) VALUES (?, ?, ?) {upsert}"
        ))
        .bind(user.to_string())
        .bind(hash.to_string())
        .bind(micros(now))
        .execute(&self.write)
        .await;
        match done {
            Ok(_) => Ok(()),
            // No such user: the foreign key refused the row.
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(RepoError::NotFound(format!("user {user}")))
            }
            Err(e) => Err(repo_error("credential")(e)),
        }
    }
}

const COLUMNS: &str = "id_hash, user_id, created_at, expires_at, last_seen_at";

fn decode(row: &sqlx::any::AnyRow) -> Result<StaffSession, RepoError> {
    let what = repo_error("session");
    let user = text(row, "user_id").map_err(&what)?;
    Ok(StaffSession {
        id_hash: text(row, "id_hash").map_err(&what)?,
        user_id: UserId(
            user.parse::<uuid::Uuid>().map_err(|e| {
                RepoError::Unavailable(format!("stored session user unreadable: {e}"))
            })?,
        ),
        created_at: instant(row.try_get("created_at").map_err(&what)?)?,
        expires_at: instant(row.try_get("expires_at").map_err(&what)?)?,
        last_seen_at: instant(row.try_get("last_seen_at").map_err(&what)?)?,
    })
}

#[async_trait]
impl SessionRepository for SqlStore {
    async fn create(&self, session: &StaffSession) -> Result<(), RepoError> {
        let done = sqlx::query(&format!(
            "INSERT INTO sessions ({COLUMNS}) VALUES (?, ?, ?, ?, ?)"
        ))
        .bind(session.id_hash.clone())
        .bind(session.user_id.to_string())
        .bind(micros(session.created_at))
        .bind(micros(session.expires_at))
        .bind(micros(session.last_seen_at))
        .execute(&self.write)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(RepoError::NotFound(format!("user {}", session.user_id)))
            }
            Err(e) => Err(repo_error("session")(e)),
        }
    }

    async fn get(&self, id_hash: &str) -> Result<Option<StaffSession>, RepoError> {
        // From the writer: a session created or touched a moment ago must
        // be seen at once (a replica may lag).
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sessions WHERE id_hash = ?"))
            .bind(id_hash.to_string())
            .fetch_optional(&self.write)
            .await
            .map_err(repo_error("session"))?;
        row.as_ref().map(decode).transpose()
    }

    async fn touch(
        &self,
        id_hash: &str,
        last_seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        sqlx::query("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?")
            .bind(micros(last_seen_at))
            .bind(micros(expires_at))
            .bind(id_hash.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("session"))?;
        Ok(())
    }

    async fn delete(&self, id_hash: &str) -> Result<(), RepoError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(id_hash.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("session"))?;
        Ok(())
    }

    async fn delete_for_user(&self, user: UserId) -> Result<u64, RepoError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("session"))?;
        Ok(done.rows_affected())
    }

    async fn purge_expired(&self, now: DateTime<Utc>, limit: u32) -> Result<u64, RepoError> {
        self.purge_expired_sessions(now, limit).await
    }
}
