//! Documents and photos: upload (policy, type by content, size, antivirus,
//! metadata removal, storage, then the record and its suivi) and download
//! (policy, exact headers). Nothing is public: every byte goes out through
//! [`App::download_file`].

use histologe_core::enums::{DocumentType, HistoryEvent, InterventionStatus};
use histologe_core::ids::{FileId, HistoryEntryId, InterventionId, SignalementId};
use histologe_core::model::{Case, FileMeta, HistoryEntry};
use histologe_core::upload::{self, FileKind, UploadRefusal};
use histologe_core::workflow::file as file_workflow;
use histologe_core::{Action, Resource, can};
use histologe_core::{Actor, DomainError};
use histologe_ports::{FileStoreError, ScanVerdict};

use crate::app::App;
use crate::error::AppError;
use crate::jobs::{MakeFileVariants, enqueue};

/// What the form or the API received.
#[derive(Clone)]
pub struct UploadInput {
    pub bytes: Vec<u8>,
    /// The name the browser sent: only a source for the title.
    pub file_name: String,
    pub document_type: DocumentType,
    /// The désordre a photo illustrates.
    pub desordre_slug: Option<String>,
    /// A title typed by the person, preferred to the file name.
    pub title: Option<String>,
}

impl std::fmt::Debug for UploadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadInput")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("document_type", &self.document_type)
            .finish_non_exhaustive()
    }
}

/// A file to send back, with the headers it must go with.
#[derive(Clone, PartialEq, Eq)]
pub struct Download {
    pub bytes: Vec<u8>,
    /// Exactly the type detected at upload.
    pub content_type: String,
    /// The sanitized title, with the detected extension.
    pub file_name: String,
    /// `attachment; filename="…"; filename*=UTF-8''…`
    pub disposition: String,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("len", &self.bytes.len())
            .field("content_type", &self.content_type)
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

impl Download {
    /// The response headers: exact type, attachment, and `nosniff` so that
    /// no browser second-guesses the type.
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("Content-Type", self.content_type.clone()),
            ("Content-Disposition", self.disposition.clone()),
            ("X-Content-Type-Options", "nosniff".to_string()),
        ]
    }
}

fn store_error_on_upload(e: FileStoreError) -> AppError {
    match e {
        FileStoreError::Full | FileStoreError::Unavailable(_) | FileStoreError::NotFound(_) => {
            AppError::UploadFailed
        }
    }
}

