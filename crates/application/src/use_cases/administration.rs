//! Administration of partners, territories and auto-affectation rules
//! (features.md §2.14–§2.16), each write committed with its audit entry.
//! The forms are checked by `core::administration`, permissions by the
//! policy; the communes of INSEE codes are checked against the reference
//! base the caller hands over.
//!
//! A partner, rule or case outside the actor's scope answers "not found",
//! so that nobody learns what exists in another territory. Roles that
//! never administer anything get a plain refusal.

use histologe_core::administration::{
    self as admin, PartnerInput, RuleInput, TerritoryInput, unknown_commune,
};
use histologe_core::auto_affectation::{Simulation, simulate};
use histologe_core::enums::{PartnerType, Role};
use histologe_core::events::HistoryChange;
use histologe_core::ids::{AutoAffectationRuleId, HistoryEntryId, PartnerId, SignalementId};
use histologe_core::model::{
    AutoAffectationRule, Case, HistoryEntry, Partner, RuleStatus, Signalement, Territory, User,
};
use histologe_core::policy::{self, ListScope, Refusal};
use histologe_core::search::fold;
use histologe_core::territory_code::TerritoryCode;
use histologe_core::validation::{FieldError, ValidationErrors};
use histologe_core::{Action, Actor, Resource, can};
use histologe_ports::{CommuneRepository, RepoError, SignalementFilter, Transaction};

use crate::app::{App, check_view};
use crate::error::AppError;

/// A rejected administration form: the fields to correct, or another
/// failure.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminFormError {
    Invalid(ValidationErrors),
    Other(AppError),
}

impl From<AppError> for AdminFormError {
    fn from(e: AppError) -> Self {
        AdminFormError::Other(e)
    }
}

impl From<RepoError> for AdminFormError {
    fn from(e: RepoError) -> Self {
        AdminFormError::Other(e.into())
    }
}

impl From<Refusal> for AdminFormError {
    fn from(r: Refusal) -> Self {
        AdminFormError::Other(r.into())
    }
}

/// The filters of the partners list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnersQuery {
    pub territory: Option<TerritoryCode>,
    /// Part of the name or generic e-mail (accents and case ignored).
    pub text: String,
}

/// What the simulator found for what was typed.
#[derive(Debug, Clone, PartialEq)]
pub enum SimulationLookup {
    /// No case of the actor's scope has this reference or id (or it is in
    /// a territory whose rules he does not manage).
    NotFound,
    /// One reference, several territories (a super admin): pick one.
    Several(Vec<Signalement>),
    Found(Box<RuleSimulation>),
}

/// The rules of the case's territory run on it, without writing anything.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSimulation {
    pub case: Case,
    /// The rules the simulation ran, in its order.
    pub rules: Vec<AutoAffectationRule>,
    /// The live partners of the territory, in the simulation's order.
    pub partners: Vec<Partner>,
    pub simulation: Simulation,
}

fn one_error(field: &str, code: &'static str, message: &str) -> AdminFormError {
    let mut errors = ValidationErrors::new();
    errors.add(field, FieldError::new(code, message));
    AdminFormError::Invalid(errors)
}

/// Every code of `codes` must name a commune of the reference base.
async fn check_communes(
    communes: &dyn CommuneRepository,
    field: &str,
    codes: &[String],
) -> Result<(), AdminFormError> {
    for code in codes {
        if communes.by_insee(code).await?.is_empty() {
            let mut errors = ValidationErrors::new();
            errors.add(field, unknown_commune(code));
            return Err(AdminFormError::Invalid(errors));
        }
    }
    Ok(())
}

const EMAIL_TAKEN: &str = "Un autre partenaire de ce territoire utilise déjà cette adresse e-mail.";

/// A partner's write refused as a duplicate can only be its generic
/// e-mail, taken by another partner of the territory: a field to correct.
fn partner_write_error(e: RepoError) -> AdminFormError {
    match e {
        RepoError::Duplicate(_) => one_error("email", "email.taken", EMAIL_TAKEN),
        e => e.into(),
    }
}

