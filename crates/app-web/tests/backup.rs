//! `backup` then `restore` through the binary gives back every row of the
//! demo data set, on SQLite and on MariaDB (the server of `TEST_MYSQL_URL`,
//! default `mysql://root@127.0.0.1:3306`, as in the SQL adapter's suites).
//!
//! An unreachable MariaDB fails the run when `CI=true`; elsewhere the test
//! says loudly that it skipped, and never passes silently.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

use histologe_adapters_sql::SqlStore;
use sqlx::Executor;

fn histologe_web(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_histologe-web"))
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("INJONCTION_BAILLEUR_DEPTS")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn assert_success(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

async fn dump(url: &str) -> Vec<(String, Vec<Vec<serde_json::Value>>)> {
    SqlStore::connect(url)
        .await
        .expect("database opens")
        .dump()
        .await
        .expect("dump")
}

/// Demo data into `source`, backup, restore into `target` (empty), then
/// the same rows in both; a second restore is refused.
async fn round_trip(source: &str, target: &str, file: &Path) {
    // A deployment migrates first; `demo-data` does not on MySQL.
    assert_success(&histologe_web(source, &["migrate"]), "migrate");
    assert_success(&histologe_web(source, &["demo-data"]), "demo-data");
    let file = file.to_str().expect("UTF-8 path");
    let backup = assert_success(&histologe_web(source, &["backup", file]), "backup");
    assert!(backup.contains("Sauvegarde écrite"), "{backup}");
    assert!(backup.contains("Fichiers stockés référencés"), "{backup}");
    let restore = assert_success(&histologe_web(target, &["restore", file]), "restore");
    assert!(restore.contains("restaurée"), "{restore}");

    let (before, after) = (dump(source).await, dump(target).await);
    // Which tables exist is the adapter's `every_table_is_backed_up`.
    assert_eq!(before.len(), after.len(), "every table is compared");
    assert!(before.len() >= 24, "{} tables", before.len());
    for ((table, rows), (table_after, rows_after)) in before.iter().zip(&after) {
        assert_eq!(table, table_after);
        assert_eq!(rows.len(), rows_after.len(), "rows of {table}");
        assert!(rows == rows_after, "{table} differs after restore");
    }
    let signalements = before.iter().find(|(t, _)| t == "signalements");
    assert!(signalements.is_some_and(|(_, rows)| rows.len() >= 100));

    let again = histologe_web(target, &["restore", file]);
    assert!(!again.status.success());
    let message = String::from_utf8_lossy(&again.stderr);
    assert!(message.contains("n'est pas vide"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_and_restore_give_back_the_demo_data_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    round_trip(
        &url("a.db"),
        &url("b.db"),
        &dir.path().join("demo.backup.gz"),
    )
    .await;
}

fn mysql_server_url() -> String {
    std::env::var("TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_string())
}

/// The admin pool of the MariaDB server, or `None` (said loudly) when it is
/// unreachable outside CI.
async fn mysql_admin() -> Option<sqlx::AnyPool> {
    sqlx::any::install_default_drivers();
    let url = mysql_server_url();
    match sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(&url)
        .await
    {
        Ok(pool) => Some(pool),
        Err(e) => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !ci,
                "MariaDB is unreachable at {url} and CI=true: the MariaDB round trip must run in CI ({e})"
            );
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! MariaDB unreachable at {url}: the MariaDB backup round trip was SKIPPED (set TEST_MYSQL_URL or start MariaDB) !!!\n"
            );
            None
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_schema() -> String {
    format!(
        "ht_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_and_restore_give_back_the_demo_data_on_mariadb() {
    let Some(admin) = mysql_admin().await else {
        return;
    };
    let (a, b) = (unique_schema(), unique_schema());
    for name in [&a, &b] {
        admin
            .execute(
                format!(
                    "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
                .as_str(),
            )
            .await
            .expect("create schema");
    }
    let server = mysql_server_url();
    let url = |name: &str| format!("{}/{name}", server.trim_end_matches('/'));
    let (source, target) = (url(&a), url(&b));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.backup.gz");
    // Run apart so that the schemas are dropped even when an assertion fails.
    let outcome = tokio::spawn(async move { round_trip(&source, &target, &file).await }).await;
    for name in [&a, &b] {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS `{name}`").as_str())
            .await;
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
