//! The public site's routes, in process: `web::router` on the memory
//! adapters with the real territories and communes, requests sent with
//! `tower::ServiceExt::oneshot`, and what a person would check on the
//! answer (status, French text, what the inputs kept, where a redirect
//! goes) plus what was stored behind it.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use histologe_core::actor::{Actor, UsagerSession};
use histologe_core::enums::{DraftStatus, SignalementStatus, UsagerSide};
use histologe_core::form::{Answers, Form, REVIEW_SLUG};
use histologe_core::ids::{DraftId, SignalementId};
use histologe_core::policy::ListScope;
use histologe_ports::{JobStatus, SignalementFilter};
use support::{Multipart, Reply, Site, address, assert_contains, step_path};

const ADDRESS: &str = "adresse_logement";
const STREET: &str = "adresse_logement_adresse_detail_numero";
const POSTAL_CODE: &str = "adresse_logement_adresse_detail_code_postal";
const COMMUNE: &str = "adresse_logement_adresse_detail_commune";
const INSEE: &str = "adresse_logement_adresse_detail_insee";

fn assert_security_headers(reply: &Reply, what: &str) {
    let csp = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        reply.header("referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
}

fn assert_page(reply: &Reply, status: StatusCode, texts: &[&str], what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    assert_contains(&reply.text(), texts, what);
    assert_security_headers(reply, what);
}

fn usager(id: SignalementId) -> Actor {
    Actor::Usager(UsagerSession {
        signalement_id: id,
        side: UsagerSide::Occupant,
    })
}

async fn case_count(site: &Site) -> u64 {
    site.ports
        .signalements
        .list(&ListScope::All, &SignalementFilter::default(), 0, 100)
        .await
        .expect("list")
        .total
}

/// Posts every screen of `answers` the way a person goes through the form
/// (the screens the form shows for the answers given so far, each posted
/// with its own answers, following each redirect), from the draft's first
/// step to the confirmation. Returns the draft and the screens posted.
async fn walk_the_form(site: &Site, profil: &str, answers: &Answers) -> (DraftId, Vec<String>) {
    let form = Form::reference();
    let (draft, mut location) = site.start_draft(profil).await;
    let mut given = Answers::from_pairs([("profil", profil)]);
    let mut posted = Vec::new();
    for _ in 0..100 {
        if location.ends_with("/confirmation") {
            return (draft, posted);
        }
        let slug = support::slug_of(&location).to_string();
        posted.push(slug.clone());
        let page = site.get(&location).await;
        assert_eq!(page.status, StatusCode::OK, "GET {location}: {}", page.body);

        let screen = form.screen(&slug).expect("a screen of the form");
        form.merge_screen(screen, &mut given, answers);
        let reply = site.post_step(draft, &slug, answers, "suivant").await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "POST {slug} refused:\n{}",
            reply.text()
        );
        location = reply.location();
        if slug == REVIEW_SLUG {
            continue;
        }
        let visible = form.visible_screens(&given);
        let at = visible
            .iter()
            .position(|s| s.slug == slug)
            .expect("the posted screen is shown");
        let expected = visible.get(at + 1).map(|s| s.slug.as_str());
        assert_eq!(
            Some(support::slug_of(&location)),
            expected,
            "after {slug}: {location}"
        );
    }
    panic!("the form never reached its confirmation (last: {location})");
}

/// A signalement filed through the site; its tracking code and reference.
async fn filed(site: &Site, answers: &Answers) -> (DraftId, String, String) {
    let (draft, _) = walk_the_form(site, "locataire", answers).await;
    let receipt = site.app().draft_receipt(draft).await.expect("receipt");
    (draft, receipt.code_suivi, receipt.reference)
}

// 1. Public pages and headers.

