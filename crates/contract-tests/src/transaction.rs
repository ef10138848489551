//! The unit of work (`UnitOfWork`, `Transaction`): a change of a case, the
//! history it writes, the notifications and the jobs it causes commit
//! together or not at all, and nobody outside sees them before.

use chrono::{NaiveDate, TimeDelta};
use histologe_core::enums::{
    AffectationStatus, InterventionStatus, InterventionType, ProcedureType, Qualification,
    QualificationStatus, SignalementStatus,
};
use histologe_core::ids::SignalementId;
use histologe_core::model::Case;
use histologe_core::policy::ListScope;
use histologe_core::reference::temporary_reference;
use histologe_ports::{JobStatus, RepoError, SignalementFilter};

use crate::Backend;
use crate::fixtures::{
    NOW, affectation, case, code, days, file_meta, history_entry, intervention, message, minutes,
    nde_qualification, new_job, notification, qualification, suivi, uuid,
};
use crate::support::{
    begin, canonical_case, commit, commit_cases, sorted, stored_case, within, world,
};

/// Inserts `case` in a transaction of its own, which is then dropped, and
/// returns the error `insert_case` answered.
async fn insert_refused(stores: &crate::Stores, case: &Case) -> RepoError {
    let mut tx = begin(stores).await;
    let error = tx
        .insert_case(case)
        .await
        .expect_err("insert_case should refuse this case");
    drop(tx);
    error
}

fn is_duplicate(error: &RepoError) -> bool {
    matches!(error, RepoError::Duplicate(_))
}

/// Dropping a transaction without `commit` rolls back everything it wrote:
/// a new case, changes of an existing one, suivis, subscriptions, history,
/// notifications and jobs. Its locks go with it, and nothing of it lingers
/// (its ids and idempotency key can be used again).
pub async fn transaction_rolls_back_on_drop(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let existing = case(&w.bdr.code, "2025-1", days(-1));
    commit_cases(s, &[&existing]).await;
    let before = stored_case(s, &existing).await;

    let mut new = case(&w.bdr.code, "2025-2", NOW);
    new.affectations
        .push(affectation(&new, &w.schs, AffectationStatus::Wait));
    let mut tx = begin(s).await;
    tx.insert_case(&new).await.expect("insert_case");
    tx.insert_suivi(&suivi(&new, minutes(1)))
        .await
        .expect("insert_suivi on the new case");
    tx.subscribe(w.agent.id, new.signalement.id)
        .await
        .expect("subscribe to the new case");
    tx.append_history(&history_entry(&new, Some(&w.agent), minutes(1)))
        .await
        .expect("append_history");
    tx.insert_notification(&notification(&new, &w.agent, minutes(1)))
        .await
        .expect("insert_notification");
    let mut changed = tx
        .lock_case(existing.signalement.id)
        .await
        .expect("lock_case")
        .expect("the committed case");
    changed.signalement.status = SignalementStatus::Active;
    changed.signalement.validated_at = Some(minutes(2));
    changed
        .affectations
        .push(affectation(&changed, &w.ars, AffectationStatus::Wait));
    tx.save_case(&changed).await.expect("save_case");
    tx.insert_suivi(&message(&existing, &w.agent, minutes(2)))
        .await
        .expect("insert_suivi on the existing case");
    tx.subscribe(w.rt.id, existing.signalement.id)
        .await
        .expect("subscribe to the existing case");
    tx.append_history(&history_entry(&existing, Some(&w.agent), minutes(2)))
        .await
        .expect("append_history");
    tx.insert_notification(&notification(&existing, &w.rt, minutes(2)))
        .await
        .expect("insert_notification");
    tx.enqueue(&new_job(NOW, Some("validation:2025-1")))
        .await
        .expect("enqueue");
    drop(tx);

    assert_eq!(
        s.signalements.case(new.signalement.id).await,
        Ok(None),
        "a case inserted by a dropped transaction must not exist"
    );
    assert_eq!(
        s.signalements
            .case_by_code_suivi(&new.signalement.code_suivi)
            .await,
        Ok(None)
    );
    assert_eq!(
        canonical_case(&stored_case(s, &existing).await),
        canonical_case(&before),
        "changes of a dropped transaction (case, affectation, suivi, subscriber) must be undone"
    );
    for id in [new.signalement.id, existing.signalement.id] {
        assert_eq!(s.history.of_signalement(id).await, Ok(Vec::new()));
        assert_eq!(s.notifications.of_signalement(id).await, Ok(Vec::new()));
    }
    assert_eq!(s.notifications.of_user(w.agent.id).await, Ok(Vec::new()));
    assert_eq!(s.notifications.of_user(w.rt.id).await, Ok(Vec::new()));
    assert_eq!(
        s.jobs.all().await,
        Ok(Vec::new()),
        "a job of a dropped transaction must never run"
    );
    let listed = s
        .signalements
        .list(&ListScope::All, &SignalementFilter::default(), 0, 10)
        .await
        .expect("list");
    assert_eq!(listed.total, 1);

    // The locks went with the transaction, and nothing of it lingers.
    let mut tx = within("begin after a dropped transaction", s.uow.begin())
        .await
        .expect("begin");
    assert_eq!(
        tx.max_reference_number(&w.bdr.code, 2025).await,
        Ok(Some(1))
    );
    tx.insert_case(&new)
        .await
        .expect("the rolled-back case's id, code and reference are free");
    tx.enqueue(&new_job(NOW, Some("validation:2025-1")))
        .await
        .expect("enqueue");
    commit(tx).await;
    assert!(
        s.signalements
            .case(new.signalement.id)
            .await
            .is_ok_and(|c| c.is_some())
    );
    let jobs = s.jobs.all().await.expect("all");
    assert_eq!(
        jobs.len(),
        1,
        "the idempotency key of a dropped job is free again"
    );
}

