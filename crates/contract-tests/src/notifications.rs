//! `NotificationRepository`: the in-app notifications.

use histologe_core::enums::{AffectationStatus, NotificationType};
use histologe_core::ids::SignalementId;

use crate::Backend;
use crate::fixtures::{affectation, case, days, message, minutes, notification, uuid};
use crate::support::{begin, commit, commit_cases, sorted, world};

/// `of_user` gives a user's notifications newest first, whatever the
/// order they were written in, every field as written.
pub async fn notifications_of_user_newest_first(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut one = case(&w.bdr.code, "2025-1", days(-2));
    let handed = affectation(&one, &w.schs, AffectationStatus::Wait);
    one.affectations.push(handed.clone());
    let other = case(&w.bdr.code, "2025-2", days(-1));
    commit_cases(s, &[&one, &other]).await;
    let reply = message(&other, &w.rt, minutes(-50));

    let oldest = notification(&one, &w.agent, minutes(-60));
    let mut newest = notification(&other, &w.agent, minutes(-10));
    newest.notification_type = NotificationType::NouveauSuivi;
    newest.suivi_id = Some(reply.id);
    newest.is_seen = true;
    let mut middle = notification(&one, &w.agent, minutes(-30));
    middle.notification_type = NotificationType::NouvelleAffectation;
    middle.affectation_id = Some(handed.id);
    middle.wait_mailing_summary = true;
    let for_rt = notification(&one, &w.rt, minutes(-20));

    let mut tx = begin(s).await;
    tx.insert_suivi(&reply).await.expect("insert_suivi");
    for n in [&middle, &newest, &for_rt, &oldest] {
        tx.insert_notification(n)
            .await
            .expect("insert_notification");
    }
    commit(tx).await;

    assert_eq!(
        s.notifications.of_user(w.agent.id).await,
        Ok(vec![newest, middle, oldest])
    );
    assert_eq!(s.notifications.of_user(w.rt.id).await, Ok(vec![for_rt]));
    assert_eq!(s.notifications.of_user(w.admin.id).await, Ok(Vec::new()));
}

/// `of_signalement` gives every user's notifications about one case.
pub async fn notifications_of_signalement(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let one = case(&w.bdr.code, "2025-1", days(-2));
    let other = case(&w.bdr.code, "2025-2", days(-1));
    commit_cases(s, &[&one, &other]).await;
    let for_agent = notification(&one, &w.agent, minutes(-30));
    let for_rt = notification(&one, &w.rt, minutes(-20));
    let elsewhere = notification(&other, &w.agent, minutes(-10));
    let mut tx = begin(s).await;
    for n in [&for_agent, &for_rt, &elsewhere] {
        tx.insert_notification(n)
            .await
            .expect("insert_notification");
    }
    commit(tx).await;

    let listed = s
        .notifications
        .of_signalement(one.signalement.id)
        .await
        .expect("of_signalement");
    assert_eq!(
        sorted(&listed, |n| n.id),
        sorted(&[for_agent.id, for_rt.id], |id| *id)
    );
    assert!(listed.contains(&for_agent) && listed.contains(&for_rt));
    assert_eq!(
        s.notifications.of_signalement(other.signalement.id).await,
        Ok(vec![elsewhere])
    );
    assert_eq!(
        s.notifications.of_signalement(SignalementId(uuid())).await,
        Ok(Vec::new())
    );
}
