//! Drafts of the public form: saved at every step so that nothing the
//! declarant typed is lost, resumed from a personal link sent by e-mail,
//! and sent as a signalement through the same path as any submission.

use std::time::Duration;

use histologe_core::creation::NewSignalement;
use histologe_core::enums::DraftStatus;
use histologe_core::form::Answers;
use histologe_core::ids::{DraftId, UserId};
use histologe_core::model::{Case, SignalementDraft};
use histologe_core::validation::Email;
use histologe_core::{Actor, DomainError};
use histologe_ports::RepoError;

use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailDraftLink};

/// Links a draft may be sent per [`LINK_WINDOW`]: enough for a typo in the
/// address or a lost e-mail, too few to flood a mailbox.
pub const MAX_LINKS: u64 = 3;
pub const LINK_WINDOW: Duration = Duration::from_secs(60 * 60);
/// How long a submission (or a save) holds its draft against another
/// one: longer than any submission, short enough to outlive a crash.
const DRAFT_LOCK_TTL: Duration = Duration::from_secs(60);

fn shared_unavailable(e: histologe_ports::SharedStateError) -> AppError {
    AppError::Repo(RepoError::Unavailable(e.to_string()))
}

impl App {
    /// Saves what the declarant typed so far: a new draft when `id` is
    /// `None` (its id comes from the id generator), else the draft `id`,
    /// whose answers and step are replaced.
    ///
    /// `email` is where the resume link goes: `None` keeps the address the
    /// draft has, a blank one removes it, any other must be a valid
    /// address (`DomainError::Invalid` on `email` otherwise, nothing saved).
    ///
    /// # Errors
    /// `NotFound` for an unknown id; `DraftNotEditable` once the draft was
    /// sent or archived; `Repo(Conflict)` while it is being sent.
    pub async fn save_draft(
        &self,
        id: Option<DraftId>,
        answers: Answers,
        current_step: String,
        email: Option<String>,
    ) -> Result<SignalementDraft, AppError> {
        let email = match email {
            None => None,
            Some(e) if e.trim().is_empty() => Some(None),
            Some(e) => Some(Some(
                Email::parse(&e)
                    .map_err(|err| DomainError::invalid("email", err.message))?
                    .to_string(),
            )),
        };
        let current_step = current_step.trim().to_string();
        let now = self.now();
        let Some(id) = id else {
            let draft = SignalementDraft {
                id: DraftId(self.secret_uuid()),
                answers,
                current_step,
                email: email.flatten(),
                status: DraftStatus::EnCours,
                signalement_id: None,
                created_by: None,
                created_at: now,
                updated_at: now,
            };
            self.ports.drafts.save(&draft).await?;
            return Ok(draft);
        };
        self.with_draft_lock(id, async {
            let mut draft = self.editable_draft(id).await?;
            draft.answers = answers;
            draft.current_step = current_step;
            if let Some(email) = email {
                draft.email = email;
            }
            draft.updated_at = now;
            self.ports.drafts.save(&draft).await?;
            Ok(draft)
        })
        .await
    }

    /// The draft, to resume it (whatever its status: the form shows a
    /// sent draft as sent).
    ///
    /// # Errors
    /// `NotFound` when no draft has this id.
    pub async fn draft(&self, id: DraftId) -> Result<SignalementDraft, AppError> {
        self.draft_of(id, None).await
    }

    /// The draft if `owner` is its owner (`None`: a public form's draft,
    /// which has none); any other reads as unknown, so that a pro draft's
    /// id opens nothing on the public form, nor a public one in the
    /// back-office.
    pub(crate) async fn draft_of(
        &self,
        id: DraftId,
        owner: Option<UserId>,
    ) -> Result<SignalementDraft, AppError> {
        self.ports
            .drafts
            .get(id)
            .await?
            .filter(|d| d.created_by == owner)
            .ok_or(AppError::NotFound("Brouillon"))
    }

    /// Sends the draft as a signalement, exactly as
    /// [`App::submit_signalement`] files one; the draft is marked sent,
    /// with the signalement's id, in the transaction that stores the case.
    /// A submission that fails (a commune not open yet, invalid input)
    /// leaves the draft in progress, answers kept.
    ///
    /// # Errors
    /// Those of `submit_signalement`; `NotFound` for an unknown draft;
    /// `DraftNotEditable` for a draft already sent or archived;
    /// `Repo(Conflict)` while the same draft is being sent.
    pub async fn submit_draft(
        &self,
        actor: &Actor,
        draft_id: DraftId,
        input: NewSignalement,
        wants_injonction: bool,
    ) -> Result<Case, AppError> {
        self.with_draft_lock(draft_id, async {
            let draft = self.editable_draft(draft_id).await?;
            self.file_signalement(actor, input, wants_injonction, Some(&draft))
                .await
        })
        .await
    }

    /// Queues the e-mail carrying the draft's personal resume link to the
    /// draft's address.
    ///
    /// # Errors
    /// `TooManyAttempts` beyond [`MAX_LINKS`] requests per draft and
    /// [`LINK_WINDOW`]; `NotFound` for an unknown draft; `DraftNotEditable`
    /// for a sent or archived one; `DomainError::Invalid` on `email` when
    /// the draft has no address.
    pub async fn send_draft_link(&self, id: DraftId) -> Result<(), AppError> {
        // Counted before anything is read, so unknown ids cost the same.
        let key = format!("draft-link:{id}");
        let requests = self
            .ports
            .shared
            .hit(&key, LINK_WINDOW)
            .await
            .map_err(shared_unavailable)?;
        if requests > MAX_LINKS {
            return Err(AppError::TooManyAttempts);
        }
        let draft = self.editable_draft(id).await?;
        let email = draft.email.ok_or_else(|| {
            DomainError::invalid(
                "email",
                "Indiquez votre adresse e-mail pour recevoir le lien de votre signalement.",
            )
        })?;
        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        jobs::enqueue(
            tx.as_mut(),
            self.ports.ids.as_ref(),
            now,
            &EmailDraftLink {
                draft_id: id,
                email,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The draft, when it may still change.
    async fn editable_draft(&self, id: DraftId) -> Result<SignalementDraft, AppError> {
        self.editable_draft_of(id, None).await
    }

    pub(crate) async fn editable_draft_of(
        &self,
        id: DraftId,
        owner: Option<UserId>,
    ) -> Result<SignalementDraft, AppError> {
        let draft = self.draft_of(id, owner).await?;
        if !draft.is_editable() {
            return Err(AppError::DraftNotEditable);
        }
        Ok(draft)
    }

    /// Runs `op` holding the draft's lock, so that a save and a submission
    /// (or two submissions) of one draft never interleave: the second
    /// finds the draft sent, or gets `Repo(Conflict)` and may retry.
    pub(crate) async fn with_draft_lock<T>(
        &self,
        id: DraftId,
        op: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        let key = format!("draft:{id}");
        let shared = &self.ports.shared;
        if !shared
            .try_lock(&key, DRAFT_LOCK_TTL)
            .await
            .map_err(shared_unavailable)?
        {
            return Err(AppError::Repo(RepoError::Conflict));
        }
        let result = op.await;
        // A lock left behind expires with its TTL.
        let _ = shared.unlock(&key).await;
        result
    }
}
