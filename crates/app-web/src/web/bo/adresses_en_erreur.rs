//! `/bo/adresses-en-erreur`: the accounts whose e-mail address the mail
//! provider reported undeliverable (bounce, blocked, spam…), for super
//! admins (all) and territory admins (their territories), and the badge
//! the user and partner pages show for such an address.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use histologe_core::time::date_time_fr;
use histologe_ports::{AccountRef, DeliveryIssue};

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new().route("/bo/adresses-en-erreur", get(list))
}

/// What the provider's event means for the person who reads the page.
pub fn event_label(event: &str) -> &'static str {
    match event {
        "hard_bounce" => "adresse inexistante ou refusée définitivement",
        "soft_bounce" => "boîte pleine ou serveur indisponible",
        "blocked" => "envois bloqués par le fournisseur",
        "spam" => "e-mail signalé comme indésirable",
        "invalid_email" => "adresse invalide",
        "unsubscribed" => "désinscription des e-mails",
        _ => "erreur d'envoi",
    }
}

/// The badge of an undeliverable address on a user's or partner's page.
#[derive(Debug, Clone)]
pub struct Badge {
    pub label: &'static str,
    pub reason: Option<String>,
    pub date: String,
}

impl Badge {
    pub fn of(issue: DeliveryIssue) -> Badge {
        Badge {
            label: event_label(&issue.event),
            reason: issue.reason,
            date: date_time_fr(issue.occurred_at),
        }
    }
}

/// The badge of `email`, if it has an issue.
pub async fn badge_of(state: &WebState, email: &str) -> Result<Option<Badge>, WebError> {
    if email.trim().is_empty() {
        return Ok(None);
    }
    Ok(state.app.delivery_issue_of(email).await?.map(Badge::of))
}

struct Line {
    name: String,
    kind: &'static str,
    link: String,
    email: String,
    badge: Badge,
}

#[derive(Template)]
#[template(path = "bo/adresses_en_erreur.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    lines: Vec<Line>,
}

async fn list(State(state): State<WebState>, Staff(actor): Staff) -> Result<Response, WebError> {
    let lines = state
        .app
        .undeliverable_accounts(&actor)
        .await?
        .into_iter()
        .map(|a| {
            let (kind, link) = match a.account {
                AccountRef::User(id) => ("Utilisateur", format!("/bo/utilisateurs/{id}")),
                AccountRef::Partner(id) => (
                    "Partenaire (adresse générique)",
                    format!("/bo/partenaires/{id}"),
                ),
            };
            Line {
                name: a.name,
                kind,
                link,
                email: a.issue.email.clone(),
                badge: Badge::of(a.issue),
            }
        })
        .collect();
    Ok(render(&Page {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "tableau",
        lines,
    }))
}
