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
    let nde = nde_input(&s.logement);
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

/// What the NDE qualification is decided from: the form's answers, and
/// where the form left the consumption out, the DPE the ADEME's open data
/// holds for the address. Its figure is per m² whatever its date, which
/// is what `Post2023` tells the NDE rule (no division by the surface).
fn nde_input(logement: &crate::model::Logement) -> NdeInput {
    let ademe = logement.dpe_ademe.as_ref();
    let from_ademe = logement.dpe_consommation.is_none()
        && ademe.is_some_and(|d| d.consommation_kwh_m2.is_some());
    let (consommation, date_dernier_dpe) = if from_ademe {
        (
            ademe.and_then(|d| d.consommation_kwh_m2),
            Some(crate::nde::DateDernierDpe::Post2023),
        )
    } else {
        (logement.dpe_consommation, logement.dpe_date)
    };
    NdeInput {
        dpe: logement.dpe.or(from_ademe.then_some(true)),
        date_dernier_dpe,
        consommation,
        superficie: logement.superficie,
        classe_energetique: logement
            .dpe_classe
            .or_else(|| from_ademe.then(|| ademe.and_then(|d| d.classe)).flatten()),
        has_desordres: false,
    }
}
