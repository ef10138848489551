//! The back-office statistics (features.md §2.10): counts and median
//! delays over the cases of the actor's list scope (`list_scope`: an agent
//! counts his partner's cases only, an RT his territories', a super admin
//! every case), computed here from the few columns the repository returns.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use histologe_core::enums::{Qualification, Role, SignalementStatus};
use histologe_core::ids::PartnerId;
use histologe_core::model::{Partner, Territory};
use histologe_core::policy::list_scope;
use histologe_core::territory_code::TerritoryCode;
use histologe_core::{Action, Actor, DomainError, Resource, can};
use histologe_ports::{StatsFilter, StatsRow};

use crate::app::App;
use crate::error::AppError;

/// What the statistics page asks for. Dates are days of deposit, both
/// included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsQuery {
    pub territory: Option<TerritoryCode>,
    pub partner: Option<PartnerId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The filters the page offers an actor: territories to super admins and
/// multi-territory users, partners to RTs and super admins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsChoices {
    pub territories: Vec<Territory>,
    pub partners: Vec<Partner>,
}

/// The figures of the statistics page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    pub total: u64,
    /// `(year, month)` of deposit, every month from the first to the last.
    pub by_month: Vec<((i32, u32), u64)>,
    /// Most frequent first.
    pub by_status: Vec<(SignalementStatus, u64)>,
    /// Désordre categories (each counted once per case), most frequent first.
    pub by_category: Vec<(String, u64)>,
    /// Suspected qualifications, most frequent first.
    pub by_qualification: Vec<(Qualification, u64)>,
    /// Median days from deposit to validation, to the first accepted
    /// affectation, and to closure, over the cases that got there.
    pub median_days_to_validation: Option<f64>,
    pub median_days_to_acceptance: Option<f64>,
    pub median_days_to_closure: Option<f64>,
    /// When the figures were computed: they are kept a few minutes
    /// (`read_cache::STATISTICS_TTL`) and the page says so.
    pub computed_at: Option<DateTime<Utc>>,
}

