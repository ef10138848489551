//! What the back-office statistics (features.md §2.10) read: a few columns
//! of each case in the actor's list scope, never whole cases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::enums::{Qualification, SignalementStatus};
use histologe_core::ids::PartnerId;
use histologe_core::policy::ListScope;
use histologe_core::territory_code::TerritoryCode;

use crate::error::RepoError;

/// The filters of the statistics page, on top of the list scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsFilter {
    pub territory: Option<TerritoryCode>,
    /// Cases with an affectation to this partner.
    pub partner: Option<PartnerId>,
    /// Deposited at or after.
    pub deposited_from: Option<DateTime<Utc>>,
    /// Deposited strictly before.
    pub deposited_before: Option<DateTime<Utc>>,
}

/// The columns of one case the figures need.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    pub created_at: DateTime<Utc>,
    pub status: SignalementStatus,
    pub validated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When an affectation of the case was first accepted (accepted or
    /// accepted then closed affectations only).
    pub first_accepted_at: Option<DateTime<Utc>>,
    /// Slugs of the désordre précisions.
    pub desordre_precisions: Vec<String>,
    /// Suspected qualifications (active, not post-visit), sorted.
    pub qualifications: Vec<Qualification>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait StatisticsRepository: Send + Sync {
    /// The cases of `scope` the lists show (no drafts, archived or
    /// injonction cases) that pass `filter`, in no particular order.
    async fn statistics_rows(
        &self,
        scope: &ListScope,
        filter: &StatsFilter,
    ) -> Result<Vec<StatsRow>, RepoError>;
}
