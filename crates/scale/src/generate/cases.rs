//! One generated case: a signalement of a real commune with désordres of
//! the grid (score and suspected qualifications computed by the core, as
//! the form would), its affectations, suivis, visit, history and files,
//! all consistent with its status and dated between its creation and now.
//!
//! Cases are built as values, not through the use cases: a million runs of
//! the workflow would take hours, and the point is the volume and shape of
//! the rows, which `SqlStore::bulk_insert` writes exactly as the unit of
//! work does.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use histologe_core::desordres::DesordreGrid;
use histologe_core::enums::{
    AffectationStatus, CreationSource, DebutDesordres, DocumentType, HistoryEvent,
    InterventionStatus, InterventionType, MotifCloture, MotifRefus, OccupantLink, ProcedureType,
    ProfileDeclarant, ProfileOccupant, ProprioType, SignalementStatus, SuiviCategory,
    TravauxMiseEnConformite,
};
use histologe_core::ids::{
    AffectationId, FileId, HistoryEntryId, InterventionId, SignalementId, SuiviId, UserId,
};
use histologe_core::model::{
    Adresse, Affectation, Allocataire, Case, Commune, Declarant, FileMeta, HistoryEntry,
    Intervention, Logement, Occupant, Proprio, Signalement, Suivi,
};
use histologe_core::nde::NdeInput;
use histologe_core::qualification::{QualificationInput, suspected};
use histologe_core::reference::{Reference, landlord_code};
use histologe_core::score;
use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::people::{Staffed, TerritoryPeople};
use super::{case_uuid, random_uuid};
use histologe_demo::catalogue::{
    CLOSING_COMMENTS, NOMS, PARTNER_MESSAGES, PRENOMS, PROPRIETAIRES, SITUATIONS, USAGER_MESSAGES,
    VISIT_CONCLUSIONS,
};

/// Street names found in most French communes.
const STREETS: &[&str] = &[
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "rue Pasteur",
    "place de la Mairie",
    "rue de l'Église",
    "avenue du Général de Gaulle",
    "rue Jules Ferry",
    "boulevard Gambetta",
    "rue du Moulin",
    "chemin des Vignes",
    "rue des Écoles",
    "impasse des Lilas",
    "allée des Tilleuls",
    "rue de la Gare",
    "route Nationale",
    "rue Émile Zola",
    "rue du Stade",
];

/// Approximate populations (millions) of the most populous territories;
/// the others count for 0.4. Reports follow population.
const POPULATION: &[(&str, f64)] = &[
    ("59", 2.6),
    ("75", 2.1),
    ("13", 2.05),
    ("93", 1.65),
    ("33", 1.65),
    ("92", 1.62),
    ("62", 1.46),
    ("31", 1.45),
    ("44", 1.45),
    ("78", 1.45),
    ("77", 1.42),
    ("69A", 1.41),
    ("94", 1.4),
    ("91", 1.3),
    ("38", 1.27),
    ("95", 1.25),
    ("76", 1.25),
    ("34", 1.2),
    ("67", 1.15),
    ("06", 1.1),
    ("35", 1.1),
    ("83", 1.1),
    ("57", 1.05),
    ("974", 0.87),
    ("69", 0.47),
];

/// How many years back the cases go.
pub const YEARS: i64 = 3;

/// Builds the cases one after the other, in creation order, so that
/// references are numbered chronologically in each territory and year.
#[derive(Debug)]
pub struct Factory {
    grid: &'static DesordreGrid,
    slugs: Vec<String>,
    territories: Vec<TerritoryPeople>,
    weights: WeightedIndex<f64>,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    total: u64,
    /// Last number given per (territory index, year).
    numbers: HashMap<(usize, i32), u32>,
}

/// One case and the rows that go with it outside the case.
#[derive(Debug)]
pub struct Generated {
    pub case: Case,
    pub history: Vec<HistoryEntry>,
    pub files: Vec<FileMeta>,
}

