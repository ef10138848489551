//! The job queue (`JobQueue`, and `Transaction::enqueue`): the outbox seen
//! from the worker. Every claim is made at an explicit `now`, so none of
//! this depends on the wall clock.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use histologe_core::ids::JobId;
use histologe_ports::{Job, JobStatus, NewJob, RepoError};

use crate::fixtures::{NOW, days, minutes, new_job, uuid};
use crate::support::{begin, commit, sorted, within};
use crate::{Backend, Stores};

/// The lease of every claim here: one minute.
const LEASE: Duration = Duration::from_secs(60);

/// A fresh database (jobs need no reference data).
async fn fresh(backend: &dyn Backend) -> Stores {
    within("Backend::fresh", backend.fresh()).await
}

/// Enqueues `jobs` in one transaction and commits it.
async fn enqueue(stores: &Stores, jobs: &[&NewJob]) {
    let mut tx = begin(stores).await;
    for job in jobs {
        tx.enqueue(job).await.expect("enqueue");
    }
    commit(tx).await;
}

/// Claims a job at `now`, which must be there.
async fn claim(stores: &Stores, now: DateTime<Utc>) -> Job {
    stores
        .jobs
        .claim(now, LEASE)
        .await
        .expect("claim")
        .expect("a due job to claim")
}

/// The job `id` as `all()` shows it.
async fn stored(stores: &Stores, id: JobId) -> Job {
    stores
        .jobs
        .all()
        .await
        .expect("all")
        .into_iter()
        .find(|job| job.id == id)
        .unwrap_or_else(|| panic!("job {id} should exist"))
}

fn is_conflict(result: Result<(), RepoError>) -> bool {
    matches!(result, Err(RepoError::Conflict))
}

/// A job whose idempotency key is already known (in the same transaction
/// or committed earlier) is ignored; jobs without a key are all kept.
pub async fn jobs_idempotency_key_ignores_repeats(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let first = new_job(NOW, Some("mail:nouveau_signalement:2025-1"));
    let other_key = new_job(NOW, Some("mail:nouveau_signalement:2025-2"));
    let (no_key, no_key_again) = (new_job(NOW, None), new_job(NOW, None));
    let same_tx = new_job(minutes(5), Some("mail:nouveau_signalement:2025-1"));
    enqueue(&s, &[&first, &same_tx, &other_key, &no_key, &no_key_again]).await;
    let later_tx = new_job(minutes(10), Some("mail:nouveau_signalement:2025-1"));
    enqueue(&s, &[&later_tx]).await;

    let all = s.jobs.all().await.expect("all");
    assert_eq!(
        sorted(&all, |job| job.id),
        sorted(
            &[first.id, other_key.id, no_key.id, no_key_again.id],
            |id| *id
        ),
        "the repeats of a key are ignored, the first job kept"
    );
    let kept = stored(&s, first.id).await;
    assert_eq!(
        (kept.run_at, kept.payload),
        (first.run_at, first.payload),
        "the first job is kept as it was"
    );
}

/// `claim` takes the due job with the earliest `run_at` (whatever the
/// enqueue order), marks it running and counts an attempt; a job not yet
/// due is left alone.
pub async fn jobs_claim_oldest_due_first(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let later = new_job(minutes(10), None);
    let second = new_job(NOW, Some("second"));
    let first = new_job(minutes(-1), None);
    enqueue(&s, &[&later, &second]).await;
    enqueue(&s, &[&first]).await;

    let claimed = claim(&s, NOW).await;
    assert_eq!(claimed.id, first.id, "the oldest due job first");
    assert_eq!(
        (
            &claimed.kind,
            &claimed.payload,
            claimed.status,
            claimed.attempts
        ),
        (&first.kind, &first.payload, JobStatus::Running, 1)
    );
    s.jobs.complete(&claimed).await.expect("complete");
    let claimed = claim(&s, NOW).await;
    assert_eq!(
        (claimed.id, claimed.idempotency_key.as_deref()),
        (second.id, Some("second"))
    );
    s.jobs.complete(&claimed).await.expect("complete");
    assert_eq!(
        s.jobs.claim(NOW, LEASE).await,
        Ok(None),
        "the last job is not due"
    );
    assert_eq!(claim(&s, minutes(10)).await.id, later.id);
}

