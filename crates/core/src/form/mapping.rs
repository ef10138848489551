//! The answers of the form mapped to the domain input ([`NewSignalement`]).
//!
//! Reads the effective answers only (shown questions of shown screens), so
//! a value typed under another profile never reaches the signalement.

use chrono::NaiveDate;

use super::Walk;
use super::answers::Answers;
use super::definition::ScreenKind;
use super::desordres_screens::{self, precision_key};
use super::validate::{self, is_ticked, parse_date, parse_integer, parse_month_year};
use crate::creation::NewSignalement;
use crate::desordres::{DesordreGrid, composition};
use crate::enums::{
    CreationSource, DebutDesordres, DesordreZone, OccupantLink, ProfileDeclarant, ProfileOccupant,
    ProprioType,
};
use crate::model::{Adresse, Allocataire, Declarant, Logement, Occupant, Proprio};
use crate::nde::{ClasseEnergetique, DateDernierDpe};
use crate::validation::{FieldError, Phone, ValidationErrors};

use super::condition::parse_number;

/// What the form gives the submission use case.
#[derive(Debug, Clone, PartialEq)]
pub struct FormOutcome {
    pub signalement: NewSignalement,
    /// The locataire asked for the "démarche accélérée"; eligibility is
    /// decided later (`creation::is_injonction_eligible`).
    pub wants_injonction: bool,
}

