//! Connecting to the database, and its migrations.

use std::path::Path;
use std::str::FromStr;

use histologe_ports::RepoError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};

static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("migrations/mysql");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");

/// Which SQL engine the store speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// MySQL 8 or MariaDB ≥ 10.6: production.
    MySql,
    /// SQLite: the embedded default, one file.
    Sqlite,
}

/// The database: every repository port, the unit of work and the job
/// outbox. Cheap to clone (pools inside).
///
/// On SQLite, transactions go through a single writer connection, so they
/// never fail on a busy database; reads use other connections and see only
/// committed data (WAL mode). On MySQL/MariaDB both come from one pool and
/// the locks are the database's (`FOR UPDATE`, `SKIP LOCKED`).
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) read: AnyPool,
    pub(crate) write: AnyPool,
    pub(crate) engine: Engine,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("engine", &self.engine)
            .finish()
    }
}

type Connected<'c> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;

/// Every SQLite connection: foreign keys enforced, waits instead of failing
/// when the file is busy, and fsync at checkpoints only (safe with WAL).
fn sqlite_pragmas(
    conn: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> Connected<'_> {
    Box::pin(async move {
        conn.execute("PRAGMA foreign_keys = ON").await?;
        conn.execute("PRAGMA busy_timeout = 10000").await?;
        conn.execute("PRAGMA synchronous = NORMAL").await?;
        Ok(())
    })
}

fn unavailable(what: &str) -> impl Fn(sqlx::Error) -> RepoError + '_ {
    move |e| RepoError::Unavailable(format!("{what}: {e}"))
}

