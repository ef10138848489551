//! The territories' étiquettes on SQL. Columns only, no JSON `data`: a tag
//! is its four columns.

use async_trait::async_trait;
use histologe_core::ids::TagId;
use histologe_core::model::Tag;
use histologe_core::search::fold;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{RepoError, TagRepository};
use sqlx::Row;

use crate::codec::{flag, repo_error, text};
use crate::store::SqlStore;

const COLUMNS: &str = "id, territory, label, is_archive";

/// What the unique index compares: the folded label of a live tag.
fn label_key(tag: &Tag) -> Option<String> {
    (!tag.is_archive).then(|| fold(tag.label.trim()))
}

fn tag_of(row: &sqlx::any::AnyRow) -> Result<Tag, RepoError> {
    let get = |name: &str| text(row, name).map_err(repo_error("tag"));
    let bad = |e: String| RepoError::Unavailable(format!("stored tag: {e}"));
    let is_archive: i64 = row.try_get("is_archive").map_err(repo_error("tag"))?;
    Ok(Tag {
        id: get("id")?
            .parse::<uuid::Uuid>()
            .map(TagId)
            .map_err(|e| bad(e.to_string()))?,
        territory: TerritoryCode::parse(&get("territory")?).map_err(|e| bad(format!("{e:?}")))?,
        label: get("label")?,
        is_archive: is_archive != 0,
    })
}

#[async_trait]
impl TagRepository for SqlStore {
    async fn of_territory(&self, territory: &TerritoryCode) -> Result<Vec<Tag>, RepoError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM tags WHERE territory = ? AND is_archive = 0 ORDER BY label_key, id"
        ))
        .bind(territory.as_str().to_string())
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("tags"))?;
        rows.iter().map(tag_of).collect()
    }

    async fn get(&self, id: TagId) -> Result<Option<Tag>, RepoError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tags WHERE id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await
            .map_err(repo_error("tag"))?;
        row.as_ref().map(tag_of).transpose()
    }

    async fn insert(&self, tag: &Tag) -> Result<(), RepoError> {
        sqlx::query(
            "INSERT INTO tags (id, territory, label, label_key, is_archive) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(tag.id.to_string())
        .bind(tag.territory.as_str().to_string())
        .bind(tag.label.clone())
        .bind(label_key(tag))
        .bind(flag(tag.is_archive))
        .execute(&self.write)
        .await
        .map_err(repo_error("tag label"))?;
        Ok(())
    }

    async fn update(&self, tag: &Tag) -> Result<(), RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error("tag"))?;
        // MySQL counts changed rows only: existence is asked apart.
        let found = sqlx::query("SELECT 1 AS one FROM tags WHERE id = ?")
            .bind(tag.id.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(repo_error("tag"))?;
        if found.is_none() {
            return Err(RepoError::NotFound(format!("tag {}", tag.id)));
        }
        sqlx::query(
            "UPDATE tags SET territory = ?, label = ?, label_key = ?, is_archive = ? WHERE id = ?",
        )
        .bind(tag.territory.as_str().to_string())
        .bind(tag.label.clone())
        .bind(label_key(tag))
        .bind(flag(tag.is_archive))
        .bind(tag.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(repo_error("tag label"))?;
        tx.commit().await.map_err(repo_error("tag"))
    }
}
