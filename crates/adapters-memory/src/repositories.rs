//! Reads of committed data, and the stand-alone writes of reference data
//! (users, partners, territories, rules, file metadata). Each call holds
//! the data lock for a few statements only.

use std::cmp::Reverse;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::enums::{AffectationStatus, DraftStatus, Role, UserStatus};
use histologe_core::ids::{DraftId, FileId, PartnerId, SignalementId, SuiviId, UserId};
use histologe_core::model::{
    Affectation, AutoAffectationRule, Case, FileMeta, HistoryEntry, Notification, Partner,
    RuleStatus, Signalement, SignalementDraft, Territory, User,
};
use histologe_core::policy::ListScope;
use histologe_core::reference::{Reference, is_reference_query};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{
    AutoAffectationRuleRepository, DraftRepository, FileRepository, HistoryRepository, ListOrder,
    NotificationRepository, Page, PartnerFilter, PartnerRepository, RepoError, SignalementFilter,
    SignalementRepository, TerritoryRepository, UserRepository, list_keys,
};

use crate::store::MemoryStore;

/// Whether `case` is in `scope` and passes `filter` (rule 9 for partners).
fn is_listed(case: &Case, scope: &ListScope, filter: &SignalementFilter) -> bool {
    let s = &case.signalement;
    if s.status.is_excluded_from_lists() {
        return false;
    }
    let on_affectations = match scope {
        ListScope::All | ListScope::Territories(_) => case_affectations_match(case, filter),
        // A partner's agent: one of his own affectations must pass every
        // affectation filter at once, as the SQL store reads them.
        ListScope::Partners(partners) => case.affectations.iter().any(|a| {
            partners.contains(&a.partner_id)
                && filter
                    .status
                    .is_none_or(|wanted| a.status == wanted.as_affectation_filter())
                && match filter.partner {
                    None => true,
                    Some(PartnerFilter::AffectedTo(p)) => a.partner_id == p,
                    Some(PartnerFilter::NoAffectation) => false,
                }
                && filter.affectation_status.is_none_or(|st| a.status == st)
        }),
        ListScope::Nothing => false,
    };
    let in_scope = match scope {
        ListScope::Territories(territories) => territories.contains(&s.territory),
        _ => true,
    };
    let own_status = match scope {
        ListScope::Partners(_) => true,
        _ => filter.status.is_none_or(|wanted| s.status == wanted),
    };
    in_scope
        && on_affectations
        && own_status
        && filter.territory.as_ref().is_none_or(|t| &s.territory == t)
        && filter
            .created_after
            .is_none_or(|after| s.created_at >= after)
        && filter
            .created_before
            .is_none_or(|before| s.created_at < before)
        && filter
            .text
            .as_deref()
            .is_none_or(|text| text_matches(s, text))
        && filter
            .commune
            .as_deref()
            .is_none_or(|commune| commune_matches(s, commune))
        && filter
            .score_min
            .is_none_or(|min| list_keys::score_centi(s.score) >= i64::from(min) * 100)
        && filter
            .score_max
            .is_none_or(|max| list_keys::score_centi(s.score) <= i64::from(max) * 100)
        && filter.procedure.is_none_or(|q| {
            list_keys::procedures_key(case).contains(&list_keys::procedure_needle(q))
        })
        && filter
            .no_suivi_since
            .is_none_or(|since| s.last_suivi_at.unwrap_or(s.created_at) < since)
        && (!filter.closed_by_all_partners
            || histologe_ports::list_keys::closed_by_all_partners(case))
        && (!filter.abandon_requested || s.is_usager_abandon_procedure)
        && filter.tag.is_none_or(|tag| s.tags.contains(&tag))
        && filter
            .within
            .is_none_or(|bounds| list_keys::is_within(s, &bounds))
        && filter
            .address_key
            .as_deref()
            .is_none_or(|key| list_keys::address_key(s).as_deref() == Some(key))
}

