//! The scheduled jobs (domain.md §7; `histologe_application::scheduled`)
//! on the memory adapters with a stopped clock moved in time: what each
//! one leaves for people to see (a suivi, an e-mail in the outbox, an
//! account archived, a case back in validation), that running it twice in
//! one period does it once, and that nothing runs in maintenance.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{World, form, t};
use histologe_application::{ScheduledTask, Settings};
use histologe_core::Actor;
use histologe_core::enums::{
    DraftStatus, HistoryEvent, NotificationType, SignalementStatus, SuiviCategory, UserStatus,
};
use histologe_core::ids::{DraftId, UserId};
use histologe_core::model::{Case, SignalementDraft, StaffSession, Suivi, User};
use histologe_ports::{
    DraftRepository, HistoryRepository, JobQueue, NotificationRepository, OutgoingEmail,
    SessionRepository, UserRepository,
};

const OCCUPANT: &str = "locataire-01@signal-logement.fr";

async fn run(world: &World, task: ScheduledTask) -> u64 {
    let report = world
        .app
        .run_scheduled(task)
        .await
        .unwrap_or_else(|e| panic!("{task}: {e}"));
    assert_eq!(report.task, task);
    assert_eq!(report.skipped, None);
    report.effects
}

/// Runs the queued jobs and returns the e-mails they sent.
async fn sent_after_drain(world: &World) -> Vec<OutgoingEmail> {
    let before = world.mailer.sent().len();
    world.runner.drain().await.expect("runner");
    world.mailer.sent().split_off(before)
}

fn to<'a>(mails: &'a [OutgoingEmail], address: &str) -> Vec<&'a OutgoingEmail> {
    mails
        .iter()
        .filter(|m| m.to == vec![address.to_string()])
        .collect()
}

fn suivis_of(case: &Case, category: SuiviCategory) -> Vec<&Suivi> {
    case.suivis
        .iter()
        .filter(|s| s.category == category)
        .collect()
}

async fn jobs_of_kind(world: &World, kind: &str) -> usize {
    world
        .store
        .all()
        .await
        .expect("jobs")
        .iter()
        .filter(|j| j.kind.as_str() == kind)
        .count()
}

#[tokio::test]
async fn every_task_has_a_name_a_label_and_a_six_field_schedule() {
    assert_eq!(ScheduledTask::ALL.len(), 8);
    for task in ScheduledTask::ALL {
        assert_eq!(ScheduledTask::parse(task.as_str()), Some(*task));
        assert_eq!(task.default_schedule().split_whitespace().count(), 6);
    }
    assert_eq!(
        ScheduledTask::ReleaseHeldSuivis.default_schedule(),
        "0 */10 * * * *"
    );
}

#[tokio::test]
async fn nothing_runs_in_maintenance() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let agent = world.actor(&world.people.agent_schs);
    world
        .app
        .add_suivi(&agent, case.signalement.id, "Visite à caler.", true, true)
        .await
        .expect("message");
    world.advance(Duration::minutes(30));
    world
        .app
        .set_maintenance(&world.actor(&world.people.super_admin), true, "")
        .await
        .expect("maintenance on");
    for task in ScheduledTask::ALL {
        let report = world.app.run_scheduled(*task).await.expect("run");
        assert_eq!(report.skipped, Some("maintenance"), "{task}");
        assert_eq!(report.effects, 0);
    }
    let held = world.case(case.signalement.id).await;
    assert!(
        held.suivis.iter().any(|s| s.waiting_notification),
        "the partner's message is still held"
    );
}

#[tokio::test]
async fn held_partner_messages_are_released_once() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    world.runner.drain().await.expect("runner");
    let agent = world.actor(&world.people.agent_schs);
    world
        .app
        .add_suivi(&agent, case.signalement.id, "Visite à caler.", true, true)
        .await
        .expect("message");
    assert_eq!(run(&world, ScheduledTask::ReleaseHeldSuivis).await, 0);
    world.advance(Duration::minutes(21));
    assert_eq!(run(&world, ScheduledTask::ReleaseHeldSuivis).await, 1);
    assert_eq!(run(&world, ScheduledTask::ReleaseHeldSuivis).await, 0);
    let mails = sent_after_drain(&world).await;
    assert_eq!(to(&mails, OCCUPANT).len(), 1, "the usager hears of it once");
}

