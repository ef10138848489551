//! `bench-queries`: how long the queries a person waits for take on the
//! current database, as percentiles over random samples. It prints figures
//! for a person to judge (docs/performance.md); it asserts nothing, since
//! timings depend on the machine.
//!
//! The three queries are the back-office's: a territory's list for its RT,
//! a partner's list for its agents, and the full load of one case. Each
//! sample draws another territory, partner or case among those that exist,
//! so that caches do not measure the same rows over and over; a warm-up
//! round comes first, as on a server that has been running.
//!
//! The samples are drawn by the SQL adapter's sampling reads (no
//! repository port says which partners have affectations); the measured
//! calls go through the ports.

use std::time::{Duration, Instant};

use chrono::Utc;
use histologe_adapters_sql::SqlStore;
use histologe_core::enums::SignalementStatus;
use histologe_core::ids::{PartnerId, SignalementId};
use histologe_core::policy::ListScope;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{
    FileRepository, HistoryRepository, RepoError, SignalementFilter, SignalementRepository,
};
use histologe_runtime::config::Config;
use histologe_runtime::error::StartError;
use histologe_runtime::wiring::{self, Schema, database_error};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// Rows per page of the back-office lists.
const PAGE: u32 = 50;

/// Percentiles of one query, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    /// Average rows (list) or children (case) returned: proof it did work.
    pub rows: f64,
}

/// Nearest-rank percentiles.
pub fn figures(mut times: Vec<Duration>, rows: usize) -> Figures {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: usize| {
        if times.is_empty() {
            0.0
        } else {
            ms(times[((times.len() * p).div_ceil(100)).clamp(1, times.len()) - 1])
        }
    };
    Figures {
        p50: at(50),
        p95: at(95),
        max: times.last().copied().map_or(0.0, ms),
        rows: rows as f64 / times.len().max(1) as f64,
    }
}

/// The filter of the lists: what an RT or agent opens first, the cases in
/// progress of the last year.
fn list_filter() -> SignalementFilter {
    SignalementFilter {
        status: Some(SignalementStatus::Active),
        created_after: Some(Utc::now() - chrono::Duration::days(365)),
        ..SignalementFilter::default()
    }
}

/// One measured call; returns how many rows it brought.
#[derive(Debug, Clone)]
enum Query {
    Territory(TerritoryCode),
    Partner(PartnerId),
    Case(SignalementId),
}

async fn execute(store: &SqlStore, query: &Query) -> Result<usize, RepoError> {
    match query {
        Query::Territory(t) => Ok(SignalementRepository::list(
            store,
            &ListScope::Territories(vec![t.clone()]),
            &list_filter(),
            0,
            PAGE,
        )
        .await?
        .items
        .len()),
        Query::Partner(p) => Ok(SignalementRepository::list(
            store,
            &ListScope::Partners(vec![*p]),
            &list_filter(),
            0,
            PAGE,
        )
        .await?
        .items
        .len()),
        Query::Case(id) => {
            let case = SignalementRepository::case(store, *id).await?;
            let files = FileRepository::of_signalement(store, *id).await?;
            let history = HistoryRepository::of_signalement(store, *id).await?;
            Ok(case.map_or(0, |c| {
                1 + c.affectations.len() + c.suivis.len() + c.interventions.len()
            }) + files.len()
                + history.len())
        }
    }
}