/// The partner and affectation-status filters of an admin's list: one
/// affectation passes both, or none exists for « sans affectation ».
fn case_affectations_match(case: &Case, filter: &SignalementFilter) -> bool {
    match filter.partner {
        Some(PartnerFilter::NoAffectation) => {
            case.affectations.is_empty() && filter.affectation_status.is_none()
        }
        partner => {
            (partner.is_none() && filter.affectation_status.is_none())
                || case.affectations.iter().any(|a| {
                    partner.is_none_or(|p| p == PartnerFilter::AffectedTo(a.partner_id))
                        && filter.affectation_status.is_none_or(|st| a.status == st)
                })
        }
    }
}

fn commune_matches(s: &Signalement, commune: &str) -> bool {
    let commune = commune.trim();
    if commune.is_empty() {
        return true;
    }
    if list_keys::is_five_digits(commune) {
        return list_keys::postal_key(&s.adresse.code_postal) == commune
            || s.adresse.insee.as_deref() == Some(commune);
    }
    list_keys::commune_key(&s.adresse.ville) == list_keys::commune_key(commune)
}

/// An exact reference (`2025-42`, leading zeros ignored) when the text is
/// one, the postal code when it is five digits, else a case-insensitive
/// substring of `list_keys::search_text`.
fn text_matches(s: &Signalement, text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() {
        return true;
    }
    if is_reference_query(text) {
        let wanted = Reference::parse(text).ok();
        return wanted.is_some() && Reference::parse(s.reference.trim()).ok() == wanted;
    }
    if list_keys::is_five_digits(text) {
        return list_keys::postal_key(&s.adresse.code_postal) == text;
    }
    list_keys::search_text(s).contains(&histologe_core::search::fold(text))
}

/// The sort key of `order`; ties are newest first, then by id.
fn sort_listed(listed: &mut [&Case], order: ListOrder) {
    let newest = |a: &Signalement, b: &Signalement| (b.created_at, b.id).cmp(&(a.created_at, a.id));
    let reference = |s: &Signalement| {
        Reference::parse(&s.reference)
            .ok()
            .map(|r| (r.year(), r.number()))
    };
    listed.sort_by(|x, y| {
        let (a, b) = (&x.signalement, &y.signalement);
        match order {
            ListOrder::CreatedDesc => newest(a, b),
            ListOrder::CreatedAsc => newest(b, a),
            ListOrder::ReferenceDesc => reference(b)
                .cmp(&reference(a))
                .then_with(|| b.id.cmp(&a.id)),
            ListOrder::ReferenceAsc => reference(a)
                .cmp(&reference(b))
                .then_with(|| a.id.cmp(&b.id)),
            ListOrder::OccupantAsc => list_keys::occupant_key(a)
                .cmp(&list_keys::occupant_key(b))
                .then_with(|| newest(a, b)),
            ListOrder::OccupantDesc => list_keys::occupant_key(b)
                .cmp(&list_keys::occupant_key(a))
                .then_with(|| newest(a, b)),
            ListOrder::CommuneAsc => list_keys::commune_key(&a.adresse.ville)
                .cmp(&list_keys::commune_key(&b.adresse.ville))
                .then_with(|| newest(a, b)),
            ListOrder::CommuneDesc => list_keys::commune_key(&b.adresse.ville)
                .cmp(&list_keys::commune_key(&a.adresse.ville))
                .then_with(|| newest(a, b)),
        }
    });
}

