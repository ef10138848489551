//! `/bo/statistiques` and its CSV as the people using them see them: in
//! the Bouches-du-Rhône, a case of January 2025 affected to the SCHS (A),
//! one of March affected to the CAF (B), one of March waiting for
//! validation (C). The agent of the SCHS counts A only; the RT all three.

mod support;

use axum::http::StatusCode;
use chrono::TimeZone;
use histologe_core::enums::SignalementStatus;
use support::world::BoWorld;
use support::{Site, csv_records};

fn on(site: &Site, y: i32, m: u32, d: u32) {
    site.adapters.clock.set(
        chrono::Utc
            .with_ymd_and_hms(y, m, d, 10, 0, 0)
            .single()
            .expect("a date"),
    );
}

async fn world() -> BoWorld {
    let mut w = BoWorld::new().await;
    on(&w.site, 2025, 1, 15);
    let a = w.file_case(&w.site.locataire_answers()).await;
    on(&w.site, 2025, 3, 5);
    let b = w.file_case(&w.site.locataire_answers()).await;
    on(&w.site, 2025, 3, 20);
    w.file_case(&w.site.locataire_answers()).await;
    on(&w.site, 2025, 3, 25);
    w.affect(&a, &[&w.schs13]).await;
    w.affect(&b, &[&w.caf13]).await;
    w.sign_in_again().await;
    w
}

/// The rows of the table captioned `caption`: header cell, value cell.
fn table(body: &str, caption: &str) -> Vec<(String, String)> {
    let start = body
        .find(&format!("<caption>{caption}</caption>"))
        .unwrap_or_else(|| panic!("a table « {caption} » in {body}"));
    let rest = &body[start..];
    let rest = &rest[..rest.find("</table>").expect("end of table")];
    rest.split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|row| {
            let (head, rest) = row.split_once("</th><td>").expect("a row");
            let (value, _) = rest.split_once("</td>").expect("a value");
            (support::unescape(head), value.to_string())
        })
        .collect()
}