#[tokio::test]
async fn the_digest_is_queued_once_a_day_after_its_hour() {
    let world = World::new().await;
    // 10:00 UTC is 11:00 in Paris: past 08:00.
    assert_eq!(run(&world, ScheduledTask::DailyDigest).await, 1);
    assert_eq!(run(&world, ScheduledTask::DailyDigest).await, 1);
    assert_eq!(jobs_of_kind(&world, "digest.run").await, 1);
    world.advance(Duration::days(1));
    run(&world, ScheduledTask::DailyDigest).await;
    assert_eq!(jobs_of_kind(&world, "digest.run").await, 2);
}

async fn unactivated_agent(world: &World) -> User {
    let agent = User {
        id: UserId(uuid::Uuid::new_v4()),
        email: "nouvel.agent@schs.test".to_string(),
        status: UserStatus::Inactive,
        last_login_at: None,
        created_at: world.app_now(),
        ..world.people.agent_schs.clone()
    };
    UserRepository::insert(world.store.as_ref(), &agent)
        .await
        .expect("user");
    agent
}

trait Now {
    fn app_now(&self) -> DateTime<Utc>;
}

impl Now for World {
    fn app_now(&self) -> DateTime<Utc> {
        use histologe_ports::Clock;
        self.clock.now()
    }
}

#[tokio::test]
async fn accounts_never_activated_are_reminded_every_ten_days_with_a_fresh_link() {
    let world = World::new().await;
    let agent = unactivated_agent(&world).await;
    world.advance(Duration::days(9));
    assert_eq!(
        run(&world, ScheduledTask::RemindUnactivatedAccounts).await,
        0
    );
    world.advance(Duration::days(1));
    assert_eq!(
        run(&world, ScheduledTask::RemindUnactivatedAccounts).await,
        1
    );
    assert_eq!(
        run(&world, ScheduledTask::RemindUnactivatedAccounts).await,
        0
    );
    let mails = sent_after_drain(&world).await;
    let reminders = to(&mails, &agent.email);
    assert_eq!(reminders.len(), 1);
    assert!(reminders[0].subject.contains("activez votre compte"));
    assert!(
        reminders[0]
            .text
            .contains("https://histologe.test/nouveau-mot-de-passe/"),
        "a link to choose the password"
    );
    assert!(
        mails
            .iter()
            .all(|m| m.to != vec![world.people.agent_caf.email.clone()]),
        "active accounts get nothing"
    );

    world.advance(Duration::days(9));
    assert_eq!(
        run(&world, ScheduledTask::RemindUnactivatedAccounts).await,
        0
    );
    world.advance(Duration::days(1));
    assert_eq!(
        run(&world, ScheduledTask::RemindUnactivatedAccounts).await,
        1
    );
}