#[async_trait]
impl SignalementRepository for MemoryStore {
    async fn case(&self, id: SignalementId) -> Result<Option<Case>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.cases.get(&id).cloned())
    }

    async fn case_by_code_suivi(&self, code: &str) -> Result<Option<Case>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state
            .cases
            .values()
            .find(|case| case.signalement.code_suivi == code)
            .cloned())
    }

    /// In `filter.order`; `created_after` is inclusive, `created_before`
    /// exclusive.
    async fn list(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
    ) -> Result<Page<Signalement>, RepoError> {
        let state = self.shared.state().await?;
        let mut listed: Vec<&Case> = state
            .cases
            .values()
            .filter(|case| is_listed(case, scope, filter))
            .collect();
        sort_listed(&mut listed, filter.order);
        let total = u64::try_from(listed.len()).unwrap_or(u64::MAX);
        let items = listed
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|case| case.signalement.clone())
            .collect();
        Ok(Page { items, total })
    }

    async fn affectations_of(&self, ids: &[SignalementId]) -> Result<Vec<Affectation>, RepoError> {
        let state = self.shared.state().await?;
        let mut found: Vec<Affectation> = ids
            .iter()
            .filter_map(|id| state.cases.get(id))
            .flat_map(|case| case.affectations.iter().cloned())
            .collect();
        found.sort_by_key(|a| (a.signalement_id, a.created_at, a.id));
        Ok(found)
    }

    /// Oldest first.
    async fn suivis_to_release(
        &self,
        created_before: DateTime<Utc>,
    ) -> Result<Vec<(SignalementId, SuiviId)>, RepoError> {
        let state = self.shared.state().await?;
        let mut due: Vec<_> = state
            .cases
            .values()
            .flat_map(|case| case.suivis.iter())
            .filter(|s| s.waiting_notification && !s.is_deleted() && s.created_at < created_before)
            .map(|s| (s.created_at, s.signalement_id, s.id))
            .collect();
        due.sort();
        Ok(due
            .into_iter()
            .map(|(_, case, suivi)| (case, suivi))
            .collect())
    }

    async fn in_status_created_before(
        &self,
        status: histologe_core::enums::SignalementStatus,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError> {
        let state = self.shared.state().await?;
        let found: Vec<_> = state
            .cases
            .values()
            .map(|c| &c.signalement)
            .filter(|s| s.status == status && s.created_at < created_before)
            .map(|s| (s.created_at, s.id))
            .collect();
        Ok(first_by_key(found, limit))
    }

    async fn planned_visits_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, histologe_core::ids::InterventionId)>, RepoError> {
        let state = self.shared.state().await?;
        let found: Vec<_> = state
            .cases
            .values()
            .flat_map(|c| c.interventions.iter())
            .filter(|i| {
                i.status == histologe_core::enums::InterventionStatus::Planned
                    && i.scheduled_at >= from
                    && i.scheduled_at < to
            })
            .map(|i| (i.scheduled_at, (i.signalement_id, i.id)))
            .collect();
        Ok(first_by_key(found, limit))
    }

    async fn feedback_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError> {
        let state = self.shared.state().await?;
        let found: Vec<_> = state
            .cases
            .values()
            .filter_map(|c| {
                histologe_core::feedback::next_request(c)
                    .filter(|(due, _)| *due <= now)
                    .map(|(due, _)| (due, c.signalement.id))
            })
            .collect();
        Ok(first_by_key(found, limit))
    }

    async fn accepted_affectations_answered_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, histologe_core::ids::AffectationId)>, RepoError> {
        let state = self.shared.state().await?;
        let found: Vec<_> = state
            .cases
            .values()
            .flat_map(|c| c.affectations.iter())
            .filter(|a| a.status == AffectationStatus::Accepted)
            .filter_map(|a| {
                a.answered_at
                    .filter(|at| *at >= from && *at < to)
                    .map(|at| (at, (a.signalement_id, a.id)))
            })
            .collect();
        Ok(first_by_key(found, limit))
    }
}

/// The accounts the scheduled reminders and archiving are about.
fn is_staff(user: &User) -> bool {
    matches!(
        user.role,
        Role::SuperAdmin | Role::TerritoryAdmin | Role::PartnerAdmin | Role::Agent
    )
}

fn first(limit: u32) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

/// The values of the `limit` smallest keys (ties by value), the order the
/// scheduled tasks' reads promise: the longest overdue first.
fn first_by_key<K: Ord, V: Ord>(mut found: Vec<(K, V)>, limit: u32) -> Vec<V> {
    found.sort();
    found.truncate(first(limit));
    found.into_iter().map(|(_, value)| value).collect()
}

