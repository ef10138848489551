//! The address block of a signalement's page: the address, the flag when
//! the national address base was not sure of it, the building and the DPE
//! found for it, and the agent's correction (with an optional pin).

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use axum::routing::post;
use histologe_application::AppError;
use histologe_core::geocoding::AddressEdit;
use histologe_core::model::{Case, GeoPoint};
use histologe_core::{Action, Actor, DomainError, Resource, can};
use serde::Deserialize;

use super::super::WebState;
use super::super::errors::WebError;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new().route("/bo/signalements/{id}/adresse", post(edit))
}

/// The DPE of the ADEME's open data, as the page shows it.
#[derive(Debug)]
pub struct DpeView {
    pub numero: String,
    pub classe: String,
    pub consommation: String,
    pub date: String,
    pub url: String,
}

/// What the address form shows: the case's address, or what the agent
/// typed when it was refused (nothing he typed is lost).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Typed {
    #[serde(default)]
    pub adresse: String,
    #[serde(default)]
    pub code_postal: String,
    #[serde(default)]
    pub ville: String,
    /// Filled by the autocomplete; otherwise found from the communes data.
    #[serde(default)]
    pub insee: String,
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
}

#[derive(Debug)]
pub struct Panel {
    pub a_verifier: bool,
    /// The correction form is shown open (the address to check, or a
    /// refused correction).
    pub open: bool,
    /// The current point, to centre the pin map on.
    pub lat: String,
    pub lng: String,
    pub point: Option<String>,
    pub ban_id: Option<String>,
    pub rnb_id: Option<String>,
    pub dpe: Option<DpeView>,
    pub may_edit: bool,
    pub form: Typed,
}

fn decimal_fr(value: f64, digits: usize) -> String {
    format!("{value:.digits$}").replace('.', ",")
}

pub fn panel(actor: &Actor, case: &Case, typed: Option<Typed>) -> Panel {
    let a = &case.signalement.adresse;
    // Refused, the form shows what was typed, open; otherwise the case's
    // address, the coordinates empty: a pin is a new point, never the
    // stored one sent back unchanged with a new street.
    let refused = typed.is_some();
    let form = typed.unwrap_or_else(|| Typed {
        adresse: a.adresse.clone(),
        code_postal: a.code_postal.clone(),
        ville: a.ville.clone(),
        insee: a.insee.clone().unwrap_or_default(),
        latitude: String::new(),
        longitude: String::new(),
    });
    Panel {
        a_verifier: a.a_verifier,
        open: a.a_verifier || refused,
        lat: a.geoloc.map(|p| p.lat.to_string()).unwrap_or_default(),
        lng: a.geoloc.map(|p| p.lng.to_string()).unwrap_or_default(),
        point: a
            .geoloc
            .map(|p| format!("{} ; {}", decimal_fr(p.lat, 5), decimal_fr(p.lng, 5))),
        ban_id: a.ban_id.clone().filter(|id| !id.is_empty() && id != "0"),
        rnb_id: a.rnb_id.clone().filter(|id| !id.is_empty()),
        dpe: case
            .signalement
            .logement
            .dpe_ademe
            .as_ref()
            .map(|d| DpeView {
                numero: d.numero.clone(),
                classe: d.classe.map_or("non indiquée", |c| c.as_str()).to_string(),
                consommation: d.consommation_kwh_m2.map_or_else(
                    || "non indiquée".to_string(),
                    |c| format!("{} kWh/m²/an (énergie finale)", decimal_fr(c, 0)),
                ),
                date: d.date.map_or_else(
                    || "non indiquée".to_string(),
                    |d| d.format("%d/%m/%Y").to_string(),
                ),
                url: d.url(),
            }),
        may_edit: can(actor, Action::EditSignalement, Resource::Signalement(case)).is_ok(),
        form,
    }
}

/// The pin: both coordinates or neither, in France's reach.
fn point(typed: &Typed) -> Result<Option<GeoPoint>, AppError> {
    let read = |v: &str| v.trim().replace(',', ".").parse::<f64>().ok();
    match (typed.latitude.trim(), typed.longitude.trim()) {
        ("", "") => Ok(None),
        (lat, lng) => match (read(lat), read(lng)) {
            (Some(lat), Some(lng))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) =>
            {
                Ok(Some(GeoPoint { lat, lng }))
            }
            _ => Err(DomainError::invalid(
                "latitude",
                "Les coordonnées du point sont invalides : indiquez la latitude et la longitude en degrés décimaux (par exemple 43,29650 et 5,36978), ou laissez-les vides.",
            )
            .into()),
        },
    }
}

async fn edit(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let id = super::dossier::parse_id(&id)?;
    let result = match point(&typed) {
        Ok(point) => state
            .app
            .edit_address(
                &actor,
                id,
                AddressEdit {
                    adresse: typed.adresse.clone(),
                    code_postal: typed.code_postal.clone(),
                    ville: typed.ville.clone(),
                    insee: typed.insee.clone(),
                    point,
                },
            )
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    super::dossier::after_keeping(&state, &actor, id, result, "adresse", typed).await
}
