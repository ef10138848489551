use serde::{Deserialize, Serialize};

use crate::enums::{AffectationStatus, InterventionStatus, SuiviCategory};
use crate::ids::{AffectationId, PartnerId, UserId};
use crate::model::{Affectation, Intervention, Signalement, Suivi};
use crate::qualification::SignalementQualification;

/// A signalement with everything its rules look at: the unit the workflow
/// changes and a transaction saves as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub signalement: Signalement,
    pub affectations: Vec<Affectation>,
    pub interventions: Vec<Intervention>,
    pub qualifications: Vec<SignalementQualification>,
    /// Read-only snapshot: new suivis are written through events.
    pub suivis: Vec<Suivi>,
    pub subscribers: Vec<UserId>,
}

impl Case {
    pub fn new(signalement: Signalement) -> Self {
        Self {
            signalement,
            affectations: Vec::new(),
            interventions: Vec::new(),
            qualifications: Vec::new(),
            suivis: Vec::new(),
            subscribers: Vec::new(),
        }
    }

    pub fn affectation_of(&self, partner: PartnerId) -> Option<&Affectation> {
        self.affectations.iter().find(|a| a.partner_id == partner)
    }

    pub fn affectation(&self, id: AffectationId) -> Option<&Affectation> {
        self.affectations.iter().find(|a| a.id == id)
    }

    pub(crate) fn affectation_mut(&mut self, id: AffectationId) -> Option<&mut Affectation> {
        self.affectations.iter_mut().find(|a| a.id == id)
    }

    pub fn count_affectations(&self, status: AffectationStatus) -> usize {
        self.affectations
            .iter()
            .filter(|a| a.status == status)
            .count()
    }

    pub fn has_suivi(&self, category: SuiviCategory) -> bool {
        self.suivis
            .iter()
            .any(|s| s.category == category && !s.is_deleted())
    }

    pub fn has_planned_or_done_visit(&self) -> bool {
        self.interventions.iter().any(|i| {
            matches!(
                i.status,
                InterventionStatus::Planned | InterventionStatus::Done
            )
        })
    }
}