async fn measure(
    store: &SqlStore,
    warm_up: &[Query],
    queries: &[Query],
) -> Result<Figures, RepoError> {
    for q in warm_up {
        execute(store, q).await?;
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut rows = 0;
    for q in queries {
        let started = Instant::now();
        rows += execute(store, q).await?;
        times.push(started.elapsed());
    }
    Ok(figures(times, rows))
}

/// The machine and the database, for the figures to mean something.
async fn describe_machine(store: &SqlStore) -> Result<String, RepoError> {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or_else(
            || "mémoire inconnue".to_string(),
            |kb| format!("{:.1} Gio de mémoire", kb / 1024.0 / 1024.0),
        );
    let (version, size) = store.server_and_size().await?;
    Ok(format!(
        "Machine : {cores} cœurs, {memory} ; base : {version}, {:.2} Gio (données + index).",
        size as f64 / 1024.0 / 1024.0 / 1024.0
    ))
}

pub async fn run(
    config: &Config,
    samples: usize,
    territory: Option<&str>,
) -> Result<(), StartError> {
    let (store, _) = wiring::connect(config, Schema::Migrate).await?;
    let db = database_error(config);
    let only = territory
        .map(TerritoryCode::parse)
        .transpose()
        .map_err(|e| StartError::Refused(format!("--territory : {}", e.message)))?;
    let machine = describe_machine(&store).await.map_err(&db)?;
    let population = store.sample_population(only.as_ref()).await.map_err(&db)?;
    if population.territories.is_empty() {
        return Err(StartError::Refused(match &only {
            Some(t) => format!("le territoire {t} n'a aucun signalement : rien à mesurer."),
            None => "la base n'a aucun signalement : lancez d'abord generate.".to_string(),
        }));
    }
    let samples = samples.max(1);
    let warm_up = (samples / 10).max(3);
    let mut rng = StdRng::seed_from_u64(samples as u64);

    let territories: Vec<Query> = (0..samples + warm_up)
        .filter_map(|_| population.territories.choose(&mut rng))
        .map(|(t, _)| Query::Territory(t.clone()))
        .collect();
    let partners: Vec<Query> = (0..samples + warm_up)
        .filter_map(|_| population.partners.choose(&mut rng))
        .map(|(_, p)| Query::Partner(*p))
        .collect();
    let mut cases = Vec::with_capacity(samples + warm_up);
    for _ in 0..samples + warm_up {
        let (from, to) = population.created;
        let at = rng.random_range(from..=to.max(from));
        if let Some(id) = store
            .case_created_from(at, only.as_ref())
            .await
            .map_err(&db)?
        {
            cases.push(Query::Case(id));
        }
    }

    let total: i64 = population.territories.iter().map(|(_, n)| n).sum();
    println!("{machine}");
    println!(
        "Données : {total} signalements dans {} territoire(s), {} partenaires avec affectations ; {samples} mesures par requête après {warm_up} d'échauffement.",
        population.territories.len(),
        population.partners.len()
    );
    println!(
        "{:<64} {:>9} {:>9} {:>9} {:>12}",
        "Requête", "p50 (ms)", "p95 (ms)", "max (ms)", "lignes moy."
    );
    let rounds: [(&str, &[Query]); 3] = [
        (
            "(a) liste d'un territoire (RT) : en cours < 1 an, 50, récents",
            &territories,
        ),
        (
            "(b) liste d'un partenaire (agent) : affectation en cours < 1 an",
            &partners,
        ),
        (
            "(c) dossier complet (affectations, suivis, fichiers, historique)",
            &cases,
        ),
    ];
    for (label, queries) in rounds {
        if queries.is_empty() {
            println!("{label:<64} (aucun échantillon)");
            continue;
        }
        let warm = warm_up.min(queries.len());
        let f = measure(&store, &queries[..warm], &queries[warm..])
            .await
            .map_err(&db)?;
        println!(
            "{label:<64} {:>9.2} {:>9.2} {:>9.2} {:>12.1}",
            f.p50, f.p95, f.max, f.rows
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let times: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let f = figures(times, 500);
        assert_eq!(f.p50, 50.0);
        assert_eq!(f.p95, 95.0);
        assert_eq!(f.max, 100.0);
        assert_eq!(f.rows, 5.0);
        let one = figures(vec![Duration::from_millis(7)], 1);
        assert_eq!((one.p50, one.p95, one.max), (7.0, 7.0, 7.0));
    }
}