pub(crate) fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Users in creation order (then id), so lists are reproducible.
fn sorted_users<'a>(users: impl Iterator<Item = &'a User>) -> Vec<User> {
    let mut users: Vec<User> = users.cloned().collect();
    users.sort_by_key(|u| (u.created_at, u.id));
    users
}

impl MemoryStore {
    /// The users of a partner by e-mail: the archived ones, or the others.
    async fn partner_users(
        &self,
        partner: PartnerId,
        archived: bool,
    ) -> Result<Vec<User>, RepoError> {
        let state = self.shared.state().await?;
        Ok(sorted_users(state.users.values().filter(|u| {
            u.belongs_to(partner) && (u.status == UserStatus::Archive) == archived
        })))
    }
}

#[async_trait]
impl UserRepository for MemoryStore {
    async fn get(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.users.get(&id).cloned())
    }

    /// Case-insensitive, like the e-mail uniqueness.
    async fn by_email(&self, email: &str) -> Result<Option<User>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state
            .users
            .values()
            .find(|u| same_email(&u.email, email))
            .cloned())
    }

    /// # Errors
    /// `Duplicate` when the id or the e-mail (case-insensitive) is taken.
    async fn insert(&self, user: &User) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if state.users.contains_key(&user.id) {
            return Err(RepoError::Duplicate(format!("user {}", user.id)));
        }
        if state
            .users
            .values()
            .any(|u| same_email(&u.email, &user.email))
        {
            return Err(RepoError::Duplicate("user e-mail".into()));
        }
        state.users.insert(user.id, user.clone());
        Ok(())
    }

    /// # Errors
    /// `NotFound` for an unknown user, `Duplicate` when the new e-mail is
    /// another user's.
    async fn update(&self, user: &User) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.users.contains_key(&user.id) {
            return Err(RepoError::NotFound(format!("user {}", user.id)));
        }
        let taken = state
            .users
            .values()
            .any(|u| u.id != user.id && same_email(&u.email, &user.email));
        if taken {
            return Err(RepoError::Duplicate("user e-mail".into()));
        }
        state.users.insert(user.id, user.clone());
        Ok(())
    }

    /// Archived users are left out ("active and inactive").
    async fn of_partner(&self, partner: PartnerId) -> Result<Vec<User>, RepoError> {
        self.partner_users(partner, false).await
    }

    async fn archived_of_partner(&self, partner: PartnerId) -> Result<Vec<User>, RepoError> {
        self.partner_users(partner, true).await
    }

    async fn territory_admins(&self, territory: &TerritoryCode) -> Result<Vec<User>, RepoError> {
        let state = self.shared.state().await?;
        Ok(sorted_users(state.users.values().filter(|u| {
            u.role == Role::TerritoryAdmin
                && u.memberships.iter().any(|m| &m.territory == territory)
        })))
    }

    async fn super_admins(&self) -> Result<Vec<User>, RepoError> {
        let state = self.shared.state().await?;
        Ok(sorted_users(
            state.users.values().filter(|u| u.role == Role::SuperAdmin),
        ))
    }

    /// In the order of `ids`; unknown ids are skipped.
    async fn many(&self, ids: &[UserId]) -> Result<Vec<User>, RepoError> {
        let state = self.shared.state().await?;
        Ok(ids
            .iter()
            .filter_map(|id| state.users.get(id).cloned())
            .collect())
    }

    async fn set_mailing_preference(
        &self,
        user: UserId,
        is_mailing_active: bool,
        is_mailing_summary: bool,
    ) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        let account = state
            .users
            .get_mut(&user)
            .ok_or_else(|| RepoError::NotFound(format!("user {user}")))?;
        account.is_mailing_active = is_mailing_active;
        account.is_mailing_summary = is_mailing_summary;
        Ok(())
    }

    async fn unactivated_to_remind(
        &self,
        created_before: DateTime<Utc>,
        reminded_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError> {
        let state = self.shared.state().await?;
        let mut found = sorted_users(state.users.values().filter(|u| {
            is_staff(u)
                && u.status == UserStatus::Inactive
                && u.created_at < created_before
                && state
                    .activation_reminded
                    .get(&u.id)
                    .is_none_or(|at| *at < reminded_before)
        }));
        found.truncate(first(limit));
        Ok(found)
    }

    async fn set_activation_reminded(
        &self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.users.contains_key(&user) {
            return Err(RepoError::NotFound(format!("user {user}")));
        }
        state.activation_reminded.insert(user, at);
        Ok(())
    }

    async fn inactive_to_notify(
        &self,
        seen_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError> {
        let state = self.shared.state().await?;
        let mut found: Vec<User> = state
            .users
            .values()
            .filter(|u| {
                is_staff(u)
                    && u.status != UserStatus::Archive
                    && !state.archiving_scheduled.contains_key(&u.id)
                    && u.last_login_at.unwrap_or(u.created_at) < seen_before
            })
            .cloned()
            .collect();
        found.sort_by_key(|u| (u.last_login_at.unwrap_or(u.created_at), u.id));
        found.truncate(first(limit));
        Ok(found)
    }

    async fn set_archiving_scheduled(
        &self,
        user: UserId,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.users.contains_key(&user) {
            return Err(RepoError::NotFound(format!("user {user}")));
        }
        match at {
            Some(at) => state.archiving_scheduled.insert(user, at),
            None => state.archiving_scheduled.remove(&user),
        };
        Ok(())
    }

    async fn archiving_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(User, DateTime<Utc>)>, RepoError> {
        let state = self.shared.state().await?;
        let mut found: Vec<(User, DateTime<Utc>)> = state
            .archiving_scheduled
            .iter()
            .filter(|(_, at)| **at <= now)
            .filter_map(|(id, at)| state.users.get(id).map(|u| (u.clone(), *at)))
            .filter(|(u, _)| u.status != UserStatus::Archive)
            .collect();
        found.sort_by_key(|(u, at)| (*at, u.id));
        found.truncate(first(limit));
        Ok(found)
    }
}

/// Whether `partner`'s generic e-mail is already another live partner's in
/// its territory. Archived partners free their address.
pub(crate) fn partner_email_taken<'a>(
    partner: &Partner,
    others: impl Iterator<Item = &'a Partner>,
) -> bool {
    let Some(email) = partner.email.as_deref().filter(|e| !e.trim().is_empty()) else {
        return false;
    };
    !partner.is_archive
        && others.into_iter().any(|other| {
            other.id != partner.id
                && !other.is_archive
                && other.territory == partner.territory
                && other.email.as_deref().is_some_and(|e| same_email(e, email))
        })
}

