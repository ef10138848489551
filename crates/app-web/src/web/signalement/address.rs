//! The check after the address screen: the commune is found in the local
//! communes table from the postal code (and the INSEE code the address
//! autocomplete gave, when it did), then the online form must be open in
//! its territory.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use histologe_application::AppError;
use histologe_core::DomainError;
use histologe_core::form::Answers;
use histologe_core::search::fold;

use super::super::WebState;
use super::super::errors::WebError;

pub const SCREEN: &str = "adresse_logement";
const POSTAL_CODE: &str = "adresse_logement_adresse_detail_code_postal";
const COMMUNE: &str = "adresse_logement_adresse_detail_commune";
const INSEE: &str = "adresse_logement_adresse_detail_insee";

#[derive(Debug)]
pub enum Located {
    /// The commune is known and its territory takes signalements.
    Open,
    /// A field to correct, with what to say.
    Invalid(&'static str, String),
    /// Known commune, but no online form there yet.
    Closed(String),
}

/// Fills the INSEE code of the answers from the communes table, and says
/// whether the form is open there.
pub async fn locate(state: &WebState, answers: &mut Answers) -> Result<Located, WebError> {
    let postal_code = answers.get(POSTAL_CODE).unwrap_or_default().to_string();
    let commune = answers.get(COMMUNE).unwrap_or_default().to_string();
    let communes = state.app.communes_of_postal_code(&postal_code).await?;
    if communes.is_empty() {
        return Ok(Located::Invalid(
            POSTAL_CODE,
            "Ce code postal ne correspond à aucune commune. Vérifiez-le (5 chiffres, par exemple 13002).".into(),
        ));
    }
    let hinted = answers
        .get(INSEE)
        .and_then(|insee| communes.iter().find(|c| c.code_insee == insee));
    let wanted = fold(&commune);
    // "Marseille" for "Marseille 2e Arrondissement": the only commune of the
    // code whose name starts with what was typed. Anything else typed is
    // an error listing the communes, never silently replaced.
    let starting = |c: &&histologe_core::model::Commune| {
        !wanted.is_empty() && fold(&c.nom).starts_with(&wanted)
    };
    let found = hinted
        .or_else(|| communes.iter().find(|c| fold(&c.nom) == wanted))
        .or_else(
            || match communes.iter().filter(starting).collect::<Vec<_>>()[..] {
                [only] => Some(only),
                _ => None,
            },
        );
    let Some(found) = found else {
        let names: Vec<&str> = communes.iter().map(|c| c.nom.as_str()).collect();
        return Ok(Located::Invalid(
            COMMUNE,
            format!(
                "Cette commune ne correspond pas au code postal {postal_code}. Communes de ce code postal : {}.",
                names.join(", ")
            ),
        ));
    };
    answers.set_one(INSEE, found.code_insee.clone());
    answers.set_one(COMMUNE, found.nom.clone());
    match state.app.open_territory_for(&found.code_insee).await {
        Ok(_) => Ok(Located::Open),
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => Ok(Located::Closed(message)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SuggestionQuery {
    #[serde(default)]
    q: String,
}

/// One suggestion as the forms' autocomplete reads it.
#[derive(Debug, serde::Serialize)]
struct Suggestion {
    label: String,
    street: String,
    postcode: String,
    city: String,
    insee: String,
}

/// `GET /adresses/suggestions?q=…`: addresses of the national address
/// base for the forms' autocomplete, asked through the server (cached,
/// limited per client) rather than from the browser. 404 when no address
/// service is configured, so that the script stops asking.
pub async fn suggestions(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<SuggestionQuery>,
) -> Response {
    if !state.app.suggests_addresses() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let client = crate::web::bo::session::client(&headers);
    match state.app.suggest_addresses(&client, &query.q).await {
        Ok(found) => {
            let body: Vec<Suggestion> = found
                .into_iter()
                .map(|c| Suggestion {
                    label: c.label,
                    street: c.street,
                    postcode: c.postcode,
                    city: c.city,
                    insee: c.insee,
                })
                .collect();
            (
                [(axum::http::header::CACHE_CONTROL, "private, max-age=300")],
                Json(body),
            )
                .into_response()
        }
        Err(AppError::TooManyAttempts) => StatusCode::TOO_MANY_REQUESTS.into_response(),
        Err(_) => Json(Vec::<Suggestion>::new()).into_response(),
    }
}
