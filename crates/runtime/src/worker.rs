//! The job worker's loop: `concurrency` slots, each claiming one due job
//! at a time and running it, until the stop signal.
//!
//! At the stop no new job is claimed; a job already running gets the
//! grace period to finish, after which it is abandoned mid-way and given
//! back to the queue ([`Runner::release`]) for another worker, its
//! finished e-mails recorded so that the re-run does not send them again.
//! A worker killed outright (SIGKILL, a crashed machine) releases nothing:
//! its jobs are claimed again once their lease expires.

use std::sync::Arc;
use std::time::Duration;

use histologe_application::jobs::{RunOutcome, Runner};
use tokio::task::JoinSet;

use crate::probe::OperationsJobs;
use crate::shutdown::Shutdown;

/// Pause of a slot when no job is due.
pub const IDLE: Duration = Duration::from_secs(2);
/// Pause after the queue could not be read (database down).
const UNAVAILABLE_PAUSE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Jobs run at once.
    pub concurrency: usize,
    /// Stop when nothing is due instead of waiting for more.
    pub once: bool,
    /// How long a running job may go on after the stop signal.
    pub grace: Duration,
    pub idle: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            concurrency: 2,
            once: false,
            grace: Duration::from_secs(30),
            idle: IDLE,
        }
    }
}

/// What the worker did, for its last log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerReport {
    pub done: u64,
    pub retried: u64,
    pub dead: u64,
    pub lost: u64,
    /// Jobs given back to the queue at the stop.
    pub released: u64,
}

impl WorkerReport {
    fn add(&mut self, other: WorkerReport) {
        self.done += other.done;
        self.retried += other.retried;
        self.dead += other.dead;
        self.lost += other.lost;
        self.released += other.released;
    }
}

/// The runner the processes use: the application's jobs plus the ones the
/// runtime handles itself (scheduled tasks, the operations probe).
pub fn runner(wired: &crate::Wired, config: &crate::Config) -> Runner {
    Runner::new(wired.app.clone(), config.base_url.clone())
        .with_platform_name(config.mail.platform_name.clone())
        .with_lease(config.job_lease)
        .with_process_jobs(Arc::new(OperationsJobs))
}

/// Runs until `shutdown` (or, with `once`, until nothing is due).
pub async fn run(runner: Runner, options: WorkerOptions, shutdown: Shutdown) -> WorkerReport {
    let concurrency = options.concurrency.max(1);
    tracing::info!(
        concurrency,
        once = options.once,
        grace_s = options.grace.as_secs(),
        lease_s = runner.lease().as_secs(),
        "worker started"
    );
    let mut slots = JoinSet::new();
    for slot in 0..concurrency {
        slots.spawn(run_slot(
            slot,
            runner.clone(),
            options.clone(),
            shutdown.clone(),
        ));
    }
    let mut report = WorkerReport::default();
    while let Some(joined) = slots.join_next().await {
        match joined {
            Ok(slot_report) => report.add(slot_report),
            Err(e) => tracing::error!(error = %e, "worker slot panicked"),
        }
    }
    tracing::info!(
        done = report.done,
        retried = report.retried,
        dead = report.dead,
        released = report.released,
        "worker stopped"
    );
    report
}

async fn run_slot(
    slot: usize,
    runner: Runner,
    options: WorkerOptions,
    shutdown: Shutdown,
) -> WorkerReport {
    let mut report = WorkerReport::default();
    while !shutdown.is_triggered() {
        let job = match runner.claim().await {
            Ok(Some(job)) => job,
            Ok(None) if options.once => break,
            Ok(None) => {
                pause(options.idle, &shutdown).await;
                continue;
            }
            Err(e) => {
                tracing::error!(slot, error = %e, "worker: the job queue cannot be read");
                if options.once {
                    break;
                }
                pause(UNAVAILABLE_PAUSE, &shutdown).await;
                continue;
            }
        };
        tracing::debug!(slot, job.kind = job.kind.as_str(), job.id = %job.id, "job claimed");
        let claimed = job.clone();
        let running = runner.clone();
        let mut handle = tokio::spawn(async move { running.run(job).await });
        let finished = tokio::select! {
            finished = &mut handle => Some(finished),
            () = shutdown.wait() => None,
        };
        let finished = match finished {
            Some(finished) => Some(finished),
            None => {
                tracing::info!(slot, job.kind = claimed.kind.as_str(), job.id = %claimed.id, grace_s = options.grace.as_secs(), "stopping: the running job may finish within the grace period");
                tokio::time::timeout(options.grace, &mut handle).await.ok()
            }
        };
        match finished {
            Some(Ok(Ok(outcome))) => count(&mut report, &outcome),
            Some(Ok(Err(e))) => {
                // The outcome could not be written: the lease brings the
                // job back to another worker.
                tracing::error!(slot, job.kind = claimed.kind.as_str(), job.id = %claimed.id, error = %e, "job outcome not recorded");
            }
            Some(Err(e)) => {
                tracing::error!(slot, job.kind = claimed.kind.as_str(), job.id = %claimed.id, error = %e, "job panicked");
                match runner.record_panic(&claimed).await {
                    Ok(outcome) => count(&mut report, &outcome),
                    Err(e) => {
                        tracing::error!(job.kind = claimed.kind.as_str(), job.id = %claimed.id, error = %e, "panicked job not recorded: its lease will bring it back")
                    }
                }
            }
            None => {
                handle.abort();
                // Gone for sure before the job is given back: the next
                // claim reuses the attempt number `complete` checks.
                let _ = (&mut handle).await;
                tracing::warn!(slot, job.kind = claimed.kind.as_str(), job.id = %claimed.id, "grace period over: the job goes back to the queue");
                release(&runner, &claimed, &mut report).await;
            }
        }
    }
    report
}

async fn release(runner: &Runner, job: &histologe_ports::Job, report: &mut WorkerReport) {
    match runner.release(job).await {
        Ok(()) => report.released += 1,
        Err(e) => {
            tracing::error!(job.kind = job.kind.as_str(), job.id = %job.id, error = %e, "job not released: its lease will bring it back")
        }
    }
}

fn count(report: &mut WorkerReport, outcome: &RunOutcome) {
    match outcome {
        RunOutcome::Done(_) => report.done += 1,
        RunOutcome::Retry(_) => report.retried += 1,
        RunOutcome::Dead(_) => report.dead += 1,
        RunOutcome::Lost(_) => report.lost += 1,
    }
}

/// Sleeps `d`, or less if the stop comes first.
async fn pause(d: Duration, shutdown: &Shutdown) {
    tokio::select! {
        () = tokio::time::sleep(d) => {}
        () = shutdown.wait() => {}
    }
}
