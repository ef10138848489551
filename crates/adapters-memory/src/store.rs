//! The in-memory database: every table behind one lock, plus the writer
//! lock that serialises transactions.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::{DraftId, PartnerId, SignalementId, SuiviId, UserId};
use histologe_core::model::{
    AutoAffectationRule, Case, FileMeta, HistoryEntry, Notification, Partner, SignalementDraft,
    Territory, User,
};
use histologe_core::reference::{Reference, is_temporary_reference};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{Clock, RepoError, Transaction, UnitOfWork};
use tokio::sync::{Mutex, MutexGuard};

use crate::jobs::StoredJob;
use crate::sync::Switch;
use crate::transaction::MemoryTransaction;
use histologe_adapters_system::SystemClock;

/// Every row the repositories, the unit of work and the job queue share.
///
/// A case is kept whole (signalement, affectations, visits,
/// qualifications, suivis oldest first, subscribers): that is the unit
/// transactions stage and the repositories hand out.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) cases: HashMap<SignalementId, Case>,
    /// Which case holds a suivi, for `update_suivi` and `delete_suivi`.
    pub(crate) suivi_index: HashMap<SuiviId, SignalementId>,
    pub(crate) users: HashMap<UserId, User>,
    pub(crate) partners: HashMap<PartnerId, Partner>,
    pub(crate) territories: BTreeMap<TerritoryCode, Territory>,
    pub(crate) communes: Vec<histologe_core::model::Commune>,
    /// Insertion order.
    pub(crate) rules: Vec<AutoAffectationRule>,
    /// Insertion order.
    pub(crate) files: Vec<FileMeta>,
    /// Append-only, insertion order.
    pub(crate) history: Vec<HistoryEntry>,
    /// Insertion order.
    pub(crate) notifications: Vec<Notification>,
    /// Insertion order; `seq` breaks ties between jobs due at once.
    pub(crate) jobs: Vec<StoredJob>,
    pub(crate) next_job_seq: u64,
    /// Effects of jobs already done (e-mails sent), by key.
    pub(crate) job_effects: HashMap<String, (DateTime<Utc>, Option<String>)>,
    /// Drafts of the public form.
    pub(crate) drafts: HashMap<DraftId, SignalementDraft>,
    /// Password hash and when it was set, per account.
    pub(crate) credentials: HashMap<UserId, (String, chrono::DateTime<chrono::Utc>)>,
    /// Staff sessions by the hash of their token.
    pub(crate) sessions: HashMap<String, histologe_core::model::StaffSession>,
    /// The territories' étiquettes, archived ones included.
    pub(crate) tags: HashMap<histologe_core::ids::TagId, histologe_core::model::Tag>,
    /// Activation and reset links, login codes, by the hash of their secret.
    pub(crate) account_tokens: HashMap<String, histologe_ports::AccountToken>,
    /// Saved searches of the back-office list, insertion order.
    pub(crate) saved_searches: Vec<histologe_ports::SavedSearch>,
    /// Platform settings (the maintenance mode), by key.
    pub(crate) settings: BTreeMap<String, String>,
    /// When each account was last reminded of its activation (§7.1).
    pub(crate) activation_reminded: HashMap<UserId, chrono::DateTime<chrono::Utc>>,
    /// When each inactive account is to be archived (§7.1).
    pub(crate) archiving_scheduled: HashMap<UserId, chrono::DateTime<chrono::Utc>>,
    /// The last failure of each undeliverable address, lower-cased.
    pub(crate) delivery_issues: HashMap<String, histologe_ports::DeliveryIssue>,
    /// Keys of the delivery events applied, and when they came.
    pub(crate) delivery_events: HashMap<String, DateTime<Utc>>,
}

impl State {
    /// Puts a case in place of its previous version, keeping the suivi
    /// index in step.
    pub(crate) fn put_case(&mut self, case: Case) {
        let id = case.signalement.id;
        if let Some(previous) = self.cases.get(&id) {
            for suivi in &previous.suivis {
                self.suivi_index.remove(&suivi.id);
            }
        }
        for suivi in &case.suivis {
            self.suivi_index.insert(suivi.id, id);
        }
        self.cases.insert(id, case);
    }
}

