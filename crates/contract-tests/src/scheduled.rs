//! What the scheduled jobs read and write (§7): the cases and visits
//! their timers look for, the staff accounts their reminders and
//! archiving are about (with the two dates they record beside the
//! account), and the bounded purges.

use chrono::TimeDelta;
use histologe_core::enums::{
    AffectationStatus, DraftStatus, InterventionStatus, NotificationType, Role, SignalementStatus,
    SuiviCategory, UserStatus,
};
use histologe_core::form::Answers;
use histologe_core::ids::{DraftId, UserId};
use histologe_core::model::{
    Affectation, Case, Partner, SignalementDraft, StaffSession, Suivi, User,
};
use histologe_ports::RepoError;

use crate::Backend;
use crate::fixtures::{
    NOW, affectation, case, days, intervention, minutes, notification, suivi, user, uuid,
};
use crate::support::{begin, commit, commit_cases, world};

fn ids(users: &[User]) -> Vec<UserId> {
    users.iter().map(|u| u.id).collect()
}

/// Cases by status and age, oldest first, excluded statuses included;
/// planned visits in a window of dates, by date, whatever their case; both
/// bounded. A visit's reminder dates are kept with it.
pub async fn scheduled_cases_and_visits_due(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let t = &w.bdr.code;
    let mut old = case(t, "2025-1", days(-30));
    old.signalement.status = SignalementStatus::InjonctionBailleur;
    let mut older = case(t, "2025-2", days(-40));
    older.signalement.status = SignalementStatus::InjonctionBailleur;
    let mut recent = case(t, "2025-3", days(-5));
    recent.signalement.status = SignalementStatus::InjonctionBailleur;
    let active = case(t, "2025-4", days(-50));
    commit_cases(s, &[&old, &older, &recent, &active]).await;
    let found = s
        .signalements
        .in_status_created_before(SignalementStatus::InjonctionBailleur, days(-21), 10)
        .await
        .expect("in_status_created_before");
    assert_eq!(found, vec![older.signalement.id, old.signalement.id]);
    let first = s
        .signalements
        .in_status_created_before(SignalementStatus::InjonctionBailleur, days(-21), 1)
        .await
        .expect("in_status_created_before");
    assert_eq!(first, vec![older.signalement.id], "bounded, oldest first");

    // Visits: two in the window (one on its lower edge), one on the upper
    // edge (out), one done (out).
    let mut tx = begin(s).await;
    let mut visited = tx
        .lock_case(active.signalement.id)
        .await
        .expect("lock")
        .expect("case");
    let on_edge = intervention(&visited, &w.schs, days(2));
    let inside = intervention(&visited, &w.schs, days(2) + chrono::TimeDelta::hours(10));
    let after = intervention(&visited, &w.schs, days(3));
    let mut done = intervention(&visited, &w.schs, days(2) + chrono::TimeDelta::hours(1));
    done.status = InterventionStatus::Done;
    visited.interventions = vec![inside.clone(), on_edge.clone(), after.clone(), done.clone()];
    tx.save_case(&visited).await.expect("save_case");
    commit(tx).await;
    let due = s
        .signalements
        .planned_visits_between(days(2), days(3), 10)
        .await
        .expect("planned_visits_between");
    let id = active.signalement.id;
    assert_eq!(due, vec![(id, on_edge.id), (id, inside.id)]);
    assert_eq!(
        s.signalements
            .planned_visits_between(days(2), days(3), 1)
            .await
            .expect("planned_visits_between"),
        vec![(id, on_edge.id)]
    );

    // The reminder dates round-trip with the visit.
    let mut tx = begin(s).await;
    let mut reminded = tx.lock_case(id).await.expect("lock").expect("case");
    let at = minutes(-3);
    for v in &mut reminded.interventions {
        if v.id == inside.id {
            v.reminder_before_sent_at = Some(at);
            v.reminder_conclusion_sent_at = Some(minutes(-1));
        }
    }
    tx.save_case(&reminded).await.expect("save_case");
    commit(tx).await;
    let stored = s
        .signalements
        .case(id)
        .await
        .expect("case")
        .expect("exists");
    let v = stored
        .interventions
        .iter()
        .find(|v| v.id == inside.id)
        .expect("visit");
    assert_eq!(v.reminder_before_sent_at, Some(at));
    assert_eq!(v.reminder_conclusion_sent_at, Some(minutes(-1)));
}

