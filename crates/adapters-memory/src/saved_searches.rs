//! Saved searches of the back-office list in memory.

use async_trait::async_trait;
use histologe_core::ids::UserId;
use histologe_ports::{RepoError, SavedSearch, SavedSearchRepository};
use uuid::Uuid;

use crate::store::MemoryStore;

#[async_trait]
impl SavedSearchRepository for MemoryStore {
    /// # Errors
    /// `NotFound` for an unknown user, `Duplicate` for a taken id.
    async fn insert(&self, search: &SavedSearch) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.users.contains_key(&search.user_id) {
            return Err(RepoError::NotFound(format!("user {}", search.user_id)));
        }
        if state.saved_searches.iter().any(|s| s.id == search.id) {
            return Err(RepoError::Duplicate(format!("saved search {}", search.id)));
        }
        state.saved_searches.push(search.clone());
        Ok(())
    }

    async fn of_user(&self, user: UserId) -> Result<Vec<SavedSearch>, RepoError> {
        let state = self.shared.state().await?;
        let mut found: Vec<SavedSearch> = state
            .saved_searches
            .iter()
            .filter(|s| s.user_id == user)
            .cloned()
            .collect();
        found.sort_by(|a, b| (&a.name, a.created_at, a.id).cmp(&(&b.name, b.created_at, b.id)));
        Ok(found)
    }

    async fn delete(&self, user: UserId, id: Uuid) -> Result<bool, RepoError> {
        let mut state = self.shared.state().await?;
        let before = state.saved_searches.len();
        state
            .saved_searches
            .retain(|s| !(s.id == id && s.user_id == user));
        Ok(state.saved_searches.len() < before)
    }
}
