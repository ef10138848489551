//! The three lookups against wiremock servers answering as the real
//! services do (samples in `fixtures/`): what a sure, an uncertain, an
//! empty, a failing, a slow and a broken answer become.

use std::sync::Arc;
use std::time::Duration;

use histologe_adapters_geo::{AdemeDpe, BanGeocoder, RnbBuildings};
use histologe_adapters_system::ProcessSharedState;
use histologe_ports::{AddressLookup, BuildingLookup, EnergyLookup, LookupError};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TIMEOUT: Duration = Duration::from_millis(500);

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn json(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

async fn ban_answering(response: ResponseTemplate) -> (MockServer, BanGeocoder) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/geocodage/search/"))
        .respond_with(response)
        .mount(&server)
        .await;
    let ban = BanGeocoder::new(&format!("{}/geocodage/", server.uri()), TIMEOUT).expect("ban");
    (server, ban)
}

#[tokio::test]
async fn a_sure_answer_gives_the_point_the_commune_and_the_ban_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/geocodage/search/"))
        .and(query_param(
            "q",
            "8 La Bodinière 44850 Saint-Mars du Désert",
        ))
        .and(query_param("limit", "1"))
        .respond_with(json(fixture("ban_search_item.json")))
        .expect(1)
        .mount(&server)
        .await;
    let ban = BanGeocoder::new(&format!("{}/geocodage", server.uri()), TIMEOUT).expect("ban");
    let found = ban
        .search("  8 La Bodinière   44850 Saint-Mars du Désert ", 1)
        .await
        .expect("answer");
    let [only] = &found[..] else {
        panic!("one candidate, got {found:?}")
    };
    assert_eq!(
        only.street, "8 la bodiniere",
        "the stored street is BAN's name"
    );
    assert_eq!(only.postcode, "44850");
    assert_eq!(only.city, "Saint-Mars-du-Désert");
    assert_eq!(only.insee, "44179");
    assert_eq!(only.ban_id, "44179_xarfhv_00008");
    assert!(
        (only.point.lat - 47.349_607).abs() < 1e-9,
        "latitude is the second coordinate"
    );
    assert!((only.point.lng + 1.446_559).abs() < 1e-9);
    assert!(only.is_sure(), "score 0.953 is above the rule");
}

#[tokio::test]
async fn uncertain_answers_come_back_with_their_scores_in_order() {
    let (_server, ban) = ban_answering(json(fixture("ban_search_collection.json"))).await;
    let found = ban.search("25 rue de l'est", 5).await.expect("answer");
    assert!(found.len() >= 2, "every address feature is a candidate");
    assert_eq!(found[0].ban_id, "01053_1430_00025");
    assert!(!found[0].is_sure(), "0.43 is under the rule");
    assert!(
        found.windows(2).all(|w| w[0].score >= w[1].score),
        "best first"
    );
    assert!(
        histologe_core::geocoding::best_sure(&found).is_err(),
        "nothing here locates a case"
    );
}

#[tokio::test]
async fn no_result_is_an_empty_list() {
    let (_server, ban) = ban_answering(json(
        r#"{"type":"FeatureCollection","version":"draft","features":[],"attribution":"BAN","licence":"ETALAB-2.0","query":"zzzz","limit":1}"#.to_string(),
    ))
    .await;
    assert_eq!(ban.search("zzzz qqqq", 1).await, Ok(Vec::new()));
}

#[tokio::test]
async fn a_server_error_is_unavailable_and_a_client_error_is_not() {
    let (_server, ban) = ban_answering(ResponseTemplate::new(503)).await;
    assert!(matches!(
        ban.search("8 la bodiniere", 1).await,
        Err(LookupError::Unavailable(m)) if m.contains("503")
    ));
    let (_server, ban) = ban_answering(ResponseTemplate::new(429)).await;
    assert!(matches!(
        ban.search("8 la bodiniere", 1).await,
        Err(LookupError::Unavailable(_))
    ));
    let (_server, ban) = ban_answering(ResponseTemplate::new(400)).await;
    assert!(matches!(
        ban.search("8 la bodiniere", 1).await,
        Err(LookupError::BadResponse(_))
    ));
}

