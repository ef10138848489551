//! The dashboard and the list of signalements, scoped by the policy
//! (`list_scope`): an agent counts and lists only his partner's cases.
//! Its export is in `exports.rs`.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, FilterChoices, PAGE_SIZE, has_active_filter};
use histologe_core::enums::AffectationStatus;
use histologe_core::model::Signalement;
use histologe_core::territory_code::TerritoryCode;
use histologe_core::{Actor, DomainError};
use histologe_ports::SignalementFilter;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::list_params::{FieldError, FilterForm, ListParams};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo", get(dashboard))
        .route("/bo/signalements", get(list))
        .route("/bo/recherches", post(save_search))
        .route("/bo/recherches/{id}/supprimer", post(delete_search))
}

#[derive(Template)]
#[template(path = "bo/dashboard.html")]
struct Dashboard<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    cards: Vec<(&'static str, u64, String)>,
}

async fn dashboard(
    State(state): State<WebState>,
    Staff(actor): Staff,
) -> Result<Response, WebError> {
    let mut cards: Vec<(&'static str, u64, String)> = state
        .app
        .dashboard(&actor)
        .await?
        .into_iter()
        .map(|c| {
            let query = ListParams::from_filter(&c.filter).query_without(None);
            (c.label, c.count, format!("/bo/signalements?{query}"))
        })
        .collect();
    // Administrators also see the accounts that no longer receive e-mail.
    if histologe_application::App::may_view_delivery_issues(&actor) {
        let count = state.app.undeliverable_accounts(&actor).await?.len() as u64;
        cards.push((
            "Adresses e-mail en erreur",
            count,
            "/bo/adresses-en-erreur".to_string(),
        ));
    }
    Ok(render(&Dashboard {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "tableau",
        cards,
    }))
}

struct Row {
    id: String,
    reference: String,
    date: String,
    adresse: String,
    /// Geocoding was not sure of the address: an agent checks it.
    a_verifier: bool,
    occupant: String,
    status: &'static str,
    score: String,
    partners: Vec<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "bo/liste.html")]
struct List<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    form: FilterForm,
    tags: Vec<(String, Vec<(&'static str, String)>)>,
    rows: Vec<Row>,
    /// « 1 234 signalements », « Plus de 1 000 signalements ».
    total_label: String,
    page: u32,
    pages: u32,
    /// « 40 », « plus de 40 ».
    pages_label: String,
    page_link: String,
    export_link: String,
    can_export: bool,
    export_hint: &'static str,
    /// The actor's saved searches: id, name, link.
    saved: Vec<(String, String, String)>,
    save_name: String,
    save_error: Option<String>,
    /// The query string the "save" form keeps.
    current_query: String,
}

fn affectation_label(status: AffectationStatus) -> &'static str {
    match status {
        AffectationStatus::Wait => "En attente",
        AffectationStatus::Accepted => "Acceptée",
        AffectationStatus::Refused => "Refusée",
        AffectationStatus::Closed => "Clôturée",
    }
}

