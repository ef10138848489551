//! Errors become pages here, in one place: the person reads what happened
//! and what to do, in French; details go to the logs, never to the page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use histologe_application::AppError;
use histologe_core::DomainError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    platform: &'a str,
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// The platform name of error pages, which have no state at hand.
pub const PLATFORM: &str = "Signal Logement";

/// Renders a template, or a plain error page if rendering fails.
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            page(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// The page of an HTTP status.
pub fn page(status: StatusCode) -> Response {
    let (title, message) = match status {
        StatusCode::NOT_FOUND => (
            "Page introuvable",
            "Cette page n'existe pas ou n'est plus disponible. Si vous avez suivi un lien reçu par e-mail, vérifiez qu'il est complet.",
        ),
        StatusCode::FORBIDDEN => ("Accès refusé", "Vous n'avez pas accès à cette page."),
        StatusCode::TOO_MANY_REQUESTS => (
            "Trop de tentatives",
            "Pour protéger les dossiers, les essais sont limités. Réessayez dans quelques minutes.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Fichier trop volumineux",
            "Le fichier envoyé dépasse la taille autorisée (10 Mo). Revenez en arrière et choisissez un fichier plus léger.",
        ),
        _ => (
            "Une erreur est survenue",
            "Le service rencontre un problème. Ce que vous avez déjà enregistré est conservé : réessayez dans quelques minutes.",
        ),
    };
    let html = ErrorPage {
        platform: PLATFORM,
        status: status.as_u16(),
        title,
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_string());
    (status, Html(html)).into_response()
}

pub async fn not_found() -> Response {
    page(StatusCode::NOT_FOUND)
}

/// A failed use case, as a page. Invalid input is not handled here: forms
/// show it next to the field.
#[derive(Debug)]
pub struct WebError(pub AppError);

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError(e)
    }
}

impl From<histologe_ports::RepoError> for WebError {
    fn from(e: histologe_ports::RepoError) -> Self {
        WebError(AppError::Repo(e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let e = self.0;
        if e.hides_existence() {
            return page(StatusCode::NOT_FOUND);
        }
        match e {
            AppError::TooManyAttempts => page(StatusCode::TOO_MANY_REQUESTS),
            AppError::Domain(DomainError::Refused(_)) => page(StatusCode::FORBIDDEN),
            other => {
                tracing::error!(error = %other, "request failed");
                page(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}