#[tokio::test]
async fn public_pages_answer_in_french_with_the_security_headers() {
    let site = Site::new().await;
    for (path, texts) in [
        (
            "/",
            &[
                "Votre logement est en mauvais état ? Signalez-le.",
                "Je suis locataire",
            ][..],
        ),
        ("/mentions-legales", &["Mentions légales", "Éditeur"][..]),
        (
            "/cgu",
            &["Conditions générales d'utilisation", "Vos engagements"][..],
        ),
        (
            "/politique-de-confidentialite",
            &["Politique de confidentialité", "Durée de conservation"][..],
        ),
        (
            "/accessibilite",
            &["Déclaration d'accessibilité", "RGAA"][..],
        ),
        ("/healthz", &["ok"][..]),
        ("/readyz", &["ok"][..]),
        ("/signalement", &["Signal Logement"][..]),
    ] {
        let reply = site.get(path).await;
        assert_page(&reply, StatusCode::OK, texts, path);
    }
    let home = site.get("/").await;
    assert!(home.body.contains("<html lang=\"fr\""), "{}", home.body);

    let missing = site.get("/page-qui-n-existe-pas").await;
    assert_page(
        &missing,
        StatusCode::NOT_FOUND,
        &["Page introuvable", "Cette page n'existe pas", "Erreur 404"],
        "unknown path",
    );
    // The address bar after a posted message: a GET on a form's URL.
    let form_url = site.get("/suivre-mon-signalement/abc/messages").await;
    assert_page(
        &form_url,
        StatusCode::NOT_FOUND,
        &["Page introuvable"],
        "GET on a POST-only URL",
    );
    let css = site.get("/static/app/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_security_headers(&css, "static asset");
    assert_eq!(css.header("cache-control"), Some("public, max-age=86400"));
    // Pages link the versioned name, kept a year by browsers; a page of
    // an older release still gets the files.
    let home = site.get("/").await;
    let versioned = histologe_web::web::assets::url("app/app.css");
    assert!(
        versioned.starts_with("/static/v/") && home.body.contains(&versioned),
        "{versioned} in {}",
        home.body
    );
    let css = site.get(&versioned).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let older = site.get("/static/v/0123456789ab/app/app.css").await;
    assert_eq!(older.status, StatusCode::OK);
    assert_eq!(older.body, css.body);
    let missing = site
        .get(&histologe_web::web::assets::url("app/absent.css"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("cache-control"), None);
    // The DSFR is not installed in this test's assets directory: a browser
    // must not keep that 404 once `npm ci` has run.
    let missing = site.get("/static/dsfr/dsfr.min.css").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.header("cache-control"),
        None,
        "a missing asset is not cached"
    );
    let no_draft = site
        .get("/signalement/brouillon/pas-un-identifiant/etape/adresse_logement")
        .await;
    assert_page(
        &no_draft,
        StatusCode::NOT_FOUND,
        &["Page introuvable"],
        "unknown draft",
    );
}

// 2. Cross-site writes.

#[tokio::test]
async fn writes_from_another_site_are_refused() {
    let site = Site::new().await;
    let post = |headers: &[(&str, &str)]| {
        let mut request = Request::post("/signalement")
            .header(header::HOST, support::HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .body(Body::from("profil=locataire"))
            .expect("request")
    };

    let cross_site = site.send(post(&[("sec-fetch-site", "cross-site")])).await;
    assert_page(
        &cross_site,
        StatusCode::FORBIDDEN,
        &["Requête refusée"],
        "Sec-Fetch-Site: cross-site",
    );
    let foreign_origin = site
        .send(post(&[("origin", "https://site-malveillant.example")]))
        .await;
    assert_page(
        &foreign_origin,
        StatusCode::FORBIDDEN,
        &["Requête refusée"],
        "foreign Origin",
    );
    // Another subdomain (`same-site`) is not this site either.
    let same_site_other_origin = site.send(post(&[("sec-fetch-site", "same-site")])).await;
    assert_eq!(same_site_other_origin.status, StatusCode::FORBIDDEN);

    for (what, headers) in [
        (
            "Sec-Fetch-Site: same-origin",
            &[("sec-fetch-site", "same-origin")][..],
        ),
        (
            "Origin of the site",
            &[("origin", "https://signal-logement.test")][..],
        ),
        ("no Origin (not a browser)", &[][..]),
    ] {
        let reply = site.send(post(headers)).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{what}: {}",
            reply.body
        );
        assert_security_headers(&reply, what);
    }
    // Reading is never refused.
    let read = site
        .send(
            Request::get("/")
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
}

// 3. Starting.

#[tokio::test]
async fn starting_as_a_tenant_opens_the_address_step() {
    let site = Site::new().await;
    let reply = site
        .post_form("/signalement", &[("profil", "locataire")], None)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location();
    let draft = support::draft_of(&location);
    assert_eq!(location, step_path(draft, ADDRESS));

    let stored = site.app().draft(draft).await.expect("draft saved");
    assert_eq!(stored.answers.get("profil"), Some("locataire"));
    assert_eq!(stored.status, DraftStatus::EnCours);

    let page = site.get(&location).await;
    assert_page(
        &page,
        StatusCode::OK,
        &["Code postal", "Suivant", "Finir plus tard"],
        "address step",
    );
    for input in [STREET, POSTAL_CODE, COMMUNE] {
        assert_eq!(page.input_value(input).as_deref(), Some(""), "{input}");
    }
    assert!(
        page.body
            .contains(&format!("action=\"{}\"", step_path(draft, ADDRESS))),
        "the form posts to its step"
    );
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    // "Précédent" leads to the form's introduction, without any check.
    let back = site
        .post_step(draft, ADDRESS, &Answers::new(), "precedent")
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.text());
    assert_eq!(back.location(), step_path(draft, "introduction"));

    // An unknown profile starts a draft without one.
    let (other, _) = site.start_draft("pirate").await;
    let stored = site.app().draft(other).await.expect("draft");
    assert_eq!(stored.answers.get("profil"), None);
}

// 4. The address step.

#[tokio::test]
async fn an_unknown_postal_code_is_said_next_to_the_field_and_nothing_typed_is_lost() {
    let site = Site::new().await;
    let (draft, _) = site.start_draft("locataire").await;
    let typed = address("12 rue de l'Évêché", "99999", "Saint-Ailleurs");

    let reply = site.post_step(draft, ADDRESS, &typed, "suivant").await;
    assert_page(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Une réponse est à corriger",
            "Ce code postal ne correspond à aucune commune",
        ],
        "unknown postal code",
    );
    let text = reply.text();
    assert!(
        text.contains(&format!(
            "id=\"q-{POSTAL_CODE}-error\">Ce code postal ne correspond à aucune commune"
        )),
        "the error sits under its field:\n{text}"
    );
    assert!(text.contains(&format!("aria-describedby=\"q-{POSTAL_CODE}-error\"")));
    assert_eq!(
        reply.input_value(STREET).as_deref(),
        Some("12 rue de l'Évêché")
    );
    assert_eq!(
        reply.input_value(COMMUNE).as_deref(),
        Some("Saint-Ailleurs")
    );
    assert_eq!(reply.input_value(POSTAL_CODE).as_deref(), Some("99999"));

    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(stored.answers.get(STREET), Some("12 rue de l'Évêché"));
    assert_eq!(stored.answers.get(COMMUNE), Some("Saint-Ailleurs"));
    assert_eq!(stored.answers.get(POSTAL_CODE), Some("99999"));
    assert_eq!(stored.current_step, ADDRESS);

    // A commune that is not one of the postal code's: they are listed.
    let reply = site
        .post_step(
            draft,
            ADDRESS,
            &address("2 cours Mirabeau", "13100", "Lyon"),
            "suivant",
        )
        .await;
    assert_page(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Cette commune ne correspond pas au code postal 13100",
            "Aix-en-Provence, Beaurecueil",
        ],
        "commune of another postal code",
    );
    assert!(
        reply
            .text()
            .contains(&format!("id=\"q-{COMMUNE}-error\">Cette commune"))
    );
    assert_eq!(reply.input_value(COMMUNE).as_deref(), Some("Lyon"));
    assert_eq!(reply.input_value(POSTAL_CODE).as_deref(), Some("13100"));

    // A postal code of one commune does not swallow another commune's name.
    let reply = site
        .post_step(
            draft,
            ADDRESS,
            &address("33 rue des Phocéens", "13002", "Lyon"),
            "suivant",
        )
        .await;
    assert_page(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Cette commune ne correspond pas au code postal 13002",
            "Marseille",
        ],
        "commune not of the single-commune postal code",
    );
    assert_eq!(reply.input_value(COMMUNE).as_deref(), Some("Lyon"));
}

