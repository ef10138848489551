//! In-app notifications (features.md §2.11): `/bo/notifications` lists the
//! signed-in user's own, newest first, by pages; he marks them all read,
//! deletes one or all. Someone else's notification is "not found".
//!
//! The header of every back-office page shows how many are unread: a
//! middleware on the back-office routes counts them once per GET and keeps
//! the count in a task-local value that `base.html` reads through
//! [`unseen_badge`], so no page struct needs a field for it.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use histologe_application::{AppError, NOTIFICATIONS_PAGE_SIZE};
use histologe_core::ids::NotificationId;
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::role_label;
use super::session::Staff;

tokio::task_local! {
    static UNSEEN: Option<u64>;
}

/// The signed-in user's unread notifications, while a back-office page is
/// rendered (`None` elsewhere, or for nobody signed in).
pub fn unseen() -> Option<u64> {
    UNSEEN.try_with(|n| *n).ok().flatten()
}

/// What the header's "Notifications" link adds: "3 non lues", nothing when
/// all are read; `None` when no one is signed in (no link at all).
pub fn unseen_badge() -> Option<String> {
    unseen().map(|n| match n {
        0 => String::new(),
        1 => "1 non lue".to_string(),
        n => format!("{n} non lues"),
    })
}

/// Counts the unread notifications of the user signed in, for the pages'
/// header. Only pages (GET) show it; a request without a session goes on
/// untouched (its handler sends it to the login page).
pub async fn count_unseen(State(state): State<WebState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET || !request.uri().path().starts_with("/bo") {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let unseen = match Staff::from_request_parts(&mut parts, &state).await {
        Ok(Staff(actor)) => state.app.unseen_notifications(&actor).await.ok(),
        Err(_) => None,
    };
    UNSEEN
        .scope(unseen, next.run(Request::from_parts(parts, body)))
        .await
}

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/notifications", get(list))
        .route("/bo/notifications/lues", post(mark_all_seen))
        .route("/bo/notifications/supprimer", post(delete_all))
        .route(
            "/bo/notifications/{notification}/supprimer",
            post(delete_one),
        )
}

struct Row {
    id: String,
    date: String,
    kind: &'static str,
    unseen: bool,
    /// (id, reference) of the case, when the reader may open it.
    case: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "bo/notifications.html")]
struct Page<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    rows: Vec<Row>,
    total: u64,
    page: u32,
    pages: u32,
    flash: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    page: Option<u32>,
    fait: Option<String>,
}

const DONE: &[(&str, &str)] = &[
    ("lues", "Toutes vos notifications sont marquées comme lues."),
    ("supprimee", "La notification est supprimée."),
    ("supprimees", "Toutes vos notifications sont supprimées."),
];

async fn list(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = query.page.unwrap_or(1).max(1);
    let found = state.app.notifications(&actor, page).await?;
    let pages =
        u32::try_from(found.total.div_ceil(u64::from(NOTIFICATIONS_PAGE_SIZE))).unwrap_or(u32::MAX);
    let rows = found
        .items
        .iter()
        .map(|line| Row {
            id: line.notification.id.to_string(),
            date: histologe_core::time::date_time_fr(line.notification.created_at),
            kind: line.notification.notification_type.label(),
            unseen: !line.notification.is_seen,
            case: line
                .signalement
                .as_ref()
                .map(|s| (s.id.to_string(), s.displayed_reference())),
        })
        .collect();
    Ok(render(&Page {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "notifications",
        rows,
        total: found.total,
        page,
        pages,
        flash: DONE
            .iter()
            .find(|(what, _)| query.fait.as_deref() == Some(*what))
            .map(|(_, text)| *text),
    }))
}

fn done(what: &str) -> Response {
    Redirect::to(&format!("/bo/notifications?fait={what}")).into_response()
}

async fn mark_all_seen(
    State(state): State<WebState>,
    Staff(actor): Staff,
) -> Result<Response, WebError> {
    state.app.mark_notifications_seen(&actor).await?;
    Ok(done("lues"))
}

async fn delete_one(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: NotificationId = id
        .parse()
        .map_err(|_| WebError(AppError::NotFound("Notification")))?;
    state.app.delete_notification(&actor, id).await?;
    Ok(done("supprimee"))
}

async fn delete_all(
    State(state): State<WebState>,
    Staff(actor): Staff,
) -> Result<Response, WebError> {
    state.app.delete_all_notifications(&actor).await?;
    Ok(done("supprimees"))
}
