//! Territories (features.md §2.15, super admins only) at `/bo/territoires`:
//! open or close a territory to reports and set the communes it accepts.
//! The public form reads the territory at every address it checks, so a
//! change takes effect at once.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use histologe_application::AppError;
use histologe_core::Actor;
use histologe_core::administration::TerritoryInput;
use histologe_core::model::Territory;
use histologe_core::territory_code::TerritoryCode;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::admin_forms::{FieldErrors, Pairs, flash_of, saved_or_rejected, with_status};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/territoires", get(list))
        .route("/bo/territoires/{territoire}", get(edit_form).post(update))
}

fn parse_code(code: &str) -> Result<TerritoryCode, WebError> {
    TerritoryCode::parse(code).map_err(|_| WebError(AppError::NotFound("Territoire")))
}

struct Row {
    code: String,
    name: String,
    open: bool,
    authorized: String,
}

#[derive(Template)]
#[template(path = "bo/territoires.html")]
struct ListPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    rows: Vec<Row>,
    flash: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    fait: Option<String>,
}

const DONE: &[(&str, &str)] = &[("modifie", "Le territoire est modifié.")];

/// The authorised communes as a line: the first ones, then how many more.
fn authorized_summary(t: &Territory) -> String {
    const SHOWN: usize = 8;
    match t.authorized_insee.len() {
        0 => "Toutes les communes".to_string(),
        n if n <= SHOWN => t.authorized_insee.join(", "),
        n => format!("{}… ({n} communes)", t.authorized_insee[..SHOWN].join(", ")),
    }
}

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let territories = state.app.admin_territories(&actor).await?;
    let rows = territories
        .iter()
        .map(|t| Row {
            code: t.code.as_str().to_string(),
            name: t.name.clone(),
            open: t.is_active,
            authorized: authorized_summary(t),
        })
        .collect();
    let page = ListPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "territoires",
        rows,
        flash: flash_of(DONE, query.fait.as_deref()),
    };
    Ok(render(&page).into_response())
}

#[derive(Template)]
#[template(path = "bo/territoires_fiche.html")]
struct EditPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    code: String,
    name: String,
    open: bool,
    authorized: String,
    errors: FieldErrors,
}

fn render_edit(
    state: &WebState,
    actor: &Actor,
    territory: &Territory,
    open: bool,
    authorized: String,
    errors: FieldErrors,
) -> Response {
    let invalid = !errors.is_empty();
    let page = EditPage {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "territoires",
        code: territory.code.as_str().to_string(),
        name: territory.name.clone(),
        open,
        authorized,
        errors,
    };
    with_status(invalid, render(&page))
}

async fn edit_form(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let territory = state
        .app
        .admin_territory(&actor, &parse_code(&code)?)
        .await?;
    Ok(render_edit(
        &state,
        &actor,
        &territory,
        territory.is_active,
        territory.authorized_insee.join(", "),
        FieldErrors::default(),
    ))
}

async fn update(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let code = parse_code(&code)?;
    let pairs = Pairs(pairs);
    let input = TerritoryInput {
        is_active: pairs.one("ouvert") == "oui",
        authorized_insee: pairs.one("authorized_insee"),
    };
    let result = state.app.update_territory(&actor, &code, &input).await;
    match saved_or_rejected(result)? {
        Ok(_) => Ok(Redirect::to("/bo/territoires?fait=modifie").into_response()),
        Err(errors) => {
            let territory = state.app.admin_territory(&actor, &code).await?;
            Ok(render_edit(
                &state,
                &actor,
                &territory,
                input.is_active,
                input.authorized_insee,
                errors,
            ))
        }
    }
}
