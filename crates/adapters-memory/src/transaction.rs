//! A transaction of the memory store: it holds the writer lock for its
//! whole life and stages its changes apart from the committed data, which
//! `commit` applies in one step.
//!
//! Staging (rather than changing the data in place) keeps reads made
//! outside the transaction on committed data: a use case may read a
//! repository while its transaction is open without waiting for itself,
//! and nobody ever sees a change that is later dropped.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use histologe_core::ids::{
    AutoAffectationRuleId, DraftId, FileId, PartnerId, SignalementId, SuiviId, UserId,
};
use histologe_core::model::{
    AutoAffectationRule, Case, HistoryEntry, Notification, Partner, SignalementDraft, Suivi,
    Territory, User,
};
use histologe_core::reference::Reference;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{Job, JobStatus, NewJob, RepoError, Transaction};
use tokio::sync::OwnedMutexGuard;

use crate::jobs::StoredJob;
use crate::repositories::{partner_email_taken, same_email};
use crate::store::{Shared, State, case_conflict};

/// A change of the notification table, replayed in order at commit so
/// that "delete the case's notifications, then notify" keeps the new one.
#[derive(Debug)]
enum NotificationOp {
    Insert(Notification),
    DeleteOf(SignalementId),
}

#[derive(Debug)]
pub(crate) struct MemoryTransaction {
    shared: Arc<Shared>,
    /// Released when the transaction is committed or dropped.
    _writer: OwnedMutexGuard<()>,
    /// Cases inserted or changed here, whole; they hide their committed
    /// version for every read of this transaction.
    cases: HashMap<SignalementId, Case>,
    notifications: Vec<NotificationOp>,
    history: Vec<HistoryEntry>,
    jobs: Vec<Job>,
    /// Drafts saved here, in their last version.
    drafts: HashMap<DraftId, SignalementDraft>,
    /// Accounts created here.
    users: Vec<User>,
    /// Partners inserted or changed here, in their last version.
    partners: HashMap<PartnerId, Partner>,
    territories: HashMap<TerritoryCode, Territory>,
    /// Rules inserted or changed here, in their last version.
    rules: HashMap<AutoAffectationRuleId, AutoAffectationRule>,
    /// File records deleted here.
    deleted_files: Vec<FileId>,
}

impl MemoryTransaction {
    pub(crate) fn new(shared: Arc<Shared>, writer: OwnedMutexGuard<()>) -> Self {
        MemoryTransaction {
            shared,
            _writer: writer,
            cases: HashMap::new(),
            notifications: Vec::new(),
            history: Vec::new(),
            jobs: Vec::new(),
            drafts: HashMap::new(),
            users: Vec::new(),
            partners: HashMap::new(),
            territories: HashMap::new(),
            rules: HashMap::new(),
            deleted_files: Vec::new(),
        }
    }

    /// Whether `partner`'s generic e-mail is taken among the live partners
    /// of its territory, as this transaction sees them.
    fn partner_email_taken(&self, state: &State, partner: &Partner) -> bool {
        let committed = state
            .partners
            .values()
            .filter(|p| !self.partners.contains_key(&p.id));
        partner_email_taken(partner, committed.chain(self.partners.values()))
    }

    /// The staged copy of a case, copied from the committed data on first
    /// use; `None` when the case exists nowhere.
    async fn staged_case(&mut self, id: SignalementId) -> Result<Option<&mut Case>, RepoError> {
        if !self.cases.contains_key(&id) {
            let shared = Arc::clone(&self.shared);
            let state = shared.state().await?;
            match state.cases.get(&id) {
                Some(case) => {
                    self.cases.insert(id, case.clone());
                }
                None => return Ok(None),
            }
        }
        Ok(self.cases.get_mut(&id))
    }

    /// Whether a suivi with this id exists, as this transaction sees it.
    fn suivi_exists(&self, state: &State, id: SuiviId) -> bool {
        self.cases
            .values()
            .any(|case| case.suivis.iter().any(|s| s.id == id))
            || state
                .suivi_index
                .get(&id)
                .is_some_and(|owner| !self.cases.contains_key(owner))
    }

    /// The case holding a suivi, as this transaction sees it.
    fn suivi_owner(&self, state: &State, id: SuiviId) -> Option<SignalementId> {
        self.cases
            .values()
            .find(|case| case.suivis.iter().any(|s| s.id == id))
            .map(|case| case.signalement.id)
            .or_else(|| {
                state
                    .suivi_index
                    .get(&id)
                    .copied()
                    .filter(|owner| !self.cases.contains_key(owner))
            })
    }

