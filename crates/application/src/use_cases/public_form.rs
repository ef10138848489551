//! What the public form needs besides drafts and submission: whether the
//! online form is open for an address, photos put aside while the
//! signalement does not exist yet, and the receipt shown once it is sent.

use histologe_core::actor::UsagerSession;
use histologe_core::enums::{DocumentType, DraftStatus, UsagerSide};
use histologe_core::ids::DraftId;
use histologe_core::model::SignalementDraft;
use histologe_core::territory_code::{TerritoryCode, territory_accepts, territory_for_insee};
use histologe_core::upload;
use histologe_core::{Actor, DomainError};

use crate::app::App;
use crate::error::AppError;
use crate::use_cases::files::UploadInput;

/// A photo kept with a draft until the signalement exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedPhoto {
    /// Key in the file store.
    pub key: String,
    pub file_name: String,
}

impl StagedPhoto {
    /// How a draft's answers hold it: `key|file name`.
    pub fn to_answer(&self) -> String {
        format!("{}|{}", self.key, self.file_name)
    }

    pub fn from_answer(value: &str) -> Option<StagedPhoto> {
        let (key, file_name) = value.split_once('|')?;
        key.starts_with("brouillons/").then(|| StagedPhoto {
            key: key.to_string(),
            file_name: file_name.to_string(),
        })
    }
}

/// What the confirmation page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub reference: String,
    pub code_suivi: String,
}

impl App {
    /// The territory that handles the commune `insee`, when the online form
    /// is open there (the check made after the address screen).
    pub async fn open_territory_for(&self, insee: &str) -> Result<TerritoryCode, AppError> {
        let lyon: Vec<&str> = self
            .settings
            .lyon_metropole_insee
            .iter()
            .map(String::as_str)
            .collect();
        let territory = territory_for_insee(insee, &lyon).ok_or_else(|| {
            DomainError::invalid("adresse", "Le code de la commune n'est pas reconnu.")
        })?;
        let open = self
            .ports
            .territories
            .get(&territory)
            .await?
            .is_some_and(|t| territory_accepts(t.is_active, &t.authorized_insee, insee));
        if !open {
            return Err(DomainError::invalid(
                "adresse",
                "Le signalement en ligne n'est pas encore ouvert pour cette commune. Contactez la mairie ou l'Agence régionale de santé (ARS) de votre département.",
            )
            .into());
        }
        Ok(territory)
    }

    /// Checks a photo chosen in the form and keeps it with the draft. The
    /// antivirus and metadata removal run when it joins the signalement.
    pub async fn stage_draft_photo(
        &self,
        draft_id: DraftId,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<StagedPhoto, AppError> {
        let draft = self.draft(draft_id).await?;
        self.stage_photo_with(&draft, file_name, bytes).await
    }

    /// [`App::stage_draft_photo`] for a draft its caller may fill in.
    pub(crate) async fn stage_photo_with(
        &self,
        draft: &SignalementDraft,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<StagedPhoto, AppError> {
        let draft_id = draft.id;
        if draft.status != DraftStatus::EnCours {
            return Err(DomainError::invalid(
                "photos",
                "Ce signalement a déjà été envoyé : ajoutez vos photos depuis votre page de suivi.",
            )
            .into());
        }
        let kind = upload::check(&bytes, DocumentType::PhotoSituation, &self.upload)?;
        let key = format!("brouillons/{draft_id}/{}", self.ports.ids.uuid());
        self.ports
            .file_store
            .put(&key, bytes, kind.mime())
            .await
            .map_err(|_| AppError::UploadFailed)?;
        Ok(StagedPhoto {
            key,
            file_name: file_name.to_string(),
        })
    }

    /// Moves the photos staged with a sent draft to its signalement, as
    /// the declarant. One that fails is skipped and named in the result:
    /// the signalement is saved, and the person can add it from the
    /// tracking page.
    pub async fn attach_staged_photos(
        &self,
        draft_id: DraftId,
        photos: &[StagedPhoto],
    ) -> Result<Vec<(StagedPhoto, AppError)>, AppError> {
        let draft = self.draft(draft_id).await?;
        self.attach_photos_of(&draft, photos).await
    }

    /// [`App::attach_staged_photos`] for a draft its caller may read.
    pub(crate) async fn attach_photos_of(
        &self,
        draft: &SignalementDraft,
        photos: &[StagedPhoto],
    ) -> Result<Vec<(StagedPhoto, AppError)>, AppError> {
        let draft_id = draft.id;
        let Some(signalement_id) = draft.signalement_id else {
            return Ok(Vec::new());
        };
        let actor = Actor::Usager(UsagerSession {
            signalement_id,
            side: UsagerSide::Declarant,
        });
        let mut failed = Vec::new();
        for photo in photos
            .iter()
            .filter(|p| p.key.starts_with(&format!("brouillons/{draft_id}/")))
        {
            let Ok(bytes) = self.ports.file_store.get(&photo.key).await else {
                failed.push((photo.clone(), AppError::FileUnavailable));
                continue;
            };
            let input = UploadInput {
                bytes,
                file_name: photo.file_name.clone(),
                document_type: DocumentType::PhotoSituation,
                desordre_slug: None,
                title: None,
            };
            match self.upload_file(&actor, signalement_id, input).await {
                // A staged copy left behind only costs space.
                Ok(_) => drop(self.ports.file_store.delete(&photo.key).await),
                Err(e) => failed.push((photo.clone(), e)),
            }
        }
        Ok(failed)
    }

    /// The reference and tracking code of the signalement a draft became.
    /// Holding the draft's id (a secret link) is the right to see them.
    pub async fn draft_receipt(&self, draft_id: DraftId) -> Result<Receipt, AppError> {
        let draft = self.draft(draft_id).await?;
        self.receipt_of(&draft).await
    }

    /// [`App::draft_receipt`] for a draft its caller may read.
    pub(crate) async fn receipt_of(&self, draft: &SignalementDraft) -> Result<Receipt, AppError> {
        let id = draft
            .signalement_id
            .filter(|_| draft.status == DraftStatus::Envoye)
            .ok_or(AppError::NotFound("Signalement"))?;
        let case = self
            .ports
            .signalements
            .case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        Ok(Receipt {
            reference: case.signalement.reference,
            code_suivi: case.signalement.code_suivi,
        })
    }
}