impl App {
    fn audit(&self, actor: &Actor, change: HistoryChange) -> HistoryEntry {
        HistoryEntry {
            id: HistoryEntryId(self.ports.ids.uuid()),
            event: change.event,
            entity_name: change.entity_name,
            entity_id: change.entity_id,
            changes: change.changes,
            signalement_id: None,
            user_id: actor.user_id(),
            created_at: self.now(),
        }
    }

    /// Commits `tx` with the history entry of its change (none when
    /// nothing changed): an administration change is never stored without
    /// saying who made it.
    async fn commit_audited(
        &self,
        mut tx: Box<dyn Transaction>,
        actor: &Actor,
        change: Option<HistoryChange>,
    ) -> Result<(), AppError> {
        if let Some(change) = change {
            tx.append_history(&self.audit(actor, change)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The territories `actor` administers (partners and rules): all for
    /// a super admin, his own for an RT, by code.
    pub async fn administered_territories(
        &self,
        actor: &Actor,
    ) -> Result<Vec<Territory>, AppError> {
        let mut all = self.ports.territories.all().await?;
        all.retain(|t| match policy::administered_scope(actor) {
            ListScope::All => true,
            ListScope::Territories(codes) => codes.contains(&t.code),
            _ => false,
        });
        all.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        Ok(all)
    }

    // -----------------------------------------------------------------
    // Partners.

    /// The live partners `actor` administers, filtered, by territory then
    /// name. Partner admins and agents are refused.
    pub async fn admin_partners(
        &self,
        actor: &Actor,
        query: &PartnersQuery,
    ) -> Result<Vec<Partner>, AppError> {
        can(actor, Action::ListPartners, Resource::Platform)?;
        let text = fold(query.text.trim());
        let mut partners = Vec::new();
        for territory in self.administered_territories(actor).await? {
            if query
                .territory
                .as_ref()
                .is_some_and(|t| *t != territory.code)
            {
                continue;
            }
            partners.extend(self.ports.partners.of_territory(&territory.code).await?);
        }
        partners.retain(|p| {
            text.is_empty()
                || fold(&p.nom).contains(&text)
                || p.email.as_deref().is_some_and(|e| fold(e).contains(&text))
        });
        partners.sort_by(|a, b| {
            (a.territory.as_str(), fold(&a.nom)).cmp(&(b.territory.as_str(), fold(&b.nom)))
        });
        Ok(partners)
    }

    /// A partner `actor` may open (an administrator, or a partner admin
    /// his own partner); any other answers "not found". Agents are refused.
    pub async fn admin_partner(&self, actor: &Actor, id: PartnerId) -> Result<Partner, AppError> {
        let administers_some = can(actor, Action::ListPartners, Resource::Platform).is_ok()
            || actor
                .as_staff()
                .is_some_and(|s| s.role == Role::PartnerAdmin);
        if !administers_some {
            return Err(Refusal::InsufficientRole.into());
        }
        let partner = self
            .ports
            .partners
            .get(id)
            .await?
            .ok_or(AppError::NotFound("Partenaire"))?;
        can(actor, Action::ViewPartner, Resource::Partner(&partner))
            .map_err(|_| AppError::NotFound("Partenaire"))?;
        Ok(partner)
    }

    /// The accounts of a partner the actor may open, by name.
    pub async fn partner_members(
        &self,
        actor: &Actor,
        id: PartnerId,
    ) -> Result<Vec<User>, AppError> {
        let partner = self.admin_partner(actor, id).await?;
        let mut users = self.ports.users.of_partner(partner.id).await?;
        users.sort_by_key(|u| (fold(&u.nom), fold(&u.prenom)));
        Ok(users)
    }

    /// Creates a partner in `territory`, with its audit entry.
    ///
    /// # Errors
    /// `AdminFormError::Invalid` for the fields to correct (a generic
    /// e-mail taken in the territory included); a refusal when the actor
    /// does not administer the territory.
    pub async fn create_partner(
        &self,
        actor: &Actor,
        territory: &TerritoryCode,
        input: &PartnerInput,
    ) -> Result<Partner, AdminFormError> {
        can(actor, Action::ListPartners, Resource::Platform)?;
        // The form offers only the actor's territories: another one was
        // not chosen there, and is answered like an unknown one.
        if can(actor, Action::CreatePartner, Resource::Territory(territory)).is_err()
            || self.ports.territories.get(territory).await?.is_none()
        {
            return Err(AppError::NotFound("Territoire").into());
        }
        let mut partner = Partner::new(
            PartnerId(self.ports.ids.uuid()),
            territory.clone(),
            "",
            PartnerType::Autre,
        );
        admin::apply_partner_input(&mut partner, input, true).map_err(AdminFormError::Invalid)?;
        check_communes(self.ports.communes.as_ref(), "insee", &partner.insee).await?;
        let mut tx = self.ports.uow.begin().await?;
        tx.insert_partner(&partner)
            .await
            .map_err(partner_write_error)?;
        self.commit_audited(tx, actor, Some(admin::partner_created(&partner)))
            .await?;
        Ok(partner)
    }

    /// A partner `actor` may change; one he may only open is refused, any
    /// other is "not found".
    async fn editable_partner(&self, actor: &Actor, id: PartnerId) -> Result<Partner, AppError> {
        let partner = self.admin_partner(actor, id).await?;
        can(actor, Action::EditPartner, Resource::Partner(&partner))?;
        Ok(partner)
    }

    /// Changes a partner, with its audit entry (none when nothing changed).
    pub async fn update_partner(
        &self,
        actor: &Actor,
        id: PartnerId,
        input: &PartnerInput,
    ) -> Result<Partner, AdminFormError> {
        let before = self.editable_partner(actor, id).await?;
        let mut partner = before.clone();
        admin::apply_partner_input(&mut partner, input, false).map_err(AdminFormError::Invalid)?;
        check_communes(self.ports.communes.as_ref(), "insee", &partner.insee).await?;
        let Some(change) = admin::partner_updated(&before, &partner) else {
            return Ok(partner);
        };
        let mut tx = self.ports.uow.begin().await?;
        tx.update_partner(&partner)
            .await
            .map_err(partner_write_error)?;
        self.commit_audited(tx, actor, Some(change)).await?;
        Ok(partner)
    }

    /// Archives a partner: it is no longer offered for affectation nor
    /// matched by the rules; its affectations, users and history stay.
    /// Archiving an archived partner changes nothing (a double submit).
    pub async fn archive_partner(&self, actor: &Actor, id: PartnerId) -> Result<Partner, AppError> {
        let found = self.admin_partner(actor, id).await?;
        if found.is_archive {
            // `EditPartner` refuses any change to an archived partner; its
            // administrators are told it is done.
            can(
                actor,
                Action::CreatePartner,
                Resource::Territory(&found.territory),
            )?;
            return Ok(found);
        }
        let before = self.editable_partner(actor, id).await?;
        let mut partner = before.clone();
        partner.is_archive = true;
        let mut tx = self.ports.uow.begin().await?;
        tx.update_partner(&partner).await?;
        self.commit_audited(tx, actor, admin::partner_updated(&before, &partner))
            .await?;
        Ok(partner)
    }

    // -----------------------------------------------------------------
    // Territories.

    /// Every territory, by code: super admins only.
    pub async fn admin_territories(&self, actor: &Actor) -> Result<Vec<Territory>, AppError> {
        can(actor, Action::ManageTerritories, Resource::Platform)?;
        let mut all = self.ports.territories.all().await?;
        all.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        Ok(all)
    }

    pub async fn admin_territory(
        &self,
        actor: &Actor,
        code: &TerritoryCode,
    ) -> Result<Territory, AppError> {
        can(actor, Action::ManageTerritories, Resource::Platform)?;
        self.ports
            .territories
            .get(code)
            .await?
            .ok_or(AppError::NotFound("Territoire"))
    }

    /// Opens or closes a territory to reports and sets the communes it
    /// accepts, with its audit entry. The public form reads it at once.
    pub async fn update_territory(
        &self,
        actor: &Actor,
        code: &TerritoryCode,
        input: &TerritoryInput,
    ) -> Result<Territory, AdminFormError> {
        let before = self.admin_territory(actor, code).await?;
        let mut territory = before.clone();
        admin::apply_territory_input(&mut territory, input).map_err(AdminFormError::Invalid)?;
        check_communes(
            self.ports.communes.as_ref(),
            "authorized_insee",
            &territory.authorized_insee,
        )
        .await?;
        let Some(change) = admin::territory_updated(&before, &territory) else {
            return Ok(territory);
        };
        let mut tx = self.ports.uow.begin().await?;
        tx.update_territory(&territory).await?;
        self.commit_audited(tx, actor, Some(change)).await?;
        Ok(territory)
    }

    // -----------------------------------------------------------------
    // Auto-affectation rules.

    /// The rules of the territories `actor` administers (one of them when
    /// asked), archived ones included: active first, then by territory.
    pub async fn admin_rules(
        &self,
        actor: &Actor,
        territory: Option<&TerritoryCode>,
    ) -> Result<Vec<AutoAffectationRule>, AppError> {
        can(actor, Action::ListAutoAffectationRules, Resource::Platform)?;
        let mut rules = Vec::new();
        for t in self.administered_territories(actor).await? {
            if territory.is_some_and(|wanted| *wanted != t.code) {
                continue;
            }
            rules.extend(self.ports.rules.of_territory(&t.code).await?);
        }
        rules.sort_by_key(|r| {
            (
                r.status != RuleStatus::Active,
                r.territory.as_str().to_string(),
                r.partner_type.label(),
            )
        });
        Ok(rules)
    }

    /// A rule `actor` manages; any other answers "not found".
    pub async fn admin_rule(
        &self,
        actor: &Actor,
        id: AutoAffectationRuleId,
    ) -> Result<AutoAffectationRule, AppError> {
        can(actor, Action::ListAutoAffectationRules, Resource::Platform)?;
        let rule = self
            .ports
            .rules
            .get(id)
            .await?
            .ok_or(AppError::NotFound("Règle"))?;
        can(
            actor,
            Action::ManageAutoAffectationRules,
            Resource::Territory(&rule.territory),
        )
        .map_err(|_| AppError::NotFound("Règle"))?;
        Ok(rule)
    }

    async fn partner_ids_of(&self, territory: &TerritoryCode) -> Result<Vec<PartnerId>, AppError> {
        Ok(self
            .ports
            .partners
            .of_territory(territory)
            .await?
            .iter()
            .map(|p| p.id)
            .collect())
    }

    /// Creates an active rule in `territory`, with its audit entry.
    pub async fn create_rule(
        &self,
        actor: &Actor,
        territory: &TerritoryCode,
        input: &RuleInput,
    ) -> Result<AutoAffectationRule, AdminFormError> {
        can(actor, Action::ListAutoAffectationRules, Resource::Platform)?;
        if can(
            actor,
            Action::ManageAutoAffectationRules,
            Resource::Territory(territory),
        )
        .is_err()
            || self.ports.territories.get(territory).await?.is_none()
        {
            return Err(AppError::NotFound("Territoire").into());
        }
        let mut rule = AutoAffectationRule::new(
            AutoAffectationRuleId(self.ports.ids.uuid()),
            territory.clone(),
            PartnerType::Autre,
        );
        let partners = self.partner_ids_of(territory).await?;
        admin::apply_rule_input(&mut rule, input, &partners).map_err(AdminFormError::Invalid)?;
        let mut tx = self.ports.uow.begin().await?;
        tx.insert_rule(&rule).await?;
        self.commit_audited(tx, actor, Some(admin::rule_created(&rule)))
            .await?;
        Ok(rule)
    }

    /// Changes an active rule, with its audit entry. An archived rule is
    /// kept as it was.
    pub async fn update_rule(
        &self,
        actor: &Actor,
        id: AutoAffectationRuleId,
        input: &RuleInput,
    ) -> Result<AutoAffectationRule, AdminFormError> {
        let before = self.admin_rule(actor, id).await?;
        if before.status == RuleStatus::Archived {
            return Err(Refusal::NotApplicable.into());
        }
        let mut rule = before.clone();
        let partners = self.partner_ids_of(&rule.territory).await?;
        admin::apply_rule_input(&mut rule, input, &partners).map_err(AdminFormError::Invalid)?;
        Ok(self.store_rule_change(actor, &before, rule).await?)
    }

    /// Stores a changed rule with its history entry; an unchanged one is
    /// not written at all.
    async fn store_rule_change(
        &self,
        actor: &Actor,
        before: &AutoAffectationRule,
        rule: AutoAffectationRule,
    ) -> Result<AutoAffectationRule, AppError> {
        let Some(change) = admin::rule_updated(before, &rule) else {
            return Ok(rule);
        };
        let mut tx = self.ports.uow.begin().await?;
        tx.update_rule(&rule).await?;
        self.commit_audited(tx, actor, Some(change)).await?;
        Ok(rule)
    }

    /// Archives a rule: new cases are no longer matched against it.
    /// Archiving an archived rule changes nothing.
    pub async fn archive_rule(
        &self,
        actor: &Actor,
        id: AutoAffectationRuleId,
    ) -> Result<AutoAffectationRule, AppError> {
        let before = self.admin_rule(actor, id).await?;
        let mut rule = before.clone();
        rule.status = RuleStatus::Archived;
        self.store_rule_change(actor, &before, rule).await
    }

    /// Runs the active rules of a case's territory on it, writing nothing:
    /// which partners they would give, and what each rule made of each
    /// partner. `wanted` is the case's reference (`2025-12`) or id; only a
    /// case the actor sees, in a territory whose rules he manages, is
    /// found, and any other reads like one that does not exist.
    pub async fn simulate_rules(
        &self,
        actor: &Actor,
        wanted: &str,
    ) -> Result<SimulationLookup, AppError> {
        can(actor, Action::ListAutoAffectationRules, Resource::Platform)?;
        let wanted = wanted.trim();
        let manages = |case: &Case| {
            check_view(actor, case).is_ok()
                && can(
                    actor,
                    Action::ManageAutoAffectationRules,
                    Resource::Territory(&case.signalement.territory),
                )
                .is_ok()
        };
        let case = if let Ok(id) = wanted.parse::<SignalementId>() {
            self.ports.signalements.case(id).await?
        } else if histologe_core::reference::is_reference_query(wanted) {
            let filter = SignalementFilter {
                text: Some(wanted.to_string()),
                ..SignalementFilter::default()
            };
            let page = self
                .ports
                .signalements
                .list(&policy::list_scope(actor), &filter, 0, 20)
                .await?;
            let mut found = Vec::new();
            for s in page.items.into_iter().filter(|s| s.reference == wanted) {
                if let Some(case) = self.ports.signalements.case(s.id).await?
                    && manages(&case)
                {
                    found.push(case);
                }
            }
            if found.len() > 1 {
                return Ok(SimulationLookup::Several(
                    found.into_iter().map(|c| c.signalement).collect(),
                ));
            }
            found.pop()
        } else {
            None
        };
        let Some(case) = case.filter(|c| manages(c)) else {
            return Ok(SimulationLookup::NotFound);
        };
        let territory = case.signalement.territory.clone();
        let rules = self.ports.rules.active(&territory).await?;
        let partners = self.ports.partners.of_territory(&territory).await?;
        let simulation = simulate(&rules, &case, &partners);
        let rules = rules
            .into_iter()
            .filter(|r| simulation.rules.contains(&r.id))
            .collect();
        Ok(SimulationLookup::Found(Box::new(RuleSimulation {
            case,
            rules,
            partners,
            simulation,
        })))
    }
}

impl From<AdminFormError> for AppError {
    fn from(e: AdminFormError) -> Self {
        match e {
            AdminFormError::Other(e) => e,
            AdminFormError::Invalid(errors) => match errors.iter().next() {
                Some((field, error)) => {
                    histologe_core::DomainError::invalid(field, error.message.clone()).into()
                }
                None => histologe_core::DomainError::invalid("form", "Formulaire invalide.").into(),
            },
        }
    }
}
