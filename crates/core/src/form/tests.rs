//! Tests of the whole form, driven by the reference platform's payloads of
//! six profiles (copied in `testdata/`).

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

use super::payloads::{complete as complete_on, payload_answers};
use super::*;
use crate::creation::{Secrets, build};
use crate::desordres::DesordreGrid;
use crate::enums::ProfileDeclarant;
use crate::ids::SignalementId;
use crate::territory_code::TerritoryCode;

const PAYLOADS: [(&str, &str, ProfileDeclarant); 6] = [
    (
        "locataire",
        include_str!("testdata/locataire.json"),
        ProfileDeclarant::Locataire,
    ),
    (
        "bailleur_occupant",
        include_str!("testdata/bailleur_occupant.json"),
        ProfileDeclarant::BailleurOccupant,
    ),
    (
        "tiers_particulier",
        include_str!("testdata/tiers_particulier.json"),
        ProfileDeclarant::TiersParticulier,
    ),
    (
        "tiers_pro",
        include_str!("testdata/tiers_pro.json"),
        ProfileDeclarant::TiersPro,
    ),
    (
        "service_secours",
        include_str!("testdata/service_secours.json"),
        ProfileDeclarant::ServiceSecours,
    ),
    (
        "bailleur",
        include_str!("testdata/bailleur.json"),
        ProfileDeclarant::Bailleur,
    ),
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

fn form() -> &'static Form {
    Form::reference()
}

fn complete(answers: &mut Answers) -> Vec<String> {
    complete_on(answers, today())
}

fn payload(json: &str) -> serde_json::Map<String, Value> {
    serde_json::from_str(json).expect("payload")
}

#[test]
fn the_reference_form_loads() {
    let form = form();
    assert_eq!(form.first().slug, "introduction");
    let last = form.screens().last().expect("screens");
    assert_eq!(
        (last.slug.as_str(), last.kind),
        (REVIEW_SLUG, ScreenKind::Review)
    );
    for slug in [
        "adresse_logement",
        "signalement_concerne",
        "desordres_batiment",
        "desordres_logement",
        "desordres_logement_eau",
        "desordres_batiment_securite",
        "desordres_description",
    ] {
        assert!(form.screen(slug).is_some(), "{slug}");
    }
    assert!(form.screen("desordres_type_composition_logement").is_none());
}

#[test]
fn a_condition_on_an_unknown_key_or_a_later_key_is_a_load_error() {
    let grid = DesordreGrid::reference();
    let definition = |x_when: &str, y_when: &str| {
        format!(
            r#"{{"screens": [
              {{"slug": "a", "category": "c", "title": "t", "questions": [
                {{"key": "x", "kind": "text", "label": "X", "when": "{x_when}"}},
                {{"key": "y", "kind": "text", "label": "Y", "when": "{y_when}"}}
              ]}},
              {{"slug": "validation_signalement", "category": "c", "title": "t", "kind": "review"}}
            ]}}"#
        )
    };
    let err = Form::from_json(&definition("typo == 'a'", "x == 'a'"), grid).unwrap_err();
    assert!(err.to_string().contains("typo"), "{err}");
    let err = Form::from_json(&definition("y == 'a'", "x == 'a'"), grid).unwrap_err();
    assert!(err.to_string().contains("not asked before"), "{err}");
    let err = Form::from_json(&definition("x == ", "x == 'a'"), grid).unwrap_err();
    assert!(err.to_string().contains("condition"), "{err}");
    assert!(Form::from_json(&definition("not answered(y) or 1 == 1", "x == 'a'"), grid).is_err());
    let form = Form::from_json(
        &definition("1 < 2", "x == 'a'").replace(r#", "when": "1 < 2""#, ""),
        grid,
    )
    .expect("valid definition");
    let shown = |x: &str| {
        let screen = form.first();
        form.visible_questions(screen, &Answers::from_pairs([("x", x)]))
            .len()
    };
    assert_eq!((shown("a"), shown("b")), (2, 1));
}

