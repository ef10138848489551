//! The unit of work: every change of a case, the history it writes, the
//! notifications and the jobs it causes commit together or not at all
//! (the outbox pattern: a job is never lost nor sent for a change that
//! rolled back).

use async_trait::async_trait;
use histologe_core::ids::{FileId, SignalementId, SuiviId, UserId};
use histologe_core::model::{
    AutoAffectationRule, Case, HistoryEntry, Notification, Partner, SignalementDraft, Suivi,
    Territory, User,
};
use histologe_core::territory_code::TerritoryCode;

use crate::error::RepoError;
use crate::jobs::NewJob;

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait UnitOfWork: Send + Sync {
    /// # Errors
    /// `Unavailable` when the database cannot be reached.
    async fn begin(&self) -> Result<Box<dyn Transaction>, RepoError>;
}

/// An open transaction. Dropping it without `commit` rolls everything back.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Transaction: Send {
    /// Highest number among the territory's definitive references of
    /// `year` (`<year>-<n>`), holding a lock that serialises concurrent
    /// numbering in the territory until commit (rule 1). Temporary
    /// references do not count. A reference's year is the year its case was
    /// created or switched to the usual procedure, so this is rule 1's
    /// "cases created this year"; keying on the reference itself is what
    /// the unique index (territory, year, number) protects.
    async fn max_reference_number(
        &mut self,
        territory: &TerritoryCode,
        year: i32,
    ) -> Result<Option<u32>, RepoError>;

    /// Highest injonction number ever given, with the same kind of lock.
    async fn max_injonction_number(&mut self) -> Result<Option<u32>, RepoError>;

    /// # Errors
    /// `Duplicate` when the id, tracking code or reference is taken.
    async fn insert_case(&mut self, case: &Case) -> Result<(), RepoError>;

    /// Loads the case and locks it until commit, so that two agents acting
    /// on one case at once are serialised.
    async fn lock_case(&mut self, id: SignalementId) -> Result<Option<Case>, RepoError>;

    /// Saves the signalement, its affectations (added, changed, removed),
    /// visits and qualifications as they are in `case`. Suivis and
    /// subscribers are written with their own methods.
    async fn save_case(&mut self, case: &Case) -> Result<(), RepoError>;

    async fn insert_suivi(&mut self, suivi: &Suivi) -> Result<(), RepoError>;
    async fn update_suivi(&mut self, suivi: &Suivi) -> Result<(), RepoError>;
    async fn delete_suivi(&mut self, id: SuiviId) -> Result<(), RepoError>;

    /// Idempotent.
    async fn subscribe(
        &mut self,
        user: UserId,
        signalement: SignalementId,
    ) -> Result<(), RepoError>;
    /// Idempotent.
    async fn unsubscribe(
        &mut self,
        user: UserId,
        signalement: SignalementId,
    ) -> Result<(), RepoError>;

    async fn insert_notification(&mut self, notification: &Notification) -> Result<(), RepoError>;
    async fn delete_notifications_of(
        &mut self,
        signalement: SignalementId,
    ) -> Result<(), RepoError>;

    async fn append_history(&mut self, entry: &HistoryEntry) -> Result<(), RepoError>;

    /// Deletes a file's record like `FileRepository::delete`, with the
    /// rest of the transaction: the deletion and its history entry commit
    /// together (and on SQLite, whose single writer the transaction holds,
    /// a delete beside it could only wait).
    async fn delete_file(&mut self, id: FileId) -> Result<(), RepoError>;

    /// Enqueues a job; a job whose idempotency key exists is ignored.
    async fn enqueue(&mut self, job: &NewJob) -> Result<(), RepoError>;

    /// Inserts or replaces a draft of the public form, like
    /// `DraftRepository::save`, but with the rest of the transaction: a
    /// submission marks its draft sent together with the new case.
    async fn save_draft(&mut self, draft: &SignalementDraft) -> Result<(), RepoError>;

    /// Inserts an account like `UserRepository::insert`, with the rest of
    /// the transaction: a new account and its activation e-mail commit
    /// together.
    ///
    /// # Errors
    /// `Duplicate` when the e-mail (case-insensitive) is taken.
    async fn insert_user(&mut self, user: &User) -> Result<(), RepoError>;

    /// Inserts a partner like `PartnerRepository::insert`, with the rest of
    /// the transaction: the administration writes it with its history.
    ///
    /// # Errors
    /// `Duplicate` when the id is taken or the generic e-mail is taken
    /// among the live partners of the territory.
    async fn insert_partner(&mut self, partner: &Partner) -> Result<(), RepoError>;

    /// Replaces a partner like `PartnerRepository::update`.
    ///
    /// # Errors
    /// `NotFound` for an unknown partner; `Duplicate` as for `insert_partner`.
    async fn update_partner(&mut self, partner: &Partner) -> Result<(), RepoError>;

    /// Replaces a territory (open or closed, authorised communes…).
    ///
    /// # Errors
    /// `NotFound` for an unknown code: territories are reference data,
    /// created by `TerritoryRepository::upsert` only.
    async fn update_territory(&mut self, territory: &Territory) -> Result<(), RepoError>;

    /// # Errors
    /// `Duplicate` when the id is taken.
    async fn insert_rule(&mut self, rule: &AutoAffectationRule) -> Result<(), RepoError>;

    /// Replaces a rule (its status included).
    ///
    /// # Errors
    /// `NotFound` for an unknown rule.
    async fn update_rule(&mut self, rule: &AutoAffectationRule) -> Result<(), RepoError>;

    async fn commit(self: Box<Self>) -> Result<(), RepoError>;
}
