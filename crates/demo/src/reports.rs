//! Builds the public-form reports of the demo: a household, a dwelling at a
//! real address, its landlord and a situation, drawn from the catalogue
//! with the seeded generator.

use chrono::NaiveDate;
use histologe_core::creation::NewSignalement;
use histologe_core::enums::{
    CreationSource, DebutDesordres, OccupantLink, ProfileDeclarant, ProprioType,
};
use histologe_core::model::{
    Adresse, Allocataire, Declarant, GeoPoint, Logement, Occupant, Proprio,
};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::catalogue::{NOMS, PRENOMS, PROPRIETAIRES, Situation, Street};

/// Who fills the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declaring {
    Locataire,
    ProprietaireOccupant,
    /// A relative or a neighbour.
    Proche,
    /// A social worker.
    TravailleurSocial,
}

/// The social landlord of a dwelling of the public stock.
#[derive(Debug, Clone, Copy)]
pub struct SocialLandlord<'a> {
    pub name: &'a str,
    pub bailleur_id: &'a str,
}

/// What varies from one report to the next.
#[derive(Debug, Clone, Copy)]
pub struct ReportSpec<'a> {
    pub number: usize,
    pub street: &'a Street,
    pub situation: &'a Situation,
    pub declaring: Declaring,
    /// `Some` for a dwelling of the public stock.
    pub social: Option<SocialLandlord<'a>>,
    pub allocataire: Allocataire,
}

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