fn days(rng: &mut StdRng, min: i64, max: i64) -> Duration {
    Duration::minutes(rng.random_range(min * 1440..=max * 1440))
}

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

impl Factory {
    /// Reports go to the active territories only (the others do not take
    /// any), weighted by population. `numbers` holds the highest numbers
    /// already given when appending.
    pub fn new(
        territories: Vec<TerritoryPeople>,
        numbers: HashMap<(usize, i32), u32>,
        now: DateTime<Utc>,
        total: u64,
    ) -> Result<Factory, String> {
        let weights = territories.iter().map(|t| {
            if !t.is_active {
                return 0.0;
            }
            POPULATION
                .iter()
                .find(|(code, _)| *code == t.code.as_str())
                .map_or(0.4, |(_, p)| *p)
        });
        let weights = WeightedIndex::new(weights)
            .map_err(|e| format!("aucun territoire actif pour les signalements ({e})"))?;
        let grid = DesordreGrid::reference();
        Ok(Factory {
            grid,
            slugs: grid.precisions().map(|p| p.slug().to_string()).collect(),
            territories,
            weights,
            start: now - Duration::days(365 * YEARS),
            now,
            total: total.max(1),
            numbers,
        })
    }

    pub fn territories(&self) -> &[TerritoryPeople] {
        &self.territories
    }

    /// The `i`-th case of the run: its creation date grows with `i`.
    pub fn case(&mut self, rng: &mut StdRng, i: u64) -> Generated {
        let span = (self.now - self.start).num_seconds() as f64;
        let at = (i as f64 + rng.random::<f64>()) / self.total as f64;
        let created_at = self.start + Duration::seconds((span * at) as i64);
        let t = self.weights.sample(rng);
        let year = created_at.year();
        let number = self.numbers.entry((t, year)).or_insert(0);
        *number += 1;
        let reference = Reference::new(year, *number).to_string();
        let territory = &self.territories[t];
        build(
            rng,
            self.grid,
            &self.slugs,
            territory,
            reference,
            created_at,
            self.now,
        )
    }
}

fn status_for(rng: &mut StdRng, age_days: i64) -> SignalementStatus {
    if age_days < 45 && rng.random_bool(0.35) {
        return SignalementStatus::NeedValidation;
    }
    let closed = (age_days as f64 / 365.0 * 0.55).clamp(0.05, 0.8);
    let r: f64 = rng.random();
    if r < 0.06 {
        SignalementStatus::Refused
    } else if r < 0.09 {
        SignalementStatus::Archived
    } else if r < 0.10 {
        SignalementStatus::NeedValidation
    } else if r < 0.10 + closed * 0.9 {
        SignalementStatus::Closed
    } else {
        SignalementStatus::Active
    }
}

fn phone(rng: &mut StdRng) -> String {
    format!(
        "0{} {:02} {:02} {:02} {:02}",
        rng.random_range(6..=7),
        rng.random_range(0..100),
        rng.random_range(0..100),
        rng.random_range(0..100),
        rng.random_range(0..100)
    )
}

fn at_most(t: DateTime<Utc>, limit: DateTime<Utc>) -> DateTime<Utc> {
    if t > limit { limit } else { t }
}

#[allow(clippy::too_many_arguments)]
fn suivi(
    rng: &mut StdRng,
    id: SignalementId,
    at: DateTime<Utc>,
    category: SuiviCategory,
    author: (Option<UserId>, Option<&Staffed>, String),
    description: String,
    visible: bool,
) -> Suivi {
    Suivi {
        id: SuiviId(next_to(rng, id)),
        signalement_id: id,
        created_at: at,
        created_by: author.0,
        partner_id: author.1.map(|s| s.partner.id),
        author_label: author.2,
        description,
        category,
        is_visible_for_usager: visible,
        is_visible_for_bailleur: false,
        waiting_notification: false,
        deleted_at: None,
        deleted_by: None,
        files: Vec::new(),
    }
}

