//! What the signalement view shows beside the case itself (features.md
//! §2.6): its étiquettes, whether the reader follows it, the other cases
//! at the same address he may see, and its history when the policy lets
//! him read it. Built once per page; the templates `_dossier_lecture.html`
//! and `_historique.html` lay it out.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use histologe_application::AppError;
use histologe_core::ids::SignalementId;
use histologe_core::model::Case;
use histologe_core::{Action, Actor, DomainError, Resource, can};

use super::super::WebState;
use super::super::errors::WebError;
use super::historique::{HistoryItem, timeline};
use super::session::Staff;

#[derive(Debug)]
pub struct TagItem {
    pub id: String,
    pub label: String,
}

#[derive(Debug)]
pub struct SameAddressItem {
    pub id: String,
    pub reference: String,
    pub status: &'static str,
    pub date: String,
}

#[derive(Debug)]
pub struct Panel {
    pub tags: Vec<TagItem>,
    /// Tags of the territory the reader may add (empty when he may not).
    pub tag_choices: Vec<TagItem>,
    pub may_edit_tags: bool,
    pub follows: bool,
    pub may_follow: bool,
    pub may_unfollow: bool,
    pub unfollow_refused: Option<String>,
    pub same_address: Vec<SameAddressItem>,
    /// `None` when the reader may not see the history.
    pub history: Option<Vec<HistoryItem>>,
}

/// Fields of the audit log whose values are ids worth naming.
const NAMED_FIELDS: &[&str] = &[
    "tags",
    "partner_id",
    "closed_by",
    "answered_by",
    "affected_by",
];

pub async fn panel(state: &WebState, actor: &Actor, case: &Case) -> Result<Panel, WebError> {
    let app = &state.app;
    let item = |t: &histologe_core::model::Tag| TagItem {
        id: t.id.to_string(),
        label: t.label.clone(),
    };
    let case_tags = app.case_tags(actor, case).await?;
    let tags = case_tags.on_case.iter().map(item).collect();
    let tag_choices = case_tags.addable.iter().map(item).collect();
    let following = app.following(actor, case).await?;
    let same_address = app
        .same_address_cases(actor, case)
        .await?
        .into_iter()
        .map(|s| SameAddressItem {
            id: s.id.to_string(),
            reference: s.displayed_reference(),
            status: s.status.label(),
            date: histologe_core::time::date_fr(s.created_at),
        })
        .collect();
    let history = if can(actor, Action::ViewHistory, Resource::Signalement(case)).is_ok() {
        let history = app.case_history(actor, case, NAMED_FIELDS).await?;
        Some(timeline(&history.lines, &history.names))
    } else {
        None
    };
    Ok(Panel {
        tags,
        tag_choices,
        may_edit_tags: can(actor, Action::EditTags, Resource::Signalement(case)).is_ok(),
        follows: following.follows,
        may_follow: following.may_follow,
        may_unfollow: following.may_unfollow,
        unfollow_refused: following.unfollow_refused,
        same_address,
        history,
    })
}

/// What the view says after each action on the case of this module and of
/// `etiquettes`.
const DONE: &[(&str, &str)] = &[
    (
        "etiquette_ajoutee",
        "L'étiquette est ajoutée au signalement.",
    ),
    (
        "etiquette_retiree",
        "L'étiquette est retirée du signalement.",
    ),
    ("abonne", "Vous suivez ce dossier."),
    ("desabonne", "Vous ne suivez plus ce dossier."),
];

pub(super) fn flash(done: Option<&str>) -> Option<&'static str> {
    DONE.iter()
        .find(|(what, _)| done == Some(*what))
        .map(|(_, text)| *text)
}

pub(super) fn parse_id(id: &str) -> Result<SignalementId, WebError> {
    id.parse()
        .map_err(|_| WebError(AppError::NotFound("Signalement")))
}

/// Back to the view saying what was done, or the view again (422) saying
/// what was wrong with the form. A refusal is the error page: the view
/// offers only what the policy allows, so only a forged post gets there.
pub(super) async fn after(
    state: &WebState,
    actor: &Actor,
    id: SignalementId,
    result: Result<(), AppError>,
    done: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/bo/signalements/{id}?fait={done}")).into_response()),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => {
            super::dossier::page(state, actor, id, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/signalements/{id}/suivre", post(follow))
        .route("/bo/signalements/{id}/ne-plus-suivre", post(unfollow))
}

async fn follow(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = state.app.follow_signalement(&actor, id).await;
    after(&state, &actor, id, result, "abonne").await
}

async fn unfollow(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = state.app.unfollow_signalement(&actor, id).await;
    after(&state, &actor, id, result, "desabonne").await
}
