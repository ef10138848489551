use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::{
    AffectationStatus, MotifCloture, MotifRefus, PartnerType, TravauxMiseEnConformite,
};
use crate::ids::{AffectationId, PartnerId, SignalementId, UserId};
use crate::territory_code::TerritoryCode;

/// A signalement handed to one partner (domain.md §1.2). One per
/// (signalement, partner).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affectation {
    pub id: AffectationId,
    pub signalement_id: SignalementId,
    pub partner_id: PartnerId,
    /// Copied from the partner at creation: the Esabora rule depends on it
    /// and must not need another lookup.
    pub partner_type: PartnerType,
    pub territory: TerritoryCode,
    pub status: AffectationStatus,
    pub created_at: DateTime<Utc>,
    pub affected_by: Option<UserId>,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<DateTime<Utc>>,
    pub motif_refus: Option<MotifRefus>,
    pub motif_cloture: Option<MotifCloture>,
    pub travaux: Option<TravauxMiseEnConformite>,
    pub precisions_cloture: Option<String>,
    /// Pushed to an outside case system.
    pub is_synchronized: bool,
}

impl Affectation {
    /// Synchronised with Esabora: answered there, never in our UI (rule 12).
    pub fn is_synchronized_with_esabora(&self) -> bool {
        self.is_synchronized && self.partner_type.is_interconnected()
    }

    /// Rule 14: back to WAIT or ACCEPTED forgets every motif.
    pub(crate) fn clear_motifs(&mut self) {
        self.motif_refus = None;
        self.motif_cloture = None;
        self.travaux = None;
        self.precisions_cloture = None;
    }
}