#[tokio::test]
async fn usagers_without_news_are_asked_three_times_then_every_ninety_days() {
    let world = World::new().await;
    let case = world.active_case().await;
    let id = case.signalement.id;
    world.runner.drain().await.expect("runner");
    let feedback = |c: &Case| suivis_of(c, SuiviCategory::AskFeedbackSent).len();

    world.advance(Duration::days(44));
    assert_eq!(run(&world, ScheduledTask::AskFeedbackUsager).await, 0);
    world.advance(Duration::days(1));
    assert_eq!(run(&world, ScheduledTask::AskFeedbackUsager).await, 1);
    assert_eq!(run(&world, ScheduledTask::AskFeedbackUsager).await, 0);
    let asked = world.case(id).await;
    let first = suivis_of(&asked, SuiviCategory::AskFeedbackSent);
    assert_eq!(first.len(), 1);
    assert!(
        !first[0].is_visible_for_usager,
        "a technical suivi, not a message"
    );
    let mails = sent_after_drain(&world).await;
    let to_occupant = to(&mails, OCCUPANT);
    assert_eq!(to_occupant.len(), 1);
    assert!(to_occupant[0].subject.contains("Avez-vous des nouvelles"));
    assert!(to_occupant[0].text.contains(&format!(
        "/suivre-mon-signalement/{}",
        case.signalement.code_suivi
    )));
    assert_eq!(
        mails.len(),
        to_occupant.len(),
        "no agent is notified of the request"
    );

    // Second and third after 30 days each, then the loop every 90 days.
    for (wait, expected) in [(29, 1), (1, 2), (30, 3), (89, 3), (1, 4), (90, 5)] {
        world.advance(Duration::days(wait));
        run(&world, ScheduledTask::AskFeedbackUsager).await;
        run(&world, ScheduledTask::AskFeedbackUsager).await;
        assert_eq!(
            feedback(&world.case(id).await),
            expected,
            "after {wait} more days"
        );
    }

    // A public message restarts the count from the first request.
    world.advance(Duration::days(1));
    let rt = world.actor(&world.people.rt);
    world
        .app
        .add_suivi(&rt, id, "Nous relançons le bailleur.", true, true)
        .await
        .expect("message");
    world.advance(Duration::days(44));
    assert_eq!(run(&world, ScheduledTask::AskFeedbackUsager).await, 0);
    world.advance(Duration::days(1));
    assert_eq!(run(&world, ScheduledTask::AskFeedbackUsager).await, 1);
}

#[tokio::test]
async fn internal_notes_do_not_count_as_news_for_the_usager() {
    let world = World::new().await;
    let case = world.active_case().await;
    let id = case.signalement.id;
    world.runner.drain().await.expect("runner");
    world.advance(Duration::days(40));
    let rt = world.actor(&world.people.rt);
    world
        .app
        .add_suivi(
            &rt,
            id,
            "Note interne : relancer le bailleur.",
            false,
            false,
        )
        .await
        .expect("internal note");
    world.advance(Duration::days(4));
    assert_eq!(run(&world, ScheduledTask::AskFeedbackUsager).await, 0);
    world.advance(Duration::days(1));
    world
        .app
        .add_suivi(&rt, id, "Note interne : toujours rien.", false, false)
        .await
        .expect("internal note");
    world.advance(Duration::days(1));
    assert_eq!(
        run(&world, ScheduledTask::AskFeedbackUsager).await,
        1,
        "46 days without a public suivi, whatever the internal notes"
    );
    assert_eq!(
        suivis_of(&world.case(id).await, SuiviCategory::AskFeedbackSent).len(),
        1
    );
}

/// A copy of `template` under new ids, created `created` ago, whose last
/// public suivi is `public` ago and asked for news at each of `asked` ago
/// (days), all before `now`.
fn looping_copy(template: &Case, n: u32, now: DateTime<Utc>, asked: &[i64]) -> Case {
    let mut case = template.clone();
    let id = histologe_core::ids::SignalementId(uuid::Uuid::new_v4());
    let s = &mut case.signalement;
    s.id = id;
    s.reference = format!("2019-{n}");
    s.code_suivi = id.0.simple().to_string();
    s.created_at = now - Duration::days(500);
    s.validated_at = Some(now - Duration::days(500));
    case.affectations.clear();
    case.interventions.clear();
    case.subscribers.clear();
    let suivi = |days: i64, public: bool, category: SuiviCategory| Suivi {
        id: histologe_core::ids::SuiviId(uuid::Uuid::new_v4()),
        signalement_id: id,
        created_at: now - Duration::days(days),
        category,
        is_visible_for_usager: public,
        waiting_notification: false,
        ..template.suivis[0].clone()
    };
    case.suivis = vec![suivi(400, true, SuiviCategory::MessagePartner)];
    for days in asked {
        case.suivis
            .push(suivi(*days, false, SuiviCategory::AskFeedbackSent));
    }
    case
}