/// A suivi of `case` at `days` from now: public or internal, of `category`.
fn suivi_at(case: &Case, days_from_now: i64, public: bool, category: SuiviCategory) -> Suivi {
    Suivi {
        is_visible_for_usager: public,
        category,
        ..suivi(case, days(days_from_now))
    }
}

/// An active case validated long ago whose last public suivi is `public`
/// days from now, asked for news at each of `asked`.
fn active_with(reference: &str, w: &crate::support::World, public: i64, asked: &[i64]) -> Case {
    let mut c = case(&w.bdr.code, reference, days(-800));
    c.signalement.status = SignalementStatus::Active;
    c.signalement.validated_at = Some(days(-800));
    c.suivis
        .push(suivi_at(&c, public, true, SuiviCategory::MessagePartner));
    for at in asked {
        c.suivis
            .push(suivi_at(&c, *at, false, SuiviCategory::AskFeedbackSent));
    }
    c
}

/// The cases whose next request for news is due, and only them, most
/// overdue first: counted from the last *public* suivi (internal notes do
/// not count), only active cases of an occupied dwelling, not imported,
/// without an abandon request. Cases in the 90-day loop are out between
/// two requests, so they never crowd out a first request; bounded; a
/// request written on the case (or a new public suivi) takes it out.
pub async fn scheduled_feedback_due_counts_from_the_last_public_suivi(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    // No public suivi for 46 days, internal notes yesterday: due (first).
    let mut quiet = active_with("2025-21", &w, -46, &[]);
    quiet
        .suivis
        .push(suivi_at(&quiet, -1, false, SuiviCategory::MessagePartner));
    // In the loop, asked 10 days ago: not due (many of them).
    let looping: Vec<Case> = (0..6)
        .map(|i| active_with(&format!("2025-3{i}"), &w, -400, &[-300, -270, -240, -10]))
        .collect();
    // In the loop, asked 100 days ago: due, and more overdue than `quiet`.
    let overdue = active_with("2025-22", &w, -400, &[-300, -270, -240, -100]);
    // Asked 29 days ago: the second request is due tomorrow.
    let second = active_with("2025-23", &w, -100, &[-29]);
    // Public message 10 days ago; asked once but a public suivi since.
    let recent = active_with("2025-24", &w, -10, &[]);
    let answered = active_with("2025-25", &w, -20, &[-60]);
    let mut imported = active_with("2025-26", &w, -100, &[]);
    imported.signalement.is_imported = true;
    let mut vacant = active_with("2025-27", &w, -100, &[]);
    vacant.signalement.logement.is_logement_vacant = true;
    let mut stopping = active_with("2025-28", &w, -100, &[]);
    stopping.signalement.is_usager_abandon_procedure = true;
    let mut waiting = active_with("2025-29", &w, -100, &[]);
    waiting.signalement.status = SignalementStatus::NeedValidation;
    let mut all: Vec<&Case> = vec![
        &quiet, &overdue, &second, &recent, &answered, &imported, &vacant, &stopping, &waiting,
    ];
    all.extend(looping.iter());
    commit_cases(s, &all).await;

    let due = s
        .signalements
        .feedback_due(NOW, 10)
        .await
        .expect("feedback_due");
    assert_eq!(
        due,
        vec![overdue.signalement.id, quiet.signalement.id],
        "due cases only, most overdue first; `second` is due from tomorrow"
    );
    let first = s.signalements.feedback_due(NOW, 1).await.expect("bounded");
    assert_eq!(first, vec![overdue.signalement.id], "bounded");
    let tomorrow = s
        .signalements
        .feedback_due(days(1), 10)
        .await
        .expect("feedback_due");
    assert!(tomorrow.contains(&second.signalement.id), "{tomorrow:?}");

    // A request written on the case: no longer due.
    let mut tx = begin(s).await;
    let mut asked = tx
        .lock_case(quiet.signalement.id)
        .await
        .expect("lock")
        .expect("case");
    let request = suivi_at(&asked, 0, false, SuiviCategory::AskFeedbackSent);
    tx.insert_suivi(&request).await.expect("insert_suivi");
    asked.suivis.push(request);
    tx.save_case(&asked).await.expect("save_case");
    commit(tx).await;
    assert_eq!(
        s.signalements
            .feedback_due(NOW, 10)
            .await
            .expect("feedback_due"),
        vec![overdue.signalement.id]
    );
}

