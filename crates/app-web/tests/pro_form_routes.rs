//! The professional form (features.md §2.7) through its routes, as an
//! agent uses it: he begins a signalement with his own details filled in,
//! stops and finds it in "Mes brouillons", files it and lands on the new
//! case; nobody else opens his draft, neither from the back-office nor
//! from the public form's links.

mod support;

use axum::http::StatusCode;
use histologe_core::enums::{CreationSource, PartnerType, Role, SignalementStatus};
use histologe_core::form::{Answers, Form, QuestionKind, REVIEW_SLUG};
use histologe_core::ids::{DraftId, SignalementId};
use histologe_core::model::{Partner, User};
use support::{Multipart, Reply, Site, complete, payload_answers};

const PASSWORD: &str = "Histologe-formulaire-pro-2026";
const TIERS_PRO_JSON: &str = include_str!("../../core/src/form/testdata/tiers_pro.json");
const DRAFTS: &str = "/bo/signalements/brouillons";

struct World {
    site: Site,
    schs13: Partner,
    agent13: User,
    agent13_cookie: String,
    other13_cookie: String,
    agent33_cookie: String,
}

async fn world() -> World {
    let site = Site::new().await;
    let schs13 = site
        .partner("13", "SCHS de Marseille", PartnerType::CommuneSchs, &[])
        .await;
    let adil13 = site.partner("13", "ADIL 13", PartnerType::Adil, &[]).await;
    let schs33 = site
        .partner("33", "SCHS de Bordeaux", PartnerType::CommuneSchs, &[])
        .await;
    let (agent13, _) = site
        .staff_member(
            "agent13@histologe.test",
            PASSWORD,
            Role::Agent,
            Some(&schs13),
            false,
        )
        .await;
    site.staff_member(
        "adil13@histologe.test",
        PASSWORD,
        Role::Agent,
        Some(&adil13),
        false,
    )
    .await;
    site.staff_member(
        "agent33@histologe.test",
        PASSWORD,
        Role::Agent,
        Some(&schs33),
        false,
    )
    .await;
    World {
        agent13_cookie: site.login("agent13@histologe.test", PASSWORD).await,
        other13_cookie: site.login("adil13@histologe.test", PASSWORD).await,
        agent33_cookie: site.login("agent33@histologe.test", PASSWORD).await,
        agent13,
        schs13,
        site,
    }
}

fn pro_answers(site: &Site) -> Answers {
    let mut answers = payload_answers(TIERS_PRO_JSON);
    complete(&mut answers, site.app().ports().clock.now().date_naive());
    answers
}

/// The draft named in a professional form's URL.
fn draft_of(location: &str) -> DraftId {
    location
        .strip_prefix("/bo/signalements/brouillons/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no draft in {location}"))
}

fn slug_of(location: &str) -> String {
    location
        .split_once("/etape/")
        .map(|(_, slug)| slug.to_string())
        .unwrap_or_else(|| panic!("no step in {location}"))
}

fn step_path(draft: DraftId, slug: &str) -> String {
    format!("{DRAFTS}/{draft}/etape/{slug}")
}

/// Posts the answers of `slug` taken from `answers`, as the agent.
async fn post_step(
    site: &Site,
    cookie: &str,
    draft: DraftId,
    slug: &str,
    answers: &Answers,
    action: &str,
) -> Reply {
    let form = Form::reference();
    let screen = form.screen(slug).expect("screen of the form");
    let mut body = Multipart::new();
    for question in form.visible_questions(screen, answers) {
        if !question.takes_answer() || question.kind == QuestionKind::Photos {
            continue;
        }
        for value in answers.values(&question.key) {
            body = body.text(&question.key, value);
        }
    }
    site.post_multipart(
        &step_path(draft, slug),
        body.text("_action", action),
        Some(cookie),
    )
    .await
}

/// "Commencer un nouveau signalement": the draft and its first step.
async fn start(site: &Site, cookie: &str) -> (DraftId, String) {
    let reply = site.post_form(DRAFTS, &[], Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let location = reply.location();
    (draft_of(&location), location)
}

/// Walks every step with `answers` until the form leaves its steps; the
/// last reply (the redirect to the new case, or the refused review).
async fn walk(site: &Site, cookie: &str, answers: &Answers) -> (DraftId, Reply) {
    let (draft, mut location) = start(site, cookie).await;
    for _ in 0..100 {
        let slug = slug_of(&location);
        let page = site.get_with(&location, Some(cookie)).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "GET {location}: {}",
            page.text()
        );
        let reply = post_step(site, cookie, draft, &slug, answers, "suivant").await;
        if reply.status != StatusCode::SEE_OTHER || slug == REVIEW_SLUG {
            return (draft, reply);
        }
        location = reply.location();
        if !location.contains("/etape/") {
            return (draft, reply);
        }
    }
    panic!("the form never ended (last: {location})");
}

