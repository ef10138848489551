//! The usager's tracking pages, `/suivre-mon-signalement/{code}`: the
//! identity check (rule 23), then the dossier: status, public suivis,
//! message with attachments (rule 22), documents, and the requests to stop
//! or to continue the procedure.

use askama::Template;
use axum::Router;
use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Form, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::PrivateCookieJar;
use axum_extra::extract::cookie::Key;
use histologe_application::{AppError, IdentityCheck, UploadInput};
use histologe_core::enums::{DocumentType, MotifClotureUsager, SignalementStatus, UsagerSide};
use histologe_core::ids::FileId;
use histologe_core::model::{Case, FileMeta};
use histologe_core::usager_access::IdentityClaim;
use histologe_core::{Action, Actor, DomainError, Resource, can};
use serde::Deserialize;

use super::WebState;
use super::errors::{WebError, render};
use super::multipart;
use super::usager_session;

/// Files of one message or one "add documents" post, at most.
const MAX_FILES_PER_POST: usize = 5;

pub fn routes() -> Router<WebState> {
    let uploads = Router::new()
        .route(
            "/suivre-mon-signalement/{code}/messages",
            post(post_message),
        )
        .route(
            "/suivre-mon-signalement/{code}/documents",
            post(post_documents),
        )
        // Five files of 10 MB and the text around them.
        .layer(DefaultBodyLimit::max(
            MAX_FILES_PER_POST * 10 * 1024 * 1024 + 64 * 1024,
        ));
    Router::new()
        .route(
            "/suivre-mon-signalement/{code}",
            get(dossier).post(identity_check),
        )
        .route("/suivre-mon-signalement/{code}/arreter", post(ask_abandon))
        .route(
            "/suivre-mon-signalement/{code}/poursuivre",
            post(ask_poursuite),
        )
        .route("/suivre-mon-signalement/{code}/deconnexion", post(logout))
        .route(
            "/suivre-mon-signalement/{code}/fichiers/{file}",
            get(download),
        )
        .merge(uploads)
}

#[derive(Template)]
#[template(path = "suivi/identite.html")]
struct IdentityPage<'a> {
    platform: &'a str,
    code: &'a str,
    error: Option<&'a str>,
    side: &'a str,
    prenom: &'a str,
    nom: &'a str,
    code_postal: &'a str,
}

#[derive(Template)]
#[template(path = "suivi/dossier.html")]
struct DossierPage<'a> {
    platform: &'a str,
    code: &'a str,
    reference: &'a str,
    adresse: String,
    status_title: &'static str,
    status_text: &'static str,
    suivis: Vec<SuiviView>,
    files: Vec<FileView>,
    may_post: bool,
    posting_closed_reason: Option<&'static str>,
    may_abandon: bool,
    may_poursuite: bool,
    abandon_asked: bool,
    flash: Option<&'a str>,
    error: Option<&'a str>,
    message: &'a str,
    motifs: Vec<(&'static str, &'static str)>,
    document_types: Vec<(&'static str, &'static str)>,
}

struct SuiviView {
    date: String,
    author: String,
    text: String,
}

struct FileView {
    id: String,
    title: String,
    kind: &'static str,
    date: String,
}

fn platform(state: &WebState) -> &str {
    &state.settings.platform_name
}

fn session(state: &WebState, jar: &PrivateCookieJar, code: &str) -> Option<Actor> {
    usager_session::actor_for(jar, code, state.app.now())
}

/// What a post did, said by the page it redirects to (so that reloading
/// that page sends nothing again).
#[derive(Debug, Deserialize)]
struct Done {
    fait: Option<String>,
}

const DONE: &[(&str, &str)] = &[
    (
        "message",
        "Votre message a été envoyé. Vous serez prévenu par e-mail de la réponse.",
    ),
    ("documents", "Vos documents ont été ajoutés au dossier."),
    (
        "arret",
        "Votre demande d'arrêt de la procédure a été transmise aux services.",
    ),
    (
        "poursuite",
        "Votre souhait de poursuivre la procédure a été transmis aux services.",
    ),
];

