//! What each actor is shown and may claim, beyond the policy's yes or no:
//! redaction of what usagers and API clients receive, provenance of a new
//! case taken from the actor, and who may be made to follow a case.

mod common;

use common::{World, form};
use histologe_core::actor::{Actor, ApiClient};
use histologe_core::enums::{CreationSource, SuiviCategory};
use histologe_core::ids::UserId;
use histologe_core::model::Membership;
use histologe_core::policy::Refusal;

#[tokio::test]
async fn an_usager_is_shown_his_public_timeline_and_no_secret() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let rt = world.actor(&world.people.rt);
    world
        .app
        .add_suivi(
            &rt,
            id,
            "Note interne : bailleur connu du service.",
            false,
            true,
        )
        .await
        .expect("internal note");
    let seen = world
        .app
        .view_case(&world.usager(id), id)
        .await
        .expect("view");
    assert!(
        seen.signalement.login_bailleur.is_empty(),
        "the landlord's code is not his"
    );
    assert!(!seen.suivis.is_empty());
    assert!(
        seen.suivis.iter().all(|s| s.is_visible_for_usager),
        "no internal suivi"
    );
    assert!(seen.subscribers.is_empty() && seen.qualifications.is_empty());
    // Staff see the case whole.
    let whole = world.app.view_case(&rt, id).await.expect("view");
    assert!(!whole.signalement.login_bailleur.is_empty());
    assert!(whole.suivis.iter().any(|s| !s.is_visible_for_usager));
}

fn api_client_of(partner: &histologe_core::model::Partner) -> Actor {
    Actor::Api(ApiClient {
        id: UserId(uuid::Uuid::new_v4()),
        partners: vec![Membership {
            partner_id: partner.id,
            territory: partner.territory.clone(),
            partner_type: partner.partner_type,
            competences: partner.competences.clone(),
        }],
    })
}

#[tokio::test]
async fn an_api_client_sees_no_access_code_and_nothing_archived() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let api = api_client_of(&world.partners.schs);
    let seen = world
        .app
        .view_case(&api, id)
        .await
        .expect("its partner's case");
    assert!(seen.signalement.code_suivi.is_empty() && seen.signalement.login_bailleur.is_empty());

    world.close_and_archive(id).await;
    let refused = world.app.view_case(&api, id).await.expect_err("archived");
    assert!(refused.hides_existence(), "{refused:?}");
}

#[tokio::test]
async fn the_public_form_cannot_claim_an_author_a_partner_a_draft_or_an_import() {
    let world = World::new().await;
    let mut forged = form();
    forged.created_by = Some(world.people.agent_schs.id);
    forged.created_by_partner = Some(world.partners.schs.id);
    forged.creation_source = CreationSource::Import;
    forged.is_draft = true;
    let case = world.submit(forged).await;
    let s = &case.signalement;
    assert_eq!((s.created_by, s.created_by_partner), (None, None));
    assert_eq!(s.creation_source, CreationSource::FormUsagerV2);
    assert!(!s.is_imported);
    assert_eq!(
        s.status,
        histologe_core::enums::SignalementStatus::NeedValidation
    );
}

#[tokio::test]
async fn an_api_client_creates_only_for_its_own_partner() {
    let world = World::new().await;
    let api = api_client_of(&world.partners.schs);
    let mut other = form();
    other.created_by_partner = Some(world.partners.caf.id);
    let refused = world
        .app
        .submit_signalement(&api, other, false)
        .await
        .expect_err("not its partner");
    assert_eq!(refused.refusal(), Some(&Refusal::OutOfScope));
    let case = world
        .app
        .submit_signalement(&api, form(), false)
        .await
        .expect("its own partner");
    let stored = world.case(case.signalement.id).await;
    assert_eq!(
        stored.signalement.created_by_partner,
        Some(world.partners.schs.id)
    );
    assert_eq!(stored.signalement.creation_source, CreationSource::Api);
}

#[tokio::test]
async fn an_empty_affectation_form_reveals_nothing_to_an_outsider() {
    let world = World::new().await;
    let id = world.active_case().await.signalement.id;
    let outsider = world.actor(&world.people.agent_other_territory);
    let refused = world
        .app
        .affect_partners(&outsider, id, &[])
        .await
        .expect_err("empty");
    assert!(!matches!(
        refused.refusal(),
        Some(Refusal::InsufficientRole)
    ));
    let refused = world
        .app
        .affect_partners(&outsider, id, &[world.partners.caf.id])
        .await
        .expect_err("outsider");
    assert!(refused.hides_existence(), "{refused:?}");
}

#[tokio::test]
async fn only_colleagues_of_the_partner_can_be_made_to_follow_a_case() {
    let world = World::new().await;
    let rt = world.actor(&world.people.rt);
    let id = world.active_case().await.signalement.id;
    let case = world
        .app
        .affect_partners(&rt, id, &[world.partners.schs.id])
        .await
        .expect("affected");
    let a = case.affectation_of(world.partners.schs.id).expect("a").id;
    let agent = world.actor(&world.people.agent_schs);
    let stranger = world.people.agent_other_territory.id;
    let refused = world
        .app
        .accept_affectation(&agent, id, a, vec![stranger])
        .await
        .expect_err("a stranger");
    assert!(matches!(
        refused,
        histologe_application::AppError::Domain(histologe_core::DomainError::Invalid { .. })
    ));
    let refused = world
        .app
        .validate_signalement(
            &rt,
            world.submit(form()).await.signalement.id,
            vec![stranger],
        )
        .await
        .expect_err("not an RT of the territory");
    assert!(matches!(
        refused,
        histologe_application::AppError::Domain(histologe_core::DomainError::Invalid { .. })
    ));
    let accepted = world
        .app
        .accept_affectation(&agent, id, a, vec![])
        .await
        .expect("accepted");
    assert!(!accepted.subscribers.contains(&stranger));
    assert!(
        accepted
            .suivis
            .iter()
            .any(|s| s.category == SuiviCategory::AffectationIsAccepted)
    );
}