#[tokio::test]
async fn an_agent_files_a_signalement_for_his_partner() {
    let w = world().await;
    let (site, cookie) = (&w.site, w.agent13_cookie.as_str());
    let empty = site.get_with(DRAFTS, Some(cookie)).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty
            .text()
            .contains("Vous n'avez aucun brouillon en cours.")
    );

    // His own details are already in the declarant's questions.
    let (draft, _) = start(site, cookie).await;
    let tiers = site
        .get_with(&step_path(draft, "vos_coordonnees_tiers"), Some(cookie))
        .await;
    assert_eq!(tiers.status, StatusCode::OK, "{}", tiers.text());
    assert_eq!(
        tiers.input_value("vos_coordonnees_tiers_email").as_deref(),
        Some("agent13@histologe.test")
    );
    assert_eq!(
        tiers
            .input_value("vos_coordonnees_tiers_nom_organisme")
            .as_deref(),
        Some("SCHS de Marseille")
    );
    let discarded = site
        .post_form(&format!("{DRAFTS}/{draft}/supprimer"), &[], Some(cookie))
        .await;
    assert_eq!(discarded.status, StatusCode::SEE_OTHER);

    let (filed_from, end) = walk(site, cookie, &pro_answers(site)).await;
    assert_eq!(end.status, StatusCode::SEE_OTHER, "{}", end.text());
    // The case awaits the territory's admins: his partner is not affected
    // yet, so he is told its reference rather than sent to a page he may
    // not open.
    let location = end.location();
    assert_eq!(location, format!("{DRAFTS}?envoye={filed_from}"));
    let sent = site
        .app()
        .ports()
        .drafts
        .get(filed_from)
        .await
        .expect("read")
        .expect("the draft");
    let case = site
        .app()
        .ports()
        .signalements
        .case(sent.signalement_id.expect("the draft became a case"))
        .await
        .expect("read")
        .expect("the case exists");
    let told = site.get_with(&location, Some(cookie)).await;
    assert_eq!(told.status, StatusCode::OK);
    assert!(
        told.text().contains(&format!(
            "Le signalement {} est créé.",
            case.signalement.reference
        )),
        "{}",
        told.text()
    );
    let s = &case.signalement;
    assert_eq!(s.creation_source, CreationSource::FormProBo);
    assert_eq!(s.created_by, Some(w.agent13.id));
    assert_eq!(s.created_by_partner, Some(w.schs13.id));
    assert_eq!(s.status, SignalementStatus::NeedValidation);
    assert_eq!(s.adresse.code_postal, "13002");

    // Sent: the draft left his list, and nobody else is told.
    assert!(
        told.text()
            .contains("Vous n'avez aucun brouillon en cours.")
    );
    let other = site.get_with(&location, Some(&w.other13_cookie)).await;
    assert!(!other.text().contains(&case.signalement.reference));
}

