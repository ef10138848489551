//! `generate`: fills the database with a realistic data set at scale, to
//! measure the queries on a production-sized database (1,000,000 cases is
//! a decade of the national platform).
//!
//! Organisations first (thirty partners and ninety-one accounts per
//! territory, through the repositories), then the cases, built as values
//! on a thread of their own while the previous batch is written with
//! `SqlStore::bulk_insert`: generating and writing overlap. Everything
//! random comes from one seeded generator, so a seed gives the same data
//! set (ids included).

mod cases;
mod people;

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, Utc};
use histologe_adapters_sql::{Batch, SqlStore};
use histologe_ports::UnitOfWork;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use histologe_ports::Repositories;
use histologe_runtime::config::Config;
use histologe_runtime::error::StartError;
use histologe_runtime::reference_data;
use histologe_runtime::wiring::{self, Schema, database_error};

/// Cases per `bulk_insert` (one transaction): big enough for multi-row
/// statements to pay, small enough to keep each transaction short.
pub const BATCH: usize = 1_000;

/// How often progress is printed.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub signalements: u64,
    pub seed: u64,
    /// Add to a database that already has signalements.
    pub append: bool,
}

/// A v4 UUID drawn from the seeded generator (the `IdGenerator` port draws
/// from the system, which would make two runs differ).
pub(crate) fn random_uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// A time-ordered (v7 layout) UUID for the rows of a case created at `at`.
///
/// Why not v4 like the application: with random primary keys every insert
/// lands on a random page of each id index, and once the tables outgrow
/// the InnoDB buffer pool (128 MiB by default) a million cases take hours
/// to write. Time-ordered ids append instead. This makes reads of recent
/// cases more local than with the application's v4 ids; docs/performance.md
/// says so next to the figures.
pub(crate) fn case_uuid(rng: &mut StdRng, at: chrono::DateTime<Utc>) -> Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &rng.random()).into_uuid()
}

fn count(counts: &[(String, i64)], table: &str) -> i64 {
    counts
        .iter()
        .find(|(t, _)| t == table)
        .map_or(0, |(_, n)| *n)
}

pub async fn run(config: &Config, options: Options) -> Result<(), StartError> {
    let (store, _) = wiring::connect(config, Schema::Migrate).await?;
    let db = database_error(config);
    let before = store.counts().await.map_err(&db)?;
    let existing = count(&before, "signalements");
    if existing > 0 && !options.append {
        return Err(StartError::Refused(format!(
            "la base contient déjà {existing} signalements : relancez avec --append pour en ajouter, \
             ou générez dans une base vide."
        )));
    }
    let stores = Repositories::of(Arc::new(store.clone()));
    // Appending with the same seed must not draw the same ids again.
    let mut rng =
        StdRng::seed_from_u64(options.seed ^ (existing as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let now = Utc::now();

    let started = Instant::now();
    let territories = stores.territories.all().await.map_err(&db)?;
    let communes = reference_data::communes()?;
    let grouped = people::communes_by_territory(&territories, &communes);
    // Accounts of an earlier run keep their e-mails; this run's differ.
    let run = format!("r{}", count(&before, "users"));
    let (people, users) = people::build(&mut rng, grouped, &run, now);
    let partners: usize = people.iter().map(|t| t.partners.len()).sum();
    let accounts = users.len();
    people::write(&stores, &people, users).await.map_err(&db)?;
    println!(
        "Organisations : {} territoires, {partners} partenaires, {accounts} comptes, écrits en {:.1} s.",
        people.len(),
        started.elapsed().as_secs_f64()
    );

    let numbers = if options.append {
        highest_numbers(&store, &people, now.year())
            .await
            .map_err(&db)?
    } else {
        HashMap::new()
    };
    let factory = cases::Factory::new(people, numbers, now, options.signalements)
        .map_err(StartError::Refused)?;
    let active = factory.territories().iter().filter(|t| t.is_active).count();
    println!(
        "Génération de {} signalements sur {} ans dans {active} territoires actifs (graine {})…",
        options.signalements,
        cases::YEARS,
        options.seed
    );
    let started = Instant::now();
    write_cases(&store, factory, rng, options.signalements)
        .await
        .map_err(&db)?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "Génération terminée : {} signalements en {elapsed:.1} s ({:.0} signalements/s).",
        options.signalements,
        options.signalements as f64 / elapsed.max(0.001)
    );
    println!("Lignes par table :");
    for (table, n) in store.counts().await.map_err(&db)? {
        println!("  {table:<16} {n}");
    }
    Ok(())
}

/// Highest reference numbers already given, per territory and year of the
/// generated span, so that appended cases follow them.
async fn highest_numbers(
    store: &SqlStore,
    people: &[people::TerritoryPeople],
    this_year: i32,
) -> Result<HashMap<(usize, i32), u32>, histologe_ports::RepoError> {
    let mut numbers = HashMap::new();
    // Read only: dropped without commit, which releases the locks.
    let mut tx = store.begin().await?;
    for (i, t) in people.iter().enumerate() {
        for year in (this_year - cases::YEARS as i32)..=this_year {
            if let Some(n) = tx.max_reference_number(&t.code, year).await? {
                numbers.insert((i, year), n);
            }
        }
    }
    Ok(numbers)
}

/// Builds the batches on a thread while the previous one is written.
async fn write_cases(
    store: &SqlStore,
    mut factory: cases::Factory,
    mut rng: StdRng,
    total: u64,
) -> Result<(), histologe_ports::RepoError> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(2);
    let producer = std::thread::spawn(move || {
        let mut i = 0u64;
        while i < total {
            let mut batch = Batch::default();
            while i < total && batch.cases.len() < BATCH {
                let generated = factory.case(&mut rng, i);
                batch.cases.push(generated.case);
                batch.history.extend(generated.history);
                batch.files.extend(generated.files);
                i += 1;
            }
            if sender.blocking_send(batch).is_err() {
                // The writer stopped on an error it reports.
                break;
            }
        }
    });
    let started = Instant::now();
    let mut last_print = Instant::now();
    let mut done = 0u64;
    while let Some(batch) = receiver.recv().await {
        done += batch.cases.len() as u64;
        store.bulk_insert(batch).await?;
        if last_print.elapsed() >= PROGRESS_EVERY {
            last_print = Instant::now();
            let elapsed = started.elapsed().as_secs_f64();
            println!(
                "  {done:>9} / {total} signalements ({:.0} %), {:.0} signalements/s, {elapsed:.0} s",
                done as f64 * 100.0 / total.max(1) as f64,
                done as f64 / elapsed.max(0.001)
            );
            let _ = std::io::stdout().flush();
        }
    }
    producer
        .join()
        .map_err(|_| histologe_ports::RepoError::Unavailable("the case generator stopped".into()))
}
