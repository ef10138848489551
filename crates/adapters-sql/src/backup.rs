//! Backups: a consistent snapshot of every table as gzip-compressed JSON
//! lines, with the manifest of the stored files the rows point to; and
//! their restore into an empty database of either engine (so a backup of
//! the embedded SQLite can seed a MariaDB, and back).

use std::io::{BufRead, BufReader, Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use histologe_core::model::FileMeta;
use histologe_ports::RepoError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::codec::{from_json, repo_error};
use crate::store::{Engine, SqlStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
}

use Kind::{Int, Text};

/// Every table with its columns, parents before children (the restore
/// order). Must follow the migrations; `every_table_is_backed_up` checks it.
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    (
        "territories",
        &[
            ("code", Text),
            ("name", Text),
            ("is_active", Int),
            ("data", Text),
        ],
    ),
    (
        "communes",
        &[
            ("seq", Int),
            ("code_postal", Text),
            ("code_insee", Text),
            ("nom", Text),
        ],
    ),
    (
        "partners",
        &[
            ("id", Text),
            ("territory", Text),
            ("nom", Text),
            ("is_archive", Int),
            ("email_key", Text),
            ("data", Text),
        ],
    ),
    (
        "users",
        &[
            ("id", Text),
            ("email", Text),
            ("role", Text),
            ("data", Text),
            // Migration 14: what the scheduled jobs look for.
            ("status", Text),
            ("created_at", Int),
            ("last_login_at", Int),
            ("activation_reminded_at", Int),
            ("archiving_scheduled_at", Int),
        ],
    ),
    ("user_partners", &[("user_id", Text), ("partner_id", Text)]),
    (
        "signalements",
        &[
            ("id", Text),
            ("territory", Text),
            ("status", Text),
            ("reference", Text),
            ("reference_year", Int),
            ("reference_number", Int),
            ("reference_injonction", Int),
            ("code_suivi", Text),
            ("insee", Text),
            ("created_at", Int),
            ("search_text", Text),
            ("data", Text),
            ("qualifications", Text),
            // Migration 6: the list's filter and sort columns.
            ("code_postal", Text),
            ("commune", Text),
            ("occupant", Text),
            ("score_centi", Int),
            ("procedures", Text),
            ("last_suivi_at", Int),
            ("abandon_requested", Int),
            // Migration 9: the map's geolocation.
            ("geo_lat", Int),
            ("geo_lng", Int),
            // Migration 13: the étiquettes.
            ("tags", Text),
            // Migration 51: when the usager is next asked for news.
            ("feedback_due_at", Int),
            // Migration 55: the statistics' and the dashboard's columns.
            ("validated_at", Int),
            ("closed_at", Int),
            ("first_accepted_at", Int),
            ("precisions", Text),
            ("partners_closed", Int),
            // Migration 56: the address key of « même adresse ».
            ("address_key", Text),
        ],
    ),
    (
        "affectations",
        &[
            ("id", Text),
            ("signalement_id", Text),
            ("partner_id", Text),
            ("status", Text),
            ("created_at", Int),
            ("data", Text),
            ("signalement_created_at", Int),
            ("signalement_listed", Int),
        ],
    ),
    (
        "interventions",
        &[
            ("id", Text),
            ("signalement_id", Text),
            ("status", Text),
            ("scheduled_at", Int),
            ("data", Text),
        ],
    ),
    (
        "suivis",
        &[
            ("seq", Int),
            ("id", Text),
            ("signalement_id", Text),
            ("created_at", Int),
            ("waiting_notification", Int),
            ("is_deleted", Int),
            ("data", Text),
        ],
    ),
    (
        "subscriptions",
        &[("user_id", Text), ("signalement_id", Text)],
    ),
    (
        "tags",
        &[
            ("id", Text),
            ("territory", Text),
            ("label", Text),
            ("label_key", Text),
            ("is_archive", Int),
        ],
    ),
    (
        "notifications",
        &[
            ("seq", Int),
            ("id", Text),
            ("user_id", Text),
            ("signalement_id", Text),
            ("created_at", Int),
            ("wait_mailing_summary", Int),
            ("is_seen", Int),
            ("data", Text),
        ],
    ),
    (
        "history_entries",
        &[
            ("seq", Int),
            ("id", Text),
            ("signalement_id", Text),
            ("created_at", Int),
            ("data", Text),
        ],
    ),
    (
        "files",
        &[
            ("id", Text),
            ("signalement_id", Text),
            ("created_at", Int),
            ("data", Text),
        ],
    ),
    (
        "drafts",
        &[
            ("id", Text),
            ("status", Text),
            ("email", Text),
            ("signalement_id", Text),
            ("current_step", Text),
            ("answers", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("created_by", Text),
        ],
    ),
    (
        "auto_affectation_rules",
        &[
            ("id", Text),
            ("territory", Text),
            ("status", Text),
            ("data", Text),
        ],
    ),
    (
        "jobs",
        &[
            ("seq", Int),
            ("id", Text),
            ("kind", Text),
            ("payload", Text),
            ("status", Text),
            ("attempts", Int),
            ("run_at", Int),
            ("lease_until", Int),
            ("last_error", Text),
            ("idempotency_key", Text),
            ("created_at", Int),
        ],
    ),
    ("counters", &[("name", Text), ("value", Int)]),
    (
        "user_credentials",
        &[
            ("user_id", Text),
            ("password_hash", Text),
            ("updated_at", Int),
        ],
    ),
    (
        "sessions",
        &[
            ("id_hash", Text),
            ("user_id", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("last_seen_at", Int),
        ],
    ),
    (
        "account_tokens",
        &[
            ("token_hash", Text),
            ("kind", Text),
            ("user_id", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("used_at", Int),
        ],
    ),
    (
        "saved_searches",
        &[
            ("id", Text),
            ("user_id", Text),
            ("name", Text),
            ("query", Text),
            ("created_at", Int),
        ],
    ),
    (
        "settings",
        &[("setting_key", Text), ("setting_value", Text)],
    ),
    ("job_effects", &[("effect_key", Text), ("created_at", Int)]),
];

/// First line of a backup.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    migrations: Vec<i64>,
}

/// Announces the rows of a table that follow, one JSON array per line.
#[derive(Debug, Serialize, Deserialize)]
struct TableStart {
    table: String,
    columns: Vec<String>,
    rows: u64,
}

/// Last line: the objects of the file store the database refers to, so an
/// operator can check the storage backup holds them.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    stored_files: Vec<String>,
}

const FORMAT: &str = "histologe-backup";

/// What a backup or a restore went through.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
    pub stored_files: usize,
}

