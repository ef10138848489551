//! The daily digest (features.md §2.11, docs/decisions/0026-daily-digest.md)
//! on the memory adapters with a stopped clock: users in "récapitulatif
//! quotidien" mode get one e-mail a day at 08:00 Paris time listing their
//! notifications by signalement; users in "chaque événement" mode keep
//! their per-event e-mails; nothing is cleared before the e-mail is sent.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::{World, form};
use histologe_application::jobs::RunOutcome;
use histologe_core::Actor;
use histologe_core::enums::UserStatus;
use histologe_core::model::{Case, MailingPreference, User};
use histologe_ports::{JobQueue, JobStatus, NotificationRepository, OutgoingEmail, UserRepository};

const DIGEST_SUBJECT: &str = "Récapitulatif d'activité sur Signal Logement";

/// `hh:mm` on 2026-03-`day`, Paris time (UTC+1 in March before the 29th).
fn paris(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour - 1, minute, 0)
        .single()
        .expect("a valid instant")
}

async fn choose(world: &World, user: &User, preference: MailingPreference) {
    world
        .app
        .set_mailing_preference(&world.actor(user), preference)
        .await
        .expect("preference saved");
}

fn digests_to(world: &World, user: &User) -> Vec<OutgoingEmail> {
    world
        .mailer
        .sent()
        .into_iter()
        .filter(|e| e.subject == DIGEST_SUBJECT && e.to == vec![user.email.clone()])
        .collect()
}

async fn waiting(world: &World, user: &User) -> usize {
    world
        .store
        .awaiting_summary_of(user.id)
        .await
        .expect("awaiting_summary_of")
        .len()
}

/// Two new cases at 07:30 on the 11th: the RT (digest) and the super admin
/// (one e-mail per event) are both notified of each.
async fn two_cases_before_the_hour(world: &World) -> (Case, Case) {
    world.clock.set(paris(11, 7, 30));
    let first = world.submit(form()).await;
    let mut elsewhere = form();
    elsewhere.adresse.adresse = "12 Boulevard de la Libération".into();
    elsewhere.adresse.code_postal = "13001".into();
    elsewhere.adresse.insee = Some("13201".into());
    let second = world.submit(elsewhere).await;
    world.runner.drain().await.expect("runner");
    (first, second)
}

async fn digest_jobs(world: &World) -> Vec<histologe_ports::Job> {
    world
        .store
        .all()
        .await
        .expect("jobs")
        .into_iter()
        .filter(|j| j.kind.as_str().starts_with("digest") || j.kind.as_str() == "email.digest")
        .collect()
}

