//! The assessment of a case from its désordres: suroccupation, criticité
//! score and suspected qualifications, always recomputed together and in
//! this order (§5.2: score after suroccupation, qualifications after score).

use crate::desordres::DesordreGrid;
use crate::model::{Allocataire, Case};
use crate::nde::NdeInput;
use crate::qualification::{self, QualificationInput};
use crate::score;
use crate::suroccupation::{self, SuroccupationInput};

pub fn assess(case: &mut Case, grid: &DesordreGrid) {
    let s = &mut case.signalement;
    let allocataire = matches!(
        s.occupant.allocataire,
        Some(Allocataire::Oui | Allocataire::Caf | Allocataire::Msa)
    );
    s.desordre_precisions = suroccupation::reconcile(
        &s.desordre_precisions,
        &SuroccupationInput {
            nb_occupants: s.occupant.nb_occupants,
            allocataire,
            superficie: s.logement.superficie,
            nb_pieces: s.logement.nb_pieces,
        },
    );
    let computed = score::compute(grid, &s.desordre_precisions, s.occupant.has_enfants);
    s.score = computed.score;
    s.score_batiment = computed.score_batiment;
    s.score_logement = computed.score_logement;
    let nde = NdeInput {
        dpe: s.logement.dpe,
        date_dernier_dpe: s.logement.dpe_date,
        consommation: s.logement.dpe_consommation,
        superficie: s.logement.superficie,
        classe_energetique: s.logement.dpe_classe,
        has_desordres: false,
    };
    case.qualifications = qualification::recompute(
        &case.qualifications,
        &QualificationInput {
            grid,
            precision_slugs: &case.signalement.desordre_precisions,
            score: case.signalement.score,
            assurance_contactee: case.signalement.logement.assurance_contactee == Some(true),
            nde,
        },
    );
}
