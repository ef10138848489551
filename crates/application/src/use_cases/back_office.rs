//! What the back-office reads: the list an agent may see (filtered,
//! sorted, exported), the counts of his dashboard, and the partners a case
//! may be affected to.

use std::collections::HashMap;

use histologe_core::Actor;
use histologe_core::enums::{AffectationStatus, SignalementStatus};
use histologe_core::ids::{PartnerId, SignalementId};
use histologe_core::model::{Partner, Signalement, Territory};
use histologe_core::policy::{ListScope, Refusal, can_export_list, list_scope};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{GeoBounds, ListOrder, Page, SignalementFilter};

use crate::app::App;
use crate::error::AppError;

/// Rows of one page of the list.
pub const PAGE_SIZE: u32 = 25;

/// Rows of one page of the CSV export (it is streamed page by page).
pub const EXPORT_PAGE_SIZE: u32 = 200;

/// Most cases one answer of the map holds: a wide view (a whole region)
/// stays fast to read, send and draw; the page says when some were left
/// out and that zooming in shows them.
pub const MAP_POINTS_MAX: u32 = 2_000;

/// The list shows its exact number of cases up to this many, « plus de
/// 1 000 » beyond (or beyond the page asked if it is further).
pub const LIST_COUNT_BOUND: u64 = 1_000;

/// Days without a suivi after which a case shows on the dashboard.
pub const NO_SUIVI_DAYS: i64 = 30;

/// One count of the dashboard, with the list filter it links to.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardCard {
    pub label: &'static str,
    pub count: u64,
    pub filter: SignalementFilter,
}

/// A row of the list: the case and the affectations the actor may see
/// (all of them for admins, his own partners' for an agent), with the
/// partner's name.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedCase {
    pub signalement: Signalement,
    pub affectations: Vec<(String, AffectationStatus)>,
}

/// One page of the list and how many cases the filter finds.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub items: Vec<ListedCase>,
    /// Exact when `total_is_exact`, else a lower bound (« plus de … »).
    pub total: u64,
    pub total_is_exact: bool,
}

/// What the filter form offers: territories to super admins and
/// multi-territory users, partners of the actor's territories (of the
/// chosen territory for a super admin).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterChoices {
    pub territories: Vec<Territory>,
    pub partners: Vec<Partner>,
    /// The étiquettes in use (not archived) of the same territories as
    /// the partners, by label.
    pub tags: Vec<histologe_core::model::Tag>,
}

/// Whether any filter is set (the order is not a filter).
pub fn has_active_filter(filter: &SignalementFilter) -> bool {
    let bare = SignalementFilter {
        order: filter.order,
        ..SignalementFilter::default()
    };
    *filter != bare
}

impl App {
    /// One page (from 1) of the signalements `actor` may see, in the
    /// filter's order.
    pub async fn list_signalements(
        &self,
        actor: &Actor,
        filter: &SignalementFilter,
        page: u32,
    ) -> Result<Page<Signalement>, AppError> {
        self.list_slice(actor, filter, page, PAGE_SIZE, None).await
    }

    /// Page `page` (from 1) of `size` rows, the total counted up to
    /// `count_bound` when given (`SignalementRepository::list_up_to`).
    async fn list_slice(
        &self,
        actor: &Actor,
        filter: &SignalementFilter,
        page: u32,
        size: u32,
        count_bound: Option<u64>,
    ) -> Result<Page<Signalement>, AppError> {
        let scope = list_scope(actor);
        if scope == ListScope::Nothing {
            return Err(Refusal::OutOfScope.into());
        }
        let offset = u64::from(page.max(1) - 1) * u64::from(size);
        let signalements = &self.ports.signalements;
        Ok(match count_bound {
            None => signalements.list(&scope, filter, offset, size).await?,
            Some(bound) => {
                signalements
                    .list_up_to(&scope, filter, offset, size, bound)
                    .await?
            }
        })
    }

