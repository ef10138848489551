//! The columns of `signalements` the back-office list filters and sorts on
//! (migration 6, the map's geolocation of migration 9, the étiquettes of
//! migration 13), the date of the next request for news (migration 51) and
//! the statistics' and dashboard's columns (migration 55) and the address
//! key of « même adresse » (migration 56), computed by
//! `histologe_ports::list_keys` as the memory store computes them, and
//! written with every insert and save of a case.

use histologe_core::model::Case;
use histologe_ports::{RepoError, list_keys};
use sqlx::AnyConnection;

use crate::codec::{flag, micros, repo_error};

/// The column names, in the order of `ListColumns::cells`.
pub(crate) const NAMES: [&str; 17] = [
    "code_postal",
    "commune",
    "occupant",
    "score_centi",
    "procedures",
    "last_suivi_at",
    "abandon_requested",
    "geo_lat",
    "geo_lng",
    "tags",
    "feedback_due_at",
    "validated_at",
    "closed_at",
    "first_accepted_at",
    "precisions",
    "partners_closed",
    "address_key",
];

pub(crate) struct ListColumns {
    pub code_postal: String,
    pub commune: String,
    pub occupant: String,
    pub score_centi: i64,
    pub procedures: String,
    pub last_suivi_at: Option<i64>,
    pub abandon_requested: i64,
    /// Millionths of a degree.
    pub geo_lat: Option<i64>,
    pub geo_lng: Option<i64>,
    /// `|id|id|`.
    pub tags: String,
    /// From when the next request for news is due
    /// (`histologe_core::feedback::next_request`); NULL when the case is
    /// not to be asked.
    pub feedback_due_at: Option<i64>,
    pub validated_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub first_accepted_at: Option<i64>,
    /// `|slug|slug|`.
    pub precisions: String,
    pub partners_closed: i64,
    /// `''` when the case has no key: NULL is « not computed yet »
    /// (`fill_address_keys`).
    pub address_key: String,
}

impl ListColumns {
    pub(crate) fn of(case: &Case) -> ListColumns {
        let s = &case.signalement;
        ListColumns {
            code_postal: list_keys::postal_key(&s.adresse.code_postal),
            commune: list_keys::commune_key(&s.adresse.ville),
            occupant: list_keys::occupant_key(s),
            score_centi: list_keys::score_centi(s.score),
            procedures: list_keys::procedures_key(case),
            last_suivi_at: s.last_suivi_at.map(micros),
            abandon_requested: flag(s.is_usager_abandon_procedure),
            geo_lat: list_keys::geo_keys(s).map(|(lat, _)| lat),
            geo_lng: list_keys::geo_keys(s).map(|(_, lng)| lng),
            tags: list_keys::tags_key(s),
            feedback_due_at: histologe_core::feedback::next_request(case).map(|(at, _)| micros(at)),
            validated_at: s.validated_at.map(micros),
            closed_at: s.closed_at.map(micros),
            first_accepted_at: list_keys::first_accepted_at(case).map(micros),
            precisions: list_keys::precisions_key(s),
            partners_closed: flag(list_keys::closed_by_all_partners(case)),
            address_key: list_keys::address_key(s).unwrap_or_default(),
        }
    }
}

/// Writes the list columns of a case whose row exists.
pub(crate) async fn write(conn: &mut AnyConnection, case: &Case) -> Result<(), RepoError> {
    let c = ListColumns::of(case);
    sqlx::query(
        "UPDATE signalements SET code_postal = ?, commune = ?, occupant = ?, score_centi = ?, \
         procedures = ?, last_suivi_at = ?, abandon_requested = ?, geo_lat = ?, geo_lng = ?, \
         tags = ?, feedback_due_at = ?, validated_at = ?, closed_at = ?, first_accepted_at = ?, \
         precisions = ?, partners_closed = ?, address_key = ? WHERE id = ?",
    )
    .bind(c.code_postal)
    .bind(c.commune)
    .bind(c.occupant)
    .bind(c.score_centi)
    .bind(c.procedures)
    .bind(c.last_suivi_at)
    .bind(c.abandon_requested)
    .bind(c.geo_lat)
    .bind(c.geo_lng)
    .bind(c.tags)
    .bind(c.feedback_due_at)
    .bind(c.validated_at)
    .bind(c.closed_at)
    .bind(c.first_accepted_at)
    .bind(c.precisions)
    .bind(c.partners_closed)
    .bind(c.address_key)
    .bind(case.signalement.id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(repo_error("signalement"))?;
    Ok(())
}
