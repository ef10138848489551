//! The professional form (features.md §2.7): an agent files a signalement
//! from the back-office. The screens, conditions, checks and submission
//! are the public form's (`web::signalement`, `histologe_core::form`),
//! shown in the back-office layout; the drafts are the agent's own
//! ("Mes brouillons"), saved at every step.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, StagedPhoto};
use histologe_core::enums::DraftStatus;
use histologe_core::form::{Screen, ScreenKind};
use histologe_core::ids::DraftId;
use histologe_core::model::SignalementDraft;
use histologe_core::validation::{FieldError, ValidationErrors};
use histologe_core::{Actor, DomainError};
use serde::Deserialize;

use super::role_label;
use super::session::Staff;
use crate::web::WebState;
use crate::web::errors::{WebError, render};
use crate::web::signalement::view::StepView;
use crate::web::signalement::{
    Intent, address, current_or_first, draft_review_slug, read_step, stage_photos, today,
    visible_screen,
};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/signalements/brouillons", get(list).post(start))
        .route("/bo/signalements/brouillons/{draft}", get(resume))
        .route(
            "/bo/signalements/brouillons/{draft}/etape/{slug}",
            get(show_step).post(post_step),
        )
        .route(
            "/bo/signalements/brouillons/{draft}/etape/{slug}/apercu",
            post(preview),
        )
        .route(
            "/bo/signalements/brouillons/{draft}/supprimer",
            post(discard),
        )
        // As the public form: up to five photos of 10 MB in one step.
        .layer(DefaultBodyLimit::max(5 * 10 * 1024 * 1024 + 256 * 1024))
}

fn draft_path(id: DraftId) -> String {
    format!("/bo/signalements/brouillons/{id}")
}

fn step_url(id: DraftId, slug: &str) -> String {
    format!("{}/etape/{slug}", draft_path(id))
}

fn parse_draft(id: &str) -> Result<DraftId, WebError> {
    id.parse::<DraftId>()
        .map_err(|_| WebError(AppError::NotFound("Brouillon")))
}

#[derive(Template)]
#[template(path = "bo/brouillons.html")]
struct ListPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    drafts: Vec<DraftRow>,
    flash: Option<String>,
}

struct DraftRow {
    link: String,
    discard: String,
    address: String,
    occupant: String,
    updated: String,
}

/// What an agent recognises a draft by: the address and the occupant
/// typed so far.
fn row(draft: &SignalementDraft) -> DraftRow {
    let a = &draft.answers;
    let join = |keys: &[&str]| {
        keys.iter()
            .filter_map(|k| a.get(k))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let address = join(&[
        "adresse_logement_adresse_detail_numero",
        "adresse_logement_adresse_detail_code_postal",
        "adresse_logement_adresse_detail_commune",
    ]);
    let occupant = join(&["coordonnees_occupant_prenom", "coordonnees_occupant_nom"]);
    DraftRow {
        link: draft_path(draft.id),
        discard: format!("{}/supprimer", draft_path(draft.id)),
        address: if address.is_empty() {
            "Adresse non renseignée".into()
        } else {
            address
        },
        occupant: if occupant.is_empty() {
            "Occupant non renseigné".into()
        } else {
            occupant
        },
        updated: histologe_core::time::date_time_fr(draft.updated_at),
    }
}

#[derive(Debug, Deserialize)]
struct Done {
    fait: Option<String>,
    /// A draft just sent, whose case the agent may not open yet.
    envoye: Option<String>,
}

const DRAFTS: &str = "/bo/signalements/brouillons";

const DONE: &[(&str, &str)] = &[
    (
        "enregistre",
        "Le brouillon est enregistré : reprenez-le quand vous voulez depuis cette liste.",
    ),
    ("supprime", "Le brouillon est supprimé."),
];

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let drafts = state.app.pro_drafts(&actor).await?;
    let mut flash = done.fait.and_then(|f| {
        DONE.iter()
            .find(|(key, _)| *key == f)
            .map(|(_, text)| text.to_string())
    });
    if let Some(sent) = done
        .envoye
        .as_deref()
        .and_then(|d| d.parse::<DraftId>().ok())
        && let Ok(reference) = state.app.pro_draft_reference(&actor, sent).await
    {
        flash = Some(format!(
            "Le signalement {reference} est créé. Les responsables du territoire vont l'examiner et l'affecter aux partenaires compétents ; vous le verrez dans votre liste dès que votre partenaire y sera affecté."
        ));
    }
    Ok(render(&ListPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "signalements",
        drafts: drafts.iter().map(row).collect(),
        flash,
    }))
}

