//! A draft of the signalement form, kept on the server at every step so
//! that nothing typed is lost until it is sent as a signalement. A draft
//! of the public form has no owner and is resumed from the personal link
//! e-mailed to the declarant; a draft of the professional form belongs to
//! the agent who began it, and only he sees it ("Mes brouillons").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::DraftStatus;
use crate::form::Answers;
use crate::ids::{DraftId, SignalementId, UserId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalementDraft {
    pub id: DraftId,
    /// Everything typed so far, as typed (valid or not yet).
    pub answers: Answers,
    /// The screen of the form the declarant was on.
    pub current_step: String,
    /// Where the resume link goes, when the declarant gave an address.
    pub email: Option<String>,
    pub status: DraftStatus,
    /// The signalement it became, once sent.
    pub signalement_id: Option<SignalementId>,
    /// The agent whose professional draft it is; `None` for the public
    /// form's drafts. Set when the draft begins, never changed.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SignalementDraft {
    /// Only a draft still being filled in may change or be sent: a sent
    /// draft is the signalement now, an archived one is put away.
    pub fn is_editable(&self) -> bool {
        self.status == DraftStatus::EnCours
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(status: DraftStatus) -> SignalementDraft {
        let at = DateTime::from_timestamp(1_773_136_800, 0).expect("instant");
        SignalementDraft {
            id: DraftId(uuid::Uuid::nil()),
            answers: Answers::from_pairs([("profil", "locataire")]),
            current_step: "adresse_logement".to_string(),
            email: None,
            status,
            signalement_id: None,
            created_by: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn only_a_draft_in_progress_is_editable() {
        assert!(draft(DraftStatus::EnCours).is_editable());
        assert!(!draft(DraftStatus::Envoye).is_editable());
        assert!(!draft(DraftStatus::Archive).is_editable());
    }
}