#[tokio::test]
async fn a_commune_whose_territory_is_closed_gets_the_not_open_yet_page() {
    let site = Site::new().await;
    // Gap (05061): the Hautes-Alpes are not open in data/territories.json.
    let hautes_alpes = site
        .ports
        .territories
        .get(&histologe_core::territory_code::TerritoryCode::parse("05").expect("05"))
        .await
        .expect("territories")
        .expect("05 is loaded");
    assert!(!hautes_alpes.is_active);

    let (draft, _) = site.start_draft("locataire").await;
    let typed = address("3 place Jean Marcellin", "05000", "Gap");
    let reply = site.post_step(draft, ADDRESS, &typed, "suivant").await;
    assert_page(
        &reply,
        StatusCode::OK,
        &[
            "Le signalement en ligne n'est pas encore ouvert dans cette commune",
            "pas encore ouvert pour cette commune",
            "Vos réponses sont conservées",
        ],
        "closed territory",
    );
    assert!(
        reply
            .body
            .contains(&format!("href=\"{}\"", step_path(draft, ADDRESS))),
        "a link back to the address"
    );

    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(stored.status, DraftStatus::EnCours);
    assert_eq!(stored.answers.get(STREET), Some("3 place Jean Marcellin"));
    assert_eq!(stored.answers.get(POSTAL_CODE), Some("05000"));
    assert_eq!(stored.answers.get(COMMUNE), Some("Gap"));
    assert_eq!(stored.answers.get("profil"), Some("locataire"));

    // Coming back shows what was typed.
    let page = site.get(&step_path(draft, ADDRESS)).await;
    assert_eq!(page.input_value(COMMUNE).as_deref(), Some("Gap"));
}

