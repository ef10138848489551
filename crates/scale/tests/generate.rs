//! `generate` then `bench-queries` through the binary, on a fresh SQLite
//! file: the data set has the announced size and shape, and the bench
//! prints the three queries. Timings are printed, never asserted.

use std::process::{Command, Output};

fn histologe_scale(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_histologe-scale"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stdout_of(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The count printed for `table` in the final table of `generate`.
fn count(report: &str, table: &str) -> i64 {
    report
        .lines()
        .find_map(|l| {
            let mut words = l.split_whitespace();
            (words.next() == Some(table))
                .then(|| words.next().and_then(|n| n.parse().ok()))
                .flatten()
        })
        .unwrap_or_else(|| panic!("no count for {table} in:\n{report}"))
}

#[test]
fn generate_then_bench_queries() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("g.db").display());

    let report = stdout_of(
        &histologe_scale(&url, &["generate", "--signalements", "300", "--seed", "7"]),
        "generate",
    );
    assert!(report.contains("signalements/s"), "{report}");
    assert_eq!(count(&report, "signalements"), 300, "{report}");
    let partners = count(&report, "partners");
    assert!(partners >= 100 * 30, "{report}");
    assert_eq!(
        count(&report, "users"),
        partners * 3 + partners / 30,
        "{report}"
    );
    let suivis = count(&report, "suivis");
    assert!((3 * 300..=8 * 300).contains(&suivis), "{report}");
    let affectations = count(&report, "affectations");
    assert!((150..=900).contains(&affectations), "{report}");
    assert!(count(&report, "history_entries") >= 300, "{report}");
    assert!(count(&report, "files") > 0, "{report}");
    assert!(count(&report, "interventions") > 0, "{report}");

    let refused = histologe_scale(&url, &["generate", "--signalements", "10"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--append"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let appended = stdout_of(
        &histologe_scale(&url, &["generate", "--signalements", "20", "--append"]),
        "generate --append",
    );
    assert_eq!(count(&appended, "signalements"), 320, "{appended}");

    let bench = stdout_of(
        &histologe_scale(&url, &["bench-queries", "--samples", "5"]),
        "bench-queries",
    );
    for expected in [
        "Machine",
        "p50 (ms)",
        "p95 (ms)",
        "(a) liste d'un territoire",
        "(b) liste d'un partenaire",
        "(c) dossier complet",
    ] {
        assert!(bench.contains(expected), "{expected} missing in:\n{bench}");
    }
    assert!(!bench.contains("aucun échantillon"), "{bench}");
}