impl App {
    async fn case_for_files(&self, id: SignalementId) -> Result<Case, AppError> {
        self.ports
            .signalements
            .case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))
    }

    /// Adds a document or a photo to a case. In order: the policy (before
    /// reading a byte), the type by content and the size, the antivirus,
    /// metadata removal for photos, the file store, then — in one
    /// transaction — the NEW_DOCUMENT suivi and, for photos, the
    /// `files.variants` job. When the store or the antivirus is down the
    /// upload fails with [`AppError::UploadFailed`] and nothing else
    /// changes: the case and what the person typed are kept.
    pub async fn upload_file(
        &self,
        actor: &Actor,
        signalement_id: SignalementId,
        input: UploadInput,
    ) -> Result<FileMeta, AppError> {
        self.upload_file_shown(actor, signalement_id, input, None)
            .await
    }

    /// [`App::upload_file`] where the agent chose whether the usager sees
    /// the file (`None`: the default of its type, §2.11). An usager's own
    /// files are always his to see.
    pub async fn upload_file_shown(
        &self,
        actor: &Actor,
        signalement_id: SignalementId,
        input: UploadInput,
        visible_for_usager: Option<bool>,
    ) -> Result<FileMeta, AppError> {
        self.upload_file_to(actor, signalement_id, input, visible_for_usager, None)
            .await
    }

    /// A visit's report or photo (§2.6 "Visits"): added by whom may edit
    /// the visit, once its time has come, and kept with it (the usager
    /// sees both, as the reference shows them).
    ///
    /// # Errors
    /// `NotFound` (case or visit); `Refused`; `DomainError::Invalid` on
    /// `type` or `fichier`; the upload's own refusals.
    pub async fn upload_visit_file(
        &self,
        actor: &Actor,
        signalement_id: SignalementId,
        visit: InterventionId,
        input: UploadInput,
    ) -> Result<FileMeta, AppError> {
        let case = self.view_case(actor, signalement_id).await?;
        let v = case
            .interventions
            .iter()
            .find(|v| v.id == visit)
            .ok_or(AppError::NotFound("Visite"))?;
        can(actor, Action::EditVisite, Resource::Intervention(&case, v))?;
        if v.status == InterventionStatus::Canceled || v.scheduled_at > self.now() {
            return Err(DomainError::invalid(
                "fichier",
                "Le rapport et les photos se joignent à une visite qui a eu lieu.",
            )
            .into());
        }
        if !matches!(
            input.document_type,
            DocumentType::ProcedureRapportDeVisite | DocumentType::PhotoVisite
        ) {
            return Err(DomainError::invalid(
                "type",
                "Choisissez « Rapport de visite » ou « Photo de visite ».",
            )
            .into());
        }
        self.upload_file_to(actor, signalement_id, input, None, Some(visit))
            .await
    }

    async fn upload_file_to(
        &self,
        actor: &Actor,
        signalement_id: SignalementId,
        input: UploadInput,
        visible_for_usager: Option<bool>,
        intervention: Option<InterventionId>,
    ) -> Result<FileMeta, AppError> {
        let case = self.case_for_files(signalement_id).await?;
        file_workflow::may_add(actor, &case)?;
        let kind = upload::check(&input.bytes, input.document_type, &self.upload)?;
        self.scan(actor, &case, &input, kind).await?;
        let bytes = if kind.is_image() {
            self.ports
                .images
                .strip_metadata(&input.bytes, kind.mime())
                .map_err(|_| UploadRefusal::NotAccepted {
                    accepted: upload::accepted_kinds(input.document_type),
                })?
        } else {
            input.bytes
        };

        let now = self.now();
        let id = FileId(self.ports.ids.uuid());
        let fallback = if kind.is_image() { "photo" } else { "document" };
        let source = input
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&input.file_name);
        let (uploaded_by, partner_id) = match actor {
            Actor::Staff(user) => (
                Some(user.id),
                user.membership_in(&case.signalement.territory)
                    .map(|m| m.partner_id),
            ),
            Actor::Api(client) => (
                Some(client.id),
                client
                    .partners
                    .iter()
                    .find(|m| m.territory == case.signalement.territory)
                    .map(|m| m.partner_id),
            ),
            _ => (None, None),
        };
        let meta = FileMeta {
            id,
            signalement_id,
            intervention_id: intervention,
            storage_key: upload::storage_key(signalement_id, id, kind),
            title: upload::display_title(source, kind, fallback),
            extension: kind.extension().to_string(),
            mime_type: kind.mime().to_string(),
            size: bytes.len() as u64,
            document_type: input.document_type,
            desordre_slug: input.desordre_slug.filter(|s| !s.trim().is_empty()),
            uploaded_by,
            partner_id,
            is_visible_for_usager: match actor {
                Actor::Usager(_) => true,
                _ => visible_for_usager.unwrap_or_else(|| {
                    file_workflow::visible_for_usager(input.document_type, false)
                }),
            },
            created_at: now,
        };

        self.ports
            .file_store
            .put(&meta.storage_key, bytes, kind.mime())
            .await
            .map_err(store_error_on_upload)?;
        if let Err(e) = self.record_upload(actor, &meta, kind).await {
            // The bytes without their record would be unreachable.
            let _ = self.ports.files.delete(meta.id).await;
            let _ = self.ports.file_store.delete(&meta.storage_key).await;
            return Err(e);
        }
        Ok(meta)
    }

    async fn record_upload(
        &self,
        actor: &Actor,
        meta: &FileMeta,
        kind: FileKind,
    ) -> Result<(), AppError> {
        let now = meta.created_at;
        self.ports.files.insert(meta).await?;
        let mut tx = self.ports.uow.begin().await?;
        let mut case = tx
            .lock_case(meta.signalement_id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        let events = file_workflow::add_document_shown(
            &mut case,
            actor,
            &meta.title,
            meta.document_type,
            meta.is_visible_for_usager,
            now,
        )?;
        if !events.is_empty() {
            case.signalement.modified_at = Some(now);
            self.apply_events(tx.as_mut(), &mut case, actor, events, now)
                .await?;
            tx.save_case(&case).await?;
        }
        if kind.is_image() {
            enqueue(
                tx.as_mut(),
                self.ports.ids.as_ref(),
                now,
                &MakeFileVariants { file_id: meta.id },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The antivirus, when configured. An infected file is refused and
    /// recorded in the case's history (who, which file, which signature);
    /// a scanner that cannot answer refuses the upload for now — a file is
    /// never kept unscanned.
    async fn scan(
        &self,
        actor: &Actor,
        case: &Case,
        input: &UploadInput,
        kind: FileKind,
    ) -> Result<(), AppError> {
        let Some(scanner) = &self.ports.scanner else {
            return Ok(());
        };
        match scanner.scan(&input.bytes).await {
            Ok(ScanVerdict::Clean) => Ok(()),
            Ok(ScanVerdict::Infected(signature)) => {
                let now = self.now();
                let entry = HistoryEntry {
                    id: HistoryEntryId(self.ports.ids.uuid()),
                    event: HistoryEvent::Create,
                    entity_name: "FichierInfecte".to_string(),
                    entity_id: self.ports.ids.uuid(),
                    changes: serde_json::json!({
                        "fichier": [null, upload::display_title(&input.file_name, kind, "document")],
                        "signature": [null, signature],
                        "taille": [null, input.bytes.len()],
                    }),
                    signalement_id: Some(case.signalement.id),
                    user_id: match actor {
                        Actor::Staff(u) => Some(u.id),
                        _ => None,
                    },
                    created_at: now,
                };
                let mut tx = self.ports.uow.begin().await?;
                tx.append_history(&entry).await?;
                tx.commit().await?;
                Err(UploadRefusal::Infected.into())
            }
            Err(_) => Err(AppError::UploadFailed),
        }
    }

    /// The files of a case that `actor` may see (an usager: the ones shown
    /// to him), oldest first.
    pub async fn visible_files(
        &self,
        actor: &Actor,
        signalement_id: SignalementId,
    ) -> Result<Vec<FileMeta>, AppError> {
        let case = self.view_case(actor, signalement_id).await?;
        self.files_of_case(actor, &case).await
    }

    /// The files of `case` that `actor` may see, oldest first; `case` is
    /// one the actor was shown (`view_case`).
    pub async fn files_of_case(
        &self,
        actor: &Actor,
        case: &Case,
    ) -> Result<Vec<FileMeta>, AppError> {
        let mut files: Vec<FileMeta> = self
            .ports
            .files
            .of_signalement(case.signalement.id)
            .await?
            .into_iter()
            .filter(|f| can(actor, Action::ViewFile, Resource::File(case, f)).is_ok())
            .collect();
        files.sort_by_key(|f| f.created_at);
        Ok(files)
    }

    /// Deletes a file of the case (a document put there by mistake, a
    /// report replaced): the case's history records who deleted which
    /// file, then the record goes, then its bytes and variants. A file the
    /// actor may not see reads as unknown; one he sees but may not delete
    /// is refused.
    ///
    /// # Errors
    /// `NotFound` (case or file hidden or unknown); `Refused`.
    pub async fn delete_file(
        &self,
        actor: &Actor,
        signalement_id: SignalementId,
        file_id: FileId,
    ) -> Result<FileMeta, AppError> {
        let case = self.view_case(actor, signalement_id).await?;
        let meta = self
            .ports
            .files
            .get(file_id)
            .await?
            .filter(|f| f.signalement_id == signalement_id)
            .filter(|f| can(actor, Action::ViewFile, Resource::File(&case, f)).is_ok())
            .ok_or(AppError::NotFound("Fichier"))?;
        can(actor, Action::DeleteFile, Resource::File(&case, &meta))?;
        let entry = HistoryEntry {
            id: HistoryEntryId(self.ports.ids.uuid()),
            event: HistoryEvent::Delete,
            entity_name: "File".to_string(),
            entity_id: meta.id.0,
            // A deletion names what it concerns, as a creation does.
            changes: serde_json::json!({
                "fichier": meta.title,
                "type": meta.document_type.label(),
            }),
            signalement_id: Some(signalement_id),
            user_id: match actor {
                Actor::Staff(u) => Some(u.id),
                _ => None,
            },
            created_at: self.now(),
        };
        // The history and the record go together: a failed delete leaves
        // no entry saying it happened.
        let mut tx = self.ports.uow.begin().await?;
        tx.append_history(&entry).await?;
        tx.delete_file(meta.id).await?;
        tx.commit().await?;
        // Bytes left behind are unreachable (no record points to them): a
        // storage hiccup only costs space, and is not the agent's problem.
        let mut keys = vec![meta.storage_key.clone()];
        if meta.mime_type.starts_with("image/") {
            keys.push(upload::variant_key(
                &meta.storage_key,
                upload::Variant::Resized,
            ));
            keys.push(upload::variant_key(
                &meta.storage_key,
                upload::Variant::Thumbnail,
            ));
        }
        for key in keys {
            let _ = self.ports.file_store.delete(&key).await;
        }
        Ok(meta)
    }

    /// A file, for an actor the policy lets see it: a partner agent sees
    /// the files of the cases he sees; an usager only the files visible to
    /// him. A refusal looks like "not found" ([`AppError::hides_existence`]).
    pub async fn download_file(
        &self,
        actor: &Actor,
        file_id: FileId,
    ) -> Result<Download, AppError> {
        let meta = self
            .ports
            .files
            .get(file_id)
            .await?
            .ok_or(AppError::NotFound("Fichier"))?;
        let case = self.case_for_files(meta.signalement_id).await?;
        can(actor, Action::ViewFile, Resource::File(&case, &meta))?;
        let bytes = self
            .ports
            .file_store
            .get(&meta.storage_key)
            .await
            .map_err(|e| match e {
                FileStoreError::NotFound(_) => AppError::NotFound("Fichier"),
                FileStoreError::Full | FileStoreError::Unavailable(_) => AppError::FileUnavailable,
            })?;
        Ok(Download {
            bytes,
            content_type: meta.mime_type.clone(),
            disposition: upload::attachment_disposition(&meta.title),
            file_name: meta.title,
        })
    }
}
