//! Job kinds the runtime handles itself, because they need what the
//! application does not have (an async runtime to wait with) or belong to
//! the processes rather than to the domain:
//!
//! - `scheduled.run`: one tick of one scheduled task, queued by the clock
//!   ([`crate::clock`]) and run by whichever worker claims it;
//! - `ops.probe`: an e-mail that checks, end to end, that a worker claims
//!   jobs and the mail transport delivers. The fault tests queue it (no
//!   command does yet); it can wait for a file before or after its send,
//!   which is how they hold a job in the middle of its run.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use histologe_application::jobs::{Failure, JobPayload, ProcessJobs, Runner};
use histologe_application::scheduled::ScheduledTask;
use histologe_ports::{Job, OutgoingEmail};
use serde::{Deserialize, Serialize};

/// One tick of a scheduled task. The key makes every clock's enqueue of
/// the same tick one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledRun {
    pub task: String,
    /// The tick, as the RFC 3339 instant it was due.
    pub period: String,
}

impl JobPayload for ScheduledRun {
    const KIND: &'static str = "scheduled.run";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("scheduled:{}:{}", self.task, self.period))
    }
}

/// An e-mail to `to` whose subject carries `token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub to: String,
    pub token: String,
    /// Wait until this file exists before sending.
    #[serde(default)]
    pub wait_for: Option<PathBuf>,
    /// Wait until this file exists after sending (the job is then killed
    /// with its e-mail sent but the job not done).
    #[serde(default)]
    pub hold_after_send: Option<PathBuf>,
}

impl JobPayload for Probe {
    const KIND: &'static str = "ops.probe";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("ops.probe:{}", self.token))
    }
}

/// How often a held probe looks for its file.
const POLL: Duration = Duration::from_millis(100);

/// The runtime's job kinds.
#[derive(Debug, Clone, Copy, Default)]
pub struct OperationsJobs;

#[async_trait]
impl ProcessJobs for OperationsJobs {
    fn handles(&self, kind: &str) -> bool {
        kind == ScheduledRun::KIND || kind == Probe::KIND
    }

    async fn run(&self, runner: &Runner, job: &Job) -> Result<(), Failure> {
        match job.kind.as_str() {
            ScheduledRun::KIND => scheduled(runner, payload(job)?).await,
            _ => probe(runner, payload(job)?).await,
        }
    }
}

fn payload<P: JobPayload>(job: &Job) -> Result<P, Failure> {
    serde_json::from_value(job.payload.clone())
        // serde's message quotes the offending value, which may be an
        // address: the log and the queue page get the kind of error only.
        .map_err(|e| Failure::Permanent(format!("unreadable payload ({:?})", e.classify())))
}

async fn scheduled(runner: &Runner, run: ScheduledRun) -> Result<(), Failure> {
    let Some(task) = ScheduledTask::parse(&run.task) else {
        return Err(Failure::Permanent(format!(
            "unknown scheduled task {}",
            run.task
        )));
    };
    let report = runner
        .app()
        .run_scheduled(task)
        .await
        .map_err(|e| Failure::Transient(e.to_string()))?;
    tracing::info!(
        task = task.as_str(),
        period = %run.period,
        effects = report.effects,
        skipped = report.skipped.unwrap_or(""),
        "scheduled task run"
    );
    Ok(())
}

async fn wait_for_file(path: &std::path::Path) {
    while !tokio::fs::try_exists(path).await.unwrap_or(false) {
        tokio::time::sleep(POLL).await;
    }
}

async fn probe(runner: &Runner, probe: Probe) -> Result<(), Failure> {
    if let Some(path) = &probe.wait_for {
        wait_for_file(path).await;
    }
    let hold = probe.hold_after_send.clone();
    runner
        .send(OutgoingEmail {
            to: vec![probe.to],
            subject: format!("Contrôle du traitement des tâches {}", probe.token),
            text: format!(
                "Ce message confirme que le traitement des tâches et l'envoi des e-mails fonctionnent (contrôle {}).\n",
                probe.token
            ),
            html: None,
            template: "ops_probe".to_string(),
            ..OutgoingEmail::default()
        })
        .await?;
    if let Some(path) = &hold {
        wait_for_file(path).await;
    }
    Ok(())
}
