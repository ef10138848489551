//! The public form, `/signalement`: one server-side draft per declarant,
//! saved at every step; screens, conditions and validations come from
//! `histologe_core::form`. Works with plain forms; with JavaScript, htmx
//! asks the server for the re-rendered questions when an answer changes,
//! so conditions are evaluated in one place only.

pub(crate) mod address;
pub(crate) mod view;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, StagedPhoto};
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
    Some(state.app.ports().clock.now().date_naive())
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
    let draft = match editable(&state, &draft).await? {
        Ok(draft) => draft,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let Some(screen) = visible_screen(&state, &slug, &draft.answers) else {
        let slug = current_or_first(&state, &draft);
        return Ok(Redirect::to(&step_url(draft.id, &slug)).into_response());
    };
    Ok(render(&StepPage::new(
        &state,
        &draft,
        screen,
        &draft.answers,
        &ValidationErrors::new(),
    )))
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
    let draft = match editable(&state, &draft).await? {
        Ok(draft) => draft,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let mut answers = draft.answers.clone();
    let Some(screen) = visible_screen(&state, &slug, &answers) else {
        let slug = current_or_first(&state, &draft);
        return Ok(Redirect::to(&step_url(draft.id, &slug)).into_response());
    };
    let (posted, intent, uploads) = read_step(body).await?;
    state.form.merge_screen(screen, &mut answers, &posted);
    let mut errors = ValidationErrors::new();
    stage_photos(&state, None, draft.id, &mut answers, uploads, &mut errors).await;

    // Saved before anything is checked: what was typed is never lost.
    let email = declarant_email(&answers);
    let saved = state
        .app
        .save_draft(Some(draft.id), answers.clone(), slug.clone(), email.clone())
        .await?;

    match intent {
        Intent::Previous => {
            let back = state
                .form
                .previous(&slug, &answers)
                .map_or_else(|| slug.clone(), |s| s.slug.clone());
            return Ok(Redirect::to(&step_url(draft.id, &back)).into_response());
        }
        Intent::Later => return later(&state, &saved).await,
        Intent::Next => {}
    }

    for (key, error) in state
        .form
        .validate_screen_on(screen, &answers, today(&state))
        .iter()
    {
        errors.add(key, error.clone());
    }
    if errors.is_empty() && screen.slug == address::SCREEN {
        match address::locate(&state, &mut answers).await? {
            address::Located::Open => {}
            address::Located::Invalid(field, message) => {
                errors.add(field, FieldError::new("adresse", message))
            }
            address::Located::Closed(message) => {
                return Ok(render(&ClosedTerritoryPage {
                    platform: &state.settings.platform_name,
                    message: &message,
                    back: step_url(draft.id, &slug),
                }));
            }
        }
    }
    if !errors.is_empty() {
        let page = StepPage::new(&state, &saved, screen, &answers, &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    if screen.kind == ScreenKind::Review {
        return submit(&state, &saved, &answers).await;
    }
    let next = state
        .form
        .next(&slug, &answers)
        .map_or_else(|| slug.clone(), |s| s.slug.clone());
    state
        .app
        .save_draft(Some(draft.id), answers, next.clone(), None)
        .await?;
    Ok(Redirect::to(&step_url(draft.id, &next)).into_response())
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

/// The review step's "Envoyer": every screen checked again, the answers
/// mapped to the domain, the signalement filed with the draft marked sent
/// in the same transaction, then the staged photos attached.
async fn submit(
    state: &WebState,
    draft: &SignalementDraft,
    answers: &Answers,
) -> Result<Response, WebError> {
    if let Err((slug, errors)) = state.form.validate_all_on(answers, today(state))
        && let Some(screen) = state.form.screen(&slug)
    {
        let page = StepPage::new(state, draft, screen, answers, &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    let review = state
        .form
        .screen(&draft_review_slug(state, answers))
        .cloned();
    let outcome = match state.form.to_new_signalement_on(answers, today(state)) {
        Ok(outcome) => outcome,
        Err(errors) => return review_again(state, draft, answers, review.as_ref(), errors),
    };
    match state
        .app
        .submit_draft(
            &Actor::Anonymous,
            draft.id,
            outcome.signalement,
            outcome.wants_injonction,
        )
        .await
    {
        Ok(_) => {}
        Err(AppError::Domain(DomainError::Invalid { field, message })) => {
            let mut errors = ValidationErrors::new();
            errors.add(field, FieldError::new("signalement", message));
            return review_again(state, draft, answers, review.as_ref(), errors);
        }
        Err(e) => return Err(e.into()),
    }
    let photos: Vec<StagedPhoto> = answers
        .values(STAGED_PHOTOS)
        .iter()
        .filter_map(|v| StagedPhoto::from_answer(v))
        .collect();
    match state.app.attach_staged_photos(draft.id, &photos).await {
        Ok(failed) => {
            for (photo, e) in failed {
                tracing::warn!(error = %e, file = %photo.file_name, "staged photo not attached");
            }
        }
        Err(e) => tracing::warn!(error = %e, "staged photos not attached"),
    }
    Ok(Redirect::to(&format!("/signalement/brouillon/{}/confirmation", draft.id)).into_response())
}

pub(crate) fn draft_review_slug(state: &WebState, answers: &Answers) -> String {
    state
        .form
        .visible_screens(answers)
        .into_iter()
        .find(|s| s.kind == ScreenKind::Review)
        .map_or_else(String::new, |s| s.slug.clone())
}

fn review_again(
    state: &WebState,
    draft: &SignalementDraft,
    answers: &Answers,
    review: Option<&Screen>,
    errors: ValidationErrors,
) -> Result<Response, WebError> {
    let Some(review) = review else {
        return Err(WebError(AppError::NotFound("Étape")));
    };
    let page = StepPage::new(state, draft, review, answers, &errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// htmx: the questions of the step as they would be with the answers
/// being typed, without saving nor validating.
async fn preview(
    State(state): State<WebState>,
    Path((draft, slug)): Path<(String, String)>,
    body: Multipart,
) -> Result<Response, WebError> {
    let draft = match editable(&state, &draft).await? {
        Ok(draft) => draft,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let mut answers = draft.answers.clone();
    let Some(screen) = state.form.screen(&slug) else {
        return Err(WebError(AppError::NotFound("Étape")));
    };
    let (posted, _, _) = read_step(body).await?;
    state.form.merge_screen(screen, &mut answers, &posted);
    Ok(render(&StepPage::new(
        &state,
        &draft,
        screen,
        &answers,
        &ValidationErrors::new(),
    )))
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