#[tokio::test]
async fn cases_in_the_ninety_day_loop_never_crowd_out_a_first_request() {
    let world = World::new().await;
    let new_case = world.active_case().await;
    world.runner.drain().await.expect("runner");
    world.advance(Duration::days(45));
    let now = world.app_now();
    // More cases than one run asks, older than the new one, each in the
    // loop and asked 60 days ago: quiet for a month, not due for another.
    let looping =
        u32::try_from(histologe_application::scheduled::FEEDBACK_BATCH).expect("batch") + 25;
    let mut tx = histologe_ports::UnitOfWork::begin(world.store.as_ref())
        .await
        .expect("begin");
    for n in 0..looping {
        let copy = looping_copy(&new_case, n + 1, now, &[150, 120, 90, 60]);
        tx.insert_case(&copy).await.expect("insert_case");
    }
    tx.commit().await.expect("commit");

    assert_eq!(
        run(&world, ScheduledTask::AskFeedbackUsager).await,
        1,
        "only the new case is due"
    );
    assert_eq!(
        suivis_of(
            &world.case(new_case.signalement.id).await,
            SuiviCategory::AskFeedbackSent
        )
        .len(),
        1,
        "the new case got its first request"
    );
    world.advance(Duration::days(30));
    assert_eq!(
        run(&world, ScheduledTask::AskFeedbackUsager).await,
        histologe_application::scheduled::FEEDBACK_BATCH,
        "the loop's turn comes: one batch a run"
    );
}

#[tokio::test]
async fn cases_the_usager_asked_to_stop_are_not_asked_for_news() {
    let world = World::new().await;
    let case = world.active_case().await;
    world
        .app
        .ask_abandon_procedure(
            &world.usager(case.signalement.id),
            case.signalement.id,
            histologe_core::enums::MotifClotureUsager::TravauxFaitsOuEnCours,
            "Le propriétaire a fait les travaux.",
        )
        .await
        .expect("abandon asked");
    world.advance(Duration::days(100));
    assert_eq!(run(&world, ScheduledTask::AskFeedbackUsager).await, 0);
}

#[tokio::test]
async fn a_visit_is_reminded_two_days_before_and_its_conclusion_asked_two_days_after() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let agent = world.actor(&world.people.agent_schs);
    let at = world.app_now() + Duration::days(5);
    world
        .app
        .plan_visite(&agent, id, world.partners.schs.id, at, None)
        .await
        .expect("visit planned");
    world.runner.drain().await.expect("runner");

    world.advance(Duration::days(2));
    assert_eq!(
        run(&world, ScheduledTask::NotifyVisits).await,
        0,
        "five days ahead"
    );
    world.advance(Duration::days(1));
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 1);
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 0);
    let reminded = world.case(id).await;
    let reminder = suivis_of(&reminded, SuiviCategory::InterventionPlannedReminder);
    assert_eq!(reminder.len(), 1);
    assert!(reminder[0].is_visible_for_usager);
    let mails = sent_after_drain(&world).await;
    let to_occupant = to(&mails, OCCUPANT);
    assert_eq!(to_occupant.len(), 1);
    assert!(to_occupant[0].subject.starts_with("Rappel : visite"));

    // The visit took place and nobody concluded it.
    world.advance(Duration::days(3));
    assert_eq!(
        run(&world, ScheduledTask::NotifyVisits).await,
        0,
        "one day after"
    );
    world.advance(Duration::days(1));
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 1);
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 0);
    let mails = sent_after_drain(&world).await;
    let to_agent = to(&mails, &world.people.agent_schs.email);
    assert_eq!(to_agent.len(), 1);
    assert!(
        to_agent[0]
            .subject
            .contains("Conclusion de visite à renseigner")
    );
    assert!(to(&mails, OCCUPANT).is_empty());
}