#[tokio::test]
async fn a_slow_answer_times_out_as_unavailable() {
    let (_server, ban) =
        ban_answering(json(fixture("ban_search_item.json")).set_delay(Duration::from_secs(3)))
            .await;
    let started = std::time::Instant::now();
    let answer = ban.search("8 la bodiniere", 1).await;
    assert!(
        matches!(&answer, Err(LookupError::Unavailable(m)) if m.contains("timeout")),
        "{answer:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout cut it short"
    );
}

#[tokio::test]
async fn a_malformed_body_is_a_bad_response_and_is_not_cached() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json("<html>maintenance</html>".to_string()))
        .expect(2)
        .mount(&server)
        .await;
    let ban = BanGeocoder::new(&server.uri(), TIMEOUT)
        .expect("ban")
        .with_cache(Arc::new(ProcessSharedState::new()));
    for _ in 0..2 {
        assert!(matches!(
            ban.search("8 la bodiniere", 1).await,
            Err(LookupError::BadResponse(_))
        ));
    }
}

#[tokio::test]
async fn answers_are_cached_and_short_queries_never_leave() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search/"))
        .respond_with(json(fixture("ban_search_item.json")))
        .expect(1)
        .mount(&server)
        .await;
    let ban = BanGeocoder::new(&server.uri(), TIMEOUT)
        .expect("ban")
        .with_cache(Arc::new(ProcessSharedState::new()));
    let first = ban.search("8 La Bodinière", 1).await.expect("answer");
    let again = ban.search("8 la bodinière", 1).await.expect("cached");
    assert_eq!(first, again, "the same answer, from the cache");
    assert_eq!(
        ban.search("8 ", 5).await,
        Ok(Vec::new()),
        "too short to ask"
    );
}

#[tokio::test]
async fn the_rnb_names_the_one_building_at_an_address() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/alpha/buildings/"))
        .and(query_param("cle_interop_ban", "30348_0430_00015"))
        .respond_with(json(fixture("rnb_buildings.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/alpha/buildings/"))
        .and(query_param("cle_interop_ban", "13055_0000_00001"))
        .respond_with(json(
            r#"{"next":null,"previous":null,"results":[]}"#.to_string(),
        ))
        .mount(&server)
        .await;
    let rnb = RnbBuildings::new(&format!("{}/api/alpha", server.uri()), TIMEOUT).expect("rnb");
    let building = rnb
        .building_for_ban_id("30348_0430_00015")
        .await
        .expect("answer")
        .expect("one building");
    assert_eq!(building.rnb_id, "FQYN6F6WPEJ8");
    assert!((building.point.lat - 44.053_091_875).abs() < 1e-6);
    assert!((building.point.lng - 4.141_756_415).abs() < 1e-6);
    assert_eq!(rnb.building_for_ban_id("13055_0000_00001").await, Ok(None));
}

#[tokio::test]
async fn the_dpe_of_an_address_newest_first_with_no_result_and_down() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/dpe03existant/lines"))
        .and(query_param("qs", "identifiant_ban:\"44179_xarfhv_00008\""))
        .and(query_param("sort", "-date_etablissement_dpe"))
        .respond_with(json(fixture("dpe_lines.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/dpe03existant/lines"))
        .and(query_param("qs", "identifiant_ban:\"13055_0000_00001\""))
        .respond_with(json(r#"{"total":0,"results":[]}"#.to_string()))
        .mount(&server)
        .await;
    let dpe = AdemeDpe::new(&format!("{}/dpe03existant", server.uri()), TIMEOUT).expect("dpe");
    let found = dpe
        .dpe_for_ban_id("44179_xarfhv_00008")
        .await
        .expect("answer");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].numero_dpe, "2313E0312802V");
    assert_eq!(found[0].classe, "F");
    assert_eq!(found[0].consommation_kwh_m2, Some(478.6));
    assert_eq!(found[0].date, chrono::NaiveDate::from_ymd_opt(2023, 5, 12));
    assert_eq!(dpe.dpe_for_ban_id("13055_0000_00001").await, Ok(Vec::new()));

    drop(server);
    let down = AdemeDpe::new("http://127.0.0.1:9/dpe03existant", TIMEOUT).expect("dpe");
    assert!(matches!(
        down.dpe_for_ban_id("44179_xarfhv_00008").await,
        Err(LookupError::Unavailable(_))
    ));
}

#[test]
fn a_malformed_url_is_refused_at_start_in_french() {
    let error = BanGeocoder::new("data.geopf.fr", TIMEOUT).expect_err("no scheme");
    assert!(error.contains("URL du service BAN invalide"), "{error}");
}