#[tokio::test]
async fn a_marseille_address_fills_the_insee_code_and_goes_on() {
    let site = Site::new().await;
    let (draft, _) = site.start_draft("locataire").await;
    let typed = address("33 rue des Phocéens", "13002", "Marseille");
    let reply = site.post_step(draft, ADDRESS, &typed, "suivant").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), step_path(draft, "signalement_concerne"));

    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(stored.answers.get(INSEE), Some("13202"));
    assert_eq!(stored.answers.get(STREET), Some("33 rue des Phocéens"));
    assert_eq!(stored.answers.get(POSTAL_CODE), Some("13002"));
    assert_eq!(stored.current_step, "signalement_concerne");

    let next = site.get(&reply.location()).await;
    assert_page(
        &next,
        StatusCode::OK,
        &["Précédent", "Locataire"],
        "signalement_concerne",
    );
}

// 5. Previous and later.

#[tokio::test]
async fn previous_goes_back_without_checking_and_keeps_what_was_typed() {
    let site = Site::new().await;
    let (draft, _) = site.start_draft("locataire").await;
    let reply = site
        .post_step(
            draft,
            ADDRESS,
            &address("33 rue des Phocéens", "13002", "Marseille"),
            "suivant",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);

    // Nothing chosen on "signalement_concerne" (profil is required there),
    // yet "Précédent" goes back.
    let reply = site
        .post_multipart(
            &step_path(draft, "signalement_concerne"),
            Multipart::of(&[("_action", "precedent")]),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), step_path(draft, ADDRESS));
    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(
        stored.answers.get("profil"),
        None,
        "the empty answer was saved"
    );
    assert_eq!(stored.current_step, "signalement_concerne");

    // And an invalid address is not checked when going back either.
    let reply = site
        .post_step(draft, ADDRESS, &address("", "1", ""), "precedent")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let page = site.get(&reply.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(stored.answers.get(POSTAL_CODE), Some("1"));
}

#[tokio::test]
async fn later_with_an_email_queues_the_link_and_without_one_shows_it() {
    let site = Site::new().await;
    let form = Form::reference();
    let answers = site.locataire_answers();
    let email = answers
        .get("vos_coordonnees_occupant_email")
        .expect("the payload has an e-mail")
        .to_string();

    // Without any e-mail yet: the page shows the link to keep.
    let (draft, _) = site.start_draft("locataire").await;
    let reply = site.post_step(draft, ADDRESS, &answers, "plus_tard").await;
    let link = format!("{}/signalement/brouillon/{draft}", support::BASE_URL);
    assert_page(
        &reply,
        StatusCode::OK,
        &["Vos réponses sont enregistrées", "Gardez ce lien", &link],
        "later without e-mail",
    );
    assert!(site.jobs().await.is_empty());

    // Up to the contact details, then "Finir plus tard" with the e-mail typed.
    for slug in [ADDRESS, "signalement_concerne"] {
        let reply = site.post_step(draft, slug, &answers, "suivant").await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{slug}: {}",
            reply.text()
        );
    }
    let contact = "vos_coordonnees_occupant";
    assert!(form.screen(contact).is_some());
    let reply = site.post_step(draft, contact, &answers, "plus_tard").await;
    assert_page(
        &reply,
        StatusCode::OK,
        &[
            "Vos réponses sont enregistrées",
            "Nous vous avons envoyé par e-mail un lien",
        ],
        "later with an e-mail",
    );
    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(stored.email.as_deref(), Some(email.as_str()));
    assert_eq!(stored.current_step, contact);

    let jobs = site.jobs().await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].kind.as_str(), "email.draft_link");
    assert_eq!(jobs[0].status, JobStatus::Pending);

    // The worker sends it; the link resumes at the step left.
    site.runner
        .run_once()
        .await
        .expect("worker")
        .expect("a job ran");
    let sent = site.adapters.mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, vec![email]);
    assert!(sent[0].text.contains(&link), "{}", sent[0].text);
    let resume = site.get(&format!("/signalement/brouillon/{draft}")).await;
    assert_eq!(resume.status, StatusCode::SEE_OTHER);
    assert_eq!(resume.location(), step_path(draft, contact));
}