/// A worker that holds a job past its lease loses it: the job is claimed
/// again, with its second attempt; before the lease ends nobody gets it.
pub async fn jobs_expired_lease_is_claimed_again(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let job = new_job(NOW, None);
    enqueue(&s, &[&job]).await;
    assert_eq!(claim(&s, NOW).await.attempts, 1);
    assert_eq!(
        s.jobs.claim(NOW + TimeDelta::seconds(30), LEASE).await,
        Ok(None),
        "the job is held until its lease ends"
    );
    let again = claim(&s, NOW + TimeDelta::seconds(61)).await;
    assert_eq!((again.id, again.attempts), (job.id, 2));
    assert_eq!(again.status, JobStatus::Running);
}

/// `complete` and `fail` take the claim they answer for: once the job was
/// claimed again (its attempts moved on) or finished, the old claim gets
/// `Conflict` and changes nothing; an unknown job is `NotFound`.
pub async fn jobs_stale_claim_conflicts(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let job = new_job(NOW, None);
    enqueue(&s, &[&job]).await;
    let stale = claim(&s, NOW).await;
    let current = claim(&s, NOW + TimeDelta::seconds(61)).await;

    assert!(
        is_conflict(s.jobs.complete(&stale).await),
        "a stale claim cannot complete the job"
    );
    assert!(
        is_conflict(s.jobs.fail(&stale, "délai dépassé", None).await),
        "a stale claim cannot fail the job"
    );
    let unchanged = stored(&s, job.id).await;
    assert_eq!(
        (unchanged.status, unchanged.attempts, unchanged.last_error),
        (JobStatus::Running, 2, None)
    );

    s.jobs.complete(&current).await.expect("complete");
    assert_eq!(stored(&s, job.id).await.status, JobStatus::Done);
    assert!(
        is_conflict(s.jobs.complete(&current).await),
        "a claim is completed once"
    );
    assert!(is_conflict(s.jobs.fail(&current, "trop tard", None).await));
    assert_eq!(stored(&s, job.id).await.status, JobStatus::Done);

    let unknown = Job {
        id: JobId(uuid()),
        ..current
    };
    assert!(matches!(
        s.jobs.complete(&unknown).await,
        Err(RepoError::NotFound(_))
    ));
    assert!(matches!(
        s.jobs.fail(&unknown, "inconnu", None).await,
        Err(RepoError::NotFound(_))
    ));
}

/// `fail` with a retry time puts the job back to pending at that time,
/// with its error; it is not due before, and its next claim is its second
/// attempt.
pub async fn jobs_fail_with_retry_reschedules(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let job = new_job(NOW, None);
    enqueue(&s, &[&job]).await;
    let claimed = claim(&s, NOW).await;
    let retry_at = minutes(5);
    s.jobs
        .fail(&claimed, "SMTP indisponible", Some(retry_at))
        .await
        .expect("fail");
    let failed = stored(&s, job.id).await;
    assert_eq!(
        (
            failed.status,
            failed.run_at,
            failed.attempts,
            failed.last_error.as_deref()
        ),
        (JobStatus::Pending, retry_at, 1, Some("SMTP indisponible"))
    );
    assert_eq!(s.jobs.claim(minutes(4), LEASE).await, Ok(None));
    let again = claim(&s, retry_at).await;
    assert_eq!((again.id, again.attempts), (job.id, 2));
}

