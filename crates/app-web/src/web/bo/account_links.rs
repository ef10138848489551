//! The pages of e-mailed account links: `/mot-de-passe-perdu` and
//! `/activation` ask for a link, `/nouveau-mot-de-passe/{token}` sets the
//! password with it (docs/decisions/0019-account-links-and-login-codes.md).
//!
//! Anonymous pages, like `/connexion`: the link's secret is the only
//! credential. The token is in the path; every answer carries
//! `Referrer-Policy: no-referrer` (security.rs) and the request log shows
//! the path without it (`security::loggable_path`).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use histologe_application::{AppError, LinkPurpose};
use histologe_core::DomainError;
use serde::Deserialize;

use crate::web::WebState;
use crate::web::bo::session::client;
use crate::web::errors::{WebError, render};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/mot-de-passe-perdu", get(reset_page).post(ask_reset))
        .route("/activation", get(activation_page).post(ask_activation))
        .route(
            "/nouveau-mot-de-passe/{token}",
            get(new_password_page).post(set_new_password),
        )
}

#[derive(Template)]
#[template(path = "bo/demande_lien.html")]
struct RequestPage<'a> {
    platform: &'a str,
    heading: &'a str,
    intro: &'a str,
    /// What the link is for, in the confirmation.
    link_use: &'a str,
    action: &'a str,
    email: &'a str,
    sent: bool,
    error: Option<&'a str>,
    email_error: Option<&'a str>,
}

/// The two request pages differ only by their words and their use case.
#[derive(Clone, Copy)]
struct Request {
    purpose: LinkPurpose,
    heading: &'static str,
    intro: &'static str,
    link_use: &'static str,
    action: &'static str,
}

const RESET: Request = Request {
    purpose: LinkPurpose::PasswordReset,
    heading: "Mot de passe perdu",
    intro: "Indiquez l'adresse e-mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe, valable 1 heure.",
    link_use: "pour choisir un nouveau mot de passe (valable 1 heure)",
    action: "/mot-de-passe-perdu",
};

const ACTIVATION: Request = Request {
    purpose: LinkPurpose::Activation,
    heading: "Activer mon compte",
    intro: "Votre compte a été créé mais pas encore activé, ou le lien d'activation a expiré ? Indiquez l'adresse e-mail de votre compte : vous recevrez un nouveau lien d'activation, valable 7 jours.",
    link_use: "pour activer le compte (valable 7 jours)",
    action: "/activation",
};

const TOO_MANY: &str =
    "Trop de demandes pour cette adresse ou depuis ce poste. Réessayez dans une heure.";

#[derive(Debug, Deserialize)]
struct SentQuery {
    envoye: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

fn request_page(
    state: &WebState,
    r: Request,
    status: StatusCode,
    email: &str,
    sent: bool,
    error: Option<&str>,
    email_error: Option<&str>,
) -> Response {
    (
        status,
        render(&RequestPage {
            platform: &state.settings.platform_name,
            heading: r.heading,
            intro: r.intro,
            link_use: r.link_use,
            action: r.action,
            email,
            sent,
            error,
            email_error,
        }),
    )
        .into_response()
}

async fn reset_page(State(state): State<WebState>, Query(q): Query<SentQuery>) -> Response {
    request_page(
        &state,
        RESET,
        StatusCode::OK,
        "",
        q.envoye.is_some(),
        None,
        None,
    )
}

async fn activation_page(State(state): State<WebState>, Query(q): Query<SentQuery>) -> Response {
    request_page(
        &state,
        ACTIVATION,
        StatusCode::OK,
        "",
        q.envoye.is_some(),
        None,
        None,
    )
}

async fn ask_reset(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Result<Response, WebError> {
    ask(state, headers, form, RESET).await
}

async fn ask_activation(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Result<Response, WebError> {
    ask(state, headers, form, ACTIVATION).await
}

/// The same answer whether the address has an account or not.
async fn ask(
    state: WebState,
    headers: HeaderMap,
    form: EmailForm,
    r: Request,
) -> Result<Response, WebError> {
    let email = form.email.trim();
    if email.is_empty() || !email.contains('@') {
        return Ok(request_page(
            &state,
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            email,
            false,
            None,
            Some("Saisissez l'adresse e-mail de votre compte, au format nom@domaine.fr."),
        ));
    }
    let client = client(&headers);
    let asked = match r.purpose {
        LinkPurpose::PasswordReset => state.app.request_password_reset(email, &client).await,
        LinkPurpose::Activation => state.app.request_activation_link(email, &client).await,
    };
    match asked {
        Ok(()) => Ok(Redirect::to(&format!("{}?envoye=1", r.action)).into_response()),
        Err(AppError::TooManyAttempts) => Ok(request_page(
            &state,
            r,
            StatusCode::TOO_MANY_REQUESTS,
            email,
            false,
            Some(TOO_MANY),
            None,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "bo/lien_invalide.html")]
struct DeadLinkPage<'a> {
    platform: &'a str,
}

/// One page for a used, expired, revoked or unknown link.
fn dead_link(state: &WebState) -> Response {
    (
        StatusCode::GONE,
        render(&DeadLinkPage {
            platform: &state.settings.platform_name,
        }),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "bo/nouveau_mot_de_passe.html")]
struct NewPasswordPage<'a> {
    platform: &'a str,
    heading: &'a str,
    email: &'a str,
    password_error: Option<&'a str>,
    confirmation_error: Option<&'a str>,
}

fn heading(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::Activation => "Activer mon compte : choisir mon mot de passe",
        LinkPurpose::PasswordReset => "Choisir un nouveau mot de passe",
    }
}

async fn new_password_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    match state.app.account_link(&token).await {
        Ok(link) => Ok(render(&NewPasswordPage {
            platform: &state.settings.platform_name,
            heading: heading(link.purpose),
            email: &link.email,
            password_error: None,
            confirmation_error: None,
        })
        .into_response()),
        Err(AppError::NoLongerValid) => Ok(dead_link(&state)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct NewPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

/// Passwords are never written back into the page: a rejected form comes
/// back with empty fields and the reason next to each.
async fn set_new_password(
    State(state): State<WebState>,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let link = match app.account_link(&token).await {
        Ok(link) => link,
        Err(AppError::NoLongerValid) => return Ok(dead_link(&state)),
        Err(e) => return Err(e.into()),
    };
    let rejected = |password_error: Option<&str>, confirmation_error: Option<&str>| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&NewPasswordPage {
                platform: &state.settings.platform_name,
                heading: heading(link.purpose),
                email: &link.email,
                password_error,
                confirmation_error,
            }),
        )
            .into_response()
    };
    if form.password.is_empty() {
        return Ok(rejected(Some("Saisissez un nouveau mot de passe."), None));
    }
    match app
        .set_password_with_link(&token, &form.password, &form.confirmation)
        .await
    {
        Ok(LinkPurpose::Activation) => Ok(Redirect::to("/connexion?compte=active").into_response()),
        Ok(LinkPurpose::PasswordReset) => {
            Ok(Redirect::to("/connexion?mot-de-passe=change").into_response())
        }
        Err(AppError::Domain(DomainError::Invalid { field, message })) => {
            Ok(if field == "confirmation" {
                rejected(None, Some(&message))
            } else {
                rejected(Some(&message), None)
            })
        }
        Err(AppError::NoLongerValid) => Ok(dead_link(&state)),
        Err(e) => Err(e.into()),
    }
}