// 6. The whole form.

#[tokio::test]
async fn the_tenant_payload_posted_screen_by_screen_becomes_a_case() {
    let site = Site::new().await;
    let answers = site.locataire_answers();
    let (draft, screens) = walk_the_form(&site, "locataire", &answers).await;
    let expected: Vec<String> = Form::reference()
        .visible_screens(&answers)
        .iter()
        .map(|s| s.slug.clone())
        .filter(|slug| slug != "introduction")
        .collect();
    assert_eq!(
        screens, expected,
        "every screen of the tenant's path, once, in order"
    );
    for slug in [
        ADDRESS,
        "vos_coordonnees_occupant",
        "coordonnees_bailleur",
        "desordres_logement_nuisibles",
        REVIEW_SLUG,
    ] {
        assert!(screens.iter().any(|s| s == slug), "{slug} in {screens:?}");
    }

    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(stored.status, DraftStatus::Envoye);
    let id = stored.signalement_id.expect("the draft names its case");
    let case = site.app().view_case(&usager(id), id).await.expect("case");
    let s = &case.signalement;
    assert_eq!(s.status, SignalementStatus::NeedValidation);
    assert_eq!(s.adresse.code_postal, "13002");
    assert_eq!(s.adresse.insee.as_deref(), Some("13202"));
    assert_eq!(s.occupant.nom.as_deref(), Some("Locataire Nom"));

    let confirmation = site
        .get(&format!("/signalement/brouillon/{draft}/confirmation"))
        .await;
    assert_page(
        &confirmation,
        StatusCode::OK,
        &["Votre signalement a bien été envoyé", &s.reference],
        "confirmation",
    );
    assert!(
        confirmation.body.contains(&format!(
            "href=\"/suivre-mon-signalement/{}\"",
            s.code_suivi
        )),
        "the tracking link"
    );
    assert_eq!(case_count(&site).await, 1);

    // Sending again (back button, double click): the confirmation, one case.
    let again = site
        .post_step(draft, REVIEW_SLUG, &answers, "suivant")
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(
        again.location(),
        format!("/signalement/brouillon/{draft}/confirmation")
    );
    let step_again = site.get(&step_path(draft, ADDRESS)).await;
    assert_eq!(step_again.status, StatusCode::SEE_OTHER);
    assert_eq!(case_count(&site).await, 1);
}

// 7. Tracking.

fn identity<'a>(prenom: &'a str, nom: &'a str, cp: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("side", "OCCUPANT"),
        ("prenom", prenom),
        ("nom", nom),
        ("code_postal", cp),
    ]
}

#[tokio::test]
async fn tracking_refuses_wrong_initials_and_unknown_codes_alike() {
    let site = Site::new().await;
    let answers = site.locataire_answers();
    let (_, code, reference) = filed(&site, &answers).await;

    let page = site.get(&format!("/suivre-mon-signalement/{code}")).await;
    assert_page(
        &page,
        StatusCode::OK,
        &["Accéder à mon dossier", "Première lettre de votre prénom"],
        "identity page",
    );
    assert!(!page.text().contains(&reference));

    let wrong = site
        .post_form(
            &format!("/suivre-mon-signalement/{code}"),
            &identity("X", "Y", "13002"),
            None,
        )
        .await;
    let unknown = site
        .post_form(
            "/suivre-mon-signalement/code-inconnu-0000",
            &identity("L", "L", "13002"),
            None,
        )
        .await;
    for (reply, what) in [(&wrong, "wrong initials"), (&unknown, "unknown code")] {
        assert_page(
            reply,
            StatusCode::UNAUTHORIZED,
            &["Connexion impossible : vérifiez les initiales et le code postal du logement."],
            what,
        );
        assert!(reply.set_cookies().is_empty(), "{what}");
        assert!(!reply.text().contains(&reference), "{what}");
    }
    // What was typed is kept.
    assert_eq!(wrong.input_value("code_postal").as_deref(), Some("13002"));
}

