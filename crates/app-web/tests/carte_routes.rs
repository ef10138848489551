//! The map of the back-office (`/bo/cartographie`) and the points its
//! script loads, as the people using it get them: the Vieux-Port in
//! Marseille affected to the SCHS (A), Aix-en-Provence affected to the CAF
//! (B), a new case in Marseille (N), one in Bordeaux (C, another
//! territory) and one in Marseille never geolocated (G).

mod support;

use std::collections::BTreeSet;
use std::ops::Deref;

use axum::http::StatusCode;
use histologe_core::ids::SignalementId;
use histologe_core::model::GeoPoint;
use support::world::BoWorld;
use support::{Reply, Site, moved};

const GLOBE: &str = "bbox=-180,-90,180,90";

/// The back-office world and its five cases, by id.
struct World {
    bo: BoWorld,
    a: String,
    b: String,
    n: String,
    c: String,
}

impl Deref for World {
    type Target = BoWorld;
    fn deref(&self) -> &BoWorld {
        &self.bo
    }
}

/// Puts the case at (`lat`, `lng`), as the geocoding of its address will.
async fn place(site: &Site, id: SignalementId, lat: f64, lng: f64) {
    let ports = &site.ports;
    let mut tx = ports.uow.begin().await.expect("begin");
    let mut case = tx
        .lock_case(id)
        .await
        .expect("lock_case")
        .expect("the case exists");
    case.signalement.adresse.geoloc = Some(GeoPoint { lat, lng });
    tx.save_case(&case).await.expect("save_case");
    tx.commit().await.expect("commit");
}

async fn world() -> World {
    let bo = BoWorld::new().await;
    let site = &bo.site;
    let marseille = site.locataire_answers();
    let aix = moved(
        &marseille,
        "2 Cours Mirabeau",
        "13100",
        "Aix-en-Provence",
        "13001",
    );
    let bordeaux = moved(
        &marseille,
        "10 Rue Sainte-Catherine",
        "33000",
        "Bordeaux",
        "33063",
    );
    let a = bo.affected_case(&marseille, &[&bo.schs13]).await;
    let b = bo.affected_case(&aix, &[&bo.caf13]).await;
    let n = bo.file_case(&marseille).await;
    let c = bo.file_case(&bordeaux).await;
    let g = bo.file_case(&marseille).await;
    assert_eq!(c.signalement.territory.as_str(), "33");
    let app = site.app();
    app.validate_signalement(&bo.rt13.actor, g.signalement.id, Vec::new())
        .await
        .expect("validated");
    app.validate_signalement(&bo.rt33.actor, c.signalement.id, Vec::new())
        .await
        .expect("validated");
    place(site, a.signalement.id, 43.2965, 5.3698).await;
    place(site, b.signalement.id, 43.5283, 5.4497).await;
    place(site, n.signalement.id, 43.3050, 5.3950).await;
    place(site, c.signalement.id, 44.8378, -0.5792).await;
    World {
        a: a.signalement.id.to_string(),
        b: b.signalement.id.to_string(),
        n: n.signalement.id.to_string(),
        c: c.signalement.id.to_string(),
        bo,
    }
}

fn json(reply: &Reply) -> serde_json::Value {
    serde_json::from_str(&reply.text()).unwrap_or_else(|e| panic!("JSON: {e}: {}", reply.text()))
}

impl World {
    /// The ids of the points `cookie` gets for `query`.
    async fn points(&self, query: &str, cookie: &str) -> BTreeSet<String> {
        let reply = self
            .site
            .get_with(&format!("/bo/cartographie/points?{query}"), Some(cookie))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text());
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{query}: JSON"
        );
        let body = json(&reply);
        assert_eq!(body["truncated"], false, "{query}: a few cases");
        let ids: BTreeSet<String> = body["points"]
            .as_array()
            .expect("points")
            .iter()
            .map(|p| p["id"].as_str().expect("an id").to_string())
            .collect();
        assert_eq!(
            body["total"].as_u64(),
            Some(ids.len() as u64),
            "{query}: total"
        );
        ids
    }
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

