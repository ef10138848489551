//! One step of a draft, posted: what the public form and the back-office's
//! professional form do alike (decision 0027). Each says through
//! [`DraftFlow`] where its pages are, how its drafts are saved and sent,
//! and what it answers where they differ; the order of the work (merge,
//! keep the photos, save before any check, check, locate the address,
//! move on or send) is written once here.

use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use histologe_application::{AppError, StagedPhoto};
use histologe_core::form::{Answers, Screen, ScreenKind};
use histologe_core::ids::DraftId;
use histologe_core::model::SignalementDraft;
use histologe_core::validation::{FieldError, ValidationErrors};
use histologe_core::{Actor, DomainError};

use super::{
    Intent, STAGED_PHOTOS, address, current_or_first, draft_review_slug, read_step, stage_photos,
    today, visible_screen,
};
use crate::web::WebState;
use crate::web::errors::WebError;

/// What differs between the public form and the professional form.
pub(crate) trait DraftFlow {
    /// The pages of the draft: `…/etape/{slug}` are under it.
    fn draft_path(&self, id: DraftId) -> String;

    /// The agent filling a professional draft; `None` on the public form.
    fn agent(&self) -> Option<&Actor>;

    /// Saves the answers and the step.
    async fn save(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        answers: &Answers,
        step: &str,
    ) -> Result<SignalementDraft, AppError>;

    /// The step's page, with `errors` when there are some.
    fn page(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        screen: &Screen,
        answers: &Answers,
        errors: &ValidationErrors,
    ) -> Response;

    /// "Finir plus tard" / "Enregistrer": the draft was saved.
    async fn later(&self, state: &WebState, saved: &SignalementDraft)
    -> Result<Response, WebError>;

    /// The address is in a territory where the form is not open: a page
    /// of its own, or an error on the commune.
    fn closed(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        slug: &str,
        message: String,
        errors: &mut ValidationErrors,
    ) -> Option<Response>;

    /// Files the draft as a signalement; where to go then. A refusal the
    /// person can act on comes back as errors for the review screen.
    async fn file(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        outcome: histologe_core::form::FormOutcome,
    ) -> Result<Result<Response, ValidationErrors>, WebError>;
}

pub(crate) fn step_url(flow: &impl DraftFlow, id: DraftId, slug: &str) -> String {
    format!("{}/etape/{slug}", flow.draft_path(id))
}

/// The step of an editable draft, or back to where the draft stands when
/// `slug` is not on its path.
pub(crate) fn show_step(
    state: &WebState,
    flow: &impl DraftFlow,
    draft: &SignalementDraft,
    slug: &str,
) -> Response {
    match visible_screen(state, slug, &draft.answers) {
        Some(screen) => flow.page(
            state,
            draft,
            screen,
            &draft.answers,
            &ValidationErrors::new(),
        ),
        None => {
            let slug = current_or_first(state, draft);
            Redirect::to(&step_url(flow, draft.id, &slug)).into_response()
        }
    }
}

