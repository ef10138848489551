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

use crate::app::App;
use crate::error::AppError;

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
        let wanted: Vec<PartnerId> = case.affectations.iter().map(|a| a.partner_id).collect();
        let mut found: HashMap<PartnerId, Partner> = self
            .ports
            .partners
            .of_territory(&case.signalement.territory)
            .await?
            .into_iter()
            .filter(|p| wanted.contains(&p.id))
            .map(|p| (p.id, p))
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

impl App {
    /// Tags, partners and users named in the case's history, by id, as
    /// their label, name or full name, for whoever may read the history:
    /// one read, whatever the number of ids.
    pub async fn history_names(
        &self,
        actor: &Actor,
        case: &Case,
        ids: &[uuid::Uuid],
    ) -> Result<HashMap<String, String>, AppError> {
        can(actor, Action::ViewHistory, Resource::Signalement(case))?;
        Ok(self
            .ports
            .history
            .names_of(ids)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect())
    }
}