    /// One page of the list with each case's affectations, read in one
    /// query for the page, and the partners' names: those of `known` (the
    /// filter form's partners, already read for the page), the others read
    /// by territory.
    pub async fn list_page(
        &self,
        actor: &Actor,
        filter: &SignalementFilter,
        page: u32,
        known: &[Partner],
    ) -> Result<ListPage, AppError> {
        // One case past the number shown makes « plus de » true, and past
        // the page asked tells whether a next page exists.
        let offset = u64::from(page.max(1) - 1) * u64::from(PAGE_SIZE);
        let bound = (LIST_COUNT_BOUND + 1).max(offset + u64::from(PAGE_SIZE) + 1);
        let found = self
            .list_slice(actor, filter, page, PAGE_SIZE, Some(bound))
            .await?;
        let ids: Vec<_> = found.items.iter().map(|s| s.id).collect();
        let own = match list_scope(actor) {
            ListScope::Partners(partners) => Some(partners),
            _ => None,
        };
        let affectations: Vec<_> = self
            .ports
            .signalements
            .affectations_of(&ids)
            .await?
            .into_iter()
            .filter(|a| own.as_ref().is_none_or(|own| own.contains(&a.partner_id)))
            .collect();
        let mut names: HashMap<PartnerId, String> =
            known.iter().map(|p| (p.id, p.nom.clone())).collect();
        let mut territories: Vec<_> = found
            .items
            .iter()
            .filter(|s| {
                affectations
                    .iter()
                    .any(|a| a.signalement_id == s.id && !names.contains_key(&a.partner_id))
            })
            .map(|s| s.territory.clone())
            .collect();
        territories.sort();
        territories.dedup();
        for territory in &territories {
            for p in self.ports.partners.of_territory(territory).await? {
                names.insert(p.id, p.nom);
            }
        }
        let items = found
            .items
            .into_iter()
            .map(|s| {
                let affectations = affectations
                    .iter()
                    .filter(|a| a.signalement_id == s.id)
                    .map(|a| {
                        let name = names
                            .get(&a.partner_id)
                            .cloned()
                            .unwrap_or_else(|| "Partenaire archivé".to_string());
                        (name, a.status)
                    })
                    .collect();
                ListedCase {
                    signalement: s,
                    affectations,
                }
            })
            .collect();
        Ok(ListPage {
            items,
            total: found.total,
            total_is_exact: found.total < bound,
        })
    }