/// Accepted affectations by the date of their answer, in a window, by
/// date, whatever their case; neither the other statuses nor unanswered
/// ones; bounded. Answers to the second and with fractions are compared
/// alike.
pub async fn scheduled_affectations_accepted_between(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let t = &w.bdr.code;
    let mut one = case(t, "2025-11", days(-40));
    let mut two = case(t, "2025-12", days(-40));
    let answered = |c: &Case, p: &Partner, status, at| Affectation {
        answered_at: at,
        ..affectation(c, p, status)
    };
    let on_edge = answered(&one, &w.schs, AffectationStatus::Accepted, Some(days(-15)));
    let inside = answered(
        &two,
        &w.schs,
        AffectationStatus::Accepted,
        Some(days(-15) + TimeDelta::milliseconds(86_399_123)),
    );
    let refused = answered(&one, &w.ars, AffectationStatus::Refused, Some(days(-15)));
    let after = answered(&two, &w.ars, AffectationStatus::Accepted, Some(days(-14)));
    let unanswered = answered(&one, &w.adil, AffectationStatus::Accepted, None);
    one.affectations = vec![on_edge.clone(), refused, unanswered];
    two.affectations = vec![inside.clone(), after];
    commit_cases(s, &[&one, &two]).await;
    let found = s
        .signalements
        .accepted_affectations_answered_between(days(-15), days(-14), 10)
        .await
        .expect("accepted_affectations_answered_between");
    assert_eq!(
        found,
        vec![
            (one.signalement.id, on_edge.id),
            (two.signalement.id, inside.id)
        ]
    );
    assert_eq!(
        s.signalements
            .accepted_affectations_answered_between(days(-15), days(-14), 1)
            .await
            .expect("bounded"),
        vec![(one.signalement.id, on_edge.id)]
    );
}