pub(crate) fn to_new_signalement(
    walk: &Walk<'_>,
    grid: &DesordreGrid,
    today: Option<NaiveDate>,
) -> Result<FormOutcome, ValidationErrors> {
    // Every shown screen, the review's consents included.
    let mut errors = ValidationErrors::new();
    for (_, questions) in walk.shown() {
        for (key, error) in validate::questions(questions, &walk.effective, today) {
            errors.add(key, error);
        }
    }
    if errors.is_empty()
        && let Err((_, more)) = check_some_desordre(walk, grid)
    {
        errors = more;
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let a = &walk.effective;
    let Some(profile) = a.get("profil").and_then(profile_of) else {
        let mut errors = ValidationErrors::new();
        errors.add("profil", FieldError::new("required", validate::REQUIRED));
        return Err(errors);
    };
    let occupant_profile = match profile {
        ProfileDeclarant::Locataire => Some(ProfileOccupant::Locataire),
        ProfileDeclarant::BailleurOccupant => Some(ProfileOccupant::BailleurOccupant),
        _ => match a.get("signalement_concerne_profil_detail_profil_occupant") {
            Some("locataire") => Some(ProfileOccupant::Locataire),
            Some("bailleur_occupant") => Some(ProfileOccupant::BailleurOccupant),
            _ => None,
        },
    };
    let is_occupant = !profile.is_tiers();

    let (declarant, occupant_contact) = if is_occupant {
        (
            // The occupant is the declarant: his details are the occupant's
            // (two identical e-mails would make two accounts, rule 4).
            Declarant {
                profile: Some(profile),
                ..Declarant::default()
            },
            contact(a, "vos_coordonnees_occupant"),
        )
    } else {
        let (nom, prenom, email, telephone) = contact(a, "vos_coordonnees_tiers");
        let lien_occupant = match profile {
            ProfileDeclarant::TiersParticulier => match a.get("vos_coordonnees_tiers_lien") {
                Some("proche") => Some(OccupantLink::Proche),
                Some("voisin") => Some(OccupantLink::Voisin),
                Some("autre") => Some(OccupantLink::Autre),
                _ => None,
            },
            ProfileDeclarant::TiersPro => Some(OccupantLink::Pro),
            ProfileDeclarant::ServiceSecours => Some(OccupantLink::Secours),
            ProfileDeclarant::Bailleur => Some(OccupantLink::Bailleur),
            _ => None,
        };
        (
            Declarant {
                profile: Some(profile),
                nom,
                prenom,
                telephone,
                email,
                structure: text(a, "vos_coordonnees_tiers_nom_organisme"),
                lien_occupant,
            },
            contact(a, "coordonnees_occupant"),
        )
    };

    let nombre_enfants = a
        .get("composition_logement_nombre_enfants")
        .and_then(parse_integer);
    let occupant = Occupant {
        profile: occupant_profile,
        civilite: text(a, "vos_coordonnees_occupant_civilite"),
        nom: occupant_contact.0,
        prenom: occupant_contact.1,
        email: occupant_contact.2,
        telephone: occupant_contact.3,
        date_naissance: a.get("logement_social_date_naissance").and_then(parse_date),
        nb_occupants: a
            .get("composition_logement_nombre_personnes")
            .and_then(parse_integer),
        has_enfants: nombre_enfants.is_some_and(|n| n > 0),
        allocataire: match a.get("logement_social_allocation") {
            Some("oui") => Some(match a.get("logement_social_allocation_caisse") {
                Some("caf") => Allocataire::Caf,
                Some("msa") => Allocataire::Msa,
                _ => Allocataire::Oui,
            }),
            Some("non") => Some(Allocataire::Non),
            Some("nsp") => Some(Allocataire::Nsp),
            _ => None,
        },
        num_allocataire: text(a, "logement_social_numero_allocataire"),
    };

    let proprio = proprio(a, profile);
    let adresse = Adresse {
        adresse: text(a, "adresse_logement_adresse_detail_numero").unwrap_or_default(),
        code_postal: text(a, "adresse_logement_adresse_detail_code_postal").unwrap_or_default(),
        ville: text(a, "adresse_logement_adresse_detail_commune").unwrap_or_default(),
        insee: text(a, "adresse_logement_adresse_detail_insee"),
        etage: text(a, "adresse_logement_complement_adresse_etage"),
        escalier: text(a, "adresse_logement_complement_adresse_escalier"),
        num_appart: text(a, "adresse_logement_complement_adresse_numero_appartement"),
        complement: text(a, "adresse_logement_complement_adresse_autre"),
        ..Adresse::default()
    };
    let logement = logement(a);

    let signalement = NewSignalement {
        creation_source: CreationSource::FormUsagerV2,
        created_by: None,
        created_by_partner: None,
        declarant,
        occupant,
        proprio,
        adresse,
        logement,
        desordre_precisions: precisions(walk, grid),
        debut_desordres: a
            .get("zone_concernee_debut_desordres")
            .and_then(|v| DebutDesordres::parse(&v.to_uppercase())),
        details: text(a, "message_administration").unwrap_or_default(),
        is_cgu_accepted: a.get("utilisation_service_ok_cgu").is_some_and(is_ticked),
        is_draft: false,
    };
    Ok(FormOutcome {
        signalement,
        wants_injonction: a.get("injonction_bailleur_choice") == Some("oui"),
    })
}

fn profile_of(value: &str) -> Option<ProfileDeclarant> {
    ProfileDeclarant::parse(&value.to_uppercase())
}

fn text(a: &Answers, key: &str) -> Option<String> {
    a.get(key).map(str::to_string)
}

/// A phone as E.164 (already checked by the form).
fn phone(a: &Answers, key: &str) -> Option<String> {
    a.get(key)
        .and_then(|v| Phone::parse(v).ok())
        .map(|p| p.as_e164().to_string())
}

/// `(nom, prenom, email, telephone)` of the `<prefix>_*` questions.
type Contact = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn contact(a: &Answers, prefix: &str) -> Contact {
    (
        text(a, &format!("{prefix}_nom")),
        text(a, &format!("{prefix}_prenom")),
        text(a, &format!("{prefix}_email")),
        phone(a, &format!("{prefix}_tel")),
    )
}

fn proprio_type(value: Option<&str>) -> Option<ProprioType> {
    match value {
        Some("particulier") => Some(ProprioType::Particulier),
        Some("organisme_societe") => Some(ProprioType::OrganismeSociete),
        _ => None,
    }
}

fn proprio(a: &Answers, profile: ProfileDeclarant) -> Proprio {
    match profile {
        // The declarant is the owner: he is the proprio.
        ProfileDeclarant::Bailleur | ProfileDeclarant::BailleurOccupant => {
            let (prefix, detail) = if profile == ProfileDeclarant::Bailleur {
                (
                    "vos_coordonnees_tiers",
                    "signalement_concerne_profil_detail_bailleur_bailleur",
                )
            } else {
                (
                    "vos_coordonnees_occupant",
                    "signalement_concerne_profil_detail_bailleur_proprietaire",
                )
            };
            let (nom, prenom, email, telephone) = contact(a, prefix);
            Proprio {
                proprio_type: proprio_type(a.get(detail)),
                nom,
                prenom,
                denomination: text(a, &format!("{prefix}_nom_organisme")),
                email,
                telephone,
                ..Proprio::default()
            }
        }
        _ => {
            let (nom, prenom, email, telephone) = contact(a, "coordonnees_bailleur");
            Proprio {
                proprio_type: None,
                nom,
                prenom,
                denomination: None,
                adresse: text(a, "coordonnees_bailleur_adresse_detail_numero"),
                code_postal: text(a, "coordonnees_bailleur_adresse_detail_code_postal"),
                ville: text(a, "coordonnees_bailleur_adresse_detail_commune"),
                telephone,
                email,
                is_averti: match a.get("info_procedure_bailleur_prevenu") {
                    Some("oui") => Some(true),
                    Some("non") => Some(false),
                    _ => None,
                },
                averti_at: a.get("info_procedure_bail_date").and_then(parse_month_year),
                bailleur_id: None,
            }
        }
    }
}

fn yes_no(a: &Answers, key: &str) -> Option<bool> {
    match a.get(key) {
        Some("oui") => Some(true),
        Some("non") => Some(false),
        _ => None,
    }
}

fn logement(a: &Answers) -> Logement {
    let nature = match a.get("type_logement_nature") {
        Some("autre") => {
            Some(text(a, "type_logement_nature_autre_precision").unwrap_or_else(|| "autre".into()))
        }
        other => other.map(str::to_string),
    };
    let nb_pieces = match a.get("composition_logement_piece_unique") {
        Some("piece_unique") => Some(1),
        _ => a
            .get("composition_logement_nb_pieces")
            .and_then(parse_integer),
    };
    Logement {
        nature,
        superficie: a
            .get("composition_logement_superficie")
            .and_then(parse_number),
        nb_pieces,
        is_bail_en_cours: yes_no(a, "bail_dpe_bail"),
        date_entree: a.get("bail_dpe_date_emmenagement").and_then(parse_date),
        is_logement_social: yes_no(a, "signalement_concerne_logement_social_autre_tiers")
            .or_else(|| yes_no(a, "signalement_concerne_logement_social_service_secours")),
        assurance_contactee: yes_no(a, "info_procedure_assurance_contactee"),
        dpe: yes_no(a, "bail_dpe_dpe"),
        dpe_date: a
            .get("desordres_logement_chauffage_details_dpe_annee")
            .and_then(DateDernierDpe::parse),
        dpe_classe: a
            .get("bail_dpe_classe_energetique")
            .and_then(ClasseEnergetique::parse),
        ..Logement::default()
    }
}

/// The précisions chosen on the shown désordres screens, then those that
/// follow from the composition answers (as the reference platform derives
/// them rather than asking), in order, without repeats.
pub(crate) fn precisions(walk: &Walk<'_>, grid: &DesordreGrid) -> Vec<String> {
    let a = &walk.effective;
    let mut out: Vec<String> = Vec::new();
    for zone in [DesordreZone::Batiment, DesordreZone::Logement] {
        for (slug, _, criteres) in desordres_screens::categories(grid, zone) {
            if !walk.is_shown(&slug) {
                continue;
            }
            for critere in criteres.iter().filter(|c| a.has(&slug, &c.slug)) {
                let chosen = match critere.precisions.as_slice() {
                    [only] => Some(only.slug.clone()),
                    _ => text(a, &precision_key(&critere.slug)),
                };
                out.extend(chosen);
            }
        }
    }
    let superficie = a
        .get("composition_logement_superficie")
        .and_then(parse_number);
    let derived = [
        (
            a.get("type_logement_sous_comble_sans_fenetre") == Some("oui"),
            composition::SOUS_COMBLES,
        ),
        (
            a.get("type_logement_sous_sol_sans_fenetre") == Some("oui"),
            composition::SOUS_SOL,
        ),
        (
            a.get("composition_logement_piece_unique") == Some("piece_unique")
                && superficie.is_some_and(|s| s < 9.0),
            composition::PIECE_UNIQUE_SUPERFICIE,
        ),
        (
            a.get("composition_logement_piece_unique") == Some("plusieurs_pieces")
                && a.get("type_logement_commodites_piece_a_vivre_9m") == Some("non"),
            composition::AUCUNE_PIECE_9,
        ),
        (
            a.get("type_logement_commodites_cuisine_collective") == Some("oui"),
            composition::CUISINE_COLLECTIVE_OUI,
        ),
        (
            a.get("type_logement_commodites_cuisine_collective") == Some("non"),
            composition::CUISINE_COLLECTIVE_NON,
        ),
        (
            a.get("type_logement_commodites_salle_de_bain_collective") == Some("oui"),
            composition::DOUCHE_COLLECTIVE_OUI,
        ),
        (
            a.get("type_logement_commodites_salle_de_bain_collective") == Some("non"),
            composition::DOUCHE_COLLECTIVE_NON,
        ),
        (
            a.get("type_logement_commodites_wc_collective") == Some("oui"),
            composition::WC_COLLECTIF_OUI,
        ),
        (
            a.get("type_logement_commodites_wc_collective") == Some("non"),
            composition::WC_COLLECTIF_NON,
        ),
        (
            a.get("type_logement_commodites_wc_cuisine") == Some("oui"),
            composition::WC_CUISINE_ENSEMBLE,
        ),
    ];
    out.extend(
        derived
            .into_iter()
            // A revised grid may drop one: never send an unknown slug.
            .filter(|(yes, slug)| *yes && grid.precision(slug).is_some())
            .map(|(_, slug)| slug.to_string()),
    );
    let mut seen = std::collections::HashSet::new();
    out.retain(|slug| seen.insert(slug.clone()));
    out
}

/// A signalement needs one désordre at least (§3.1): reported on the first
/// shown list of catégories.
pub(crate) fn check_some_desordre(
    walk: &Walk<'_>,
    grid: &DesordreGrid,
) -> Result<(), (String, ValidationErrors)> {
    if !precisions(walk, grid).is_empty() {
        return Ok(());
    }
    let first_list = walk
        .shown()
        .map(|(s, _)| s)
        .filter(|s| s.kind == ScreenKind::Questions)
        .find(|s| s.slug == "desordres_batiment" || s.slug == "desordres_logement");
    let (slug, key) = match first_list {
        Some(s) if s.slug == "desordres_batiment" => {
            (s.slug.clone(), "desordres_categories_batiment")
        }
        Some(s) => (s.slug.clone(), "desordres_categories_logement"),
        None => ("zone_concernee".to_string(), "zone_concernee_zone"),
    };
    let mut errors = ValidationErrors::new();
    errors.add(
        key,
        FieldError::new(
            "desordres.none",
            "Indiquez au moins un problème pour pouvoir envoyer le signalement.",
        ),
    );
    Err((slug, errors))
}