#[tokio::test]
async fn a_territory_admin_lands_on_the_case_he_filed() {
    let w = world().await;
    let site = &w.site;
    let ars13 = site.partner("13", "ARS 13", PartnerType::Ars, &[]).await;
    site.staff_member(
        "rt13@histologe.test",
        PASSWORD,
        Role::TerritoryAdmin,
        Some(&ars13),
        false,
    )
    .await;
    let cookie = site.login("rt13@histologe.test", PASSWORD).await;
    let (_, end) = walk(site, &cookie, &pro_answers(site)).await;
    assert_eq!(end.status, StatusCode::SEE_OTHER, "{}", end.text());
    let location = end.location();
    let id: SignalementId = location
        .trim_start_matches("/bo/signalements/")
        .trim_end_matches("?fait=cree")
        .parse()
        .unwrap_or_else(|_| panic!("the new case's page: {location}"));
    let page = site.get_with(&location, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Le signalement est créé."));
    let case = site
        .app()
        .ports()
        .signalements
        .case(id)
        .await
        .expect("read")
        .expect("the case exists");
    assert_eq!(case.signalement.created_by_partner, Some(ars13.id));
}

#[tokio::test]
async fn a_draft_is_kept_for_later_and_is_its_authors_alone() {
    let w = world().await;
    let (site, cookie) = (&w.site, w.agent13_cookie.as_str());
    let answers = pro_answers(site);
    let (draft, location) = start(site, cookie).await;
    let slug = slug_of(&location);
    let later = post_step(site, cookie, draft, &slug, &answers, "plus_tard").await;
    assert_eq!(later.status, StatusCode::SEE_OTHER, "{}", later.text());
    assert_eq!(later.location(), format!("{DRAFTS}?fait=enregistre"));
    let list = site.get_with(&later.location(), Some(cookie)).await;
    let text = list.text();
    assert!(text.contains("Le brouillon est enregistré"), "{text}");
    assert!(text.contains("13002 Marseille"), "{text}");
    assert!(text.contains(&format!("{DRAFTS}/{draft}")));

    // Another agent, of the territory or not, gets what an unknown id gets.
    let unknown = DraftId(uuid::Uuid::new_v4());
    for other in [&w.other13_cookie, &w.agent33_cookie] {
        let his = site
            .get_with(&step_path(draft, &slug), Some(other.as_str()))
            .await;
        let none = site
            .get_with(&step_path(unknown, &slug), Some(other.as_str()))
            .await;
        assert_eq!(his.status, StatusCode::NOT_FOUND);
        assert_eq!(his.status, none.status);
        assert!(!his.text().contains("13002"));
        let discard = site
            .post_form(
                &format!("{DRAFTS}/{draft}/supprimer"),
                &[],
                Some(other.as_str()),
            )
            .await;
        assert_eq!(discard.status, StatusCode::NOT_FOUND);
        let list = site.get_with(DRAFTS, Some(other.as_str())).await;
        assert!(!list.text().contains(&draft.to_string()));
    }
    // The public form's links do not open it either, nor does the
    // back-office open a public draft.
    let public = site
        .get(&format!("/signalement/brouillon/{draft}/etape/{slug}"))
        .await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
    let (public_draft, _) = site.start_draft("locataire").await;
    let from_bo = site
        .get_with(&format!("{DRAFTS}/{public_draft}"), Some(cookie))
        .await;
    assert_eq!(from_bo.status, StatusCode::NOT_FOUND);

    // Its author still has it, and discards it.
    let list = site.get_with(DRAFTS, Some(cookie)).await;
    assert!(list.text().contains(&format!("{DRAFTS}/{draft}")));
    let discard = site
        .post_form(&format!("{DRAFTS}/{draft}/supprimer"), &[], Some(cookie))
        .await;
    assert_eq!(discard.status, StatusCode::SEE_OTHER);
    let list = site.get_with(&discard.location(), Some(cookie)).await;
    assert!(list.text().contains("Le brouillon est supprimé."));
    assert!(
        list.text()
            .contains("Vous n'avez aucun brouillon en cours.")
    );
}

#[tokio::test]
async fn a_rejected_step_keeps_what_was_typed() {
    let w = world().await;
    let (site, cookie) = (&w.site, w.agent13_cookie.as_str());
    let mut answers = pro_answers(site);
    answers.set_one("adresse_logement_adresse_detail_code_postal", "99999");
    answers.set_one(
        "adresse_logement_adresse_detail_numero",
        "12 rue de l'Église",
    );
    let (draft, _) = start(site, cookie).await;
    let reply = post_step(site, cookie, draft, "adresse_logement", &answers, "suivant").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(
        text.contains("Ce code postal ne correspond à aucune commune"),
        "{text}"
    );
    assert_eq!(
        reply
            .input_value("adresse_logement_adresse_detail_numero")
            .as_deref(),
        Some("12 rue de l'Église")
    );
    // Saved as typed: the page comes back with it after a reload.
    let page = site
        .get_with(&step_path(draft, "adresse_logement"), Some(cookie))
        .await;
    assert_eq!(
        page.input_value("adresse_logement_adresse_detail_code_postal")
            .as_deref(),
        Some("99999")
    );
}

#[tokio::test]
async fn an_address_outside_the_agents_territories_is_refused_and_the_draft_kept() {
    let w = world().await;
    let (site, cookie) = (&w.site, w.agent33_cookie.as_str());
    let (draft, end) = walk(site, cookie, &pro_answers(site)).await;
    assert_eq!(end.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        end.text().contains(
            "votre partenaire n'intervient pas : vous ne pouvez pas y créer de signalement"
        ),
        "{}",
        end.text()
    );
    let list = site.get_with(DRAFTS, Some(cookie)).await;
    assert!(list.text().contains(&format!("{DRAFTS}/{draft}")));
}
