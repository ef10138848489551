//! The statistics' columns in memory, with the scope of the lists.

use async_trait::async_trait;
use histologe_core::enums::Qualification;
use histologe_core::model::Case;
use histologe_core::policy::ListScope;
use histologe_ports::{RepoError, StatisticsRepository, StatsFilter, StatsRow};

use crate::store::MemoryStore;

fn in_scope(case: &Case, scope: &ListScope) -> bool {
    match scope {
        ListScope::All => true,
        ListScope::Territories(territories) => territories.contains(&case.signalement.territory),
        ListScope::Partners(partners) => case
            .affectations
            .iter()
            .any(|a| partners.contains(&a.partner_id)),
        ListScope::Nothing => false,
    }
}

fn passes(case: &Case, filter: &StatsFilter) -> bool {
    let s = &case.signalement;
    filter.territory.as_ref().is_none_or(|t| &s.territory == t)
        && filter
            .partner
            .is_none_or(|p| case.affectations.iter().any(|a| a.partner_id == p))
        && filter
            .deposited_from
            .is_none_or(|from| s.created_at >= from)
        && filter
            .deposited_before
            .is_none_or(|before| s.created_at < before)
}

fn row(case: &Case) -> StatsRow {
    let s = &case.signalement;
    let key = histologe_ports::list_keys::procedures_key(case);
    StatsRow {
        created_at: s.created_at,
        status: s.status,
        validated_at: s.validated_at,
        closed_at: s.closed_at,
        first_accepted_at: histologe_ports::list_keys::first_accepted_at(case),
        desordre_precisions: s.desordre_precisions.clone(),
        qualifications: key.split('|').filter_map(Qualification::parse).collect(),
    }
}

#[async_trait]
impl StatisticsRepository for MemoryStore {
    async fn statistics_rows(
        &self,
        scope: &ListScope,
        filter: &StatsFilter,
    ) -> Result<Vec<StatsRow>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state
            .cases
            .values()
            .filter(|case| !case.signalement.status.is_excluded_from_lists())
            .filter(|case| in_scope(case, scope) && passes(case, filter))
            .map(row)
            .collect())
    }
}