fn io_error(e: std::io::Error) -> RepoError {
    RepoError::Unavailable(format!("backup file: {e}"))
}

fn json_line<T: Serialize>(out: &mut impl Write, value: &T) -> Result<(), RepoError> {
    serde_json::to_writer(&mut *out, value)
        .map_err(|e| RepoError::Unavailable(format!("backup encoding: {e}")))?;
    out.write_all(b"\n").map_err(io_error)
}

fn select_all(table: &str, columns: &[(&str, Kind)]) -> String {
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    // A stable order, so that two dumps of equal tables are equal.
    let order = names.iter().take(2).copied().collect::<Vec<_>>().join(", ");
    format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "))
}

fn row_values(
    row: &sqlx::any::AnyRow,
    table: &str,
    columns: &[(&str, Kind)],
) -> Result<Vec<Value>, RepoError> {
    columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| match kind {
            Int => row
                .try_get::<Option<i64>, _>(i)
                .map(|v| v.map_or(Value::Null, Value::from)),
            Text => crate::codec::opt_text(row, i).map(|v| v.map_or(Value::Null, Value::from)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(repo_error(table))
}

async fn table_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[(&str, Kind)],
) -> Result<Vec<Vec<Value>>, RepoError> {
    let rows = sqlx::query(&select_all(table, columns))
        .fetch_all(&mut *conn)
        .await
        .map_err(repo_error(table))?;
    rows.iter()
        .map(|row| row_values(row, table, columns))
        .collect()
}

impl SqlStore {
    /// Every row of every table, in memory: for comparing two small
    /// databases in tests, never for a production one (use `backup`).
    pub async fn dump(&self) -> Result<Vec<(String, Vec<Vec<Value>>)>, RepoError> {
        let mut tx = self.read.begin().await.map_err(repo_error("dump"))?;
        let mut out = Vec::new();
        for (table, columns) in TABLES {
            out.push((
                table.to_string(),
                table_rows(&mut tx, table, columns).await?,
            ));
        }
        Ok(out)
    }

    /// Writes a consistent snapshot to `out`, compressed, row by row (a
    /// million cases never sit in memory at once). One read-only
    /// transaction: InnoDB's consistent snapshot, SQLite's WAL snapshot.
    pub async fn backup(&self, out: impl Write) -> Result<BackupSummary, RepoError> {
        use futures_util::TryStreamExt;
        let mut gz = GzEncoder::new(out, Compression::default());
        json_line(
            &mut gz,
            &Header {
                format: FORMAT.to_string(),
                version: 1,
                migrations: self.applied_migrations().await?,
            },
        )?;
        let mut conn = self.read.acquire().await.map_err(repo_error("backup"))?;
        // The snapshot is opened by hand (sqlx's `begin` cannot ask for one);
        // the connection is closed afterwards rather than returned to the
        // pool, whatever happens in between.
        conn.close_on_drop();
        let start = match self.engine {
            Engine::MySql => {
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    .execute(&mut *conn)
                    .await
                    .map_err(repo_error("backup"))?;
                "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"
            }
            Engine::Sqlite => "BEGIN",
        };
        sqlx::query(start)
            .execute(&mut *conn)
            .await
            .map_err(repo_error("backup"))?;
        let mut summary = BackupSummary::default();
        let mut stored_files = Vec::new();
        for (table, columns) in TABLES {
            let count: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&mut *conn)
                .await
                .and_then(|r| r.try_get("n"))
                .map_err(repo_error(table))?;
            json_line(
                &mut gz,
                &TableStart {
                    table: table.to_string(),
                    columns: columns.iter().map(|(n, _)| n.to_string()).collect(),
                    rows: u64::try_from(count).unwrap_or_default(),
                },
            )?;
            let sql = select_all(table, columns);
            let mut rows = sqlx::query(&sql).fetch(&mut *conn);
            let mut written: i64 = 0;
            while let Some(row) = rows.try_next().await.map_err(repo_error(table))? {
                let values = row_values(&row, table, columns)?;
                if *table == "files"
                    && let Some(Value::String(data)) = values.last()
                {
                    stored_files.push(from_json::<FileMeta>(data)?.storage_key);
                }
                json_line(&mut gz, &values)?;
                written += 1;
            }
            drop(rows);
            if written != count {
                return Err(RepoError::Unavailable(format!(
                    "{table} changed during the backup ({count} counted, {written} read)"
                )));
            }
            summary.tables += 1;
            summary.rows += u64::try_from(written).unwrap_or_default();
        }
        sqlx::query("COMMIT")
            .execute(&mut *conn)
            .await
            .map_err(repo_error("backup"))?;
        summary.stored_files = stored_files.len();
        json_line(&mut gz, &Manifest { stored_files })?;
        gz.finish().map_err(io_error)?;
        Ok(summary)
    }

    /// Loads a backup into this database, which must be migrated and empty
    /// (no signalement, user nor partner); all or nothing.
    pub async fn restore(&self, input: impl Read) -> Result<BackupSummary, RepoError> {
        let mut lines = BufReader::new(GzDecoder::new(input)).lines();
        let mut next =
            || -> Result<Option<String>, RepoError> { lines.next().transpose().map_err(io_error) };
        let header: Header =
            from_json(&next()?.ok_or_else(|| RepoError::Unavailable("empty backup".into()))?)?;
        if header.format != FORMAT {
            return Err(RepoError::Unavailable("not a Histologe backup".into()));
        }
        let applied = self.applied_migrations().await?;
        if applied != header.migrations {
            return Err(RepoError::Unavailable(format!(
                "the backup was taken at migrations {:?}, this database is at {:?}: migrate it first",
                header.migrations, applied
            )));
        }
        let mut tx = self.write.begin().await.map_err(repo_error("restore"))?;
        for table in ["signalements", "users", "partners"] {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&mut *tx)
                .await
                .and_then(|r| r.try_get("n"))
                .map_err(repo_error("restore"))?;
            if n > 0 {
                return Err(RepoError::Unavailable(format!(
                    "restore needs an empty database; {table} has {n} rows"
                )));
            }
        }
        // Reference data loaded at start is replaced by the backup's.
        for (table, _) in TABLES.iter().rev() {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await
                .map_err(repo_error(table))?;
        }
        let mut summary = BackupSummary::default();
        for (table, columns) in TABLES {
            let start: TableStart =
                from_json(&next()?.ok_or_else(|| {
                    RepoError::Unavailable(format!("backup ends before {table}"))
                })?)?;
            let expected: Vec<String> = columns.iter().map(|(n, _)| n.to_string()).collect();
            if start.table != *table || start.columns != expected {
                return Err(RepoError::Unavailable(format!(
                    "backup table {} does not match {table}",
                    start.table
                )));
            }
            let mut batch: Vec<Vec<Value>> = Vec::new();
            for _ in 0..start.rows {
                let line = next()?.ok_or_else(|| {
                    RepoError::Unavailable(format!("backup truncated in {table}"))
                })?;
                batch.push(from_json(&line)?);
                if batch.len() == 200 {
                    insert_rows(&mut tx, table, columns, &batch).await?;
                    batch.clear();
                }
            }
            insert_rows(&mut tx, table, columns, &batch).await?;
            summary.tables += 1;
            summary.rows += start.rows;
        }
        if let Some(line) = next()? {
            summary.stored_files = from_json::<Manifest>(&line)?.stored_files.len();
        }
        tx.commit().await.map_err(repo_error("restore"))?;
        Ok(summary)
    }
}

