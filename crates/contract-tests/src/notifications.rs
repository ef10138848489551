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

/// The back-office page of notifications: `page_of_user` pages a user's
/// notifications newest first with his total, `unseen_count` counts what
/// he has not seen, `mark_all_seen` marks his only, and the deletions touch
/// his notifications only (someone else's id deletes nothing).
pub async fn notifications_page_count_mark_and_delete_are_per_user(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let one = case(&w.bdr.code, "2025-1", days(-2));
    commit_cases(s, &[&one]).await;
    let first = notification(&one, &w.agent, minutes(-40));
    let second = notification(&one, &w.agent, minutes(-30));
    let mut third = notification(&one, &w.agent, minutes(-20));
    third.is_seen = true;
    let for_rt = notification(&one, &w.rt, minutes(-10));
    let mut tx = begin(s).await;
    for n in [&first, &second, &third, &for_rt] {
        tx.insert_notification(n)
            .await
            .expect("insert_notification");
    }
    commit(tx).await;

    let page = s
        .notifications
        .page_of_user(w.agent.id, 0, 2)
        .await
        .expect("page_of_user");
    assert_eq!(page.total, 3, "the total counts every page");
    assert_eq!(page.items, vec![third.clone(), second.clone()]);
    let rest = s
        .notifications
        .page_of_user(w.agent.id, 2, 2)
        .await
        .expect("page_of_user");
    assert_eq!(rest.items, vec![first.clone()]);
    assert_eq!(s.notifications.unseen_count(w.agent.id).await, Ok(2));
    assert_eq!(s.notifications.unseen_count(w.rt.id).await, Ok(1));
    assert_eq!(s.notifications.unseen_count(w.admin.id).await, Ok(0));

    s.notifications
        .mark_all_seen(w.agent.id)
        .await
        .expect("mark_all_seen");
    assert_eq!(s.notifications.unseen_count(w.agent.id).await, Ok(0));
    assert_eq!(
        s.notifications.unseen_count(w.rt.id).await,
        Ok(1),
        "another user's notifications stay unseen"
    );
    let seen = s.notifications.of_user(w.agent.id).await.expect("of_user");
    assert!(seen.iter().all(|n| n.is_seen));
    assert_eq!(
        seen.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![third.id, second.id, first.id],
        "marking keeps every notification"
    );

    assert_eq!(
        s.notifications.delete_of_user(w.agent.id, for_rt.id).await,
        Ok(false),
        "the RT's notification is not the agent's to delete"
    );
    assert_eq!(
        s.notifications.of_user(w.rt.id).await.map(|n| n.len()),
        Ok(1)
    );
    assert_eq!(
        s.notifications.delete_of_user(w.agent.id, second.id).await,
        Ok(true)
    );
    assert_eq!(
        s.notifications
            .of_user(w.agent.id)
            .await
            .map(|all| all.into_iter().map(|n| n.id).collect::<Vec<_>>()),
        Ok(vec![third.id, first.id])
    );
    assert_eq!(s.notifications.delete_all_of_user(w.agent.id).await, Ok(2));
    assert_eq!(s.notifications.of_user(w.agent.id).await, Ok(Vec::new()));
    assert_eq!(s.notifications.of_user(w.rt.id).await, Ok(vec![for_rt]));
}