/// After `commit`, everything the transaction wrote is there: the case with
/// its affectations, visits and qualifications, its suivis oldest first,
/// its subscribers, the history, the notifications and the job as
/// enqueued.
pub async fn transaction_commit_makes_every_change_visible(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut new = case(&w.bdr.code, "2025-1", NOW);
    new.affectations
        .push(affectation(&new, &w.schs, AffectationStatus::Wait));
    new.interventions.push(intervention(&new, &w.schs, days(8)));
    new.qualifications = vec![
        qualification(
            Qualification::Insalubrite,
            QualificationStatus::InsalubriteCheck,
        ),
        nde_qualification(),
    ];
    let late = message(&new, &w.agent, minutes(10));
    let early = suivi(&new, minutes(1));
    let entry = history_entry(&new, Some(&w.agent), minutes(1));
    let notice = notification(&new, &w.agent, minutes(1));
    let job = new_job(minutes(1), Some("nouveau_signalement:2025-1"));

    let mut tx = begin(s).await;
    tx.insert_case(&new).await.expect("insert_case");
    tx.insert_suivi(&late).await.expect("insert_suivi");
    tx.insert_suivi(&early).await.expect("insert_suivi");
    tx.subscribe(w.agent.id, new.signalement.id)
        .await
        .expect("subscribe");
    tx.subscribe(w.rt.id, new.signalement.id)
        .await
        .expect("subscribe");
    tx.append_history(&entry).await.expect("append_history");
    tx.insert_notification(&notice)
        .await
        .expect("insert_notification");
    tx.enqueue(&job).await.expect("enqueue");
    commit(tx).await;

    let mut expected = new.clone();
    expected.suivis = vec![early, late];
    expected.subscribers = vec![w.agent.id, w.rt.id];
    assert_eq!(
        canonical_case(&stored_case(s, &new).await),
        canonical_case(&expected),
        "the committed case, suivis oldest first"
    );
    let by_code = s
        .signalements
        .case_by_code_suivi(&new.signalement.code_suivi)
        .await
        .expect("case_by_code_suivi")
        .expect("the case by its tracking code");
    assert_eq!(canonical_case(&by_code), canonical_case(&expected));
    assert_eq!(
        s.history.of_signalement(new.signalement.id).await,
        Ok(vec![entry])
    );
    assert_eq!(s.notifications.of_user(w.agent.id).await, Ok(vec![notice]));
    let jobs = s.jobs.all().await.expect("all");
    assert_eq!(jobs.len(), 1);
    let stored = &jobs[0];
    assert_eq!(
        (
            stored.id,
            &stored.kind,
            &stored.payload,
            stored.run_at,
            &stored.idempotency_key
        ),
        (
            job.id,
            &job.kind,
            &job.payload,
            job.run_at,
            &job.idempotency_key
        )
    );
    assert_eq!(
        (stored.status, stored.attempts, &stored.last_error),
        (JobStatus::Pending, 0, &None)
    );
}

