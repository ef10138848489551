//! `/bo/mon-compte/notifications`: every back-office user chooses how he
//! hears of his notifications by e-mail: one per event, a daily digest, or
//! none (features.md §2.11). His own account only: the page names no user,
//! and the use case asks the policy.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use histologe_core::model::MailingPreference;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::role_label;
use super::session::Staff;

pub const PATH: &str = "/bo/mon-compte/notifications";

pub fn routes() -> Router<WebState> {
    Router::new().route("/bo/mon-compte/notifications", get(show).post(save))
}

/// One choice of the form.
struct Choice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "bo/mon_compte_notifications.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    choices: Vec<Choice>,
    /// When the daily digest goes out, as people read it ("08:00").
    digest_at: String,
    error: Option<&'static str>,
    flash: Option<&'static str>,
}

fn hint(p: MailingPreference) -> &'static str {
    match p {
        MailingPreference::EachEvent => {
            "Vous recevez un e-mail dès qu'un événement vous concerne (nouveau signalement, nouveau suivi, nouvelle affectation, clôture…)."
        }
        MailingPreference::DailyDigest => {
            "Vous recevez chaque matin un seul e-mail qui reprend, signalement par signalement, les notifications de la veille."
        }
        MailingPreference::Nothing => {
            "Vous ne recevez plus d'e-mail de notification ; vos notifications restent visibles dans l'onglet Notifications."
        }
    }
}

fn page<'a>(
    state: &'a WebState,
    actor: &histologe_core::Actor,
    chosen: Option<MailingPreference>,
    error: Option<&'static str>,
    flash: Option<&'static str>,
) -> Page<'a> {
    Page {
        platform: &state.settings.platform_name,
        role: role_label(actor),
        section: "mon-compte",
        choices: MailingPreference::ALL
            .into_iter()
            .map(|p| Choice {
                value: p.as_str(),
                label: p.label(),
                hint: hint(p),
                checked: chosen == Some(p),
            })
            .collect(),
        digest_at: state.app.digest_schedule().at.format("%H:%M").to_string(),
        error,
        flash,
    }
}

#[derive(Debug, Deserialize)]
struct Flash {
    fait: Option<String>,
}

async fn show(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(q): Query<Flash>,
) -> Result<Response, WebError> {
    let current = state.app.mailing_preference(&actor).await?;
    Ok(render(&page(
        &state,
        &actor,
        Some(current),
        None,
        q.fait.map(|_| "Votre choix est enregistré."),
    )))
}

#[derive(Debug, Deserialize)]
struct ChoiceForm {
    #[serde(default)]
    preference: String,
}

async fn save(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, WebError> {
    let Some(preference) = MailingPreference::parse(&form.preference) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page(
                &state,
                &actor,
                None,
                Some("Choisissez comment recevoir vos notifications par e-mail."),
                None,
            )),
        )
            .into_response());
    };
    state.app.set_mailing_preference(&actor, preference).await?;
    Ok(Redirect::to(&format!("{PATH}?fait=1")).into_response())
}