/// Lower-case ASCII for the local part of a demo e-mail address.
fn ascii_slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' | 'À' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' => Some('e'),
            'î' | 'ï' => Some('i'),
            'ô' | 'ö' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            ' ' | '-' | '\'' => Some('-'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn phone(rng: &mut StdRng) -> String {
    let first = if rng.random_bool(0.5) { 6 } else { 7 };
    format!("+33{first}{:08}", rng.random_range(0..100_000_000u32))
}

/// Addresses of the demo are at `.test`, a domain that never receives mail.
fn usager_email(prenom: &str, nom: &str, number: usize) -> String {
    format!(
        "{}.{}.{number}@usagers.histologe.test",
        ascii_slug(prenom),
        ascii_slug(nom)
    )
}

/// The report of `spec`, as the public form (V2) would file it.
pub fn new_signalement(rng: &mut StdRng, spec: &ReportSpec<'_>) -> NewSignalement {
    let street = spec.street;
    let prenom = pick(rng, PRENOMS);
    let nom = pick(rng, NOMS);
    let nb_occupants = rng.random_range(1..=6u32);
    let has_enfants = nb_occupants > 2 && rng.random_bool(0.7);
    let nature = if rng.random_bool(0.8) {
        "appartement"
    } else {
        "maison"
    };
    let nb_pieces = rng.random_range(1..=4u32);
    let superficie = f64::from(nb_pieces * 14 + rng.random_range(0..15u32));
    let entree_year = rng.random_range(2008..=2024);
    let date_entree = NaiveDate::from_ymd_opt(entree_year, rng.random_range(1..=12), 1);

    let occupant_email = usager_email(prenom, nom, spec.number);
    let mut occupant = Occupant {
        civilite: Some(if rng.random_bool(0.6) { "mme" } else { "m" }.to_string()),
        nom: Some(nom.to_string()),
        prenom: Some(prenom.to_string()),
        telephone: Some(phone(rng)),
        email: Some(occupant_email),
        date_naissance: NaiveDate::from_ymd_opt(
            rng.random_range(1945..=2002),
            rng.random_range(1..=12),
            rng.random_range(1..=28),
        ),
        nb_occupants: Some(nb_occupants),
        has_enfants,
        allocataire: Some(spec.allocataire),
        num_allocataire: matches!(spec.allocataire, Allocataire::Caf | Allocataire::Msa)
            .then(|| format!("{:07}", rng.random_range(0..10_000_000u32))),
        ..Occupant::default()
    };

    let declarant = match spec.declaring {
        Declaring::Locataire => Declarant {
            profile: Some(ProfileDeclarant::Locataire),
            ..Declarant::default()
        },
        Declaring::ProprietaireOccupant => Declarant {
            profile: Some(ProfileDeclarant::BailleurOccupant),
            ..Declarant::default()
        },
        Declaring::Proche => {
            let prenom = pick(rng, PRENOMS);
            Declarant {
                profile: Some(ProfileDeclarant::TiersParticulier),
                nom: Some(nom.to_string()),
                prenom: Some(prenom.to_string()),
                telephone: Some(phone(rng)),
                email: Some(usager_email(prenom, nom, spec.number + 10_000)),
                structure: None,
                lien_occupant: Some(OccupantLink::Proche),
            }
        }
        Declaring::TravailleurSocial => {
            let (prenom, nom_ts) = (pick(rng, PRENOMS), pick(rng, NOMS));
            // The occupant of a social worker's report often has no e-mail.
            occupant.email = None;
            Declarant {
                profile: Some(ProfileDeclarant::TiersPro),
                nom: Some(nom_ts.to_string()),
                prenom: Some(prenom.to_string()),
                telephone: Some(phone(rng)),
                email: Some(format!(
                    "{}.{}@ccas.histologe.test",
                    ascii_slug(prenom),
                    ascii_slug(nom_ts)
                )),
                structure: Some(format!("Maison des solidarités de {}", street.ville)),
                lien_occupant: Some(OccupantLink::Pro),
            }
        }
    };

    let proprio = match (spec.declaring, spec.social) {
        (Declaring::ProprietaireOccupant, _) => Proprio {
            proprio_type: Some(ProprioType::Particulier),
            nom: Some(nom.to_string()),
            prenom: Some(prenom.to_string()),
            ..Proprio::default()
        },
        (_, Some(landlord)) => Proprio {
            proprio_type: Some(ProprioType::OrganismeSociete),
            denomination: Some(landlord.name.to_string()),
            nom: Some(landlord.name.to_string()),
            email: Some(format!(
                "reclamations@{}.histologe.test",
                ascii_slug(landlord.bailleur_id)
            )),
            is_averti: Some(true),
            bailleur_id: Some(landlord.bailleur_id.to_string()),
            ..Proprio::default()
        },
        (_, None) => {
            let company = rng.random_bool(0.4);
            let (nom_p, prenom_p) = if company {
                (pick(rng, PROPRIETAIRES).to_string(), None)
            } else {
                (
                    pick(rng, NOMS).to_string(),
                    Some(pick(rng, PRENOMS).to_string()),
                )
            };
            Proprio {
                proprio_type: Some(if company {
                    ProprioType::OrganismeSociete
                } else {
                    ProprioType::Particulier
                }),
                denomination: company.then(|| nom_p.clone()),
                email: Some(format!(
                    "proprietaire.{}@bailleurs.histologe.test",
                    spec.number
                )),
                telephone: Some(phone(rng)),
                adresse: Some(format!(
                    "{} {} {} {}",
                    rng.random_range(1..60u32),
                    pick(rng, &["avenue du Prado", "cours Lafayette", "rue Judaïque"]),
                    street.code_postal,
                    street.ville
                )),
                nom: Some(nom_p),
                prenom: prenom_p,
                is_averti: Some(rng.random_bool(0.7)),
                ..Proprio::default()
            }
        }
    };

    let jitter = |rng: &mut StdRng| rng.random_range(-0.0015..0.0015);
    NewSignalement {
        creation_source: CreationSource::FormUsagerV2,
        created_by: None,
        created_by_partner: None,
        declarant,
        occupant,
        proprio,
        adresse: Adresse {
            adresse: format!("{} {}", rng.random_range(1..140u32), street.name),
            code_postal: street.code_postal.to_string(),
            ville: street.ville.to_string(),
            insee: Some(street.insee.to_string()),
            etage: (nature == "appartement").then(|| rng.random_range(0..8u32).to_string()),
            escalier: None,
            num_appart: (nature == "appartement").then(|| rng.random_range(1..40u32).to_string()),
            complement: None,
            geoloc: Some(GeoPoint {
                lat: street.lat + jitter(rng),
                lng: street.lng + jitter(rng),
            }),
            ban_id: None,
            rnb_id: None,
            a_verifier: false,
        },
        logement: Logement {
            nature: Some(nature.to_string()),
            superficie: Some(superficie),
            nb_pieces: Some(nb_pieces),
            nb_niveaux: Some(if nature == "maison" { 2 } else { 1 }),
            loyer: (spec.declaring != Declaring::ProprietaireOccupant)
                .then(|| f64::from(rng.random_range(35..95u32) * 10)),
            is_bail_en_cours: Some(spec.declaring != Declaring::ProprietaireOccupant),
            date_entree,
            annee_construction: Some(rng.random_range(1880..=1985)),
            is_logement_social: Some(spec.social.is_some()),
            is_logement_vacant: false,
            assurance_contactee: Some(rng.random_bool(0.3)),
            ..Logement::default()
        },
        desordre_precisions: spec
            .situation
            .precisions
            .iter()
            .map(|s| s.to_string())
            .collect(),
        debut_desordres: Some(
            *[
                DebutDesordres::Months1To6,
                DebutDesordres::Months6To12,
                DebutDesordres::Years1To2,
                DebutDesordres::More2Years,
            ]
            .choose(rng)
            .unwrap_or(&DebutDesordres::Nsp),
        ),
        details: spec.situation.details.to_string(),
        is_cgu_accepted: true,
        is_draft: false,
    }
}

/// A tenant of the private stock whose landlord knows of the problems and
/// can be reached: the profile the landlord injunction procedure is for.
pub fn injonction_candidate(rng: &mut StdRng, spec: &ReportSpec<'_>) -> NewSignalement {
    let mut report = new_signalement(
        rng,
        &ReportSpec {
            declaring: Declaring::Locataire,
            social: None,
            ..*spec
        },
    );
    report.proprio.is_averti = Some(true);
    report.proprio.averti_at = NaiveDate::from_ymd_opt(2025, 9, 15);
    report
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::catalogue::{SITUATIONS, STREETS_13};

    #[test]
    fn e_mail_local_parts_are_plain_ascii() {
        assert_eq!(ascii_slug("Élodie"), "elodie");
        assert_eq!(ascii_slug("Da Silva"), "da-silva");
        assert_eq!(ascii_slug("Aïcha"), "aicha");
    }

    #[test]
    fn a_report_has_its_commune_and_a_contact() {
        let mut rng = StdRng::seed_from_u64(1);
        for declaring in [
            Declaring::Locataire,
            Declaring::ProprietaireOccupant,
            Declaring::Proche,
            Declaring::TravailleurSocial,
        ] {
            let r = new_signalement(
                &mut rng,
                &ReportSpec {
                    number: 3,
                    street: &STREETS_13[0],
                    situation: &SITUATIONS[0],
                    declaring,
                    social: None,
                    allocataire: Allocataire::Caf,
                },
            );
            assert_eq!(r.adresse.insee.as_deref(), Some("13202"));
            assert!(r.occupant.email.is_some() || r.declarant.email.is_some());
            assert!(r.adresse.geoloc.is_some());
        }
    }
}
