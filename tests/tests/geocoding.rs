//! A report filed without a point is located by the geocoding job, then
//! routed (issue 13): the rules run once the BAN answered surely; an
//! uncertain address is flagged and handed to the territory's admins; a
//! BAN down is retried, then given up on so that the case is never left
//! unrouted. The DPE of the address fills the NDE qualification. On the
//! memory adapters; the HTTP adapters have their own wiremock tests.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::{World, form, t};
use histologe_adapters_memory::{MemoryAddressLookup, MemoryEnergyLookup};
use histologe_application::jobs::{RunOutcome, Runner};
use histologe_application::{App, Settings};
use histologe_core::enums::{
    NotificationType, PartnerType, ProfileDeclarant, Qualification, QualificationStatus,
    SignalementStatus,
};
use histologe_core::geocoding::{AddressCandidate, AddressEdit};
use histologe_core::ids::AutoAffectationRuleId;
use histologe_core::model::{
    AutoAffectationRule, Case, GeoPoint, RuleAllocataire, RuleParc, RuleProfile, RuleStatus,
};
use histologe_ports::{DpeInfo, HistoryRepository, JobQueue, Lookups, NotificationRepository};

const PHOCEENS: GeoPoint = GeoPoint {
    lat: 43.300_61,
    lng: 5.370_25,
};

fn candidate(score: f64, insee: &str) -> AddressCandidate {
    AddressCandidate {
        label: "33 Rue des Phocéens 13002 Marseille".into(),
        street: "33 Rue des Phocéens".into(),
        postcode: "13002".into(),
        city: "Marseille".into(),
        insee: insee.into(),
        ban_id: "13202_7125_00033".into(),
        point: PHOCEENS,
        score,
    }
}

struct Geo {
    world: World,
    app: App,
    runner: Runner,
    ban: Arc<MemoryAddressLookup>,
}

/// The common world with a BAN answering `candidates`, the DPE base of
/// `energy`, and the SCHS's rule for the private stock.
async fn geo(candidates: Vec<AddressCandidate>, energy: Option<Arc<MemoryEnergyLookup>>) -> Geo {
    let world = World::new().await;
    world
        .add_rule(AutoAffectationRule {
            id: AutoAffectationRuleId(uuid::Uuid::new_v4()),
            territory: t("13"),
            status: RuleStatus::Active,
            partner_type: PartnerType::CommuneSchs,
            profile_declarant: RuleProfile::Exactly(ProfileDeclarant::Locataire),
            insee_to_include: Vec::new(),
            insee_to_exclude: Vec::new(),
            partner_to_exclude: Vec::new(),
            parc: RuleParc::Prive,
            allocataire: RuleAllocataire::All,
            procedures_suspectees: Vec::new(),
        })
        .await;
    let ban = Arc::new(MemoryAddressLookup::new(candidates));
    let mut ports = world.ports.clone();
    ports.lookups = Lookups {
        addresses: Some(ban.clone()),
        buildings: None,
        energy: energy.map(|e| e as _),
    };
    let app = App::new(ports, Settings::default());
    let runner = Runner::new(app.clone(), "https://histologe.test");
    Geo {
        world,
        app,
        runner,
        ban,
    }
}

/// As the public form files it: no point.
async fn file(geo: &Geo) -> Case {
    let mut f = form();
    f.adresse.geoloc = None;
    let shown = geo
        .app
        .submit_signalement(&histologe_core::Actor::Anonymous, f, false)
        .await
        .expect("submitted");
    geo.world.case(shown.signalement.id).await
}

async fn history_text(geo: &Geo, case: &Case) -> String {
    let lines = HistoryRepository::of_signalement(geo.world.store.as_ref(), case.signalement.id)
        .await
        .expect("history");
    serde_json::to_string(&lines.iter().map(|l| &l.changes).collect::<Vec<_>>()).expect("json")
}

async fn admins_told(geo: &Geo) -> bool {
    geo.world
        .store
        .of_user(geo.world.people.rt.id)
        .await
        .expect("notifications")
        .iter()
        .any(|n| n.notification_type == NotificationType::NouveauSignalement)
}

