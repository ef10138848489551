//! Loading many cases at once, for `generate` (scale tests) and imports:
//! multi-row inserts in one transaction per batch, bypassing the per-case
//! statements of the unit of work. The rows are the same as the unit of
//! work writes.

use histologe_core::model::{Case, FileMeta, HistoryEntry};
use histologe_ports::RepoError;
use sqlx::AnyConnection;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use crate::cases::{reference_parts, search_text};
use crate::codec::{flag, micros, repo_error, to_json};
use crate::store::SqlStore;

/// A value of a generated row.
enum Cell {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
}

/// Inserts `rows` into `table` (`columns` in order), as few statements as
/// the placeholder limits allow.
async fn insert_many(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), RepoError> {
    // Under SQLite's 32,766 and MySQL's 65,535 bound parameters.
    let per_statement = (30_000 / columns.len()).max(1);
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    for chunk in rows.chunks(per_statement) {
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            vec![one.as_str(); chunk.len()].join(", ")
        );
        let mut query: Query<'_, sqlx::Any, AnyArguments<'_>> = sqlx::query(&sql);
        for row in chunk {
            for cell in row {
                query = match cell {
                    Cell::Text(t) => query.bind(t.clone()),
                    Cell::OptText(t) => query.bind(t.clone()),
                    Cell::Int(i) => query.bind(*i),
                    Cell::OptInt(i) => query.bind(*i),
                };
            }
        }
        query.execute(&mut *conn).await.map_err(repo_error(table))?;
    }
    Ok(())
}

/// What one batch of generated data holds.
#[derive(Debug, Default)]
pub struct Batch {
    pub cases: Vec<Case>,
    pub history: Vec<HistoryEntry>,
    pub files: Vec<FileMeta>,
}

