//! Saved searches of the back-office list: a staff member names the
//! current filters (the list's query string) to come back to them; each
//! sees, opens and deletes only his own.

use histologe_core::Actor;
use histologe_core::error::DomainError;
use histologe_core::ids::UserId;
use histologe_core::policy::Refusal;
use histologe_ports::{SAVED_SEARCH_NAME_MAX, SavedSearch};
use uuid::Uuid;

use crate::app::App;
use crate::error::AppError;

/// Longest query string kept (the SQL column's width).
const QUERY_MAX: usize = 2000;

fn owner(actor: &Actor) -> Result<UserId, AppError> {
    actor
        .as_staff()
        .map(|s| s.id)
        .ok_or_else(|| Refusal::OutOfScope.into())
}

impl App {
    /// The actor's saved searches, by name.
    pub async fn saved_searches(&self, actor: &Actor) -> Result<Vec<SavedSearch>, AppError> {
        let user = owner(actor)?;
        Ok(self.ports.saved_searches.of_user(user).await?)
    }

    /// Saves `query` (the list's query string) under `name`.
    ///
    /// # Errors
    /// `Invalid` on `nom` when the name is empty or longer than 50
    /// characters, on `query` when there is no filter to save.
    pub async fn save_search(
        &self,
        actor: &Actor,
        name: &str,
        query: &str,
    ) -> Result<SavedSearch, AppError> {
        let user = owner(actor)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(DomainError::invalid("nom", "Donnez un nom à cette recherche.").into());
        }
        if name.chars().count() > SAVED_SEARCH_NAME_MAX {
            return Err(DomainError::invalid(
                "nom",
                format!("Le nom ne doit pas dépasser {SAVED_SEARCH_NAME_MAX} caractères."),
            )
            .into());
        }
        let query = query.trim().trim_start_matches('?');
        if query.is_empty() || query.len() > QUERY_MAX {
            return Err(DomainError::invalid(
                "query",
                "Choisissez au moins un filtre avant d'enregistrer la recherche.",
            )
            .into());
        }
        let search = SavedSearch {
            id: self.ports.ids.uuid(),
            user_id: user,
            name: name.to_string(),
            query: query.to_string(),
            created_at: self.now(),
        };
        self.ports.saved_searches.insert(&search).await?;
        Ok(search)
    }

    /// Deletes one of the actor's saved searches; another user's (or an
    /// unknown id) is not found.
    pub async fn delete_saved_search(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        let user = owner(actor)?;
        if self.ports.saved_searches.delete(user, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("Recherche"))
        }
    }
}