#[tokio::test]
async fn a_sure_address_is_located_then_auto_affected() {
    let geo = geo(vec![candidate(0.97, "13202")], None).await;
    let filed = file(&geo).await;
    assert_eq!(filed.signalement.status, SignalementStatus::NeedValidation);
    assert!(
        filed.affectations.is_empty(),
        "the rules wait for the point"
    );
    assert!(
        !admins_told(&geo).await,
        "nobody is asked before the job ran"
    );

    let outcomes = geo.runner.drain().await.expect("jobs");
    assert!(!outcomes.iter().any(|o| matches!(o, RunOutcome::Dead(_))));
    let case = geo.world.case(filed.signalement.id).await;
    let adresse = &case.signalement.adresse;
    assert_eq!(adresse.geoloc, Some(PHOCEENS), "on the map");
    assert_eq!(adresse.ban_id.as_deref(), Some("13202_7125_00033"));
    assert_eq!(adresse.insee.as_deref(), Some("13202"));
    assert!(!adresse.a_verifier);
    assert_eq!(
        case.signalement.status,
        SignalementStatus::Active,
        "auto-validated"
    );
    assert_eq!(case.affectations.len(), 1);
    assert_eq!(case.affectations[0].partner_id, geo.world.partners.schs.id);
    let history = history_text(&geo, &case).await;
    assert!(
        history.contains("adresse trouvée dans la Base Adresse Nationale (score 0,97)"),
        "{history}"
    );
}

#[tokio::test]
async fn a_ban_down_at_first_is_retried_and_the_case_routed_once_it_answers() {
    let geo = geo(vec![candidate(0.97, "13202")], None).await;
    geo.ban.set_unavailable(true);
    let filed = file(&geo).await;
    let outcomes = geo.runner.drain().await.expect("jobs");
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, RunOutcome::Retry(_)))
            .count(),
        1,
        "the geocoding job is retried later: {outcomes:?}"
    );
    let saved = geo.world.case(filed.signalement.id).await;
    assert_eq!(
        saved.signalement.status,
        SignalementStatus::NeedValidation,
        "saved as it was"
    );
    assert!(saved.signalement.adresse.geoloc.is_none());

    geo.ban.set_unavailable(false);
    geo.world.advance(Duration::minutes(2));
    geo.runner.drain().await.expect("jobs");
    let case = geo.world.case(filed.signalement.id).await;
    assert_eq!(case.signalement.status, SignalementStatus::Active);
    assert_eq!(
        case.affectations.len(),
        1,
        "auto-affected once the BAN answered"
    );
    assert!(!admins_told(&geo).await);
}

#[tokio::test]
async fn a_ban_down_for_good_hands_the_case_to_the_admins() {
    let geo = geo(vec![candidate(0.97, "13202")], None).await;
    geo.ban.set_unavailable(true);
    let filed = file(&geo).await;
    for _ in 0..8 {
        geo.runner.drain().await.expect("jobs");
        geo.world.advance(Duration::minutes(20));
    }
    let jobs = geo.world.store.all().await.expect("jobs");
    assert!(
        jobs.iter()
            .all(|j| j.status == histologe_ports::JobStatus::Done),
        "given up on, not dead: {jobs:?}"
    );
    let case = geo.world.case(filed.signalement.id).await;
    assert!(case.signalement.adresse.a_verifier, "flagged for an agent");
    assert!(case.affectations.is_empty());
    assert!(admins_told(&geo).await, "the admins route it by hand");
    assert!(history_text(&geo, &case).await.contains("n'a pas répondu"));
}

#[tokio::test]
async fn an_uncertain_address_is_flagged_and_the_rules_wait() {
    let geo = geo(vec![candidate(0.62, "13202")], None).await;
    let filed = file(&geo).await;
    geo.runner.drain().await.expect("jobs");
    let case = geo.world.case(filed.signalement.id).await;
    assert!(case.signalement.adresse.a_verifier);
    assert!(
        case.signalement.adresse.geoloc.is_none(),
        "no doubtful point on the map"
    );
    assert_eq!(case.signalement.status, SignalementStatus::NeedValidation);
    assert!(case.affectations.is_empty(), "auto-affectation skipped");
    assert!(admins_told(&geo).await);
    let history = history_text(&geo, &case).await;
    assert!(
        history.contains("score 0,62, il faut plus de 0,90"),
        "{history}"
    );
    assert!(
        history.contains("l'adresse est à vérifier par un agent"),
        "{history}"
    );
}

#[tokio::test]
async fn a_sure_address_in_another_territory_is_flagged_not_moved() {
    // The BAN puts it in Lyon (69): the case stays in the 13.
    let geo = geo(vec![candidate(0.95, "69382")], None).await;
    let filed = file(&geo).await;
    geo.runner.drain().await.expect("jobs");
    let case = geo.world.case(filed.signalement.id).await;
    assert_eq!(case.signalement.territory, t("13"));
    assert_eq!(case.signalement.adresse.insee.as_deref(), Some("13202"));
    assert!(case.signalement.adresse.a_verifier);
    assert!(
        history_text(&geo, &case)
            .await
            .contains("autre territoire (code INSEE 69382)")
    );
}