/// What every handle of one store shares.
pub(crate) struct Shared {
    /// The data. Held only for the few statements of one read or one
    /// write, never across an `await` on anything else, so a read made
    /// while a transaction is open never waits for that transaction.
    data: Mutex<State>,
    /// Held by an open transaction from `begin` to commit or drop: one
    /// writer at a time, which is what makes reference numbering and case
    /// locks correct without row locks.
    pub(crate) writer: Arc<Mutex<()>>,
    /// Stamps `Job::created_at`, which `NewJob` does not carry.
    pub(crate) clock: Arc<dyn Clock>,
    unavailable: Switch,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("data", &self.data)
            .field("writer", &self.writer)
            .field("unavailable", &self.unavailable)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// The data, or `Unavailable` while a test simulates an outage.
    pub(crate) async fn state(&self) -> Result<MutexGuard<'_, State>, RepoError> {
        self.check_available()?;
        Ok(self.data.lock().await)
    }

    pub(crate) fn check_available(&self) -> Result<(), RepoError> {
        if self.unavailable.is_on() {
            Err(RepoError::Unavailable("memory store switched off".into()))
        } else {
            Ok(())
        }
    }
}

/// One in-memory database. Cloning gives another handle on the same data
/// (cheap: one `Arc`), so the same store can be handed out as every
/// repository port at once.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    pub(crate) shared: Arc<Shared>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store stamping jobs with the system clock.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }

    /// An empty store stamping `Job::created_at` with `clock` (give it the
    /// `FixedClock` of the test so that job dates are reproducible).
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        MemoryStore {
            shared: Arc::new(Shared {
                data: Mutex::new(State::default()),
                writer: Arc::new(Mutex::new(())),
                clock,
                unavailable: Switch::default(),
            }),
        }
    }

    /// Simulates the database going down (`true`) or coming back: every
    /// repository call, `begin` and `commit` then fail with `Unavailable`.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.shared.unavailable.set(unavailable);
    }
}

#[async_trait]
impl UnitOfWork for MemoryStore {
    /// Waits until no other transaction is open, then opens one.
    ///
    /// A task must not call `begin` again while it holds a transaction of
    /// the same store: it would wait for itself forever.
    async fn begin(&self) -> Result<Box<dyn Transaction>, RepoError> {
        self.shared.check_available()?;
        let writer = Arc::clone(&self.shared.writer).lock_owned().await;
        Ok(Box::new(MemoryTransaction::new(
            Arc::clone(&self.shared),
            writer,
        )))
    }
}

/// The key under which a reference must be unique in its territory, or
/// `None` when it takes part in no uniqueness (empty, or temporary during
/// an injonction: many cases share `<year>-TEMPORAIRE`). `2025-042` and
/// `2025-42` are the same reference.
pub(crate) fn reference_key(reference: &str) -> Option<String> {
    let trimmed = reference.trim();
    if trimmed.is_empty() || is_temporary_reference(trimmed) {
        return None;
    }
    Some(Reference::parse(trimmed).map_or_else(|_| trimmed.to_string(), |r| r.to_string()))
}

/// Why `candidate` cannot be stored beside `others` (the unique constraints
/// a database would hold), or `None`. `others` may contain the candidate's
/// previous version: rows with its id are skipped.
pub(crate) fn case_conflict<'a>(
    candidate: &Case,
    others: impl IntoIterator<Item = &'a Case>,
) -> Option<String> {
    let s = &candidate.signalement;
    let mut partners = std::collections::HashSet::new();
    for affectation in &candidate.affectations {
        if !partners.insert(affectation.partner_id) {
            return Some(format!(
                "signalement {} is already affected to partner {}",
                s.id, affectation.partner_id
            ));
        }
    }
    let key = reference_key(&s.reference);
    for other in others {
        let o = &other.signalement;
        if o.id == s.id {
            continue;
        }
        if !s.code_suivi.is_empty() && o.code_suivi == s.code_suivi {
            return Some(format!("code_suivi of signalement {} is taken", s.id));
        }
        if key.is_some() && o.territory == s.territory && reference_key(&o.reference) == key {
            return Some(format!(
                "reference {} is taken in territory {}",
                s.reference, s.territory
            ));
        }
    }
    None
}
