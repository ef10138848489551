//! Qualifications of a V2 case (domain.md §5.3, §5.4, rules 26–27): which
//! procedures the désordres suggest (`*_CHECK`, recomputed after every
//! score) and which a visit confirmed (`*_AVEREE`, never recomputed).

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::desordres::{DesordreGrid, DesordrePrecision, PrecisionRef};
use crate::enums::{ProcedureType, Qualification, QualificationStatus};
use crate::nde::{NdeDetails, NdeInput, nde_status};

/// Upper bounds of the score bands deciding insalubrité (rule 26).
const SEUIL_BAS: f64 = 10.0;
const SEUIL_MOYEN: f64 = 30.0;
const SEUIL_HAUT: f64 = 50.0;

/// A qualification of a case (§1.11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalementQualification {
    pub qualification: Qualification,
    pub status: QualificationStatus,
    /// Slugs of the linked précisions that justify it.
    pub precision_slugs: Vec<String>,
    /// Only on NON_DECENCE_ENERGETIQUE.
    pub nde_details: Option<NdeDetails>,
    /// Confirmed by a visit; recomputation never touches it.
    pub is_post_visit: bool,
}

impl SignalementQualification {
    /// Archived qualifications are kept for history but suggest nothing
    /// (partners filter on the others, §5.3).
    pub fn is_active(&self) -> bool {
        self.status != QualificationStatus::Archived
    }
}

/// What the suspected qualifications of a V2 case are computed from.
#[derive(Debug, Clone, Copy)]
pub struct QualificationInput<'a> {
    pub grid: &'a DesordreGrid,
    pub precision_slugs: &'a [String],
    /// The case's score (`score::compute`), already capped.
    pub score: f64,
    /// `infoProcedureAssuranceContactee = 'oui'`.
    pub assurance_contactee: bool,
    /// DPE facts; its DPE class also decides whether NDE applies (class G).
    /// Its `has_desordres` is ignored: it is derived from the précisions.
    pub nde: NdeInput,
}

/// Recomputes the qualifications of a V2 case after its score (§5.3).
///
/// Every suspected (non-post-visit) qualification is archived, then the
/// ones the précisions and the score call for are reactivated, reusing the
/// existing entry of the same qualification so that a case keeps one entry
/// per suspected qualification. Post-visit entries come back unchanged
/// (rule 27). Existing entries keep their order; new ones are appended.
pub fn recompute(
    existing: &[SignalementQualification],
    input: &QualificationInput<'_>,
) -> Vec<SignalementQualification> {
    let mut result = archive_suspected(existing);
    for wanted in suspected(input) {
        upsert_suspected(&mut result, wanted);
    }
    result
}

