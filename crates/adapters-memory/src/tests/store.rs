//! The memory store beyond the ports' contract: outages on demand, jobs
//! stamped with the store's clock, and uniqueness details the contract
//! leaves to each adapter.

use std::sync::Arc;

use chrono::TimeDelta;
use histologe_contract_tests::fixtures::{NOW, case, code, new_job};
use histologe_ports::{JobQueue, RepoError, SignalementRepository, UnitOfWork, UserRepository};

use crate::{FixedClock, MemoryStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_switched_off_refuses_everything_until_switched_on() {
    let store = MemoryStore::new();
    let first = case(&code("13"), "2025-1", NOW);
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&first).await.expect("insert_case");
    store.set_unavailable(true);
    assert!(matches!(tx.commit().await, Err(RepoError::Unavailable(_))));
    assert!(matches!(
        store.begin().await.err(),
        Some(RepoError::Unavailable(_))
    ));
    assert!(matches!(
        SignalementRepository::case(&store, first.signalement.id).await,
        Err(RepoError::Unavailable(_))
    ));
    assert!(matches!(
        store.by_email("a@b.fr").await,
        Err(RepoError::Unavailable(_))
    ));
    assert!(matches!(
        store.claim(NOW, std::time::Duration::from_secs(60)).await,
        Err(RepoError::Unavailable(_))
    ));

    store.set_unavailable(false);
    assert_eq!(
        SignalementRepository::case(&store, first.signalement.id).await,
        Ok(None),
        "a commit that failed wrote nothing"
    );
    assert!(store.begin().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_stamped_with_the_stores_clock() {
    let clock = Arc::new(FixedClock::new(NOW));
    let store = MemoryStore::with_clock(clock.clone());
    let (first, second) = (new_job(NOW, None), new_job(NOW, None));
    let mut tx = store.begin().await.expect("begin");
    tx.enqueue(&first).await.expect("enqueue");
    tx.commit().await.expect("commit");
    clock.advance(TimeDelta::hours(1));
    let mut tx = store.begin().await.expect("begin");
    tx.enqueue(&second).await.expect("enqueue");
    tx.commit().await.expect("commit");
    let stamps: Vec<_> = store
        .all()
        .await
        .expect("all")
        .into_iter()
        .map(|job| (job.id, job.created_at))
        .collect();
    assert_eq!(
        stamps,
        vec![(first.id, NOW), (second.id, NOW + TimeDelta::hours(1))],
        "in enqueue order, stamped when enqueued"
    );
}

/// Where the ports leave room, the memory store is strict: a reference
/// with leading zeros is the same reference, and a job id enqueued twice
/// is a duplicate rather than a repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leading_zeros_and_job_ids_are_duplicates() {
    let store = MemoryStore::new();
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&case(&code("13"), "2025-1", NOW))
        .await
        .expect("insert_case");
    assert!(matches!(
        tx.insert_case(&case(&code("13"), "2025-001", NOW)).await,
        Err(RepoError::Duplicate(_))
    ));
    let job = new_job(NOW, None);
    tx.enqueue(&job).await.expect("enqueue");
    assert!(matches!(
        tx.enqueue(&job).await,
        Err(RepoError::Duplicate(_))
    ));
}
