//! What the query benchmark (`histologe-scale bench-queries`) draws its
//! samples from, and the machine it measures on. No repository port says
//! which partners have affectations or how large the database is, and only
//! the benchmark asks, so these reads live here beside the SQL they are.

use histologe_core::ids::{PartnerId, SignalementId};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::RepoError;
use sqlx::Row;

use crate::codec::{repo_error, text};
use crate::store::{Engine, SqlStore};

/// What the samples are drawn from.
#[derive(Debug, Clone, Default)]
pub struct SamplePopulation {
    /// Territories with signalements, and how many.
    pub territories: Vec<(TerritoryCode, i64)>,
    /// Partners with at least one affectation, with their territory.
    pub partners: Vec<(TerritoryCode, PartnerId)>,
    /// Bounds of `created_at` (µs since the epoch), to draw cases
    /// uniformly in time.
    pub created: (i64, i64),
}

fn uuid_of(s: &str) -> Result<uuid::Uuid, RepoError> {
    s.parse()
        .map_err(|e| RepoError::Unavailable(format!("samples: id {s}: {e}")))
}

fn territory_of(s: &str) -> Result<TerritoryCode, RepoError> {
    TerritoryCode::parse(s).map_err(|e| RepoError::Unavailable(e.message))
}

impl SqlStore {
    /// The territories (only `only` when given) and partners that have
    /// something to list.
    pub async fn sample_population(
        &self,
        only: Option<&TerritoryCode>,
    ) -> Result<SamplePopulation, RepoError> {
        let err = repo_error("samples");
        let mut territories = Vec::new();
        for row in sqlx::query(
            "SELECT CAST(territory AS CHAR) AS t, COUNT(*) AS n FROM signalements GROUP BY territory",
        )
        .fetch_all(&self.read)
        .await
        .map_err(&err)?
        {
            let code = territory_of(&text(&row, 0).map_err(&err)?)?;
            if only.is_none_or(|o| *o == code) {
                territories.push((code, row.try_get::<i64, _>(1).map_err(&err)?));
            }
        }
        let mut partners = Vec::new();
        for row in sqlx::query(
            "SELECT CAST(p.territory AS CHAR) AS t, CAST(p.id AS CHAR) AS id FROM partners p \
             WHERE EXISTS (SELECT 1 FROM affectations a WHERE a.partner_id = p.id)",
        )
        .fetch_all(&self.read)
        .await
        .map_err(&err)?
        {
            let code = territory_of(&text(&row, 0).map_err(&err)?)?;
            if territories.iter().any(|(t, _)| *t == code) {
                partners.push((code, PartnerId(uuid_of(&text(&row, 1).map_err(&err)?)?)));
            }
        }
        let row =
            sqlx::query("SELECT MIN(created_at) AS a, MAX(created_at) AS b FROM signalements")
                .fetch_one(&self.read)
                .await
                .map_err(&err)?;
        let created = (
            row.try_get::<Option<i64>, _>(0).map_err(&err)?.unwrap_or(0),
            row.try_get::<Option<i64>, _>(1).map_err(&err)?.unwrap_or(0),
        );
        Ok(SamplePopulation {
            territories,
            partners,
            created,
        })
    }

    /// The first case created at or after `at` (µs), of `only` when given.
    pub async fn case_created_from(
        &self,
        at: i64,
        only: Option<&TerritoryCode>,
    ) -> Result<Option<SignalementId>, RepoError> {
        let err = repo_error("samples");
        let row = match only {
            None => sqlx::query(
                "SELECT CAST(id AS CHAR) AS id FROM signalements WHERE created_at >= ? ORDER BY created_at LIMIT 1",
            )
            .bind(at)
            .fetch_optional(&self.read)
            .await,
            Some(t) => sqlx::query(
                "SELECT CAST(id AS CHAR) AS id FROM signalements WHERE territory = ? AND created_at >= ? ORDER BY created_at LIMIT 1",
            )
            .bind(t.as_str().to_string())
            .bind(at)
            .fetch_optional(&self.read)
            .await,
        }
        .map_err(&err)?;
        row.map(|r| {
            text(&r, 0)
                .map_err(&err)
                .and_then(|s| uuid_of(&s))
                .map(SignalementId)
        })
        .transpose()
    }

    /// The server's version and the database's size in bytes (data and
    /// indexes), for benchmark figures to say what they were measured on.
    pub async fn server_and_size(&self) -> Result<(String, i64), RepoError> {
        let err = repo_error("samples");
        let (version_sql, size_sql) = match self.engine {
            Engine::MySql => (
                "SELECT CAST(VERSION() AS CHAR) AS v",
                "SELECT CAST(COALESCE(SUM(data_length + index_length), 0) AS SIGNED) AS n \
                 FROM information_schema.tables WHERE table_schema = DATABASE()",
            ),
            Engine::Sqlite => (
                "SELECT 'SQLite ' || sqlite_version() AS v",
                "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()",
            ),
        };
        let version = sqlx::query(version_sql)
            .fetch_one(&self.read)
            .await
            .map_err(&err)
            .and_then(|r| text(&r, 0).map_err(&err))?;
        let size: i64 = sqlx::query(size_sql)
            .fetch_one(&self.read)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(&err)?;
        Ok((version, size))
    }
}
