//! The statistics' columns: one query over the scoped, filtered cases that
//! reads a few columns and a few JSON fields of each, never the whole case.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::enums::{AffectationStatus, Qualification, SignalementStatus};
use histologe_core::policy::ListScope;
use histologe_ports::{RepoError, StatisticsRepository, StatsFilter, StatsRow};
use sqlx::Row;

use crate::codec::{instant, opt_text, repo_error, text};
use crate::store::{Engine, SqlStore};

/// The statuses the lists leave out (as `SignalementRepository::list`).
const EXCLUDED: &str =
    "('ARCHIVED', 'DRAFT', 'DRAFT_ARCHIVED', 'INJONCTION_BAILLEUR', 'INJONCTION_CLOSED')";

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// A scalar of a JSON column, as text.
fn json_text(engine: Engine, column: &str, path: &str) -> String {
    match engine {
        Engine::MySql => format!("JSON_UNQUOTE(JSON_EXTRACT({column}, '{path}'))"),
        Engine::Sqlite => format!("json_extract({column}, '{path}')"),
    }
}

/// A JSON array of a JSON column, as JSON text.
fn json_array(engine: Engine, column: &str, path: &str) -> String {
    match engine {
        Engine::MySql => format!("JSON_EXTRACT({column}, '{path}')"),
        // SQLite's json_extract hands an array back as its JSON text.
        Engine::Sqlite => format!("json_extract({column}, '{path}')"),
    }
}

fn when(value: Option<String>) -> Result<Option<DateTime<Utc>>, RepoError> {
    match value.as_deref() {
        None | Some("" | "null") => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|e| RepoError::Unavailable(format!("statistics date {v}: {e}"))),
    }
}

#[async_trait]
impl StatisticsRepository for SqlStore {
    async fn statistics_rows(
        &self,
        scope: &ListScope,
        filter: &StatsFilter,
    ) -> Result<Vec<StatsRow>, RepoError> {
        let mut conditions = vec![format!("s.status NOT IN {EXCLUDED}")];
        let mut binds: Vec<String> = Vec::new();
        match scope {
            ListScope::Nothing => return Ok(Vec::new()),
            ListScope::All => {}
            ListScope::Territories(territories) => {
                if territories.is_empty() {
                    return Ok(Vec::new());
                }
                conditions.push(format!(
                    "s.territory IN ({})",
                    placeholders(territories.len())
                ));
                binds.extend(territories.iter().map(|t| t.as_str().to_string()));
            }
            ListScope::Partners(partners) => {
                if partners.is_empty() {
                    return Ok(Vec::new());
                }
                conditions.push(format!(
                    "EXISTS (SELECT 1 FROM affectations a WHERE a.signalement_id = s.id \
                     AND a.partner_id IN ({}))",
                    placeholders(partners.len())
                ));
                binds.extend(partners.iter().map(ToString::to_string));
            }
        }
        if let Some(territory) = &filter.territory {
            conditions.push("s.territory = ?".into());
            binds.push(territory.as_str().to_string());
        }
        if let Some(partner) = filter.partner {
            conditions.push(
                "EXISTS (SELECT 1 FROM affectations p WHERE p.signalement_id = s.id \
                 AND p.partner_id = ?)"
                    .into(),
            );
            binds.push(partner.to_string());
        }
        let mut int_binds: Vec<i64> = Vec::new();
        if let Some(from) = filter.deposited_from {
            conditions.push("s.created_at >= ?".into());
            int_binds.push(crate::codec::micros(from));
        }
        if let Some(before) = filter.deposited_before {
            conditions.push("s.created_at < ?".into());
            int_binds.push(crate::codec::micros(before));
        }
        let engine = self.engine;
        let accepted = format!(
            "(SELECT MIN({}) FROM affectations x WHERE x.signalement_id = s.id \
             AND x.status IN ('{}', '{}'))",
            json_text(engine, "x.data", "$.answered_at"),
            AffectationStatus::Accepted.as_str(),
            AffectationStatus::Closed.as_str(),
        );
        let sql = format!(
            "SELECT s.created_at AS created_at, s.status AS status, s.procedures AS procedures, \
             {validated} AS validated_at, {closed} AS closed_at, {accepted} AS first_accepted_at, \
             {precisions} AS precisions \
             FROM signalements s WHERE {conditions}",
            validated = json_text(engine, "s.data", "$.validated_at"),
            closed = json_text(engine, "s.data", "$.closed_at"),
            precisions = json_array(engine, "s.data", "$.desordre_precisions"),
            conditions = conditions.join(" AND "),
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b);
        }
        for i in int_binds {
            query = query.bind(i);
        }
        let rows = query
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("statistics"))?;
        let what = repo_error("statistics");
        rows.iter()
            .map(|row| {
                let status = text(row, "status").map_err(&what)?;
                let precisions = opt_text(row, "precisions").map_err(&what)?;
                Ok(StatsRow {
                    created_at: instant(row.try_get("created_at").map_err(&what)?)?,
                    status: SignalementStatus::parse(&status).ok_or_else(|| {
                        RepoError::Unavailable(format!("signalement status {status}"))
                    })?,
                    validated_at: when(opt_text(row, "validated_at").map_err(&what)?)?,
                    closed_at: when(opt_text(row, "closed_at").map_err(&what)?)?,
                    first_accepted_at: when(opt_text(row, "first_accepted_at").map_err(&what)?)?,
                    desordre_precisions: match precisions.as_deref() {
                        None | Some("" | "null") => Vec::new(),
                        Some(json) => serde_json::from_str(json).map_err(|e| {
                            RepoError::Unavailable(format!("désordre précisions: {e}"))
                        })?,
                    },
                    qualifications: text(row, "procedures")
                        .map_err(&what)?
                        .split('|')
                        .filter_map(Qualification::parse)
                        .collect(),
                })
            })
            .collect()
    }
}
