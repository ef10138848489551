//! Reads outside a transaction, and writes of reference data (users,
//! partners, territories, rules) that stand alone. Changes of a case go
//! through a `Transaction`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::enums::{AffectationStatus, Qualification, SignalementStatus};
use histologe_core::ids::{
    AutoAffectationRuleId, DraftId, FileId, InterventionId, NotificationId, PartnerId,
    SignalementId, TagId, UserId,
};
use histologe_core::model::{
    Affectation, AutoAffectationRule, Case, Commune, FileMeta, HistoryEntry, Notification, Partner,
    Signalement, SignalementDraft, Territory, User,
};
use histologe_core::policy::ListScope;
use histologe_core::territory_code::TerritoryCode;

use serde::{Deserialize, Serialize};

use crate::error::RepoError;

/// Filters of the back-office list (features.md §2.4). Every adapter
/// applies them identically (the contract suite checks it); all of them
/// combine with AND, and none widens the scope.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignalementFilter {
    /// For a partner's agent this is read as his affectation's status
    /// (`SignalementStatus::as_affectation_filter`).
    pub status: Option<SignalementStatus>,
    pub territory: Option<TerritoryCode>,
    /// An exact reference when it reads `YYYY-n`, the occupant's postal
    /// code when it is five digits, otherwise text in the names, e-mails,
    /// reference and address.
    pub text: Option<String>,
    /// Inclusive.
    pub created_after: Option<DateTime<Utc>>,
    /// Exclusive.
    pub created_before: Option<DateTime<Utc>>,
    /// Affected to this partner, or to nobody. For a partner's agent it is
    /// read on his own affectations only (he never sees the others').
    pub partner: Option<PartnerFilter>,
    /// With an affectation in this status (the one of `partner` when both
    /// are given; his own for a partner's agent).
    pub affectation_status: Option<AffectationStatus>,
    /// Five digits: the postal code or the INSEE code; otherwise the
    /// commune's name (accents and case ignored).
    pub commune: Option<String>,
    /// Criticité bounds in percent, inclusive, on the score rounded to the
    /// hundredth.
    pub score_min: Option<u32>,
    pub score_max: Option<u32>,
    /// With this suspected qualification (active, not confirmed by a visit).
    pub procedure: Option<Qualification>,
    /// Carrying this étiquette.
    pub tag: Option<TagId>,
    /// Nothing written on the case since this instant: its last suivi (or,
    /// without any, its creation) is strictly older.
    pub no_suivi_since: Option<DateTime<Utc>>,
    /// Every partner closed its affectation (at least one closed, none
    /// waiting or accepted; refusals do not count).
    pub closed_by_all_partners: bool,
    /// The usager asked to stop the procedure.
    pub abandon_requested: bool,
    /// Located inside this rectangle of the map (edges included); a case
    /// without a geolocation is left out.
    pub within: Option<GeoBounds>,
    /// At this address (`list_keys::address_key`): the « même adresse »
    /// panel of a case, never a field of the list's form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_key: Option<String>,
    pub order: ListOrder,
}

/// A rectangle of the map in WGS84 degrees. Every adapter compares the
/// points in millionths of a degree (`list_keys::micro_degrees`), so that
/// a point on an edge is in on every engine.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoBounds {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// The partner filter of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartnerFilter {
    AffectedTo(PartnerId),
    /// « Sans affectation »: affected to no partner at all.
    NoAffectation,
}

