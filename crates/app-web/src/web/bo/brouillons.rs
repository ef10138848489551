//! The professional form (features.md §2.7): an agent files a signalement
//! from the back-office. The screens, conditions, checks and submission
//! are the public form's (`web::signalement`, `histologe_core::form`),
//! shown in the back-office layout; the drafts are the agent's own
//! ("Mes brouillons"), saved at every step.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::AppError;
use histologe_core::enums::DraftStatus;
use histologe_core::form::{Answers, Screen};
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
use crate::web::signalement::{current_or_first, flow};

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

async fn show_step(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((draft, slug)): Path<(String, String)>,
) -> Result<Response, WebError> {
    Ok(match editable(&state, &actor, &draft).await? {
        Ok(draft) => flow::show_step(&state, &Pro(&actor), &draft, &slug),
        Err(elsewhere) => elsewhere,
    })
}

async fn post_step(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((draft, slug)): Path<(String, String)>,
    body: Multipart,
) -> Result<Response, WebError> {
    match editable(&state, &actor, &draft).await? {
        Ok(draft) => flow::post_step(&state, &Pro(&actor), draft, &slug, body).await,
        Err(elsewhere) => Ok(elsewhere),
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
    match editable(&state, &actor, &draft).await? {
        Ok(draft) => flow::preview(&state, &Pro(&actor), &draft, &slug, body).await,
        Err(elsewhere) => Ok(elsewhere),
    }
}

/// The professional drafts of an agent: his own, in the back-office
/// layout, kept in his list; filed for his partner.
struct Pro<'a>(&'a Actor);

impl flow::DraftFlow for Pro<'_> {
    fn draft_path(&self, id: DraftId) -> String {
        draft_path(id)
    }

    fn agent(&self) -> Option<&Actor> {
        Some(self.0)
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
            .save_pro_draft(self.0, draft.id, answers.clone(), step.to_string())
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
        let mut step = StepView::under(state, &draft_path(draft.id), screen, answers, errors);
        step.submit_label = "Créer le signalement";
        step.later_label = "Enregistrer et revenir à mes brouillons";
        render(&StepPage {
            platform: &state.settings.platform_name,
            role: role_label(self.0),
            section: "signalements",
            step,
        })
    }

    async fn later(
        &self,
        _state: &WebState,
        _saved: &SignalementDraft,
    ) -> Result<Response, WebError> {
        Ok(Redirect::to(&format!("{DRAFTS}?fait=enregistre")).into_response())
    }

    /// The agent sees why on the field; the draft keeps the address.
    fn closed(
        &self,
        _state: &WebState,
        _draft: &SignalementDraft,
        _slug: &str,
        message: String,
        errors: &mut ValidationErrors,
    ) -> Option<Response> {
        errors.add(
            "adresse_logement_adresse_detail_commune",
            FieldError::new("adresse", message),
        );
        None
    }

    /// Filed as the agent's (for his partner), then the staged photos
    /// attached; he lands on the new case when he may see it, else on his
    /// list, told its reference (it awaits the territory's admins, and an
    /// agent sees only the cases affected to his partner).
    async fn file(
        &self,
        state: &WebState,
        draft: &SignalementDraft,
        outcome: histologe_core::form::FormOutcome,
    ) -> Result<Result<Response, ValidationErrors>, WebError> {
        let actor = self.0;
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
            // The address is in a territory where his partner is not.
            Err(AppError::Domain(DomainError::Refused(_))) => {
                let mut errors = ValidationErrors::new();
                errors.add(
                    "adresse",
                    FieldError::new(
                        "territoire",
                        "Ce logement est dans un territoire où votre partenaire n'intervient pas : vous ne pouvez pas y créer de signalement.",
                    ),
                );
                return Ok(Err(errors));
            }
            Err(e) => return flow::correctable(e).map(Err),
        };
        let photos = flow::staged_photos(&draft.answers);
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
        let id = case.signalement.id;
        Ok(Ok(if state.app.view_case(actor, id).await.is_ok() {
            Redirect::to(&format!("/bo/signalements/{id}?fait=cree")).into_response()
        } else {
            Redirect::to(&format!("{DRAFTS}?envoye={}", draft.id)).into_response()
        }))
    }
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