    fn has_idempotency_key(&self, state: &State, key: &str) -> bool {
        self.jobs
            .iter()
            .any(|job| job.idempotency_key.as_deref() == Some(key))
            || state
                .jobs
                .iter()
                .any(|stored| stored.job.idempotency_key.as_deref() == Some(key))
    }
}

/// Every case as this transaction sees it: its staged cases over the
/// committed ones.
fn visible<'a>(
    committed: &'a HashMap<SignalementId, Case>,
    staged: &'a HashMap<SignalementId, Case>,
) -> impl Iterator<Item = &'a Case> + 'a {
    committed
        .iter()
        .filter(|(id, _)| !staged.contains_key(id))
        .map(|(_, case)| case)
        .chain(staged.values())
}

/// Oldest first, as the repositories promise; stable, so suivis created in
/// the same instant keep the order they were written in.
fn sort_suivis(suivis: &mut [Suivi]) {
    suivis.sort_by_key(|s| s.created_at);
}

#[async_trait]
impl Transaction for MemoryTransaction {
    /// The writer lock taken at `begin` is the lock the port asks for: no
    /// other transaction can number a case until this one ends.
    async fn max_reference_number(
        &mut self,
        territory: &TerritoryCode,
        year: i32,
    ) -> Result<Option<u32>, RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        Ok(visible(&state.cases, &self.cases)
            .map(|case| &case.signalement)
            .filter(|s| &s.territory == territory)
            // Temporary references (`2025-TEMPORAIRE`) do not parse.
            .filter_map(|s| Reference::parse(s.reference.trim()).ok())
            .filter(|r| r.year() == year)
            .map(Reference::number)
            .max())
    }

    async fn max_injonction_number(&mut self) -> Result<Option<u32>, RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        Ok(visible(&state.cases, &self.cases)
            .filter_map(|case| case.signalement.reference_injonction)
            .max())
    }

    /// Stores the whole case, its suivis and subscribers included (a new
    /// case usually has none; those it has are not lost).
    async fn insert_case(&mut self, case: &Case) -> Result<(), RepoError> {
        let id = case.signalement.id;
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if state.cases.contains_key(&id) || self.cases.contains_key(&id) {
            return Err(RepoError::Duplicate(format!("signalement {id}")));
        }
        if let Some(why) = case_conflict(case, visible(&state.cases, &self.cases)) {
            return Err(RepoError::Duplicate(why));
        }
        let mut seen = std::collections::HashSet::new();
        for suivi in &case.suivis {
            if !seen.insert(suivi.id) || self.suivi_exists(&state, suivi.id) {
                return Err(RepoError::Duplicate(format!("suivi {}", suivi.id)));
            }
        }
        drop(state);
        let mut stored = case.clone();
        sort_suivis(&mut stored.suivis);
        let mut subscribers = Vec::with_capacity(stored.subscribers.len());
        for user in stored.subscribers {
            if !subscribers.contains(&user) {
                subscribers.push(user);
            }
        }
        stored.subscribers = subscribers;
        self.cases.insert(id, stored);
        Ok(())
    }

    /// The writer lock already serialises every transaction, so the case
    /// is as locked as the port asks once it is read here.
    async fn lock_case(&mut self, id: SignalementId) -> Result<Option<Case>, RepoError> {
        if let Some(case) = self.cases.get(&id) {
            return Ok(Some(case.clone()));
        }
        let state = self.shared.state().await?;
        Ok(state.cases.get(&id).cloned())
    }

    /// # Errors
    /// `NotFound` for an unknown case; `Duplicate` when a new reference or
    /// tracking code is taken, or two affectations name one partner.
    async fn save_case(&mut self, case: &Case) -> Result<(), RepoError> {
        let id = case.signalement.id;
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if !self.cases.contains_key(&id) && !state.cases.contains_key(&id) {
            return Err(RepoError::NotFound(format!("signalement {id}")));
        }
        if let Some(why) = case_conflict(case, visible(&state.cases, &self.cases)) {
            return Err(RepoError::Duplicate(why));
        }
        drop(state);
        let stored = self
            .staged_case(id)
            .await?
            .ok_or_else(|| RepoError::NotFound(format!("signalement {id}")))?;
        stored.signalement = case.signalement.clone();
        stored.affectations = case.affectations.clone();
        stored.interventions = case.interventions.clone();
        stored.qualifications = case.qualifications.clone();
        Ok(())
    }

    /// # Errors
    /// `Duplicate` for a taken id, `NotFound` when its case does not exist.
    async fn insert_suivi(&mut self, suivi: &Suivi) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if self.suivi_exists(&state, suivi.id) {
            return Err(RepoError::Duplicate(format!("suivi {}", suivi.id)));
        }
        drop(state);
        let case = self
            .staged_case(suivi.signalement_id)
            .await?
            .ok_or_else(|| RepoError::NotFound(format!("signalement {}", suivi.signalement_id)))?;
        case.suivis.push(suivi.clone());
        sort_suivis(&mut case.suivis);
        Ok(())
    }

    /// # Errors
    /// `NotFound` when the case has no suivi with this id.
    async fn update_suivi(&mut self, suivi: &Suivi) -> Result<(), RepoError> {
        let not_found = || RepoError::NotFound(format!("suivi {}", suivi.id));
        let case = self
            .staged_case(suivi.signalement_id)
            .await?
            .ok_or_else(not_found)?;
        let current = case
            .suivis
            .iter_mut()
            .find(|s| s.id == suivi.id)
            .ok_or_else(not_found)?;
        *current = suivi.clone();
        sort_suivis(&mut case.suivis);
        Ok(())
    }

    /// Removes the row (the hard delete of rule 21; a soft delete is an
    /// `update_suivi` setting `deleted_at`).
    ///
    /// # Errors
    /// `NotFound` when no suivi has this id.
    async fn delete_suivi(&mut self, id: SuiviId) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        let owner = self.suivi_owner(&state, id);
        drop(state);
        let not_found = || RepoError::NotFound(format!("suivi {id}"));
        let case = self
            .staged_case(owner.ok_or_else(not_found)?)
            .await?
            .ok_or_else(not_found)?;
        case.suivis.retain(|s| s.id != id);
        Ok(())
    }

    /// # Errors
    /// `NotFound` when the case does not exist.
    async fn subscribe(
        &mut self,
        user: UserId,
        signalement: SignalementId,
    ) -> Result<(), RepoError> {
        let case = self
            .staged_case(signalement)
            .await?
            .ok_or_else(|| RepoError::NotFound(format!("signalement {signalement}")))?;
        if !case.subscribers.contains(&user) {
            case.subscribers.push(user);
        }
        Ok(())
    }

    /// Unsubscribing from an unknown case succeeds: there is nothing left
    /// to remove, as with a `DELETE` matching no row.
    async fn unsubscribe(
        &mut self,
        user: UserId,
        signalement: SignalementId,
    ) -> Result<(), RepoError> {
        if let Some(case) = self.staged_case(signalement).await? {
            case.subscribers.retain(|u| *u != user);
        }
        Ok(())
    }

    async fn insert_notification(&mut self, notification: &Notification) -> Result<(), RepoError> {
        self.shared.check_available()?;
        self.notifications
            .push(NotificationOp::Insert(notification.clone()));
        Ok(())
    }

    async fn delete_notifications_of(
        &mut self,
        signalement: SignalementId,
    ) -> Result<(), RepoError> {
        self.shared.check_available()?;
        self.notifications
            .push(NotificationOp::DeleteOf(signalement));
        Ok(())
    }

    async fn append_history(&mut self, entry: &HistoryEntry) -> Result<(), RepoError> {
        self.shared.check_available()?;
        self.history.push(entry.clone());
        Ok(())
    }

    /// The job is stamped `created_at` with the store's clock.
    ///
    /// # Errors
    /// `Duplicate` for a taken job id (a taken idempotency key is not an
    /// error: the job is ignored).
    async fn enqueue(&mut self, job: &NewJob) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        let known_key = job
            .idempotency_key
            .as_deref()
            .is_some_and(|key| self.has_idempotency_key(&state, key));
        if known_key {
            return Ok(());
        }
        let taken = self.jobs.iter().any(|j| j.id == job.id)
            || state.jobs.iter().any(|stored| stored.job.id == job.id);
        if taken {
            return Err(RepoError::Duplicate(format!("job {}", job.id)));
        }
        drop(state);
        self.jobs.push(Job {
            id: job.id,
            kind: job.kind.clone(),
            payload: job.payload.clone(),
            status: JobStatus::Pending,
            attempts: 0,
            run_at: job.run_at,
            last_error: None,
            idempotency_key: job.idempotency_key.clone(),
            created_at: shared.clock.now(),
        });
        Ok(())
    }

    async fn save_draft(&mut self, draft: &SignalementDraft) -> Result<(), RepoError> {
        self.shared.check_available()?;
        self.drafts.insert(draft.id, draft.clone());
        Ok(())
    }

    async fn delete_file(&mut self, id: FileId) -> Result<(), RepoError> {
        self.shared.check_available()?;
        self.deleted_files.push(id);
        Ok(())
    }

    async fn insert_user(&mut self, user: &User) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        let taken = |u: &User| u.id == user.id || same_email(&u.email, &user.email);
        if state.users.values().any(taken) || self.users.iter().any(taken) {
            return Err(RepoError::Duplicate("user e-mail".into()));
        }
        self.users.push(user.clone());
        Ok(())
    }

    async fn insert_partner(&mut self, partner: &Partner) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if state.partners.contains_key(&partner.id) || self.partners.contains_key(&partner.id) {
            return Err(RepoError::Duplicate(format!("partner {}", partner.id)));
        }
        if self.partner_email_taken(&state, partner) {
            return Err(RepoError::Duplicate("partner e-mail in territory".into()));
        }
        drop(state);
        self.partners.insert(partner.id, partner.clone());
        Ok(())
    }

    async fn update_partner(&mut self, partner: &Partner) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if !state.partners.contains_key(&partner.id) && !self.partners.contains_key(&partner.id) {
            return Err(RepoError::NotFound(format!("partner {}", partner.id)));
        }
        if self.partner_email_taken(&state, partner) {
            return Err(RepoError::Duplicate("partner e-mail in territory".into()));
        }
        drop(state);
        self.partners.insert(partner.id, partner.clone());
        Ok(())
    }

    async fn update_territory(&mut self, territory: &Territory) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if !state.territories.contains_key(&territory.code) {
            return Err(RepoError::NotFound(format!("territory {}", territory.code)));
        }
        drop(state);
        self.territories
            .insert(territory.code.clone(), territory.clone());
        Ok(())
    }

    async fn insert_rule(&mut self, rule: &AutoAffectationRule) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if state.rules.iter().any(|r| r.id == rule.id) || self.rules.contains_key(&rule.id) {
            return Err(RepoError::Duplicate(format!("rule {}", rule.id)));
        }
        drop(state);
        self.rules.insert(rule.id, rule.clone());
        Ok(())
    }

    async fn update_rule(&mut self, rule: &AutoAffectationRule) -> Result<(), RepoError> {
        let shared = Arc::clone(&self.shared);
        let state = shared.state().await?;
        if !state.rules.iter().any(|r| r.id == rule.id) && !self.rules.contains_key(&rule.id) {
            return Err(RepoError::NotFound(format!("rule {}", rule.id)));
        }
        drop(state);
        self.rules.insert(rule.id, rule.clone());
        Ok(())
    }

    /// Applies every staged change under one acquisition of the data lock,
    /// so a reader sees all of them or none; then releases the writer lock.
    async fn commit(self: Box<Self>) -> Result<(), RepoError> {
        let MemoryTransaction {
            shared,
            _writer: writer,
            cases,
            notifications,
            history,
            jobs,
            drafts,
            users,
            partners,
            territories,
            rules,
            deleted_files,
        } = *self;
        let mut state = shared.state().await?;
        state.files.retain(|f| !deleted_files.contains(&f.id));
        for case in cases.into_values() {
            state.put_case(case);
        }
        for op in notifications {
            match op {
                NotificationOp::Insert(notification) => state.notifications.push(notification),
                NotificationOp::DeleteOf(id) => {
                    state.notifications.retain(|n| n.signalement_id != Some(id))
                }
            }
        }
        state.history.extend(history);
        for job in jobs {
            let seq = state.next_job_seq;
            state.next_job_seq += 1;
            state.jobs.push(StoredJob {
                job,
                lease_until: None,
                seq,
            });
        }
        for draft in drafts.into_values() {
            let kept = crate::repositories::keep_owner(state.drafts.get(&draft.id), &draft);
            state.drafts.insert(draft.id, kept);
        }
        for user in users {
            state.users.insert(user.id, user);
        }
        state.partners.extend(partners);
        state.territories.extend(territories);
        for rule in rules.into_values() {
            // Rules keep their insertion order (the port's `active` order).
            match state.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(stored) => *stored = rule,
                None => state.rules.push(rule),
            }
        }
        drop(state);
        drop(writer);
        Ok(())
    }
}