/// Orders of the list. Ties (same commune, same name) are newest first,
/// then by id, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListOrder {
    #[default]
    CreatedDesc,
    CreatedAsc,
    /// By reference year then number.
    ReferenceDesc,
    ReferenceAsc,
    /// Occupant's name then first name, accents and case ignored.
    OccupantAsc,
    OccupantDesc,
    /// Commune's name, accents and case ignored.
    CommuneAsc,
    CommuneDesc,
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

    /// The rows of [`SignalementRepository::list`] without their total,
    /// for a caller that pages to the end anyway: one statement fewer on
    /// a SQL store.
    async fn list_items(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<Signalement>, RepoError> {
        Ok(self.list(scope, filter, offset, limit).await?.items)
    }

    /// [`SignalementRepository::list`] with a total counted up to `bound`
    /// only: the total is exact below `bound` and `bound` otherwise (« plus
    /// de … »). Counting a whole territory at each page of the list cost
    /// the list half its time at a million cases (docs/performance.md).
    async fn list_up_to(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
        bound: u64,
    ) -> Result<Page<Signalement>, RepoError> {
        let mut page = self.list(scope, filter, offset, limit).await?;
        page.total = page.total.min(bound);
        Ok(page)
    }

    /// How many rows [`SignalementRepository::list`] would find: the
    /// dashboard's cards, without reading any case.
    async fn count(&self, scope: &ListScope, filter: &SignalementFilter) -> Result<u64, RepoError> {
        Ok(self.list(scope, filter, 0, 1).await?.total)
    }

    /// The affectations of these cases (the cards of one page of the
    /// list), in one read, by case then creation.
    async fn affectations_of(&self, ids: &[SignalementId]) -> Result<Vec<Affectation>, RepoError>;

    /// Suivis held for their edit window that are now due, as
    /// (signalement, suivi) ids.
    async fn suivis_to_release(
        &self,
        created_before: DateTime<Utc>,
    ) -> Result<Vec<(SignalementId, histologe_core::ids::SuiviId)>, RepoError>;

    /// Cases in `status` created strictly before `created_before`, oldest
    /// first, at most `limit`: what the timers of §7 look for (excluded
    /// statuses included, unlike `list`).
    async fn in_status_created_before(
        &self,
        status: SignalementStatus,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError>;

    /// Visits still PLANNED whose date is in `[from, to)`, by date, as
    /// (signalement, visit) ids, at most `limit`.
    async fn planned_visits_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, InterventionId)>, RepoError>;

    /// Affectations ACCEPTED whose answer is in `[from, to)`, by answer
    /// date, as (signalement, affectation) ids, at most `limit`.
    async fn accepted_affectations_answered_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, histologe_core::ids::AffectationId)>, RepoError>;

    /// The cases whose next request for news is due at `now`
    /// (`histologe_core::feedback::next_request` at or before `now`: only
    /// eligible cases, counted from the last *public* suivi), most
    /// overdue first, then by id, at most `limit`.
    async fn feedback_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError>;

    /// The other signalements the scope may see (never the excluded
    /// statuses of `list`) in the commune `insee` whose street address has
    /// the same `histologe_core::search::address_key` as `adresse`, newest
    /// first, at most `limit`; `except` is left out.
    ///
    /// Provided on top of `list`, filtered on the address key (an indexed
    /// column of the SQL store), so every adapter agrees on what "the same
    /// address" is.
    async fn same_address(
        &self,
        scope: &ListScope,
        insee: &str,
        adresse: &str,
        except: SignalementId,
        limit: u32,
    ) -> Result<Vec<Signalement>, RepoError> {
        let Some(key) = crate::list_keys::address_key_of(insee, adresse) else {
            return Ok(Vec::new());
        };
        let filter = SignalementFilter {
            address_key: Some(key),
            ..SignalementFilter::default()
        };
        let mut found = self
            .list_items(scope, &filter, 0, limit.saturating_add(1))
            .await?;
        found.retain(|s| s.id != except);
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(found)
    }
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
    /// The archived users of a partner (the users administration shows
    /// them on request), by e-mail.
    async fn archived_of_partner(&self, partner: PartnerId) -> Result<Vec<User>, RepoError>;
    /// Territory admins with a partner in the territory.
    async fn territory_admins(&self, territory: &TerritoryCode) -> Result<Vec<User>, RepoError>;
    async fn super_admins(&self) -> Result<Vec<User>, RepoError>;
    async fn many(&self, ids: &[UserId]) -> Result<Vec<User>, RepoError>;
    /// Sets the user's two e-mail flags, and nothing else of the account:
    /// an administrator changing his role at the same moment loses nothing.
    ///
    /// # Errors
    /// `NotFound` for an unknown user.
    async fn set_mailing_preference(
        &self,
        user: UserId,
        is_mailing_active: bool,
        is_mailing_summary: bool,
    ) -> Result<(), RepoError>;

    /// Staff accounts (super admin, RT, partner admin, agent) still
    /// INACTIVE, created strictly before `created_before`, never reminded
    /// of their activation or last reminded strictly before
    /// `reminded_before`; oldest first, at most `limit`.
    async fn unactivated_to_remind(
        &self,
        created_before: DateTime<Utc>,
        reminded_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError>;

    /// Records when the account was last reminded of its activation.
    ///
    /// # Errors
    /// `NotFound` for an unknown user.
    async fn set_activation_reminded(
        &self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;

    /// Staff accounts not archived and without an archiving scheduled whose
    /// last login (their creation, when they never logged in) is strictly
    /// before `seen_before`; oldest first, at most `limit`.
    async fn inactive_to_notify(
        &self,
        seen_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError>;

    /// Schedules (or, with `None`, cancels) the archiving of an inactive
    /// account.
    ///
    /// # Errors
    /// `NotFound` for an unknown user.
    async fn set_archiving_scheduled(
        &self,
        user: UserId,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError>;

    /// Accounts not archived whose scheduled archiving is at or before
    /// `now`, with that date; soonest first, at most `limit`.
    async fn archiving_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(User, DateTime<Utc>)>, RepoError>;
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
    async fn get(
        &self,
        id: AutoAffectationRuleId,
    ) -> Result<Option<AutoAffectationRule>, RepoError>;
    /// Every rule of the territory, archived ones included.
    async fn of_territory(
        &self,
        territory: &TerritoryCode,
    ) -> Result<Vec<AutoAffectationRule>, RepoError>;
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
    /// Audit entries of an entity outside any case (a partner, a
    /// territory, a rule), oldest first.
    async fn of_entity(&self, entity_id: uuid::Uuid) -> Result<Vec<HistoryEntry>, RepoError>;
    /// What the ids named in history entries are called, in one read: a
    /// tag's label, a partner's name, a user's "prénom nom" (in that order
    /// of precedence should two kinds share an id). Unknown ids are absent.
    async fn names_of(&self, ids: &[uuid::Uuid]) -> Result<Vec<(uuid::Uuid, String)>, RepoError>;
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait NotificationRepository: Send + Sync {
    /// Not-deleted notifications of the user, newest first.
    async fn of_user(&self, user: UserId) -> Result<Vec<Notification>, RepoError>;
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<Notification>, RepoError>;
    /// One page of the user's notifications, newest first, with his total.
    async fn page_of_user(
        &self,
        user: UserId,
        offset: u64,
        limit: u32,
    ) -> Result<Page<Notification>, RepoError>;
    /// How many of the user's notifications he has not seen.
    async fn unseen_count(&self, user: UserId) -> Result<u64, RepoError>;
    /// Marks every notification of the user seen.
    async fn mark_all_seen(&self, user: UserId) -> Result<(), RepoError>;
    /// Deletes the notification if it is the user's; whether it was.
    async fn delete_of_user(&self, user: UserId, id: NotificationId) -> Result<bool, RepoError>;
    /// Deletes every notification of the user; how many there were.
    async fn delete_all_of_user(&self, user: UserId) -> Result<u64, RepoError>;
    /// The users with at least one notification waiting for the daily
    /// digest (`wait_mailing_summary`), each once, in no given order.
    async fn users_awaiting_summary(&self) -> Result<Vec<UserId>, RepoError>;
    /// The user's notifications waiting for the digest, oldest first.
    async fn awaiting_summary_of(&self, user: UserId) -> Result<Vec<Notification>, RepoError>;
    /// Clears `wait_mailing_summary` on those of `ids` that are the user's
    /// (the ones a digest listed; the others keep waiting); how many were
    /// still waiting.
    async fn clear_awaiting_summary(
        &self,
        user: UserId,
        ids: &[NotificationId],
    ) -> Result<u64, RepoError>;

    /// Deletes at most `limit` notifications created strictly before
    /// `created_before`, seen or not (§7.1 `clear-entities`), except the
    /// ones of a usager's message (`NotificationType::SuiviUsager`, kept)
    /// and the ones still waiting for a digest; how many.
    async fn purge_older_than(
        &self,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError>;
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
    /// e-mail, status, signalement, dates: everything but the id and the
    /// owner, which a draft keeps from its first save).
    async fn save(&self, draft: &SignalementDraft) -> Result<(), RepoError>;
    /// `None` when no draft has this id.
    async fn get(&self, id: DraftId) -> Result<Option<SignalementDraft>, RepoError>;
    /// The professional drafts `owner` is still filling in, last changed
    /// first ("Mes brouillons"); sent and archived ones are not listed.
    async fn in_progress_of(&self, owner: UserId) -> Result<Vec<SignalementDraft>, RepoError>;

    /// Deletes at most `limit` drafts never sent (in progress or archived)
    /// last changed strictly before `updated_before`; how many.
    async fn purge_abandoned(
        &self,
        updated_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError>;
}