#[tokio::test]
async fn digest_users_get_one_email_a_day_after_the_hour_and_per_event_users_keep_theirs() {
    let world = World::new().await;
    let rt = world.people.rt.clone();
    let admin = world.people.super_admin.clone();
    choose(&world, &rt, MailingPreference::DailyDigest).await;
    choose(&world, &admin, MailingPreference::EachEvent).await;
    let (first, second) = two_cases_before_the_hour(&world).await;
    let (ref1, ref2) = (&first.signalement.reference, &second.signalement.reference);

    // The super admin heard of each case at once; the RT of none by e-mail.
    let to_admin: Vec<String> = world
        .mailer
        .sent()
        .into_iter()
        .filter(|e| e.to == vec![admin.email.clone()])
        .map(|e| e.subject)
        .collect();
    assert_eq!(to_admin.len(), 2, "{to_admin:?}");
    assert!(to_admin.iter().any(|s| s.contains(ref1.as_str())));
    assert!(to_admin.iter().any(|s| s.contains(ref2.as_str())));
    assert!(
        !world.mailer.sent().iter().any(|e| e.to.contains(&rt.email)),
        "no per-event e-mail to a digest reader"
    );
    assert_eq!(waiting(&world, &rt).await, 2);
    assert_eq!(waiting(&world, &admin).await, 0);

    // 07:30: the day's digest is not due.
    assert_eq!(world.app.enqueue_due_digest().await.expect("tick"), None);
    world.runner.drain().await.expect("runner");
    assert!(digest_jobs(&world).await.is_empty());
    assert!(digests_to(&world, &rt).is_empty());

    // 08:01: every process's clock ticks; one digest.run job all the same.
    world.clock.set(paris(11, 8, 1));
    let day = NaiveDate::from_ymd_opt(2026, 3, 11).expect("a day");
    for _ in 0..3 {
        assert_eq!(
            world.app.enqueue_due_digest().await.expect("tick"),
            Some(day)
        );
    }
    let queued = digest_jobs(&world).await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(
        queued[0].idempotency_key.as_deref(),
        Some("digest:2026-03-11")
    );
    world.runner.drain().await.expect("runner");

    let sent = digests_to(&world, &rt);
    assert_eq!(sent.len(), 1, "one e-mail for both cases");
    let text = &sent[0].text;
    for expected in [
        format!("Signalement {ref1} — 33 Rue des Phocéens, 13002 Marseille"),
        format!("Signalement {ref2} — 12 Boulevard de la Libération, 13001 Marseille"),
        "le 11/03/2026 à 07:30 : Nouveau signalement".to_string(),
        format!(
            "https://histologe.test/bo/signalements/{}",
            first.signalement.id
        ),
        "https://histologe.test/bo/notifications".to_string(),
        "Voici les 2 notifications".to_string(),
    ] {
        assert!(
            text.contains(&expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(
        digests_to(&world, &admin).is_empty(),
        "per-event users get no digest"
    );
    assert_eq!(waiting(&world, &rt).await, 0, "listed, then cleared");
    let email_jobs: Vec<_> = digest_jobs(&world)
        .await
        .into_iter()
        .filter(|j| j.kind.as_str() == "email.digest")
        .collect();
    assert_eq!(email_jobs.len(), 1);
    assert_eq!(
        email_jobs[0].idempotency_key,
        Some(format!("digest:{}:2026-03-11", rt.id))
    );

    // Later that day: another case, and the clocks keep ticking. Nothing
    // more is sent today; it waits for tomorrow's digest, alone.
    world.clock.set(paris(11, 15, 0));
    let third = world.submit(form()).await;
    world.runner.drain().await.expect("runner");
    world.app.enqueue_due_digest().await.expect("tick");
    world.runner.drain().await.expect("runner");
    assert_eq!(digests_to(&world, &rt).len(), 1, "one digest a day");
    assert_eq!(waiting(&world, &rt).await, 1);

    world.clock.set(paris(12, 8, 0));
    assert_eq!(
        world.app.enqueue_due_digest().await.expect("tick"),
        NaiveDate::from_ymd_opt(2026, 3, 12)
    );
    world.runner.drain().await.expect("runner");
    let sent = digests_to(&world, &rt);
    assert_eq!(sent.len(), 2);
    let text = &sent[1].text;
    assert!(text.contains(&third.signalement.reference), "{text}");
    assert!(!text.contains(&format!("Signalement {ref1} ")), "{text}");
    assert!(text.contains("Voici la notification reçue"), "{text}");
    assert_eq!(waiting(&world, &rt).await, 0);
}

#[tokio::test]
async fn a_digest_the_mailer_fails_to_send_keeps_its_notifications_and_is_retried() {
    let world = World::new().await;
    let rt = world.people.rt.clone();
    choose(&world, &rt, MailingPreference::DailyDigest).await;
    let (first, second) = two_cases_before_the_hour(&world).await;
    world.clock.set(paris(11, 8, 0));
    world.app.enqueue_due_digest().await.expect("tick");

    // digest.run runs first, then the e-mail, whose send fails.
    world.mailer.fail_next(1);
    let outcomes = world.runner.drain().await.expect("runner");
    assert!(
        outcomes.iter().any(|o| matches!(o, RunOutcome::Retry(_))),
        "{outcomes:?}"
    );
    assert!(digests_to(&world, &rt).is_empty());
    assert_eq!(
        waiting(&world, &rt).await,
        2,
        "nothing cleared before a send"
    );

    // A notification arriving before the retry goes out with it.
    world.clock.set(paris(11, 8, 0) + Duration::seconds(30));
    let third = world.submit(form()).await;
    world.clock.set(paris(11, 8, 2));
    world.runner.drain().await.expect("runner");
    let sent = digests_to(&world, &rt);
    assert_eq!(sent.len(), 1);
    for case in [&first, &second, &third] {
        assert!(
            sent[0].text.contains(&case.signalement.reference),
            "{}",
            sent[0].text
        );
    }
    assert_eq!(waiting(&world, &rt).await, 0);
    let unfinished: Vec<_> = world
        .store
        .all()
        .await
        .expect("jobs")
        .into_iter()
        .filter(|j| j.status != JobStatus::Done)
        .collect();
    assert!(unfinished.is_empty(), "{unfinished:?}");
}

#[tokio::test]
async fn a_rejected_address_leaves_the_digest_dead_and_its_notifications_waiting() {
    let world = World::new().await;
    let rt = world.people.rt.clone();
    choose(&world, &rt, MailingPreference::DailyDigest).await;
    two_cases_before_the_hour(&world).await;
    world.mailer.reject_address(&rt.email);
    world.clock.set(paris(11, 8, 0));
    world.app.enqueue_due_digest().await.expect("tick");
    world.runner.drain().await.expect("runner");
    let dead = world.store.dead(10).await.expect("dead jobs");
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].kind.as_str(), "email.digest");
    assert_eq!(
        waiting(&world, &rt).await,
        2,
        "kept for tomorrow's digest, or an administrator's retry"
    );
}

#[tokio::test]
async fn no_digest_for_users_who_turned_emails_off_or_were_archived_and_nothing_piles_up() {
    let world = World::new().await;
    let rt = world.people.rt.clone();
    let admin = world.people.super_admin.clone();
    choose(&world, &rt, MailingPreference::DailyDigest).await;
    choose(&world, &admin, MailingPreference::DailyDigest).await;
    two_cases_before_the_hour(&world).await;
    assert_eq!(waiting(&world, &rt).await, 2);
    assert_eq!(waiting(&world, &admin).await, 2);

    choose(&world, &rt, MailingPreference::Nothing).await;
    let mut archived = world
        .store
        .get(admin.id)
        .await
        .expect("get")
        .expect("the super admin");
    archived.status = UserStatus::Archive;
    world.store.update(&archived).await.expect("archived");

    world.clock.set(paris(11, 8, 0));
    world.app.enqueue_due_digest().await.expect("tick");
    world.runner.drain().await.expect("runner");
    assert!(
        world
            .mailer
            .sent()
            .iter()
            .all(|e| e.subject != DIGEST_SUBJECT),
        "no digest at all"
    );
    assert_eq!(waiting(&world, &rt).await, 0, "cleared, not piled up");
    assert_eq!(waiting(&world, &admin).await, 0, "cleared, not piled up");
    assert!(
        digest_jobs(&world)
            .await
            .iter()
            .all(|j| j.kind.as_str() == "digest.run"),
        "no e-mail job queued for them"
    );
}

#[tokio::test]
async fn switching_to_each_event_sends_what_was_waiting_in_one_last_digest() {
    let world = World::new().await;
    let rt = world.people.rt.clone();
    choose(&world, &rt, MailingPreference::DailyDigest).await;
    let (first, _) = two_cases_before_the_hour(&world).await;
    choose(&world, &rt, MailingPreference::EachEvent).await;
    assert_eq!(
        world.app.mailing_preference(&world.actor(&rt)).await,
        Ok(MailingPreference::EachEvent)
    );
    world.clock.set(paris(11, 8, 0));
    world.app.enqueue_due_digest().await.expect("tick");
    world.runner.drain().await.expect("runner");
    let sent = digests_to(&world, &rt);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].text.contains(&first.signalement.reference));
    assert_eq!(waiting(&world, &rt).await, 0);
}

#[tokio::test]
async fn only_a_signed_in_staff_member_has_a_mailing_preference() {
    let world = World::new().await;
    for nobody in [Actor::Anonymous, world.usager(first_case(&world).await)] {
        assert!(world.app.mailing_preference(&nobody).await.is_err());
        assert!(
            world
                .app
                .set_mailing_preference(&nobody, MailingPreference::Nothing)
                .await
                .is_err()
        );
    }
    let agent = world.people.agent_schs.clone();
    choose(&world, &agent, MailingPreference::DailyDigest).await;
    let read = world
        .store
        .get(agent.id)
        .await
        .expect("get")
        .expect("agent");
    assert!(read.is_mailing_active && read.is_mailing_summary);
    assert_eq!(read.role, agent.role, "nothing else of the account changed");
}

async fn first_case(world: &World) -> histologe_core::ids::SignalementId {
    world.submit(form()).await.signalement.id
}