#[tokio::test]
async fn a_rescheduled_visit_is_reminded_of_its_new_date() {
    let world = World::new().await;
    let case = world.accepted_case().await;
    let id = case.signalement.id;
    let agent = world.actor(&world.people.agent_schs);
    let (_, visit) = world
        .app
        .plan_visite(
            &agent,
            id,
            world.partners.schs.id,
            world.app_now() + Duration::days(2),
            None,
        )
        .await
        .expect("visit planned");
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 1);
    world
        .app
        .reschedule_visite(&agent, id, visit, world.app_now() + Duration::days(6))
        .await
        .expect("rescheduled");
    world.advance(Duration::days(4));
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 1);
    let mails = sent_after_drain(&world).await;
    assert_eq!(
        to(&mails, OCCUPANT)
            .iter()
            .filter(|m| m.subject.starts_with("Rappel : visite"))
            .count(),
        1,
        "the first reminder's visit moved: only the new date is reminded"
    );
}

#[tokio::test]
async fn accounts_unused_for_a_year_are_told_then_archived_unless_they_log_in() {
    let world = World::new().await;
    let caf = world.people.agent_caf.clone();
    let schs = world.people.agent_schs.clone();
    SessionRepository::create(
        world.store.as_ref(),
        &StaffSession {
            id_hash: "caf-session".to_string(),
            user_id: caf.id,
            created_at: world.app_now(),
            expires_at: world.app_now() + Duration::days(800),
            last_seen_at: world.app_now(),
        },
    )
    .await
    .expect("session");
    world.advance(Duration::days(364));
    assert_eq!(
        run(&world, ScheduledTask::NotifyAndArchiveInactiveAccounts).await,
        0
    );
    world.advance(Duration::days(2));
    let staff = 8;
    assert_eq!(
        run(&world, ScheduledTask::NotifyAndArchiveInactiveAccounts).await,
        staff
    );
    assert_eq!(
        run(&world, ScheduledTask::NotifyAndArchiveInactiveAccounts).await,
        0
    );
    let mails = sent_after_drain(&world).await;
    let notice = to(&mails, &caf.email);
    assert_eq!(notice.len(), 1);
    assert!(notice[0].subject.contains("va être archivé"));

    // The SCHS agent logs in meanwhile (what a login records).
    world.advance(Duration::days(3));
    let mut back = UserRepository::get(world.store.as_ref(), schs.id)
        .await
        .expect("read")
        .expect("user");
    back.last_login_at = Some(world.app_now());
    UserRepository::update(world.store.as_ref(), &back)
        .await
        .expect("login");

    world.advance(Duration::days(11));
    assert_eq!(
        run(&world, ScheduledTask::NotifyAndArchiveInactiveAccounts).await,
        0,
        "not yet"
    );
    world.advance(Duration::days(1));
    assert_eq!(
        run(&world, ScheduledTask::NotifyAndArchiveInactiveAccounts).await,
        staff
    );
    assert_eq!(
        run(&world, ScheduledTask::NotifyAndArchiveInactiveAccounts).await,
        0
    );
    let archived = UserRepository::get(world.store.as_ref(), caf.id)
        .await
        .expect("read")
        .expect("user");
    assert_eq!(archived.status, UserStatus::Archive);
    assert!(
        SessionRepository::get(world.store.as_ref(), "caf-session")
            .await
            .expect("session")
            .is_none(),
        "his sessions ended"
    );
    let history = world.store.of_entity(caf.id.0).await.expect("history");
    assert!(
        history
            .iter()
            .any(|h| h.event == HistoryEvent::Update && h.changes.get("status").is_some()),
        "the archiving is in the account's history"
    );
    let kept = UserRepository::get(world.store.as_ref(), schs.id)
        .await
        .expect("read")
        .expect("user");
    assert_eq!(
        kept.status,
        UserStatus::Active,
        "he logged in after the notice"
    );
    assert!(
        Actor::from_user(&archived).is_none(),
        "an archived account cannot act"
    );
}

