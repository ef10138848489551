//! The back-office list, its filters and its CSV export, and the
//! dashboard, as the people using them see them: a case in Marseille
//! affected to the SCHS (A), one in Aix-en-Provence affected to the CAF
//! (B), one waiting for validation (C).

mod support;

use std::ops::Deref;

use axum::http::StatusCode;
use support::world::BoWorld;
use support::{csv_records, moved};

/// The back-office world and its three cases, by reference.
struct World {
    bo: BoWorld,
    a: String,
    b: String,
    c: String,
}

impl Deref for World {
    type Target = BoWorld;
    fn deref(&self) -> &BoWorld {
        &self.bo
    }
}

async fn world() -> World {
    let bo = BoWorld::new().await;
    let marseille = bo.site.locataire_answers();
    let aix = moved(
        &marseille,
        "2 Cours Mirabeau",
        "13100",
        "Aix-en-Provence",
        "13001",
    );
    let a = bo.affected_case(&marseille, &[&bo.schs13]).await;
    let b = bo.affected_case(&aix, &[&bo.caf13]).await;
    let c = bo.file_case(&marseille).await;
    World {
        a: a.signalement.reference.clone(),
        b: b.signalement.reference.clone(),
        c: c.signalement.reference.clone(),
        bo,
    }
}

/// Whether the page links `reference` as a listed case.
fn lists(body: &str, reference: &str) -> bool {
    body.contains(&format!(">{reference}</a>"))
}