#[async_trait]
impl PartnerRepository for MemoryStore {
    async fn get(&self, id: PartnerId) -> Result<Option<Partner>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.partners.get(&id).cloned())
    }

    /// By name (then id).
    async fn of_territory(&self, territory: &TerritoryCode) -> Result<Vec<Partner>, RepoError> {
        let state = self.shared.state().await?;
        let mut partners: Vec<Partner> = state
            .partners
            .values()
            .filter(|p| !p.is_archive && &p.territory == territory)
            .cloned()
            .collect();
        partners.sort_by_key(|p| (p.nom.to_lowercase(), p.id));
        Ok(partners)
    }

    /// # Errors
    /// `Duplicate` when the id is taken, or when another non-archived
    /// partner of the territory has the same generic e-mail.
    async fn insert(&self, partner: &Partner) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if state.partners.contains_key(&partner.id) {
            return Err(RepoError::Duplicate(format!("partner {}", partner.id)));
        }
        if partner_email_taken(partner, state.partners.values()) {
            return Err(RepoError::Duplicate("partner e-mail in territory".into()));
        }
        state.partners.insert(partner.id, partner.clone());
        Ok(())
    }

    /// # Errors
    /// `NotFound` for an unknown partner; `Duplicate` as for `insert`.
    async fn update(&self, partner: &Partner) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.partners.contains_key(&partner.id) {
            return Err(RepoError::NotFound(format!("partner {}", partner.id)));
        }
        if partner_email_taken(partner, state.partners.values()) {
            return Err(RepoError::Duplicate("partner e-mail in territory".into()));
        }
        state.partners.insert(partner.id, partner.clone());
        Ok(())
    }
}