/// `fail` without a retry time makes the job dead: it keeps its error,
/// is never claimed again and shows among the dead jobs.
pub async fn jobs_fail_without_retry_is_dead(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let job = new_job(NOW, None);
    enqueue(&s, &[&job]).await;
    let claimed = claim(&s, NOW).await;
    s.jobs
        .fail(&claimed, "adresse refusée par Brevo", None)
        .await
        .expect("fail");
    let dead = stored(&s, job.id).await;
    assert_eq!(
        (dead.status, dead.attempts, dead.last_error.as_deref()),
        (JobStatus::Dead, 1, Some("adresse refusée par Brevo"))
    );
    assert_eq!(s.jobs.claim(days(365), LEASE).await, Ok(None));
    let listed = s.jobs.dead(10).await.expect("dead");
    assert_eq!(
        listed.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![job.id]
    );
}

/// `dead(limit)` lists dead jobs only, newest first, at most `limit` of
/// them. "Newest" is the job enqueued last: an adapter stamping
/// `created_at` itself breaks ties (same clock reading) by enqueue order.
pub async fn jobs_dead_newest_first_with_limit(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let mut dead = Vec::new();
    for _ in 0..3 {
        let job = new_job(NOW, None);
        enqueue(&s, &[&job]).await;
        let claimed = claim(&s, NOW).await;
        s.jobs.fail(&claimed, "rejeté", None).await.expect("fail");
        dead.push(job.id);
    }
    enqueue(&s, &[&new_job(NOW, None)]).await;
    dead.reverse();

    let listed = s.jobs.dead(10).await.expect("dead");
    assert_eq!(
        listed.iter().map(|j| j.id).collect::<Vec<_>>(),
        dead,
        "dead jobs, newest first"
    );
    assert!(listed.iter().all(|j| j.status == JobStatus::Dead));
    let listed = s.jobs.dead(2).await.expect("dead");
    assert_eq!(
        listed.iter().map(|j| j.id).collect::<Vec<_>>(),
        dead[..2].to_vec()
    );
}

/// An administrator sends a dead job back: it is pending at the time given
/// with a full set of attempts. Only a dead job goes back (a pending, running or
/// done one would run twice): anything else, or an unknown id, is
/// `NotFound`.
pub async fn jobs_retry_sends_back_dead_jobs_only(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let dead = new_job(minutes(-3), None);
    let running = new_job(minutes(-2), None);
    let done = new_job(minutes(-1), None);
    let pending = new_job(minutes(60), None);
    enqueue(&s, &[&dead, &running, &done, &pending]).await;
    let claimed = claim(&s, NOW).await;
    assert_eq!(claimed.id, dead.id);
    s.jobs.fail(&claimed, "rejeté", None).await.expect("fail");
    let held = s
        .jobs
        .claim(NOW, Duration::from_secs(86_400))
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(held.id, running.id);
    let finished = claim(&s, NOW).await;
    assert_eq!(finished.id, done.id);
    s.jobs.complete(&finished).await.expect("complete");

    for (what, id) in [
        ("running", running.id),
        ("done", done.id),
        ("pending", pending.id),
        ("unknown", JobId(uuid())),
    ] {
        assert!(
            matches!(s.jobs.retry(id, NOW).await, Err(RepoError::NotFound(_))),
            "retrying a {what} job must be refused with NotFound"
        );
    }

    let back_at = minutes(20);
    s.jobs.retry(dead.id, back_at).await.expect("retry");
    let back = stored(&s, dead.id).await;
    // A job sent back gets a full set of attempts, with their backoff.
    assert_eq!(
        (back.status, back.run_at, back.attempts),
        (JobStatus::Pending, back_at, 0)
    );
    assert!(
        matches!(
            s.jobs.retry(dead.id, back_at).await,
            Err(RepoError::NotFound(_))
        ),
        "a job sent back is no longer dead"
    );
    assert_eq!(s.jobs.dead(10).await, Ok(Vec::new()));
    assert_eq!(s.jobs.claim(minutes(19), LEASE).await, Ok(None));
    let again = claim(&s, back_at).await;
    assert_eq!((again.id, again.attempts), (dead.id, 1));
}

