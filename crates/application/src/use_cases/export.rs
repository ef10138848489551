//! The CSV export of the back-office list (features.md §2.5): its
//! columns, its cells (never run as formulas by a spreadsheet), and the
//! delivery of a large export as a file built by a queued job, kept seven
//! days for the agent who asked and reached by a link.

use chrono::Duration;
use histologe_core::Actor;
use histologe_core::ids::{JobId, UserId};
use histologe_core::model::{Allocataire, Signalement};
use histologe_core::policy::can_export_list;
use histologe_core::upload;
use histologe_ports::{FileStoreError, JobKind, NewJob, SignalementFilter};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::AppError;
use crate::jobs::JobPayload;
use crate::use_cases::back_office::has_active_filter;
use crate::use_cases::files::Download;

/// Beyond this many rows the export is built by a queued job and sent as a
/// link: a download of many minutes over a slow link would be cut, and the
/// agent would start again.
pub const EXPORT_INLINE_MAX: u64 = 5_000;

/// How long an export file is kept for its owner.
pub const EXPORT_KEPT_DAYS: i64 = 7;

/// Where an export file is: under its owner's id, so that a link only
/// ever opens its owner's own files.
pub fn export_key(owner: UserId, export: uuid::Uuid) -> String {
    format!("exports/{owner}/{export}.csv")
}

/// The preselected columns of features.md §2.5.
pub const CSV_HEADER: [&str; 17] = [
    "Référence",
    "Déposé le",
    "Statut",
    "Description",
    "Type déclarant",
    "Nom occupant",
    "Prénom occupant",
    "Téléphone occupant",
    "E-mail occupant",
    "Adresse",
    "Code postal",
    "Commune",
    "Situations",
    "Désordres",
    "Allocataire",
    "Logement social",
    "Criticité",
];

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "Oui",
        Some(false) => "Non",
        None => "",
    }
}

/// The critères of the case's précisions, in words, each once.
fn desordres_labels(s: &Signalement) -> String {
    let grid = histologe_core::desordres::DesordreGrid::reference();
    let mut labels: Vec<&str> = Vec::new();
    for slug in &s.desordre_precisions {
        let label = grid
            .precision(slug)
            .map_or(slug.as_str(), |p| p.critere.label.as_str());
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels.join(" ; ")
}

fn allocataire_label(a: Allocataire) -> &'static str {
    match a {
        Allocataire::Caf => "CAF",
        Allocataire::Msa => "MSA",
        Allocataire::Oui => "Oui",
        Allocataire::Non => "Non",
        Allocataire::Nsp => "Ne sait pas",
    }
}

