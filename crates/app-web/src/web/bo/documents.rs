//! Documents and photos of a signalement in the back-office (§2.6
//! "Documents tab"): grouped by type, each downloaded through a route
//! that asks the policy (files are never public: someone who may not see
//! the case gets the page of an unknown file), and the agent's upload
//! with its type and whether the usager sees it.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, UploadInput};
use histologe_core::enums::DocumentType;
use histologe_core::ids::{FileId, SignalementId};
use histologe_core::model::{Case, FileMeta};
use histologe_core::workflow::file::visible_for_usager;
use histologe_core::{Action, Actor, DomainError, Resource, can};

use super::super::WebState;
use super::super::errors::WebError;
use super::super::multipart;
use super::dossier_actions::{Posted, done, parse_id, unprocessable};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/signalements/{id}/documents", post(upload))
        // One file of 10 MB and the text around it.
        .layer(DefaultBodyLimit::max(10 * 1024 * 1024 + 64 * 1024))
        .route("/bo/signalements/{id}/fichiers/{file}", get(download))
        .route(
            "/bo/signalements/{id}/fichiers/{file}/supprimer",
            post(delete),
        )
}

/// The types an agent chooses from, in the order of the reference
/// platform's lists (situation, procédure, bailleur, photos, other).
const AGENT_TYPES: &[DocumentType] = &[
    DocumentType::SituationFoyerBail,
    DocumentType::SituationFoyerDpe,
    DocumentType::SituationFoyerEtatDesLieux,
    DocumentType::SituationDiagnosticPlombAmiante,
    DocumentType::ProcedureMiseEnDemeure,
    DocumentType::ProcedureRapportDeVisite,
    DocumentType::ProcedureArreteMunicipal,
    DocumentType::ProcedureArretePrefectoral,
    DocumentType::ProcedureSaisine,
    DocumentType::AutreProcedure,
    DocumentType::BailleurDevisPourTravaux,
    DocumentType::Facture,
    DocumentType::BailleurReponseBailleur,
    DocumentType::PhotoSituation,
    DocumentType::PhotoVisite,
    DocumentType::Autre,
];

#[derive(Debug)]
pub struct FileView {
    pub id: String,
    pub title: String,
    pub date: String,
    pub size: String,
    pub visible: bool,
    /// The policy lets the reader delete it (its uploader, an admin of
    /// the territory for a partner's file, a super admin).
    pub may_delete: bool,
}

/// The files of one document type.
#[derive(Debug)]
pub struct Group {
    pub label: &'static str,
    pub files: Vec<FileView>,
}

/// The documents block of the view, or of the rejected upload's page.
#[derive(Debug)]
pub struct Section {
    pub groups: Vec<Group>,
    pub may_upload: bool,
    /// (value, label, shown to the usager by default).
    pub types: Vec<(&'static str, &'static str, bool)>,
    pub focus: bool,
    pub posted: Posted,
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} Mo", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} ko", bytes.div_ceil(1024))
    }
}

fn view(actor: &Actor, case: &Case, f: &FileMeta) -> FileView {
    FileView {
        may_delete: can(actor, Action::DeleteFile, Resource::File(case, f)).is_ok(),
        id: f.id.to_string(),
        title: f.title.clone(),
        date: histologe_core::time::date_fr(f.created_at),
        size: size(f.size),
        visible: f.is_visible_for_usager,
    }
}

/// `files` are those the reader may see.
pub fn section(actor: &Actor, case: &Case, files: &[FileMeta]) -> Section {
    // Groups in the order of the type list, photos after documents.
    let mut groups: Vec<Group> = Vec::new();
    for t in DocumentType::ALL {
        let of_type: Vec<FileView> = files
            .iter()
            .filter(|f| f.document_type == *t)
            .map(|f| view(actor, case, f))
            .collect();
        if !of_type.is_empty() {
            groups.push(Group {
                label: t.label(),
                files: of_type,
            });
        }
    }
    Section {
        groups,
        may_upload: can(actor, Action::AddFile, Resource::Signalement(case)).is_ok(),
        types: AGENT_TYPES
            .iter()
            .map(|t| (t.as_str(), t.label(), visible_for_usager(*t, false)))
            .collect(),
        focus: false,
        posted: Posted::default(),
    }
}

