//! Reads outside a transaction, and writes of reference data (users,
//! partners, territories, rules) that stand alone. Changes of a case go
//! through a `Transaction`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::enums::SignalementStatus;
use histologe_core::ids::{DraftId, FileId, PartnerId, SignalementId, UserId};
use histologe_core::model::{
    AutoAffectationRule, Case, Commune, FileMeta, HistoryEntry, Notification, Partner, Signalement,
    SignalementDraft, Territory, User,
};
use histologe_core::policy::ListScope;
use histologe_core::territory_code::TerritoryCode;

use crate::error::RepoError;

/// Filters of the back-office list (features.md §2.4), the ones the core
/// loop needs; more arrive with the back-office.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalementFilter {
    /// For a partner's agent this is read as his affectation's status
    /// (`SignalementStatus::as_affectation_filter`).
    pub status: Option<SignalementStatus>,
    pub territory: Option<TerritoryCode>,
    /// Exact reference, or text in names and address.
    pub text: Option<String>,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
}

/// One page of results, newest first, with the total count.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait SignalementRepository: Send + Sync {
    /// The case with its affectations, visits, qualifications, suivis
    /// (oldest first) and subscribers; `None` when it does not exist.
    async fn case(&self, id: SignalementId) -> Result<Option<Case>, RepoError>;

    /// The case whose tracking code is `code`.
    async fn case_by_code_suivi(&self, code: &str) -> Result<Option<Case>, RepoError>;

    /// Signalements the scope may see (never the excluded statuses of
    /// §2.1), filtered, newest first.
    async fn list(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
    ) -> Result<Page<Signalement>, RepoError>;

    /// Suivis held for their edit window that are now due, as
    /// (signalement, suivi) ids.
    async fn suivis_to_release(
        &self,
        created_before: DateTime<Utc>,
    ) -> Result<Vec<(SignalementId, histologe_core::ids::SuiviId)>, RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    async fn get(&self, id: UserId) -> Result<Option<User>, RepoError>;
    async fn by_email(&self, email: &str) -> Result<Option<User>, RepoError>;
    /// # Errors
    /// `Duplicate` when the e-mail is taken.
    async fn insert(&self, user: &User) -> Result<(), RepoError>;
    async fn update(&self, user: &User) -> Result<(), RepoError>;
    /// Active and inactive users of a partner.
    async fn of_partner(&self, partner: PartnerId) -> Result<Vec<User>, RepoError>;
    /// Territory admins with a partner in the territory.
    async fn territory_admins(&self, territory: &TerritoryCode) -> Result<Vec<User>, RepoError>;
    async fn super_admins(&self) -> Result<Vec<User>, RepoError>;
    async fn many(&self, ids: &[UserId]) -> Result<Vec<User>, RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait PartnerRepository: Send + Sync {
    async fn get(&self, id: PartnerId) -> Result<Option<Partner>, RepoError>;
    /// Non-archived partners of the territory.
    async fn of_territory(&self, territory: &TerritoryCode) -> Result<Vec<Partner>, RepoError>;
    /// # Errors
    /// `Duplicate` when the generic e-mail is taken in the territory.
    async fn insert(&self, partner: &Partner) -> Result<(), RepoError>;
    async fn update(&self, partner: &Partner) -> Result<(), RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait TerritoryRepository: Send + Sync {
    async fn get(&self, code: &TerritoryCode) -> Result<Option<Territory>, RepoError>;
    async fn all(&self) -> Result<Vec<Territory>, RepoError>;
    /// Inserts or replaces (reference data is loaded this way).
    async fn upsert(&self, territory: &Territory) -> Result<(), RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AutoAffectationRuleRepository: Send + Sync {
    /// Active rules of the territory.
    async fn active(
        &self,
        territory: &TerritoryCode,
    ) -> Result<Vec<AutoAffectationRule>, RepoError>;
    async fn insert(&self, rule: &AutoAffectationRule) -> Result<(), RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait FileRepository: Send + Sync {
    async fn insert(&self, file: &FileMeta) -> Result<(), RepoError>;
    async fn get(&self, id: FileId) -> Result<Option<FileMeta>, RepoError>;
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<FileMeta>, RepoError>;
    async fn delete(&self, id: FileId) -> Result<(), RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait HistoryRepository: Send + Sync {
    /// Audit entries of a case and of its affectations, oldest first.
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<HistoryEntry>, RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait NotificationRepository: Send + Sync {
    /// Not-deleted notifications of the user, newest first.
    async fn of_user(&self, user: UserId) -> Result<Vec<Notification>, RepoError>;
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<Notification>, RepoError>;
}

/// The communes and their postal codes: where the public form turns a
/// postal code into a commune when the address base cannot be reached.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait CommuneRepository: Send + Sync {
    /// Replaces the whole table (reference data is reloaded this way).
    async fn replace_all(&self, communes: &[Commune]) -> Result<(), RepoError>;
    /// Communes with this postal code, by name.
    async fn by_postal_code(&self, code_postal: &str) -> Result<Vec<Commune>, RepoError>;
    /// Postal codes of this commune.
    async fn by_insee(&self, code_insee: &str) -> Result<Vec<Commune>, RepoError>;
    async fn count(&self) -> Result<u64, RepoError>;
}

/// Drafts of the public form, saved at every step. A submission marks its
/// draft sent through `Transaction::save_draft`, with the signalement.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait DraftRepository: Send + Sync {
    /// Inserts the draft, or replaces the one with its id (answers, step,
    /// e-mail, status, signalement, dates: everything but the id).
    async fn save(&self, draft: &SignalementDraft) -> Result<(), RepoError>;
    /// `None` when no draft has this id.
    async fn get(&self, id: DraftId) -> Result<Option<SignalementDraft>, RepoError>;
}