/// A step posted on an editable draft.
pub(crate) async fn post_step(
    state: &WebState,
    flow: &impl DraftFlow,
    draft: SignalementDraft,
    slug: &str,
    body: Multipart,
) -> Result<Response, WebError> {
    let mut answers = draft.answers.clone();
    let Some(screen) = visible_screen(state, slug, &answers) else {
        let slug = current_or_first(state, &draft);
        return Ok(Redirect::to(&step_url(flow, draft.id, &slug)).into_response());
    };
    let (posted, intent, uploads) = read_step(body).await?;
    state.form.merge_screen(screen, &mut answers, &posted);
    let mut errors = ValidationErrors::new();
    stage_photos(
        state,
        flow.agent(),
        draft.id,
        &mut answers,
        uploads,
        &mut errors,
    )
    .await;
    // Saved before anything is checked: what was typed is never lost.
    let saved = flow.save(state, &draft, &answers, slug).await?;

    match intent {
        Intent::Previous => {
            let back = state
                .form
                .previous(slug, &answers)
                .map_or_else(|| slug.to_string(), |s| s.slug.clone());
            return Ok(Redirect::to(&step_url(flow, draft.id, &back)).into_response());
        }
        Intent::Later => return flow.later(state, &saved).await,
        Intent::Next => {}
    }

    for (key, error) in state
        .form
        .validate_screen_on(screen, &answers, today(state))
        .iter()
    {
        errors.add(key, error.clone());
    }
    if errors.is_empty() && screen.slug == address::SCREEN {
        match address::locate(state, &mut answers).await? {
            address::Located::Open => {}
            address::Located::Invalid(field, message) => {
                errors.add(field, FieldError::new("adresse", message));
            }
            address::Located::Closed(message) => {
                if let Some(page) = flow.closed(state, &saved, slug, message, &mut errors) {
                    return Ok(page);
                }
            }
        }
    }
    if !errors.is_empty() {
        let page = flow.page(state, &saved, screen, &answers, &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    if screen.kind == ScreenKind::Review {
        return submit(state, flow, &saved, &answers).await;
    }
    let next = state
        .form
        .next(slug, &answers)
        .map_or_else(|| slug.to_string(), |s| s.slug.clone());
    flow.save(state, &saved, &answers, &next).await?;
    Ok(Redirect::to(&step_url(flow, draft.id, &next)).into_response())
}

/// The review's button: every screen checked again, the answers mapped to
/// the domain, then the flow files the draft.
async fn submit(
    state: &WebState,
    flow: &impl DraftFlow,
    draft: &SignalementDraft,
    answers: &Answers,
) -> Result<Response, WebError> {
    if let Err((slug, errors)) = state.form.validate_all_on(answers, today(state))
        && let Some(screen) = state.form.screen(&slug)
    {
        let page = flow.page(state, draft, screen, answers, &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let review = state
        .form
        .screen(&draft_review_slug(state, answers))
        .cloned();
    let errors = match state.form.to_new_signalement_on(answers, today(state)) {
        Ok(outcome) => match flow.file(state, draft, outcome).await? {
            Ok(filed) => return Ok(filed),
            Err(errors) => errors,
        },
        Err(errors) => errors,
    };
    let Some(review) = review else {
        return Err(WebError(AppError::NotFound("Étape")));
    };
    let page = flow.page(state, draft, &review, answers, &errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// htmx: the questions of the step as they would be with the answers
/// being typed, without saving nor validating.
pub(crate) async fn preview(
    state: &WebState,
    flow: &impl DraftFlow,
    draft: &SignalementDraft,
    slug: &str,
    body: Multipart,
) -> Result<Response, WebError> {
    let mut answers = draft.answers.clone();
    let Some(screen) = state.form.screen(slug) else {
        return Err(WebError(AppError::NotFound("Étape")));
    };
    let (posted, _, _) = read_step(body).await?;
    state.form.merge_screen(screen, &mut answers, &posted);
    Ok(flow.page(state, draft, screen, &answers, &ValidationErrors::new()))
}

/// A domain refusal of the submission the person can correct, as an error
/// of the review screen; any other error stays an error.
pub(crate) fn correctable(e: AppError) -> Result<ValidationErrors, WebError> {
    match e {
        AppError::Domain(DomainError::Invalid { field, message }) => {
            let mut errors = ValidationErrors::new();
            errors.add(field, FieldError::new("signalement", message));
            Ok(errors)
        }
        other => Err(other.into()),
    }
}

/// The photos kept with the draft while it was filled in.
pub(crate) fn staged_photos(answers: &Answers) -> Vec<StagedPhoto> {
    answers
        .values(STAGED_PHOTOS)
        .iter()
        .filter_map(|v| StagedPhoto::from_answer(v))
        .collect()
}