#[tokio::test]
async fn tracking_opens_a_session_and_the_usager_writes_to_the_services() {
    let site = Site::new().await;
    let answers = site.locataire_answers();
    let (draft, code, reference) = filed(&site, &answers).await;
    let id = site
        .app()
        .draft(draft)
        .await
        .expect("draft")
        .signalement_id
        .expect("case");
    let path = format!("/suivre-mon-signalement/{code}");

    // Initials typed as whole names, lower case: only the first letter counts.
    let login = site
        .post_form(&path, &identity("locataire", "l", "13002"), None)
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.text());
    assert_eq!(login.location(), path);
    let set_cookie = login.set_cookies().join("\n");
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/suivre-mon-signalement",
        "Secure",
    ] {
        assert!(set_cookie.contains(attribute), "{attribute}: {set_cookie}");
    }
    let cookie = login.cookie();
    assert!(
        !cookie.contains("Locataire"),
        "the cookie is encrypted: {cookie}"
    );

    let dossier = site.get_with(&path, Some(&cookie)).await;
    assert_page(
        &dossier,
        StatusCode::OK,
        &[
            &format!("Mon dossier n° {reference}"),
            "Validation en cours",
            "Votre signalement a bien été reçu",
            "13002",
            "Aucun message pour l'instant.",
        ],
        "dossier",
    );

    // A message of 10 characters or more.
    let message = "Le chauffage ne marche toujours pas, merci de venir voir.";
    let posted = site
        .post_multipart(
            &format!("{path}/messages"),
            Multipart::of(&[("message", message)]).file(
                "fichiers",
                "",
                "application/octet-stream",
                b"",
            ),
            Some(&cookie),
        )
        .await;
    // Sent, then shown by a redirect, so that a reload sends nothing again.
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(posted.location(), format!("{path}?fait=message"));
    let posted = site.get_with(&posted.location(), Some(&cookie)).await;
    assert_page(
        &posted,
        StatusCode::OK,
        &["Votre message a été envoyé.", message],
        "message sent",
    );
    let case = site.app().view_case(&usager(id), id).await.expect("case");
    assert!(
        case.suivis.iter().any(|s| s.description == message),
        "{:?}",
        case.suivis
    );
    let again = site.get_with(&path, Some(&cookie)).await;
    assert!(
        again.text().contains(message),
        "the message stays on the page"
    );

    // Too short: said, and the text stays in the box.
    let suivis = case.suivis.len();
    let short = site
        .post_multipart(
            &format!("{path}/messages"),
            Multipart::of(&[("message", "Bonjour")]),
            Some(&cookie),
        )
        .await;
    assert_page(
        &short,
        StatusCode::OK,
        &["Votre message doit compter au moins 10 caractères."],
        "short message",
    );
    assert_eq!(short.textarea("message").as_deref(), Some("Bonjour"));
    let case = site.app().view_case(&usager(id), id).await.expect("case");
    assert_eq!(case.suivis.len(), suivis, "nothing was added");

    // "Me déconnecter" drops the cookie.
    let logout = site
        .post_form(&format!("{path}/deconnexion"), &[], Some(&cookie))
        .await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert_eq!(logout.location(), path);
    let removal = logout.set_cookies().join("\n");
    assert!(
        removal.contains("histologe_suivi=;") && removal.contains("Max-Age=0"),
        "{removal}"
    );

    // Without the cookie, posting sends back to the identity check.
    let anonymous = site
        .post_multipart(
            &format!("{path}/messages"),
            Multipart::of(&[("message", message)]),
            None,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), path);
}