#[async_trait]
impl TerritoryRepository for MemoryStore {
    async fn get(&self, code: &TerritoryCode) -> Result<Option<Territory>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.territories.get(code).cloned())
    }

    /// By code.
    async fn all(&self) -> Result<Vec<Territory>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.territories.values().cloned().collect())
    }

    async fn upsert(&self, territory: &Territory) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        state
            .territories
            .insert(territory.code.clone(), territory.clone());
        Ok(())
    }
}

#[async_trait]
impl histologe_ports::CommuneRepository for MemoryStore {
    async fn replace_all(
        &self,
        communes: &[histologe_core::model::Commune],
    ) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        state.communes = communes.to_vec();
        Ok(())
    }

    async fn by_postal_code(
        &self,
        code_postal: &str,
    ) -> Result<Vec<histologe_core::model::Commune>, RepoError> {
        let state = self.shared.state().await?;
        let mut found: Vec<_> = state
            .communes
            .iter()
            .filter(|c| c.code_postal == code_postal)
            .cloned()
            .collect();
        found.sort_by(|a, b| a.nom.cmp(&b.nom));
        Ok(found)
    }

    async fn by_insee(
        &self,
        code_insee: &str,
    ) -> Result<Vec<histologe_core::model::Commune>, RepoError> {
        let state = self.shared.state().await?;
        let mut found: Vec<_> = state
            .communes
            .iter()
            .filter(|c| c.code_insee == code_insee)
            .cloned()
            .collect();
        found.sort_by(|a, b| a.code_postal.cmp(&b.code_postal));
        Ok(found)
    }

    async fn count(&self) -> Result<u64, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.communes.len() as u64)
    }
}

#[async_trait]
impl AutoAffectationRuleRepository for MemoryStore {
    /// In insertion order.
    async fn active(
        &self,
        territory: &TerritoryCode,
    ) -> Result<Vec<AutoAffectationRule>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state
            .rules
            .iter()
            .filter(|r| r.status == RuleStatus::Active && &r.territory == territory)
            .cloned()
            .collect())
    }

    /// # Errors
    /// `Duplicate` when the id is taken.
    async fn insert(&self, rule: &AutoAffectationRule) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if state.rules.iter().any(|r| r.id == rule.id) {
            return Err(RepoError::Duplicate(format!("rule {}", rule.id)));
        }
        state.rules.push(rule.clone());
        Ok(())
    }

    async fn get(
        &self,
        id: histologe_core::ids::AutoAffectationRuleId,
    ) -> Result<Option<AutoAffectationRule>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.rules.iter().find(|r| r.id == id).cloned())
    }

    /// In insertion order.
    async fn of_territory(
        &self,
        territory: &TerritoryCode,
    ) -> Result<Vec<AutoAffectationRule>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state
            .rules
            .iter()
            .filter(|r| &r.territory == territory)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl FileRepository for MemoryStore {
    /// # Errors
    /// `Duplicate` when the id is taken.
    async fn insert(&self, file: &FileMeta) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if state.files.iter().any(|f| f.id == file.id) {
            return Err(RepoError::Duplicate(format!("file {}", file.id)));
        }
        state.files.push(file.clone());
        Ok(())
    }

    async fn get(&self, id: FileId) -> Result<Option<FileMeta>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.files.iter().find(|f| f.id == id).cloned())
    }

    /// Oldest first.
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<FileMeta>, RepoError> {
        let state = self.shared.state().await?;
        let mut files: Vec<FileMeta> = state
            .files
            .iter()
            .filter(|f| f.signalement_id == id)
            .cloned()
            .collect();
        files.sort_by_key(|f| f.created_at);
        Ok(files)
    }

    /// Deleting an unknown id succeeds (like a `DELETE` matching no row).
    async fn delete(&self, id: FileId) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        state.files.retain(|f| f.id != id);
        Ok(())
    }
}

