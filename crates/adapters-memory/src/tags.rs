//! The territories' étiquettes in memory.

use async_trait::async_trait;
use histologe_core::ids::TagId;
use histologe_core::model::Tag;
use histologe_core::search::fold;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{RepoError, TagRepository};

use crate::store::{MemoryStore, State};

/// Another live tag of the territory with the same label (accents and case
/// aside), as the SQL unique index sees it.
fn label_taken(state: &State, tag: &Tag) -> bool {
    !tag.is_archive
        && state.tags.values().any(|t| {
            t.id != tag.id
                && !t.is_archive
                && t.territory == tag.territory
                && fold(&t.label) == fold(&tag.label)
        })
}

#[async_trait]
impl TagRepository for MemoryStore {
    async fn of_territory(&self, territory: &TerritoryCode) -> Result<Vec<Tag>, RepoError> {
        let state = self.shared.state().await?;
        let mut tags: Vec<Tag> = state
            .tags
            .values()
            .filter(|t| &t.territory == territory && !t.is_archive)
            .cloned()
            .collect();
        tags.sort_by_key(|t| (fold(&t.label), t.id));
        Ok(tags)
    }

    async fn get(&self, id: TagId) -> Result<Option<Tag>, RepoError> {
        Ok(self.shared.state().await?.tags.get(&id).cloned())
    }

    async fn insert(&self, tag: &Tag) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if state.tags.contains_key(&tag.id) || label_taken(&state, tag) {
            return Err(RepoError::Duplicate("tag label".into()));
        }
        if !state.territories.contains_key(&tag.territory) {
            return Err(RepoError::NotFound(format!("territory {}", tag.territory)));
        }
        state.tags.insert(tag.id, tag.clone());
        Ok(())
    }

    async fn update(&self, tag: &Tag) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.tags.contains_key(&tag.id) {
            return Err(RepoError::NotFound(format!("tag {}", tag.id)));
        }
        if label_taken(&state, tag) {
            return Err(RepoError::Duplicate("tag label".into()));
        }
        state.tags.insert(tag.id, tag.clone());
        Ok(())
    }
}