/// Begins a draft at the form's first question (its introduction is for
/// the public).
async fn start(State(state): State<WebState>, Staff(actor): Staff) -> Result<Response, WebError> {
    let mut answers = histologe_core::form::Answers::new();
    answers.set_one("profil", histologe_application::PRO_PROFILE.to_string());
    let intro = state.form.first();
    let first = if intro.questions.iter().any(|q| q.takes_answer()) {
        intro.slug.clone()
    } else {
        state
            .form
            .next(&intro.slug, &answers)
            .map_or_else(|| intro.slug.clone(), |s| s.slug.clone())
    };
    let draft = state.app.start_pro_draft(&actor, &first).await?;
    Ok(Redirect::to(&step_url(draft.id, &first)).into_response())
}

/// One of the agent's drafts that he may still fill in, or where to go
/// instead (the case it became, or his list).
async fn editable(
    state: &WebState,
    actor: &Actor,
    id: &str,
) -> Result<Result<SignalementDraft, Response>, WebError> {
    let draft = state.app.pro_draft(actor, parse_draft(id)?).await?;
    Ok(match (draft.status, draft.signalement_id) {
        (DraftStatus::EnCours, _) => Ok(draft),
        (DraftStatus::Envoye, Some(id)) => {
            Err(Redirect::to(&format!("/bo/signalements/{id}")).into_response())
        }
        _ => Err(Redirect::to(DRAFTS).into_response()),
    })
}

async fn resume(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(draft): Path<String>,
) -> Result<Response, WebError> {
    let draft = match editable(&state, &actor, &draft).await? {
        Ok(draft) => draft,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let slug = current_or_first(&state, &draft);
    Ok(Redirect::to(&step_url(draft.id, &slug)).into_response())
}

#[derive(Template)]
#[template(path = "bo/brouillon_etape.html")]
struct StepPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    step: StepView<'a>,
}

fn step_page<'a>(
    state: &'a WebState,
    actor: &'a Actor,
    draft: &SignalementDraft,
    screen: &'a Screen,
    answers: &histologe_core::form::Answers,
    errors: &ValidationErrors,
) -> StepPage<'a> {
    let mut step = StepView::under(state, &draft_path(draft.id), screen, answers, errors);
    step.submit_label = "Créer le signalement";
    step.later_label = "Enregistrer et revenir à mes brouillons";
    StepPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "signalements",
        step,
    }
}

