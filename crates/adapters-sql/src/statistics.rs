//! The statistics' columns: one query over the scoped, filtered cases that
//! reads the columns written with each case (migration 55), never its JSON.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::enums::{Qualification, SignalementStatus};
use histologe_core::policy::ListScope;
use histologe_ports::{RepoError, StatisticsRepository, StatsFilter, StatsRow, list_keys};
use sqlx::Row;

use crate::codec::{instant, opt_text, repo_error, text};
use crate::store::SqlStore;

/// The statuses the lists leave out (as `SignalementRepository::list`).
const EXCLUDED: &str =
    "('ARCHIVED', 'DRAFT', 'DRAFT_ARCHIVED', 'INJONCTION_BAILLEUR', 'INJONCTION_CLOSED')";

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
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
        let sql = format!(
            "SELECT s.created_at, s.status, s.procedures, s.validated_at, s.closed_at, \
             s.first_accepted_at, s.precisions FROM signalements s WHERE {}",
            conditions.join(" AND "),
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
                let at = |column: &str| -> Result<Option<DateTime<Utc>>, RepoError> {
                    row.try_get::<Option<i64>, _>(column)
                        .map_err(&what)?
                        .map(instant)
                        .transpose()
                };
                Ok(StatsRow {
                    created_at: instant(row.try_get("created_at").map_err(&what)?)?,
                    status: SignalementStatus::parse(&status).ok_or_else(|| {
                        RepoError::Unavailable(format!("signalement status {status}"))
                    })?,
                    validated_at: at("validated_at")?,
                    closed_at: at("closed_at")?,
                    first_accepted_at: at("first_accepted_at")?,
                    desordre_precisions: list_keys::precisions_of(
                        &opt_text(row, "precisions")
                            .map_err(&what)?
                            .unwrap_or_default(),
                    ),
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