/// An id in the same place of the indexes as the case's own (its first
/// 48 bits are the case's creation time): the rows of a case are written
/// together, so their ids should be near each other too.
fn next_to(rng: &mut StdRng, id: SignalementId) -> uuid::Uuid {
    let b = id.as_uuid().into_bytes();
    let millis = u64::from_be_bytes([0, 0, b[0], b[1], b[2], b[3], b[4], b[5]]);
    uuid::Builder::from_unix_timestamp_millis(millis, &rng.random()).into_uuid()
}

fn staff_author<'a>(
    rng: &mut StdRng,
    s: &'a Staffed,
) -> (Option<UserId>, Option<&'a Staffed>, String) {
    let (id, name) = s
        .agents
        .choose(rng)
        .cloned()
        .unwrap_or((UserId(uuid::Uuid::nil()), String::new()));
    (Some(id), Some(s), format!("{} : {name}", s.partner.nom))
}

fn system_author<'a>() -> (Option<UserId>, Option<&'a Staffed>, String) {
    (None, None, "Suivi automatique".to_string())
}

#[allow(clippy::too_many_lines)]
fn build(
    rng: &mut StdRng,
    grid: &DesordreGrid,
    slugs: &[String],
    territory: &TerritoryPeople,
    reference: String,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Generated {
    let id = SignalementId(case_uuid(rng, created_at));
    let age_days = (now - created_at).num_days();
    let status = status_for(rng, age_days);
    let commune = territory
        .communes
        .choose(rng)
        .cloned()
        .unwrap_or_else(no_commune);

    // Désordres: a situation of the catalogue, sometimes one more précision.
    let situation = SITUATIONS.choose(rng);
    let mut precisions: Vec<String> = situation
        .map(|s| s.precisions.iter().map(|p| p.to_string()).collect())
        .unwrap_or_default();
    if rng.random_bool(0.3)
        && let Some(extra) = slugs.choose(rng)
        && !precisions.contains(extra)
    {
        precisions.push(extra.clone());
    }
    let has_enfants = rng.random_bool(0.35);
    let superficie = f64::from(rng.random_range(12..=110u32));
    let score = score::compute(grid, &precisions, has_enfants);
    let assurance_contactee = rng.random_bool(0.3);
    let nde = NdeInput {
        dpe: Some(rng.random_bool(0.4)),
        date_dernier_dpe: None,
        consommation: None,
        superficie: Some(superficie),
        classe_energetique: None,
        has_desordres: false,
    };
    let qualifications = suspected(&QualificationInput {
        grid,
        precision_slugs: &precisions,
        score: score.score,
        assurance_contactee,
        nde,
    });

    let prenom = pick(rng, PRENOMS).to_string();
    let nom = pick(rng, NOMS).to_string();
    let tiers = rng.random_bool(0.25);
    let occupant = Occupant {
        profile: Some(if rng.random_bool(0.9) {
            ProfileOccupant::Locataire
        } else {
            ProfileOccupant::BailleurOccupant
        }),
        civilite: Some(if rng.random_bool(0.5) { "mme" } else { "mr" }.to_string()),
        nom: Some(nom.clone()),
        prenom: Some(prenom.clone()),
        telephone: Some(phone(rng)),
        email: Some(format!(
            "{}.{}@usagers.histologe.test",
            id.as_uuid().simple(),
            created_at.timestamp()
        )),
        date_naissance: None,
        nb_occupants: Some(rng.random_range(1..=6)),
        has_enfants,
        allocataire: Some(
            *[
                Allocataire::Caf,
                Allocataire::Non,
                Allocataire::Oui,
                Allocataire::Msa,
                Allocataire::Nsp,
            ]
            .choose(rng)
            .unwrap_or(&Allocataire::Nsp),
        ),
        num_allocataire: None,
    };
    let declarant = if tiers {
        Declarant {
            profile: Some(if rng.random_bool(0.7) {
                ProfileDeclarant::TiersParticulier
            } else {
                ProfileDeclarant::TiersPro
            }),
            nom: Some(pick(rng, NOMS).to_string()),
            prenom: Some(pick(rng, PRENOMS).to_string()),
            telephone: Some(phone(rng)),
            email: None,
            structure: None,
            lien_occupant: Some(OccupantLink::Proche),
        }
    } else {
        Declarant {
            profile: Some(ProfileDeclarant::Locataire),
            ..Declarant::default()
        }
    };
    let adresse = Adresse {
        adresse: format!("{} {}", rng.random_range(1..=180), pick(rng, STREETS)),
        code_postal: commune.code_postal.clone(),
        ville: commune.nom.clone(),
        insee: Some(commune.code_insee.clone()),
        etage: Some(rng.random_range(0..=6).to_string()),
        ..Adresse::default()
    };
    let is_social = rng.random_bool(0.3);
    let logement = Logement {
        nature: Some(
            if rng.random_bool(0.75) {
                "appartement"
            } else {
                "maison"
            }
            .to_string(),
        ),
        superficie: Some(superficie),
        nb_pieces: Some(rng.random_range(1..=5)),
        nb_niveaux: Some(1),
        loyer: Some(f64::from(rng.random_range(250..=1100u32))),
        is_bail_en_cours: Some(true),
        date_entree: None,
        annee_construction: Some(rng.random_range(1880..=2015)),
        is_logement_social: Some(is_social),
        is_logement_vacant: false,
        assurance_contactee: Some(assurance_contactee),
        dpe: nde.dpe,
        dpe_date: None,
        dpe_consommation: None,
        dpe_ademe: None,
        dpe_classe: None,
    };
    let proprio = Proprio {
        proprio_type: Some(if rng.random_bool(0.6) {
            ProprioType::Particulier
        } else {
            ProprioType::OrganismeSociete
        }),
        nom: Some(pick(rng, PROPRIETAIRES).to_string()),
        is_averti: Some(rng.random_bool(0.6)),
        ..Proprio::default()
    };

    // Life of the case.
    let validated_at = (status != SignalementStatus::NeedValidation
        && status != SignalementStatus::Refused)
        .then(|| at_most(created_at + days(rng, 0, 6), now));
    let end = match status {
        SignalementStatus::Closed | SignalementStatus::Archived => {
            let age = (now - created_at).num_minutes().max(2);
            created_at + Duration::minutes(rng.random_range(age / 2..age))
        }
        _ => now,
    };
    // A young case closed within days: not before its validation.
    let end = end.max(validated_at.unwrap_or(created_at));
    let closed_at = matches!(
        status,
        SignalementStatus::Closed | SignalementStatus::Archived
    )
    .then_some(end);

    let candidates: Vec<&Staffed> = territory
        .partners
        .iter()
        .filter(|p| {
            p.partner
                .is_localized_for(&territory.code, Some(&commune.code_insee), None)
        })
        .collect();
    let wanted = match status {
        SignalementStatus::Active => {
            if rng.random_bool(0.08) {
                0
            } else {
                rng.random_range(1..=3)
            }
        }
        SignalementStatus::Closed => rng.random_range(1..=3),
        SignalementStatus::Archived => rng.random_range(0..=2),
        _ => 0,
    };
    let chosen: Vec<&Staffed> = candidates.choose_multiple(rng, wanted).copied().collect();

    let mut suivis = Vec::new();
    let mut affectations = Vec::new();
    let mut subscribers = vec![territory.rt];
    let mut interventions = Vec::new();
    let mut files = Vec::new();
    let mut history = vec![HistoryEntry {
        id: HistoryEntryId(case_uuid(rng, created_at)),
        event: HistoryEvent::Create,
        entity_name: "Signalement".into(),
        entity_id: id.as_uuid(),
        changes: serde_json::json!({}),
        signalement_id: Some(id),
        user_id: None,
        created_at,
    }];

    if let Some(validated) = validated_at {
        suivis.push(suivi(
            rng,
            id,
            validated,
            SuiviCategory::SignalementIsActive,
            system_author(),
            "Signalement validé".into(),
            true,
        ));
        history.push(HistoryEntry {
            id: HistoryEntryId(case_uuid(rng, created_at)),
            event: HistoryEvent::Update,
            entity_name: "Signalement".into(),
            entity_id: id.as_uuid(),
            changes: serde_json::json!({"statut": ["NEED_VALIDATION", "ACTIVE"]}),
            signalement_id: Some(id),
            user_id: Some(territory.rt),
            created_at: validated,
        });
    }
    if status == SignalementStatus::Refused {
        let at = at_most(created_at + days(rng, 0, 10), now);
        suivis.push(suivi(
            rng,
            id,
            at,
            SuiviCategory::SignalementIsRefused,
            system_author(),
            "Signalement refusé : hors compétence des partenaires du territoire.".into(),
            true,
        ));
    }

    let start = validated_at.unwrap_or(created_at);
    for partner in &chosen {
        let affected_at = at_most(start + days(rng, 0, 3), end);
        let answer = match status {
            SignalementStatus::Active => {
                let r: f64 = rng.random();
                if r < 0.6 {
                    AffectationStatus::Accepted
                } else if r < 0.85 {
                    AffectationStatus::Wait
                } else if r < 0.95 {
                    AffectationStatus::Refused
                } else {
                    AffectationStatus::Closed
                }
            }
            _ => {
                if rng.random_bool(0.85) {
                    AffectationStatus::Closed
                } else {
                    AffectationStatus::Refused
                }
            }
        };
        let answered_at = (answer != AffectationStatus::Wait)
            .then(|| at_most(affected_at + days(rng, 0, 15), end));
        let agent = partner.agents.choose(rng).map(|(id, _)| *id);
        affectations.push(Affectation {
            id: AffectationId(case_uuid(rng, created_at)),
            signalement_id: id,
            partner_id: partner.partner.id,
            partner_type: partner.partner.partner_type,
            territory: territory.code.clone(),
            status: answer,
            created_at: affected_at,
            affected_by: Some(territory.rt),
            answered_by: answered_at.and(agent),
            answered_at,
            motif_refus: (answer == AffectationStatus::Refused)
                .then_some(MotifRefus::HorsCompetence),
            motif_cloture: (answer == AffectationStatus::Closed)
                .then_some(MotifCloture::TravauxFaitsOuEnCours),
            travaux: (answer == AffectationStatus::Closed).then_some(TravauxMiseEnConformite::Oui),
            precisions_cloture: None,
            is_synchronized: false,
        });
        if let Some(at) = answered_at {
            let category = match answer {
                AffectationStatus::Refused => SuiviCategory::AffectationIsRefused,
                AffectationStatus::Closed => SuiviCategory::AffectationIsClosed,
                _ => SuiviCategory::AffectationIsAccepted,
            };
            let author = staff_author(rng, partner);
            suivis.push(suivi(
                rng,
                id,
                at,
                category,
                author,
                format!("{} : {}", partner.partner.nom, category.label()),
                false,
            ));
            if let Some(agent) = agent.filter(|_| answer == AffectationStatus::Accepted) {
                subscribers.push(agent);
            }
        }
        // A visit by some of the partners that took the case.
        if matches!(
            answer,
            AffectationStatus::Accepted | AffectationStatus::Closed
        ) && interventions.is_empty()
            && rng.random_bool(0.35)
        {
            let from = answered_at.unwrap_or(affected_at);
            let (scheduled_at, visit_status) =
                if status == SignalementStatus::Active && rng.random_bool(0.4) {
                    (now + days(rng, 1, 30), InterventionStatus::Planned)
                } else if rng.random_bool(0.08) {
                    (
                        at_most(from + days(rng, 3, 30), end),
                        InterventionStatus::Canceled,
                    )
                } else {
                    (
                        at_most(from + days(rng, 3, 30), end),
                        InterventionStatus::Done,
                    )
                };
            let visit = Intervention {
                id: InterventionId(case_uuid(rng, created_at)),
                signalement_id: id,
                partner_id: Some(partner.partner.id),
                intervention_type: InterventionType::Visite,
                status: visit_status,
                scheduled_at,
                created_at: from,
                created_by: agent,
                comment_before_visite: None,
                details: (visit_status == InterventionStatus::Done)
                    .then(|| pick(rng, VISIT_CONCLUSIONS).to_string()),
                concluded_procedures: if visit_status == InterventionStatus::Done {
                    vec![
                        *[
                            ProcedureType::NonDecence,
                            ProcedureType::Rsd,
                            ProcedureType::Insalubrite,
                            ProcedureType::LogementDecent,
                        ]
                        .choose(rng)
                        .unwrap_or(&ProcedureType::Autre),
                    ]
                } else {
                    Vec::new()
                },
                occupant_present: (visit_status == InterventionStatus::Done).then_some(true),
                proprietaire_present: (visit_status == InterventionStatus::Done)
                    .then(|| rng.random_bool(0.5)),
                notify_usager: true,
                external_operator: None,
                reminder_before_sent_at: None,
                reminder_conclusion_sent_at: None,
            };
            let author = staff_author(rng, partner);
            suivis.push(suivi(
                rng,
                id,
                from,
                SuiviCategory::InterventionIsCreated,
                author.clone(),
                "Visite programmée".into(),
                true,
            ));
            if visit_status == InterventionStatus::Done {
                suivis.push(suivi(
                    rng,
                    id,
                    scheduled_at,
                    SuiviCategory::InterventionIsDone,
                    author,
                    "Visite effectuée".into(),
                    true,
                ));
                files.push(file(
                    rng,
                    id,
                    scheduled_at,
                    DocumentType::ProcedureRapportDeVisite,
                    Some(visit.id),
                    agent,
                    Some(partner),
                    None,
                ));
            }
            interventions.push(visit);
        }
    }

    // Messages: about five suivis per case in all.
    let messages = match status {
        SignalementStatus::NeedValidation => rng.random_range(0..=1),
        SignalementStatus::Refused => 0,
        SignalementStatus::Archived => rng.random_range(1..=2),
        _ => rng.random_range(0..=3),
    };
    let span = (end - start).num_minutes().max(1);
    for _ in 0..messages {
        let at = start + Duration::minutes(rng.random_range(0..span));
        let from_partner = chosen.choose(rng).filter(|_| rng.random_bool(0.6));
        let s = match from_partner {
            Some(partner) => {
                let author = staff_author(rng, partner);
                let visible = rng.random_bool(0.5);
                let message = pick(rng, PARTNER_MESSAGES).to_string();
                suivi(
                    rng,
                    id,
                    at,
                    SuiviCategory::MessagePartner,
                    author,
                    message,
                    visible,
                )
            }
            None => {
                let message = pick(rng, USAGER_MESSAGES).to_string();
                suivi(
                    rng,
                    id,
                    at,
                    SuiviCategory::MessageUsager,
                    (None, None, "OCCUPANT".to_string()),
                    message,
                    true,
                )
            }
        };
        suivis.push(s);
    }
    if let Some(closed) = closed_at {
        let comment = pick(rng, CLOSING_COMMENTS).to_string();
        suivis.push(suivi(
            rng,
            id,
            closed,
            SuiviCategory::SignalementIsClosed,
            system_author(),
            comment,
            true,
        ));
        history.push(HistoryEntry {
            id: HistoryEntryId(case_uuid(rng, created_at)),
            event: HistoryEvent::Update,
            entity_name: "Signalement".into(),
            entity_id: id.as_uuid(),
            changes: serde_json::json!({"statut": ["ACTIVE", "CLOSED"]}),
            signalement_id: Some(id),
            user_id: Some(territory.rt),
            created_at: closed,
        });
    }
    suivis.sort_by_key(|s| s.created_at);

    // Photos of the usager, with the form.
    if rng.random_bool(0.35) {
        for _ in 0..rng.random_range(1..=3) {
            let slug = precisions.choose(rng).cloned();
            files.push(file(
                rng,
                id,
                created_at,
                DocumentType::PhotoSituation,
                None,
                None,
                None,
                slug,
            ));
        }
    }
    subscribers.sort();
    subscribers.dedup();

    let creation_source = if rng.random_bool(0.85) {
        CreationSource::FormUsagerV2
    } else {
        CreationSource::FormProBo
    };
    let last = suivis.last();
    let signalement = Signalement {
        id,
        reference,
        reference_injonction: None,
        code_suivi: random_uuid(rng).simple().to_string(),
        login_bailleur: landlord_code(rng.random()),
        status,
        territory: territory.code.clone(),
        creation_source,
        is_imported: false,
        created_at,
        created_by: None,
        created_by_partner: None,
        modified_at: last.map(|s| s.created_at),
        validated_at,
        closed_at,
        closed_by: closed_at.map(|_| territory.rt),
        motif_cloture: closed_at.map(|_| MotifCloture::TravauxFaitsOuEnCours),
        com_cloture: None,
        motif_refus: (status == SignalementStatus::Refused).then_some(MotifRefus::HorsCompetence),
        motif_cloture_usager: None,
        is_usager_abandon_procedure: false,
        last_poursuite_request_at: None,
        declarant,
        occupant,
        proprio,
        adresse,
        logement,
        desordre_precisions: precisions,
        debut_desordres: Some(
            *DebutDesordres::ALL
                .choose(rng)
                .unwrap_or(&DebutDesordres::Nsp),
        ),
        details: situation.map(|s| s.details.to_string()).unwrap_or_default(),
        score: score.score,
        score_batiment: score.score_batiment,
        score_logement: score.score_logement,
        is_cgu_accepted: true,
        tags: Vec::new(),
        last_suivi_at: last.map(|s| s.created_at),
        last_suivi_by: last.map(|s| s.author_label.clone()),
        last_suivi_is_visible_for_usager: last.map(|s| s.is_visible_for_usager),
    };
    Generated {
        case: Case {
            signalement,
            affectations,
            interventions,
            qualifications,
            suivis,
            subscribers,
        },
        history,
        files,
    }
}

#[allow(clippy::too_many_arguments)]
fn file(
    rng: &mut StdRng,
    signalement: SignalementId,
    at: DateTime<Utc>,
    document_type: DocumentType,
    intervention: Option<InterventionId>,
    uploaded_by: Option<UserId>,
    partner: Option<&Staffed>,
    desordre_slug: Option<String>,
) -> FileMeta {
    let id = FileId(case_uuid(rng, at));
    let (extension, mime) = if document_type == DocumentType::PhotoSituation {
        ("jpg", "image/jpeg")
    } else {
        ("pdf", "application/pdf")
    };
    FileMeta {
        id,
        signalement_id: signalement,
        intervention_id: intervention,
        storage_key: format!("signalements/{signalement}/{id}.{extension}"),
        title: format!("{}.{extension}", document_type.label()),
        extension: extension.to_string(),
        mime_type: mime.to_string(),
        size: rng.random_range(80_000..4_000_000),
        document_type,
        desordre_slug,
        uploaded_by,
        partner_id: partner.map(|p| p.partner.id),
        is_visible_for_usager: true,
        created_at: at,
    }
}

/// A commune for a territory without any: cannot happen (territories
/// without communes are left out), but a value is cheaper than a panic.
fn no_commune() -> Commune {
    Commune {
        code_postal: String::new(),
        code_insee: String::new(),
        nom: String::new(),
    }
}