fn days_between(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> Option<f64> {
    let seconds = (to? - from).num_seconds();
    // A date before the deposit is an import artefact, not a delay.
    (seconds >= 0).then(|| seconds as f64 / 86_400.0)
}

/// The median of `values` (the mean of the two middle ones for an even
/// count); `None` for no value.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

fn most_frequent_first<K: Ord>(counts: BTreeMap<K, u64>) -> Vec<(K, u64)> {
    let mut counts: Vec<_> = counts.into_iter().collect();
    // Stable: equal counts keep the key's order.
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
}

fn next_month((year, month): (i32, u32)) -> (i32, u32) {
    if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// The figures of `rows`, categories named by `category_of` a précision.
pub fn compute(rows: &[StatsRow], category_of: impl Fn(&str) -> Option<String>) -> Statistics {
    let mut months: BTreeMap<(i32, u32), u64> = BTreeMap::new();
    let mut statuses: BTreeMap<SignalementStatus, u64> = BTreeMap::new();
    let mut categories: BTreeMap<String, u64> = BTreeMap::new();
    let mut qualifications: BTreeMap<Qualification, u64> = BTreeMap::new();
    let (mut validation, mut acceptance, mut closure) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        *months
            .entry((row.created_at.year(), row.created_at.month()))
            .or_default() += 1;
        *statuses.entry(row.status).or_default() += 1;
        let mut seen: Vec<String> = row
            .desordre_precisions
            .iter()
            .filter_map(|slug| category_of(slug))
            .collect();
        seen.sort();
        seen.dedup();
        for category in seen {
            *categories.entry(category).or_default() += 1;
        }
        for q in &row.qualifications {
            *qualifications.entry(*q).or_default() += 1;
        }
        validation.extend(days_between(row.created_at, row.validated_at));
        acceptance.extend(days_between(row.created_at, row.first_accepted_at));
        closure.extend(days_between(row.created_at, row.closed_at));
    }
    let mut by_month = Vec::new();
    if let (Some(first), Some(last)) =
        (months.keys().next().copied(), months.keys().last().copied())
    {
        let mut month = first;
        while month <= last {
            by_month.push((month, months.get(&month).copied().unwrap_or(0)));
            month = next_month(month);
        }
    }
    Statistics {
        total: rows.len() as u64,
        by_month,
        by_status: most_frequent_first(statuses),
        by_category: most_frequent_first(categories),
        by_qualification: most_frequent_first(qualifications),
        median_days_to_validation: median(validation),
        median_days_to_acceptance: median(acceptance),
        median_days_to_closure: median(closure),
        computed_at: None,
    }
}

impl App {
    /// The filters the statistics page offers `actor`.
    pub async fn statistics_choices(
        &self,
        actor: &Actor,
        chosen: Option<&TerritoryCode>,
    ) -> Result<StatsChoices, AppError> {
        can(actor, Action::ViewStatistics, Resource::Platform)?;
        let choices = self.list_filter_choices(actor, chosen).await?;
        let partner_filter = actor
            .as_staff()
            .is_some_and(|u| matches!(u.role, Role::TerritoryAdmin | Role::SuperAdmin));
        Ok(StatsChoices {
            territories: choices.territories,
            partners: if partner_filter {
                choices.partners
            } else {
                Vec::new()
            },
        })
    }

    /// The statistics of the cases `actor` may list, filtered by `query`.
    /// A territory or partner the page does not offer him is refused as
    /// an invalid field.
    pub async fn statistics(
        &self,
        actor: &Actor,
        query: &StatsQuery,
    ) -> Result<Statistics, AppError> {
        let choices = self
            .statistics_choices(actor, query.territory.as_ref())
            .await?;
        if let Some(t) = &query.territory
            && !choices.territories.iter().any(|c| &c.code == t)
        {
            return Err(DomainError::invalid(
                "territoire",
                "Choisissez un territoire de la liste.",
            )
            .into());
        }
        if let Some(p) = query.partner
            && !choices.partners.iter().any(|c| c.id == p)
        {
            return Err(DomainError::invalid(
                "partenaire",
                "Choisissez un partenaire de la liste.",
            )
            .into());
        }
        if let (Some(from), Some(to)) = (query.from, query.to)
            && from > to
        {
            return Err(DomainError::invalid(
                "au",
                "La date de fin doit être postérieure à la date de début.",
            )
            .into());
        }
        let filter = StatsFilter {
            territory: query.territory.clone(),
            partner: query.partner,
            // Days as the list counts them: from midnight in Paris.
            deposited_from: query.from.and_then(paris_midnight),
            deposited_before: query.to.and_then(|d| d.succ_opt()).and_then(paris_midnight),
        };
        let scope = list_scope(actor);
        let key = format!("{scope:?} {filter:?}");
        let now = self.now();
        if let Some((figures, _)) = self.statistics_cache.fresh(&key, now) {
            return Ok(figures);
        }
        let generation = self.statistics_cache.generation();
        let rows = self
            .ports
            .statistics
            .statistics_rows(&scope, &filter)
            .await?;
        let mut figures = compute(&rows, |slug| {
            self.grid
                .precision(slug)
                .map(|p| p.critere.categorie_label.clone())
        });
        figures.computed_at = Some(now);
        self.statistics_cache
            .store(key, now, generation, figures.clone());
        Ok(figures)
    }
}

fn paris_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    histologe_core::time::from_local(day, NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
            .single()
            .expect("date")
    }

    fn row(created: DateTime<Utc>, status: SignalementStatus) -> StatsRow {
        StatsRow {
            created_at: created,
            status,
            validated_at: None,
            closed_at: None,
            first_accepted_at: None,
            desordre_precisions: Vec::new(),
            qualifications: Vec::new(),
        }
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_ones() {
        assert_eq!(median(Vec::new()), None);
        assert_eq!(median(vec![5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 10.0]), Some(3.0));
    }

    #[test]
    fn months_without_cases_count_zero_and_delays_skip_unfinished_cases() {
        let mut a = row(at(2025, 11, 3), SignalementStatus::Closed);
        a.validated_at = Some(at(2025, 11, 5));
        a.closed_at = Some(at(2025, 12, 3));
        a.desordre_precisions = vec!["x".into(), "y".into()];
        a.qualifications = vec![Qualification::Insalubrite];
        let mut b = row(at(2026, 1, 10), SignalementStatus::Active);
        b.validated_at = Some(at(2026, 1, 14));
        b.first_accepted_at = Some(at(2026, 1, 20));
        b.desordre_precisions = vec!["x".into()];
        // A validation dated before the deposit is left out.
        let mut c = row(at(2026, 1, 20), SignalementStatus::Active);
        c.validated_at = Some(at(2026, 1, 19));
        let stats = compute(&[a, b, c], |slug| {
            Some(
                if slug == "x" {
                    "Humidité"
                } else {
                    "Sécurité"
                }
                .to_string(),
            )
        });
        assert_eq!(stats.total, 3);
        assert_eq!(
            stats.by_month,
            vec![((2025, 11), 1), ((2025, 12), 0), ((2026, 1), 2)]
        );
        assert_eq!(
            stats.by_status,
            vec![
                (SignalementStatus::Active, 2),
                (SignalementStatus::Closed, 1)
            ]
        );
        assert_eq!(
            stats.by_category,
            vec![("Humidité".to_string(), 2), ("Sécurité".to_string(), 1)]
        );
        assert_eq!(
            stats.by_qualification,
            vec![(Qualification::Insalubrite, 1)]
        );
        assert_eq!(stats.median_days_to_validation, Some(3.0));
        assert_eq!(stats.median_days_to_acceptance, Some(10.0));
        assert_eq!(stats.median_days_to_closure, Some(30.0));
    }
}
