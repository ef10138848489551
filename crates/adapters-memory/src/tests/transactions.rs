//! The unit of work: atomic commit, rollback on drop, serialised numbering.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use histologe_core::enums::AffectationStatus;
use histologe_core::ids::{PartnerId, UserId};
use histologe_core::reference::{next_reference, temporary_reference};
use histologe_ports::{
    HistoryRepository, JobQueue, NotificationRepository, RepoError, SignalementRepository,
    UnitOfWork,
};

use super::fixtures::{affectation, case, history, job, notification, now, suivi, territory, uuid};
use crate::{FixedClock, MemoryStore};

fn store() -> MemoryStore {
    MemoryStore::with_clock(Arc::new(FixedClock::default()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_transaction_leaves_nothing_behind() {
    let store = store();
    let new = case("13", "2025-1", now());
    let user = UserId(uuid());
    {
        let mut tx = store.begin().await.expect("begin");
        tx.insert_case(&new).await.expect("insert case");
        tx.insert_suivi(&suivi(&new, 1))
            .await
            .expect("insert suivi");
        tx.subscribe(user, new.signalement.id)
            .await
            .expect("subscribe");
        tx.append_history(&history(&new)).await.expect("history");
        tx.insert_notification(&notification(&new, user))
            .await
            .expect("notification");
        tx.enqueue(&job(Some("k"), now())).await.expect("enqueue");
        // Dropped here without commit.
    }
    let id = new.signalement.id;
    assert_eq!(
        SignalementRepository::case(&store, id).await.expect("read"),
        None
    );
    assert!(
        HistoryRepository::of_signalement(&store, id)
            .await
            .expect("read")
            .is_empty()
    );
    assert!(store.of_user(user).await.expect("read").is_empty());
    assert!(JobQueue::all(&store).await.expect("read").is_empty());

    // The writer lock was released with the transaction.
    let mut tx = tokio::time::timeout(Duration::from_secs(5), store.begin())
        .await
        .expect("begin does not wait for a dropped transaction")
        .expect("begin");
    assert_eq!(
        tx.max_reference_number(&territory("13"), 2025).await,
        Ok(None)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_makes_every_change_visible_at_once() {
    let store = store();
    let mut new = case("13", "2025-1", now());
    let user = UserId(uuid());
    let late = suivi(&new, 10);
    let early = suivi(&new, 1);
    new.affectations.push(affectation(
        &new,
        PartnerId(uuid()),
        AffectationStatus::Wait,
    ));

    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&new).await.expect("insert case");
    tx.insert_suivi(&late).await.expect("insert suivi");
    tx.insert_suivi(&early).await.expect("insert suivi");
    tx.subscribe(user, new.signalement.id)
        .await
        .expect("subscribe");
    tx.subscribe(user, new.signalement.id)
        .await
        .expect("subscribe twice");
    tx.append_history(&history(&new)).await.expect("history");
    tx.insert_notification(&notification(&new, user))
        .await
        .expect("notification");
    tx.enqueue(&job(None, now())).await.expect("enqueue");

    // Not visible before commit, even to the same task.
    let id = new.signalement.id;
    assert_eq!(
        SignalementRepository::case(&store, id).await.expect("read"),
        None
    );
    tx.commit().await.expect("commit");

    let stored = SignalementRepository::case(&store, id)
        .await
        .expect("read")
        .expect("committed case");
    assert_eq!(stored.signalement, new.signalement);
    assert_eq!(stored.affectations, new.affectations);
    let suivis: Vec<_> = stored.suivis.iter().map(|s| s.id).collect();
    assert_eq!(suivis, vec![early.id, late.id], "suivis oldest first");
    assert_eq!(stored.subscribers, vec![user]);
    let by_code = store
        .case_by_code_suivi(&new.signalement.code_suivi)
        .await
        .expect("read");
    assert_eq!(by_code.map(|c| c.signalement.id), Some(id));
    assert_eq!(
        HistoryRepository::of_signalement(&store, id)
            .await
            .expect("read")
            .len(),
        1
    );
    assert_eq!(store.of_user(user).await.expect("read").len(), 1);
    let jobs = JobQueue::all(&store).await.expect("read");
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].created_at, now(), "stamped with the store's clock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_numbering_in_one_territory_never_repeats_a_reference() {
    let store = store();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tx = store.begin().await.expect("begin");
                let max = tx
                    .max_reference_number(&territory("13"), 2025)
                    .await
                    .expect("max");
                // Give the other tasks every chance to interleave.
                tokio::task::yield_now().await;
                let reference = next_reference(2025, max).to_string();
                tx.insert_case(&case("13", &reference, now()))
                    .await
                    .expect("insert");
                tx.commit().await.expect("commit");
                reference
            })
        })
        .collect();
    let mut references = HashSet::new();
    for task in tasks {
        references.insert(task.await.expect("task"));
    }
    let expected: HashSet<String> = (1..=20).map(|n| format!("2025-{n}")).collect();
    assert_eq!(references, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_outside_an_open_transaction_see_committed_data_without_waiting() {
    let store = store();
    let first = case("13", "2025-1", now());
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&first).await.expect("insert");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    let mut changed = tx
        .lock_case(first.signalement.id)
        .await
        .expect("lock")
        .expect("case");
    changed.signalement.details = "changed".into();
    tx.save_case(&changed).await.expect("save");
    let seen = tokio::time::timeout(
        Duration::from_secs(5),
        SignalementRepository::case(&store, first.signalement.id),
    )
    .await
    .expect("a read does not wait for the open transaction")
    .expect("read")
    .expect("case");
    assert_eq!(
        seen.signalement.details, "",
        "the uncommitted change is invisible"
    );
    // The transaction reads its own writes.
    let own = tx
        .lock_case(first.signalement.id)
        .await
        .expect("lock")
        .expect("case");
    assert_eq!(own.signalement.details, "changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn highest_reference_counts_only_the_territory_and_year_asked() {
    let store = store();
    let last_year = now() - TimeDelta::days(400);
    let mut tx = store.begin().await.expect("begin");
    for c in [
        case("13", "2025-7", now()),
        case("13", "2025-3", now()),
        case("13", &temporary_reference(2025), now()),
        case("13", &temporary_reference(2025), now()),
        // Created last year: its reference is not this year's sequence.
        case("13", "2025-90", last_year),
        case("06", "2025-50", now()),
    ] {
        tx.insert_case(&c).await.expect("insert");
    }
    let mut injonction = case("13", &temporary_reference(2025), now());
    injonction.signalement.reference_injonction = Some(2400);
    tx.insert_case(&injonction).await.expect("insert");
    assert_eq!(
        tx.max_reference_number(&territory("13"), 2025).await,
        Ok(Some(7))
    );
    assert_eq!(
        tx.max_reference_number(&territory("06"), 2025).await,
        Ok(Some(50))
    );
    assert_eq!(
        tx.max_reference_number(&territory("2A"), 2025).await,
        Ok(None)
    );
    assert_eq!(tx.max_injonction_number().await, Ok(Some(2400)));
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    assert_eq!(
        tx.max_reference_number(&territory("13"), 2025).await,
        Ok(Some(7))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_case_refuses_a_taken_id_tracking_code_or_reference() {
    let store = store();
    let first = case("13", "2025-1", now());
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&first).await.expect("insert");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    let duplicate = |r: Result<(), RepoError>| matches!(r, Err(RepoError::Duplicate(_)));
    assert!(duplicate(tx.insert_case(&first).await), "same id");
    let mut same_code = case("13", "2025-2", now());
    same_code.signalement.code_suivi = first.signalement.code_suivi.clone();
    assert!(
        duplicate(tx.insert_case(&same_code).await),
        "same tracking code"
    );
    assert!(
        duplicate(tx.insert_case(&case("13", "2025-001", now())).await),
        "same reference"
    );
    // References are per territory; temporary ones are shared.
    tx.insert_case(&case("06", "2025-1", now()))
        .await
        .expect("other territory");
    tx.insert_case(&case("13", &temporary_reference(2025), now()))
        .await
        .expect("temporary");
    tx.insert_case(&case("13", &temporary_reference(2025), now()))
        .await
        .expect("temporary again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_case_replaces_affectations_and_keeps_suivis() {
    let store = store();
    let mut new = case("13", "2025-1", now());
    let kept = affectation(&new, PartnerId(uuid()), AffectationStatus::Wait);
    let removed = affectation(&new, PartnerId(uuid()), AffectationStatus::Wait);
    new.affectations = vec![kept.clone(), removed];
    let message = suivi(&new, 1);
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&new).await.expect("insert");
    tx.insert_suivi(&message).await.expect("suivi");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    let mut locked = tx
        .lock_case(new.signalement.id)
        .await
        .expect("lock")
        .expect("case");
    let mut accepted = kept;
    accepted.status = AffectationStatus::Accepted;
    locked.affectations = vec![accepted.clone()];
    locked.suivis.clear(); // ignored by save_case
    tx.save_case(&locked).await.expect("save");
    tx.commit().await.expect("commit");

    let stored = SignalementRepository::case(&store, new.signalement.id)
        .await
        .expect("read")
        .expect("case");
    assert_eq!(stored.affectations, vec![accepted]);
    assert_eq!(stored.suivis, vec![message]);

    let mut tx = store.begin().await.expect("begin");
    let unknown = case("13", "2025-9", now());
    assert!(matches!(
        tx.save_case(&unknown).await,
        Err(RepoError::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suivis_are_updated_deleted_and_released_by_date() {
    let store = store();
    let new = case("13", "2025-1", now());
    let mut held = suivi(&new, 0);
    held.waiting_notification = true;
    let mut deleted_held = suivi(&new, 1);
    deleted_held.waiting_notification = true;
    deleted_held.deleted_at = Some(now());
    let mut recent = suivi(&new, 30);
    recent.waiting_notification = true;
    let hard_deleted = suivi(&new, 2);
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&new).await.expect("insert");
    for s in [&held, &deleted_held, &recent, &hard_deleted] {
        tx.insert_suivi(s).await.expect("suivi");
    }
    assert!(matches!(
        tx.insert_suivi(&held).await,
        Err(RepoError::Duplicate(_))
    ));
    tx.delete_suivi(hard_deleted.id).await.expect("delete");
    assert!(matches!(
        tx.delete_suivi(hard_deleted.id).await,
        Err(RepoError::NotFound(_))
    ));
    tx.commit().await.expect("commit");

    let due = store
        .suivis_to_release(now() + TimeDelta::minutes(5))
        .await
        .expect("read");
    assert_eq!(due, vec![(new.signalement.id, held.id)]);

    let mut tx = store.begin().await.expect("begin");
    let mut released = held.clone();
    released.waiting_notification = false;
    tx.update_suivi(&released).await.expect("update");
    tx.commit().await.expect("commit");
    let due = store
        .suivis_to_release(now() + TimeDelta::minutes(5))
        .await
        .expect("read");
    assert!(due.is_empty());
    let stored = SignalementRepository::case(&store, new.signalement.id)
        .await
        .expect("read")
        .expect("case");
    assert_eq!(stored.suivis.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_deleted_then_added_in_one_transaction_keep_the_new_one() {
    let store = store();
    let new = case("13", "2025-1", now());
    let user = UserId(uuid());
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&new).await.expect("insert");
    tx.insert_notification(&notification(&new, user))
        .await
        .expect("notify");
    tx.commit().await.expect("commit");

    let mut tx = store.begin().await.expect("begin");
    tx.delete_notifications_of(new.signalement.id)
        .await
        .expect("delete");
    let fresh = notification(&new, user);
    tx.insert_notification(&fresh).await.expect("notify");
    tx.commit().await.expect("commit");
    assert_eq!(
        NotificationRepository::of_signalement(&store, new.signalement.id)
            .await
            .expect("read"),
        vec![fresh]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_switched_off_refuses_to_begin() {
    let store = store();
    store.set_unavailable(true);
    assert!(matches!(
        store.begin().await.err(),
        Some(RepoError::Unavailable(_))
    ));
    store.set_unavailable(false);
    assert!(store.begin().await.is_ok());
}