#[tokio::test]
async fn the_cookie_of_one_dossier_does_not_open_another() {
    let site = Site::new().await;
    let answers_a = site.locataire_answers();
    let (_, code_a, _) = filed(&site, &answers_a).await;
    let mut answers_b = answers_a.clone();
    answers_b.set_one("vos_coordonnees_occupant_prenom", "Zoé");
    answers_b.set_one("vos_coordonnees_occupant_nom", "Martin");
    answers_b.set_one("vos_coordonnees_occupant_email", "zoe.martin@exemple.fr");
    let (_, code_b, reference_b) = filed(&site, &answers_b).await;
    assert_ne!(code_a, code_b);

    let login = site
        .post_form(
            &format!("/suivre-mon-signalement/{code_a}"),
            &identity("L", "L", "13002"),
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.text());
    let cookie_a = login.cookie();

    let b = site
        .get_with(
            &format!("/suivre-mon-signalement/{code_b}"),
            Some(&cookie_a),
        )
        .await;
    assert_page(
        &b,
        StatusCode::OK,
        &["Accéder à mon dossier"],
        "B with A's cookie",
    );
    let text = b.text();
    assert!(!text.contains(&reference_b), "{text}");
    assert!(!text.contains("Martin"), "{text}");

    let post_b = site
        .post_multipart(
            &format!("/suivre-mon-signalement/{code_b}/messages"),
            Multipart::of(&[("message", "Un message qui ne doit pas passer.")]),
            Some(&cookie_a),
        )
        .await;
    assert_eq!(post_b.status, StatusCode::SEE_OTHER);
    assert_eq!(
        post_b.location(),
        format!("/suivre-mon-signalement/{code_b}")
    );
}

#[tokio::test]
async fn six_wrong_attempts_are_throttled() {
    let site = Site::new().await;
    let answers = site.locataire_answers();
    let (_, code, reference) = filed(&site, &answers).await;
    let path = format!("/suivre-mon-signalement/{code}");
    for attempt in 1..=5 {
        let reply = site
            .post_form(&path, &identity("X", "Y", "13002"), None)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let sixth = site
        .post_form(&path, &identity("X", "Y", "13002"), None)
        .await;
    assert_page(
        &sixth,
        StatusCode::TOO_MANY_REQUESTS,
        &["Trop de tentatives"],
        "sixth attempt",
    );
    // Even the right initials wait now.
    let right = site
        .post_form(&path, &identity("L", "L", "13002"), None)
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.set_cookies().is_empty());
    assert!(!right.text().contains(&reference));
}

// 8. htmx preview.

#[tokio::test]
async fn the_preview_shows_the_questions_of_the_profile_being_chosen() {
    let site = Site::new().await;
    let (draft, _) = site.start_draft("locataire").await;
    let preview = format!("{}/apercu", step_path(draft, "signalement_concerne"));
    let owner_detail = "signalement_concerne_profil_detail_bailleur_proprietaire";

    let as_tenant = site
        .post_multipart(&preview, Multipart::of(&[("profil", "locataire")]), None)
        .await;
    assert_eq!(as_tenant.status, StatusCode::OK, "{}", as_tenant.body);
    assert!(!as_tenant.body.contains(owner_detail));
    assert!(
        as_tenant
            .body
            .contains("name=\"signalement_concerne_logement_social_autre_tiers\"")
    );

    let as_owner = site
        .post_multipart(
            &preview,
            Multipart::of(&[("profil", "bailleur_occupant")]),
            None,
        )
        .await;
    assert_page(&as_owner, StatusCode::OK, &[], "preview as owner");
    assert!(
        as_owner.body.contains(&format!("name=\"{owner_detail}\"")),
        "{}",
        as_owner.body
    );
    assert!(
        as_owner
            .body
            .contains("value=\"bailleur_occupant\" checked")
    );
    // Only shown, not saved.
    let stored = site.app().draft(draft).await.expect("draft");
    assert_eq!(stored.answers.get("profil"), Some("locataire"));
}

#[tokio::test]
async fn pages_and_assets_travel_compressed_when_the_browser_accepts_it() {
    let site = Site::new().await;
    for (path, encoding) in [
        ("/", "gzip"),
        ("/static/app/app.css", "br"),
        ("/signalement", "gzip"),
    ] {
        let reply = site
            .send(
                Request::get(path)
                    .header(header::HOST, support::HOST)
                    .header(header::ACCEPT_ENCODING, encoding)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.header("content-encoding"), Some(encoding), "{path}");
    }
    // A client that asks for nothing gets the page as it is.
    let plain = site.get("/").await;
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.contains("</html>"));
}