/// The suspected qualifications a V2 case calls for, all active, in a fixed
/// order (§5.3, rules 26–27).
pub fn suspected(input: &QualificationInput<'_>) -> Vec<SignalementQualification> {
    let linked = input.grid.linked(input.precision_slugs);
    let suggested: HashSet<Qualification> = linked
        .iter()
        .flat_map(|p| p.precision.qualifications.iter().copied())
        .collect();
    let carrying = |q: Qualification| slugs_where(&linked, |p| p.carries(q));
    let mut out = Vec::new();
    let mut add = |qualification, status, precision_slugs| {
        out.push(SignalementQualification {
            qualification,
            status,
            precision_slugs,
            nde_details: None,
            is_post_visit: false,
        });
    };

    for (qualification, status) in [
        (
            Qualification::NonDecence,
            QualificationStatus::NonDecenceCheck,
        ),
        (Qualification::Rsd, QualificationStatus::RsdCheck),
        (Qualification::Salete, QualificationStatus::SaleteCheck),
    ] {
        if suggested.contains(&qualification) {
            add(qualification, status, carrying(qualification));
        }
    }

    let obligatoire = linked.iter().any(|p| p.precision.insalubrite);
    // Insalubrité is justified by the précisions suggesting it and by those
    // making it obligatoire: the latter are why the status is CHECK.
    let insalubrite_slugs = slugs_where(&linked, |p| {
        p.insalubrite || p.carries(Qualification::Insalubrite)
    });
    if let Some(status) = insalubrite_status(input.score, obligatoire) {
        add(Qualification::Insalubrite, status, insalubrite_slugs);
    }
    let band = ScoreBand::of(input.score);
    if band == ScoreBand::Bas
        && suggested.contains(&Qualification::Assurantiel)
        && !input.assurance_contactee
    {
        add(
            Qualification::Assurantiel,
            QualificationStatus::AssurantielCheck,
            carrying(Qualification::Assurantiel),
        );
    }
    if band == ScoreBand::TresHaut && suggested.contains(&Qualification::MiseEnSecuritePeril) {
        add(
            Qualification::MiseEnSecuritePeril,
            QualificationStatus::MiseEnSecuritePerilCheck,
            carrying(Qualification::MiseEnSecuritePeril),
        );
    }

    let suroccupation = slugs_where(&linked, |p| p.suroccupation);
    if !suroccupation.is_empty() {
        add(
            Qualification::Suroccupation,
            QualificationStatus::SuroccupationCheck,
            suroccupation,
        );
    }
    let danger = slugs_where(&linked, |p| p.danger);
    if !danger.is_empty() {
        add(
            Qualification::Danger,
            QualificationStatus::DangerCheck,
            danger,
        );
    }

    let nde_slugs = carrying(Qualification::NonDecenceEnergetique);
    if !nde_slugs.is_empty() || input.nde.is_classe_g() {
        let nde = NdeInput {
            has_desordres: !nde_slugs.is_empty(),
            ..input.nde
        };
        out.push(SignalementQualification {
            qualification: Qualification::NonDecenceEnergetique,
            status: nde_status(&nde),
            precision_slugs: nde_slugs,
            nde_details: Some(nde.details()),
            is_post_visit: false,
        });
    }
    out
}

/// The band of the score that decides insalubrité (rule 26). A score that
/// is not a number counts as the lowest band rather than the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScoreBand {
    /// 0 ≤ s ≤ 10
    Bas,
    /// 10 < s ≤ 30
    Moyen,
    /// 30 < s ≤ 50
    Haut,
    /// s > 50
    TresHaut,
}

impl ScoreBand {
    fn of(score: f64) -> Self {
        if score > SEUIL_HAUT {
            Self::TresHaut
        } else if score > SEUIL_MOYEN {
            Self::Haut
        } else if score > SEUIL_BAS {
            Self::Moyen
        } else {
            Self::Bas
        }
    }
}

/// Insalubrité status by score band (rule 26): a précision flagged
/// insalubrité makes it CHECK whatever the score; between 10 and 30 the
/// lesser "manquement à la salubrité" is suspected otherwise.
fn insalubrite_status(score: f64, obligatoire: bool) -> Option<QualificationStatus> {
    match ScoreBand::of(score) {
        ScoreBand::Bas if !obligatoire => None,
        ScoreBand::Moyen if !obligatoire => Some(QualificationStatus::InsalubriteManquementCheck),
        _ => Some(QualificationStatus::InsalubriteCheck),
    }
}

