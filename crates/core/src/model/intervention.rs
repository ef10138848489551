use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::{InterventionStatus, InterventionType, ProcedureType};
use crate::ids::{InterventionId, PartnerId, SignalementId, UserId};

/// A visit or an arrêté on a case (domain.md §1.7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervention {
    pub id: InterventionId,
    pub signalement_id: SignalementId,
    pub partner_id: Option<PartnerId>,
    pub intervention_type: InterventionType,
    pub status: InterventionStatus,
    pub scheduled_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserId>,
    pub comment_before_visite: Option<String>,
    /// Conclusion, or why it was cancelled.
    pub details: Option<String>,
    pub concluded_procedures: Vec<ProcedureType>,
    pub occupant_present: Option<bool>,
    pub proprietaire_present: Option<bool>,
    pub notify_usager: bool,
    /// An operator from outside the platform's partners (§1.7), when no
    /// partner does the visit. Older records have none.
    #[serde(default)]
    pub external_operator: Option<String>,
    /// When the usager was reminded of the visit, two days before it
    /// (§7.2): a reminder is sent once.
    #[serde(default)]
    pub reminder_before_sent_at: Option<DateTime<Utc>>,
    /// When the visit's partner was asked for its conclusion, two days
    /// after it: asked once.
    #[serde(default)]
    pub reminder_conclusion_sent_at: Option<DateTime<Utc>>,
}
