//! The built binary, run as an operator would, on a fresh SQLite file.

use std::path::Path;
use std::process::{Command, Output};

fn histologe_web(database: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_histologe-web"))
        .args(args)
        .env("DATABASE_URL", format!("sqlite://{}", database.display()))
        .env_remove("INJONCTION_BAILLEUR_DEPTS")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

#[test]
fn migrate_then_demo_data_then_nothing_to_do_then_revert() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");

    let migrate = histologe_web(&db, &["migrate"]);
    assert_success(&migrate, "migrate");
    assert!(
        stdout(&migrate).contains("migration"),
        "{}",
        stdout(&migrate)
    );

    let demo = histologe_web(&db, &["demo-data"]);
    assert_success(&demo, "demo-data");
    let report = stdout(&demo);
    assert!(report.contains("signalements"), "{report}");
    for status in ["NEED_VALIDATION", "ACTIVE", "CLOSED", "REFUSED", "ARCHIVED"] {
        assert!(report.contains(status), "{status} missing in:\n{report}");
    }
    assert!(report.contains("admin@histologe.test"), "{report}");

    let again = histologe_web(&db, &["demo-data"]);
    assert_success(&again, "second demo-data");
    assert!(
        stdout(&again).contains("rien à faire"),
        "{}",
        stdout(&again)
    );

    let reference = histologe_web(&db, &["reference-data"]);
    assert_success(&reference, "reference-data");
    assert!(
        stdout(&reference).contains("35728 communes"),
        "{}",
        stdout(&reference)
    );

    let down = histologe_web(&db, &["migrate", "--down", "1"]);
    assert_success(&down, "migrate --down 1");
    assert!(
        stdout(&down).contains("1 migration(s) annulée(s)"),
        "{}",
        stdout(&down)
    );
}

#[test]
fn an_unsupported_database_url_stops_with_its_name() {
    let output = Command::new(env!("CARGO_BIN_EXE_histologe-web"))
        .arg("migrate")
        .env("DATABASE_URL", "postgres://x")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("DATABASE_URL"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn a_malformed_territory_list_stops_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_histologe-web"))
        .arg("migrate")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("x.db").display()),
        )
        .env("INJONCTION_BAILLEUR_DEPTS", "33,1x")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    assert!(
        stderr(&output)
            .contains("INJONCTION_BAILLEUR_DEPTS: « 1x » n'est pas un code de territoire"),
        "{}",
        stderr(&output)
    );
}