/// Staff accounts never activated, by age and last reminder; accounts
/// unused (last login, or creation without any) with no archiving
/// scheduled; and the scheduled archivings that are due. Usagers and API
/// accounts are never in them; a login written with the account counts.
pub async fn scheduled_accounts_to_remind_notify_and_archive(backend: &dyn Backend) {
    let w = world(backend).await;
    let users = &w.stores.users;
    let inactive = |email: &str, created: i64| User {
        status: UserStatus::Inactive,
        last_login_at: None,
        created_at: days(created),
        ..user(email, Role::Agent, &[&w.schs])
    };
    let never_activated = inactive("jamais@marseille.fr", -20);
    let just_created = inactive("nouveau@marseille.fr", -3);
    let usager = User {
        role: Role::Usager,
        ..inactive("occupant@exemple.fr", -40)
    };
    let api = User {
        role: Role::ApiUser,
        ..inactive("api@esabora.fr", -40)
    };
    for u in [&never_activated, &just_created, &usager, &api] {
        users.insert(u).await.expect("insert");
    }
    let to_remind = |reminded_before| async move {
        ids(&users
            .unactivated_to_remind(days(-10), reminded_before, 10)
            .await
            .expect("unactivated_to_remind"))
    };
    assert_eq!(to_remind(days(-10)).await, vec![never_activated.id]);
    users
        .set_activation_reminded(never_activated.id, days(-4))
        .await
        .expect("set_activation_reminded");
    assert!(to_remind(days(-10)).await.is_empty(), "reminded since");
    assert_eq!(to_remind(days(-3)).await, vec![never_activated.id]);
    assert!(matches!(
        users.set_activation_reminded(UserId(uuid()), NOW).await,
        Err(RepoError::NotFound(_))
    ));

    // Inactivity: the world's accounts logged in two days ago.
    let away = User {
        last_login_at: Some(days(-400)),
        ..user("parti@marseille.fr", Role::PartnerAdmin, &[&w.schs])
    };
    let never_came = User {
        status: UserStatus::Inactive,
        last_login_at: None,
        created_at: days(-500),
        ..user("fantome@marseille.fr", Role::Agent, &[&w.schs])
    };
    let archived = User {
        status: UserStatus::Archive,
        last_login_at: Some(days(-900)),
        ..user("archive@marseille.fr", Role::Agent, &[&w.schs])
    };
    for u in [&away, &never_came, &archived] {
        users.insert(u).await.expect("insert");
    }
    let unused = users
        .inactive_to_notify(days(-365), 10)
        .await
        .expect("inactive_to_notify");
    assert_eq!(ids(&unused), vec![never_came.id, away.id], "oldest first");
    assert_eq!(
        ids(&users
            .inactive_to_notify(days(-365), 1)
            .await
            .expect("bounded")),
        vec![never_came.id]
    );

    users
        .set_archiving_scheduled(away.id, Some(days(15)))
        .await
        .expect("schedule");
    users
        .set_archiving_scheduled(never_came.id, Some(days(-1)))
        .await
        .expect("schedule");
    assert!(
        users
            .inactive_to_notify(days(-365), 10)
            .await
            .expect("inactive_to_notify")
            .is_empty(),
        "both scheduled"
    );
    let due = users.archiving_due(NOW, 10).await.expect("archiving_due");
    assert_eq!(
        due.iter().map(|(u, at)| (u.id, *at)).collect::<Vec<_>>(),
        vec![(never_came.id, days(-1))]
    );
    assert_eq!(due[0].0.email, never_came.email, "the account itself");
    assert_eq!(
        users
            .archiving_due(days(15), 10)
            .await
            .expect("archiving_due")
            .len(),
        2
    );

    // Archived: no longer due; writing the account keeps the schedule.
    let mut gone = never_came.clone();
    gone.status = UserStatus::Archive;
    users.update(&gone).await.expect("update");
    assert!(users.archiving_due(NOW, 10).await.expect("due").is_empty());
    let mut back = away.clone();
    back.last_login_at = Some(minutes(-5));
    users.update(&back).await.expect("update");
    let due = users.archiving_due(days(15), 10).await.expect("due");
    assert_eq!(
        due.iter()
            .map(|(u, _)| (u.id, u.last_login_at))
            .collect::<Vec<_>>(),
        vec![(away.id, Some(minutes(-5)))]
    );
    users
        .set_archiving_scheduled(away.id, None)
        .await
        .expect("cancel");
    assert!(
        users
            .archiving_due(days(15), 10)
            .await
            .expect("due")
            .is_empty()
    );
    assert!(
        users
            .inactive_to_notify(days(-365), 10)
            .await
            .expect("inactive_to_notify")
            .is_empty(),
        "logged in since"
    );
    // An activation counts: the account is no longer inactive.
    let mut activated = never_activated.clone();
    activated.status = UserStatus::Active;
    users.update(&activated).await.expect("update");
    assert!(to_remind(NOW).await.is_empty());
}

fn draft(status: DraftStatus, updated_days_ago: i64) -> SignalementDraft {
    SignalementDraft {
        id: DraftId(uuid()),
        answers: Answers::from_pairs([("profil", "locataire")]),
        current_step: "adresse_logement".to_string(),
        email: None,
        status,
        signalement_id: None,
        created_by: None,
        created_at: days(-updated_days_ago - 1),
        updated_at: days(-updated_days_ago),
    }
}