/// Reads outside an open transaction see committed data only, and do not
/// wait for the transaction (a use case reads repositories while it holds
/// one); the transaction itself reads its own writes.
pub async fn transaction_uncommitted_changes_are_invisible_outside(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let existing = case(&w.bdr.code, "2025-1", days(-1));
    commit_cases(s, &[&existing]).await;
    let before = stored_case(s, &existing).await;
    let new = case(&w.bdr.code, "2025-2", NOW);

    let mut tx = begin(s).await;
    let mut changed = tx
        .lock_case(existing.signalement.id)
        .await
        .expect("lock_case")
        .expect("the committed case");
    changed.signalement.details = "Complété par l'agent après appel".to_string();
    tx.save_case(&changed).await.expect("save_case");
    tx.insert_case(&new).await.expect("insert_case");
    tx.insert_suivi(&suivi(&existing, minutes(1)))
        .await
        .expect("insert_suivi");
    tx.subscribe(w.agent.id, existing.signalement.id)
        .await
        .expect("subscribe");
    tx.append_history(&history_entry(&existing, None, minutes(1)))
        .await
        .expect("append_history");
    tx.insert_notification(&notification(&existing, &w.agent, minutes(1)))
        .await
        .expect("insert_notification");
    tx.enqueue(&new_job(NOW, None)).await.expect("enqueue");

    let outside = async {
        assert_eq!(
            canonical_case(&stored_case(s, &existing).await),
            canonical_case(&before),
            "an uncommitted change must be invisible outside its transaction"
        );
        assert_eq!(s.signalements.case(new.signalement.id).await, Ok(None));
        assert_eq!(
            s.signalements
                .case_by_code_suivi(&new.signalement.code_suivi)
                .await,
            Ok(None)
        );
        let listed = s
            .signalements
            .list(&ListScope::All, &SignalementFilter::default(), 0, 10)
            .await
            .expect("list");
        assert_eq!(listed.total, 1);
        assert_eq!(
            s.history.of_signalement(existing.signalement.id).await,
            Ok(Vec::new())
        );
        assert_eq!(s.notifications.of_user(w.agent.id).await, Ok(Vec::new()));
        assert_eq!(s.jobs.all().await, Ok(Vec::new()));
    };
    within("reading outside an open transaction", outside).await;

    let own = tx
        .lock_case(existing.signalement.id)
        .await
        .expect("lock_case")
        .expect("the case");
    assert_eq!(own.signalement.details, changed.signalement.details);
    assert_eq!(own.suivis.len(), 1, "the transaction sees its own suivi");
    assert_eq!(own.subscribers, vec![w.agent.id]);
    assert!(
        tx.lock_case(new.signalement.id)
            .await
            .expect("lock_case")
            .is_some(),
        "the transaction sees the case it inserted"
    );
    commit(tx).await;
    assert_eq!(
        stored_case(s, &existing).await.signalement.details,
        changed.signalement.details
    );
    assert_eq!(s.jobs.all().await.map(|jobs| jobs.len()), Ok(1));
}