fn done(code: &str, what: &str) -> Response {
    Redirect::to(&format!("/suivre-mon-signalement/{code}?fait={what}")).into_response()
}

async fn dossier(
    State(state): State<WebState>,
    Path(code): Path<String>,
    Query(done): Query<Done>,
    jar: PrivateCookieJar,
) -> Result<Response, WebError> {
    let Some(actor) = session(&state, &jar, &code) else {
        return Ok(render(&IdentityPage {
            platform: platform(&state),
            code: &code,
            error: None,
            side: "OCCUPANT",
            prenom: "",
            nom: "",
            code_postal: "",
        }));
    };
    let flash = DONE
        .iter()
        .find(|(what, _)| done.fait.as_deref() == Some(*what))
        .map(|(_, text)| *text);
    let notice = flash.map_or_else(Notice::default, Notice::flash);
    show_dossier(&state, &code, &actor, notice).await
}

/// What the page says above its forms after a post.
#[derive(Default)]
struct Notice<'a> {
    flash: Option<&'a str>,
    error: Option<&'a str>,
    message: &'a str,
}

impl<'a> Notice<'a> {
    fn error(text: &'a str) -> Self {
        Notice {
            error: Some(text),
            ..Notice::default()
        }
    }

    fn flash(text: &'a str) -> Self {
        Notice {
            flash: Some(text),
            ..Notice::default()
        }
    }
}

async fn show_dossier(
    state: &WebState,
    code: &str,
    actor: &Actor,
    notice: Notice<'_>,
) -> Result<Response, WebError> {
    let Actor::Usager(session) = actor else {
        return Err(WebError(AppError::NotFound("Signalement")));
    };
    let case = state.app.view_case(actor, session.signalement_id).await?;
    let files = state
        .app
        .visible_files(actor, session.signalement_id)
        .await?;
    let now = state.app.now();
    let s = &case.signalement;
    let (status_title, status_text) = status_card(s.status);
    let may_post = can(
        actor,
        Action::UsagerPostMessage { now },
        Resource::Signalement(&case),
    )
    .is_ok();
    let page = DossierPage {
        platform: platform(state),
        code,
        reference: &s.reference,
        adresse: format!(
            "{}, {} {}",
            s.adresse.adresse, s.adresse.code_postal, s.adresse.ville
        ),
        status_title,
        status_text,
        suivis: public_suivis(&case),
        files: files.iter().map(file_view).collect(),
        may_post,
        posting_closed_reason: (!may_post).then_some(closed_reason(s.status)),
        may_abandon: can(
            actor,
            Action::UsagerAskAbandon,
            Resource::Signalement(&case),
        )
        .is_ok(),
        may_poursuite: can(
            actor,
            Action::UsagerAskPoursuite { now },
            Resource::Signalement(&case),
        )
        .is_ok(),
        abandon_asked: s.is_usager_abandon_procedure,
        flash: notice.flash,
        error: notice.error,
        message: notice.message,
        motifs: MotifClotureUsager::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        document_types: USAGER_DOCUMENT_TYPES
            .iter()
            .map(|t| (t.as_str(), t.label()))
            .collect(),
    };
    Ok(render(&page))
}

/// What an usager may call his documents.
const USAGER_DOCUMENT_TYPES: &[DocumentType] = &[
    DocumentType::PhotoSituation,
    DocumentType::SituationFoyerBail,
    DocumentType::SituationFoyerEtatDesLieux,
    DocumentType::SituationFoyerDpe,
    DocumentType::SituationDiagnosticPlombAmiante,
    DocumentType::Autre,
];