/// Expired sessions, drafts never sent and left alone, and notifications
/// older than 30 days (seen or not, but neither a usager's message nor one
/// waiting for the digest) go, within the limit; the others stay.
pub async fn scheduled_purges_are_bounded(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let session = |id: &str, expires_at| StaffSession {
        id_hash: id.to_string(),
        user_id: w.agent.id,
        created_at: days(-3),
        expires_at,
        last_seen_at: days(-3),
    };
    for (id, at) in [("a", minutes(-60)), ("b", minutes(-30)), ("c", minutes(30))] {
        s.sessions.create(&session(id, at)).await.expect("session");
    }
    assert_eq!(s.sessions.purge_expired(NOW, 1).await, Ok(1));
    assert!(
        s.sessions.get("a").await.expect("get").is_none(),
        "oldest first"
    );
    assert_eq!(s.sessions.purge_expired(NOW, 10).await, Ok(1));
    assert_eq!(s.sessions.purge_expired(NOW, 10).await, Ok(0));
    assert!(s.sessions.get("c").await.expect("get").is_some());

    let stale = draft(DraftStatus::EnCours, 200);
    let stale_archived = draft(DraftStatus::Archive, 300);
    let fresh = draft(DraftStatus::EnCours, 10);
    let sent = draft(DraftStatus::Envoye, 400);
    for d in [&stale, &stale_archived, &fresh, &sent] {
        s.drafts.save(d).await.expect("save draft");
    }
    assert_eq!(s.drafts.purge_abandoned(days(-183), 1).await, Ok(1));
    assert!(
        s.drafts
            .get(stale_archived.id)
            .await
            .expect("get")
            .is_none()
    );
    assert_eq!(s.drafts.purge_abandoned(days(-183), 10).await, Ok(1));
    assert_eq!(s.drafts.purge_abandoned(days(-183), 10).await, Ok(0));
    for kept in [&fresh, &sent] {
        assert!(s.drafts.get(kept.id).await.expect("get").is_some());
    }

    let c = case(&w.bdr.code, "2025-9", days(-90));
    commit_cases(s, &[&c]).await;
    let mut seen_old = notification(&c, &w.agent, days(-40));
    seen_old.is_seen = true;
    let mut seen_older = notification(&c, &w.agent, days(-60));
    seen_older.is_seen = true;
    let unseen_old = notification(&c, &w.agent, days(-50));
    let mut of_usager = notification(&c, &w.agent, days(-55));
    of_usager.notification_type = NotificationType::SuiviUsager;
    let mut seen_recent = notification(&c, &w.agent, days(-5));
    seen_recent.is_seen = true;
    let mut waiting = notification(&c, &w.rt, days(-45));
    waiting.is_seen = true;
    waiting.wait_mailing_summary = true;
    let mut tx = begin(s).await;
    for n in [
        &seen_old,
        &seen_older,
        &unseen_old,
        &of_usager,
        &seen_recent,
        &waiting,
    ] {
        tx.insert_notification(n).await.expect("notification");
    }
    commit(tx).await;
    assert_eq!(s.notifications.purge_older_than(days(-30), 1).await, Ok(1));
    assert_eq!(
        s.notifications.purge_older_than(days(-30), 10).await,
        Ok(2),
        "seen or not"
    );
    assert_eq!(s.notifications.purge_older_than(days(-30), 10).await, Ok(0));
    let mut left: Vec<_> = s
        .notifications
        .of_user(w.agent.id)
        .await
        .expect("of_user")
        .into_iter()
        .map(|n| n.id)
        .collect();
    left.sort();
    let mut expected = vec![of_usager.id, seen_recent.id];
    expected.sort();
    assert_eq!(left, expected);
    assert_eq!(
        s.notifications
            .awaiting_summary_of(w.rt.id)
            .await
            .expect("awaiting")
            .len(),
        1,
        "a notification waiting for the digest stays"
    );
}