#[tokio::test]
async fn the_purge_deletes_expired_sessions_and_abandoned_drafts_once() {
    let world = World::new().await;
    let now = world.app_now();
    SessionRepository::create(
        world.store.as_ref(),
        &StaffSession {
            id_hash: "old".to_string(),
            user_id: world.people.rt.id,
            created_at: now,
            expires_at: now + Duration::hours(8),
            last_seen_at: now,
        },
    )
    .await
    .expect("session");
    let draft = SignalementDraft {
        id: DraftId(uuid::Uuid::new_v4()),
        answers: histologe_core::form::Answers::from_pairs([("profil", "locataire")]),
        current_step: "adresse_logement".to_string(),
        email: None,
        status: DraftStatus::EnCours,
        signalement_id: None,
        created_by: None,
        created_at: now,
        updated_at: now,
    };
    DraftRepository::save(world.store.as_ref(), &draft)
        .await
        .expect("draft");
    let sent = "mail:0190a1b2-0000-7000-8000-000000000001:3f2a";
    histologe_ports::JobQueue::record_effect(world.store.as_ref(), sent, now, None)
        .await
        .expect("effect");
    world.advance(Duration::days(1));
    assert_eq!(run(&world, ScheduledTask::Purge).await, 1, "the session");
    assert!(
        SessionRepository::get(world.store.as_ref(), "old")
            .await
            .expect("get")
            .is_none()
    );
    assert!(
        DraftRepository::get(world.store.as_ref(), draft.id)
            .await
            .expect("get")
            .is_some(),
        "a draft of yesterday is kept"
    );
    assert!(
        histologe_ports::JobQueue::effect_recorded(world.store.as_ref(), sent)
            .await
            .expect("effect"),
        "a job's e-mail of yesterday is still remembered"
    );
    world.advance(Duration::days(183));
    let finished = world
        .store
        .all()
        .await
        .expect("jobs")
        .iter()
        .filter(|j| matches!(j.status, histologe_ports::JobStatus::Done))
        .count();
    assert_eq!(
        run(&world, ScheduledTask::Purge).await,
        2 + u64::try_from(finished).expect("count"),
        "the draft, the record of an e-mail sent six months ago, the jobs done since"
    );
    assert!(
        world.store.all().await.expect("jobs").is_empty(),
        "done jobs older than a month are gone"
    );
    assert_eq!(run(&world, ScheduledTask::Purge).await, 0);
    assert!(
        DraftRepository::get(world.store.as_ref(), draft.id)
            .await
            .expect("get")
            .is_none()
    );
}

#[tokio::test]
async fn an_unanswered_injonction_goes_back_to_validation_after_three_weeks() {
    let world = World::with_settings(Settings {
        injonction_territories: vec![t("13")],
        ..Settings::default()
    })
    .await;
    let mut f = form();
    // Nothing dangerous nor insalubre: the injunction is possible.
    f.desordre_precisions = vec!["desordres_batiment_bruit_interieur".into()];
    let filed = world
        .app
        .submit_signalement(&Actor::Anonymous, f, true)
        .await
        .expect("submitted");
    let id = filed.signalement.id;
    assert_eq!(
        filed.signalement.status,
        SignalementStatus::InjonctionBailleur
    );
    let before = validation_requests(&world, id).await;

    world.advance(Duration::days(20));
    assert_eq!(
        run(&world, ScheduledTask::ResetInjonctionNoResponse).await,
        0
    );
    world.advance(Duration::days(2));
    assert_eq!(
        run(&world, ScheduledTask::ResetInjonctionNoResponse).await,
        1
    );
    assert_eq!(
        run(&world, ScheduledTask::ResetInjonctionNoResponse).await,
        0
    );
    let case = world.case(id).await;
    assert_eq!(case.signalement.status, SignalementStatus::NeedValidation);
    assert_eq!(
        case.signalement.reference, "2026-1",
        "a definitive reference"
    );
    let expired = suivis_of(&case, SuiviCategory::InjonctionBailleurExpiree);
    assert_eq!(expired.len(), 1);
    assert!(expired[0].is_visible_for_usager, "the usager reads it");
    // No rule matched: the admins are asked to validate it.
    assert_eq!(validation_requests(&world, id).await, before + 1);
}

