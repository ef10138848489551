use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::{SuiviCategory, SuiviType};
use crate::ids::{FileId, PartnerId, SignalementId, SuiviId, UserId};

/// One entry of a case's timeline (domain.md §1.3): a message, or a trace
/// of an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suivi {
    pub id: SuiviId,
    pub signalement_id: SignalementId,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserId>,
    pub partner_id: Option<PartnerId>,
    /// Label shown as the author ("Suivi automatique", "<partner> : <name>", "OCCUPANT"…).
    pub author_label: String,
    pub description: String,
    pub category: SuiviCategory,
    pub is_visible_for_usager: bool,
    pub is_visible_for_bailleur: bool,
    /// Held during the author's edit window (rule 21).
    pub waiting_notification: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<UserId>,
    pub files: Vec<FileId>,
}

impl Suivi {
    pub fn suivi_type(&self) -> SuiviType {
        self.category.suivi_type()
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// What pages show instead of a deleted suivi's text.
    pub fn deleted_notice(&self) -> Option<String> {
        self.deleted_at.map(|at| {
            format!(
                "Ce suivi a été supprimé par un administrateur le {}",
                crate::time::date_fr(at)
            )
        })
    }
}