/// `insert_case` answers `Duplicate` for a taken id, tracking code, or
/// reference in the same territory (committed or written earlier in the
/// same transaction). References are unique per territory, and temporary
/// references (`2025-TEMPORAIRE`) may repeat.
pub async fn transaction_insert_case_refuses_duplicates(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let first = case(&w.bdr.code, "2025-1", days(-1));
    commit_cases(s, &[&first]).await;

    let error = insert_refused(s, &first).await;
    assert!(is_duplicate(&error), "same id: {error:?}");

    let mut same_code = case(&w.bdr.code, "2025-2", NOW);
    same_code.signalement.code_suivi = first.signalement.code_suivi.clone();
    let error = insert_refused(s, &same_code).await;
    assert!(is_duplicate(&error), "same tracking code: {error:?}");

    let error = insert_refused(s, &case(&w.bdr.code, "2025-1", NOW)).await;
    assert!(
        is_duplicate(&error),
        "same reference, same territory: {error:?}"
    );

    let mut tx = begin(s).await;
    tx.insert_case(&case(&w.bdr.code, "2025-5", NOW))
        .await
        .expect("insert_case");
    let error = tx
        .insert_case(&case(&w.bdr.code, "2025-5", NOW))
        .await
        .expect_err("a reference taken earlier in the same transaction");
    assert!(is_duplicate(&error), "{error:?}");
    drop(tx);

    let other_territory = case(&w.am.code, "2025-1", NOW);
    let temporary = case(&w.bdr.code, &temporary_reference(2025), NOW);
    let temporary_again = case(&w.bdr.code, &temporary_reference(2025), NOW);
    commit_cases(s, &[&other_territory, &temporary, &temporary_again]).await;
    for accepted in [&other_territory, &temporary, &temporary_again] {
        assert!(
            s.signalements
                .case(accepted.signalement.id)
                .await
                .is_ok_and(|c| c.is_some()),
            "{} in {} should have been accepted",
            accepted.signalement.reference,
            accepted.signalement.territory.as_str()
        );
    }
    assert!(
        s.signalements
            .case(same_code.signalement.id)
            .await
            .is_ok_and(|c| c.is_none()),
        "a refused case leaves nothing behind"
    );
}

/// `lock_case` loads the whole case: its suivis oldest first (whatever
/// the order they were written in, with their files), its subscribers;
/// `None` for an unknown id.
pub async fn transaction_lock_case_returns_suivis_oldest_first_and_subscribers(
    backend: &dyn Backend,
) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut new = case(&w.bdr.code, "2025-1", days(-1));
    new.affectations
        .push(affectation(&new, &w.schs, AffectationStatus::Accepted));
    commit_cases(s, &[&new]).await;
    let photo = file_meta(&new, &w.agent, minutes(-5));
    s.files
        .insert(&photo)
        .await
        .expect("FileRepository::insert");

    let third = suivi(&new, minutes(30));
    let mut first = message(&new, &w.agent, minutes(1));
    first.files = vec![photo.id];
    let second = message(&new, &w.agent, minutes(10));
    let mut tx = begin(s).await;
    for suivi in [&third, &first, &second] {
        tx.insert_suivi(suivi).await.expect("insert_suivi");
    }
    tx.subscribe(w.agent.id, new.signalement.id)
        .await
        .expect("subscribe");
    tx.subscribe(w.rt.id, new.signalement.id)
        .await
        .expect("subscribe");
    commit(tx).await;

    let mut expected = new.clone();
    expected.suivis = vec![first, second, third];
    expected.subscribers = vec![w.agent.id, w.rt.id];
    let mut tx = begin(s).await;
    let locked = tx
        .lock_case(new.signalement.id)
        .await
        .expect("lock_case")
        .expect("the committed case");
    assert_eq!(canonical_case(&locked), canonical_case(&expected));
    assert_eq!(
        tx.lock_case(SignalementId(uuid())).await,
        Ok(None),
        "an unknown case"
    );
    drop(tx);
    assert_eq!(
        canonical_case(&stored_case(s, &new).await),
        canonical_case(&expected),
        "SignalementRepository::case gives the same"
    );
}