#[async_trait]
impl HistoryRepository for MemoryStore {
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<HistoryEntry>, RepoError> {
        let state = self.shared.state().await?;
        let mut entries: Vec<HistoryEntry> = state
            .history
            .iter()
            .filter(|e| e.signalement_id == Some(id))
            .cloned()
            .collect();
        // Stable: entries of one instant keep the order they were written in.
        entries.sort_by_key(|e| e.created_at);
        Ok(entries)
    }
    async fn of_entity(&self, entity_id: uuid::Uuid) -> Result<Vec<HistoryEntry>, RepoError> {
        let state = self.shared.state().await?;
        let mut entries: Vec<HistoryEntry> = state
            .history
            .iter()
            .filter(|e| e.signalement_id.is_none() && e.entity_id == entity_id)
            .cloned()
            .collect();
        entries.sort_by_key(|e| e.created_at);
        Ok(entries)
    }
    async fn names_of(&self, ids: &[uuid::Uuid]) -> Result<Vec<(uuid::Uuid, String)>, RepoError> {
        let state = self.shared.state().await?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                let name = state
                    .tags
                    .get(&histologe_core::ids::TagId(*id))
                    .map(|t| t.label.clone())
                    .or_else(|| state.partners.get(&PartnerId(*id)).map(|p| p.nom.clone()))
                    .or_else(|| {
                        state
                            .users
                            .get(&UserId(*id))
                            .map(|u| format!("{} {}", u.prenom, u.nom))
                    });
                name.map(|n| (*id, n))
            })
            .collect())
    }
}

/// Newest first; of two created in the same instant, the later written.
fn newest_first<'a>(
    notifications: impl DoubleEndedIterator<Item = &'a Notification>,
) -> Vec<Notification> {
    let mut out: Vec<Notification> = notifications.rev().cloned().collect();
    out.sort_by_key(|n| Reverse(n.created_at));
    out
}

#[async_trait]
impl NotificationRepository for MemoryStore {
    async fn of_user(&self, user: UserId) -> Result<Vec<Notification>, RepoError> {
        let state = self.shared.state().await?;
        Ok(newest_first(
            state.notifications.iter().filter(|n| n.user_id == user),
        ))
    }

    /// Newest first.
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<Notification>, RepoError> {
        let state = self.shared.state().await?;
        Ok(newest_first(
            state
                .notifications
                .iter()
                .filter(|n| n.signalement_id == Some(id)),
        ))
    }

    async fn page_of_user(
        &self,
        user: UserId,
        offset: u64,
        limit: u32,
    ) -> Result<Page<Notification>, RepoError> {
        let all = self.of_user(user).await?;
        let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        Ok(Page { items, total })
    }

    async fn unseen_count(&self, user: UserId) -> Result<u64, RepoError> {
        let state = self.shared.state().await?;
        let n = state
            .notifications
            .iter()
            .filter(|n| n.user_id == user && !n.is_seen)
            .count();
        Ok(u64::try_from(n).unwrap_or(u64::MAX))
    }