/// The daily digest's reads and write: `users_awaiting_summary` names each
/// user with a notification waiting for the digest once;
/// `awaiting_summary_of` gives his waiting ones oldest first;
/// `clear_awaiting_summary` clears exactly the given ids of that user (one
/// of another user named by mistake keeps waiting, one that arrived since
/// keeps waiting), and the cleared flag reads back cleared everywhere, even
/// after "mark all seen".
pub async fn notifications_awaiting_summary_are_listed_and_cleared_by_id(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let one = case(&w.bdr.code, "2025-1", days(-2));
    let other = case(&w.bdr.code, "2025-2", days(-1));
    commit_cases(s, &[&one, &other]).await;
    let waiting = |case, user, at| {
        let mut n = notification(case, user, at);
        n.wait_mailing_summary = true;
        n
    };
    let newer = waiting(&other, &w.agent, minutes(-10));
    let older = waiting(&one, &w.agent, minutes(-40));
    let sent_already = notification(&one, &w.agent, minutes(-30));
    let for_rt = waiting(&one, &w.rt, minutes(-20));
    let not_waiting_admin = notification(&one, &w.admin, minutes(-5));
    let mut tx = begin(s).await;
    for n in [&newer, &older, &sent_already, &for_rt, &not_waiting_admin] {
        tx.insert_notification(n)
            .await
            .expect("insert_notification");
    }
    commit(tx).await;

    let users = s
        .notifications
        .users_awaiting_summary()
        .await
        .expect("users_awaiting_summary");
    assert_eq!(
        sorted(&users, |u| *u),
        sorted(&[w.agent.id, w.rt.id], |u| *u),
        "each waiting user once, nobody else"
    );
    assert_eq!(
        s.notifications.awaiting_summary_of(w.agent.id).await,
        Ok(vec![older.clone(), newer.clone()]),
        "oldest first, the one already e-mailed left out"
    );
    assert_eq!(
        s.notifications.awaiting_summary_of(w.admin.id).await,
        Ok(Vec::new())
    );

    // The digest listed `older` only (`newer` arrived during the send);
    // the RT's id slipped in by mistake is not the agent's to clear.
    assert_eq!(
        s.notifications
            .clear_awaiting_summary(w.agent.id, &[older.id, for_rt.id])
            .await,
        Ok(1)
    );
    assert_eq!(
        s.notifications.awaiting_summary_of(w.agent.id).await,
        Ok(vec![newer.clone()])
    );
    assert_eq!(
        s.notifications.awaiting_summary_of(w.rt.id).await,
        Ok(vec![for_rt.clone()])
    );
    let cleared = s.notifications.of_user(w.agent.id).await.expect("of_user");
    let flag = |all: &[histologe_core::model::Notification], id| {
        all.iter()
            .find(|n| n.id == id)
            .map(|n| n.wait_mailing_summary)
    };
    assert_eq!(flag(&cleared, older.id), Some(false), "read back cleared");
    assert_eq!(flag(&cleared, newer.id), Some(true));
    assert_eq!(
        s.notifications
            .clear_awaiting_summary(w.agent.id, &[older.id])
            .await,
        Ok(0),
        "clearing twice clears nothing more"
    );

    s.notifications
        .mark_all_seen(w.agent.id)
        .await
        .expect("mark_all_seen");
    let seen = s.notifications.of_user(w.agent.id).await.expect("of_user");
    assert_eq!(
        flag(&seen, older.id),
        Some(false),
        "still cleared once seen"
    );
    assert_eq!(flag(&seen, newer.id), Some(true), "still waiting once seen");
    let page = s
        .notifications
        .page_of_user(w.agent.id, 0, 10)
        .await
        .expect("page_of_user");
    assert_eq!(page.items, seen, "the page reads the flags the same way");
    let mut rest = newer.clone();
    rest.is_seen = true;
    assert_eq!(
        s.notifications.awaiting_summary_of(w.agent.id).await,
        Ok(vec![rest])
    );

    assert_eq!(
        s.notifications
            .clear_awaiting_summary(w.rt.id, &[for_rt.id])
            .await,
        Ok(1)
    );
    assert_eq!(
        s.notifications
            .of_signalement(one.signalement.id)
            .await
            .map(|all| all.iter().filter(|n| n.wait_mailing_summary).count()),
        Ok(0),
        "of_signalement reads the cleared flags too"
    );
    assert_eq!(
        s.notifications.users_awaiting_summary().await,
        Ok(vec![w.agent.id])
    );
    assert_eq!(
        s.notifications
            .clear_awaiting_summary(w.agent.id, &[])
            .await,
        Ok(0)
    );
}
