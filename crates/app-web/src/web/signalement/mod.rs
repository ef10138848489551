//! The public form, `/signalement`: one server-side draft per declarant,
//! saved at every step; screens, conditions and validations come from
//! `histologe_core::form`. Works with plain forms; with JavaScript, htmx
//! asks the server for the re-rendered questions when an answer changes,
//! so conditions are evaluated in one place only.

pub(crate) mod address;
pub(crate) mod flow;
pub(crate) mod view;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::AppError;
use histologe_core::enums::DraftStatus;
use histologe_core::form::{Answers, Screen, ScreenKind};
use histologe_core::ids::DraftId;
use histologe_core::model::SignalementDraft;
use histologe_core::validation::{Email, FieldError, ValidationErrors};
use histologe_core::{Actor, DomainError};
use serde::Deserialize;

use super::WebState;
use super::errors::{WebError, render};
use super::multipart;
use view::{ClosedTerritoryPage, ConfirmationPage, IntroPage, LaterPage, StepPage};

/// The key under which a draft keeps its staged photos (no screen owns it,
/// so moving between screens never clears it).
pub const STAGED_PHOTOS: &str = "_photos_deposees";
/// Photos a draft may hold.
const MAX_PHOTOS: usize = 10;
const PROFILES: &[&str] = &[
    "locataire",
    "bailleur_occupant",
    "tiers_particulier",
    "tiers_pro",
    "service_secours",
    "bailleur",
];

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/signalement", get(intro).post(start))
        .route("/adresses/suggestions", get(address::suggestions))
        .route("/signalement/brouillon/{draft}", get(resume))
        .route(
            "/signalement/brouillon/{draft}/etape/{slug}",
            get(show_step).post(post_step),
        )
        .route(
            "/signalement/brouillon/{draft}/etape/{slug}/apercu",
            post(preview),
        )
        .route(
            "/signalement/brouillon/{draft}/confirmation",
            get(confirmation),
        )
        // Up to five photos of 10 MB in one step, and the answers.
        .layer(DefaultBodyLimit::max(5 * 10 * 1024 * 1024 + 256 * 1024))
}

#[derive(Debug, Deserialize)]
struct IntroQuery {
    profil: Option<String>,
}

async fn intro(State(state): State<WebState>, Query(query): Query<IntroQuery>) -> Response {
    let profil = query
        .profil
        .filter(|p| PROFILES.contains(&p.as_str()))
        .unwrap_or_default();
    render(&IntroPage {
        platform: &state.settings.platform_name,
        profil: &profil,
    })
}

#[derive(Debug, Deserialize)]
struct StartForm {
    #[serde(default)]
    profil: String,
}

/// Starts a draft: the visitor chose to begin, not a crawler passing by.
async fn start(
    State(state): State<WebState>,
    axum::extract::Form(form): axum::extract::Form<StartForm>,
) -> Result<Response, WebError> {
    let mut answers = Answers::new();
    if PROFILES.contains(&form.profil.as_str()) {
        answers.set_one("profil", form.profil);
    }
    // The intro page said what the form's own introduction says: start
    // at its first question.
    let intro = state.form.first();
    let first = if intro.questions.iter().any(|q| q.takes_answer()) {
        intro.slug.clone()
    } else {
        state
            .form
            .next(&intro.slug, &answers)
            .map_or_else(|| intro.slug.clone(), |s| s.slug.clone())
    };
    let draft = state
        .app
        .save_draft(None, answers, first.clone(), None)
        .await?;
    Ok(Redirect::to(&step_url(draft.id, &first)).into_response())
}

/// Today for the "not in the future" checks: core has no clock.
pub(crate) fn today(state: &WebState) -> Option<chrono::NaiveDate> {
    Some(state.app.now().date_naive())
}

fn step_url(draft: DraftId, slug: &str) -> String {
    format!("/signalement/brouillon/{draft}/etape/{slug}")
}

fn parse_draft(id: &str) -> Result<DraftId, WebError> {
    id.parse::<DraftId>()
        .map_err(|_| WebError(AppError::NotFound("Brouillon")))
}

/// The draft, or where to send someone whose draft is no longer editable.
async fn editable(
    state: &WebState,
    id: &str,
) -> Result<Result<SignalementDraft, Response>, WebError> {
    let draft = state.app.draft(parse_draft(id)?).await?;
    Ok(match draft.status {
        DraftStatus::EnCours => Ok(draft),
        DraftStatus::Envoye => Err(Redirect::to(&format!(
            "/signalement/brouillon/{}/confirmation",
            draft.id
        ))
        .into_response()),
        DraftStatus::Archive => Err(super::errors::page(StatusCode::NOT_FOUND)),
    })
}