    async fn mark_all_seen(&self, user: UserId) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        for n in state.notifications.iter_mut().filter(|n| n.user_id == user) {
            n.is_seen = true;
        }
        Ok(())
    }

    async fn delete_of_user(
        &self,
        user: UserId,
        id: histologe_core::ids::NotificationId,
    ) -> Result<bool, RepoError> {
        let mut state = self.shared.state().await?;
        let before = state.notifications.len();
        state
            .notifications
            .retain(|n| !(n.id == id && n.user_id == user));
        Ok(state.notifications.len() < before)
    }

    async fn delete_all_of_user(&self, user: UserId) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let before = state.notifications.len();
        state.notifications.retain(|n| n.user_id != user);
        Ok(u64::try_from(before - state.notifications.len()).unwrap_or(u64::MAX))
    }

    async fn users_awaiting_summary(&self) -> Result<Vec<UserId>, RepoError> {
        let state = self.shared.state().await?;
        let users: std::collections::BTreeSet<UserId> = state
            .notifications
            .iter()
            .filter(|n| n.wait_mailing_summary)
            .map(|n| n.user_id)
            .collect();
        Ok(users.into_iter().collect())
    }

    /// Oldest first; of two created in the same instant, the first written.
    async fn awaiting_summary_of(&self, user: UserId) -> Result<Vec<Notification>, RepoError> {
        let state = self.shared.state().await?;
        let mut out: Vec<Notification> = state
            .notifications
            .iter()
            .filter(|n| n.user_id == user && n.wait_mailing_summary)
            .cloned()
            .collect();
        out.sort_by_key(|n| n.created_at);
        Ok(out)
    }

    async fn clear_awaiting_summary(
        &self,
        user: UserId,
        ids: &[histologe_core::ids::NotificationId],
    ) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let mut cleared = 0;
        for n in state
            .notifications
            .iter_mut()
            .filter(|n| n.user_id == user && n.wait_mailing_summary && ids.contains(&n.id))
        {
            n.wait_mailing_summary = false;
            cleared += 1;
        }
        Ok(cleared)
    }

    async fn purge_older_than(
        &self,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let mut left = first(limit);
        let before = state.notifications.len();
        state.notifications.retain(|n| {
            let purged = left > 0
                && n.notification_type != histologe_core::enums::NotificationType::SuiviUsager
                && !n.wait_mailing_summary
                && n.created_at < created_before;
            if purged {
                left -= 1;
            }
            !purged
        });
        Ok(u64::try_from(before - state.notifications.len()).unwrap_or(u64::MAX))
    }
}

#[async_trait]
impl DraftRepository for MemoryStore {
    async fn save(&self, draft: &SignalementDraft) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        let kept = keep_owner(state.drafts.get(&draft.id), draft);
        state.drafts.insert(draft.id, kept);
        Ok(())
    }

    async fn get(&self, id: DraftId) -> Result<Option<SignalementDraft>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.drafts.get(&id).cloned())
    }

    async fn in_progress_of(&self, owner: UserId) -> Result<Vec<SignalementDraft>, RepoError> {
        let state = self.shared.state().await?;
        let mut drafts: Vec<SignalementDraft> = state
            .drafts
            .values()
            .filter(|d| d.created_by == Some(owner) && d.status == DraftStatus::EnCours)
            .cloned()
            .collect();
        drafts.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.0.cmp(&a.id.0)));
        Ok(drafts)
    }

    async fn purge_abandoned(
        &self,
        updated_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let mut stale: Vec<(DateTime<Utc>, DraftId)> = state
            .drafts
            .values()
            .filter(|d| d.status != DraftStatus::Envoye && d.updated_at < updated_before)
            .map(|d| (d.updated_at, d.id))
            .collect();
        stale.sort();
        stale.truncate(first(limit));
        for (_, id) in &stale {
            state.drafts.remove(id);
        }
        Ok(u64::try_from(stale.len()).unwrap_or(u64::MAX))
    }
}

/// The draft as saved over `existing`: its owner is the one of its first
/// save, as in the SQL adapter.
pub(crate) fn keep_owner(
    existing: Option<&SignalementDraft>,
    draft: &SignalementDraft,
) -> SignalementDraft {
    let mut kept = draft.clone();
    if let Some(existing) = existing {
        kept.created_by = existing.created_by;
    }
    kept
}
