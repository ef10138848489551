use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::DocumentType;
use crate::ids::{FileId, InterventionId, PartnerId, SignalementId, UserId};

/// Metadata of a stored document or photo (§1.8). The bytes live in the
/// `FileStore`; this is what the database keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileMeta {
    pub id: FileId,
    pub signalement_id: SignalementId,
    pub intervention_id: Option<InterventionId>,
    /// Key in the file store, never shown.
    pub storage_key: String,
    pub title: String,
    pub extension: String,
    pub mime_type: String,
    pub size: u64,
    pub document_type: DocumentType,
    pub desordre_slug: Option<String>,
    pub uploaded_by: Option<UserId>,
    pub partner_id: Option<PartnerId>,
    pub is_visible_for_usager: bool,
    pub created_at: DateTime<Utc>,
}

impl FileMeta {
    /// A partner file was added by a partner; otherwise by the usager.
    pub fn is_partner_file(&self) -> bool {
        self.partner_id.is_some()
    }
}