/// `save_case` writes the signalement, and its affectations, visits and
/// qualifications as they are in the case given (added, changed,
/// removed), but leaves suivis and subscribers alone: they have methods of
/// their own. An unknown case is `NotFound`.
pub async fn transaction_save_case_writes_the_case_and_keeps_suivis(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut new = case(&w.bdr.code, "2025-1", days(-10));
    let kept = affectation(&new, &w.schs, AffectationStatus::Wait);
    let removed = affectation(&new, &w.ars, AffectationStatus::Wait);
    let visit = intervention(&new, &w.schs, days(-2));
    new.affectations = vec![kept.clone(), removed];
    new.interventions = vec![visit.clone()];
    new.qualifications = vec![
        qualification(
            Qualification::Insalubrite,
            QualificationStatus::InsalubriteCheck,
        ),
        nde_qualification(),
    ];
    commit_cases(s, &[&new]).await;
    let note = suivi(&new, days(-9));
    let mut tx = begin(s).await;
    tx.insert_suivi(&note).await.expect("insert_suivi");
    tx.subscribe(w.agent.id, new.signalement.id)
        .await
        .expect("subscribe");
    commit(tx).await;

    let mut tx = begin(s).await;
    let mut changed = tx
        .lock_case(new.signalement.id)
        .await
        .expect("lock_case")
        .expect("the case");
    let sig = &mut changed.signalement;
    sig.status = SignalementStatus::Active;
    sig.validated_at = Some(days(-9));
    sig.modified_at = Some(NOW);
    sig.details = "Infiltrations confirmées par la visite du SCHS.".to_string();
    sig.score = 61.75;
    sig.occupant.nb_occupants = Some(4);
    sig.adresse.etage = None;
    sig.logement.date_entree = NaiveDate::from_ymd_opt(2018, 10, 1);
    sig.last_suivi_at = Some(minutes(-30));
    sig.last_suivi_by = Some("Camille ROUSSEAU".to_string());
    sig.last_suivi_is_visible_for_usager = Some(true);
    let mut accepted = kept;
    accepted.status = AffectationStatus::Accepted;
    accepted.answered_by = Some(w.agent.id);
    accepted.answered_at = Some(days(-8));
    let added = affectation(&changed, &w.adil, AffectationStatus::Wait);
    changed.affectations = vec![accepted, added];
    let mut done = visit;
    done.status = InterventionStatus::Done;
    done.details = Some("Humidité généralisée, VMC hors service.".to_string());
    done.concluded_procedures = vec![ProcedureType::Insalubrite, ProcedureType::Rsd];
    done.occupant_present = Some(true);
    done.proprietaire_present = Some(false);
    let mut control = intervention(&changed, &w.schs, days(30));
    control.intervention_type = InterventionType::VisiteControle;
    changed.interventions = vec![done, control];
    let mut confirmed = qualification(
        Qualification::Insalubrite,
        QualificationStatus::InsalubriteAveree,
    );
    confirmed.is_post_visit = true;
    changed.qualifications = vec![
        confirmed,
        nde_qualification(),
        qualification(Qualification::Rsd, QualificationStatus::RsdAveree),
    ];
    let mut given = changed.clone();
    given.suivis.clear();
    given.subscribers.clear();
    tx.save_case(&given).await.expect("save_case");
    commit(tx).await;

    assert_eq!(
        canonical_case(&stored_case(s, &new).await),
        canonical_case(&changed),
        "the saved case, with its suivis and subscribers untouched"
    );

    let mut tx = begin(s).await;
    let error = tx
        .save_case(&case(&w.bdr.code, "2025-9", NOW))
        .await
        .expect_err("saving an unknown case");
    assert!(matches!(error, RepoError::NotFound(_)), "{error:?}");
}

/// A case has at most one affectation per partner: `insert_case` and
/// `save_case` answer `Duplicate` for a second one.
pub async fn transaction_one_affectation_per_partner(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut twice = case(&w.bdr.code, "2025-1", NOW);
    twice.affectations = vec![
        affectation(&twice, &w.schs, AffectationStatus::Wait),
        affectation(&twice, &w.schs, AffectationStatus::Wait),
    ];
    let error = insert_refused(s, &twice).await;
    assert!(is_duplicate(&error), "{error:?}");

    let mut once = case(&w.bdr.code, "2025-2", NOW);
    once.affectations
        .push(affectation(&once, &w.schs, AffectationStatus::Wait));
    commit_cases(s, &[&once]).await;
    let mut tx = begin(s).await;
    let mut changed = tx
        .lock_case(once.signalement.id)
        .await
        .expect("lock_case")
        .expect("the case");
    changed
        .affectations
        .push(affectation(&changed, &w.schs, AffectationStatus::Wait));
    let error = tx
        .save_case(&changed)
        .await
        .expect_err("a second affectation to the same partner");
    assert!(is_duplicate(&error), "{error:?}");
    drop(tx);
    assert_eq!(stored_case(s, &once).await.affectations, once.affectations);
}