async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[(&str, Kind)],
    rows: &[Vec<Value>],
) -> Result<(), RepoError> {
    if rows.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let one = format!("({})", vec!["?"; names.len()].join(", "));
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        names.join(", "),
        vec![one; rows.len()].join(", ")
    );
    let mut query = sqlx::query(&sql);
    for row in rows {
        if row.len() != columns.len() {
            return Err(RepoError::Unavailable(format!(
                "backup row of {table} has {} values",
                row.len()
            )));
        }
        for (value, (_, kind)) in row.iter().zip(columns) {
            query = match (kind, value) {
                (Int, Value::Null) => query.bind(None::<i64>),
                (Text, Value::Null) => query.bind(None::<String>),
                (Int, v) => query.bind(v.as_i64()),
                (Text, v) => query.bind(v.as_str().map(str::to_string)),
            };
        }
    }
    query.execute(&mut *conn).await.map_err(repo_error(table))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::TABLES;

    /// A table added by a migration but not here would be missing from backups.
    #[test]
    fn every_table_is_backed_up() {
        let mysql = [
            include_str!("../migrations/mysql/20261124000001_core_loop.up.sql"),
            include_str!("../migrations/mysql/20261124000003_drafts.up.sql"),
            include_str!("../migrations/mysql/20261124000004_accounts.up.sql"),
            include_str!("../migrations/mysql/20261202000007_tags.up.sql"),
            include_str!("../migrations/mysql/20261202000005_account_tokens.up.sql"),
            include_str!("../migrations/mysql/20261202000006_list_filters.up.sql"),
            include_str!("../migrations/mysql/20261202000008_settings.up.sql"),
            include_str!("../migrations/mysql/20261207000050_job_effects.up.sql"),
        ];
        let created: Vec<&str> = mysql
            .iter()
            .flat_map(|m| m.lines())
            .filter_map(|l| l.strip_prefix("CREATE TABLE "))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let backed: Vec<&str> = TABLES.iter().map(|(t, _)| *t).collect();
        let mut a = created.clone();
        let mut b = backed.clone();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }
}
