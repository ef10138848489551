//! Saved searches of the back-office list (features.md §2.4): a name and
//! the list's query string, each user's own.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::UserId;
use uuid::Uuid;

use crate::error::RepoError;

/// Longest name of a saved search.
pub const SAVED_SEARCH_NAME_MAX: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearch {
    pub id: Uuid,
    pub user_id: UserId,
    pub name: String,
    /// The list's query string (`statut=ACTIVE&commune=…`), without `?`.
    pub query: String,
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait SavedSearchRepository: Send + Sync {
    /// # Errors
    /// `Duplicate` when the id is taken.
    async fn insert(&self, search: &SavedSearch) -> Result<(), RepoError>;
    /// The user's searches, by name (then creation).
    async fn of_user(&self, user: UserId) -> Result<Vec<SavedSearch>, RepoError>;
    /// Deletes the user's search `id`; false when he has none with this id
    /// (another user's search is never touched).
    async fn delete(&self, user: UserId, id: Uuid) -> Result<bool, RepoError>;
}
