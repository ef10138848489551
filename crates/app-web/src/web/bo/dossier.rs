//! One signalement in the back-office (§2.6) and the actions of the core
//! loop on it. The page offers an action only where the policy allows it;
//! the use case checks again, so a forged post gets the same refusal.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, CasePartners};
use histologe_core::desordres::DesordreGrid;
use histologe_core::enums::{MotifCloture, MotifRefus, TravauxMiseEnConformite};
use histologe_core::ids::{AffectationId, PartnerId, SignalementId};
use histologe_core::model::Case;
use histologe_core::workflow::affectation::ClosingForm;
use histologe_core::{Action, Actor, DomainError, Resource, can};
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::dossier_actions::partner_name;
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/signalements/{id}", get(show))
        .route("/bo/signalements/{id}/valider", post(validate))
        .route("/bo/signalements/{id}/refuser", post(refuse))
        .route("/bo/signalements/{id}/affecter", post(affect))
        .route("/bo/signalements/{id}/suivis", post(add_suivi))
        .route("/bo/signalements/{id}/cloturer", post(close_for_all))
        .route(
            "/bo/signalements/{id}/affectations/{affectation}/accepter",
            post(accept),
        )
        .route(
            "/bo/signalements/{id}/affectations/{affectation}/refuser",
            post(refuse_affectation),
        )
        .route(
            "/bo/signalements/{id}/affectations/{affectation}/fermer",
            post(close_affectation),
        )
}

struct AffectationView {
    id: String,
    partner: String,
    status: &'static str,
    may_answer: bool,
    may_close: bool,
}

struct SuiviView {
    id: String,
    date: String,
    author: String,
    text: String,
    internal: bool,
}

#[derive(Template)]
#[template(path = "bo/signalement.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    reference: String,
    status: &'static str,
    adresse: String,
    score: String,
    created: String,
    people: Vec<(&'static str, String)>,
    desordres: Vec<String>,
    details: String,
    affectations: Vec<AffectationView>,
    suivis: Vec<SuiviView>,
    may_validate: bool,
    may_affect: bool,
    partners: Vec<PartnerChoice>,
    has_suggestions: bool,
    may_write: bool,
    may_close: bool,
    motifs_refus: Vec<(&'static str, &'static str)>,
    motifs_cloture: Vec<(&'static str, &'static str)>,
    travaux: Vec<(&'static str, &'static str)>,
    flash: Option<&'static str>,
    error: Option<String>,
    /// Visits, documents and the other actions (`dossier_actions`).
    actions: super::dossier_actions::Actions,
    /// Étiquettes, following, same address, history (`lecture`).
    lecture: super::lecture::Panel,
    /// The address, its flag, building and DPE, its correction (`adresse`).
    adresse_panel: super::adresse::Panel,
}

#[derive(Debug, Deserialize)]
struct Done {
    fait: Option<String>,
}

const DONE: &[(&str, &str)] = &[
    (
        "cree",
        "Le signalement est créé. Il suit le circuit habituel : affecté par les règles du territoire, ou validé par ses responsables.",
    ),
    ("valide", "Le signalement est validé."),
    ("refuse", "Le signalement est refusé."),
    ("affecte", "Les partenaires sont affectés."),
    ("suivi", "Le suivi est enregistré."),
    (
        "cloture",
        "Le signalement est fermé pour tous les partenaires.",
    ),
    ("accepte", "L'affectation est acceptée."),
    ("adresse", "L'adresse est modifiée."),
    ("affectation_refusee", "L'affectation est refusée."),
    (
        "affectation_fermee",
        "L'affectation est fermée pour votre partenaire.",
    ),
];

/// A partner offered in the affect form.
struct PartnerChoice {
    id: String,
    name: String,
    /// Given by the territory's auto-affectation rules: listed first and
    /// ticked.
    suggested: bool,
}

/// The partners not affected yet, those the rules suggest first.
fn affect_choices(
    partners: &[histologe_core::model::Partner],
    suggested: &[PartnerId],
    case: &Case,
) -> Vec<PartnerChoice> {
    let mut choices: Vec<PartnerChoice> = partners
        .iter()
        .filter(|p| case.affectation_of(p.id).is_none())
        .map(|p| PartnerChoice {
            id: p.id.to_string(),
            name: p.nom.clone(),
            suggested: suggested.contains(&p.id),
        })
        .collect();
    // Stable: each group keeps the alphabetical order.
    choices.sort_by_key(|c| !c.suggested);
    choices
}

pub(super) fn parse_id(id: &str) -> Result<SignalementId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Signalement")))
}

