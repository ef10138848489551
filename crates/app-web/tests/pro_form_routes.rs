//! The professional form (features.md §2.7) through its routes, as an
//! agent uses it: he begins a signalement with his own details filled in,
//! stops and finds it in "Mes brouillons", files it and lands on the new
//! case; nobody else opens his draft, neither from the back-office nor
//! from the public form's links.

mod support;

use std::ops::Deref;

use axum::http::StatusCode;
use histologe_core::enums::{CreationSource, PartnerType, Role, SignalementStatus};
use histologe_core::form::{Answers, REVIEW_SLUG};
use histologe_core::ids::{DraftId, SignalementId};
use support::world::{BoWorld, Staff};
use support::{Reply, Site, complete, payload_answers, step_body};

const TIERS_PRO_JSON: &str = include_str!("../../core/src/form/testdata/tiers_pro.json");
const DRAFTS: &str = "/bo/signalements/brouillons";

/// The back-office world, an agent of the ADIL 13 (another partner of
/// the agent's territory) and an agent of the SCHS de Bordeaux.
struct World {
    bo: BoWorld,
    other13: Staff,
    agent33: Staff,
}

impl Deref for World {
    type Target = BoWorld;
    fn deref(&self) -> &BoWorld {
        &self.bo
    }
}

async fn world() -> World {
    let bo = BoWorld::new().await;
    let adil13 = bo
        .site
        .partner("13", "ADIL 13", PartnerType::Adil, &[])
        .await;
    World {
        other13: bo
            .staff("adil13@histologe.test", Role::Agent, Some(&adil13))
            .await,
        agent33: bo
            .staff("agent33@histologe.test", Role::Agent, Some(&bo.schs33))
            .await,
        bo,
    }
}

fn pro_answers(site: &Site) -> Answers {
    let mut answers = payload_answers(TIERS_PRO_JSON);
    complete(&mut answers, site.ports.clock.now().date_naive());
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
    site.post_multipart(
        &step_path(draft, slug),
        step_body(slug, answers, action),
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
    let (site, cookie) = (&w.site, w.agent13.cookie.as_str());
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
        .ports
        .drafts
        .get(filed_from)
        .await
        .expect("read")
        .expect("the draft");
    let case = site
        .ports
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
    assert_eq!(s.created_by, Some(w.agent13.user.id));
    assert_eq!(s.created_by_partner, Some(w.schs13.id));
    assert_eq!(s.status, SignalementStatus::NeedValidation);
    assert_eq!(s.adresse.code_postal, "13002");

    // Sent: the draft left his list, and nobody else is told.
    assert!(
        told.text()
            .contains("Vous n'avez aucun brouillon en cours.")
    );
    let other = site.get_with(&location, Some(&w.other13.cookie)).await;
    assert!(!other.text().contains(&case.signalement.reference));
}

#[tokio::test]
async fn a_territory_admin_lands_on_the_case_he_filed() {
    let w = world().await;
    let (site, cookie) = (&w.site, w.rt13.cookie.as_str());
    let (_, end) = walk(site, cookie, &pro_answers(site)).await;
    assert_eq!(end.status, StatusCode::SEE_OTHER, "{}", end.text());
    let location = end.location();
    let id: SignalementId = location
        .trim_start_matches("/bo/signalements/")
        .trim_end_matches("?fait=cree")
        .parse()
        .unwrap_or_else(|_| panic!("the new case's page: {location}"));
    let page = site.get_with(&location, Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Le signalement est créé."));
    let case = site
        .ports
        .signalements
        .case(id)
        .await
        .expect("read")
        .expect("the case exists");
    assert_eq!(case.signalement.created_by_partner, Some(w.ars13.id));
}

#[tokio::test]
async fn a_draft_is_kept_for_later_and_is_its_authors_alone() {
    let w = world().await;
    let (site, cookie) = (&w.site, w.agent13.cookie.as_str());
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
    for other in [&w.other13.cookie, &w.agent33.cookie] {
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
    let (site, cookie) = (&w.site, w.agent13.cookie.as_str());
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
    let (site, cookie) = (&w.site, w.agent33.cookie.as_str());
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
