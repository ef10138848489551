//! Étiquettes (features.md §2.15): the tag list of a territory at
//! `/bo/etiquettes` for its RTs and super admins (list, create, rename,
//! delete), and adding or removing a tag on a case from its view.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use histologe_application::AppError;
use histologe_core::DomainError;
use histologe_core::ids::TagId;
use histologe_core::model::{Tag, Territory};
use histologe_core::policy::Refusal;
use histologe_core::territory_code::TerritoryCode;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::admin_forms::{back_to_list, flash_of, with_status};
use super::lecture::{after, parse_id};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/etiquettes", get(list).post(create))
        .route("/bo/etiquettes/{tag}/renommer", post(rename))
        .route("/bo/etiquettes/{tag}/supprimer", post(delete))
        .route("/bo/signalements/{id}/etiquettes", post(add_to_case))
        .route(
            "/bo/signalements/{id}/etiquettes/{tag}/retirer",
            post(remove_from_case),
        )
}

fn parse_tag(id: &str) -> Result<TagId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Étiquette")))
}

#[derive(Debug, Deserialize)]
struct TagChoice {
    #[serde(default)]
    etiquette: String,
}

async fn add_to_case(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(form): Form<TagChoice>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = match form.etiquette.parse::<TagId>() {
        Ok(tag) => state.app.tag_signalement(&actor, id, tag).await.map(drop),
        Err(_) => Err(DomainError::invalid("etiquette", "Choisissez une étiquette.").into()),
    };
    after(&state, &actor, id, result, "etiquette_ajoutee").await
}

async fn remove_from_case(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let tag = parse_tag(&tag)?;
    let result = state.app.untag_signalement(&actor, id, tag).await.map(drop);
    after(&state, &actor, id, result, "etiquette_retiree").await
}

struct Row {
    id: String,
    label: String,
    /// What the rename field shows: the label, or what was typed.
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "bo/etiquettes.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    territories: Vec<(String, String)>,
    territory: String,
    territory_name: String,
    rows: Vec<Row>,
    new_label: String,
    new_error: Option<String>,
    /// A form was rejected: the error summary is shown.
    invalid: bool,
    flash: Option<&'static str>,
}

const DONE: &[(&str, &str)] = &[
    ("cree", "L'étiquette est créée."),
    ("renomme", "L'étiquette est renommée."),
    ("supprime", "L'étiquette est supprimée."),
];

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    territoire: Option<String>,
    fait: Option<String>,
}

/// What a rejected form brings back to the page.
#[derive(Default)]
struct Rejected {
    new_label: String,
    new_error: Option<String>,
    /// (tag, typed label, message)
    rename: Option<(TagId, String, String)>,
}

/// The territory asked for among those `actor` manages, else his first.
fn chosen(territories: &[Territory], asked: Option<&str>) -> Option<Territory> {
    asked
        .and_then(|code| territories.iter().find(|t| t.code.as_str() == code))
        .or_else(|| territories.first())
        .cloned()
}

async fn render_page(
    state: &WebState,
    actor: &histologe_core::Actor,
    asked: Option<&str>,
    flash: Option<&'static str>,
    rejected: Rejected,
) -> Result<Response, WebError> {
    let territories = state.app.tag_territories(actor).await?;
    let Some(territory) = chosen(&territories, asked) else {
        return Err(AppError::from(Refusal::InsufficientRole).into());
    };
    let tags = state.app.territory_tags(actor, &territory.code).await?;
    let rows = tags
        .iter()
        .map(|t: &Tag| {
            let (value, error) = match &rejected.rename {
                Some((id, typed, message)) if *id == t.id => (typed.clone(), Some(message.clone())),
                _ => (t.label.clone(), None),
            };
            Row {
                id: t.id.to_string(),
                label: t.label.clone(),
                value,
                error,
            }
        })
        .collect();
    let invalid = rejected.new_error.is_some() || rejected.rename.is_some();
    let page = Page {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "etiquettes",
        territories: territories
            .iter()
            .map(|t| (t.code.as_str().to_string(), t.name.clone()))
            .collect(),
        territory: territory.code.as_str().to_string(),
        territory_name: territory.name.clone(),
        rows,
        new_label: rejected.new_label,
        new_error: rejected.new_error,
        invalid,
        flash,
    };
    Ok(with_status(invalid, render(&page)))
}

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    render_page(
        &state,
        &actor,
        query.territoire.as_deref(),
        flash_of(DONE, query.fait.as_deref()),
        Rejected::default(),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct CreateForm {
    #[serde(default)]
    territoire: String,
    #[serde(default)]
    label: String,
}

async fn create(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let territory = TerritoryCode::parse(&form.territoire)
        .map_err(|_| WebError(AppError::from(Refusal::InsufficientRole)))?;
    match state.app.create_tag(&actor, &territory, &form.label).await {
        Ok(tag) => Ok(back_to_list("/bo/etiquettes", &tag.territory, "cree")),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            render_page(
                &state,
                &actor,
                Some(territory.as_str()),
                None,
                Rejected {
                    new_label: form.label,
                    new_error: Some(message),
                    rename: None,
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct RenameForm {
    #[serde(default)]
    label: String,
}

async fn rename(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(tag): Path<String>,
    Form(form): Form<RenameForm>,
) -> Result<Response, WebError> {
    let id = parse_tag(&tag)?;
    match state.app.rename_tag(&actor, id, &form.label).await {
        Ok(tag) => Ok(back_to_list("/bo/etiquettes", &tag.territory, "renomme")),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            // The tag is one the actor manages (the use case got that far).
            let territory = state
                .app
                .tag_territory(&actor, id)
                .await?
                .map(|t| t.as_str().to_string());
            render_page(
                &state,
                &actor,
                territory.as_deref(),
                None,
                Rejected {
                    rename: Some((id, form.label, message)),
                    ..Rejected::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(tag): Path<String>,
) -> Result<Response, WebError> {
    let tag = state.app.delete_tag(&actor, parse_tag(&tag)?).await?;
    Ok(back_to_list("/bo/etiquettes", &tag.territory, "supprime"))
}
