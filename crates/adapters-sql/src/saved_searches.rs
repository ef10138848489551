//! Saved searches of the back-office list (`saved_searches`, migration 6).

use async_trait::async_trait;
use histologe_core::ids::UserId;
use histologe_ports::{RepoError, SavedSearch, SavedSearchRepository};
use sqlx::Row;
use uuid::Uuid;

use crate::codec::{instant, micros, repo_error, text};
use crate::store::SqlStore;

fn decode(row: &sqlx::any::AnyRow) -> Result<SavedSearch, RepoError> {
    let what = repo_error("saved search");
    let parse = |v: String| {
        v.parse::<Uuid>()
            .map_err(|e| RepoError::Unavailable(format!("saved search id: {e}")))
    };
    Ok(SavedSearch {
        id: parse(text(row, "id").map_err(&what)?)?,
        user_id: UserId(parse(text(row, "user_id").map_err(&what)?)?),
        name: text(row, "name").map_err(&what)?,
        query: text(row, "query").map_err(&what)?,
        created_at: instant(row.try_get("created_at").map_err(&what)?)?,
    })
}

#[async_trait]
impl SavedSearchRepository for SqlStore {
    /// # Errors
    /// `NotFound` for an unknown user, `Duplicate` for a taken id.
    async fn insert(&self, search: &SavedSearch) -> Result<(), RepoError> {
        let done = sqlx::query(
            "INSERT INTO saved_searches (id, user_id, name, query, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(search.id.to_string())
        .bind(search.user_id.to_string())
        .bind(search.name.clone())
        .bind(search.query.clone())
        .bind(micros(search.created_at))
        .execute(&self.write)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(RepoError::NotFound(format!("user {}", search.user_id)))
            }
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(RepoError::Duplicate(format!("saved search {}", search.id)))
            }
            Err(e) => Err(repo_error("saved search")(e)),
        }
    }

    async fn of_user(&self, user: UserId) -> Result<Vec<SavedSearch>, RepoError> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, query, created_at FROM saved_searches WHERE user_id = ? \
             ORDER BY name, created_at, id",
        )
        .bind(user.to_string())
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("saved searches"))?;
        rows.iter().map(decode).collect()
    }

    async fn delete(&self, user: UserId, id: Uuid) -> Result<bool, RepoError> {
        let done = sqlx::query("DELETE FROM saved_searches WHERE id = ? AND user_id = ?")
            .bind(id.to_string())
            .bind(user.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("saved search"))?;
        Ok(done.rows_affected() > 0)
    }
}