/// A stopping worker gives a job back: pending again at its old due time,
/// the attempt not counted, claimable at once; a stale claim cannot
/// release it.
pub async fn jobs_release_gives_the_job_back_uncounted(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let job = new_job(minutes(-1), None);
    enqueue(&s, &[&job]).await;
    let claimed = claim(&s, NOW).await;
    assert_eq!(claimed.attempts, 1);
    s.jobs.release(&claimed).await.expect("release");
    let back = stored(&s, job.id).await;
    assert_eq!(
        (back.status, back.attempts, back.run_at),
        (JobStatus::Pending, 0, minutes(-1)),
        "released: pending, the attempt given back, due as before"
    );
    assert!(
        is_conflict(s.jobs.release(&claimed).await),
        "a claim already released cannot release again"
    );
    let again = claim(&s, NOW).await;
    assert_eq!((again.id, again.attempts), (job.id, 1));
}

/// An administrator abandons a dead job: it stays, abandoned, never
/// claimed nor listed as dead; only a dead job can be abandoned.
pub async fn jobs_abandon_keeps_dead_jobs_out_of_the_queue(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let dead = new_job(minutes(-2), None);
    let pending = new_job(minutes(60), None);
    enqueue(&s, &[&dead, &pending]).await;
    let claimed = claim(&s, NOW).await;
    s.jobs.fail(&claimed, "rejeté", None).await.expect("fail");
    for (what, id) in [("pending", pending.id), ("unknown", JobId(uuid()))] {
        assert!(
            matches!(s.jobs.abandon(id).await, Err(RepoError::NotFound(_))),
            "abandoning a {what} job must be refused with NotFound"
        );
    }
    s.jobs.abandon(dead.id).await.expect("abandon");
    assert_eq!(stored(&s, dead.id).await.status, JobStatus::Abandoned);
    assert_eq!(s.jobs.dead(10).await, Ok(Vec::new()));
    assert_eq!(
        s.jobs.claim(days(1), LEASE).await.map(|j| j.map(|j| j.id)),
        Ok(Some(pending.id))
    );
    assert!(matches!(
        s.jobs.retry(dead.id, NOW).await,
        Err(RepoError::NotFound(_))
    ));
}

/// The overview counts pending, running, dead and abandoned jobs by kind
/// (not done ones) and names when the oldest due job became due.
pub async fn jobs_overview_counts_by_kind_and_status(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let of_kind = |kind: &str, at| {
        let mut job = new_job(at, None);
        job.kind = histologe_ports::JobKind::new(kind);
        job
    };
    let mail_old = of_kind("email.user", minutes(-30));
    let mail_new = of_kind("email.user", minutes(-5));
    let mail_later = of_kind("email.user", minutes(30));
    let export = of_kind("export.build", minutes(-20));
    let done = of_kind("files.variants", minutes(-40));
    enqueue(&s, &[&mail_old, &mail_new, &mail_later, &export, &done]).await;
    let first = claim(&s, NOW).await;
    assert_eq!(first.id, done.id);
    s.jobs.complete(&first).await.expect("complete");
    let running = claim(&s, NOW).await;
    assert_eq!(running.id, mail_old.id);
    let failing = claim(&s, NOW).await;
    assert_eq!(failing.id, export.id);
    s.jobs.fail(&failing, "refusé", None).await.expect("dead");

    let overview = s.jobs.overview(NOW).await.expect("overview");
    let counts: Vec<(String, JobStatus, u64)> = overview
        .counts
        .iter()
        .map(|c| (c.kind.as_str().to_string(), c.status, c.count))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("email.user".to_string(), JobStatus::Pending, 2),
            ("email.user".to_string(), JobStatus::Running, 1),
            ("export.build".to_string(), JobStatus::Dead, 1),
        ],
        "by kind, then status; done jobs are not counted"
    );
    assert_eq!(
        overview.oldest_due,
        Some(minutes(-5)),
        "the oldest pending job already due; one due later does not count"
    );
    let later = s.jobs.overview(minutes(-10)).await.expect("overview");
    assert_eq!(later.oldest_due, None, "nothing pending was due yet");
}

