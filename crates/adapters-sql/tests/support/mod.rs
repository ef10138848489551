//! Fresh databases for the contract suites: a new SQLite file, or a new
//! schema on the MariaDB server of `TEST_MYSQL_URL` (default
//! `mysql://root@127.0.0.1:3306`, running on development and CI machines).
//!
//! An unreachable MariaDB fails the run when `CI=true`; elsewhere the suite
//! says loudly, once, that it skipped, and never passes silently.
#![allow(dead_code)]

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use histologe_adapters_sql::SqlStore;
use histologe_contract_tests::{Backend, Stores};
use sqlx::Executor;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A new SQLite database in the system's temporary directory.
pub async fn sqlite_store() -> SqlStore {
    let dir = std::env::temp_dir().join("histologe-tests");
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let file = dir.join(format!("{}.db", unique("t")));
    let store = SqlStore::connect(&format!("sqlite://{}", file.display()))
        .await
        .expect("SQLite opens");
    store.migrate().await.expect("migrations run");
    store
}

pub struct Sqlite;

#[async_trait]
impl Backend for Sqlite {
    async fn fresh(&self) -> Stores {
        Stores::from_store(sqlite_store().await)
    }
}

pub fn mysql_server_url() -> String {
    std::env::var("TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_string())
}

/// Whether the MariaDB server answers; decided once per test binary, and
/// said loudly (on the terminal, past the test harness's capture) when not.
pub async fn mysql_available() -> bool {
    static AVAILABLE: tokio::sync::OnceCell<bool> = tokio::sync::OnceCell::const_new();
    *AVAILABLE.get_or_init(probe_mysql).await
}

async fn probe_mysql() -> bool {
    let url = mysql_server_url();
    let ok = admin(&url).await.is_ok();
    if !ok {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "MariaDB is unreachable at {url} and CI=true: the MariaDB contract suite must run in CI"
        );
        let _ = writeln!(
            std::io::stderr(),
            "\n!!! MariaDB unreachable at {url}: the MariaDB contract suite was SKIPPED (set TEST_MYSQL_URL or start MariaDB) !!!\n"
        );
    }
    ok
}

async fn admin(url: &str) -> Result<sqlx::AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(url)
        .await
}

/// A new, migrated schema on the MariaDB server. Schemas of earlier runs
/// of this binary's previous processes are dropped first.
pub async fn mysql_store() -> SqlStore {
    let url = mysql_server_url();
    let pool = admin(&url).await.expect("MariaDB answers");
    static CLEANED: OnceLock<()> = OnceLock::new();
    if CLEANED.get().is_none() {
        let mine = format!("ht_{}_", std::process::id());
        let rows = sqlx::query("SELECT CAST(schema_name AS CHAR) AS name FROM information_schema.schemata WHERE schema_name LIKE 'ht\\_%'")
            .fetch_all(&pool)
            .await
            .expect("list schemas");
        for row in rows {
            use sqlx::Row;
            let name: String = row.try_get("name").expect("name");
            if !name.starts_with(&mine) {
                let _ = pool
                    .execute(format!("DROP DATABASE IF EXISTS `{name}`").as_str())
                    .await;
            }
        }
        let _ = CLEANED.set(());
    }
    let name = unique("ht");
    pool.execute(
        format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            .as_str(),
    )
    .await
    .expect("create schema");
    pool.close().await;
    let store = SqlStore::connect(&format!("{}/{name}", url.trim_end_matches('/')))
        .await
        .expect("connect to the new schema");
    store.migrate().await.expect("migrations run");
    store
}

pub struct MariaDb;

#[async_trait]
impl Backend for MariaDb {
    async fn fresh(&self) -> Stores {
        Stores::from_store(mysql_store().await)
    }

    async fn available(&self) -> bool {
        mysql_available().await
    }
}
