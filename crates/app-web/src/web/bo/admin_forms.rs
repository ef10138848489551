//! What the administration pages (users, partners, territories, rules,
//! étiquettes) share: reading a posted form, the messages of a rejected
//! one, the "done" banner of a list, and the territory filter of the
//! lists an actor administers by territory.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use histologe_application::{AdminFormError, AppError, UserFormError};
use histologe_core::Actor;
use histologe_core::model::Territory;
use histologe_core::territory_code::TerritoryCode;
use histologe_core::validation::ValidationErrors;

use super::super::WebState;
use super::super::errors::WebError;

/// A posted form as its (name, value) pairs: checkboxes repeat a name.
pub(super) struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub(super) fn one(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub(super) fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub(super) fn checked(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
}

/// One message per field, and the summary linking to the fields
/// (`bo/_erreurs_formulaire.html`).
#[derive(Default)]
pub(super) struct FieldErrors {
    pub(super) summary: Vec<(String, String)>,
}

impl FieldErrors {
    pub(super) fn of(errors: &ValidationErrors) -> Self {
        Self {
            summary: errors
                .iter()
                .map(|(field, e)| (field.to_string(), e.message.clone()))
                .collect(),
        }
    }

    /// A form the page itself rejects before any use case runs.
    pub(super) fn one(field: &str, message: impl Into<String>) -> Self {
        Self {
            summary: vec![(field.to_string(), message.into())],
        }
    }

    pub(super) fn has(&self, field: &str) -> bool {
        self.summary.iter().any(|(f, _)| f == field)
    }

    pub(super) fn message(&self, field: &str) -> &str {
        self.summary
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, m)| m.as_str())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }
}

/// The failure of an administration use case: fields to correct, or
/// anything else.
pub(super) trait FormFailure {
    fn into_fields(self) -> Result<ValidationErrors, AppError>;
}

impl FormFailure for AdminFormError {
    fn into_fields(self) -> Result<ValidationErrors, AppError> {
        match self {
            AdminFormError::Invalid(errors) => Ok(errors),
            AdminFormError::Other(e) => Err(e),
        }
    }
}

impl FormFailure for UserFormError {
    fn into_fields(self) -> Result<ValidationErrors, AppError> {
        match self {
            UserFormError::Invalid(errors) => Ok(errors),
            UserFormError::Other(e) => Err(e),
        }
    }
}

/// What a submitted form leads to: what was saved, or the messages the
/// form is shown again with. Any other failure is the error page, so
/// that a refusal never reads as a field to correct.
pub(super) fn saved_or_rejected<T>(
    result: Result<T, impl FormFailure>,
) -> Result<Result<T, FieldErrors>, WebError> {
    match result {
        Ok(saved) => Ok(Ok(saved)),
        Err(failure) => Ok(Err(FieldErrors::of(&failure.into_fields()?))),
    }
}

/// A page answered 422 when the form it shows was rejected.
pub(super) fn with_status(invalid: bool, page: Response) -> Response {
    if invalid {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    }
}

/// The banner a list shows after a change: the text of the `fait` it was
/// redirected with, among those it knows.
pub(super) fn flash_of(done: &[(&str, &'static str)], asked: Option<&str>) -> Option<&'static str> {
    done.iter()
        .find(|(what, _)| asked == Some(*what))
        .map(|(_, text)| *text)
}

/// Back to a list filtered on `territory`, where the change is seen, with
/// its banner.
pub(super) fn back_to_list(list: &str, territory: &TerritoryCode, done: &str) -> Response {
    Redirect::to(&format!("{list}?territoire={territory}&fait={done}")).into_response()
}

pub(super) fn territory_choices(territories: &[Territory]) -> Vec<(String, String)> {
    territories
        .iter()
        .map(|t| {
            (
                t.code.as_str().to_string(),
                format!("{} · {}", t.code.as_str(), t.name),
            )
        })
        .collect()
}

/// The territories `actor` administers, as the choices of a territory
/// select (`bo/_filtre_territoire.html` and the forms).
pub(super) async fn administered_choices(
    state: &WebState,
    actor: &Actor,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(territory_choices(
        &state.app.administered_territories(actor).await?,
    ))
}

/// The code a territory select shows as chosen: none is "all".
pub(super) fn chosen_code(territory: Option<&TerritoryCode>) -> String {
    territory
        .map(|t| t.as_str().to_string())
        .unwrap_or_default()
}

/// The territory filter of a list an actor sees by territory
/// (`bo/_filtre_territoire.html`); the chosen one also preselects the
/// territory of the list's "create" link.
pub(super) struct TerritoryFilter {
    pub(super) choices: Vec<(String, String)>,
    pub(super) chosen: String,
}

impl TerritoryFilter {
    pub(super) async fn of(
        state: &WebState,
        actor: &Actor,
        chosen: Option<&TerritoryCode>,
    ) -> Result<Self, WebError> {
        Ok(TerritoryFilter {
            choices: administered_choices(state, actor).await?,
            chosen: chosen_code(chosen),
        })
    }
}
