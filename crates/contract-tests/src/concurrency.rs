//! What must hold when many tasks use one database at once: the locks of
//! `max_reference_number` and `lock_case`, exclusive job claims, and the
//! outbox (a state change and its job commit together or not at all).
//!
//! Every unit of work here follows the callers' protocol: begin, work,
//! commit, and on [`RepoError::Conflict`](histologe_ports::RepoError) (a
//! lock wait timeout, a deadlock, `SQLITE_BUSY`) start again from `begin`,
//! up to [`MAX_ATTEMPTS`](crate::support::MAX_ATTEMPTS) times. An adapter
//! may sacrifice transactions that way; it may never let two of them
//! interleave.

use std::collections::HashSet;
use std::time::Duration;

use histologe_core::enums::SignalementStatus;
use histologe_core::model::Case;
use histologe_core::policy::ListScope;
use histologe_core::reference::{Reference, next_reference};
use histologe_ports::{JobStatus, SignalementFilter};

use crate::Backend;
use crate::fixtures::{NOW, case, days, history_entry, new_job};
use crate::support::{begin, commit_cases, retry_on_conflict, stored_case, world};

/// How many tasks number references, or change one case, at once.
const TASKS: u32 = 20;

/// Twenty tasks each number a new case of one territory (begin →
/// `max_reference_number` → `insert_case` with the next reference →
/// commit, retried on `Conflict`): the references they get are distinct
/// and consecutive, `2025-1` to `2025-20` (rule 1).
pub async fn concurrency_reference_numbers_are_distinct_and_consecutive(backend: &dyn Backend) {
    let w = world(backend).await;
    let territory = w.bdr.code.clone();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let stores = w.stores.clone();
            let territory = territory.clone();
            tokio::spawn(async move {
                retry_on_conflict("numbering a new case", || {
                    let stores = stores.clone();
                    let territory = territory.clone();
                    async move {
                        let mut tx = stores.uow.begin().await?;
                        let max = tx.max_reference_number(&territory, 2025).await?;
                        // Give the other tasks every chance to interleave.
                        tokio::task::yield_now().await;
                        let reference = next_reference(2025, max);
                        tx.insert_case(&case(&territory, &reference.to_string(), NOW))
                            .await?;
                        tx.commit().await?;
                        Ok(reference)
                    }
                })
                .await
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        let reference: Reference = task.await.expect("a numbering task panicked");
        numbers.push(reference.number());
    }
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=TASKS).collect::<Vec<_>>(),
        "concurrent numbering must give distinct, consecutive references"
    );
    let filter = SignalementFilter {
        territory: Some(territory),
        ..SignalementFilter::default()
    };
    let listed = w
        .stores
        .signalements
        .list(&ListScope::All, &filter, 0, 100)
        .await
        .expect("list");
    assert_eq!(listed.total, u64::from(TASKS));
}

/// Twenty tasks each lock one case, change it from what they read and save
/// it (retried on `Conflict`): no change is lost, because `lock_case`
/// serialises them until commit.
pub async fn concurrency_lock_case_loses_no_update(backend: &dyn Backend) {
    let w = world(backend).await;
    let mut shared = case(&w.bdr.code, "2025-1", days(-1));
    shared.signalement.score = 0.0;
    commit_cases(&w.stores, &[&shared]).await;
    let id = shared.signalement.id;
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let stores = w.stores.clone();
            tokio::spawn(async move {
                retry_on_conflict("changing a locked case", || {
                    let stores = stores.clone();
                    async move {
                        let mut tx = stores.uow.begin().await?;
                        let mut locked: Case =
                            tx.lock_case(id).await?.expect("the shared case exists");
                        tokio::task::yield_now().await;
                        locked.signalement.score += 1.0;
                        tx.save_case(&locked).await?;
                        tx.commit().await
                    }
                })
                .await;
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a task changing the case panicked");
    }
    assert_eq!(
        stored_case(&w.stores, &shared).await.signalement.score,
        f64::from(TASKS),
        "every change made under lock_case must survive"
    );
}

/// Four workers claim and complete fifty due jobs at once: none is claimed
/// twice, and all are done.
pub async fn concurrency_claimers_never_share_a_job(backend: &dyn Backend) {
    const JOBS: usize = 50;
    const LEASE: Duration = Duration::from_secs(600);
    let w = world(backend).await;
    let mut tx = begin(&w.stores).await;
    for _ in 0..JOBS {
        tx.enqueue(&new_job(NOW, None)).await.expect("enqueue");
    }
    crate::support::commit(tx).await;

    let workers: Vec<_> = (0..4)
        .map(|_| {
            let stores = w.stores.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let claimed =
                        retry_on_conflict("claiming a job", || stores.jobs.claim(NOW, LEASE)).await;
                    let Some(job) = claimed else { break };
                    assert_eq!((job.status, job.attempts), (JobStatus::Running, 1));
                    mine.push(job.id);
                    tokio::task::yield_now().await;
                    retry_on_conflict("completing a job", || stores.jobs.complete(&job)).await;
                }
                mine
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for worker in workers {
        for id in worker.await.expect("a worker panicked") {
            assert!(seen.insert(id), "job {id} was claimed twice");
        }
    }
    assert_eq!(seen.len(), JOBS, "every job is claimed once");
    let all = w.stores.jobs.all().await.expect("all");
    assert_eq!(all.len(), JOBS);
    assert!(
        all.iter()
            .all(|job| job.status == JobStatus::Done && job.attempts == 1),
        "every job is done after one attempt"
    );
}

/// A change of a case and the job it causes commit together or not at
/// all: dropped, neither is there; committed, both are.
pub async fn concurrency_state_change_and_job_commit_together(backend: &dyn Backend) {
    let w = world(backend).await;
    let new = case(&w.bdr.code, "2025-1", days(-1));
    commit_cases(&w.stores, &[&new]).await;
    let id = new.signalement.id;
    let key = format!("signalement_valide:{id}");

    let mut tx = begin(&w.stores).await;
    let mut locked = tx.lock_case(id).await.expect("lock_case").expect("case");
    locked.signalement.status = SignalementStatus::Active;
    tx.save_case(&locked).await.expect("save_case");
    tx.append_history(&history_entry(&new, Some(&w.rt), NOW))
        .await
        .expect("append_history");
    tx.enqueue(&new_job(NOW, Some(&key)))
        .await
        .expect("enqueue");
    drop(tx);
    assert_eq!(
        stored_case(&w.stores, &new).await.signalement.status,
        SignalementStatus::NeedValidation
    );
    assert_eq!(
        w.stores.jobs.all().await,
        Ok(Vec::new()),
        "no job for a change that rolled back"
    );
    assert_eq!(w.stores.history.of_signalement(id).await, Ok(Vec::new()));

    let job = new_job(NOW, Some(&key));
    retry_on_conflict("validating the case", || {
        let stores = w.stores.clone();
        let (job, entry) = (job.clone(), history_entry(&new, Some(&w.rt), NOW));
        async move {
            let mut tx = stores.uow.begin().await?;
            let mut locked = tx.lock_case(id).await?.expect("the case exists");
            locked.signalement.status = SignalementStatus::Active;
            tx.save_case(&locked).await?;
            tx.append_history(&entry).await?;
            tx.enqueue(&job).await?;
            tx.commit().await
        }
    })
    .await;
    assert_eq!(
        stored_case(&w.stores, &new).await.signalement.status,
        SignalementStatus::Active
    );
    let jobs = w.stores.jobs.all().await.expect("all");
    assert_eq!(
        jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![job.id],
        "the job of the committed change, once"
    );
}