/// The e-mailed link: back to the step where the declarant stopped.
async fn resume(
    State(state): State<WebState>,
    Path(draft): Path<String>,
) -> Result<Response, WebError> {
    let draft = match editable(&state, &draft).await? {
        Ok(draft) => draft,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let slug = current_or_first(&state, &draft);
    Ok(Redirect::to(&step_url(draft.id, &slug)).into_response())
}

/// The saved step if it is still on the declarant's path, else the first.
pub(crate) fn current_or_first(state: &WebState, draft: &SignalementDraft) -> String {
    let visible = state.form.visible_screens(&draft.answers);
    visible
        .iter()
        .find(|s| s.slug == draft.current_step)
        .or(visible.first())
        .map_or_else(|| state.form.first().slug.clone(), |s| s.slug.clone())
}

pub(crate) fn visible_screen<'f>(
    state: &'f WebState,
    slug: &str,
    answers: &Answers,
) -> Option<&'f Screen> {
    state
        .form
        .visible_screens(answers)
        .into_iter()
        .find(|s| s.slug == slug)
}

async fn show_step(
    State(state): State<WebState>,
    Path((draft, slug)): Path<(String, String)>,
) -> Result<Response, WebError> {
    Ok(match editable(&state, &draft).await? {
        Ok(draft) => flow::show_step(&state, &Public, &draft, &slug),
        Err(elsewhere) => elsewhere,
    })
}

/// What the buttons of a step ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Intent {
    Next,
    Previous,
    Later,
}

/// Reads a posted step: its answers (internal fields removed), the
/// button pressed, and the chosen photos.
pub(crate) async fn read_step(
    body: Multipart,
) -> Result<(Answers, Intent, Vec<multipart::Upload>), WebError> {
    let (mut posted, uploads) = multipart::read(body)
        .await
        .map_err(|_| WebError(AppError::UploadFailed))?;
    let intent = match posted.get("_action") {
        Some("precedent") => Intent::Previous,
        Some("plus_tard") => Intent::Later,
        _ => Intent::Next,
    };
    posted.remove("_action");
    posted.remove(STAGED_PHOTOS);
    Ok((posted, intent, uploads))
}

/// The declarant's address, as soon as a screen gave a valid one: where
/// the resume link goes.
fn declarant_email(answers: &Answers) -> Option<String> {
    [
        "vos_coordonnees_occupant_email",
        "vos_coordonnees_tiers_email",
    ]
    .iter()
    .filter_map(|key| answers.get(key))
    .find(|e| Email::parse(e).is_ok())
    .map(str::to_string)
}

async fn post_step(
    State(state): State<WebState>,
    Path((draft, slug)): Path<(String, String)>,
    body: Multipart,
) -> Result<Response, WebError> {
    match editable(&state, &draft).await? {
        Ok(draft) => flow::post_step(&state, &Public, draft, &slug, body).await,
        Err(elsewhere) => Ok(elsewhere),
    }
}

/// The public form's drafts: anyone holding the draft's id (its secret
/// link), a resume link e-mailed on "Finir plus tard", the confirmation
/// page once sent.
struct Public;

impl flow::DraftFlow for Public {
    fn draft_path(&self, id: DraftId) -> String {
        format!("/signalement/brouillon/{id}")
    }

    fn agent(&self) -> Option<&Actor> {
        None
    }

    async fn save(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        answers: &Answers,
        step: &str,
    ) -> Result<SignalementDraft, AppError> {
        state
            .app
            .save_draft(
                Some(draft.id),
                answers.clone(),
                step.to_string(),
                declarant_email(answers),
            )
            .await
    }

    fn page(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        screen: &Screen,
        answers: &Answers,
        errors: &ValidationErrors,
    ) -> Response {
        render(&StepPage::new(state, draft, screen, answers, errors))
    }

    async fn later(
        &self,
        state: &WebState,
        saved: &SignalementDraft,
    ) -> Result<Response, WebError> {
        later(state, saved).await
    }

    fn closed(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        slug: &str,
        message: String,
        _errors: &mut ValidationErrors,
    ) -> Option<Response> {
        Some(render(&ClosedTerritoryPage {
            platform: &state.settings.platform_name,
            message: &message,
            back: step_url(draft.id, slug),
        }))
    }