impl SqlStore {
    /// Writes the batch in one transaction. Numbering counters are dropped
    /// afterwards: the next number drawn recomputes them from the rows.
    pub async fn bulk_insert(&self, batch: Batch) -> Result<(), RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error("bulk"))?;
        let mut signalements = Vec::new();
        let (mut affectations, mut interventions, mut suivis, mut subscriptions) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for case in &batch.cases {
            let s = &case.signalement;
            let (year, number) = reference_parts(s);
            signalements.push(vec![
                Cell::Text(s.id.to_string()),
                Cell::Text(s.territory.as_str().to_string()),
                Cell::Text(s.status.as_str().to_string()),
                Cell::Text(s.reference.clone()),
                Cell::OptInt(year),
                Cell::OptInt(number),
                Cell::OptInt(s.reference_injonction.map(i64::from)),
                Cell::Text(s.code_suivi.clone()),
                Cell::OptText(s.adresse.insee.clone()),
                Cell::Int(micros(s.created_at)),
                Cell::Text(search_text(s)),
                Cell::Text(to_json(s)?),
                Cell::Text(to_json(&case.qualifications)?),
            ]);
            let list = crate::list_columns::ListColumns::of(case);
            if let Some(row) = signalements.last_mut() {
                row.extend([
                    Cell::Text(list.code_postal),
                    Cell::Text(list.commune),
                    Cell::Text(list.occupant),
                    Cell::Int(list.score_centi),
                    Cell::Text(list.procedures),
                    Cell::OptInt(list.last_suivi_at),
                    Cell::Int(list.abandon_requested),
                    Cell::OptInt(list.geo_lat),
                    Cell::OptInt(list.geo_lng),
                    Cell::Text(list.tags),
                    Cell::OptInt(list.feedback_due_at),
                    Cell::OptInt(list.validated_at),
                    Cell::OptInt(list.closed_at),
                    Cell::OptInt(list.first_accepted_at),
                    Cell::Text(list.precisions),
                    Cell::Int(list.partners_closed),
                    Cell::Text(list.address_key),
                ]);
            }
            for a in &case.affectations {
                affectations.push(vec![
                    Cell::Text(a.id.to_string()),
                    Cell::Text(a.signalement_id.to_string()),
                    Cell::Text(a.partner_id.to_string()),
                    Cell::Text(a.status.as_str().to_string()),
                    Cell::Int(micros(a.created_at)),
                    Cell::Text(to_json(a)?),
                    Cell::Int(micros(s.created_at)),
                    Cell::Int(flag(!s.status.is_excluded_from_lists())),
                ]);
            }
            for i in &case.interventions {
                interventions.push(vec![
                    Cell::Text(i.id.to_string()),
                    Cell::Text(i.signalement_id.to_string()),
                    Cell::Text(i.status.as_str().to_string()),
                    Cell::Int(micros(i.scheduled_at)),
                    Cell::Text(to_json(i)?),
                ]);
            }
            for x in &case.suivis {
                suivis.push(vec![
                    Cell::Text(x.id.to_string()),
                    Cell::Text(x.signalement_id.to_string()),
                    Cell::Int(micros(x.created_at)),
                    Cell::Int(flag(x.waiting_notification)),
                    Cell::Int(flag(x.is_deleted())),
                    Cell::Text(to_json(x)?),
                ]);
            }
            for u in &case.subscribers {
                subscriptions.push(vec![
                    Cell::Text(u.to_string()),
                    Cell::Text(s.id.to_string()),
                ]);
            }
        }
        let history = batch
            .history
            .iter()
            .map(|h| {
                Ok(vec![
                    Cell::Text(h.id.to_string()),
                    Cell::OptText(h.signalement_id.map(|s| s.to_string())),
                    Cell::Int(micros(h.created_at)),
                    Cell::Text(to_json(h)?),
                ])
            })
            .collect::<Result<Vec<_>, RepoError>>()?;
        let files = batch
            .files
            .iter()
            .map(|f| {
                Ok(vec![
                    Cell::Text(f.id.to_string()),
                    Cell::Text(f.signalement_id.to_string()),
                    Cell::Int(micros(f.created_at)),
                    Cell::Text(to_json(f)?),
                ])
            })
            .collect::<Result<Vec<_>, RepoError>>()?;
        let conn: &mut AnyConnection = &mut tx;
        let columns: Vec<&str> = [
            "id",
            "territory",
            "status",
            "reference",
            "reference_year",
            "reference_number",
            "reference_injonction",
            "code_suivi",
            "insee",
            "created_at",
            "search_text",
            "data",
            "qualifications",
        ]
        .into_iter()
        .chain(crate::list_columns::NAMES)
        .collect();
        insert_many(conn, "signalements", &columns, signalements).await?;
        insert_many(
            conn,
            "affectations",
            &[
                "id",
                "signalement_id",
                "partner_id",
                "status",
                "created_at",
                "data",
                "signalement_created_at",
                "signalement_listed",
            ],
            affectations,
        )
        .await?;
        insert_many(
            conn,
            "interventions",
            &["id", "signalement_id", "status", "scheduled_at", "data"],
            interventions,
        )
        .await?;
        insert_many(
            conn,
            "suivis",
            &[
                "id",
                "signalement_id",
                "created_at",
                "waiting_notification",
                "is_deleted",
                "data",
            ],
            suivis,
        )
        .await?;
        insert_many(
            conn,
            "subscriptions",
            &["user_id", "signalement_id"],
            subscriptions,
        )
        .await?;
        insert_many(
            conn,
            "history_entries",
            &["id", "signalement_id", "created_at", "data"],
            history,
        )
        .await?;
        insert_many(
            conn,
            "files",
            &["id", "signalement_id", "created_at", "data"],
            files,
        )
        .await?;
        sqlx::query("DELETE FROM counters")
            .execute(&mut *tx)
            .await
            .map_err(repo_error("counters"))?;
        tx.commit().await.map_err(repo_error("bulk"))
    }

    /// Row counts of the main tables, for reports.
    pub async fn counts(&self) -> Result<Vec<(String, i64)>, RepoError> {
        let mut out = Vec::new();
        for table in [
            "signalements",
            "affectations",
            "suivis",
            "interventions",
            "history_entries",
            "files",
            "users",
            "partners",
        ] {
            use sqlx::Row;
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&self.read)
                .await
                .and_then(|r| r.try_get("n"))
                .map_err(repo_error(table))?;
            out.push((table.to_string(), n));
        }
        Ok(out)
    }
}
