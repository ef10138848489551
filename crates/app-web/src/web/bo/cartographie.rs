//! `/bo/cartographie` (features.md §2.9): the list's filters over a map of
//! OpenStreetMap tiles. The page's script (`static/carte.js`, Leaflet and
//! its marker clusters) asks `/bo/cartographie/points` for the cases inside
//! the visible rectangle; they come from the list's use case, so the map
//! shows exactly what the list would (`list_scope`, the same filters).
//! The page also links the list with the same filters: the map is drawn,
//! the list is what keyboards and screen readers read.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use histologe_application::MAP_POINTS_MAX;
use histologe_ports::GeoBounds;
use serde::{Deserialize, Serialize};

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::super::security::MAP_CSP;
use super::list_params::{FilterForm, ListParams, STATUSES};
use super::pages::read_filter;
use super::role_label;
use super::session::Staff;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/cartographie", get(page))
        .route("/bo/cartographie/points", get(points))
}

#[derive(Template)]
#[template(path = "bo/cartographie.html")]
struct Carte<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    form: FilterForm,
    /// The list with the same filters.
    list_link: String,
    /// The filters' query string, which the script sends with each
    /// rectangle.
    filters: String,
    /// Each status of the legend: its code (the marker's class) and words.
    legend: Vec<(&'static str, &'static str)>,
    max_points: String,
}

async fn page(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    let (_, errors, choices) = read_filter(&state, &actor, &params).await?;
    // The map has no order: only the filters travel.
    let filters = ListParams {
        tri: String::new(),
        ..params.clone()
    }
    .query_without(None);
    let template = Carte {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "cartographie",
        list_link: if filters.is_empty() {
            "/bo/signalements".to_string()
        } else {
            format!("/bo/signalements?{filters}")
        },
        filters,
        legend: STATUSES.iter().map(|s| (s.as_str(), s.label())).collect(),
        max_points: super::thousands(u64::from(MAP_POINTS_MAX)),
        form: FilterForm::new("/bo/cartographie", false, &params, &choices, errors),
    };
    let mut response = render(&template);
    if !template.form.errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(MAP_CSP),
    );
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
struct BboxParam {
    #[serde(default)]
    bbox: Option<String>,
}

/// `west,south,east,north` in WGS84 degrees, as Leaflet's
/// `LatLngBounds.toBBoxString` writes them.
fn read_bbox(text: Option<&str>) -> Result<GeoBounds, &'static str> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or("Le paramètre bbox est requis : ouest,sud,est,nord en degrés.")?;
    let values = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| "bbox doit compter quatre nombres : ouest,sud,est,nord en degrés.")?;
    let [west, south, east, north] = values[..] else {
        return Err("bbox doit compter quatre nombres : ouest,sud,est,nord en degrés.");
    };
    if ![west, south, east, north].iter().all(|v| v.is_finite()) {
        return Err("bbox doit compter quatre nombres : ouest,sud,est,nord en degrés.");
    }
    if !(-180.0..=180.0).contains(&west)
        || !(-180.0..=180.0).contains(&east)
        || !(-90.0..=90.0).contains(&south)
        || !(-90.0..=90.0).contains(&north)
    {
        return Err(
            "bbox sort du globe : longitudes entre -180 et 180, latitudes entre -90 et 90.",
        );
    }
    if west >= east || south >= north {
        return Err("bbox doit aller d'ouest en est et du sud au nord.");
    }
    Ok(GeoBounds {
        west,
        south,
        east,
        north,
    })
}

#[derive(Debug, Serialize)]
struct Points {
    points: Vec<Point>,
    /// Cases inside the rectangle, shown or not.
    total: u64,
    /// Some were left out (the newest are shown): zooming in shows them.
    truncated: bool,
}

#[derive(Debug, Serialize)]
struct Point {
    id: String,
    reference: String,
    lat: f64,
    lng: f64,
    status: &'static str,
    status_label: &'static str,
    /// Percent, rounded.
    criticite: u32,
    address: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct PointsError {
    error: &'static str,
}

/// The list's cases inside `bbox` as JSON. Filters that cannot be read
/// are left out, as on the list (the page shows why).
async fn points(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Query(params): Query<ListParams>,
    Query(bbox): Query<BboxParam>,
) -> Result<Response, WebError> {
    let bounds = match read_bbox(bbox.bbox.as_deref()) {
        Ok(bounds) => bounds,
        Err(error) => {
            return Ok((StatusCode::BAD_REQUEST, Json(PointsError { error })).into_response());
        }
    };
    let (filter, _, _) = read_filter(&state, &actor, &params).await?;
    let found = state.app.map_points(&actor, &filter, bounds).await?;
    let points: Vec<Point> = found
        .items
        .iter()
        .filter_map(|s| {
            let at = s.adresse.geoloc?;
            Some(Point {
                id: s.id.to_string(),
                reference: s.displayed_reference(),
                lat: at.lat,
                lng: at.lng,
                status: s.status.as_str(),
                status_label: s.status.label(),
                criticite: percent(s.score),
                address: format!(
                    "{}, {} {}",
                    s.adresse.adresse, s.adresse.code_postal, s.adresse.ville
                ),
                url: format!("/bo/signalements/{}", s.id),
            })
        })
        .collect();
    let shown = u64::try_from(points.len()).unwrap_or(u64::MAX);
    let mut response = Json(Points {
        truncated: found.total > shown,
        total: found.total,
        points,
    })
    .into_response();
    // Personal data: never kept by a shared cache nor the browser's.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn percent(score: f64) -> u32 {
    // Scores are percentages (0–100).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rounded = score.round().clamp(0.0, 100.0) as u32;
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bbox_is_four_numbers_on_the_globe_from_west_to_east_and_south_to_north() {
        let ok = read_bbox(Some("5.2,43.2,5.5,43.5")).expect("Marseille");
        assert_eq!(
            ok,
            GeoBounds {
                west: 5.2,
                south: 43.2,
                east: 5.5,
                north: 43.5
            }
        );
        assert!(read_bbox(Some(" -180 , -90 , 180 , 90 ")).is_ok());
        for wrong in [
            None,
            Some(""),
            Some("5.2,43.2,5.5"),
            Some("5.2,43.2,5.5,43.5,1"),
            Some("5.2,43.2,est,43.5"),
            Some("NaN,43.2,5.5,43.5"),
            Some("5.2,43.2,inf,43.5"),
            Some("-181,43.2,5.5,43.5"),
            Some("5.2,-91,5.5,43.5"),
            Some("5.5,43.2,5.2,43.5"),
            Some("5.2,43.5,5.5,43.5"),
        ] {
            assert!(read_bbox(wrong).is_err(), "{wrong:?}");
        }
    }
}
