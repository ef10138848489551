//! The job queue: exclusive claims, leases, retries, idempotency.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use histologe_ports::{Job, JobQueue, JobStatus, RepoError, UnitOfWork};

use super::fixtures::{job, now};
use crate::{FixedClock, MemoryStore};

fn store() -> MemoryStore {
    MemoryStore::with_clock(Arc::new(FixedClock::default()))
}

const LEASE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_get_the_same_job() {
    let store = store();
    let mut tx = store.begin().await.expect("begin");
    for _ in 0..50 {
        tx.enqueue(&job(None, now())).await.expect("enqueue");
    }
    tx.commit().await.expect("commit");

    let claimers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(claimed) = store.claim(now(), LEASE).await.expect("claim") {
                    assert_eq!(claimed.status, JobStatus::Running);
                    assert_eq!(claimed.attempts, 1);
                    mine.push(claimed.id);
                    tokio::task::yield_now().await;
                    store.complete(&claimed).await.expect("complete");
                }
                mine
            })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut total = 0;
    for claimer in claimers {
        for id in claimer.await.expect("claimer") {
            total += 1;
            assert!(seen.insert(id), "job {id} claimed twice");
        }
    }
    assert_eq!(total, 50);
    let all = store.all().await.expect("all");
    assert!(all.iter().all(|j| j.status == JobStatus::Done));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_job_with_the_same_idempotency_key_is_ignored() {
    let store = store();
    let mut tx = store.begin().await.expect("begin");
    tx.enqueue(&job(Some("mail:1"), now()))
        .await
        .expect("enqueue");
    tx.enqueue(&job(Some("mail:1"), now()))
        .await
        .expect("same tx");
    tx.enqueue(&job(Some("mail:2"), now()))
        .await
        .expect("other key");
    tx.enqueue(&job(None, now())).await.expect("no key");
    tx.enqueue(&job(None, now())).await.expect("no key again");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    tx.enqueue(&job(Some("mail:1"), now()))
        .await
        .expect("later tx");
    tx.commit().await.expect("commit");

    let keys: Vec<_> = store
        .all()
        .await
        .expect("all")
        .into_iter()
        .map(|j| j.idempotency_key)
        .collect();
    assert_eq!(
        keys,
        vec![Some("mail:1".into()), Some("mail:2".into()), None, None]
    );

    // The same id is a different matter: a real duplicate.
    let mut tx = store.begin().await.expect("begin");
    let once = job(None, now());
    tx.enqueue(&once).await.expect("enqueue");
    assert!(matches!(
        tx.enqueue(&once).await,
        Err(RepoError::Duplicate(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_follow_due_time_and_leases() {
    let store = store();
    let later = job(None, now() + TimeDelta::minutes(10));
    let first = job(None, now() - TimeDelta::minutes(1));
    let second = job(None, now());
    let mut tx = store.begin().await.expect("begin");
    for j in [&later, &second, &first] {
        tx.enqueue(j).await.expect("enqueue");
    }
    tx.commit().await.expect("commit");

    let claim = |at| {
        let store = store.clone();
        async move {
            store
                .claim(at, LEASE)
                .await
                .expect("claim")
                .map(|j| (j.id, j.attempts))
        }
    };
    assert_eq!(claim(now()).await, Some((first.id, 1)), "oldest due first");
    assert_eq!(claim(now()).await, Some((second.id, 1)));
    assert_eq!(claim(now()).await, None, "the later job is not due");
    // A worker holding a job past its lease loses it.
    let after_lease = now() + TimeDelta::seconds(61);
    assert_eq!(claim(after_lease).await, Some((first.id, 2)));
    assert_eq!(claim(after_lease).await, Some((second.id, 2)));
    assert_eq!(claim(after_lease).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_retry_then_die_and_admins_send_them_back() {
    let clock = Arc::new(FixedClock::default());
    let store = MemoryStore::with_clock(clock.clone());
    let (a, b) = (job(None, now()), job(None, now()));
    let mut tx = store.begin().await.expect("begin");
    tx.enqueue(&a).await.expect("enqueue");
    tx.commit().await.expect("commit");
    let first = store
        .claim(now(), LEASE)
        .await
        .expect("claim")
        .expect("job");
    let retry_at = now() + TimeDelta::minutes(5);
    store
        .fail(&first, "smtp down", Some(retry_at))
        .await
        .expect("fail");
    let failed = store.all().await.expect("all").remove(0);
    assert_eq!(failed.status, JobStatus::Pending);
    assert_eq!(failed.run_at, retry_at);
    assert_eq!(failed.last_error.as_deref(), Some("smtp down"));
    assert_eq!(store.claim(now(), LEASE).await.expect("claim"), None);
    let second = store
        .claim(retry_at, LEASE)
        .await
        .expect("claim")
        .expect("job");
    assert!(
        matches!(store.complete(&first).await, Err(RepoError::Conflict)),
        "a stale claim cannot complete the job"
    );
    store.fail(&second, "still down", None).await.expect("fail");

    // A second dead job, created an hour later: newest first.
    clock.advance(TimeDelta::hours(1));
    let mut tx = store.begin().await.expect("begin");
    tx.enqueue(&b).await.expect("enqueue");
    tx.commit().await.expect("commit");
    let claimed_b = store
        .claim(now(), LEASE)
        .await
        .expect("claim")
        .expect("job");
    store.fail(&claimed_b, "gone", None).await.expect("fail");

    let dead: Vec<_> = store
        .dead(10)
        .await
        .expect("dead")
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(dead, vec![b.id, a.id]);
    assert_eq!(store.dead(1).await.expect("dead").len(), 1);

    store.retry(a.id, now()).await.expect("retry");
    let retried = store
        .claim(now(), LEASE)
        .await
        .expect("claim")
        .expect("job");
    assert_eq!(
        (retried.id, retried.attempts),
        (a.id, 3),
        "attempts are kept"
    );
    assert!(
        matches!(store.retry(a.id, now()).await, Err(RepoError::NotFound(_))),
        "only a dead job goes back"
    );
    store.complete(&retried).await.expect("complete");
    assert_eq!(store.dead(10).await.expect("dead").len(), 1);
    let unknown = Job {
        id: histologe_core::ids::JobId(super::fixtures::uuid()),
        ..retried
    };
    assert!(matches!(
        store.complete(&unknown).await,
        Err(RepoError::NotFound(_))
    ));
}