fn occupant(s: &Signalement) -> String {
    [s.occupant.prenom.as_deref(), s.occupant.nom.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads the query against what the form offers `actor`.
pub(super) async fn read_filter(
    state: &WebState,
    actor: &Actor,
    params: &ListParams,
) -> Result<(SignalementFilter, Vec<FieldError>, FilterChoices), WebError> {
    let chosen = TerritoryCode::parse(&params.territoire).ok();
    let choices = state
        .app
        .list_filter_choices(actor, chosen.as_ref())
        .await?;
    let (filter, errors) = params.to_filter(&choices, state.app.list_now());
    Ok((filter, errors, choices))
}

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    render_list(&state, &actor, &params, SaveForm::default()).await
}

/// The "save this search" form as typed, and why it was refused.
#[derive(Debug, Default)]
struct SaveForm {
    name: String,
    error: Option<String>,
}

async fn render_list(
    state: &WebState,
    actor: &Actor,
    params: &ListParams,
    save: SaveForm,
) -> Result<Response, WebError> {
    let (state, actor, params) = (state.clone(), actor.clone(), params.clone());
    let (filter, errors, choices) = read_filter(&state, &actor, &params).await?;
    let page = params.page.unwrap_or(1).max(1);
    let found = state
        .app
        .list_page(&actor, &filter, page, &choices.partners)
        .await?;
    let pages = u32::try_from(found.total.div_ceil(u64::from(PAGE_SIZE))).unwrap_or(u32::MAX);
    let (total_label, pages_label) = if found.total_is_exact {
        let s = if found.total == 1 { "" } else { "s" };
        (
            format!("{} signalement{s}", super::thousands(found.total)),
            pages.to_string(),
        )
    } else {
        (
            format!("Plus de {} signalements", super::thousands(found.total - 1)),
            format!("plus de {}", pages.saturating_sub(1)),
        )
    };
    let rows = found
        .items
        .iter()
        .map(|c| {
            let s = &c.signalement;
            Row {
                id: s.id.to_string(),
                reference: s.displayed_reference(),
                date: histologe_core::time::date_fr(s.created_at),
                adresse: format!(
                    "{}, {} {}",
                    s.adresse.adresse, s.adresse.code_postal, s.adresse.ville
                ),
                a_verifier: s.adresse.a_verifier,
                occupant: occupant(s),
                status: s.status.label(),
                score: format!("{:.0}", s.score),
                partners: c
                    .affectations
                    .iter()
                    .map(|(name, status)| (name.clone(), affectation_label(*status)))
                    .collect(),
            }
        })
        .collect();
    let query = params.query_without(None);
    let saved = state
        .app
        .saved_searches(&actor)
        .await?
        .into_iter()
        .map(|s| {
            let link = format!("/bo/signalements?{}", s.query);
            (s.id.to_string(), s.name, link)
        })
        .collect();
    let export_allowed =
        histologe_core::policy::can_export_list(&actor, has_active_filter(&filter)).is_ok();
    let template = List {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "signalements",
        tags: params.tags(&choices),
        form: FilterForm::new("/bo/signalements", true, &params, &choices, errors),
        rows,
        total_label,
        page,
        pages,
        pages_label,
        page_link: format!("/bo/signalements?{query}&page="),
        export_link: format!("/bo/signalements/export.csv?{query}"),
        can_export: export_allowed && found.total > 0,
        saved,
        save_name: save.name,
        save_error: save.error,
        current_query: query.clone(),
        export_hint: if export_allowed {
            ""
        } else {
            "Choisissez au moins un filtre pour exporter."
        },
    };
    let mut response = render(&template);
    if !template.form.errors.is_empty() || template.save_error.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct SaveSearchForm {
    #[serde(default)]
    nom: String,
    #[serde(default)]
    query: String,
}

/// Saves the filters of the list under a name, then shows that list; a
/// refused name shows the list again with the message and what was typed.
async fn save_search(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(form): Form<SaveSearchForm>,
) -> Result<Response, WebError> {
    match state.app.save_search(&actor, &form.nom, &form.query).await {
        Ok(saved) => Ok(Redirect::to(&format!("/bo/signalements?{}", saved.query)).into_response()),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            let params: ListParams = serde_urlencoded_params(&form.query);
            render_list(
                &state,
                &actor,
                &params,
                SaveForm {
                    name: form.nom,
                    error: Some(message),
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The list's parameters from a query string (unknown keys ignored).
fn serde_urlencoded_params(query: &str) -> ListParams {
    Query::<ListParams>::try_from_uri(
        &format!("/bo/signalements?{query}")
            .parse()
            .unwrap_or_else(|_| axum::http::Uri::from_static("/bo/signalements")),
    )
    .map(|Query(p)| p)
    .unwrap_or_default()
}

/// Deletes one of the actor's saved searches; someone else's is not found.
async fn delete_search(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = id
        .parse::<uuid::Uuid>()
        .map_err(|_| WebError::from(AppError::NotFound("Recherche")))?;
    state.app.delete_saved_search(&actor, id).await?;
    Ok(Redirect::to("/bo/signalements").into_response())
}