#[tokio::test]
async fn an_agent_gets_only_his_partners_cases() {
    let w = world().await;
    assert_eq!(w.points(GLOBE, &w.agent13.cookie).await, set(&[&w.a]));
    assert!(
        w.points("bbox=5.40,43.50,5.50,43.55", &w.agent13.cookie)
            .await
            .is_empty(),
        "the CAF's case in Aix stays hidden"
    );
}

#[tokio::test]
async fn a_territory_admin_gets_his_territorys_cases_and_a_super_admin_every_one() {
    let w = world().await;
    assert_eq!(
        w.points(GLOBE, &w.rt13.cookie).await,
        set(&[&w.a, &w.b, &w.n]),
        "the 13's geolocated cases, not Bordeaux's"
    );
    assert_eq!(
        w.points(GLOBE, &w.super_admin.cookie).await,
        set(&[&w.a, &w.b, &w.n, &w.c])
    );
}

#[tokio::test]
async fn filters_and_the_rectangle_narrow_the_points() {
    let w = world().await;
    assert_eq!(
        w.points(&format!("statut=ACTIVE&{GLOBE}"), &w.rt13.cookie)
            .await,
        set(&[&w.a, &w.b]),
        "N waits for validation"
    );
    assert_eq!(
        w.points(&format!("commune=Aix-en-Provence&{GLOBE}"), &w.rt13.cookie)
            .await,
        set(&[&w.b])
    );
    assert_eq!(
        w.points("bbox=5.30,43.25,5.42,43.35", &w.rt13.cookie).await,
        set(&[&w.a, &w.n]),
        "around Marseille"
    );
    assert_eq!(
        w.points("bbox=-1,44,0,45", &w.super_admin.cookie).await,
        set(&[&w.c]),
        "west of Greenwich"
    );
}

