//! Failures of the outside world, played with the ports' mocks: what the
//! use cases and the job runner do when the database or the mail provider
//! fails.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::{World, form};
use histologe_application::jobs::{RunOutcome, Runner};
use histologe_application::{App, AppError};
use histologe_core::actor::Actor;
use histologe_core::policy::ListScope;
use histologe_ports::mail::MockMailer;
use histologe_ports::transaction::MockUnitOfWork;
use histologe_ports::{JobQueue, JobStatus, MailError, RepoError, SignalementRepository};

fn runner(world: &World, mailer: MockMailer) -> Runner {
    let mut ports = world.ports.clone();
    ports.mailer = Arc::new(mailer);
    Runner::new(
        App::new(ports, world.app.settings().clone()),
        "https://histologe.test",
    )
}

#[tokio::test]
async fn a_rejected_address_makes_the_job_dead_and_visible_not_retried() {
    let world = World::new().await;
    world.submit(form()).await;
    let mut mailer = MockMailer::new();
    mailer
        .expect_send()
        .returning(|_| Err(MailError::Rejected("adresse inconnue".into())));
    let outcomes = runner(&world, mailer).drain().await.expect("runner");
    assert!(outcomes.iter().any(|o| matches!(o, RunOutcome::Dead(_))));
    let dead = world.store.dead(10).await.expect("dead jobs");
    assert!(!dead.is_empty(), "kept for the administrators");
    assert!(
        dead.iter()
            .all(|j| j.last_error.as_deref() == Some("adresse inconnue"))
    );
}

#[tokio::test]
async fn a_provider_outage_is_retried_with_backoff_then_sent() {
    let world = World::new().await;
    world.submit(form()).await;
    let mut down = MockMailer::new();
    down.expect_send()
        .returning(|_| Err(MailError::unavailable("503")));
    let outcomes = runner(&world, down).drain().await.expect("runner");
    assert!(outcomes.iter().any(|o| matches!(o, RunOutcome::Retry(_))));
    let waiting: Vec<_> = world
        .store
        .all()
        .await
        .expect("jobs")
        .into_iter()
        .filter(|j| j.status == JobStatus::Pending)
        .collect();
    assert!(!waiting.is_empty());
    assert!(
        waiting
            .iter()
            .all(|j| j.run_at == common::start() + Duration::minutes(1))
    );

    // Still down before the backoff: nothing is claimed.
    let mut untouched = MockMailer::new();
    untouched.expect_send().never();
    assert!(
        runner(&world, untouched)
            .drain()
            .await
            .expect("runner")
            .is_empty()
    );

    world.advance(Duration::minutes(1));
    let mut up = MockMailer::new();
    up.expect_send().returning(|_| Ok("id-1".into()));
    let outcomes = runner(&world, up).drain().await.expect("runner");
    assert!(outcomes.iter().all(|o| matches!(o, RunOutcome::Done(_))));
}

#[tokio::test]
async fn a_database_down_at_submission_is_reported_and_stores_nothing() {
    let world = World::new().await;
    let mut uow = MockUnitOfWork::new();
    uow.expect_begin()
        .returning(|| Err(RepoError::Unavailable("connexion refusée".into())));
    let mut ports = world.ports.clone();
    ports.uow = Arc::new(uow);
    let app = App::new(ports, world.app.settings().clone());
    let result = app
        .submit_signalement(&Actor::Anonymous, form(), false)
        .await;
    assert!(
        matches!(result, Err(AppError::Repo(RepoError::Unavailable(_)))),
        "{result:?}"
    );
    let page = world
        .store
        .list(&ListScope::All, &Default::default(), 0, 10)
        .await
        .expect("list");
    assert_eq!(page.total, 0);
    assert!(
        world.store.all().await.expect("jobs").is_empty(),
        "no job for a report that does not exist"
    );
}

/// The jobs still waiting, and when each is due.
async fn pending(world: &World) -> Vec<histologe_ports::Job> {
    world
        .store
        .all()
        .await
        .expect("jobs")
        .into_iter()
        .filter(|j| j.status == JobStatus::Pending)
        .collect()
}

#[tokio::test]
async fn a_rate_limited_send_waits_for_the_providers_retry_after() {
    let world = World::new().await;
    world.submit(form()).await;
    let mut limited = MockMailer::new();
    limited.expect_send().returning(|_| {
        Err(MailError::Unavailable {
            message: "429 Too Many Requests".into(),
            retry_after: Some(std::time::Duration::from_secs(30 * 60)),
        })
    });
    let outcomes = runner(&world, limited).drain().await.expect("runner");
    assert!(outcomes.iter().any(|o| matches!(o, RunOutcome::Retry(_))));
    let waiting: Vec<_> = pending(&world)
        .await
        .into_iter()
        .filter(|j| j.last_error.as_deref() == Some("429 Too Many Requests"))
        .collect();
    assert!(!waiting.is_empty());
    assert!(
        waiting
            .iter()
            .all(|j| j.run_at == common::start() + Duration::minutes(30)),
        "not after the 1-minute backoff but when Brevo said: {:?}",
        waiting.iter().map(|j| j.run_at).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_refused_key_is_retried_until_fixed_and_loses_nothing() {
    let world = World::new().await;
    world.submit(form()).await;
    let mut refused = MockMailer::new();
    refused
        .expect_send()
        .returning(|_| Err(MailError::Misconfigured("401 Key not found".into())));
    let outcomes = runner(&world, refused).drain().await.expect("runner");
    assert!(outcomes.iter().any(|o| matches!(o, RunOutcome::Retry(_))));
    assert!(world.store.dead(10).await.expect("dead").is_empty());
    let waiting = pending(&world).await;
    assert!(!waiting.is_empty());
    assert!(
        waiting
            .iter()
            .all(|j| j.last_error.as_deref() == Some("401 Key not found")),
        "the queue page says why"
    );
    world.advance(Duration::minutes(1));
    let mut fixed = MockMailer::new();
    fixed
        .expect_send()
        .returning(|_| Ok("<1@smtp-relay.mailin.fr>".into()));
    let outcomes = runner(&world, fixed).drain().await.expect("runner");
    assert!(!outcomes.is_empty());
    assert!(outcomes.iter().all(|o| matches!(o, RunOutcome::Done(_))));
    assert!(
        pending(&world).await.is_empty(),
        "every e-mail left once fixed"
    );
}

#[tokio::test]
async fn an_address_the_provider_refuses_is_marked_undeliverable() {
    let world = World::new().await;
    let case = world.submit(form()).await;
    let address = case
        .signalement
        .occupant
        .email
        .clone()
        .or(case.signalement.declarant.email.clone())
        .expect("the form has a usager's address");
    let refused = address.clone();
    let mut mailer = MockMailer::new();
    mailer.expect_send().returning(move |email| {
        if email.to.contains(&refused) {
            Err(MailError::InvalidRecipient(
                "email is not valid in to".into(),
            ))
        } else {
            Ok("id".into())
        }
    });
    runner(&world, mailer).drain().await.expect("runner");
    let issues = histologe_ports::DeliveryIssueRepository::delivery_issues(
        world.store.as_ref(),
        std::slice::from_ref(&address),
    )
    .await
    .expect("issues");
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].event, "invalid_email");
    assert_eq!(
        issues[0].reason.as_deref(),
        Some("email is not valid in to")
    );
    assert!(
        world
            .store
            .dead(10)
            .await
            .expect("dead")
            .iter()
            .any(|j| j.last_error.as_deref() == Some("email is not valid in to")),
        "not retried"
    );
}
