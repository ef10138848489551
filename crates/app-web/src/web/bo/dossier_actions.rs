//! The actions of the signalement view that are not visits or documents
//! (§2.6): reopen for all, reopen one's own affectation, unaffect a
//! partner, reinitialise a refused or closed affectation, archive a
//! closed or refused case (after a confirmation page, no JavaScript
//! needed), and edit or delete one's own suivi within its 20 minutes.
//! Each is offered only where `can` allows it; the use case asks again.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, CasePartners};
use histologe_core::ids::{AffectationId, PartnerId, SignalementId, SuiviId};
use histologe_core::model::{Case, FileMeta};
use histologe_core::policy::Refusal;
use histologe_core::{Action, Actor, DomainError, Resource, can};
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::documents;
use super::role_label;
use super::session::Staff;
use super::visites;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/signalements/{id}/rouvrir", post(reopen_for_all))
        .route(
            "/bo/signalements/{id}/archiver",
            get(archive_confirmation).post(archive),
        )
        .route(
            "/bo/signalements/{id}/affectations/{affectation}/rouvrir",
            post(reopen_affectation),
        )
        .route(
            "/bo/signalements/{id}/affectations/{affectation}/desaffecter",
            post(unaffect),
        )
        .route(
            "/bo/signalements/{id}/affectations/{affectation}/reinitialiser",
            post(reinit),
        )
        .route(
            "/bo/signalements/{id}/suivis/{suivi}/modifier",
            post(edit_suivi),
        )
        .route(
            "/bo/signalements/{id}/suivis/{suivi}/supprimer",
            post(delete_suivi),
        )
}

/// What the view says after each action of this module and of the visit
/// and document ones (`?fait=…`).
pub const DONE: &[(&str, &str)] = &[
    (
        "rouvert",
        "Le signalement est rouvert pour tous les partenaires.",
    ),
    (
        "affectation_rouverte",
        "Le signalement est rouvert pour votre partenaire.",
    ),
    ("desaffecte", "Le partenaire n'est plus affecté au dossier."),
    (
        "reinitialise",
        "L'affectation est réinitialisée : le partenaire doit y répondre à nouveau.",
    ),
    ("suivi_modifie", "Le suivi est modifié."),
    ("suivi_supprime", "Le suivi est supprimé."),
    ("visite_programmee", "La visite est programmée."),
    ("visite_reprogrammee", "La visite est reprogrammée."),
    ("visite_annulee", "La visite est annulée."),
    (
        "visite_conclue",
        "La conclusion de la visite est enregistrée.",
    ),
    (
        "visite_non_faite",
        "La visite est enregistrée comme non effectuée.",
    ),
    ("document_ajoute", "Le document est ajouté au dossier."),
    ("document_supprime", "Le document est supprimé du dossier."),
    ("visite_fichier", "Le fichier est joint à la visite."),
];

/// The flash of `done`, among this module's.
pub fn flash(done: Option<&str>) -> Option<&'static str> {
    DONE.iter()
        .find(|(what, _)| done == Some(*what))
        .map(|(_, text)| *text)
}

pub(super) fn parse_id(id: &str) -> Result<SignalementId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Signalement")))
}

fn parse_affectation(id: &str) -> Result<AffectationId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Affectation")))
}

fn parse_suivi(id: &str) -> Result<SuiviId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Suivi")))
}

pub(super) fn done(id: SignalementId, what: &str) -> Response {
    Redirect::to(&format!("/bo/signalements/{id}?fait={what}")).into_response()
}

/// What a rejected form posted, to show it again, and the field the
/// refusal is about (for the error summary's link).
#[derive(Debug, Clone, Default)]
pub struct Posted {
    pairs: Vec<(String, String)>,
    pub field: String,
    pub message: String,
    /// The visit, suivi… the form was about.
    pub target: String,
}

impl Posted {
    pub fn new(pairs: Vec<(String, String)>, target: String) -> Self {
        Posted {
            pairs,
            target,
            ..Posted::default()
        }
    }

    /// The value posted for `name` (the first one), or "".
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether `value` was among the values of `name` (checkboxes, selects).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn is_error(&self, field: &str) -> bool {
        !self.message.is_empty() && self.field == field
    }

