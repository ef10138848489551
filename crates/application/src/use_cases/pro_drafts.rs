//! The professional form (features.md §2.7): an agent files a signalement
//! from the back-office through the same screens, checks and submission
//! path as the public form. His drafts are his own: saved at every step,
//! listed in "Mes brouillons", invisible to anyone else, and never
//! reachable from the public form's links (nor public drafts from here).

use histologe_core::creation::NewSignalement;
use histologe_core::enums::DraftStatus;
use histologe_core::form::Answers;
use histologe_core::ids::{DraftId, UserId};
use histologe_core::model::{Case, SignalementDraft};
use histologe_core::policy::can_begin_pro_signalement;
use histologe_core::{Actor, DomainError};

use crate::app::App;
use crate::error::AppError;
use crate::use_cases::public_form::StagedPhoto;

/// The profile a professional form starts with; the agent may change it
/// on the "who is concerned" screen (a social worker is a `tiers_pro`, a
/// fire brigade a `service_secours`).
pub const PRO_PROFILE: &str = "tiers_pro";

/// The agent behind a staff actor, once the policy let him use the form.
fn owner(actor: &Actor) -> Result<UserId, AppError> {
    can_begin_pro_signalement(actor)?;
    match actor {
        Actor::Staff(user) => Ok(user.id),
        _ => Err(DomainError::Refused(histologe_core::policy::Refusal::InsufficientRole).into()),
    }
}

impl App {
    /// Begins a draft of the professional form at `first_step`, the
    /// declarant's questions answered with the agent's own name, e-mail
    /// and partner ("copy my information"; he may change them).
    ///
    /// # Errors
    /// `Refused` for anyone but a super admin or a staff member with a
    /// partner.
    pub async fn start_pro_draft(
        &self,
        actor: &Actor,
        first_step: &str,
    ) -> Result<SignalementDraft, AppError> {
        let owner = owner(actor)?;
        let mut answers = Answers::new();
        answers.set_one("profil", PRO_PROFILE.to_string());
        if let Some(user) = self.ports.users.get(owner).await? {
            answers.set_one("vos_coordonnees_tiers_nom", user.nom.clone());
            answers.set_one("vos_coordonnees_tiers_prenom", user.prenom.clone());
            answers.set_one("vos_coordonnees_tiers_email", user.email.clone());
            if let Some(membership) = user.memberships.first()
                && let Some(partner) = self.ports.partners.get(membership.partner_id).await?
            {
                answers.set_one("vos_coordonnees_tiers_nom_organisme", partner.nom.clone());
            }
        }
        let now = self.now();
        let draft = SignalementDraft {
            id: DraftId(self.secret_uuid()),
            answers,
            current_step: first_step.to_string(),
            // The resume link is for the public form; an agent finds his
            // drafts in the back-office.
            email: None,
            status: DraftStatus::EnCours,
            signalement_id: None,
            created_by: Some(owner),
            created_at: now,
            updated_at: now,
        };
        self.ports.drafts.save(&draft).await?;
        Ok(draft)
    }

    /// The actor's drafts still being filled in, last changed first.
    pub async fn pro_drafts(&self, actor: &Actor) -> Result<Vec<SignalementDraft>, AppError> {
        let owner = owner(actor)?;
        Ok(self.ports.drafts.in_progress_of(owner).await?)
    }

    /// One of the actor's drafts, whatever its status; another's (or a
    /// public form's) reads as unknown.
    ///
    /// # Errors
    /// `NotFound` for an id that is not one of the actor's drafts.
    pub async fn pro_draft(
        &self,
        actor: &Actor,
        id: DraftId,
    ) -> Result<SignalementDraft, AppError> {
        let owner = owner(actor)?;
        self.draft_of(id, Some(owner)).await
    }

    /// Saves the answers and the step of one of the actor's drafts.
    ///
    /// # Errors
    /// `NotFound` as [`App::pro_draft`]; `DraftNotEditable` once sent or
    /// discarded; `Repo(Conflict)` while it is being sent.
    pub async fn save_pro_draft(
        &self,
        actor: &Actor,
        id: DraftId,
        answers: Answers,
        current_step: String,
    ) -> Result<SignalementDraft, AppError> {
        let owner = owner(actor)?;
        let now = self.now();
        self.with_draft_lock(id, async {
            let mut draft = self.editable_draft_of(id, Some(owner)).await?;
            draft.answers = answers;
            draft.current_step = current_step.trim().to_string();
            draft.updated_at = now;
            self.ports.drafts.save(&draft).await?;
            Ok(draft)
        })
        .await
    }

    /// Puts one of the actor's drafts away: it leaves "Mes brouillons".
    ///
    /// # Errors
    /// As [`App::save_pro_draft`].
    pub async fn discard_pro_draft(&self, actor: &Actor, id: DraftId) -> Result<(), AppError> {
        let owner = owner(actor)?;
        let now = self.now();
        self.with_draft_lock(id, async {
            let mut draft = self.editable_draft_of(id, Some(owner)).await?;
            draft.status = DraftStatus::Archive;
            draft.updated_at = now;
            self.ports.drafts.save(&draft).await?;
            Ok(())
        })
        .await
    }

    /// Files the draft as a signalement created by the agent for his
    /// partner (the same path as every submission: numbering,
    /// auto-affectation or validation by the territory's admins); the
    /// draft is marked sent in the same transaction. A refusal (commune not
    /// open, address outside the agent's territories) leaves the draft as
    /// it was.
    ///
    /// # Errors
    /// Those of `submit_signalement`, and those of [`App::save_pro_draft`].
    pub async fn submit_pro_draft(
        &self,
        actor: &Actor,
        id: DraftId,
        input: NewSignalement,
        wants_injonction: bool,
    ) -> Result<Case, AppError> {
        let owner = owner(actor)?;
        self.with_draft_lock(id, async {
            let draft = self.editable_draft_of(id, Some(owner)).await?;
            self.file_signalement(actor, input, wants_injonction, Some(&draft))
                .await
        })
        .await
    }

    /// The reference of the signalement one of the actor's drafts became:
    /// what the agent is told when he may not open the case itself (it
    /// awaits validation by the territory's admins).
    ///
    /// # Errors
    /// `NotFound` as [`App::pro_draft`], and for a draft not sent.
    pub async fn pro_draft_reference(
        &self,
        actor: &Actor,
        id: DraftId,
    ) -> Result<String, AppError> {
        let draft = self.pro_draft(actor, id).await?;
        Ok(self.receipt_of(&draft).await?.reference)
    }

    /// Keeps a photo chosen in one of the actor's drafts.
    ///
    /// # Errors
    /// `NotFound` as [`App::pro_draft`]; the upload checks' refusals.
    pub async fn stage_pro_draft_photo(
        &self,
        actor: &Actor,
        id: DraftId,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<StagedPhoto, AppError> {
        let draft = self.pro_draft(actor, id).await?;
        self.stage_photo_with(&draft, file_name, bytes).await
    }

    /// Moves the photos staged with one of the actor's sent drafts to its
    /// signalement; those that fail are named in the result.
    ///
    /// # Errors
    /// `NotFound` as [`App::pro_draft`].
    pub async fn attach_pro_staged_photos(
        &self,
        actor: &Actor,
        id: DraftId,
        photos: &[StagedPhoto],
    ) -> Result<Vec<(StagedPhoto, AppError)>, AppError> {
        let draft = self.pro_draft(actor, id).await?;
        self.attach_photos_of(&draft, photos).await
    }
}