/// Suivis are inserted (`Duplicate` for a taken id), updated (a soft
/// delete sets `deleted_at`) and deleted (the row goes); updating or
/// deleting an unknown suivi is `NotFound`.
pub async fn transaction_suivis_are_inserted_updated_and_deleted(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let new = case(&w.bdr.code, "2025-1", days(-1));
    commit_cases(s, &[&new]).await;
    let edited = message(&new, &w.agent, minutes(1));
    let gone = message(&new, &w.agent, minutes(2));
    let kept = suivi(&new, minutes(3));

    let mut tx = begin(s).await;
    for suivi in [&edited, &gone, &kept] {
        tx.insert_suivi(suivi).await.expect("insert_suivi");
    }
    let mut soft_deleted = edited.clone();
    soft_deleted.description = "Message retiré par son auteur.".to_string();
    soft_deleted.deleted_at = Some(minutes(4));
    soft_deleted.deleted_by = Some(w.agent.id);
    soft_deleted.waiting_notification = false;
    tx.update_suivi(&soft_deleted).await.expect("update_suivi");
    tx.delete_suivi(gone.id).await.expect("delete_suivi");
    let own = tx
        .lock_case(new.signalement.id)
        .await
        .expect("lock_case")
        .expect("the case");
    assert_eq!(
        own.suivis,
        vec![soft_deleted.clone(), kept.clone()],
        "the transaction sees its own suivis"
    );
    commit(tx).await;
    assert_eq!(stored_case(s, &new).await.suivis, vec![soft_deleted, kept]);

    let mut tx = begin(s).await;
    let error = tx
        .insert_suivi(&edited)
        .await
        .expect_err("a suivi id taken");
    assert!(is_duplicate(&error), "{error:?}");
    drop(tx);
    let mut tx = begin(s).await;
    let error = tx.delete_suivi(gone.id).await.expect_err("deleted twice");
    assert!(matches!(error, RepoError::NotFound(_)), "{error:?}");
    let error = tx
        .update_suivi(&gone)
        .await
        .expect_err("updating a deleted suivi");
    assert!(matches!(error, RepoError::NotFound(_)), "{error:?}");
}

/// `subscribe` and `unsubscribe` are idempotent: twice is once, and
/// unsubscribing someone who does not follow the case succeeds.
pub async fn transaction_subscriptions_are_idempotent(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let new = case(&w.bdr.code, "2025-1", days(-1));
    commit_cases(s, &[&new]).await;
    let id = new.signalement.id;

    let mut tx = begin(s).await;
    tx.subscribe(w.agent.id, id).await.expect("subscribe");
    tx.subscribe(w.agent.id, id).await.expect("subscribe twice");
    tx.subscribe(w.rt.id, id).await.expect("subscribe");
    commit(tx).await;
    let subscribers = stored_case(s, &new).await.subscribers;
    assert_eq!(
        sorted(&subscribers, |u| *u),
        sorted(&[w.agent.id, w.rt.id], |u| *u)
    );

    let mut tx = begin(s).await;
    tx.subscribe(w.agent.id, id)
        .await
        .expect("subscribe when already committed");
    tx.unsubscribe(w.rt.id, id).await.expect("unsubscribe");
    tx.unsubscribe(w.rt.id, id)
        .await
        .expect("unsubscribe twice");
    tx.unsubscribe(w.admin.id, id)
        .await
        .expect("unsubscribe someone who never followed");
    commit(tx).await;
    assert_eq!(stored_case(s, &new).await.subscribers, vec![w.agent.id]);
}