#[tokio::test]
async fn an_agent_never_counts_another_partners_case() {
    let w = world().await;
    let page = w
        .site
        .get_with("/bo/statistiques", Some(&w.agent13.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("<strong>1</strong> signalement"),
        "{}",
        page.body
    );
    assert_eq!(
        table(&page.body, "Signalements par mois de dépôt"),
        vec![("janvier 2025".to_string(), "1".to_string())]
    );
    assert!(
        !page.body.contains("id=\"stat-partenaire\""),
        "no partner filter for an agent"
    );
    // Asking for the CAF's cases by hand shows no figure at all.
    let forged = w
        .site
        .get_with(
            &format!("/bo/statistiques?partenaire={}", w.caf13.id),
            Some(&w.agent13.cookie),
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!forged.body.contains("signalement</p>"));
    let csv = w
        .site
        .get_with("/bo/statistiques/export.csv", Some(&w.agent13.cookie))
        .await;
    assert!(csv_records(&csv.body).contains(&vec![
        "Total".to_string(),
        "Signalements".to_string(),
        "1".to_string()
    ]));
}

#[tokio::test]
async fn the_rt_sees_the_month_counts_of_his_cases() {
    let w = world().await;
    let page = w
        .site
        .get_with("/bo/statistiques", Some(&w.rt13.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<strong>3</strong> signalements"));
    assert_eq!(
        table(&page.body, "Signalements par mois de dépôt"),
        vec![
            ("janvier 2025".to_string(), "1".to_string()),
            ("février 2025".to_string(), "0".to_string()),
            ("mars 2025".to_string(), "2".to_string()),
        ]
    );
    // The chart says the same in words.
    assert!(
        page.body
            .contains("janvier 2025 : 1, février 2025 : 0, mars 2025 : 2")
    );
    let statuses = table(&page.body, "Signalements par statut");
    assert!(statuses.contains(&(SignalementStatus::Active.label().to_string(), "2".into())));
    assert!(statuses.contains(&(
        SignalementStatus::NeedValidation.label().to_string(),
        "1".into()
    )));
    // His partner filter: the CAF's case only.
    let caf = w
        .site
        .get_with(
            &format!("/bo/statistiques?partenaire={}", w.caf13.id),
            Some(&w.rt13.cookie),
        )
        .await;
    assert_eq!(caf.status, StatusCode::OK);
    assert_eq!(
        table(&caf.body, "Signalements par mois de dépôt"),
        vec![("mars 2025".to_string(), "1".to_string())]
    );
    // A period: March only.
    let march = w
        .site
        .get_with(
            "/bo/statistiques?du=2025-03-01&au=2025-03-31",
            Some(&w.rt13.cookie),
        )
        .await;
    assert!(march.body.contains("<strong>2</strong> signalements"));
    // A wrong date keeps what was typed and says where.
    let wrong = w
        .site
        .get_with("/bo/statistiques?du=31%2F02%2F2025", Some(&w.rt13.cookie))
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("href=\"#stat-du\""));
    assert_eq!(wrong.input_value("du").as_deref(), Some("31/02/2025"));
}

#[tokio::test]
async fn the_csv_has_the_figures_of_the_page() {
    let w = world().await;
    let csv = w
        .site
        .get_with("/bo/statistiques/export.csv", Some(&w.rt13.cookie))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let lines = csv_records(&csv.body);
    let line = |a: &str, b: &str, c: &str| vec![a.to_string(), b.to_string(), c.to_string()];
    assert_eq!(lines[0], line("Rubrique", "Libellé", "Valeur"));
    for expected in [
        line("Total", "Signalements", "3"),
        line("Par mois de dépôt", "2025-01", "1"),
        line("Par mois de dépôt", "2025-02", "0"),
        line("Par mois de dépôt", "2025-03", "2"),
        line("Par statut", SignalementStatus::Active.label(), "2"),
        line("Par statut", SignalementStatus::NeedValidation.label(), "1"),
    ] {
        assert!(lines.contains(&expected), "{expected:?} in {lines:?}");
    }
    let delays: Vec<_> = lines.iter().filter(|l| l[0] == "Délai médian").collect();
    assert_eq!(delays.len(), 3, "{lines:?}");
    // The page links the same figures.
    let page = w
        .site
        .get_with("/bo/statistiques?du=2025-01-01", Some(&w.rt13.cookie))
        .await;
    assert!(
        page.body
            .contains("href=\"/bo/statistiques/export.csv?territoire=&#38;partenaire=&#38;du=2025-01-01&#38;au=\""),
        "{}",
        page.body
    );
}

/// The figures are kept five minutes (issue 12: at a million cases each
/// computation reads a whole territory), and the page says from when: a
/// case filed meanwhile counts once they are computed again.
#[tokio::test]
async fn the_figures_are_kept_five_minutes_and_dated() {
    let w = world().await;
    let first = w
        .site
        .get_with("/bo/statistiques", Some(&w.rt13.cookie))
        .await;
    assert!(first.body.contains("<strong>3</strong> signalements"));
    assert!(
        first
            .body
            .contains("Chiffres du 25/03/2025 à 11:00, recalculés toutes les 5 minutes."),
        "{}",
        first.body
    );

    w.file_case(&w.site.locataire_answers()).await;
    site_clock_plus(&w.site, 4);
    let kept = w
        .site
        .get_with("/bo/statistiques", Some(&w.rt13.cookie))
        .await;
    assert!(kept.body.contains("<strong>3</strong> signalements"));

    site_clock_plus(&w.site, 2);
    let again = w
        .site
        .get_with("/bo/statistiques", Some(&w.rt13.cookie))
        .await;
    assert!(again.body.contains("<strong>4</strong> signalements"));
    assert!(again.body.contains("Chiffres du 25/03/2025 à 11:06"));
}

fn site_clock_plus(site: &Site, minutes: i64) {
    let now = histologe_ports::Clock::now(site.adapters.clock.as_ref());
    site.adapters
        .clock
        .set(now + chrono::Duration::minutes(minutes));
}
