//! Issue 13, as agents and visitors meet it, with the real HTTP adapters
//! pointed at wiremock servers answering like the Géoplateforme (BAN), the
//! RNB and the ADEME's DPE data, and the cases on SQLite: a public
//! submission ends located, auto-affected, on the map's points, its view
//! showing the building and the DPE; the same with the BAN down at first;
//! an uncertain address flagged on the list and the view; the address
//! corrected by an agent; the forms' suggestions.

mod support;

use std::time::Duration;

use axum::http::StatusCode;
use histologe_adapters_geo::GeoConfig;
use histologe_adapters_sql::SqlStore;
use histologe_core::enums::{PartnerType, ProfileDeclarant, SignalementStatus};
use histologe_core::ids::AutoAffectationRuleId;
use histologe_core::model::{
    AutoAffectationRule, RuleAllocataire, RuleParc, RuleProfile, RuleStatus,
};
use histologe_core::territory_code::TerritoryCode;
use serde_json::json;
use support::world::BoWorld;
use support::{Site, assert_contains};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The BAN's answer for the tenant's address of the reference payload.
fn ban_answer(score: f64) -> serde_json::Value {
    json!({
        "type": "FeatureCollection",
        "version": "draft",
        "features": [{
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [5.370_25, 43.300_61]},
            "properties": {
                "label": "33 Rue des Phocéens 13002 Marseille",
                "score": score,
                "housenumber": "33",
                "id": "13202_7125_00033",
                "name": "33 Rue des Phocéens",
                "postcode": "13002",
                "citycode": "13202",
                "x": 892_390.5,
                "y": 6_247_490.2,
                "city": "Marseille",
                "district": "Marseille 2e Arrondissement",
                "context": "13, Bouches-du-Rhône, Provence-Alpes-Côte d'Azur",
                "type": "housenumber",
                "importance": 0.712,
                "street": "Rue des Phocéens"
            }
        }],
        "attribution": "BAN",
        "licence": "ETALAB-2.0",
        "query": "33 Rue des phoceens 13002 Marseille",
        "limit": 1
    })
}

/// The RNB's answer (the shape of its real sample) with one building.
fn rnb_answer() -> serde_json::Value {
    json!({
        "next": null,
        "previous": null,
        "results": [{
            "rnb_id": "MRS7125PHOC3",
            "status": "constructed",
            "point": {"type": "Point", "coordinates": [5.370_31, 43.300_66]},
            "addresses": [{"id": "13202_7125_00033", "source": "ban"}]
        }]
    })
}

fn dpe_answer() -> serde_json::Value {
    json!({
        "total": 1,
        "results": [{
            "numero_dpe": "2313E0312802V",
            "etiquette_dpe": "F",
            "conso_5_usages_par_m2_ef": 478.6,
            "date_etablissement_dpe": "2023-05-12",
            "identifiant_ban": "13202_7125_00033"
        }]
    })
}

struct Services {
    server: MockServer,
}