fn slugs_where(
    linked: &[PrecisionRef<'_>],
    keep: impl Fn(&DesordrePrecision) -> bool,
) -> Vec<String> {
    linked
        .iter()
        .filter(|p| keep(p.precision))
        .map(|p| p.slug().to_string())
        .collect()
}

/// Post-visit entries unchanged, suspected ones archived, at most one
/// suspected entry per qualification (the first one wins).
fn archive_suspected(existing: &[SignalementQualification]) -> Vec<SignalementQualification> {
    let mut seen = HashSet::new();
    existing
        .iter()
        .filter(|q| q.is_post_visit || seen.insert(q.qualification))
        .map(|q| {
            let mut q = q.clone();
            if !q.is_post_visit {
                q.status = QualificationStatus::Archived;
            }
            q
        })
        .collect()
}

/// Reactivates the suspected entry of the same qualification, or adds one.
fn upsert_suspected(list: &mut Vec<SignalementQualification>, wanted: SignalementQualification) {
    match list
        .iter_mut()
        .find(|q| !q.is_post_visit && q.qualification == wanted.qualification)
    {
        Some(entry) => *entry = wanted,
        None => list.push(wanted),
    }
}

/// The confirmed qualifications a concluded visit adds (§5.4): one per
/// procedure that has one, each qualification once.
pub fn post_visit(procedures: &[ProcedureType]) -> Vec<SignalementQualification> {
    let mut seen = HashSet::new();
    procedures
        .iter()
        .filter_map(|p| p.post_visit_qualification())
        .filter(|(qualification, _)| seen.insert(*qualification))
        .map(|(qualification, status)| SignalementQualification {
            qualification,
            status,
            precision_slugs: Vec::new(),
            nde_details: None,
            is_post_visit: true,
        })
        .collect()
}

/// The qualifications partners filter on (§5.3): every non-archived one,
/// suspected or confirmed, each once, in a stable order.
pub fn active_qualifications(
    list: &[SignalementQualification],
) -> impl Iterator<Item = Qualification> + use<> {
    list.iter()
        .filter(|q| q.is_active())
        .map(|q| q.qualification)
        .collect::<BTreeSet<_>>()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desordres::{SUROCCUPATION_ALLOCATAIRE, composition};
    use crate::nde::ClasseEnergetique;
    use QualificationStatus as S;

    /// coef 3, NON_DECENCE + RSD, no flag.
    const PLAIN: &str = "desordres_batiment_proprete_facades";
    /// Danger; NON_DECENCE, RSD, MISE_EN_SECURITE_PERIL.
    const DANGER: &str = "desordres_batiment_securite_toit";
    /// Insalubrité obligatoire; INSALUBRITE.
    const OBLIGATOIRE: &str = composition::SOUS_COMBLES;
    /// Insalubrité obligatoire but does not carry INSALUBRITE.
    const OBLIGATOIRE_SANS_QUALIF: &str = composition::PIECE_UNIQUE_SUPERFICIE;
    /// ASSURANTIEL only.
    const FUITE: &str = "desordres_logement_humidite_tout_details_fuite_oui";
    /// RSD, INSALUBRITE, MISE_EN_SECURITE_PERIL, SALETE.
    const SALE: &str = "desordres_logement_proprete_pieces_tout";
    /// NON_DECENCE, RSD, NON_DECENCE_ENERGETIQUE.
    const CHAUFFAGE: &str = "desordres_logement_chauffage_details_chauffage_KO_pieces_tout";

    fn slugs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn input<'a>(precision_slugs: &'a [String], score: f64) -> QualificationInput<'a> {
        QualificationInput {
            grid: DesordreGrid::reference(),
            precision_slugs,
            score,
            assurance_contactee: false,
            nde: NdeInput::default(),
        }
    }

    fn active(list: &[SignalementQualification]) -> Vec<(Qualification, QualificationStatus)> {
        list.iter()
            .filter(|q| q.is_active())
            .map(|q| (q.qualification, q.status))
            .collect()
    }

    fn status_of(list: &[SignalementQualification], q: Qualification) -> Option<S> {
        list.iter()
            .find(|e| e.qualification == q && !e.is_post_visit && e.is_active())
            .map(|e| e.status)
    }

    fn insalubrite_at(score: f64, precisions: &[&str]) -> Option<S> {
        let slugs = slugs(precisions);
        status_of(
            &recompute(&[], &input(&slugs, score)),
            Qualification::Insalubrite,
        )
    }

    #[test]
    fn score_up_to_10_needs_an_obligatoire_precision() {
        assert_eq!(insalubrite_at(0.0, &[PLAIN]), None);
        assert_eq!(insalubrite_at(10.0, &[PLAIN]), None);
        assert_eq!(
            insalubrite_at(10.0, &[OBLIGATOIRE]),
            Some(S::InsalubriteCheck)
        );
        assert_eq!(
            insalubrite_at(10.0, &[OBLIGATOIRE_SANS_QUALIF]),
            Some(S::InsalubriteCheck)
        );
    }

    #[test]
    fn score_above_10_up_to_30_is_manquement_unless_obligatoire() {
        for score in [10.0001, 30.0] {
            assert_eq!(
                insalubrite_at(score, &[PLAIN]),
                Some(S::InsalubriteManquementCheck)
            );
            assert_eq!(
                insalubrite_at(score, &[PLAIN, OBLIGATOIRE]),
                Some(S::InsalubriteCheck)
            );
        }
    }

    #[test]
    fn score_above_30_up_to_50_is_insalubrite_check() {
        for score in [30.0001, 50.0] {
            assert_eq!(insalubrite_at(score, &[PLAIN]), Some(S::InsalubriteCheck));
        }
    }

    #[test]
    fn peril_only_above_50_and_only_if_suggested() {
        let with_peril = slugs(&[DANGER]);
        let at_50 = recompute(&[], &input(&with_peril, 50.0));
        assert_eq!(status_of(&at_50, Qualification::MiseEnSecuritePeril), None);
        let above = recompute(&[], &input(&with_peril, 50.0001));
        assert_eq!(
            status_of(&above, Qualification::MiseEnSecuritePeril),
            Some(S::MiseEnSecuritePerilCheck)
        );
        assert_eq!(
            status_of(&above, Qualification::Insalubrite),
            Some(S::InsalubriteCheck)
        );
        let without_peril = slugs(&[PLAIN]);
        let above = recompute(&[], &input(&without_peril, 80.0));
        assert_eq!(status_of(&above, Qualification::MiseEnSecuritePeril), None);
        assert_eq!(
            status_of(&above, Qualification::Insalubrite),
            Some(S::InsalubriteCheck)
        );
    }

    #[test]
    fn assurantiel_only_up_to_10_and_if_insurance_not_contacted() {
        let fuite = slugs(&[FUITE]);
        let low = recompute(&[], &input(&fuite, 10.0));
        assert_eq!(
            status_of(&low, Qualification::Assurantiel),
            Some(S::AssurantielCheck)
        );
        let contacted = QualificationInput {
            assurance_contactee: true,
            ..input(&fuite, 10.0)
        };
        assert_eq!(
            status_of(&recompute(&[], &contacted), Qualification::Assurantiel),
            None
        );
        let higher = recompute(&[], &input(&fuite, 10.0001));
        assert_eq!(status_of(&higher, Qualification::Assurantiel), None);
    }

    #[test]
    fn non_decence_rsd_salete_follow_the_precisions() {
        let list = recompute(&[], &input(&slugs(&[SALE]), 0.0));
        assert_eq!(
            active(&list),
            [
                (Qualification::Rsd, S::RsdCheck),
                (Qualification::Salete, S::SaleteCheck),
            ]
        );
        assert!(recompute(&[], &input(&[], 0.0)).is_empty());
    }

    #[test]
    fn each_qualification_stores_the_precisions_carrying_it() {
        let linked = slugs(&[PLAIN, DANGER, SALE, OBLIGATOIRE_SANS_QUALIF]);
        let list = recompute(&[], &input(&linked, 60.0));
        let of = |q: Qualification| {
            list.iter()
                .find(|e| e.qualification == q)
                .map(|e| e.precision_slugs.clone())
                .expect("present")
        };
        assert_eq!(of(Qualification::Danger), slugs(&[DANGER]));
        assert_eq!(of(Qualification::Salete), slugs(&[SALE]));
        assert_eq!(
            of(Qualification::NonDecence),
            slugs(&[PLAIN, DANGER, OBLIGATOIRE_SANS_QUALIF])
        );
        assert_eq!(
            of(Qualification::Insalubrite),
            slugs(&[SALE, OBLIGATOIRE_SANS_QUALIF])
        );
        assert_eq!(
            of(Qualification::MiseEnSecuritePeril),
            slugs(&[DANGER, SALE])
        );
    }

    #[test]
    fn danger_goes_away_with_its_precision() {
        let with = slugs(&[DANGER]);
        let first = recompute(&[], &input(&with, 5.0));
        assert_eq!(
            status_of(&first, Qualification::Danger),
            Some(S::DangerCheck)
        );

        let without = slugs(&[PLAIN]);
        let second = recompute(&first, &input(&without, 5.0));
        assert_eq!(status_of(&second, Qualification::Danger), None);
        assert!(!active_qualifications(&second).any(|q| q == Qualification::Danger));
        let entries = second
            .iter()
            .filter(|e| e.qualification == Qualification::Danger)
            .count();
        assert_eq!(entries, 1, "the entry is archived, not duplicated");
    }

    #[test]
    fn suroccupation_goes_away_with_its_precision() {
        let with = slugs(&[SUROCCUPATION_ALLOCATAIRE]);
        let first = recompute(&[], &input(&with, 0.0));
        assert_eq!(
            status_of(&first, Qualification::Suroccupation),
            Some(S::SuroccupationCheck)
        );
        let second = recompute(&first, &input(&[], 0.0));
        assert_eq!(status_of(&second, Qualification::Suroccupation), None);
        assert!(second.iter().all(|e| !e.is_active()));
    }

    #[test]
    fn an_archived_entry_is_reused_not_duplicated() {
        let linked = slugs(&[DANGER]);
        let first = recompute(&[], &input(&linked, 5.0));
        let archived = recompute(&first, &input(&[], 5.0));
        let again = recompute(&archived, &input(&linked, 5.0));
        assert_eq!(again, first);
    }

    #[test]
    fn duplicate_suspected_entries_collapse_into_one() {
        let stale = SignalementQualification {
            qualification: Qualification::Rsd,
            status: S::RsdCheck,
            precision_slugs: Vec::new(),
            nde_details: None,
            is_post_visit: false,
        };
        let list = recompute(&[stale.clone(), stale], &input(&slugs(&[PLAIN]), 0.0));
        let rsd = list
            .iter()
            .filter(|e| e.qualification == Qualification::Rsd)
            .count();
        assert_eq!(rsd, 1);
    }

    #[test]
    fn post_visit_entries_survive_recomputation() {
        let mut existing = post_visit(&[ProcedureType::Insalubrite, ProcedureType::Rsd]);
        existing.extend(recompute(&[], &input(&slugs(&[PLAIN]), 20.0)));
        let list = recompute(&existing, &input(&[], 0.0));
        let confirmed: Vec<_> = list.iter().filter(|e| e.is_post_visit).cloned().collect();
        assert_eq!(confirmed, existing[..2]);
        assert_eq!(
            active_qualifications(&list).collect::<Vec<_>>(),
            [Qualification::Insalubrite, Qualification::Rsd]
        );
        // The suspected insalubrité sits beside the confirmed one, archived.
        assert!(
            list.iter()
                .any(|e| e.qualification == Qualification::Insalubrite
                    && !e.is_post_visit
                    && e.status == S::Archived)
        );
    }

    #[test]
    fn post_visit_maps_procedures_once() {
        let list = post_visit(&[
            ProcedureType::NonDecence,
            ProcedureType::LogementDecent,
            ProcedureType::MiseEnSecuritePeril,
            ProcedureType::NonDecence,
            ProcedureType::Salete,
        ]);
        let got: Vec<_> = list.iter().map(|e| (e.qualification, e.status)).collect();
        assert_eq!(
            got,
            [
                (Qualification::NonDecence, S::NonDecenceAveree),
                (
                    Qualification::MiseEnSecuritePeril,
                    S::MiseEnSecuritePerilAveree
                ),
            ]
        );
        assert!(list.iter().all(|e| e.is_post_visit));
    }

    #[test]
    fn nde_from_a_precision_with_details_and_status() {
        let linked = slugs(&[CHAUFFAGE]);
        let nde = NdeInput {
            dpe: Some(true),
            consommation: Some(500.0),
            ..NdeInput::default()
        };
        let list = recompute(
            &[],
            &QualificationInput {
                nde,
                ..input(&linked, 1.0)
            },
        );
        let entry = list
            .iter()
            .find(|e| e.qualification == Qualification::NonDecenceEnergetique)
            .expect("NDE present");
        assert_eq!(entry.status, S::NdeAveree);
        assert_eq!(entry.precision_slugs, linked);
        assert_eq!(entry.nde_details, Some(nde.details()));
    }

    #[test]
    fn nde_has_desordres_comes_from_the_precisions() {
        // DPE present, no consumption, not class G: OK without désordres,
        // to check with them, whatever the caller put in has_desordres.
        let nde = NdeInput {
            dpe: Some(true),
            classe_energetique: Some(ClasseEnergetique::C),
            has_desordres: false,
            ..NdeInput::default()
        };
        let linked = slugs(&[CHAUFFAGE]);
        let list = recompute(
            &[],
            &QualificationInput {
                nde,
                ..input(&linked, 1.0)
            },
        );
        assert_eq!(
            status_of(&list, Qualification::NonDecenceEnergetique),
            Some(S::NdeCheck)
        );
        // Class G alone brings the qualification, without désordres.
        let class_g = NdeInput {
            classe_energetique: Some(ClasseEnergetique::G),
            consommation: Some(200.0),
            has_desordres: true,
            ..nde
        };
        let list = recompute(
            &[],
            &QualificationInput {
                nde: class_g,
                ..input(&[], 1.0)
            },
        );
        let entry = list
            .iter()
            .find(|e| e.qualification == Qualification::NonDecenceEnergetique)
            .expect("NDE present");
        assert_eq!(entry.status, S::NdeCheck);
        assert!(entry.precision_slugs.is_empty());
    }

    #[test]
    fn nde_without_precision_nor_class_g_is_archived() {
        let nde = NdeInput {
            dpe: Some(false),
            classe_energetique: Some(ClasseEnergetique::G),
            ..NdeInput::default()
        };
        let first = recompute(
            &[],
            &QualificationInput {
                nde,
                ..input(&[], 1.0)
            },
        );
        assert_eq!(
            status_of(&first, Qualification::NonDecenceEnergetique),
            Some(S::NdeAveree)
        );
        let not_g = NdeInput {
            classe_energetique: Some(ClasseEnergetique::D),
            ..nde
        };
        let second = recompute(
            &first,
            &QualificationInput {
                nde: not_g,
                ..input(&[], 1.0)
            },
        );
        assert_eq!(
            status_of(&second, Qualification::NonDecenceEnergetique),
            None
        );
    }

    #[test]
    fn unknown_slugs_suggest_nothing() {
        assert!(recompute(&[], &input(&slugs(&["nope"]), 0.0)).is_empty());
    }

    #[test]
    fn active_qualifications_are_unique_and_skip_archived() {
        let mut list = post_visit(&[ProcedureType::NonDecence]);
        list.extend(recompute(&[], &input(&slugs(&[PLAIN]), 0.0)));
        list.push(SignalementQualification {
            qualification: Qualification::Danger,
            status: S::Archived,
            precision_slugs: Vec::new(),
            nde_details: None,
            is_post_visit: false,
        });
        assert_eq!(
            active_qualifications(&list).collect::<Vec<_>>(),
            [Qualification::NonDecence, Qualification::Rsd]
        );
    }
}