/// `delete_notifications_of` removes every notification of one case and
/// no other; a notification inserted after it in the same transaction
/// stays.
pub async fn transaction_notifications_of_a_case_are_deleted(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let one = case(&w.bdr.code, "2025-1", days(-2));
    let other = case(&w.bdr.code, "2025-2", days(-1));
    commit_cases(s, &[&one, &other]).await;
    let kept = notification(&other, &w.agent, minutes(-30));
    let mut tx = begin(s).await;
    for n in [
        notification(&one, &w.agent, minutes(-50)),
        notification(&one, &w.rt, minutes(-40)),
        kept.clone(),
    ] {
        tx.insert_notification(&n)
            .await
            .expect("insert_notification");
    }
    commit(tx).await;

    let fresh = notification(&one, &w.agent, NOW);
    let mut tx = begin(s).await;
    tx.delete_notifications_of(one.signalement.id)
        .await
        .expect("delete_notifications_of");
    tx.insert_notification(&fresh)
        .await
        .expect("insert_notification");
    commit(tx).await;

    assert_eq!(
        s.notifications.of_signalement(one.signalement.id).await,
        Ok(vec![fresh.clone()])
    );
    assert_eq!(
        s.notifications.of_signalement(other.signalement.id).await,
        Ok(vec![kept.clone()])
    );
    assert_eq!(
        s.notifications.of_user(w.agent.id).await,
        Ok(vec![fresh, kept])
    );
    assert_eq!(s.notifications.of_user(w.rt.id).await, Ok(Vec::new()));
}

/// `max_reference_number` is the highest number among the territory's
/// definitive references of that year (`<year>-<n>`, rule 1), its own
/// uncommitted cases included. The year is the reference's (a case created
/// last year and switched to the usual procedure this year has this year's
/// reference); temporary references and other territories do not count.
pub async fn transaction_max_reference_number_per_territory_and_year(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let last_year = NOW - TimeDelta::days(270);
    let mut tx = begin(s).await;
    assert_eq!(tx.max_reference_number(&w.bdr.code, 2025).await, Ok(None));
    let mut injonction = case(&w.bdr.code, &temporary_reference(2025), days(-1));
    injonction.signalement.status = SignalementStatus::InjonctionBailleur;
    injonction.signalement.reference_injonction = Some(2363);
    for c in [
        case(&w.bdr.code, "2025-7", days(-20)),
        case(&w.bdr.code, "2025-3", days(-30)),
        case(&w.bdr.code, &temporary_reference(2025), days(-2)),
        injonction,
        // Created last year, numbered this year (out of an injonction).
        case(&w.bdr.code, "2025-9", last_year),
        case(&w.bdr.code, "2024-12", last_year),
        case(&w.am.code, "2025-50", days(-3)),
    ] {
        tx.insert_case(&c).await.expect("insert_case");
    }
    assert_eq!(
        tx.max_reference_number(&w.bdr.code, 2025).await,
        Ok(Some(9)),
        "the transaction counts its own cases"
    );
    commit(tx).await;

    let mut tx = begin(s).await;
    assert_eq!(
        tx.max_reference_number(&w.bdr.code, 2025).await,
        Ok(Some(9))
    );
    assert_eq!(
        tx.max_reference_number(&w.bdr.code, 2024).await,
        Ok(Some(12))
    );
    assert_eq!(
        tx.max_reference_number(&w.am.code, 2025).await,
        Ok(Some(50))
    );
    assert_eq!(tx.max_reference_number(&code("2A"), 2025).await, Ok(None));
    assert_eq!(tx.max_reference_number(&w.bdr.code, 2026).await, Ok(None));
}

/// `max_injonction_number` is the highest injonction number ever given,
/// in any territory, its own uncommitted cases included.
pub async fn transaction_max_injonction_number(backend: &dyn Backend) {
    let w = world(backend).await;
    let s = &w.stores;
    let mut tx = begin(s).await;
    assert_eq!(tx.max_injonction_number().await, Ok(None));
    let injonction = |territory, number, status| {
        let mut c = case(territory, &temporary_reference(2025), days(-1));
        c.signalement.status = status;
        c.signalement.reference_injonction = Some(number);
        c
    };
    tx.insert_case(&injonction(
        &w.bdr.code,
        2363,
        SignalementStatus::InjonctionClosed,
    ))
    .await
    .expect("insert_case");
    tx.insert_case(&injonction(
        &w.am.code,
        2400,
        SignalementStatus::InjonctionBailleur,
    ))
    .await
    .expect("insert_case");
    tx.insert_case(&case(&w.bdr.code, "2025-1", days(-1)))
        .await
        .expect("insert_case");
    assert_eq!(tx.max_injonction_number().await, Ok(Some(2400)));
    commit(tx).await;
    let mut tx = begin(s).await;
    assert_eq!(tx.max_injonction_number().await, Ok(Some(2400)));
}
