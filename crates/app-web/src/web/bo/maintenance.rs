//! `/bo/maintenance`: a super admin turns the maintenance mode on (with an
//! optional message for visitors) or off. Anyone else is refused.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use histologe_application::{App, AppError, MAINTENANCE_MESSAGE_MAX};
use histologe_core::DomainError;
use histologe_core::policy::Refusal;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new().route("/bo/maintenance", get(show).post(switch))
}

#[derive(Template)]
#[template(path = "bo/maintenance.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    on: bool,
    /// The mode asked for in the form (kept when it is rejected).
    wants_on: bool,
    message: &'a str,
    error: Option<&'a str>,
    flash: Option<&'static str>,
    max: usize,
}

#[derive(Debug, Deserialize)]
struct Flash {
    fait: Option<String>,
}

fn refuse_unless_allowed(actor: &histologe_core::Actor) -> Result<(), WebError> {
    if App::may_manage_maintenance(actor) {
        Ok(())
    } else {
        Err(WebError(AppError::Domain(DomainError::Refused(
            Refusal::InsufficientRole,
        ))))
    }
}

async fn show(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(q): Query<Flash>,
) -> Result<Response, WebError> {
    refuse_unless_allowed(&actor)?;
    let current = state.app.maintenance().await?;
    let message = current
        .as_ref()
        .and_then(|m| m.message.clone())
        .unwrap_or_default();
    Ok(render(&Page {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "maintenance",
        on: current.is_some(),
        wants_on: current.is_some(),
        message: &message,
        error: None,
        flash: q.fait.map(|_| "Le mode maintenance est enregistré."),
        max: MAINTENANCE_MESSAGE_MAX,
    }))
}

#[derive(Debug, Deserialize)]
struct SwitchForm {
    /// `on` or `off`.
    #[serde(default)]
    mode: String,
    #[serde(default)]
    message: String,
}

async fn switch(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(form): Form<SwitchForm>,
) -> Result<Response, WebError> {
    refuse_unless_allowed(&actor)?;
    let wants_on = form.mode == "on";
    match state
        .app
        .set_maintenance(&actor, wants_on, &form.message)
        .await
    {
        Ok(_) => Ok(Redirect::to("/bo/maintenance?fait=1").into_response()),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            let on = state.app.maintenance().await?.is_some();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&Page {
                    platform: &state.settings.platform_name,
                    role: role_label(&actor),
                    section: "maintenance",
                    on,
                    wants_on,
                    message: &form.message,
                    error: Some(&message),
                    flash: None,
                    max: MAINTENANCE_MESSAGE_MAX,
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