fn status_card(status: SignalementStatus) -> (&'static str, &'static str) {
    match status {
        SignalementStatus::NeedValidation | SignalementStatus::Draft => (
            "Validation en cours",
            "Votre signalement a bien été reçu. Les services de votre département le vérifient ; vous aurez une réponse sous 7 jours ouvrés.",
        ),
        SignalementStatus::Active => (
            "Pris en charge",
            "Votre dossier est suivi par les services de votre département. Vous serez informé ici et par e-mail de chaque étape.",
        ),
        SignalementStatus::InjonctionBailleur => (
            "Démarche accélérée",
            "Votre bailleur a été contacté et dispose de 3 semaines pour répondre.",
        ),
        SignalementStatus::Closed | SignalementStatus::InjonctionClosed => (
            "Dossier fermé",
            "Le traitement de votre dossier est terminé. Vous pouvez encore envoyer un message dans les 30 jours qui suivent la fermeture.",
        ),
        SignalementStatus::Refused => (
            "Signalement refusé",
            "Les services n'ont pas pu donner suite à votre signalement. Le motif vous a été envoyé par e-mail.",
        ),
        SignalementStatus::Archived | SignalementStatus::DraftArchived => {
            ("Dossier archivé", "Ce dossier est archivé.")
        }
    }
}

fn closed_reason(status: SignalementStatus) -> &'static str {
    match status {
        SignalementStatus::Refused => {
            "Le signalement a été refusé : vous ne pouvez plus envoyer de message."
        }
        SignalementStatus::Closed | SignalementStatus::InjonctionClosed => {
            "Le dossier est fermé depuis plus de 30 jours, ou vous avez déjà envoyé un message depuis sa fermeture."
        }
        _ => "Vous ne pouvez pas envoyer de message sur ce dossier.",
    }
}

fn public_suivis(case: &Case) -> Vec<SuiviView> {
    let mut suivis: Vec<SuiviView> = case
        .suivis
        .iter()
        // Rule 21 holds the e-mail of a partner's message for its edit
        // window, not the message itself.
        .filter(|s| s.is_visible_for_usager && !s.is_deleted())
        .map(|s| SuiviView {
            date: histologe_core::time::date_time_fr(s.created_at),
            author: s.author_label.clone(),
            text: s.description.clone(),
        })
        .collect();
    // Newest first: the latest news is what the person comes for.
    suivis.reverse();
    suivis
}

fn file_view(file: &FileMeta) -> FileView {
    FileView {
        id: file.id.to_string(),
        title: file.title.clone(),
        kind: file.document_type.label(),
        date: histologe_core::time::date_fr(file.created_at),
    }
}

#[derive(Debug, Deserialize)]
struct IdentityForm {
    #[serde(default)]
    side: String,
    #[serde(default)]
    prenom: String,
    #[serde(default)]
    nom: String,
    #[serde(default)]
    code_postal: String,
}

