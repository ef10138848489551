//! What the back-office reads beside a case (features.md §2.6): its audit
//! history, for those the policy lets read it, and the other cases at the
//! same address that the reader may see.

use histologe_core::ids::{SignalementId, UserId};
use histologe_core::model::{Case, HistoryEntry, Signalement, User};
use histologe_core::policy::{ListScope, list_scope};
use histologe_core::{Action, Actor, Resource, can};

use crate::app::App;
use crate::error::AppError;

/// At most this many other cases at one address are listed.
pub const SAME_ADDRESS_LIMIT: u32 = 20;

/// One line of a case's history, with the person who made the change when
/// there was one (the platform itself has none).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    pub entry: HistoryEntry,
    pub author: Option<User>,
}

impl App {
    /// The audit entries of the case and of its affectations, oldest first
    /// (`Action::ViewHistory`: the territory's RTs and super admins).
    pub async fn case_history(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<Vec<HistoryLine>, AppError> {
        let case = self.view_case(actor, id).await?;
        can(actor, Action::ViewHistory, Resource::Signalement(&case))?;
        let entries = self.ports.history.of_signalement(id).await?;
        let mut ids: Vec<UserId> = entries.iter().filter_map(|e| e.user_id).collect();
        ids.sort();
        ids.dedup();
        let users = self.ports.users.many(&ids).await?;
        Ok(entries
            .into_iter()
            .map(|entry| HistoryLine {
                author: entry
                    .user_id
                    .and_then(|u| users.iter().find(|x| x.id == u).cloned()),
                entry,
            })
            .collect())
    }

    /// The other cases in the commune of `case` at the same street address
    /// that `actor` may list (`list_scope`), newest first. `case` is one
    /// the actor was shown (`view_case`).
    pub async fn same_address_cases(
        &self,
        actor: &Actor,
        case: &Case,
    ) -> Result<Vec<Signalement>, AppError> {
        let scope = list_scope(actor);
        let s = &case.signalement;
        let Some(insee) = s.adresse.insee.as_deref() else {
            return Ok(Vec::new());
        };
        if scope == ListScope::Nothing {
            return Ok(Vec::new());
        }
        Ok(self
            .ports
            .signalements
            .same_address(&scope, insee, &s.adresse.adresse, s.id, SAME_ADDRESS_LIMIT)
            .await?)
    }
}
