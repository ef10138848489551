//! An export delivered by e-mail (features.md §2.5): the agent asks for
//! it from his list, the worker builds the file with the list's scope and
//! filters, the e-mail carries a link that opens only his own file, and
//! the file is gone once its days are over.

mod support;

use axum::http::StatusCode;
use chrono::TimeDelta;
use histologe_core::enums::Role;
use support::world::{BoWorld, PASSWORD};

/// The id at the end of the e-mailed link.
fn export_link(text: &str) -> String {
    let start = text.find("/bo/exports/").expect("a link in the e-mail");
    text[start..]
        .split_whitespace()
        .next()
        .expect("the link")
        .to_string()
}

#[tokio::test]
async fn an_export_asked_by_e_mail_reaches_its_owner_only_and_expires() {
    let w = BoWorld::new().await;
    let site = &w.site;
    let other = w
        .staff(
            "autre13@histologe.test",
            Role::TerritoryAdmin,
            Some(&w.ars13),
        )
        .await;
    let answers = site.locataire_answers();
    let first = w.file_case(&answers).await;
    let second = w.file_case(&answers).await;
    let mut bordeaux = answers.clone();
    bordeaux.set_one("adresse_logement_adresse_detail_code_postal", "33000");
    bordeaux.set_one("adresse_logement_adresse_detail_commune", "Bordeaux");
    bordeaux.set_one("adresse_logement_adresse_detail_insee", "33063");
    let elsewhere = w.file_case(&bordeaux).await;
    site.mails().await;

    let rt = w.rt13.cookie.clone();
    let list = site.get_with("/bo/signalements", Some(&rt)).await;
    assert!(list.text().contains("Recevoir l'export par e-mail"));
    let queued = site
        .post_form("/bo/signalements/export", &[("query", "")], Some(&rt))
        .await;
    assert_eq!(queued.status, StatusCode::OK, "{}", queued.text());
    assert!(queued.text().contains("Export en préparation"));

    let sent = site.mails().await;
    let mail = sent
        .iter()
        .find(|m| m.to == ["rt13@histologe.test"])
        .expect("the e-mail with the link");
    assert!(mail.text.contains("(2 signalements)"), "{}", mail.text);
    let link = export_link(&mail.text);

    let file = site.get_with(&link, Some(&rt)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(file.header("cache-control"), Some("private, no-store"));
    let csv = file.text();
    assert!(csv.starts_with("\u{feff}Référence;"), "{csv}");
    // The header and the two cases of the 13; the 33's is not its scope
    // (references are numbered per territory: its commune tells it).
    let records = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .count();
    assert_eq!(records, 2, "{csv}");
    for reference in [&first.signalement.reference, &second.signalement.reference] {
        assert!(csv.contains(reference.as_str()), "{reference} in {csv}");
    }
    assert!(!csv.contains(&elsewhere.signalement.adresse.ville), "{csv}");

    // Another admin of the same territory, or nobody, cannot open it.
    assert_eq!(
        site.get_with(&link, Some(&other.cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(site.get(&link).await.status, StatusCode::SEE_OTHER);

    // A national export needs a filter, by e-mail as on the list.
    let refused = site
        .post_form(
            "/bo/signalements/export",
            &[("query", "")],
            Some(&w.super_admin.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Seven days later the file is deleted.
    site.adapters.clock.advance(TimeDelta::days(8));
    site.runner.drain().await.expect("jobs run");
    let rt = site.login("rt13@histologe.test", PASSWORD).await;
    assert_eq!(
        site.get_with(&link, Some(&rt)).await.status,
        StatusCode::NOT_FOUND
    );
}