fn person(prenom: Option<&str>, nom: Option<&str>, extra: &[Option<&str>]) -> String {
    [prenom, nom]
        .into_iter()
        .chain(extra.iter().copied())
        .flatten()
        .filter(|v| !v.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(super) async fn page(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    flash: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, WebError> {
    page_keeping(state, actor, id, flash, error, None).await
}

/// [`page`], the address form showing what the agent typed.
async fn page_keeping(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    flash: Option<&'static str>,
    error: Option<String>,
    typed: Option<super::adresse::Typed>,
) -> Result<Response, WebError> {
    // Each read once for the whole page (issue 12): the panels share them.
    let case = state.app.view_case(actor, id).await?;
    let around = state.app.case_partners(actor, &case).await?;
    let files = state.app.files_of_case(actor, &case).await?;
    let choices = affect_choices(&around.affectable, &around.suggested, &case);
    let s = &case.signalement;
    let grid = DesordreGrid::reference();
    let allowed = |action| can(actor, action, Resource::Signalement(&case)).is_ok();
    let page = Page {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "signalements",
        id: s.id.to_string(),
        reference: s.reference.clone(),
        status: s.status.label(),
        adresse: format!(
            "{}, {} {}",
            s.adresse.adresse, s.adresse.code_postal, s.adresse.ville
        ),
        score: format!("{:.0}", s.score),
        created: histologe_core::time::date_time_fr(s.created_at),
        people: vec![
            (
                "Occupant",
                person(
                    s.occupant.prenom.as_deref(),
                    s.occupant.nom.as_deref(),
                    &[s.occupant.telephone.as_deref(), s.occupant.email.as_deref()],
                ),
            ),
            (
                "Déclarant",
                person(
                    s.declarant.prenom.as_deref(),
                    s.declarant.nom.as_deref(),
                    &[
                        s.declarant.profile.map(|p| p.label()),
                        s.declarant.email.as_deref(),
                    ],
                ),
            ),
            (
                "Propriétaire",
                person(
                    s.proprio.prenom.as_deref(),
                    s.proprio.nom.as_deref(),
                    &[s.proprio.email.as_deref(), s.proprio.telephone.as_deref()],
                ),
            ),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect(),
        desordres: s
            .desordre_precisions
            .iter()
            .filter_map(|slug| grid.precision(slug))
            .map(|p| p.critere.label.clone())
            .collect(),
        details: s.details.clone(),
        affectations: affectations(actor, &case, &around),
        suivis: case
            .suivis
            .iter()
            .rev()
            .filter(|s| !s.is_deleted())
            .map(|s| SuiviView {
                id: s.id.to_string(),
                date: histologe_core::time::date_time_fr(s.created_at),
                author: s.author_label.clone(),
                text: s.description.clone(),
                internal: !s.is_visible_for_usager,
            })
            .collect(),
        may_validate: allowed(Action::ValidateSignalement),
        may_affect: !around.affectable.is_empty(),
        has_suggestions: choices.iter().any(|c| c.suggested),
        partners: choices,
        may_write: allowed(Action::CreateSuivi),
        may_close: allowed(Action::CloseSignalement),
        motifs_refus: MotifRefus::FOR_SIGNALEMENT
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        motifs_cloture: MotifCloture::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        travaux: TravauxMiseEnConformite::ALL
            .iter()
            .map(|t| (t.as_str(), t.label()))
            .collect(),
        flash,
        error: error.clone(),
        actions: super::dossier_actions::build(state, actor, &case, &around, files),
        lecture: super::lecture::panel(state, actor, &case).await?,
        adresse_panel: super::adresse::panel(actor, &case, typed),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = (status, render(&page)).into_response();
    // The pin map of an address to check shows OpenStreetMap's tiles.
    if page.adresse_panel.a_verifier && page.adresse_panel.may_edit {
        response.headers_mut().insert(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(crate::web::security::MAP_CSP),
        );
    }
    Ok(response)
}

fn affectations(actor: &Actor, case: &Case, around: &CasePartners) -> Vec<AffectationView> {
    let mut views = Vec::new();
    for a in &case.affectations {
        let partner = partner_name(around, a.partner_id);
        let allowed = |action| can(actor, action, Resource::Affectation(case, a)).is_ok();
        views.push(AffectationView {
            id: a.id.to_string(),
            partner,
            status: a.status.label(),
            may_answer: allowed(Action::AnswerAffectation),
            may_close: allowed(Action::CloseAffectation),
        });
    }
    views
}

async fn show(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let flash = DONE
        .iter()
        .find(|(what, _)| done.fait.as_deref() == Some(*what))
        .map(|(_, text)| *text)
        .or_else(|| super::dossier_actions::flash(done.fait.as_deref()))
        .or_else(|| super::lecture::flash(done.fait.as_deref()));
    page(&state, &actor, parse_id(&id)?, flash, None).await
}

/// [`after`], the refused address form keeping what was typed.
pub(super) async fn after_keeping(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    result: Result<(), AppError>,
    done: &str,
    typed: super::adresse::Typed,
) -> Result<Response, WebError> {
    match result {
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            page_keeping(state, actor, id, None, Some(message), Some(typed)).await
        }
        other => after(state, actor, id, other, done).await,
    }
}

/// After an action: back to the page saying what was done, or the page
/// again with the refusal in French.
async fn after(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    result: Result<(), AppError>,
    done: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/bo/signalements/{id}?fait={done}")).into_response()),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            page(state, actor, id, None, Some(message)).await
        }
        Err(AppError::Domain(DomainError::Transition(_))) => {
            let message = "Cette action n'est plus possible : le signalement a changé d'état.";
            page(state, actor, id, None, Some(message.into())).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn validate(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = state.app.validate_signalement(&actor, id, Vec::new()).await;
    after(&state, &actor, id, result.map(drop), "valide").await
}

#[derive(Debug, Deserialize)]
struct RefuseForm {
    #[serde(default)]
    motif: String,
    #[serde(default)]
    message: String,
}

async fn refuse(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(form): Form<RefuseForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = match MotifRefus::parse(&form.motif) {
        Some(motif) => state
            .app
            .refuse_signalement(&actor, id, motif, &form.message)
            .await
            .map(drop),
        None => Err(DomainError::invalid("motif", "Choisissez le motif du refus.").into()),
    };
    after(&state, &actor, id, result, "refuse").await
}

async fn affect(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let partners: Vec<PartnerId> = pairs
        .iter()
        .filter(|(k, _)| k == "partenaires")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let result = state.app.affect_partners(&actor, id, &partners).await;
    after(&state, &actor, id, result.map(drop), "affecte").await
}

#[derive(Debug, Deserialize)]
struct SuiviForm {
    #[serde(default)]
    message: String,
    #[serde(default)]
    public: Option<String>,
}

async fn add_suivi(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(form): Form<SuiviForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let public = form.public.is_some();
    let result = state
        .app
        .add_suivi(&actor, id, &form.message, public, public)
        .await;
    after(&state, &actor, id, result.map(drop), "suivi").await
}

#[derive(Debug, Deserialize)]
struct CloseForm {
    #[serde(default)]
    motif: String,
    #[serde(default)]
    commentaire: String,
    #[serde(default)]
    travaux: String,
}

fn motif_cloture(value: &str) -> Result<MotifCloture, AppError> {
    MotifCloture::parse(value)
        .ok_or_else(|| DomainError::invalid("motif", "Choisissez le motif de fermeture.").into())
}

async fn close_for_all(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = match motif_cloture(&form.motif) {
        Ok(motif) => state
            .app
            .close_signalement(&actor, id, motif, &form.commentaire, true)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    after(&state, &actor, id, result, "cloture").await
}

fn parse_affectation(id: &str) -> Result<AffectationId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Affectation")))
}

async fn accept(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, affectation)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, affectation) = (parse_id(&id)?, parse_affectation(&affectation)?);
    let result = state
        .app
        .accept_affectation(&actor, id, affectation, Vec::new())
        .await;
    after(&state, &actor, id, result.map(drop), "accepte").await
}

async fn refuse_affectation(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, affectation)): Path<(String, String)>,
    Form(form): Form<RefuseForm>,
) -> Result<Response, WebError> {
    let (id, affectation) = (parse_id(&id)?, parse_affectation(&affectation)?);
    let result = state
        .app
        .refuse_affectation(
            &actor,
            id,
            affectation,
            MotifRefus::parse(&form.motif),
            &form.message,
        )
        .await;
    after(&state, &actor, id, result.map(drop), "affectation_refusee").await
}

async fn close_affectation(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, affectation)): Path<(String, String)>,
    Form(form): Form<CloseForm>,
) -> Result<Response, WebError> {
    let (id, affectation) = (parse_id(&id)?, parse_affectation(&affectation)?);
    let result = match motif_cloture(&form.motif) {
        Ok(motif) => state
            .app
            .close_affectation(
                &actor,
                id,
                affectation,
                ClosingForm {
                    motif,
                    travaux: TravauxMiseEnConformite::parse(&form.travaux),
                    precisions: form.commentaire.clone(),
                },
            )
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    after(&state, &actor, id, result, "affectation_fermee").await
}