/// An effect is recorded once: the second record says so; purging forgets
/// the old ones only.
pub async fn jobs_effects_are_recorded_once(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let key = "mail:0190a1b2-0000-7000-8000-000000000001:3f2a";
    assert_eq!(s.jobs.effect_recorded(key).await, Ok(false));
    let message = "<202612071532.55120938417@smtp-relay.mailin.fr>";
    assert_eq!(
        s.jobs
            .record_effect(key, minutes(-60), Some(message.into()))
            .await,
        Ok(true)
    );
    assert_eq!(
        s.jobs.record_effect(key, NOW, Some("other".into())).await,
        Ok(false)
    );
    assert_eq!(s.jobs.effect_recorded(key).await, Ok(true));
    assert_eq!(
        s.jobs.effect_detail(key).await,
        Ok(Some(message.to_string())),
        "the first record's detail is kept"
    );
    let recent = "mail:0190a1b2-0000-7000-8000-000000000002:3f2a";
    assert_eq!(s.jobs.record_effect(recent, NOW, None).await, Ok(true));
    assert_eq!(s.jobs.effect_detail(recent).await, Ok(None));
    assert_eq!(s.jobs.effect_detail("mail:absent").await, Ok(None));
    let older = "mail:0190a1b2-0000-7000-8000-000000000003:3f2a";
    assert_eq!(
        s.jobs.record_effect(older, minutes(-90), None).await,
        Ok(true)
    );
    assert_eq!(s.jobs.purge_effects(minutes(-1), 1).await, Ok(1), "bounded");
    assert_eq!(
        s.jobs.effect_recorded(older).await,
        Ok(false),
        "oldest first"
    );
    assert_eq!(s.jobs.effect_recorded(key).await, Ok(true));
    assert_eq!(s.jobs.purge_effects(minutes(-1), 10).await, Ok(1));
    assert_eq!(s.jobs.purge_effects(minutes(-1), 10).await, Ok(0));
    assert_eq!(s.jobs.effect_recorded(key).await, Ok(false));
    assert_eq!(s.jobs.effect_recorded(recent).await, Ok(true));
}

/// The purge deletes done and abandoned jobs due before the date, within
/// the limit; pending, dead and recent ones stay.
pub async fn jobs_finished_are_purged(backend: &dyn Backend) {
    let s = fresh(backend).await;
    let done_older = new_job(days(-46), None);
    let done_old = new_job(days(-45), None);
    let abandoned = new_job(days(-44), None);
    let dead = new_job(days(-43), None);
    let done_recent = new_job(days(-5), None);
    enqueue(
        &s,
        &[&done_older, &done_old, &abandoned, &dead, &done_recent],
    )
    .await;
    for expected in [done_older.id, done_old.id] {
        let job = claim(&s, NOW).await;
        assert_eq!(job.id, expected);
        s.jobs.complete(&job).await.expect("complete");
    }
    for expected in [abandoned.id, dead.id] {
        let job = claim(&s, NOW).await;
        assert_eq!(job.id, expected);
        s.jobs.fail(&job, "refusé", None).await.expect("dead");
    }
    s.jobs.abandon(abandoned.id).await.expect("abandon");
    let job = claim(&s, NOW).await;
    assert_eq!(job.id, done_recent.id);
    s.jobs.complete(&job).await.expect("complete");
    let pending = new_job(days(-42), None);
    enqueue(&s, &[&pending]).await;

    assert_eq!(s.jobs.purge_finished(days(-30), 1).await, Ok(1), "bounded");
    assert_eq!(s.jobs.purge_finished(days(-30), 10).await, Ok(2));
    assert_eq!(s.jobs.purge_finished(days(-30), 10).await, Ok(0));
    let left = s.jobs.all().await.expect("all");
    assert_eq!(
        sorted(&left, |job| job.id),
        sorted(&[dead.id, done_recent.id, pending.id], |id| *id),
        "dead, recent and pending jobs stay"
    );
}