impl Services {
    /// The three services on one wiremock server, the BAN answering `score`.
    async fn start(score: f64) -> Services {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/geocodage/search/"))
            .respond_with(ResponseTemplate::new(200).set_body_json(ban_answer(score)))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/rnb/buildings/"))
            .respond_with(ResponseTemplate::new(200).set_body_json(rnb_answer()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/dpe03existant/lines"))
            .respond_with(ResponseTemplate::new(200).set_body_json(dpe_answer()))
            .mount(&server)
            .await;
        Services { server }
    }

    fn config(&self) -> GeoConfig {
        let uri = self.server.uri();
        GeoConfig {
            ban_url: Some(format!("{uri}/geocodage")),
            rnb_url: Some(format!("{uri}/rnb")),
            dpe_url: Some(format!("{uri}/dpe03existant")),
            timeout: Some(Duration::from_secs(2)),
        }
    }
}

/// The back-office world on SQLite with the address services of
/// `services`, and the SCHS's rule for the tenants of the private stock.
async fn world(services: &Services) -> (BoWorld, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("geo.db").display());
    let store = SqlStore::connect(&url).await.expect("SQLite opens");
    store.migrate().await.expect("migrations");
    let config = services.config();
    let site = Site::on_sql(store).await.rewired(|ports| {
        ports.lookups = config
            .lookups(ports.shared.clone())
            .expect("the services' URLs");
    });
    let world = BoWorld::on(site).await;
    world
        .site
        .ports
        .rules
        .insert(&AutoAffectationRule {
            id: AutoAffectationRuleId(uuid::Uuid::new_v4()),
            territory: TerritoryCode::parse("13").expect("13"),
            status: RuleStatus::Active,
            partner_type: PartnerType::CommuneSchs,
            profile_declarant: RuleProfile::Exactly(ProfileDeclarant::Locataire),
            insee_to_include: Vec::new(),
            insee_to_exclude: Vec::new(),
            partner_to_exclude: Vec::new(),
            parc: RuleParc::All,
            allocataire: RuleAllocataire::All,
            procedures_suspectees: Vec::new(),
        })
        .await
        .expect("rule");
    (world, dir)
}

async fn map_ids(world: &BoWorld) -> Vec<String> {
    let reply = world
        .site
        .get_with(
            "/bo/cartographie/points?bbox=-180,-90,180,90",
            Some(&world.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body: serde_json::Value = serde_json::from_str(&reply.text()).expect("JSON");
    body["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_submission_is_located_auto_affected_and_on_the_map_with_its_dpe() {
    let services = Services::start(0.96).await;
    let (world, _dir) = world(&services).await;
    let case = world.file_case(&world.site.locataire_answers()).await;
    let id = case.signalement.id;
    assert_eq!(case.signalement.status, SignalementStatus::NeedValidation);
    assert!(
        !map_ids(&world).await.contains(&id.to_string()),
        "not located yet"
    );

    world.site.runner.drain().await.expect("jobs");
    let case = world
        .site
        .app()
        .view_case(&world.rt13.actor, id)
        .await
        .expect("case");
    assert_eq!(
        case.signalement.status,
        SignalementStatus::Active,
        "auto-affected"
    );
    assert_eq!(case.affectations.len(), 1);
    assert_eq!(case.affectations[0].partner_id, world.schs13.id);
    assert!(
        map_ids(&world).await.contains(&id.to_string()),
        "on the map"
    );

    let view = world
        .site
        .get_with(&format!("/bo/signalements/{id}"), Some(&world.rt13.cookie))
        .await;
    assert_eq!(view.status, StatusCode::OK);
    assert_contains(
        &view.text(),
        &[
            "Adresse du logement",
            "43,30066 ; 5,37031",
            "13202_7125_00033",
            "MRS7125PHOC3",
            "DPE du logement (données ouvertes de l'ADEME)",
            "479 kWh/m²/an (énergie finale)",
            "12/05/2023",
            "https://observatoire-dpe-audit.ademe.fr/afficher-dpe/2313E0312802V",
        ],
        "the view of a located case",
    );
    assert!(!view.text().contains("Adresse à vérifier"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_ban_down_at_first_the_case_is_saved_and_routed_once_it_answers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/geocodage/search/"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/geocodage/search/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ban_answer(0.96)))
        .with_priority(2)
        .mount(&server)
        .await;
    let services = Services { server };
    let (world, _dir) = world(&services).await;
    let case = world.file_case(&world.site.locataire_answers()).await;
    let id = case.signalement.id;

    world.site.runner.drain().await.expect("jobs");
    let saved = world
        .site
        .app()
        .view_case(&world.rt13.actor, id)
        .await
        .expect("case");
    assert_eq!(
        saved.signalement.status,
        SignalementStatus::NeedValidation,
        "saved, waiting"
    );
    let geocoding = world
        .site
        .jobs()
        .await
        .into_iter()
        .find(|j| j.kind.as_str() == "geocode.signalement")
        .expect("the geocoding job");
    assert_eq!(
        geocoding.status,
        histologe_ports::JobStatus::Pending,
        "retried later"
    );

    world
        .site
        .adapters
        .clock
        .advance(chrono::Duration::minutes(2));
    world.site.runner.drain().await.expect("jobs");
    let case = world
        .site
        .app()
        .view_case(&world.rt13.actor, id)
        .await
        .expect("case");
    assert_eq!(case.signalement.status, SignalementStatus::Active);
    assert_eq!(
        case.affectations.len(),
        1,
        "auto-affected once the BAN answered"
    );
    assert!(map_ids(&world).await.contains(&id.to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncertain_address_is_flagged_on_the_list_and_the_view_and_an_agent_corrects_it() {
    let services = Services::start(0.55).await;
    let (world, _dir) = world(&services).await;
    let case = world.file_case(&world.site.locataire_answers()).await;
    let id = case.signalement.id;
    world.site.runner.drain().await.expect("jobs");

    let rt = &world.rt13.cookie;
    let list = world.site.get_with("/bo/signalements", Some(rt)).await;
    assert_contains(&list.text(), &["Adresse à vérifier"], "the list");
    let view = world
        .site
        .get_with(&format!("/bo/signalements/{id}"), Some(rt))
        .await;
    assert_contains(
        &view.text(),
        &[
            "Adresse à vérifier.",
            "non géolocalisé",
            "Corriger l'adresse",
            "correspondance incertaine dans la Base Adresse Nationale (score 0,55, il faut plus de 0,90)",
        ],
        "the view of an uncertain case",
    );
    assert!(
        view.header("content-security-policy")
            .is_some_and(|csp| csp.contains("https://tile.openstreetmap.org")),
        "the pin map may show its tiles"
    );
    assert!(
        !map_ids(&world).await.contains(&id.to_string()),
        "no doubtful point"
    );

    // A commune that does not go with the postcode: refused in French,
    // what he typed kept.
    let refused = world
        .site
        .post_form(
            &format!("/bo/signalements/{id}/adresse"),
            &[
                ("adresse", "33 rue des Phocéens"),
                ("code_postal", "13002"),
                ("ville", "Aubagne"),
                ("insee", ""),
                ("latitude", ""),
                ("longitude", ""),
            ],
            Some(rt),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &refused.text(),
        &["Ce code postal et cette commune ne vont pas ensemble"],
        "the refusal",
    );
    assert_eq!(refused.input_value("ville").as_deref(), Some("Aubagne"));

    // He places the pin himself.
    let placed = world
        .site
        .post_form(
            &format!("/bo/signalements/{id}/adresse"),
            &[
                ("adresse", "33 rue des Phocéens"),
                ("code_postal", "13002"),
                ("ville", "Marseille"),
                ("insee", ""),
                ("latitude", "43,30061"),
                ("longitude", "5,37025"),
            ],
            Some(rt),
        )
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.text());
    assert!(placed.location().ends_with("?fait=adresse"));
    let view = world.site.get_with(&placed.location(), Some(rt)).await;
    assert_contains(
        &view.text(),
        &["L'adresse est modifiée.", "43,30061 ; 5,37025"],
        "after",
    );
    assert!(!view.text().contains("Adresse à vérifier."));
    assert!(
        map_ids(&world).await.contains(&id.to_string()),
        "on the map now"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forms_suggestions_come_from_the_ban_through_the_site() {
    let services = Services::start(0.96).await;
    let (world, _dir) = world(&services).await;
    let reply = world
        .site
        .get("/adresses/suggestions?q=33%20rue%20des%20phoc")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&reply.text()).expect("JSON");
    assert_eq!(
        body,
        json!([{
            "label": "33 Rue des Phocéens 13002 Marseille",
            "street": "33 Rue des Phocéens",
            "postcode": "13002",
            "city": "Marseille",
            "insee": "13202"
        }])
    );

    let without = Site::new().await;
    let reply = without.get("/adresses/suggestions?q=33%20rue").await;
    assert_eq!(
        reply.status,
        StatusCode::NOT_FOUND,
        "no service, the script stops"
    );

    let mut last = StatusCode::OK;
    for n in 0..=histologe_application::SUGGESTIONS_PER_MINUTE {
        last = world
            .site
            .get(&format!("/adresses/suggestions?q=33%20rue%20{n}"))
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "a script is stopped");
}
