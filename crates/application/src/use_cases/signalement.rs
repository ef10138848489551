//! Validation, refusal, closure, reopening, archiving of a signalement.

use chrono::Datelike;
use histologe_core::enums::{MotifCloture, MotifClotureUsager, MotifRefus, SuiviCategory};
use histologe_core::ids::{SignalementId, UserId};
use histologe_core::model::Case;
use histologe_core::reference::next_reference;
use histologe_core::{Actor, workflow};

use crate::app::App;
use crate::error::AppError;

impl App {
    pub async fn validate_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
        subscribers: Vec<UserId>,
    ) -> Result<Case, AppError> {
        if !subscribers.is_empty() {
            // Only the territory's active RTs can be asked to follow it.
            let case = self
                .ports
                .signalements
                .case(id)
                .await?
                .ok_or(AppError::NotFound("Signalement"))?;
            crate::app::check_view(actor, &case)?;
            let territory = case.signalement.territory;
            let admins = self.ports.users.territory_admins(&territory).await?;
            if let Some(stranger) = subscribers
                .iter()
                .find(|s| !admins.iter().any(|a| a.id == **s && a.is_active()))
            {
                return Err(histologe_core::DomainError::invalid(
                    "abonnes",
                    format!("{stranger} n'est pas responsable de ce territoire."),
                )
                .into());
            }
        }
        self.change_case(actor, id, |case, now| {
            workflow::signalement::validate(case, actor, subscribers.clone(), now)
        })
        .await
    }

    pub async fn refuse_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
        motif: MotifRefus,
        message: &str,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            workflow::signalement::refuse(case, actor, motif, message, now)
        })
        .await
    }

    pub async fn close_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
        motif: MotifCloture,
        comment: &str,
        public: bool,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            workflow::signalement::close_for_all(case, actor, motif, comment, public, now)
        })
        .await
    }

    pub async fn reopen_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
        public: bool,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            workflow::signalement::reopen_for_all(case, actor, public, now)
        })
        .await
    }

    pub async fn archive_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, _| {
            workflow::signalement::archive(case, actor)
        })
        .await
    }

    pub async fn reactivate_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, _| {
            workflow::signalement::reactivate(case, actor)
        })
        .await
    }

    /// The injunction ends (usager's choice, landlord's refusal, or the
    /// three-week timer): definitive reference, then auto-affectation or
    /// the admins' validation like any new case (rule 2).
    pub async fn switch_injonction_to_procedure(
        &self,
        actor: &Actor,
        id: SignalementId,
        cause: SuiviCategory,
    ) -> Result<Case, AppError> {
        self.switch_unless(actor, id, cause, |_| false)
            .await?
            .ok_or(AppError::NotFound("Signalement"))
    }

    /// The switch, unless `keep` says otherwise of the case as it is under
    /// its lock (`None` then, nothing written): the timer of
    /// `scheduled::injonction` must not switch a case whose landlord has
    /// just answered.
    pub(crate) async fn switch_unless(
        &self,
        actor: &Actor,
        id: SignalementId,
        cause: SuiviCategory,
        keep: fn(&Case) -> bool,
    ) -> Result<Option<Case>, AppError> {
        // Numbering races like a submission's: a lost transaction runs again.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.switch_once(actor, id, cause, keep).await {
                Err(AppError::Repo(histologe_ports::RepoError::Conflict)) if attempt < 5 => {}
                other => return other,
            }
        }
    }

    async fn switch_once(
        &self,
        actor: &Actor,
        id: SignalementId,
        cause: SuiviCategory,
        keep: fn(&Case) -> bool,
    ) -> Result<Option<Case>, AppError> {
        let current = self
            .ports
            .signalements
            .case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        let territory = current.signalement.territory.clone();
        let rules = self.ports.rules.active(&territory).await?;
        let partners = self.ports.partners.of_territory(&territory).await?;
        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        let mut case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        crate::app::check_view(actor, &case)?;
        if keep(&case) {
            return Ok(None);
        }
        // The policy first: nobody draws a number he may not use.
        histologe_core::can(
            actor,
            histologe_core::Action::SwitchToProcedure,
            histologe_core::Resource::Signalement(&case),
        )?;
        let max = tx.max_reference_number(&territory, now.year()).await?;
        let reference = next_reference(now.year(), max).to_string();
        let events =
            workflow::signalement::switch_to_procedure(&mut case, actor, reference, cause, now)?;
        self.apply_events(tx.as_mut(), &mut case, actor, events, now)
            .await?;
        self.auto_assign_or_notify(tx.as_mut(), &mut case, &rules, &partners, now)
            .await?;
        tx.save_case(&case).await?;
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(Some(case.redacted_for(actor)))
    }

    pub async fn ask_abandon_procedure(
        &self,
        actor: &Actor,
        id: SignalementId,
        motif: MotifClotureUsager,
        message: &str,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            workflow::signalement::ask_abandon(case, actor, motif, message, now)
        })
        .await
    }

    pub async fn ask_poursuite_procedure(
        &self,
        actor: &Actor,
        id: SignalementId,
        message: &str,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            workflow::signalement::ask_poursuite(case, actor, message, now)
        })
        .await
    }
}
