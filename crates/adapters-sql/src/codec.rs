//! Values to and from columns: ids as text, instants as microseconds, whole
//! entities as JSON; and sqlx errors to the ports' `RepoError`.

use chrono::{DateTime, Utc};
use histologe_ports::RepoError;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub(crate) fn instant(micros: i64) -> Result<DateTime<Utc>, RepoError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| RepoError::Unavailable(format!("stored instant out of range: {micros}")))
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, RepoError> {
    serde_json::to_string(value).map_err(|e| RepoError::Unavailable(format!("encoding: {e}")))
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, RepoError> {
    serde_json::from_str(text)
        .map_err(|e| RepoError::Unavailable(format!("stored value unreadable: {e}")))
}

pub(crate) fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// A concurrent transaction won, the caller may retry: MySQL/MariaDB
/// deadlock (1213) or lock wait timeout (1205), SQLite busy or locked.
fn is_conflict(db: &dyn sqlx::error::DatabaseError) -> bool {
    if let Some(mysql) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(mysql.number(), 1205 | 1213);
    }
    // SQLite reports its primary result code: 5 busy, 6 locked.
    db.code()
        .is_some_and(|c| matches!(c.as_ref(), "5" | "6" | "517" | "40001"))
}

/// Maps a driver error to the ports' contract: unique violations are
/// `Duplicate`, lock conflicts `Conflict`, everything else `Unavailable`.
pub(crate) fn repo_error(what: &str) -> impl Fn(sqlx::Error) -> RepoError + '_ {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            RepoError::Duplicate(what.to_string())
        }
        sqlx::Error::Database(db) if is_conflict(db.as_ref()) => RepoError::Conflict,
        _ => {
            tracing::warn!(error = %e, what, "database error");
            RepoError::Unavailable(format!("{what}: {e}"))
        }
    }
}

/// A text column. MySQL reports TEXT columns with the BLOB type code (their
/// charset tells them apart), which `Any` hands over as bytes: read those
/// as UTF-8.
pub(crate) fn text<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
    row: &sqlx::any::AnyRow,
    index: I,
) -> Result<String, sqlx::Error> {
    opt_text(row, index)?.ok_or_else(|| sqlx::Error::Decode("unexpected NULL text".into()))
}

pub(crate) fn opt_text<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
    row: &sqlx::any::AnyRow,
    index: I,
) -> Result<Option<String>, sqlx::Error> {
    use sqlx::{Row, Value, ValueRef};
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(None);
    }
    let value = ValueRef::to_owned(&raw);
    if let Ok(s) = value.try_decode::<String>() {
        return Ok(Some(s));
    }
    let bytes: Vec<u8> = value.try_decode()?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