#[tokio::test]
async fn the_dpe_of_the_address_decides_the_nde_the_form_left_open() {
    let energy = Arc::new(MemoryEnergyLookup::new());
    energy.insert(
        "13202_7125_00033",
        vec![DpeInfo {
            numero_dpe: "2313E0312802V".into(),
            classe: "F".into(),
            consommation_kwh_m2: Some(478.6),
            date: chrono::NaiveDate::from_ymd_opt(2023, 5, 12),
        }],
    );
    let geo = geo(vec![candidate(0.97, "13202")], Some(energy)).await;
    let mut f = form();
    f.adresse.geoloc = None;
    f.desordre_precisions
        .push("desordres_logement_chauffage_details_chauffage_KO_pieces_tout".into());
    let shown = geo
        .app
        .submit_signalement(&histologe_core::Actor::Anonymous, f, false)
        .await
        .expect("submitted");
    let nde = |case: &Case| {
        case.qualifications
            .iter()
            .find(|q| q.qualification == Qualification::NonDecenceEnergetique)
            .map(|q| q.status)
    };
    let filed = geo.world.case(shown.signalement.id).await;
    assert_eq!(
        nde(&filed),
        Some(QualificationStatus::NdeCheck),
        "the form did not ask"
    );

    geo.runner.drain().await.expect("jobs");
    let case = geo.world.case(shown.signalement.id).await;
    let dpe = case
        .signalement
        .logement
        .dpe_ademe
        .as_ref()
        .expect("DPE found");
    assert_eq!(dpe.numero, "2313E0312802V");
    assert_eq!(
        nde(&case),
        Some(QualificationStatus::NdeAveree),
        "478.6 kWh/m² is above 450"
    );
}

#[tokio::test]
async fn an_agent_edits_the_address_and_it_is_geocoded_again() {
    let geo = geo(vec![candidate(0.62, "13202")], None).await;
    let filed = file(&geo).await;
    geo.runner.drain().await.expect("jobs");
    let id = filed.signalement.id;
    let rt = geo.world.actor(&geo.world.people.rt);

    // Still unsure: he places the pin himself.
    let pin = GeoPoint {
        lat: 43.3001,
        lng: 5.3702,
    };
    let edited = geo
        .app
        .edit_address(
            &rt,
            id,
            AddressEdit {
                adresse: "33 rue des Phocéens".into(),
                code_postal: "13002".into(),
                ville: "Marseille".into(),
                insee: "13202".into(),
                point: Some(pin),
            },
        )
        .await
        .expect("edited");
    assert_eq!(edited.signalement.adresse.geoloc, Some(pin));
    assert!(!edited.signalement.adresse.a_verifier, "his pin settles it");

    // Outside the territory: refused, nothing changed.
    let refused = geo
        .app
        .edit_address(
            &rt,
            id,
            AddressEdit {
                adresse: "12 rue de la République".into(),
                code_postal: "69002".into(),
                ville: "Lyon".into(),
                insee: "69382".into(),
                point: None,
            },
        )
        .await;
    assert!(
        matches!(&refused, Err(histologe_application::AppError::Domain(histologe_core::DomainError::Invalid { field, .. })) if field == "ville"),
        "{refused:?}"
    );
    assert_eq!(
        geo.world.case(id).await.signalement.adresse.geoloc,
        Some(pin)
    );

    // An agent of a partner without the case may not.
    let caf = geo.world.actor(&geo.world.people.agent_caf);
    let denied = geo
        .app
        .edit_address(
            &caf,
            id,
            AddressEdit {
                adresse: "1 rue Colbert".into(),
                code_postal: "13001".into(),
                ville: "Marseille".into(),
                insee: "13201".into(),
                point: None,
            },
        )
        .await;
    assert!(
        denied.as_ref().err().is_some_and(|e| e.refusal().is_some()),
        "refused by the policy: {denied:?}"
    );
    let history = history_text(&geo, &geo.world.case(id).await).await;
    assert!(history.contains("43.300100, 5.370200"), "{history}");
}

#[tokio::test]
async fn without_an_address_service_the_case_is_routed_at_once_as_before() {
    let world = World::new().await;
    let mut f = form();
    f.adresse.geoloc = None;
    let case = world.submit(f).await;
    assert!(
        world
            .store
            .all()
            .await
            .expect("jobs")
            .iter()
            .all(|j| j.kind.as_str() != "geocode.signalement")
    );
    assert!(
        world
            .store
            .of_user(world.people.rt.id)
            .await
            .expect("notifications")
            .iter()
            .any(|n| n.notification_type == NotificationType::NouveauSignalement),
        "the admins are asked at once"
    );
    assert!(!case.signalement.adresse.a_verifier);
}

fn candidate_at(street: &str, ban_id: &str, score: f64) -> AddressCandidate {
    AddressCandidate {
        label: format!("{street} 13002 Marseille"),
        street: street.into(),
        ban_id: ban_id.into(),
        score,
        ..candidate(score, "13202")
    }
}

fn edit_to(street: &str, point: Option<GeoPoint>) -> AddressEdit {
    AddressEdit {
        adresse: street.into(),
        code_postal: "13002".into(),
        ville: "Marseille".into(),
        insee: String::new(),
        point,
    }
}

