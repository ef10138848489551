//! The policy and the use cases behind what the back-office reads around
//! a case: who reads its history (`Action::ViewHistory`), who puts
//! étiquettes on it (`Action::EditTags`) and manages them (`ManageTags`),
//! who may stop following it (`Action::Unsubscribe`).

mod common;

use common::World;
use histologe_application::AppError;
use histologe_core::enums::Role;
use histologe_core::model::Case;
use histologe_core::policy::Refusal;
use histologe_core::{Action, Actor, Resource, can};

fn decision(actor: &Actor, action: Action, case: &Case) -> Result<(), Refusal> {
    can(actor, action, Resource::Signalement(case))
}

#[tokio::test]
async fn history_is_for_the_rt_of_the_territory_and_super_admins() {
    let w = World::new().await;
    let case = w.accepted_case().await;
    let p = &w.people;
    assert_eq!(
        decision(&w.actor(&p.rt), Action::ViewHistory, &case),
        Ok(())
    );
    assert_eq!(
        decision(&w.actor(&p.super_admin), Action::ViewHistory, &case),
        Ok(())
    );
    assert_eq!(
        decision(&w.actor(&p.agent_schs), Action::ViewHistory, &case),
        Err(Refusal::InsufficientRole),
        "an agent sees the case, not its audit log"
    );
    assert_eq!(
        decision(&w.actor(&p.rt_other_territory), Action::ViewHistory, &case),
        Err(Refusal::OutOfScope)
    );
    // The use case answers the same, and gives the validation by the RT.
    let history = w
        .app
        .case_history(&w.actor(&p.rt), &case, &[])
        .await
        .expect("history");
    let rt_name = format!("{} {}", p.rt.prenom, p.rt.nom);
    assert!(history.lines.iter().any(|l| {
        l.author.as_deref() == Some(rt_name.as_str())
            && l.entry.changes.get("status").is_some()
            && l.entry.user_id == Some(p.rt.id)
    }));
    let refused = w
        .app
        .case_history(&w.actor(&p.agent_schs), &case, &[])
        .await;
    assert_eq!(
        refused
            .map(|h| h.lines.len())
            .map_err(|e| e.refusal().cloned()),
        Err(Some(Refusal::InsufficientRole))
    );
}

#[tokio::test]
async fn tags_are_put_on_cases_by_rts_and_super_admins_of_the_territory() {
    let w = World::new().await;
    let case = w.accepted_case().await;
    let p = &w.people;
    let rt = w.actor(&p.rt);
    assert_eq!(decision(&rt, Action::EditTags, &case), Ok(()));
    assert_eq!(
        decision(&w.actor(&p.super_admin), Action::EditTags, &case),
        Ok(())
    );
    assert_eq!(
        decision(&w.actor(&p.agent_schs), Action::EditTags, &case),
        Err(Refusal::InsufficientRole)
    );
    let territory = &case.signalement.territory;
    let tag = w
        .app
        .create_tag(&rt, territory, "Péril")
        .await
        .expect("tag created");
    assert_eq!(
        w.app
            .create_tag(&w.actor(&p.rt_other_territory), territory, "Autre")
            .await
            .map(|_| ())
            .map_err(|e| e.refusal().cloned()),
        Err(Some(Refusal::InsufficientRole)),
        "an RT manages his own territory's tags only"
    );
    assert_eq!(
        w.app
            .create_tag(&w.actor(&p.agent_schs), territory, "Autre")
            .await
            .map(|_| ())
            .map_err(|e| e.refusal().cloned()),
        Err(Some(Refusal::InsufficientRole))
    );
    let id = case.signalement.id;
    let tagged = w
        .app
        .tag_signalement(&rt, id, tag.id)
        .await
        .expect("tagged");
    assert_eq!(tagged.signalement.tags, vec![tag.id]);
    // Twice is once.
    let again = w
        .app
        .tag_signalement(&rt, id, tag.id)
        .await
        .expect("tagged");
    assert_eq!(again.signalement.tags, vec![tag.id]);
    assert!(
        w.app
            .tag_signalement(&w.actor(&p.agent_schs), id, tag.id)
            .await
            .is_err()
    );
    // A deleted tag leaves the case's page but not its data.
    w.app.delete_tag(&rt, tag.id).await.expect("deleted");
    let case = w.case(id).await;
    let tags = w.app.case_tags(&rt, &case).await.expect("tags");
    assert!(tags.on_case.is_empty());
    assert!(tags.addable.iter().all(|t| t.id != tag.id));
    assert!(matches!(
        w.app.tag_signalement(&rt, id, tag.id).await,
        Err(AppError::Domain(_))
    ));
}

#[tokio::test]
async fn the_last_follower_of_the_accepting_partner_may_not_leave() {
    let w = World::new().await;
    let case = w.accepted_case().await;
    let p = &w.people;
    let agent = w.actor(&p.agent_schs);
    assert_eq!(
        decision(
            &agent,
            Action::Unsubscribe {
                colleague_follows: false
            },
            &case
        ),
        Err(Refusal::LastFollowerOfPartner)
    );
    assert_eq!(
        decision(
            &agent,
            Action::Unsubscribe {
                colleague_follows: true
            },
            &case
        ),
        Ok(())
    );
    // An RT's partner did not accept the case: he leaves freely.
    assert_eq!(
        decision(
            &w.actor(&p.rt),
            Action::Unsubscribe {
                colleague_follows: false
            },
            &case
        ),
        Ok(())
    );
    let id = case.signalement.id;
    let refused = w.app.unfollow_signalement(&agent, id).await;
    assert_eq!(
        refused.map_err(|e| e.refusal().cloned()),
        Err(Some(Refusal::LastFollowerOfPartner))
    );
    assert!(w.case(id).await.subscribers.contains(&p.agent_schs.id));
    w.app
        .unfollow_signalement(&w.actor(&p.rt), id)
        .await
        .expect("the RT leaves");
    assert!(!w.case(id).await.subscribers.contains(&p.rt.id));
    w.app
        .follow_signalement(&w.actor(&p.rt), id)
        .await
        .expect("the RT follows again");
    let following = w
        .app
        .following(&w.actor(&p.rt), &w.case(id).await)
        .await
        .expect("following");
    assert!(following.follows && following.may_unfollow && !following.may_follow);
    assert_eq!(p.agent_schs.role, Role::Agent);
}

#[tokio::test]
async fn same_address_cases_follow_the_list_scope() {
    let w = World::new().await;
    let a = w.accepted_case().await;
    let c = w.active_case().await;
    w.affect_all(c.signalement.id, [w.partners.caf.id]).await;
    let rt_sees = w
        .app
        .same_address_cases(&w.actor(&w.people.rt), &a)
        .await
        .expect("same address");
    assert_eq!(
        rt_sees.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![c.signalement.id]
    );
    let agent_sees = w
        .app
        .same_address_cases(&w.actor(&w.people.agent_schs), &a)
        .await
        .expect("same address");
    assert!(agent_sees.is_empty(), "C is the CAF's, not the SCHS's");
    let caf_sees = w
        .app
        .same_address_cases(&w.actor(&w.people.agent_caf), &c)
        .await
        .expect("same address");
    assert!(caf_sees.is_empty(), "A is not the CAF's");
}
