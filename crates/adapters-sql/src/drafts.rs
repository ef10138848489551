//! Drafts of the public and professional forms: one row per draft, the
//! answers as a JSON object in `answers`. A save is one upsert statement
//! (each engine's own words), so two saves of a new draft at once never
//! collide on its id; the upsert leaves `created_by` as first written.

use async_trait::async_trait;
use histologe_core::enums::DraftStatus;
use histologe_core::ids::{DraftId, SignalementId, UserId};
use histologe_core::model::SignalementDraft;
use histologe_ports::{DraftRepository, RepoError};
use sqlx::{AnyConnection, Row};

use crate::codec::{from_json, instant, micros, opt_text, repo_error, text, to_json};
use crate::store::{Engine, SqlStore};

const COLUMNS: &str = "id, status, email, signalement_id, current_step, answers, created_at, \
                       updated_at, created_by";

/// Inserts the draft or replaces every column but its id.
pub(crate) async fn save(
    conn: &mut AnyConnection,
    engine: Engine,
    draft: &SignalementDraft,
) -> Result<(), RepoError> {
    let upsert = match engine {
        Engine::MySql => {
            "ON DUPLICATE KEY UPDATE status = VALUES(status), email = VALUES(email), \
             signalement_id = VALUES(signalement_id), current_step = VALUES(current_step), \
             answers = VALUES(answers), created_at = VALUES(created_at), updated_at = VALUES(updated_at)"
        }
        Engine::Sqlite => {
            "ON CONFLICT (id) DO UPDATE SET status = excluded.status, email = excluded.email, \
             signalement_id = excluded.signalement_id, current_step = excluded.current_step, \
             answers = excluded.answers, created_at = excluded.created_at, updated_at = excluded.updated_at"
        }
    };
    sqlx::query(&format!(
        "INSERT INTO drafts ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) {upsert}"
    ))
    .bind(draft.id.to_string())
    .bind(draft.status.as_str())
    .bind(draft.email.clone())
    .bind(draft.signalement_id.map(|s| s.to_string()))
    .bind(draft.current_step.clone())
    .bind(to_json(&draft.answers)?)
    .bind(micros(draft.created_at))
    .bind(micros(draft.updated_at))
    .bind(draft.created_by.map(|u| u.to_string()))
    .execute(&mut *conn)
    .await
    .map_err(repo_error("draft"))?;
    Ok(())
}

fn decode(row: &sqlx::any::AnyRow) -> Result<SignalementDraft, RepoError> {
    let what = repo_error("draft");
    let parse_id = |s: String| {
        s.parse::<uuid::Uuid>()
            .map_err(|e| RepoError::Unavailable(format!("stored draft id unreadable: {e}")))
    };
    let status = text(row, "status").map_err(&what)?;
    Ok(SignalementDraft {
        id: DraftId(parse_id(text(row, "id").map_err(&what)?)?),
        answers: from_json(&text(row, "answers").map_err(&what)?)?,
        current_step: text(row, "current_step").map_err(&what)?,
        email: opt_text(row, "email").map_err(&what)?,
        status: DraftStatus::parse(&status).ok_or_else(|| {
            RepoError::Unavailable(format!("stored draft status unknown: {status}"))
        })?,
        signalement_id: opt_text(row, "signalement_id")
            .map_err(&what)?
            .map(parse_id)
            .transpose()?
            .map(SignalementId),
        created_by: opt_text(row, "created_by")
            .map_err(&what)?
            .map(parse_id)
            .transpose()?
            .map(UserId),
        created_at: instant(row.try_get("created_at").map_err(&what)?)?,
        updated_at: instant(row.try_get("updated_at").map_err(&what)?)?,
    })
}

#[async_trait]
impl DraftRepository for SqlStore {
    async fn save(&self, draft: &SignalementDraft) -> Result<(), RepoError> {
        let mut conn = self.write.acquire().await.map_err(repo_error("draft"))?;
        save(&mut conn, self.engine, draft).await
    }

    async fn get(&self, id: DraftId) -> Result<Option<SignalementDraft>, RepoError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM drafts WHERE id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await
            .map_err(repo_error("draft"))?;
        row.as_ref().map(decode).transpose()
    }

    async fn in_progress_of(&self, owner: UserId) -> Result<Vec<SignalementDraft>, RepoError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM drafts WHERE created_by = ? AND status = ? \
             ORDER BY updated_at DESC, id DESC"
        ))
        .bind(owner.to_string())
        .bind(DraftStatus::EnCours.as_str())
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("draft"))?;
        rows.iter().map(decode).collect()
    }

    async fn purge_abandoned(
        &self,
        updated_before: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        self.purge_abandoned_drafts(updated_before, limit).await
    }
}