#[tokio::test]
async fn a_corrected_address_the_ban_knows_is_located_and_goes_through_the_rules() {
    // The BAN knows the 35, not the 33 the tenant typed.
    let geo = geo(
        vec![candidate_at(
            "35 Rue des Phocéens",
            "13202_7125_00035",
            0.97,
        )],
        None,
    )
    .await;
    let filed = file(&geo).await;
    geo.runner.drain().await.expect("jobs");
    let id = filed.signalement.id;
    assert!(geo.world.case(id).await.signalement.adresse.a_verifier);

    let rt = geo.world.actor(&geo.world.people.rt);
    geo.app
        .edit_address(&rt, id, edit_to("35 rue des Phocéens", None))
        .await
        .expect("edited");
    let case = geo.world.case(id).await;
    let adresse = &case.signalement.adresse;
    assert_eq!(
        adresse.ban_id.as_deref(),
        Some("13202_7125_00035"),
        "geocoded again"
    );
    assert_eq!(adresse.adresse, "35 Rue des Phocéens", "the BAN's spelling");
    assert_eq!(
        adresse.insee.as_deref(),
        Some("13202"),
        "from the communes data"
    );
    assert!(!adresse.a_verifier);
    assert_eq!(
        case.signalement.status,
        SignalementStatus::Active,
        "the rules ran"
    );
    assert_eq!(case.affectations.len(), 1);
}

#[tokio::test]
async fn an_edit_of_a_located_case_without_a_pin_asks_the_ban_again() {
    let geo = geo(
        vec![
            candidate(0.97, "13202"),
            candidate_at("35 Rue des Phocéens", "13202_7125_00035", 0.97),
        ],
        None,
    )
    .await;
    let filed = file(&geo).await;
    geo.runner.drain().await.expect("jobs");
    let id = filed.signalement.id;
    assert_eq!(
        geo.world
            .case(id)
            .await
            .signalement
            .adresse
            .ban_id
            .as_deref(),
        Some("13202_7125_00033")
    );

    let rt = geo.world.actor(&geo.world.people.rt);
    geo.app
        .edit_address(&rt, id, edit_to("35 Rue des Phocéens", None))
        .await
        .expect("edited");
    let adresse = geo.world.case(id).await.signalement.adresse;
    assert_eq!(
        adresse.ban_id.as_deref(),
        Some("13202_7125_00035"),
        "not the old point kept"
    );
}

#[tokio::test]
async fn an_agent_who_pins_the_case_while_the_ban_is_down_keeps_his_pin() {
    let geo = geo(vec![candidate(0.97, "13202")], None).await;
    geo.ban.set_unavailable(true);
    let filed = file(&geo).await;
    geo.runner.drain().await.expect("jobs");
    let id = filed.signalement.id;

    let rt = geo.world.actor(&geo.world.people.rt);
    let pin = GeoPoint {
        lat: 43.3002,
        lng: 5.3711,
    };
    geo.app
        .edit_address(&rt, id, edit_to("33 Rue des Phocéens", Some(pin)))
        .await
        .expect("pinned");

    geo.ban.set_unavailable(false);
    geo.world.advance(Duration::minutes(2));
    geo.runner.drain().await.expect("jobs");
    let case = geo.world.case(id).await;
    assert_eq!(
        case.signalement.adresse.geoloc,
        Some(pin),
        "the job left his pin alone"
    );
    assert!(
        case.signalement.adresse.ban_id.is_none(),
        "not replaced by the BAN's"
    );
    assert_eq!(
        case.signalement.status,
        SignalementStatus::Active,
        "and routed it"
    );
}

#[tokio::test]
async fn offline_an_unchanged_address_keeps_its_point_and_a_new_one_is_not_flagged() {
    let world = World::new().await;
    let case = world.submit(form()).await;
    let id = case.signalement.id;
    let rt = world.actor(&world.people.rt);
    let same = AddressEdit {
        adresse: case.signalement.adresse.adresse.clone(),
        code_postal: case.signalement.adresse.code_postal.clone(),
        ville: case.signalement.adresse.ville.clone(),
        insee: String::new(),
        point: None,
    };
    world.app.edit_address(&rt, id, same).await.expect("edited");
    assert_eq!(
        world.case(id).await.signalement.adresse.geoloc,
        case.signalement.adresse.geoloc,
        "nothing changed, the point stays"
    );
    world
        .app
        .edit_address(&rt, id, edit_to("12 rue Colbert", None))
        .await
        .expect("edited");
    let adresse = world.case(id).await.signalement.adresse;
    assert!(
        adresse.geoloc.is_none(),
        "the old point no longer describes it"
    );
    assert!(!adresse.a_verifier, "nothing checked it, nothing doubts it");
}
