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

    /// Whether such a suivi was ever written, deleted ones included: a
    /// deleted post-closure message still used the usager's one message
    /// (rule 22), a deleted acceptance notice was still sent (rule 16).
    pub fn has_suivi(&self, category: SuiviCategory) -> bool {
        self.suivis.iter().any(|s| s.category == category)
    }

    /// What of the case this actor may be shown. Staff see it whole (the
    /// policy already decided they may see it); an usager sees his public
    /// timeline and none of the secrets or the partners' internals; an API
    /// client sees neither the usager's nor the landlord's access codes.
    pub fn redacted_for(mut self, actor: &crate::actor::Actor) -> Case {
        use crate::actor::Actor;
        match actor {
            Actor::Staff(_) | Actor::System => {}
            Actor::Api(_) => {
                self.signalement.code_suivi.clear();
                self.signalement.login_bailleur.clear();
            }
            Actor::Usager(_) | Actor::Anonymous => {
                self.signalement.login_bailleur.clear();
                self.suivis
                    .retain(|s| s.is_visible_for_usager && !s.is_deleted());
                self.subscribers.clear();
                self.qualifications.clear();
                for a in &mut self.affectations {
                    a.clear_motifs();
                    a.affected_by = None;
                    a.answered_by = None;
                }
            }
        }
        self
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