#[tokio::test]
async fn filtering_by_commune_shows_the_case_there_and_not_the_other() {
    let w = world().await;
    let page = w
        .site
        .get_with(
            "/bo/signalements?commune=Aix-en-Provence",
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let body = page.text();
    assert!(lists(&body, &w.b), "B is in Aix-en-Provence");
    assert!(!lists(&body, &w.a), "A is in Marseille");
    assert!(body.contains("1 signalement"));
    assert!(
        body.contains("Commune : Aix-en-Provence"),
        "the active filter as a tag"
    );
    assert!(
        body.contains("href=\"/bo/signalements/export.csv?commune=Aix-en-Provence\""),
        "the export keeps the filters"
    );
    // Five digits: the postal code, or the INSEE code.
    let by_code = w
        .site
        .get_with("/bo/signalements?commune=13100", Some(&w.rt13.cookie))
        .await
        .text();
    assert!(lists(&by_code, &w.b) && !lists(&by_code, &w.a));
    let by_insee = w
        .site
        .get_with("/bo/signalements?commune=13202", Some(&w.rt13.cookie))
        .await
        .text();
    assert!(lists(&by_insee, &w.a) && !lists(&by_insee, &w.b));
}

#[tokio::test]
async fn the_list_shows_partners_and_their_answers() {
    let w = world().await;
    let body = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await
        .text();
    for reference in [&w.a, &w.b, &w.c] {
        assert!(lists(&body, reference), "{reference} listed for the RT");
    }
    assert!(body.contains("SCHS de Marseille : En attente"));
    assert!(body.contains("CAF 13 : En attente"));
    assert!(body.contains("Plus d'options"));
    assert!(body.contains("Réinitialiser"));
    let new_only = w
        .site
        .get_with(
            "/bo/signalements?statut=NEED_VALIDATION",
            Some(&w.rt13.cookie),
        )
        .await
        .text();
    assert!(lists(&new_only, &w.c) && !lists(&new_only, &w.a));
}

#[tokio::test]
async fn an_agent_filtering_by_another_partner_sees_none_of_its_cases() {
    let w = world().await;
    let mine = w
        .site
        .get_with("/bo/signalements", Some(&w.agent13.cookie))
        .await
        .text();
    assert!(lists(&mine, &w.a));
    assert!(!lists(&mine, &w.b) && !lists(&mine, &w.c));
    assert!(
        !mine.contains("id=\"territoire\""),
        "a single-territory agent is not offered the territory filter"
    );
    let other = w
        .site
        .get_with(
            &format!("/bo/signalements?partenaire={}", w.caf13.id),
            Some(&w.agent13.cookie),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
    let other = other.text();
    assert!(!lists(&other, &w.b), "the CAF's case stays hidden");
    assert!(other.contains("0 signalement"));
}

#[tokio::test]
async fn an_invalid_value_is_explained_and_the_other_filters_kept() {
    let w = world().await;
    let page = w
        .site
        .get_with(
            "/bo/signalements?commune=Aix-en-Provence&criticite_min=beaucoup&depot_du=31%2F02%2F2025",
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = page.text();
    assert!(body.contains("Saisissez un nombre entier entre 0 et 100."));
    assert!(body.contains("Saisissez une date au format JJ/MM/AAAA."));
    assert!(
        body.contains("href=\"#criticite_min\""),
        "the summary links the field"
    );
    assert_eq!(
        page.input_value("criticite_min").as_deref(),
        Some("beaucoup")
    );
    assert!(lists(&body, &w.b), "the commune filter still applies");
    assert!(!lists(&body, &w.a));
}

#[tokio::test]
async fn the_csv_has_its_header_and_the_filtered_rows() {
    let w = world().await;
    let csv = w
        .site
        .get_with(
            "/bo/signalements/export.csv?commune=Aix-en-Provence",
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment")),
        "downloaded as a file"
    );
    let records = csv_records(&csv.body);
    assert_eq!(
        records[0][..6],
        [
            "Référence",
            "Déposé le",
            "Statut",
            "Description",
            "Type déclarant",
            "Nom occupant"
        ]
    );
    assert!(records[0].contains(&"Logement social".to_string()));
    assert_eq!(records.len(), 2, "{}", csv.body);
    assert_eq!(records[1][0], w.b);
    assert_eq!(records[1][10..12], ["13100", "Aix-en-Provence"]);
}

#[tokio::test]
async fn an_agents_export_never_holds_another_partners_case() {
    let w = world().await;
    let csv = w
        .site
        .get_with("/bo/signalements/export.csv", Some(&w.agent13.cookie))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let references: Vec<String> = csv_records(&csv.body)
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(references, vec![w.a.clone()]);
    let list = w
        .site
        .get_with("/bo/signalements", Some(&w.agent13.cookie))
        .await
        .text();
    assert!(list.contains("Exporter (CSV)"));
}

#[tokio::test]
async fn a_super_admin_exports_only_with_a_filter() {
    let w = world().await;
    let refused = w
        .site
        .get_with("/bo/signalements/export.csv", Some(&w.super_admin.cookie))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let list = w
        .site
        .get_with("/bo/signalements", Some(&w.super_admin.cookie))
        .await
        .text();
    assert!(!list.contains("Exporter (CSV)"));
    assert!(list.contains("Choisissez au moins un filtre pour exporter."));
    assert!(
        list.contains("id=\"territoire\""),
        "a super admin chooses the territory"
    );
    let csv = w
        .site
        .get_with(
            "/bo/signalements/export.csv?territoire=13",
            Some(&w.super_admin.cookie),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut references: Vec<String> = csv_records(&csv.body)
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    references.sort();
    let mut expected = vec![w.a.clone(), w.b.clone(), w.c.clone()];
    expected.sort();
    assert_eq!(references, expected, "the three cases of the 13");
}

#[tokio::test]
async fn the_dashboard_links_each_count_to_its_list() {
    let w = world().await;
    let rt = w.site.get_with("/bo", Some(&w.rt13.cookie)).await;
    assert_eq!(rt.status, StatusCode::OK);
    let body = rt.text();
    assert!(body.contains("Nouveaux signalements à valider"));
    assert!(body.contains("href=\"/bo/signalements?statut=NEED_VALIDATION\""));
    assert!(body.contains("Fermés par tous les partenaires"));
    assert!(body.contains("Demandes d'arrêt de procédure"));
    assert!(body.contains("href=\"/bo/signalements?statut=ACTIVE&sans_suivi=1\""));
    let agent = w.site.get_with("/bo", Some(&w.agent13.cookie)).await.text();
    assert!(agent.contains("Affectations à accepter ou refuser"));
    assert!(agent.contains("href=\"/bo/signalements?affectation=en_attente\""));
    assert!(!agent.contains("Nouveaux signalements à valider"));
    let to_answer = w
        .site
        .get_with(
            "/bo/signalements?affectation=en_attente",
            Some(&w.agent13.cookie),
        )
        .await
        .text();
    assert!(lists(&to_answer, &w.a));
}

#[tokio::test]
async fn pagination_and_sorting_keep_the_filters() {
    let w = world().await;
    let body = w
        .site
        .get_with(
            "/bo/signalements?statut=ACTIVE&tri=commune_asc",
            Some(&w.rt13.cookie),
        )
        .await
        .text();
    let (b_at, a_at) = (
        body.find(&format!(">{}</a>", w.b)).expect("B listed"),
        body.find(&format!(">{}</a>", w.a)).expect("A listed"),
    );
    assert!(b_at < a_at, "Aix-en-Provence before Marseille");
    assert!(body.contains("value=\"commune_asc\" selected"));
    let reset = w
        .site
        .get_with(
            "/bo/signalements?statut=ACTIVE&tri=commune_asc",
            Some(&w.rt13.cookie),
        )
        .await
        .text();
    // The status tag's button submits the other parameters only.
    let tag = reset
        .split("<form method=\"get\" action=\"/bo/signalements\">")
        .find(|form| form.contains(">Statut : En cours</button>"))
        .expect("the status tag");
    assert!(
        tag.contains("name=\"tri\" value=\"commune_asc\""),
        "removing the status tag keeps the order"
    );
    assert!(!tag.contains("name=\"statut\""));
}

#[tokio::test]
async fn a_saved_search_is_its_owners_only() {
    let w = world().await;
    let saved = w
        .site
        .post_form(
            "/bo/recherches",
            &[("nom", "Aix"), ("query", "commune=Aix-en-Provence")],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location(), "/bo/signalements?commune=Aix-en-Provence");
    let list = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await
        .text();
    assert!(list.contains("Mes recherches"));
    assert!(list.contains("href=\"/bo/signalements?commune=Aix-en-Provence\">Aix</a>"));
    let id = list
        .split("/bo/recherches/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the delete form of the saved search")
        .to_string();

    let agent_list = w
        .site
        .get_with("/bo/signalements", Some(&w.agent13.cookie))
        .await
        .text();
    assert!(
        !agent_list.contains("Mes recherches"),
        "not the agent's search"
    );
    let stolen = w
        .site
        .post_form(
            &format!("/bo/recherches/{id}/supprimer"),
            &[],
            Some(&w.agent13.cookie),
        )
        .await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);

    let deleted = w
        .site
        .post_form(
            &format!("/bo/recherches/{id}/supprimer"),
            &[],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let list = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await
        .text();
    assert!(!list.contains("Mes recherches"));
}

#[tokio::test]
async fn a_too_long_name_is_refused_and_kept() {
    let w = world().await;
    let long = "Dossiers d'Aix-en-Provence à relancer avant la fin du mois";
    assert!(long.chars().count() > 50);
    let refused = w
        .site
        .post_form(
            "/bo/recherches",
            &[("nom", long), ("query", "commune=Aix-en-Provence")],
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text();
    assert!(body.contains("Le nom ne doit pas dépasser 50 caractères."));
    assert_eq!(refused.input_value("nom").as_deref(), Some(long));
    assert!(lists(&body, &w.b), "the list keeps its filters");
    assert!(!lists(&body, &w.a));
    let list = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await
        .text();
    assert!(!list.contains("Mes recherches"), "nothing was saved");
}

/// The étiquette filter: the territory's étiquettes are offered, the list
/// keeps the cases carrying the chosen one and says so in a removable
/// filter; another territory's étiquette is refused, not silently ignored.
#[tokio::test]
async fn filtering_by_etiquette_keeps_the_tagged_cases() {
    let w = world().await;
    let thirteen = histologe_core::territory_code::TerritoryCode::parse("13").expect("13");
    let app = w.site.app();
    let peril = app
        .create_tag(&w.rt13.actor, &thirteen, "Péril imminent")
        .await
        .expect("tag created");
    let tagged = w.file_case(&w.site.locataire_answers()).await;
    app.tag_signalement(&w.rt13.actor, tagged.signalement.id, peril.id)
        .await
        .expect("tagged");

    let page = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await;
    assert!(page.text().contains(&format!(
        "<option value=\"{}\">Péril imminent</option>",
        peril.id
    )));
    let page = w
        .site
        .get_with(
            &format!("/bo/signalements?etiquette={}", peril.id),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.text();
    assert!(lists(&body, &tagged.signalement.reference), "{body}");
    for other in [&w.a, &w.b, &w.c] {
        assert!(!lists(&body, other), "{other} carries no étiquette");
    }
    assert!(body.contains("Étiquette : Péril imminent"));

    // The Gironde's RT is not offered the 13's étiquettes.
    let refused = w
        .site
        .get_with(
            &format!("/bo/signalements?etiquette={}", peril.id),
            Some(&w.rt33.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("Choisissez une étiquette de la liste.")
    );
}

/// Past a thousand cases the list stops counting (issue 12: the exact
/// count of a territory at every page cost the list half its time at a
/// million cases): it says « plus de 1 000 » and still pages on.
#[tokio::test]
async fn past_a_thousand_cases_the_list_says_more_than_a_thousand_and_pages_on() {
    let w = world().await;
    let ports = &w.site.ports;
    let model = ports
        .signalements
        .case_by_code_suivi(
            &w.file_case(&w.site.locataire_answers())
                .await
                .signalement
                .code_suivi,
        )
        .await
        .expect("case")
        .expect("filed");
    let exact = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await;
    assert!(exact.body.contains(">4 signalements</p>"), "{}", exact.body);

    w.site.copies_of(&model.signalement, 1_000).await;

    let first = w
        .site
        .get_with("/bo/signalements", Some(&w.rt13.cookie))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first
            .body
            .contains(">Plus de 1\u{202f}000 signalements</p>"),
        "{}",
        first.body
    );
    assert!(first.body.contains(">1 / plus de 40</a>"), "{}", first.body);
    assert!(
        first.body.contains("page=2\">Page suivante</a>"),
        "{}",
        first.body
    );

    // Further than the bound: the page is shown, and whether one follows.
    let far = w
        .site
        .get_with("/bo/signalements?page=41", Some(&w.rt13.cookie))
        .await;
    assert_eq!(far.status, StatusCode::OK);
    assert!(
        far.body.contains(">1\u{202f}004 signalements</p>"),
        "{}",
        far.body
    );
    assert!(far.body.contains(">41 / 41</a>"), "{}", far.body);
    assert!(!far.body.contains("Page suivante"));
}
