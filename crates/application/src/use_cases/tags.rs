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

    /// The live tags a case carries, by label (a case the reader was shown).
    pub async fn tags_of_case(&self, case: &Case) -> Result<Vec<Tag>, AppError> {
        let mut found = Vec::new();
        for id in &case.signalement.tags {
            if let Some(tag) = self.ports.tags.get(*id).await?
                && !tag.is_archive
            {
                found.push(tag);
            }
        }
        found.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(found)
    }

    /// The territory tags `actor` may put on the case (none when he may
    /// not edit its tags).
    pub async fn tags_for_case(&self, actor: &Actor, case: &Case) -> Result<Vec<Tag>, AppError> {
        if can(actor, Action::EditTags, Resource::Signalement(case)).is_err() {
            return Ok(Vec::new());
        }
        Ok(self
            .ports
            .tags
            .of_territory(&case.signalement.territory)
            .await?
            .into_iter()
            .filter(|t| !case.signalement.tags.contains(&t.id))
            .collect())
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
