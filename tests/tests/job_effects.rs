//! A job run again never repeats an e-mail it already sent: the runner
//! records each send under the job's id, and a re-run (the worker died
//! after the send, or the job failed later on) finds it.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Duration;
use common::World;
use histologe_application::jobs::{Failure, JobPayload, ProcessJobs, RunOutcome, Runner, enqueue};
use histologe_ports::{Clock, Job, JobStatus, OutgoingEmail};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct TwoMails {
    token: String,
}

impl JobPayload for TwoMails {
    const KIND: &'static str = "test.two_mails";
    fn idempotency_key(&self) -> Option<String> {
        None
    }
}

/// Sends one e-mail, then fails the first time before its second one, as
/// a handler whose provider went down half-way would.
#[derive(Default)]
struct FailsHalfWay {
    runs: AtomicU32,
}

fn mail(to: &str, token: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: vec![to.to_string()],
        subject: format!("Contrôle {token}"),
        text: token.to_string(),
        html: None,
        template: "test".to_string(),
        ..OutgoingEmail::default()
    }
}

#[async_trait::async_trait]
impl ProcessJobs for FailsHalfWay {
    fn handles(&self, kind: &str) -> bool {
        kind == TwoMails::KIND
    }

    async fn run(&self, runner: &Runner, job: &Job) -> Result<(), Failure> {
        let p: TwoMails = serde_json::from_value(job.payload.clone())
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        runner
            .send(mail("premier@histologe.test", &p.token))
            .await?;
        if self.runs.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(Failure::Transient("fournisseur indisponible".into()));
        }
        runner.send(mail("second@histologe.test", &p.token)).await
    }
}

#[tokio::test]
async fn a_retried_job_does_not_send_again_what_it_sent_before_failing() {
    let world = World::new().await;
    let runner = world
        .runner
        .clone()
        .with_process_jobs(Arc::new(FailsHalfWay::default()));
    let mut tx = histologe_ports::UnitOfWork::begin(world.store.as_ref())
        .await
        .expect("tx");
    enqueue(
        tx.as_mut(),
        world.ports.ids.as_ref(),
        world.clock.now(),
        &TwoMails {
            token: "t-42".into(),
        },
    )
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");

    let first = runner.drain().await.expect("runner");
    assert!(
        matches!(first.as_slice(), [RunOutcome::Retry(_)]),
        "{first:?}"
    );
    assert_eq!(world.mailer.sent().len(), 1, "the first e-mail left");

    world.clock.advance(Duration::hours(1));
    let second = runner.drain().await.expect("runner");
    assert!(
        matches!(second.as_slice(), [RunOutcome::Done(_)]),
        "{second:?}"
    );
    let to: Vec<String> = world.mailer.sent().iter().map(|m| m.to.join(",")).collect();
    assert_eq!(
        to,
        vec!["premier@histologe.test", "second@histologe.test"],
        "the re-run sent only what was missing"
    );
    let job = histologe_ports::JobQueue::all(world.store.as_ref())
        .await
        .expect("jobs")
        .into_iter()
        .find(|j| j.kind.as_str() == TwoMails::KIND)
        .expect("the job");
    assert_eq!((job.status, job.attempts), (JobStatus::Done, 2));
    // Each e-mail's message id, as the provider gave it, is kept with the
    // job: what one quotes to Brevo's support to trace it.
    for (to, id) in [
        ("premier@histologe.test", "memory-1"),
        ("second@histologe.test", "memory-2"),
    ] {
        let key = histologe_application::jobs::sent_mail_key(job.id, "test", &[to.to_string()]);
        assert_eq!(
            histologe_ports::JobQueue::effect_detail(world.store.as_ref(), &key)
                .await
                .expect("effect"),
            Some(id.to_string()),
            "{to}"
        );
    }
}
