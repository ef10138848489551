//! Every e-mail type the platform sends, as its recipient reads it (HTML
//! and text), kept as insta snapshots: a change of wording or layout shows
//! in review. The e-mails come from real use — the demo's scenarios played
//! through the use cases, then the worker's run — with what changes from
//! one run to the next (ids, tokens, codes, dates) replaced by placeholders.

mod support;

use std::collections::BTreeMap;

use support::Site;

/// What varies between runs, and its placeholder.
const FILTERS: &[(&str, &str)] = &[
    (
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[uuid]",
    ),
    (
        r"nouveau-mot-de-passe/[0-9a-f]+",
        "nouveau-mot-de-passe/[jeton]",
    ),
    (
        r"suivre-mon-signalement/[A-Za-z0-9_-]+",
        "suivre-mon-signalement/[code]",
    ),
    (r"\b\d{2}/\d{2}/\d{4}( à \d{2}:\d{2})?", "[date]"),
    (
        r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) (1er|\d{1,2}) \S+ \d{4}( à \d{1,2} h( \d{2})?)?",
        "[jour]",
    ),
    (r"\b\d{4}-\d{1,5}\b", "[référence]"),
    (r"est : \d{6}", "est : [code]"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_email_type_reads_as_its_snapshot() {
    let site = Site::new().await;
    histologe_demo::load_demo_data(site.app(), &site.ports, "Histologe-demo-2026")
        .await
        .expect("the demo plays");
    site.runner.drain().await.expect("the worker runs");
    let app = site.app();
    // An agent who lost his password, and the super admin's login code.
    let accounts = histologe_demo::accounts(&site.ports)
        .await
        .expect("accounts");
    let agent = accounts
        .iter()
        .find(|a| a.role == histologe_core::enums::Role::Agent)
        .expect("a demo agent");
    app.request_password_reset(&agent.email, "127.0.0.1")
        .await
        .expect("reset asked");
    let admin = accounts
        .iter()
        .find(|a| a.role == histologe_core::enums::Role::SuperAdmin)
        .expect("the demo super admin");
    app.sign_in(&admin.email, "Histologe-demo-2026", "127.0.0.1")
        .await
        .expect("password accepted");
    site.runner.drain().await.expect("the worker runs");
    // Then time passes: the daily digest, the reminders of visits, of
    // accounts never activated, the requests for news, the notices of
    // accounts unused for a year.
    for days in [1, 2, 3, 16, 45, 100, 380] {
        site.adapters.clock.advance(chrono::Duration::days(days));
        for task in histologe_application::ScheduledTask::ALL {
            app.run_scheduled(*task).await.expect("the task runs");
        }
        site.runner.drain().await.expect("the worker runs");
    }
    let mut first_of: BTreeMap<String, histologe_ports::OutgoingEmail> = BTreeMap::new();
    for mail in site.mails().await {
        first_of.entry(mail.template.clone()).or_insert(mail);
    }
    assert!(
        first_of.len() >= 8,
        "the demo sends most types: {:?}",
        first_of.keys().collect::<Vec<_>>()
    );
    let mut settings = insta::Settings::clone_current();
    for (pattern, replacement) in FILTERS {
        settings.add_filter(pattern, *replacement);
    }
    settings.bind(|| {
        for (template, mail) in &first_of {
            assert!(!mail.tag.is_empty(), "{template} has Brevo's tag");
            let html = mail
                .html
                .as_deref()
                .expect("every e-mail has its HTML part");
            insta::assert_snapshot!(
                format!("{template}.txt"),
                format!(
                    "Objet : {}\nÉtiquette : {}\n\n{}",
                    mail.subject, mail.tag, mail.text
                )
            );
            insta::assert_snapshot!(format!("{template}.html"), html);
        }
    });
}