pub fn csv_record(s: &Signalement) -> Vec<String> {
    let situations = [
        s.logement.is_bail_en_cours.map(|b| {
            if b {
                "Bail en cours"
            } else {
                "Pas de bail en cours"
            }
        }),
        s.logement.is_logement_vacant.then_some("Logement vacant"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    vec![
        s.displayed_reference(),
        histologe_core::time::date_fr(s.created_at),
        s.status.label().to_string(),
        s.details.clone(),
        s.declarant
            .profile
            .map(|p| p.label().to_string())
            .unwrap_or_default(),
        s.occupant.nom.clone().unwrap_or_default(),
        s.occupant.prenom.clone().unwrap_or_default(),
        s.occupant.telephone.clone().unwrap_or_default(),
        s.occupant.email.clone().unwrap_or_default(),
        s.adresse.adresse.clone(),
        s.adresse.code_postal.clone(),
        s.adresse.ville.clone(),
        situations,
        desordres_labels(s),
        s.occupant
            .allocataire
            .map(allocataire_label)
            .unwrap_or_default()
            .to_string(),
        yes_no(s.logement.is_logement_social).to_string(),
        format!("{:.0}", s.score),
    ]
}

/// A cell a spreadsheet will not run as a formula: the public types names,
/// addresses and descriptions, and `=HYPERLINK(…)` in an occupant's name
/// must not execute on an agent's PC (OWASP "CSV injection"). The quote
/// prefix is what spreadsheets themselves use to mark text.
pub fn spreadsheet_safe(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

pub fn csv_bytes(records: &[Vec<String>], with_header: bool) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    if with_header {
        // The byte-order mark makes Excel (French locale) read UTF-8.
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        if with_header {
            writer
                .write_record(CSV_HEADER)
                .map_err(std::io::Error::other)?;
        }
        for record in records {
            writer
                .write_record(
                    record
                        .iter()
                        .map(|field| spreadsheet_safe(field).into_owned()),
                )
                .map_err(std::io::Error::other)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// Builds an export file for the agent who asked (the filter as he had it
/// on his list), then e-mails him the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildExport {
    pub export_id: uuid::Uuid,
    pub user_id: UserId,
    pub filter: SignalementFilter,
}

impl JobPayload for BuildExport {
    const KIND: &'static str = "export.build";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.export_id))
    }
}

/// Deletes an export file once its days are over: personal data is not
/// kept longer than the agent needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteExport {
    pub export_id: uuid::Uuid,
    pub user_id: UserId,
}

impl JobPayload for DeleteExport {
    const KIND: &'static str = "export.delete";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.export_id))
    }
}

fn owner(actor: &Actor) -> Result<UserId, AppError> {
    match actor {
        Actor::Staff(user) => Ok(user.id),
        _ => Err(histologe_core::policy::Refusal::InsufficientRole.into()),
    }
}

impl App {
    /// Queues the export of the actor's filtered list; the file is built
    /// by the worker and its link e-mailed to him. The policy decides here,
    /// and again when the file is built (a role may change in between).
    ///
    /// # Errors
    /// `Refused` as the list export (`can_export_list`).
    pub async fn queue_list_export(
        &self,
        actor: &Actor,
        filter: &SignalementFilter,
    ) -> Result<uuid::Uuid, AppError> {
        can_export_list(actor, has_active_filter(filter))?;
        let user_id = owner(actor)?;
        let export_id = self.ports.ids.uuid();
        let mut tx = self.ports.uow.begin().await?;
        crate::jobs::enqueue(
            tx.as_mut(),
            self.ports.ids.as_ref(),
            self.now(),
            &BuildExport {
                export_id,
                user_id,
                filter: filter.clone(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(export_id)
    }

    /// One of the actor's export files; anyone else's, an unknown one or
    /// one whose days are over read as not found.
    ///
    /// # Errors
    /// `NotFound`; `FileUnavailable` when the storage does not answer.
    pub async fn export_file(
        &self,
        actor: &Actor,
        export_id: uuid::Uuid,
    ) -> Result<Download, AppError> {
        let user_id = owner(actor).map_err(|_| AppError::NotFound("Export"))?;
        let bytes = self
            .ports
            .file_store
            .get(&export_key(user_id, export_id))
            .await
            .map_err(|e| match e {
                FileStoreError::NotFound(_) => AppError::NotFound("Export"),
                FileStoreError::Full | FileStoreError::Unavailable(_) => AppError::FileUnavailable,
            })?;
        let title = format!("signalements-{export_id}.csv");
        Ok(Download {
            bytes,
            content_type: "text/csv; charset=utf-8".to_string(),
            disposition: upload::attachment_disposition(&title),
            file_name: title,
        })
    }

    /// The worker's part of [`BuildExport`]: every page of the list as the
    /// agent may see it now, one file, and the job that deletes it later.
    /// Nothing when the account can no longer export (archived, role
    /// changed).
    pub(crate) async fn build_export(&self, job: &BuildExport) -> Result<Option<u64>, AppError> {
        let Some(user) = self.ports.users.get(job.user_id).await? else {
            return Ok(None);
        };
        let Some(actor) = Actor::from_user(&user).filter(|_| user.is_active()) else {
            return Ok(None);
        };
        if can_export_list(&actor, has_active_filter(&job.filter)).is_err() {
            return Ok(None);
        }
        // Page by page into the file's bytes: the rows themselves are never
        // all in memory at once.
        let unavailable = |e: std::io::Error| {
            AppError::Repo(histologe_ports::RepoError::Unavailable(e.to_string()))
        };
        let mut bytes = Vec::new();
        let mut rows = 0_u64;
        let mut page = 1;
        loop {
            let found = self.export_page(&actor, &job.filter, page).await?;
            let full =
                found.items.len() == usize::try_from(crate::EXPORT_PAGE_SIZE).unwrap_or(usize::MAX);
            let records: Vec<_> = found.items.iter().map(csv_record).collect();
            bytes.extend(csv_bytes(&records, page == 1).map_err(unavailable)?);
            rows += records.len() as u64;
            if !full {
                break;
            }
            page += 1;
        }
        self.ports
            .file_store
            .put(
                &export_key(job.user_id, job.export_id),
                bytes,
                "text/csv; charset=utf-8",
            )
            .await
            .map_err(|_| AppError::FileUnavailable)?;
        let now = self.now();
        let delete = DeleteExport {
            export_id: job.export_id,
            user_id: job.user_id,
        };
        let mut tx = self.ports.uow.begin().await?;
        tx.enqueue(&NewJob {
            id: JobId(self.ports.ids.uuid()),
            kind: JobKind::new(DeleteExport::KIND),
            payload: serde_json::to_value(&delete).map_err(|e| {
                AppError::Repo(histologe_ports::RepoError::Unavailable(e.to_string()))
            })?,
            run_at: now + Duration::days(EXPORT_KEPT_DAYS),
            idempotency_key: delete.idempotency_key(),
        })
        .await?;
        tx.commit().await?;
        Ok(Some(rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_typed_by_the_public_are_exported_as_text() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_string(),
            "+33 6 12 34 56 78".to_string(),
            "@SUM(A1)".to_string(),
            "Dupont".to_string(),
        ]];
        let csv = String::from_utf8(csv_bytes(&rows, false).expect("csv")).expect("utf-8");
        assert_eq!(
            csv.trim_end(),
            "\"'=HYPERLINK(\"\"http://x\"\")\";'+33 6 12 34 56 78;'@SUM(A1);Dupont"
        );
    }

    #[test]
    fn an_export_file_is_under_its_owners_id() {
        let owner = UserId(uuid::Uuid::from_u128(7));
        let export = uuid::Uuid::from_u128(9);
        assert_eq!(
            export_key(owner, export),
            format!("exports/{}/{export}.csv", owner.0)
        );
    }
}
