//! The territories' étiquettes (tags, domain.md §1.9). Which cases carry a
//! tag is kept by the case (`Signalement::tags`); this port keeps the tags
//! themselves.

use async_trait::async_trait;
use histologe_core::ids::TagId;
use histologe_core::model::Tag;
use histologe_core::territory_code::TerritoryCode;

use crate::error::RepoError;

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait TagRepository: Send + Sync {
    /// The territory's tags that are not archived, by label.
    async fn of_territory(&self, territory: &TerritoryCode) -> Result<Vec<Tag>, RepoError>;
    /// Archived or not; `None` when unknown.
    async fn get(&self, id: TagId) -> Result<Option<Tag>, RepoError>;
    /// # Errors
    /// `Duplicate` when a tag of the territory that is not archived has
    /// the same label, whatever its case.
    async fn insert(&self, tag: &Tag) -> Result<(), RepoError>;
    /// Renames or archives. An archived tag frees its label.
    /// # Errors
    /// `Duplicate` as `insert`; `NotFound` when the tag does not exist.
    async fn update(&self, tag: &Tag) -> Result<(), RepoError>;
}