#[tokio::test]
async fn a_point_says_where_what_and_links_the_case() {
    let w = world().await;
    let reply = w
        .site
        .get_with(
            "/bo/cartographie/points?bbox=5.36,43.29,5.38,43.30",
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = json(&reply);
    let points = body["points"].as_array().expect("points");
    assert_eq!(points.len(), 1, "{body}");
    let p = &points[0];
    assert_eq!(p["id"].as_str(), Some(w.a.as_str()));
    assert_eq!(p["lat"].as_f64(), Some(43.2965));
    assert_eq!(p["lng"].as_f64(), Some(5.3698));
    assert_eq!(p["status"].as_str(), Some("ACTIVE"));
    assert_eq!(p["status_label"].as_str(), Some("En cours"));
    assert_eq!(
        p["url"].as_str(),
        Some(format!("/bo/signalements/{}", w.a).as_str())
    );
    let address = p["address"].as_str().expect("an address");
    assert!(address.contains("Marseille"), "{address}");
    assert!(p["reference"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(p["criticite"].as_u64().is_some_and(|c| c <= 100));
}

#[tokio::test]
async fn a_wide_view_holds_the_newest_cases_up_to_the_cap_and_says_so() {
    let w = world().await;
    let ports = &w.site.ports;
    let a: SignalementId = SignalementId(w.a.parse().expect("A's id"));
    let model = ports.signalements.case(a).await.expect("case").expect("A");
    // As many more cases on the Vieux-Port as the map shows at most.
    let more = usize::try_from(histologe_application::MAP_POINTS_MAX).expect("a count");
    w.site.copies_of(&model.signalement, more).await;

    let reply = w
        .site
        .get_with(
            &format!("/bo/cartographie/points?{GLOBE}"),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = json(&reply);
    let ids: BTreeSet<&str> = body["points"]
        .as_array()
        .expect("points")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids.len(), more, "the cap");
    assert_eq!(body["truncated"], true);
    assert_eq!(body["total"].as_u64(), Some(more as u64 + 3));
    for newest in [&w.a, &w.b, &w.n] {
        assert!(ids.contains(newest.as_str()), "the newest cases are kept");
    }
}

#[tokio::test]
async fn a_bad_rectangle_is_refused_with_a_json_error() {
    let w = world().await;
    for query in [
        "",
        "bbox=",
        "bbox=5.2,43.2,5.5",
        "bbox=5.2,43.2,est,43.5",
        "bbox=NaN,43.2,5.5,43.5",
        "bbox=5.2,43.2,inf,43.5",
        "bbox=-200,43.2,5.5,43.5",
        "bbox=5.2,-95,5.5,43.5",
        "bbox=5.5,43.2,5.2,43.5",
        "bbox=5.2,43.5,5.5,43.2",
    ] {
        let reply = w
            .site
            .get_with(
                &format!("/bo/cartographie/points?{query}"),
                Some(&w.rt13.cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{query}"
        );
        let error = json(&reply)["error"].as_str().map(str::to_string);
        assert!(
            error.as_deref().is_some_and(|e| e.contains("bbox")),
            "{query}: {error:?}"
        );
    }
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_the_login_page() {
    let w = world().await;
    for path in [
        "/bo/cartographie",
        &format!("/bo/cartographie/points?{GLOBE}"),
    ] {
        let reply = w.site.get(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            reply.location().starts_with("/connexion?suite="),
            "{path}: {}",
            reply.location()
        );
    }
}

#[tokio::test]
async fn the_page_has_the_filters_the_map_its_legend_and_the_list() {
    let w = world().await;
    let page = w
        .site
        .get_with(
            "/bo/cartographie?statut=ACTIVE&tri=commune_asc",
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let body = page.text();
    assert!(body.contains("<h1>Cartographie</h1>"));
    assert!(
        body.contains("href=\"/bo/cartographie\" aria-current=\"page\">Cartographie</a>"),
        "the menu entry, current"
    );
    assert!(body.contains("action=\"/bo/cartographie\""), "the filters");
    assert!(body.contains("id=\"statut\""));
    assert!(!body.contains("id=\"tri\""), "the map has no order");
    assert!(body.contains("id=\"carte\""));
    assert!(
        body.contains("data-filtres=\"statut=ACTIVE\""),
        "the script sends the filters with each rectangle"
    );
    assert!(
        body.contains("href=\"/bo/signalements?statut=ACTIVE\""),
        "the same cases as a list"
    );
    for label in ["Nouveau", "En cours", "Fermé", "Refusé"] {
        assert!(
            body.contains(&format!("aria-hidden=\"true\"></span>{label}</li>")),
            "{label} in the legend"
        );
    }
    let version = histologe_web::web::assets::url("");
    assert!(body.contains(&format!("{version}leaflet/leaflet.js")));
    assert!(body.contains(&format!("{version}app/carte.js")));
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(
        csp.contains("img-src 'self' data: https://tile.openstreetmap.org;"),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self';"), "{csp}");

    let list = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await;
    let csp = list.header("content-security-policy").expect("a CSP");
    assert!(
        !csp.contains("openstreetmap"),
        "only the map loads tiles: {csp}"
    );
    assert!(
        list.text()
            .contains("href=\"/bo/cartographie\">Cartographie</a>"),
        "the menu entry on every back-office page"
    );
}

#[tokio::test]
async fn an_agent_gets_the_page_and_a_wrong_filter_is_explained() {
    let w = world().await;
    let page = w
        .site
        .get_with(
            "/bo/cartographie?criticite_min=beaucoup",
            Some(&w.agent13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = page.text();
    assert!(body.contains("Saisissez un nombre entier entre 0 et 100."));
    assert!(body.contains("href=\"#criticite_min\""));
    assert!(body.contains("id=\"carte\""), "the map is still there");
}