#[derive(Template)]
#[template(path = "bo/document_formulaire.html")]
struct FormPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    reference: String,
    /// Named as on the view, so that the same partial serves both.
    actions: Focused,
}

/// The documents block alone, on the rejected upload's page.
struct Focused {
    documents: Section,
}

impl Focused {
    fn posted(&self) -> &Posted {
        &self.documents.posted
    }

    fn anchor(&self) -> String {
        format!("document-{}", self.documents.posted.field)
    }
}

async fn rejected(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    posted: Posted,
) -> Result<Response, WebError> {
    let case = state.app.view_case(actor, id).await?;
    // What was chosen is discussed only with someone who may add files.
    can(actor, Action::AddFile, Resource::Signalement(&case))
        .map_err(|refusal| WebError(DomainError::Refused(refusal).into()))?;
    let files = state.app.files_of_case(actor, &case).await?;
    let mut documents = section(actor, &case, &files);
    documents.focus = true;
    documents.posted = posted;
    let page = FormPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "signalements",
        id: id.to_string(),
        reference: case.signalement.reference.clone(),
        actions: Focused { documents },
    };
    Ok(unprocessable(&page))
}

async fn upload(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    body: Multipart,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let Ok((fields, uploads)) = multipart::read(body).await else {
        return Err(WebError(AppError::UploadFailed));
    };
    let chosen = fields.get("type").unwrap_or_default().to_string();
    let visible = fields.get("visible").unwrap_or_default().to_string();
    let title = fields.get("titre").unwrap_or_default().to_string();
    let posted = Posted::new(
        vec![
            ("type".to_string(), chosen.clone()),
            ("visible".to_string(), visible.clone()),
            ("titre".to_string(), title.clone()),
        ],
        String::new(),
    );
    let document_type = DocumentType::parse(&chosen).filter(|t| AGENT_TYPES.contains(t));
    let file = uploads.into_iter().find(|u| !u.bytes.is_empty());
    let result = match (document_type, file) {
        (None, _) => Err(DomainError::invalid("type", "Choisissez le type du document.").into()),
        (Some(_), None) => {
            Err(DomainError::invalid("fichier", "Choisissez le fichier à ajouter.").into())
        }
        (Some(document_type), Some(file)) => {
            let input = UploadInput {
                bytes: file.bytes,
                file_name: file.file_name,
                document_type,
                desordre_slug: None,
                title: Some(title.trim().to_string()).filter(|t| !t.is_empty()),
            };
            // "Selon le type" keeps the default of §2.11.
            let shown = match visible.as_str() {
                "oui" => Some(true),
                "non" => Some(false),
                _ => None,
            };
            state
                .app
                .upload_file_shown(&actor, id, input, shown)
                .await
                .map(drop)
        }
    };
    match result {
        Ok(()) => Ok(done(id, "document_ajoute")),
        Err(e) => match posted.refused(&e) {
            Some(posted) => rejected(&state, &actor, id, posted).await,
            None => Err(e.into()),
        },
    }
}

/// The case and the file of a file's URL; a malformed file id is a file
/// that does not exist.
fn parse_file_path(id: &str, file: &str) -> Result<(SignalementId, FileId), WebError> {
    let id = parse_id(id)?;
    let file = file
        .parse()
        .map_err(|_| WebError(AppError::NotFound("Fichier")))?;
    Ok((id, file))
}

/// A file of the case, for someone the policy lets see it; anyone else
/// gets the page of an unknown file, whatever the case in the URL.
async fn download(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, file_id) = parse_file_path(&id, &file)?;
    let meta = state
        .app
        .visible_files(&actor, id)
        .await?
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or(WebError(AppError::NotFound("Fichier")))?;
    let download = state.app.download_file(&actor, meta.id).await?;
    let mut response = download.bytes.clone().into_response();
    for (name, value) in download.headers() {
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}

/// "Supprimer": the file and its bytes go, the history says who did it.
async fn delete(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, file_id) = parse_file_path(&id, &file)?;
    state.app.delete_file(&actor, id, file_id).await?;
    Ok(done(id, "document_supprime"))
}
