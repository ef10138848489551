//! Names the back-office shows around a case or a form: the partners of a
//! case's affectations, the partners a rule may name, a tag's territory.
//! Each read asks the policy first, like every other use case, so that a
//! handler never reads a repository itself.

use std::collections::HashMap;

use histologe_core::Actor;
use histologe_core::ids::{PartnerId, TagId};
use histologe_core::model::{Case, Partner};
use histologe_core::policy::{Action, Resource, can};
use histologe_core::territory_code::TerritoryCode;

use histologe_core::auto_affectation::simulate;

use crate::app::App;
use crate::error::AppError;

/// The partners the signalement view names or offers ([`App::case_partners`]).
#[derive(Debug, Clone, Default)]
pub struct CasePartners {
    /// The partners of the case's affectations, by id.
    pub affected: HashMap<PartnerId, Partner>,
    /// The territory's partners `actor` may affect the case to, by name
    /// (none when he may not affect).
    pub affectable: Vec<Partner>,
    /// Those the territory's active rules would pick, ticked first.
    pub suggested: Vec<PartnerId>,
}

impl App {
    /// The partners of the case's affectations, by id, for whoever may see
    /// the case. One read of the territory's partners, then the odd partner
    /// of another territory one by one.
    pub async fn affected_partners(
        &self,
        actor: &Actor,
        case: &Case,
    ) -> Result<HashMap<PartnerId, Partner>, AppError> {
        can(actor, Action::ViewSignalement, Resource::Signalement(case))?;
        let of_territory = self
            .ports
            .partners
            .of_territory(&case.signalement.territory)
            .await?;
        self.affected_among(case, of_territory.iter()).await
    }

    /// Every partner the signalement view names or offers, from one read of
    /// the territory's partners (and its rules when `actor` may affect):
    /// the page would otherwise read them once per panel.
    pub async fn case_partners(
        &self,
        actor: &Actor,
        case: &Case,
    ) -> Result<CasePartners, AppError> {
        can(actor, Action::ViewSignalement, Resource::Signalement(case))?;
        let territory = &case.signalement.territory;
        let of_territory = self.ports.partners.of_territory(territory).await?;
        let affected = self.affected_among(case, of_territory.iter()).await?;
        if can(
            actor,
            Action::ToggleAffectation,
            Resource::Signalement(case),
        )
        .is_err()
        {
            return Ok(CasePartners {
                affected,
                ..CasePartners::default()
            });
        }
        let mut affectable: Vec<Partner> =
            of_territory.into_iter().filter(|p| !p.is_archive).collect();
        affectable.sort_by(|a, b| a.nom.cmp(&b.nom));
        let suggested = if affectable.is_empty() {
            Vec::new()
        } else {
            let rules = self.ports.rules.active(territory).await?;
            // A case without coordinates still gets suggestions: its
            // commune places it, and a person decides.
            simulate(&rules, case, &affectable).kept()
        };
        Ok(CasePartners {
            affected,
            affectable,
            suggested,
        })
    }

    /// The case's partners among `known`, then the odd partner of another
    /// territory one by one.
    async fn affected_among<'p>(
        &self,
        case: &Case,
        known: impl Iterator<Item = &'p Partner>,
    ) -> Result<HashMap<PartnerId, Partner>, AppError> {
        let wanted: Vec<PartnerId> = case.affectations.iter().map(|a| a.partner_id).collect();
        let mut found: HashMap<PartnerId, Partner> = known
            .filter(|p| wanted.contains(&p.id))
            .map(|p| (p.id, p.clone()))
            .collect();
        for id in wanted {
            if !found.contains_key(&id)
                && let Some(p) = self.ports.partners.get(id).await?
            {
                found.insert(id, p);
            }
        }
        Ok(found)
    }

    /// The partners an auto-affectation rule of `territory` may name, for
    /// whoever manages its rules.
    pub async fn rule_partner_choices(
        &self,
        actor: &Actor,
        territory: &TerritoryCode,
    ) -> Result<Vec<Partner>, AppError> {
        can(
            actor,
            Action::ManageAutoAffectationRules,
            Resource::Territory(territory),
        )?;
        Ok(self.ports.partners.of_territory(territory).await?)
    }

    /// The territory of a tag, for whoever manages that territory's tags
    /// (`None` for an unknown tag or one the actor may not see).
    pub async fn tag_territory(
        &self,
        actor: &Actor,
        id: TagId,
    ) -> Result<Option<TerritoryCode>, AppError> {
        let Some(tag) = self.ports.tags.get(id).await? else {
            return Ok(None);
        };
        Ok(can(
            actor,
            Action::ManageTags,
            Resource::Territory(&tag.territory),
        )
        .is_ok()
        .then_some(tag.territory))
    }
}

impl App {}