    /// The refusal of a use case, when it is about what was typed (shown
    /// next to the form); `None` for the refusals that are pages (404, 403).
    pub fn refused(mut self, error: &AppError) -> Option<Self> {
        let (field, message) = match error {
            AppError::Domain(DomainError::Invalid { field, message }) => {
                (field.clone(), message.clone())
            }
            AppError::Domain(DomainError::Transition(_)) => (
                String::new(),
                "Cette action n'est plus possible : le dossier a changé d'état.".to_string(),
            ),
            AppError::UploadFailed => (String::from("fichier"), error.to_string()),
            // The suivi's author after its 20 minutes, or on a deleted one.
            AppError::Domain(DomainError::Refused(
                refusal @ (Refusal::WindowClosed | Refusal::AlreadyDone),
            )) => (String::new(), refusal.to_string()),
            _ => return None,
        };
        self.field = field;
        self.message = message;
        Some(self)
    }
}

/// What one affectation card offers beyond answering and closing.
#[derive(Debug)]
pub struct AffectationActions {
    pub id: String,
    pub partner: String,
    pub may_reopen: bool,
    pub may_unaffect: bool,
    pub may_reinit: bool,
}

/// What one suivi of the timeline offers its author.
#[derive(Debug)]
pub struct SuiviActions {
    pub id: String,
    pub text: String,
    pub may_edit: bool,
    pub may_delete: bool,
}

/// Everything this module and the visit and document ones add to the
/// signalement view: one field of its page.
#[derive(Debug)]
pub struct Actions {
    pub may_reopen: bool,
    pub may_archive: bool,
    affectations: Vec<AffectationActions>,
    suivis: Vec<SuiviActions>,
    pub visites: visites::Section,
    pub documents: documents::Section,
}

impl Actions {
    pub fn affectation(&self, id: &str) -> Option<&AffectationActions> {
        self.affectations.iter().find(|a| a.id == id)
    }

    pub fn suivi(&self, id: &str) -> Option<&SuiviActions> {
        self.suivis
            .iter()
            .find(|s| s.id == id && (s.may_edit || s.may_delete))
    }
}

/// The actions `actor` may do on `case`, at `now`.
/// `around` and `files` are the page's reads of the case's partners and of
/// the files the reader may see.
pub fn build(
    state: &WebState,
    actor: &Actor,
    case: &Case,
    around: &CasePartners,
    files: Vec<FileMeta>,
) -> Actions {
    let now = state.app.now();
    let on_case = |action| can(actor, action, Resource::Signalement(case)).is_ok();
    let may_toggle = on_case(Action::ToggleAffectation);
    let mut affectations = Vec::new();
    for a in &case.affectations {
        let on = |action| can(actor, action, Resource::Affectation(case, a)).is_ok();
        affectations.push(AffectationActions {
            id: a.id.to_string(),
            partner: partner_name(around, a.partner_id),
            may_reopen: on(Action::ReopenAffectation),
            may_unaffect: may_toggle,
            may_reinit: on(Action::ReinitAffectation),
        });
    }
    let suivis = case
        .suivis
        .iter()
        .filter(|s| !s.is_deleted())
        .map(|s| {
            let on = |action| can(actor, action, Resource::Suivi(case, s)).is_ok();
            SuiviActions {
                id: s.id.to_string(),
                text: s.description.clone(),
                may_edit: on(Action::EditSuivi { now }),
                may_delete: on(Action::DeleteSuivi { now }),
            }
        })
        .collect();
    Actions {
        may_reopen: on_case(Action::ReopenSignalement),
        may_archive: on_case(Action::ArchiveSignalement),
        affectations,
        suivis,
        visites: visites::section(actor, case, around, &files, now),
        documents: documents::section(actor, case, &files),
    }
}

/// The name of one of the case's partners, as the reader may see it.
pub(super) fn partner_name(around: &CasePartners, partner: PartnerId) -> String {
    around
        .affected
        .get(&partner)
        .map_or_else(|| String::from("Partenaire"), |p| p.nom.clone())
}

pub(super) fn unprocessable<T: Template>(page: &T) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response()
}

/// A button's action: back to the view saying what was done, or the view's
/// own answer to the refusal.
async fn after(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    result: Result<(), AppError>,
    what: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(done(id, what)),
        Err(e) => {
            let Some(posted) = Posted::default().refused(&e) else {
                return Err(e.into());
            };
            let case = state.app.view_case(actor, id).await?;
            let page = Notice {
                platform: &state.settings.platform_name,
                role: role_label(actor),
                section: "signalements",
                id: id.to_string(),
                reference: case.signalement.reference.clone(),
                message: posted.message,
            };
            Ok(unprocessable(&page))
        }
    }
}

#[derive(Template)]
#[template(path = "bo/action_refusee.html")]
struct Notice<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    reference: String,
    message: String,
}