async fn show_step(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((draft, slug)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let draft = match editable(&state, &actor, &draft).await? {
        Ok(draft) => draft,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let Some(screen) = visible_screen(&state, &slug, &draft.answers) else {
        let slug = current_or_first(&state, &draft);
        return Ok(Redirect::to(&step_url(draft.id, &slug)).into_response());
    };
    Ok(render(&step_page(
        &state,
        &actor,
        &draft,
        screen,
        &draft.answers,
        &ValidationErrors::new(),
    )))
}

async fn post_step(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((draft, slug)): Path<(String, String)>,
    body: Multipart,
) -> Result<Response, WebError> {
    let draft = match editable(&state, &actor, &draft).await? {
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
    stage_photos(
        &state,
        Some(&actor),
        draft.id,
        &mut answers,
        uploads,
        &mut errors,
    )
    .await;
    // Saved before anything is checked: what was typed is never lost.
    let saved = state
        .app
        .save_pro_draft(&actor, draft.id, answers.clone(), slug.clone())
        .await?;

    match intent {
        Intent::Previous => {
            let back = state
                .form
                .previous(&slug, &answers)
                .map_or_else(|| slug.clone(), |s| s.slug.clone());
            return Ok(Redirect::to(&step_url(draft.id, &back)).into_response());
        }
        Intent::Later => {
            return Ok(Redirect::to(&format!("{DRAFTS}?fait=enregistre")).into_response());
        }
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
                errors.add(field, FieldError::new("adresse", message));
            }
            // The agent sees why on the field; the draft keeps the address.
            address::Located::Closed(message) => {
                errors.add(
                    "adresse_logement_adresse_detail_commune",
                    FieldError::new("adresse", message),
                );
            }
        }
    }
    if !errors.is_empty() {
        let page = step_page(&state, &actor, &saved, screen, &answers, &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    if screen.kind == ScreenKind::Review {
        return submit(&state, &actor, &saved, &answers).await;
    }
    let next = state
        .form
        .next(&slug, &answers)
        .map_or_else(|| slug.clone(), |s| s.slug.clone());
    state
        .app
        .save_pro_draft(&actor, draft.id, answers, next.clone())
        .await?;
    Ok(Redirect::to(&step_url(draft.id, &next)).into_response())
}

/// The review's "Créer le signalement": every screen checked again, the
/// answers mapped, the signalement filed as the agent's (for his partner),
/// then the staged photos attached; the agent lands on the new case.
async fn submit(
    state: &WebState,
    actor: &Actor,
    draft: &SignalementDraft,
    answers: &histologe_core::form::Answers,
) -> Result<Response, WebError> {
    if let Err((slug, errors)) = state.form.validate_all_on(answers, today(state))
        && let Some(screen) = state.form.screen(&slug)
    {
        let page = step_page(state, actor, draft, screen, answers, &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    let review = state
        .form
        .screen(&draft_review_slug(state, answers))
        .cloned();
    let review_again = |errors: ValidationErrors| -> Result<Response, WebError> {
        let Some(review) = review.as_ref() else {
            return Err(WebError(AppError::NotFound("Étape")));
        };
        let page = step_page(state, actor, draft, review, answers, &errors);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
    };
    let outcome = match state.form.to_new_signalement_on(answers, today(state)) {
        Ok(outcome) => outcome,
        Err(errors) => return review_again(errors),
    };
    let case = match state
        .app
        .submit_pro_draft(
            actor,
            draft.id,
            outcome.signalement,
            outcome.wants_injonction,
        )
        .await
    {
        Ok(case) => case,
        Err(AppError::Domain(DomainError::Invalid { field, message })) => {
            let mut errors = ValidationErrors::new();
            errors.add(field, FieldError::new("signalement", message));
            return review_again(errors);
        }
        // The address is in a territory where the agent has no partner.
        Err(e @ AppError::Domain(DomainError::Refused(_))) => {
            let mut errors = ValidationErrors::new();
            errors.add(
                "adresse",
                FieldError::new(
                    "territoire",
                    "Ce logement est dans un territoire où votre partenaire n'intervient pas : vous ne pouvez pas y créer de signalement.",
                ),
            );
            tracing::info!(error = %e, "pro form refused for the territory");
            return review_again(errors);
        }
        Err(e) => return Err(e.into()),
    };
    let photos: Vec<StagedPhoto> = answers
        .values(crate::web::signalement::STAGED_PHOTOS)
        .iter()
        .filter_map(|v| StagedPhoto::from_answer(v))
        .collect();
    match state
        .app
        .attach_pro_staged_photos(actor, draft.id, &photos)
        .await
    {
        Ok(failed) => {
            for (photo, e) in failed {
                tracing::warn!(error = %e, file = %photo.file_name, "staged photo not attached");
            }
        }
        Err(e) => tracing::warn!(error = %e, "staged photos not attached"),
    }
    // An agent whose partner is not (yet) affected may not open the case:
    // he is told its reference instead.
    let id = case.signalement.id;
    if state.app.view_case(actor, id).await.is_ok() {
        Ok(Redirect::to(&format!("/bo/signalements/{id}?fait=cree")).into_response())
    } else {
        Ok(Redirect::to(&format!("{DRAFTS}?envoye={}", draft.id)).into_response())
    }
}

/// htmx: the questions as they would be with the answers being typed,
/// without saving nor validating.
async fn preview(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((draft, slug)): Path<(String, String)>,
    body: Multipart,
) -> Result<Response, WebError> {
    let draft = match editable(&state, &actor, &draft).await? {
        Ok(draft) => draft,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let mut answers = draft.answers.clone();
    let Some(screen) = state.form.screen(&slug) else {
        return Err(WebError(AppError::NotFound("Étape")));
    };
    let (posted, _, _) = read_step(body).await?;
    state.form.merge_screen(screen, &mut answers, &posted);
    Ok(render(&step_page(
        &state,
        &actor,
        &draft,
        screen,
        &answers,
        &ValidationErrors::new(),
    )))
}

async fn discard(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(draft): Path<String>,
) -> Result<Response, WebError> {
    match state
        .app
        .discard_pro_draft(&actor, parse_draft(&draft)?)
        .await
    {
        // Already sent or discarded (another tab): the list says what is left.
        Ok(()) | Err(AppError::DraftNotEditable) => {
            Ok(Redirect::to(&format!("{DRAFTS}?fait=supprime")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