async fn validation_requests(world: &World, id: histologe_core::ids::SignalementId) -> usize {
    NotificationRepository::of_user(world.store.as_ref(), world.people.rt.id)
        .await
        .expect("notifications")
        .into_iter()
        .filter(|n| {
            n.signalement_id == Some(id)
                && n.notification_type == NotificationType::NouveauSignalement
        })
        .count()
}

#[tokio::test]
async fn an_injonction_the_landlord_accepted_stays_in_the_procedure() {
    use histologe_ports::UnitOfWork;
    let world = World::with_settings(Settings {
        injonction_territories: vec![t("13")],
        ..Settings::default()
    })
    .await;
    let mut f = form();
    f.desordre_precisions = vec!["desordres_batiment_bruit_interieur".into()];
    let filed = world
        .app
        .submit_signalement(&Actor::Anonymous, f, true)
        .await
        .expect("submitted");
    let id = filed.signalement.id;
    // What the landlord's answer leaves on the case (its use case is not
    // written yet): the public "oui" suivi.
    let mut tx = world.store.begin().await.expect("begin");
    tx.insert_suivi(&Suivi {
        id: histologe_core::ids::SuiviId(uuid::Uuid::new_v4()),
        signalement_id: id,
        created_at: world.app_now(),
        created_by: None,
        partner_id: None,
        author_label: "Bailleur".to_string(),
        description: "Je fais les travaux.".to_string(),
        category: SuiviCategory::InjonctionBailleurReponseOui,
        is_visible_for_usager: true,
        is_visible_for_bailleur: true,
        waiting_notification: false,
        deleted_at: None,
        deleted_by: None,
        files: Vec::new(),
    })
    .await
    .expect("suivi");
    tx.commit().await.expect("commit");
    world.advance(Duration::days(30));
    assert_eq!(
        run(&world, ScheduledTask::ResetInjonctionNoResponse).await,
        0
    );
    assert_eq!(
        world.case(id).await.signalement.status,
        SignalementStatus::InjonctionBailleur
    );
}

#[tokio::test]
async fn a_visit_is_asked_for_fifteen_days_after_an_acceptance_without_any() {
    let world = World::new().await;
    let without = world.accepted_case().await;
    let with_visit = world.accepted_case().await;
    let agent = world.actor(&world.people.agent_schs);
    world
        .app
        .plan_visite(
            &agent,
            with_visit.signalement.id,
            world.partners.schs.id,
            world.app_now() + Duration::days(30),
            None,
        )
        .await
        .expect("visit planned");
    world.runner.drain().await.expect("runner");

    world.advance(Duration::days(14));
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 0);
    world.advance(Duration::days(1));
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 1);
    assert_eq!(run(&world, ScheduledTask::NotifyVisits).await, 0);
    let case = world.case(without.signalement.id).await;
    let required = suivis_of(&case, SuiviCategory::InterventionIsRequired);
    assert_eq!(required.len(), 1);
    assert!(!required[0].is_visible_for_usager, "for the partners only");
    assert!(
        suivis_of(
            &world.case(with_visit.signalement.id).await,
            SuiviCategory::InterventionIsRequired
        )
        .is_empty()
    );
    let mails = sent_after_drain(&world).await;
    let to_agent = to(&mails, &world.people.agent_schs.email);
    assert_eq!(to_agent.len(), 1);
    assert!(to_agent[0].subject.contains("Visite à programmer"));
    assert!(to(&mails, OCCUPANT).is_empty());
}
