//! Étiquettes (features.md §2.15): the territory's RTs and super admins
//! keep the list (`Action::ManageTags` on the territory) and put tags on
//! cases (`Action::EditTags`); everyone who sees a case sees its tags.
//! Deleting a tag archives it: it leaves the lists and the cases' pages,
//! and its label is free again.

use histologe_core::ids::{SignalementId, TagId};
use histologe_core::model::{Case, Tag};
use histologe_core::territory_code::TerritoryCode;
use histologe_core::workflow::tags::{self, clean_label};
use histologe_core::{Action, Actor, DomainError, Resource, can};
use histologe_ports::RepoError;

use crate::app::App;
use crate::error::AppError;

fn duplicate(e: RepoError) -> AppError {
    match e {
        RepoError::Duplicate(_) => {
            DomainError::invalid("label", "Une étiquette de ce territoire porte déjà ce nom.")
                .into()
        }
        other => other.into(),
    }
}

/// The tags of a case's page: those it carries, those the reader may add.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseTags {
    pub on_case: Vec<Tag>,
    pub addable: Vec<Tag>,
}

impl App {
    /// The territory's live tags, for whoever manages them.
    pub async fn territory_tags(
        &self,
        actor: &Actor,
        territory: &TerritoryCode,
    ) -> Result<Vec<Tag>, AppError> {
        can(actor, Action::ManageTags, Resource::Territory(territory))?;
        Ok(self.ports.tags.of_territory(territory).await?)
    }

    pub async fn create_tag(
        &self,
        actor: &Actor,
        territory: &TerritoryCode,
        label: &str,
    ) -> Result<Tag, AppError> {
        can(actor, Action::ManageTags, Resource::Territory(territory))?;
        let tag = Tag {
            id: TagId(self.ports.ids.uuid()),
            territory: territory.clone(),
            label: clean_label(label)?,
            is_archive: false,
        };
        self.ports.tags.insert(&tag).await.map_err(duplicate)?;
        Ok(tag)
    }

    /// A live tag `actor` manages; any other answers "not found".
    async fn managed_tag(&self, actor: &Actor, id: TagId) -> Result<Tag, AppError> {
        let tag = self
            .ports
            .tags
            .get(id)
            .await?
            .filter(|t| !t.is_archive)
            .ok_or(AppError::NotFound("Étiquette"))?;
        can(
            actor,
            Action::ManageTags,
            Resource::Territory(&tag.territory),
        )
        .map_err(|_| AppError::NotFound("Étiquette"))?;
        Ok(tag)
    }

    pub async fn rename_tag(&self, actor: &Actor, id: TagId, label: &str) -> Result<Tag, AppError> {
        let mut tag = self.managed_tag(actor, id).await?;
        tag.label = clean_label(label)?;
        self.ports.tags.update(&tag).await.map_err(duplicate)?;
        Ok(tag)
    }

    /// Archives the tag (again is fine: a double submit changes nothing);
    /// the archived tag.
    pub async fn delete_tag(&self, actor: &Actor, id: TagId) -> Result<Tag, AppError> {
        let mut tag = self
            .ports
            .tags
            .get(id)
            .await?
            .ok_or(AppError::NotFound("Étiquette"))?;
        can(
            actor,
            Action::ManageTags,
            Resource::Territory(&tag.territory),
        )
        .map_err(|_| AppError::NotFound("Étiquette"))?;
        if !tag.is_archive {
            tag.is_archive = true;
            self.ports.tags.update(&tag).await?;
        }
        Ok(tag)
    }

    /// The territories whose tags `actor` manages: all for a super admin,
    /// his own for an RT, none for anyone else.
    pub async fn tag_territories(
        &self,
        actor: &Actor,
    ) -> Result<Vec<histologe_core::model::Territory>, AppError> {
        let all = self.ports.territories.all().await?;
        Ok(all
            .into_iter()
            .filter(|t| can(actor, Action::ManageTags, Resource::Territory(&t.code)).is_ok())
            .collect())
    }

    /// The live tags a case carries, by label, and those `actor` may add
    /// (none when he may not edit its tags); a case the reader was shown.
    /// One read of the territory's tags serves both: the view reads it
    /// once, not once per tag (issue 12's statement budget).
    pub async fn case_tags(&self, actor: &Actor, case: &Case) -> Result<CaseTags, AppError> {
        let editable = can(actor, Action::EditTags, Resource::Signalement(case)).is_ok();
        let carried = &case.signalement.tags;
        if carried.is_empty() && !editable {
            return Ok(CaseTags::default());
        }
        let of_territory = self
            .ports
            .tags
            .of_territory(&case.signalement.territory)
            .await?;
        let mut on_case = Vec::new();
        for id in carried {
            match of_territory.iter().find(|t| t.id == *id) {
                Some(tag) => on_case.push(tag.clone()),
                // Archived (left out), or of another territory.
                None => {
                    if let Some(tag) = self.ports.tags.get(*id).await?
                        && !tag.is_archive
                    {
                        on_case.push(tag);
                    }
                }
            }
        }
        on_case.sort_by(|a, b| a.label.cmp(&b.label));
        let addable = if editable {
            of_territory
                .into_iter()
                .filter(|t| !carried.contains(&t.id))
                .collect()
        } else {
            Vec::new()
        };
        Ok(CaseTags { on_case, addable })
    }

    pub async fn tag_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
        tag: TagId,
    ) -> Result<Case, AppError> {
        let tag = self.known_tag(tag).await?;
        self.change_case(actor, id, |case, _| tags::add(case, actor, &tag))
            .await
    }

    pub async fn untag_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
        tag: TagId,
    ) -> Result<Case, AppError> {
        let tag = self.known_tag(tag).await?;
        self.change_case(actor, id, |case, _| tags::remove(case, actor, &tag))
            .await
    }

    /// An unknown tag is a mistake in the form, told like one.
    async fn known_tag(&self, id: TagId) -> Result<Tag, AppError> {
        self.ports.tags.get(id).await?.ok_or_else(|| {
            DomainError::invalid(
                "etiquette",
                "Cette étiquette n'existe pas sur ce territoire.",
            )
            .into()
        })
    }
}