#[test]
fn screens_follow_the_profile() {
    let form = form();
    let slugs = |profile: &str| -> Vec<String> {
        let answers = Answers::from_pairs([
            ("profil", profile),
            ("signalement_concerne_logement_social_autre_tiers", "non"),
            ("info_procedure_bailleur_prevenu", "oui"),
            ("zone_concernee_zone", "logement"),
            ("desordres_categories_logement", "desordres_logement_eau"),
        ]);
        form.visible_screens(&answers)
            .iter()
            .map(|s| s.slug.clone())
            .collect()
    };
    let locataire = slugs("locataire");
    for slug in [
        "vos_coordonnees_occupant",
        "coordonnees_bailleur",
        "info_procedure_bail",
        "injonction_bailleur",
        "desordres_logement",
        "desordres_logement_eau",
    ] {
        assert!(
            locataire.contains(&slug.to_string()),
            "{slug} in {locataire:?}"
        );
    }
    assert!(!locataire.contains(&"desordres_batiment".to_string()));
    assert!(!locataire.contains(&"vos_coordonnees_tiers".to_string()));
    let bailleur = slugs("bailleur");
    assert!(bailleur.contains(&"coordonnees_occupant".to_string()));
    assert!(!bailleur.contains(&"coordonnees_bailleur".to_string()));
    let secours = slugs("service_secours");
    assert!(!secours.contains(&"logement_social".to_string()));
    assert_eq!(secours.last().map(String::as_str), Some(REVIEW_SLUG));

    let answers = Answers::from_pairs([("profil", "locataire")]);
    assert_eq!(
        form.next("signalement_concerne", &answers)
            .map(|s| s.slug.as_str()),
        Some("vos_coordonnees_occupant")
    );
    assert_eq!(
        form.previous("vos_coordonnees_occupant", &answers)
            .map(|s| s.slug.as_str()),
        Some("signalement_concerne")
    );
    assert_eq!(form.next(REVIEW_SLUG, &answers), None);
}

#[test]
fn merging_a_screen_clears_what_was_unticked() {
    let form = form();
    let screen = form.screen("desordres_logement_eau").expect("screen");
    let mut answers = Answers::from_pairs([
        (
            "desordres_logement_eau",
            "desordres_logement_eau_eau_potable",
        ),
        (
            "desordres_logement_eau",
            "desordres_logement_eau_eau_chaude",
        ),
        ("profil", "locataire"),
    ]);
    let posted = Answers::from_pairs([(
        "desordres_logement_eau",
        "desordres_logement_eau_eau_chaude",
    )]);
    form.merge_screen(screen, &mut answers, &posted);
    assert_eq!(
        answers.values("desordres_logement_eau"),
        ["desordres_logement_eau_eau_chaude"]
    );
    assert_eq!(answers.get("profil"), Some("locataire"));
}

#[test]
fn screen_checks_speak_french() {
    let form = form();
    let composition = form.screen("composition_logement").expect("screen");
    let answers = Answers::from_pairs([
        ("profil", "locataire"),
        ("composition_logement_piece_unique", "plusieurs_pieces"),
        ("composition_logement_nb_pieces", "0"),
        ("composition_logement_superficie", "abc"),
        ("composition_logement_nombre_personnes", "2"),
        ("composition_logement_nombre_enfants", "3"),
    ]);
    let errors = form.validate_screen(composition, &answers);
    let message = |key: &str| {
        errors
            .get(key)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        message("composition_logement_nb_pieces"),
        "Indiquez un nombre supérieur à 0."
    );
    assert!(message("composition_logement_superficie").contains("nombre"));
    assert!(message("composition_logement_nombre_enfants").contains("plus d'enfants"));
    // Shown because there are children, and not answered.
    assert!(errors.get("composition_logement_enfants").is_some());

    let coordonnees = form.screen("vos_coordonnees_occupant").expect("screen");
    let answers = Answers::from_pairs([
        ("profil", "locataire"),
        ("vos_coordonnees_occupant_email", "pas-une-adresse"),
        ("vos_coordonnees_occupant_tel", "12"),
    ]);
    let errors = form.validate_screen(coordonnees, &answers);
    assert_eq!(
        errors
            .get("vos_coordonnees_occupant_nom")
            .map(|e| e.message.as_str()),
        Some("Indiquez votre nom de famille.")
    );
    assert!(errors.get("vos_coordonnees_occupant_email").is_some());
    assert!(errors.get("vos_coordonnees_occupant_tel").is_some());
    assert!(errors.get("vos_coordonnees_occupant_civilite").is_none());

    let adresse = form.screen("adresse_logement").expect("screen");
    let answers = Answers::from_pairs([
        ("adresse_logement_adresse_detail_code_postal", "1300"),
        ("adresse_logement_complement_adresse_etage", "123456"),
    ]);
    let errors = form.validate_screen(adresse, &answers);
    assert!(
        errors
            .get("adresse_logement_adresse_detail_code_postal")
            .is_some()
    );
    assert_eq!(
        errors
            .get("adresse_logement_complement_adresse_etage")
            .map(|e| e.message.as_str()),
        Some("Ce champ ne doit pas dépasser 5 caractères.")
    );
    assert!(
        errors
            .get("adresse_logement_adresse_detail_insee")
            .is_none()
    );
}