impl SqlStore {
    /// Connects to `mysql://…` or `sqlite://path` (the file is created).
    ///
    /// # Errors
    /// `Unavailable` with the reason when the URL is not one of these or the
    /// server cannot be reached.
    pub async fn connect(url: &str) -> Result<SqlStore, RepoError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("mysql://") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                // An unreachable server answers within seconds, not sqlx's 30.
                .acquire_timeout(std::time::Duration::from_secs(8))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // Instants are stored as integers; this keeps any
                        // SQL-side date function in UTC as well.
                        conn.execute("SET time_zone = '+00:00'").await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await
                .map_err(unavailable("connecting to MySQL"))?;
            return Ok(SqlStore {
                read: pool.clone(),
                write: pool,
                engine: Engine::MySql,
            });
        }
        let Some(path) = url.strip_prefix("sqlite://") else {
            return Err(RepoError::Unavailable(format!(
                "DATABASE_URL must start with mysql:// or sqlite://, not `{}`",
                url.split(':').next().unwrap_or_default()
            )));
        };
        let file = path.split('?').next().unwrap_or(path);
        if let Some(dir) = Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| RepoError::Unavailable(format!("creating {}: {e}", dir.display())))?;
        }
        let options = AnyConnectOptions::from_str(&format!("sqlite://{file}?mode=rwc"))
            .map_err(unavailable("SQLite URL"))?;
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(sqlite_pragmas)
            .connect_with(options.clone())
            .await
            .map_err(unavailable("opening SQLite"))?;
        // WAL lets readers read while the writer writes; it is a property of
        // the file, set once.
        write
            .execute("PRAGMA journal_mode = WAL")
            .await
            .map_err(unavailable("SQLite WAL mode"))?;
        let read = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(sqlite_pragmas)
            .connect_with(options)
            .await
            .map_err(unavailable("opening SQLite"))?;
        Ok(SqlStore {
            read,
            write,
            engine: Engine::Sqlite,
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    fn migrator(&self) -> &'static Migrator {
        match self.engine {
            Engine::MySql => &MYSQL_MIGRATIONS,
            Engine::Sqlite => &SQLITE_MIGRATIONS,
        }
    }

    /// Runs the pending migrations (what the binaries do at start).
    pub async fn migrate(&self) -> Result<(), RepoError> {
        self.migrator()
            .run(&self.write)
            .await
            .map_err(|e| RepoError::Unavailable(format!("migrations: {e}")))?;
        let filled = self.fill_address_keys().await?;
        if filled > 0 {
            tracing::info!(filled, "address keys of earlier cases computed");
        }
        Ok(())
    }

    /// Computes the address key (migration 56) of the cases that have none
    /// yet, a batch per transaction: the key folds accents as Rust does,
    /// which SQL cannot. Run by every `migrate`, so that cases an older
    /// binary wrote meanwhile get theirs at the next deploy.
    async fn fill_address_keys(&self) -> Result<u64, RepoError> {
        const BATCH: i64 = 500;
        let what = crate::codec::repo_error("address keys");
        let mut filled = 0;
        loop {
            let rows =
                sqlx::query("SELECT id, data FROM signalements WHERE address_key IS NULL LIMIT ?")
                    .bind(BATCH)
                    .fetch_all(&self.write)
                    .await
                    .map_err(&what)?;
            if rows.is_empty() {
                return Ok(filled);
            }
            let mut tx = self.write.begin().await.map_err(&what)?;
            for row in &rows {
                let id = crate::codec::text(row, "id").map_err(&what)?;
                let data = crate::codec::text(row, "data").map_err(&what)?;
                let signalement: histologe_core::model::Signalement =
                    crate::codec::from_json(&data)?;
                let key = histologe_ports::list_keys::address_key(&signalement).unwrap_or_default();
                sqlx::query(
                    "UPDATE signalements SET address_key = ? WHERE id = ? AND address_key IS NULL",
                )
                .bind(key)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(&what)?;
            }
            tx.commit().await.map_err(&what)?;
            filled += rows.len() as u64;
        }
    }

    /// Versions of the applied migrations, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, RepoError> {
        let exists = match self.engine {
            Engine::MySql => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_sqlx_migrations'"
            }
            Engine::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
        };
        let n: i64 = sqlx::query(exists)
            .fetch_one(&self.read)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(unavailable("reading migrations"))?;
        if n == 0 {
            return Ok(Vec::new());
        }
        sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version")
            .fetch_all(&self.read)
            .await
            .map_err(unavailable("reading migrations"))?
            .iter()
            .map(|r| r.try_get::<i64, _>("version"))
            .collect::<Result<_, _>>()
            .map_err(unavailable("reading migrations"))
    }

    /// Versions this binary knows and the database has not applied yet
    /// (up migrations only), oldest first.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, RepoError> {
        let applied = self.applied_migrations().await?;
        Ok(self
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .map(|m| m.version)
            .filter(|v| !applied.contains(v))
            .collect())
    }

    /// Reverts the last `steps` applied migrations (a deploy rolling back).
    pub async fn migrate_down(&self, steps: usize) -> Result<(), RepoError> {
        let applied = self.applied_migrations().await?;
        let keep = applied.len().saturating_sub(steps);
        let target = if keep == 0 { 0 } else { applied[keep - 1] };
        self.migrator()
            .undo(&self.write, target)
            .await
            .map_err(|e| RepoError::Unavailable(format!("reverting migrations: {e}")))
    }

    /// The schema as text (tables, columns, indexes), to compare two states.
    pub async fn schema(&self) -> Result<String, RepoError> {
        let rows = match self.engine {
            Engine::MySql => {
                sqlx::query(
                    "SELECT CONCAT(table_name, '.', column_name, ' ', column_type, ' ', is_nullable) AS line \
                     FROM information_schema.columns WHERE table_schema = DATABASE() \
                     UNION ALL SELECT CONCAT(table_name, ' index ', index_name, ' ', non_unique, ' ', seq_in_index, ' ', column_name) \
                     FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY 1",
                )
                .fetch_all(&self.read)
                .await
            }
            Engine::Sqlite => {
                sqlx::query(
                    "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') AS line FROM sqlite_master \
                     WHERE name NOT LIKE 'sqlite_%' ORDER BY 1",
                )
                .fetch_all(&self.read)
                .await
            }
        }
        .map_err(unavailable("reading the schema"))?;
        let lines: Vec<String> = rows
            .iter()
            .map(|r| crate::codec::text(r, "line"))
            .collect::<Result<_, _>>()
            .map_err(unavailable("reading the schema"))?;
        Ok(lines.join("\n"))
    }
}