#[derive(Debug, Deserialize)]
struct ReopenForm {
    #[serde(default)]
    public: Option<String>,
}

async fn reopen_for_all(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(form): Form<ReopenForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = state
        .app
        .reopen_signalement(&actor, id, form.public.is_some())
        .await;
    after(&state, &actor, id, result.map(drop), "rouvert").await
}

async fn reopen_affectation(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, affectation)): Path<(String, String)>,
    Form(form): Form<ReopenForm>,
) -> Result<Response, WebError> {
    let (id, affectation) = (parse_id(&id)?, parse_affectation(&affectation)?);
    let result = state
        .app
        .reopen_affectation(&actor, id, affectation, form.public.is_some())
        .await;
    after(&state, &actor, id, result.map(drop), "affectation_rouverte").await
}

async fn unaffect(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, affectation)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, affectation) = (parse_id(&id)?, parse_affectation(&affectation)?);
    // The form names the affectation; the use case takes its partner. An
    // affectation of another case reads like an unknown one.
    let case = state.app.view_case(&actor, id).await?;
    let partner = case
        .affectations
        .iter()
        .find(|a| a.id == affectation)
        .map(|a| a.partner_id)
        .ok_or(WebError(AppError::NotFound("Affectation")))?;
    let result = state.app.unaffect_partner(&actor, id, partner).await;
    after(&state, &actor, id, result.map(drop), "desaffecte").await
}

async fn reinit(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, affectation)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, affectation) = (parse_id(&id)?, parse_affectation(&affectation)?);
    let result = state.app.reinit_affectation(&actor, id, affectation).await;
    after(&state, &actor, id, result.map(drop), "reinitialise").await
}

#[derive(Template)]
#[template(path = "bo/archiver.html")]
struct ArchivePage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    reference: String,
    status: &'static str,
    adresse: String,
}

/// The confirmation step of the archive: a page of its own, so that it
/// needs no JavaScript. Only where the archive is allowed.
async fn archive_confirmation(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let case = state.app.view_case(&actor, id).await?;
    can(
        &actor,
        Action::ArchiveSignalement,
        Resource::Signalement(&case),
    )
    .map_err(|refusal| WebError(DomainError::Refused(refusal).into()))?;
    let s = &case.signalement;
    let page = ArchivePage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "signalements",
        id: s.id.to_string(),
        reference: s.reference.clone(),
        status: s.status.label(),
        adresse: format!(
            "{}, {} {}",
            s.adresse.adresse, s.adresse.code_postal, s.adresse.ville
        ),
    };
    Ok(render(&page))
}

/// An archived case leaves the lists (and the territory admin's reach):
/// back to the list, which says so.
async fn archive(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.app.archive_signalement(&actor, id).await {
        Ok(_) => Ok(Redirect::to("/bo/signalements?fait=archive").into_response()),
        Err(e) => after(&state, &actor, id, Err(e), "").await,
    }
}

#[derive(Template)]
#[template(path = "bo/suivi_modifier.html")]
struct EditSuiviPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    reference: String,
    suivi: String,
    posted: Posted,
}

#[derive(Debug, Deserialize)]
struct EditSuiviForm {
    #[serde(default)]
    message: String,
}

async fn edit_suivi(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, suivi)): Path<(String, String)>,
    Form(form): Form<EditSuiviForm>,
) -> Result<Response, WebError> {
    let (id, suivi) = (parse_id(&id)?, parse_suivi(&suivi)?);
    let result = state.app.edit_suivi(&actor, id, suivi, &form.message).await;
    match result {
        Ok(()) => Ok(done(id, "suivi_modifie")),
        Err(e) => {
            let posted = Posted::new(
                vec![("message".to_string(), form.message.clone())],
                suivi.to_string(),
            );
            let Some(posted) = posted.refused(&e) else {
                return Err(e.into());
            };
            let case = state.app.view_case(&actor, id).await?;
            let page = EditSuiviPage {
                platform: &state.settings.platform_name,
                role: role_label(&actor),
                section: "signalements",
                id: id.to_string(),
                reference: case.signalement.reference.clone(),
                suivi: suivi.to_string(),
                posted,
            };
            Ok(unprocessable(&page))
        }
    }
}

async fn delete_suivi(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, suivi)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, suivi) = (parse_id(&id)?, parse_suivi(&suivi)?);
    let result = state.app.delete_suivi(&actor, id, suivi).await;
    after(&state, &actor, id, result, "suivi_supprime").await
}