async fn identity_check(
    State(state): State<WebState>,
    Path(code): Path<String>,
    jar: PrivateCookieJar,
    Form(form): Form<IdentityForm>,
) -> Result<Response, WebError> {
    let side = UsagerSide::parse(&form.side).unwrap_or(UsagerSide::Occupant);
    let again = |error: &str| {
        render(&IdentityPage {
            platform: platform(&state),
            code: &code,
            error: Some(error),
            side: side.as_str(),
            prenom: &form.prenom,
            nom: &form.nom,
            code_postal: &form.code_postal,
        })
    };
    if form.prenom.trim().is_empty()
        || form.nom.trim().is_empty()
        || form.code_postal.trim().is_empty()
    {
        return Ok(again("Renseignez les trois informations demandées."));
    }
    let check = IdentityCheck {
        code_suivi: code.clone(),
        claim: IdentityClaim::new(
            side,
            form.prenom.trim(),
            form.nom.trim(),
            form.code_postal.trim(),
        ),
    };
    match state.app.usager_login(check).await {
        Ok(Actor::Usager(session)) => {
            let now = state.app.now();
            let jar =
                usager_session::open(jar, &code, &session, now, state.settings.secure_cookies);
            Ok((
                jar,
                Redirect::to(&format!("/suivre-mon-signalement/{code}")),
            )
                .into_response())
        }
        Ok(_) | Err(AppError::NotFound(_)) => Ok((
            StatusCode::UNAUTHORIZED,
            again("Connexion impossible : vérifiez les initiales et le code postal du logement."),
        )
            .into_response()),
        Err(AppError::TooManyAttempts) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            again("Trop de tentatives. Pour protéger le dossier, réessayez dans 15 minutes."),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// The usager's session on the dossier named by the URL's code. Without
/// one, the request is sent to the identity check instead.
struct Dossier {
    code: String,
    actor: Actor,
    id: histologe_core::ids::SignalementId,
}

impl FromRequestParts<WebState> for Dossier {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let code = params.get("code").cloned().unwrap_or_default();
        let jar = PrivateCookieJar::<Key>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match session(state, &jar, &code) {
            Some(Actor::Usager(session)) => Ok(Dossier {
                code,
                id: session.signalement_id,
                actor: Actor::Usager(session),
            }),
            _ => Err(Redirect::to(&format!("/suivre-mon-signalement/{code}")).into_response()),
        }
    }
}

/// The French message of a refused input, or the error page.
fn invalid_message(e: &AppError) -> Option<String> {
    match e {
        AppError::Domain(DomainError::Invalid { message, .. }) => Some(message.clone()),
        AppError::Domain(DomainError::Refused(_))
        | AppError::Domain(DomainError::Transition(_)) => {
            Some("Cette action n'est pas possible sur ce dossier dans son état actuel.".into())
        }
        AppError::UploadFailed => Some(e.to_string()),
        _ => None,
    }
}

async fn post_message(
    State(state): State<WebState>,
    dossier: Dossier,
    body: Multipart,
) -> Result<Response, WebError> {
    let Dossier { code, actor, id } = dossier;
    let (fields, uploads) = match multipart::read(body).await {
        Ok(read) => read,
        Err(_) => return Err(WebError(AppError::UploadFailed)),
    };
    let message = fields.get("message").unwrap_or_default().to_string();
    if message.chars().count() < 10 {
        let notice = Notice {
            error: Some("Votre message doit compter au moins 10 caractères."),
            message: &message,
            ..Notice::default()
        };
        return show_dossier(&state, &code, &actor, notice).await;
    }
    if let Err(e) = state.app.add_suivi(&actor, id, &message, true, true).await {
        let Some(text) = invalid_message(&e) else {
            return Err(e.into());
        };
        let notice = Notice {
            error: Some(&text),
            message: &message,
            ..Notice::default()
        };
        return show_dossier(&state, &code, &actor, notice).await;
    }
    // The message is saved: a failed attachment only says so.
    let Some(failed) = upload_all(&state, &actor, id, uploads, DocumentType::Autre).await else {
        return Ok(done(&code, "message"));
    };
    // The refusal's reason is shown here, not carried in a redirect.
    let notice = Notice {
        flash: Some(
            "Votre message a été envoyé, mais une pièce jointe n'a pas pu être ajoutée : réessayez depuis « Ajouter des documents ».",
        ),
        error: Some(&failed),
        ..Notice::default()
    };
    show_dossier(&state, &code, &actor, notice).await
}

/// Uploads every file; the first refusal's message when one fails.
async fn upload_all(
    state: &WebState,
    actor: &Actor,
    id: histologe_core::ids::SignalementId,
    uploads: Vec<multipart::Upload>,
    document_type: DocumentType,
) -> Option<String> {
    let mut first_error = None;
    for upload in uploads.into_iter().take(MAX_FILES_PER_POST) {
        let input = UploadInput {
            document_type: if document_type == DocumentType::Autre
                && is_image_name(&upload.file_name)
            {
                DocumentType::PhotoSituation
            } else {
                document_type
            },
            file_name: upload.file_name.clone(),
            bytes: upload.bytes,
            desordre_slug: None,
            title: None,
        };
        if let Err(e) = state.app.upload_file(actor, id, input).await {
            tracing::info!(error = %e, "usager upload refused");
            first_error.get_or_insert_with(|| {
                format!(
                    "« {} » : {}",
                    upload.file_name,
                    invalid_message(&e).unwrap_or_else(|| AppError::UploadFailed.to_string())
                )
            });
        }
    }
    first_error
}

fn is_image_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

async fn post_documents(
    State(state): State<WebState>,
    dossier: Dossier,
    body: Multipart,
) -> Result<Response, WebError> {
    let Dossier { code, actor, id } = dossier;
    let Ok((fields, uploads)) = multipart::read(body).await else {
        return Err(WebError(AppError::UploadFailed));
    };
    let document_type = fields
        .get("type")
        .and_then(DocumentType::parse)
        .filter(|t| USAGER_DOCUMENT_TYPES.contains(t))
        .unwrap_or(DocumentType::Autre);
    if uploads.is_empty() {
        let notice = Notice::error("Choisissez au moins un fichier à ajouter.");
        return show_dossier(&state, &code, &actor, notice).await;
    }
    match upload_all(&state, &actor, id, uploads, document_type).await {
        None => Ok(done(&code, "documents")),
        Some(e) => show_dossier(&state, &code, &actor, Notice::error(&e)).await,
    }
}

#[derive(Debug, Deserialize)]
struct AbandonForm {
    #[serde(default)]
    motif: String,
    #[serde(default)]
    details: String,
}

async fn ask_abandon(
    State(state): State<WebState>,
    dossier: Dossier,
    Form(form): Form<AbandonForm>,
) -> Result<Response, WebError> {
    let Dossier { code, actor, id } = dossier;
    let Some(motif) = MotifClotureUsager::parse(&form.motif) else {
        let notice = Notice::error("Choisissez la raison de votre demande d'arrêt.");
        return show_dossier(&state, &code, &actor, notice).await;
    };
    if form.details.trim().chars().count() < 10 {
        let notice = Notice::error("Expliquez votre demande en au moins 10 caractères.");
        return show_dossier(&state, &code, &actor, notice).await;
    }
    match state
        .app
        .ask_abandon_procedure(&actor, id, motif, form.details.trim())
        .await
    {
        Ok(_) => Ok(done(&code, "arret")),
        Err(e) => match invalid_message(&e) {
            Some(text) => show_dossier(&state, &code, &actor, Notice::error(&text)).await,
            None => Err(e.into()),
        },
    }
}

#[derive(Debug, Deserialize)]
struct PoursuiteForm {
    #[serde(default)]
    commentaire: String,
}

async fn ask_poursuite(
    State(state): State<WebState>,
    dossier: Dossier,
    Form(form): Form<PoursuiteForm>,
) -> Result<Response, WebError> {
    let Dossier { code, actor, id } = dossier;
    match state
        .app
        .ask_poursuite_procedure(&actor, id, form.commentaire.trim())
        .await
    {
        Ok(_) => Ok(done(&code, "poursuite")),
        Err(e) => match invalid_message(&e) {
            Some(text) => show_dossier(&state, &code, &actor, Notice::error(&text)).await,
            None => Err(e.into()),
        },
    }
}

async fn logout(Path(code): Path<String>, jar: PrivateCookieJar) -> Response {
    (
        usager_session::close(jar),
        Redirect::to(&format!("/suivre-mon-signalement/{code}")),
    )
        .into_response()
}

async fn download(
    State(state): State<WebState>,
    Path((_, file)): Path<(String, String)>,
    Dossier { actor, .. }: Dossier,
) -> Result<Response, WebError> {
    let file_id = file
        .parse::<FileId>()
        .map_err(|_| WebError(AppError::NotFound("Fichier")))?;
    let download = state.app.download_file(&actor, file_id).await?;
    let mut response = download.bytes.clone().into_response();
    for (name, value) in download.headers() {
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}