    /// Sent with the draft marked sent in the same transaction, then the
    /// staged photos attached.
    async fn file(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        outcome: histologe_core::form::FormOutcome,
    ) -> Result<Result<Response, ValidationErrors>, WebError> {
        if let Err(e) = state
            .app
            .submit_draft(
                &Actor::Anonymous,
                draft.id,
                outcome.signalement,
                outcome.wants_injonction,
            )
            .await
        {
            return flow::correctable(e).map(Err);
        }
        let photos = flow::staged_photos(&draft.answers);
        match state.app.attach_staged_photos(draft.id, &photos).await {
            Ok(failed) => {
                for (photo, e) in failed {
                    tracing::warn!(error = %e, file = %photo.file_name, "staged photo not attached");
                }
            }
            Err(e) => tracing::warn!(error = %e, "staged photos not attached"),
        }
        Ok(Ok(Redirect::to(&format!(
            "/signalement/brouillon/{}/confirmation",
            draft.id
        ))
        .into_response()))
    }
}

/// Keeps the chosen photos with the draft (of the public form, or of
/// `agent`'s professional form); a refused one is an error on the photo
/// field, the others are kept.
pub(crate) async fn stage_photos(
    state: &WebState,
    agent: Option<&Actor>,
    draft: DraftId,
    answers: &mut Answers,
    uploads: Vec<multipart::Upload>,
    errors: &mut ValidationErrors,
) {
    for upload in uploads {
        if answers.values(STAGED_PHOTOS).len() >= MAX_PHOTOS {
            errors.add(
                upload.field.clone(),
                FieldError::new(
                    "photos",
                    format!("Vous pouvez joindre {MAX_PHOTOS} photos au plus."),
                ),
            );
            break;
        }
        let staged = match agent {
            Some(agent) => {
                state
                    .app
                    .stage_pro_draft_photo(agent, draft, &upload.file_name, upload.bytes)
                    .await
            }
            None => {
                state
                    .app
                    .stage_draft_photo(draft, &upload.file_name, upload.bytes)
                    .await
            }
        };
        match staged {
            Ok(photo) => answers.push(STAGED_PHOTOS, photo.to_answer()),
            Err(e) => errors.add(
                upload.field.clone(),
                FieldError::new(
                    "photos",
                    format!("« {} » : {}", upload.file_name, refusal_text(&e)),
                ),
            ),
        }
    }
}

fn refusal_text(e: &AppError) -> String {
    match e {
        AppError::Domain(DomainError::Invalid { message, .. }) => message.clone(),
        other => other.to_string(),
    }
}

/// "Finir plus tard": the link goes by e-mail when there is an address.
async fn later(state: &WebState, draft: &SignalementDraft) -> Result<Response, WebError> {
    let sent = match &draft.email {
        Some(_) => match state.app.send_draft_link(draft.id).await {
            Ok(()) => true,
            Err(AppError::TooManyAttempts) => false,
            Err(e) => return Err(e.into()),
        },
        None => false,
    };
    Ok(render(&LaterPage {
        platform: &state.settings.platform_name,
        sent,
        link: format!(
            "{}/signalement/brouillon/{}",
            state.settings.base_url, draft.id
        ),
    }))
}

pub(crate) fn draft_review_slug(state: &WebState, answers: &Answers) -> String {
    state
        .form
        .visible_screens(answers)
        .into_iter()
        .find(|s| s.kind == ScreenKind::Review)
        .map_or_else(String::new, |s| s.slug.clone())
}

/// htmx: the questions of the step as they would be with the answers
/// being typed, without saving nor validating.
async fn preview(
    State(state): State<WebState>,
    Path((draft, slug)): Path<(String, String)>,
    body: Multipart,
) -> Result<Response, WebError> {
    match editable(&state, &draft).await? {
        Ok(draft) => flow::preview(&state, &Public, &draft, &slug, body).await,
        Err(elsewhere) => Ok(elsewhere),
    }
}

async fn confirmation(
    State(state): State<WebState>,
    Path(draft): Path<String>,
) -> Result<Response, WebError> {
    let receipt = state.app.draft_receipt(parse_draft(&draft)?).await?;
    Ok(render(&ConfirmationPage {
        platform: &state.settings.platform_name,
        reference: &receipt.reference,
        tracking_url: format!(
            "{}/suivre-mon-signalement/{}",
            state.settings.base_url, receipt.code_suivi
        ),
        tracking_path: format!("/suivre-mon-signalement/{}", receipt.code_suivi),
    }))
}