    /// The instant the list's relative filters (« sans suivi depuis 30
    /// jours ») are dated from.
    pub fn list_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.now()
    }

    /// The territories and partners the filter form offers `actor`.
    pub async fn list_filter_choices(
        &self,
        actor: &Actor,
        chosen: Option<&TerritoryCode>,
    ) -> Result<FilterChoices, AppError> {
        let Some(user) = actor.as_staff() else {
            return Err(Refusal::OutOfScope.into());
        };
        let all = self.ports.territories.all().await?;
        let mine: Vec<TerritoryCode> = if user.is_super_admin() {
            all.iter().map(|t| t.code.clone()).collect()
        } else {
            let mut codes: Vec<_> = user.territories().cloned().collect();
            codes.sort();
            codes.dedup();
            codes
        };
        let territories = if user.is_super_admin() || mine.len() > 1 {
            all.into_iter().filter(|t| mine.contains(&t.code)).collect()
        } else {
            Vec::new()
        };
        let for_partners: Vec<TerritoryCode> = match chosen {
            Some(t) if mine.contains(t) => vec![t.clone()],
            // A super admin picks a territory first: every partner of the
            // country would not fit in a list.
            _ if user.is_super_admin() => Vec::new(),
            _ => mine,
        };
        let mut partners = Vec::new();
        let mut tags = Vec::new();
        for t in &for_partners {
            partners.extend(self.ports.partners.of_territory(t).await?);
            tags.extend(
                self.ports
                    .tags
                    .of_territory(t)
                    .await?
                    .into_iter()
                    .filter(|tag| !tag.is_archive),
            );
        }
        partners.sort_by(|a, b| a.nom.cmp(&b.nom));
        tags.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(FilterChoices {
            territories,
            partners,
            tags,
        })
    }

    /// One page (from 1) of the export: the list's scope and filters, if
    /// the policy lets `actor` export (`can_export_list`).
    pub async fn export_page(
        &self,
        actor: &Actor,
        filter: &SignalementFilter,
        page: u32,
    ) -> Result<Page<Signalement>, AppError> {
        can_export_list(actor, has_active_filter(filter)).map_err(AppError::from)?;
        self.list_slice(actor, filter, page, EXPORT_PAGE_SIZE, None)
            .await
    }

    /// The cases of the list `actor` may see (its scope and filters)
    /// geolocated inside `bounds`, newest first, at most `MAP_POINTS_MAX`;
    /// the total says how many there are in all.
    pub async fn map_points(
        &self,
        actor: &Actor,
        filter: &SignalementFilter,
        bounds: GeoBounds,
    ) -> Result<Page<Signalement>, AppError> {
        let filter = SignalementFilter {
            within: Some(bounds),
            // When some are left out, the newest are shown.
            order: ListOrder::CreatedDesc,
            ..filter.clone()
        };
        self.list_slice(actor, &filter, 1, MAP_POINTS_MAX, None)
            .await
    }

    /// The counts an agent acts on, each with the filter of its list: for
    /// RTs and super admins the cases to validate, without a suivi for 30
    /// days, closed by every partner, whose usager asked to stop; for
    /// agents and partner admins the affectations to answer and the cases
    /// without a suivi for 30 days.
    pub async fn dashboard(&self, actor: &Actor) -> Result<Vec<DashboardCard>, AppError> {
        let scope = list_scope(actor);
        if scope == ListScope::Nothing {
            return Err(Refusal::OutOfScope.into());
        }
        let stale = SignalementFilter {
            status: Some(SignalementStatus::Active),
            no_suivi_since: Some(self.now() - chrono::Duration::days(NO_SUIVI_DAYS)),
            ..SignalementFilter::default()
        };
        let wanted: Vec<(&'static str, SignalementFilter)> = match scope {
            ListScope::Partners(_) => vec![
                (
                    "Affectations à accepter ou refuser",
                    SignalementFilter {
                        affectation_status: Some(AffectationStatus::Wait),
                        ..SignalementFilter::default()
                    },
                ),
                ("Sans suivi depuis 30 jours", stale),
            ],
            _ => vec![
                (
                    "Nouveaux signalements à valider",
                    SignalementFilter {
                        status: Some(SignalementStatus::NeedValidation),
                        ..SignalementFilter::default()
                    },
                ),
                ("Sans suivi depuis 30 jours", stale),
                (
                    "Fermés par tous les partenaires",
                    SignalementFilter {
                        status: Some(SignalementStatus::Active),
                        closed_by_all_partners: true,
                        ..SignalementFilter::default()
                    },
                ),
                (
                    "Demandes d'arrêt de procédure",
                    SignalementFilter {
                        status: Some(SignalementStatus::Active),
                        abandon_requested: true,
                        ..SignalementFilter::default()
                    },
                ),
            ],
        };
        let key = format!("{scope:?}");
        let now = self.now();
        let counts = match self.counts_cache.fresh(&key, now) {
            Some((counts, _)) if counts.len() == wanted.len() => counts,
            _ => {
                let generation = self.counts_cache.generation();
                let mut counts = Vec::with_capacity(wanted.len());
                for (_, filter) in &wanted {
                    counts.push(self.ports.signalements.count(&scope, filter).await?);
                }
                self.counts_cache
                    .store(key, now, generation, counts.clone());
                counts
            }
        };
        Ok(wanted
            .into_iter()
            .zip(counts)
            .map(|((label, filter), count)| DashboardCard {
                label,
                count,
                filter,
            })
            .collect())
    }

    /// The partners of the case's territory that `actor` may affect it to
    /// (none when he may not affect).
    pub async fn affectable_partners(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<Vec<Partner>, AppError> {
        let case = self.view_case(actor, id).await?;
        Ok(self.case_partners(actor, &case).await?.affectable)
    }
}
