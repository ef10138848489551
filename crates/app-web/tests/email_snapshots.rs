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
    // The super admin's login code, with the second factor on.
    app.clone()
        .with_email_2fa(true)
        .sign_in(&admin.email, "Histologe-demo-2026", "127.0.0.2")
        .await
        .expect("a pending login");
    site.runner.drain().await.expect("the worker runs");
    let mut first_of: BTreeMap<String, histologe_ports::OutgoingEmail> = BTreeMap::new();
    for mail in site.mails().await {
        first_of.entry(mail.template.clone()).or_insert(mail);
    }
    for mail in per_event_mails().await {
        first_of.entry(mail.template.clone()).or_insert(mail);
    }
    // A "new message" e-mail always has a message to show.
    for mail in site.mails().await {
        if mail.template == "usager_nouveau_suivi" {
            assert!(mail.text.contains("Message :"), "{}", mail.text);
        }
    }
    for expected in [
        "account_activation",
        "account_password_reset",
        "login_code",
        "draft_link",
        "nouvelle_affectation",
        "export_ready",
        "visite_a_programmer",
        "usager_prise_en_charge",
        "usager_accuse_reception",
        "notifications_summary",
        "usager_rappel_visite",
    ] {
        assert!(
            first_of.contains_key(expected),
            "{expected} missing from {:?}",
            first_of.keys().collect::<Vec<_>>()
        );
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

/// What the demo's accounts (in daily-digest mode) do not receive: the
/// e-mail of each event, an activation link, a draft link, an export, the
/// request to plan a visit — from accounts of the back-office world.
async fn per_event_mails() -> Vec<histologe_ports::OutgoingEmail> {
    use histologe_core::enums::{Role, UserStatus};
    let w = support::world::BoWorld::new().await;
    let app = w.site.app();
    // A case filed, validated and affected: the SCHS's agent is told.
    let case = w.file_case(&w.site.locataire_answers()).await;
    let case = w.affect(&case, &[&w.schs13]).await;
    let affectation = case.affectation_of(w.schs13.id).expect("affected").id;
    app.accept_affectation(
        &w.agent13.actor,
        case.signalement.id,
        affectation,
        Vec::new(),
    )
    .await
    .expect("accepted");
    // A new account, not activated yet, asks for its link.
    let (mut newcomer, _) = w
        .site
        .staff_member(
            "nouvelle@histologe.test",
            "Un mot de passe solide, 2026 !",
            Role::Agent,
            Some(&w.schs13),
            false,
        )
        .await;
    newcomer.status = UserStatus::Inactive;
    histologe_ports::UserRepository::update(&w.site.adapters.store, &newcomer)
        .await
        .expect("inactive");
    app.request_activation_link(&newcomer.email, "127.0.0.3")
        .await
        .expect("link asked");
    // A declarant keeps his draft for later.
    let draft = app
        .save_draft(
            None,
            w.site.locataire_answers(),
            histologe_core::form::REVIEW_SLUG.into(),
            Some("declarant@example.test".into()),
        )
        .await
        .expect("draft saved");
    app.send_draft_link(draft.id)
        .await
        .expect("draft link asked");
    // The RT exports his list.
    let filter = histologe_ports::SignalementFilter {
        territory: Some(w.schs13.territory.clone()),
        ..Default::default()
    };
    app.queue_list_export(&w.rt13.actor, &filter)
        .await
        .expect("export queued");
    w.site.runner.drain().await.expect("the worker runs");
    // Fifteen days on, the accepted case still has no visit.
    w.site.adapters.clock.advance(chrono::Duration::days(15));
    app.run_scheduled(histologe_application::ScheduledTask::NotifyVisits)
        .await
        .expect("visits task");
    w.site.runner.drain().await.expect("the worker runs");
    w.site.mails().await
}