#[test]
fn a_precision_is_asked_when_its_critere_is_ticked() {
    let form = form();
    let screen = form.screen("desordres_logement_nuisibles").expect("screen");
    let answers = Answers::from_pairs([(
        "desordres_logement_nuisibles",
        "desordres_logement_nuisibles_cafards",
    )]);
    let keys: Vec<&str> = form
        .visible_questions(screen, &answers)
        .iter()
        .map(|q| q.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "desordres_logement_nuisibles",
            "desordres_logement_nuisibles_cafards_precision"
        ]
    );
    let errors = form.validate_screen(screen, &answers);
    assert!(
        errors
            .get("desordres_logement_nuisibles_cafards_precision")
            .is_some()
    );
}

#[test]
fn every_profile_payload_becomes_a_signalement() {
    let grid = DesordreGrid::reference();
    for (name, json, profile) in PAYLOADS {
        let raw = payload(json);
        let s = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_string);
        let mut answers = payload_answers(json);
        let touched = complete(&mut answers);
        for kept in [
            "vos_coordonnees_occupant_nom",
            "vos_coordonnees_occupant_email",
            "vos_coordonnees_tiers_nom",
            "vos_coordonnees_tiers_email",
            "adresse_logement_adresse_detail_numero",
            "adresse_logement_adresse_detail_code_postal",
            "adresse_logement_adresse_detail_commune",
        ] {
            assert!(
                !(raw.contains_key(kept) && touched.iter().any(|k| k == kept)),
                "{name}: {kept} was refused"
            );
        }
        assert_eq!(
            form().validate_all_on(&answers, Some(today())),
            Ok(()),
            "{name}"
        );
        let outcome = form()
            .to_new_signalement_on(&answers, Some(today()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let new = &outcome.signalement;
        assert_eq!(new.declarant.profile, Some(profile), "{name}");
        if profile.is_tiers() {
            assert_eq!(new.declarant.nom, s("vos_coordonnees_tiers_nom"), "{name}");
            assert_eq!(
                new.declarant.email,
                s("vos_coordonnees_tiers_email"),
                "{name}"
            );
            assert_eq!(new.occupant.nom, s("coordonnees_occupant_nom"), "{name}");
            if raw.contains_key("coordonnees_occupant_email") {
                assert_eq!(
                    new.occupant.email,
                    s("coordonnees_occupant_email"),
                    "{name}"
                );
            }
        } else {
            assert_eq!(
                new.occupant.nom,
                s("vos_coordonnees_occupant_nom"),
                "{name}"
            );
            assert_eq!(
                new.occupant.prenom,
                s("vos_coordonnees_occupant_prenom"),
                "{name}"
            );
            assert_eq!(
                new.occupant.email,
                s("vos_coordonnees_occupant_email"),
                "{name}"
            );
            assert_eq!(new.declarant.email, None, "{name}");
        }
        assert_eq!(
            Some(new.adresse.adresse.clone()),
            s("adresse_logement_adresse_detail_numero"),
            "{name}"
        );
        assert_eq!(
            Some(new.adresse.code_postal.clone()),
            s("adresse_logement_adresse_detail_code_postal")
        );
        assert_eq!(
            Some(new.adresse.ville.clone()),
            s("adresse_logement_adresse_detail_commune")
        );
        assert_eq!(
            new.adresse.insee,
            s("adresse_logement_adresse_detail_insee")
        );
        assert!(!new.desordre_precisions.is_empty(), "{name}");
        assert!(new.is_cgu_accepted);

        let secrets = Secrets {
            id: SignalementId(uuid::Uuid::nil()),
            code_suivi: "code".into(),
            landlord_random: [7; 16],
        };
        let territory = TerritoryCode::parse("13").expect("territory");
        let now = DateTime::from_timestamp(1_780_000_000, 0).expect("now");
        let case = build(territory, new.clone(), secrets, grid, now)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(case.signalement.score > 0.0, "{name}");
    }
}

#[test]
fn the_locataire_payload_keeps_its_desordres_and_details() {
    let mut answers = payload_answers(PAYLOADS[0].1);
    complete(&mut answers);
    let outcome = form()
        .to_new_signalement_on(&answers, Some(today()))
        .expect("outcome");
    let new = outcome.signalement;
    for slug in [
        "desordres_batiment_bruit_interieur",
        "desordres_logement_nuisibles_cafards_details_date_after_movein",
        "desordres_logement_nuisibles_punaises_details_date_after_movein",
        "desordres_logement_electricite_installation_dangereuse",
        "desordres_logement_electricite_manque_prises_details_multiprises_oui",
        // No bathroom in the logement, a collective one: derived.
    ] {
        assert!(
            new.desordre_precisions.iter().any(|p| p == slug),
            "{slug}: {:?}",
            new.desordre_precisions
        );
    }
    assert_eq!(new.proprio.nom.as_deref(), Some("13 HABITAT"));
    assert_eq!(new.proprio.is_averti, Some(true));
    assert_eq!(new.proprio.averti_at, NaiveDate::from_ymd_opt(2024, 11, 1));
    assert_eq!(new.logement.superficie, Some(45.0));
    assert_eq!(new.logement.is_logement_social, Some(true));
    assert_eq!(new.occupant.nb_occupants, Some(3));
    assert!(new.occupant.has_enfants);
    assert_eq!(new.occupant.telephone.as_deref(), Some("+33644784515"));
    assert!(new.details.starts_with("En tant que locataire"));
    assert!(!outcome.wants_injonction);

    let recap = form().recap(&answers);
    let adresse = recap
        .iter()
        .find(|s| s.screen == "adresse_logement")
        .expect("section");
    assert!(adresse.items.iter().any(|(_, v)| v == "Marseille"));
    let profil = recap
        .iter()
        .find(|s| s.screen == "signalement_concerne")
        .expect("section");
    assert!(
        profil
            .items
            .iter()
            .any(|(_, v)| v == "Locataire du logement"),
        "{profil:?}"
    );
    assert!(recap.iter().all(|s| s.screen != REVIEW_SLUG));
}

#[test]
fn answers_left_by_another_profile_are_ignored() {
    let mut answers = payload_answers(PAYLOADS[0].1);
    complete(&mut answers);
    answers.set_one("vos_coordonnees_tiers_nom", "Ancien profil");
    answers.set_one("coordonnees_occupant_email", "autre@exemple.fr");
    answers.set_one("zone_concernee_zone", "logement");
    let new = form()
        .to_new_signalement_on(&answers, Some(today()))
        .expect("outcome")
        .signalement;
    assert_eq!(new.declarant.nom, None);
    assert_eq!(
        new.occupant.email.as_deref(),
        Some("locataire-01@signal-logement.fr")
    );
    // The building's désordres went with the zone.
    assert!(
        !new.desordre_precisions
            .iter()
            .any(|p| p.starts_with("desordres_batiment"))
    );
}

#[test]
fn no_desordre_at_all_is_refused() {
    let mut answers = payload_answers(PAYLOADS[0].1);
    complete(&mut answers);
    answers.set_one("zone_concernee_zone", "batiment_logement");
    answers.remove("desordres_categories_batiment");
    answers.remove("desordres_categories_logement");
    let (slug, errors) = form().validate_all_on(&answers, Some(today())).unwrap_err();
    assert_eq!(slug, "desordres_batiment");
    assert!(errors.get("desordres_categories_batiment").is_some());
    let errors = form().to_new_signalement(&answers).unwrap_err();
    assert!(errors.get("desordres_categories_batiment").is_some());
}

#[test]
fn the_injonction_choice_is_passed_on() {
    let mut answers = payload_answers(PAYLOADS[0].1);
    answers.set_one("signalement_concerne_logement_social_autre_tiers", "non");
    answers.set_one("injonction_bailleur_choice", "oui");
    complete(&mut answers);
    let outcome = form()
        .to_new_signalement_on(&answers, Some(today()))
        .expect("outcome");
    assert!(outcome.wants_injonction);
    assert_eq!(outcome.signalement.logement.is_logement_social, Some(false));
}
