//! Fresh databases for the contract suites: a new SQLite file, or a new
//! schema on the MariaDB server of `TEST_MYSQL_URL` (default
//! `mysql://root@127.0.0.1:3306`, running on development and CI machines).
//!
//! Where that server does not answer and a Docker engine runs, a MariaDB
//! container is started instead (testcontainers). Without either, the run
//! fails when `CI=true`; elsewhere the suite says loudly, once, that it
//! skipped, and never passes silently.
#![allow(dead_code)]

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use histologe_adapters_sql::SqlStore;
use histologe_contract_tests::{Backend, Stores};
use sqlx::Executor;
use testcontainers_modules::mariadb::Mariadb;
use testcontainers_modules::testcontainers::ContainerAsync;
use testcontainers_modules::testcontainers::runners::AsyncRunner;

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
    sqlite_store_and_url().await.0
}

/// A new SQLite database and its URL, for tests that write plain SQL.
pub async fn sqlite_store_and_url() -> (SqlStore, String) {
    let dir = std::env::temp_dir().join("histologe-tests");
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let file = dir.join(format!("{}.db", unique("t")));
    let url = format!("sqlite://{}", file.display());
    let store = SqlStore::connect(&url).await.expect("SQLite opens");
    store.migrate().await.expect("migrations run");
    (store, url)
}

pub struct Sqlite;

#[async_trait]
impl Backend for Sqlite {
    async fn fresh(&self) -> Stores {
        Stores::from_store(sqlite_store().await)
    }
}

/// The MariaDB server the suite runs against, found once per test binary.
struct Server {
    url: String,
    /// A container started for this run; stopped when the process ends.
    _container: Option<ContainerAsync<Mariadb>>,
}

static SERVER: tokio::sync::OnceCell<Option<Server>> = tokio::sync::OnceCell::const_new();

fn configured_url() -> String {
    std::env::var("TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_string())
}

/// `TEST_MYSQL_URL` (default the local server) when it answers; otherwise,
/// where a Docker engine runs, a MariaDB container (testcontainers);
/// otherwise none: fatal when `CI=true`, loudly skipped elsewhere.
async fn server() -> Option<&'static Server> {
    SERVER.get_or_init(find_server).await.as_ref()
}

async fn find_server() -> Option<Server> {
    let url = configured_url();
    if admin(&url).await.is_ok() {
        return Some(Server {
            url,
            _container: None,
        });
    }
    if docker_engine_runs() {
        match Mariadb::default().start().await {
            Ok(container) => match container.get_host_port_ipv4(3306).await {
                Ok(port) => {
                    let url = format!("mysql://root@127.0.0.1:{port}");
                    if admin(&url).await.is_ok() {
                        return Some(Server {
                            url,
                            _container: Some(container),
                        });
                    }
                }
                Err(e) => eprintln!("MariaDB container without a port: {e}"),
            },
            Err(e) => eprintln!("could not start a MariaDB container: {e}"),
        }
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "MariaDB is unreachable at {url} and CI=true: the MariaDB contract suite must run in CI"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! MariaDB unreachable at {url}: the MariaDB contract suite was SKIPPED (set TEST_MYSQL_URL or start MariaDB) !!!\n"
    );
    None
}

fn docker_engine_runs() -> bool {
    std::process::Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether a MariaDB server is there for the suite (see `server`).
pub async fn mysql_available() -> bool {
    server().await.is_some()
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
/// whose process has ended are dropped first.
pub async fn mysql_store() -> SqlStore {
    mysql_store_and_url().await.0
}

/// A new, migrated MariaDB schema and its URL.
pub async fn mysql_store_and_url() -> (SqlStore, String) {
    let url = server().await.expect("MariaDB is available").url.clone();
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
            // Only the schemas of processes that ended: under a runner of
            // one process per test (nextest) the others are still in use.
            let owner_alive = name
                .strip_prefix("ht_")
                .and_then(|rest| rest.split('_').next())
                .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
            if !name.starts_with(&mine) && !owner_alive {
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
    let url = format!("{}/{name}", url.trim_end_matches('/'));
    let store = SqlStore::connect(&url)
        .await
        .expect("connect to the new schema");
    store.migrate().await.expect("migrations run");
    (store, url)
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
