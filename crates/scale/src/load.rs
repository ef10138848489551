//! `load`: agents and visitors browsing a running web app at once, for the
//! figures of docs/performance.md. Logged-in staff of the three
//! back-office roles (territory admin, partner admin, agent) open the
//! dashboard, the list (first and random pages, filtered), signalement
//! views, the map and the statistics, and post suivis; anonymous visitors
//! open the home page, the form's first page and tracking pages, and file
//! signalements through every screen of the public form. The run
//! is bounded by a duration and a number of requests, on the URL given
//! (loopback), and stops by itself.
//!
//! It reports per route p50 / p95 / p99, throughput and errors; the peak
//! memory of the web process when its pid is given; and for the list and
//! the view, the time of their main reads run directly against the
//! database in the same run, with the ratio page / SQL.
//!
//! The accounts it logs in with are chosen in the database (the busiest
//! territory and its busiest partner) and given `--password`, through the
//! same hasher as the application: point it at a scratch database only.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use histologe_adapters_sql::SqlStore;
use histologe_core::enums::Role;
use histologe_core::ids::SignalementId;
use histologe_core::policy::ListScope;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{
    FileRepository, HistoryRepository, Ports, SignalementFilter, SignalementRepository,
    UserRepository,
};
use histologe_runtime::config::Config;
use histologe_runtime::error::StartError;
use histologe_runtime::wiring::{self, Outside, database_error};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;

use crate::bench::{Figures, figures};

/// Rows per page of the back-office list (`PAGE_SIZE` of the application).
const LIST_PAGE: u32 = 25;
/// Between two pages of a visitor (staff clients have no pause).
const VISITOR_PAUSE: Duration = Duration::from_millis(50);
/// The route of one whole walk through the form, first screen to receipt,
/// timed as the sum of its screens: its count per second is the
/// submissions' throughput.
const FILED: &str = "dépôt complet (visiteur)";
/// Each screen of the form posted on the way.
const FORM_STEP: &str = "formulaire, étape (visiteur)";

#[derive(Debug, Clone)]
pub struct Options {
    pub base_url: String,
    /// Simultaneous clients.
    pub clients: usize,
    pub duration: Duration,
    /// The run stops after this many requests, whatever the duration.
    pub max_requests: u64,
    pub password: String,
    /// The web process, for its peak memory (`VmHWM`).
    pub web_pid: Option<u32>,
    /// Direct reads per measured query for the SQL floor.
    pub sql_samples: usize,
    /// Where to write the report (Markdown) besides printing it.
    pub report: Option<std::path::PathBuf>,
    /// Every client files signalements without pausing: the throughput of
    /// the public form's submissions.
    pub filing: bool,
}

/// Who a client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Persona {
    TerritoryAdmin,
    PartnerAdmin,
    Agent,
    Visitor,
}

/// The accounts and the data the clients pick from.
struct Cast {
    territory: TerritoryCode,
    staff: Vec<(Persona, String)>,
    codes: Vec<String>,
}

/// One request's outcome.
struct Sample {
    route: &'static str,
    elapsed: Duration,
    /// An answer below 500, read to its end.
    ok: bool,
    /// A 4xx: the application refused (a suivi on a case the agent may
    /// not write to), which is not a failure of the server.
    refused: bool,
}

pub async fn run(config: &Config, options: Options) -> Result<(), StartError> {
    // `Err`: a provider is installed already, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let store = wiring::open(config).await?;
    let db = database_error(config);
    let ports = wiring::ports(Arc::new(store.clone()), Outside::from_env(config)?);
    let cast = cast(&store, &ports, &options.password).await?;
    println!(
        "Territoire {} ; comptes : {} ; {} codes de suivi.",
        cast.territory,
        cast.staff
            .iter()
            .map(|(p, e)| format!("{p:?} {e}"))
            .collect::<Vec<_>>()
            .join(", "),
        cast.codes.len()
    );

    let client = |_| {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| StartError::Outside(format!("client HTTP : {e}")))
    };
    let base = options.base_url.trim_end_matches('/').to_string();
    let samples = Arc::new(Mutex::new(Vec::<Sample>::new()));
    let sent = Arc::new(AtomicU64::new(0));
    // Every client logs in first: the clock starts when all are ready.
    let mut browsers = Vec::new();
    let answers = Arc::new(tenant_answers());
    // One visitor in eight, each pausing between pages (`VISITOR_PAUSE`).
    let personas = [
        Persona::TerritoryAdmin,
        Persona::PartnerAdmin,
        Persona::Agent,
        Persona::TerritoryAdmin,
        Persona::PartnerAdmin,
        Persona::Agent,
        Persona::TerritoryAdmin,
        Persona::Visitor,
    ];
    for n in 0..options.clients.max(1) {
        let persona = if options.filing {
            Persona::Visitor
        } else {
            personas[n % personas.len()]
        };
        let http = client(n)?;
        let email = cast
            .staff
            .iter()
            .find(|(p, _)| *p == persona)
            .map(|(_, e)| e.clone());
        let ids = match &email {
            Some(email) => login_and_collect(&http, &base, email, &options.password).await?,
            None => Vec::new(),
        };
        browsers.push(Browser {
            http,
            base: base.clone(),
            persona,
            ids,
            codes: cast.codes.clone(),
            rng: StdRng::seed_from_u64(n as u64 + 1),
            answers: answers.clone(),
            pause: if options.filing {
                Duration::ZERO
            } else {
                VISITOR_PAUSE
            },
            filing: options.filing,
        });
    }
    let started = Instant::now();
    let deadline = started + options.duration;
    let mut tasks = Vec::new();
    for browser in browsers {
        let (samples, sent, max) = (samples.clone(), sent.clone(), options.max_requests);
        tasks.push(tokio::spawn(async move {
            browser.browse(deadline, &sent, max, &samples).await;
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed();
    let samples = std::mem::take(&mut *samples.lock().await);

    let floor = sql_floor(&store, &cast, options.sql_samples)
        .await
        .map_err(&db)?;
    let memory = options.web_pid.and_then(peak_memory_kib);
    let report = report(&options, &samples, elapsed, &floor, memory);
    println!("{report}");
    if let Some(path) = &options.report {
        std::fs::write(path, &report)
            .map_err(|e| StartError::Outside(format!("{} : {e}", path.display())))?;
    }
    let errors = samples.iter().filter(|s| !s.ok).count();
    if errors > 0 {
        return Err(StartError::Refused(format!(
            "{errors} requête(s) en erreur sur {} : voir le rapport",
            samples.len()
        )));
    }
    Ok(())
}

/// A tenant of Marseille's complete answers (the reference payload), for
/// today.
fn tenant_answers() -> histologe_core::form::Answers {
    use histologe_core::form::payloads::{complete, payload_answers};
    let mut answers = payload_answers(include_str!("../../core/src/form/testdata/locataire.json"));
    complete(&mut answers, chrono::Utc::now().date_naive());
    answers
}

/// The busiest territory, its RT, and the busiest partner's admin and
/// agent, each given `password`; tracking codes of cases of the territory.
async fn cast(store: &SqlStore, ports: &Ports, password: &str) -> Result<Cast, StartError> {
    let err = |e: histologe_ports::RepoError| StartError::Outside(e.to_string());
    let population = store.sample_population(None).await.map_err(err)?;
    let Some((territory, _)) = population
        .territories
        .iter()
        .max_by_key(|(_, n)| *n)
        .cloned()
    else {
        return Err(StartError::Refused(
            "la base n'a aucun signalement : lancez d'abord generate.".into(),
        ));
    };
    let mut staff = Vec::new();
    if let Some(rt) = UserRepository::territory_admins(store, &territory)
        .await
        .map_err(err)?
        .into_iter()
        .find(|u| u.is_active())
    {
        staff.push((Persona::TerritoryAdmin, rt.email));
    }
    // The first partner of the territory with affectations and accounts
    // of both roles.
    for (t, partner) in &population.partners {
        if *t != territory {
            continue;
        }
        let users = UserRepository::of_partner(store, *partner)
            .await
            .map_err(err)?;
        let admin = users
            .iter()
            .find(|u| u.role == Role::PartnerAdmin && u.is_active());
        let agent = users
            .iter()
            .find(|u| u.role == Role::Agent && u.is_active());
        if let (Some(admin), Some(agent)) = (admin, agent) {
            staff.push((Persona::PartnerAdmin, admin.email.clone()));
            staff.push((Persona::Agent, agent.email.clone()));
            break;
        }
    }
    let emails: Vec<String> = staff.iter().map(|(_, e)| e.clone()).collect();
    histologe_demo::set_demo_passwords(ports, &emails, password, false).await?;

    let mut rng = StdRng::seed_from_u64(7);
    let mut codes = Vec::new();
    let (from, to) = population.created;
    for _ in 0..50 {
        let at = rng.random_range(from..=to.max(from));
        if let Some(id) = store
            .case_created_from(at, Some(&territory))
            .await
            .map_err(err)?
            && let Some(case) = SignalementRepository::case(store, id).await.map_err(err)?
        {
            codes.push(case.signalement.code_suivi);
        }
    }
    Ok(Cast {
        territory,
        staff,
        codes,
    })
}

/// Logs in, then reads the ids of the cases on the first list pages.
async fn login_and_collect(
    http: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> Result<Vec<String>, StartError> {
    let failed = |e: reqwest::Error| StartError::Outside(format!("{base} : {e}"));
    let login = http
        .post(format!("{base}/connexion"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .map_err(failed)?;
    if login.status() != reqwest::StatusCode::SEE_OTHER {
        return Err(StartError::Refused(format!(
            "connexion de {email} refusée ({})",
            login.status()
        )));
    }
    let mut ids = Vec::new();
    for page in 1..=4 {
        let body = http
            .get(format!("{base}/bo/signalements?page={page}"))
            .send()
            .await
            .map_err(failed)?
            .text()
            .await
            .map_err(failed)?;
        ids.extend(case_ids(&body));
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The case ids a list page links to.
fn case_ids(body: &str) -> Vec<String> {
    const LINK: &str = "href=\"/bo/signalements/";
    body.match_indices(LINK)
        .map(|(at, _)| {
            body[at + LINK.len()..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
                .collect::<String>()
        })
        .filter(|id| id.len() == 36)
        .collect()
}

struct Browser {
    http: reqwest::Client,
    base: String,
    persona: Persona,
    ids: Vec<String>,
    codes: Vec<String>,
    rng: StdRng,
    /// A tenant's complete answers, as a visitor types them.
    answers: Arc<histologe_core::form::Answers>,
    /// Between two pages of a visitor.
    pause: Duration,
    /// Files signalements only.
    filing: bool,
}

impl Browser {
    async fn browse(
        mut self,
        deadline: Instant,
        sent: &AtomicU64,
        max: u64,
        samples: &Mutex<Vec<Sample>>,
    ) {
        while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < max {
            // One visitor's turn in five files a signalement.
            if self.persona == Persona::Visitor && (self.filing || self.rng.random_range(0..5) == 0)
            {
                let walk = self.file_a_signalement(sent).await;
                samples.lock().await.extend(walk);
                continue;
            }
            let (route, request) = self.next_request();
            let started = Instant::now();
            let (ok, refused) = match request.send().await {
                // Pages answer 200, forms 303; a 422 is a refused form.
                Ok(r) => {
                    let status = r.status();
                    let drained = r.bytes().await.is_ok();
                    (
                        drained && !status.is_server_error(),
                        status.is_client_error(),
                    )
                }
                Err(_) => (false, false),
            };
            samples.lock().await.push(Sample {
                route,
                elapsed: started.elapsed(),
                ok,
                refused,
            });
            // A visitor reads what he opened: without a pause, one client
            // on pages of a millisecond would take the machine from the
            // agents.
            if self.persona == Persona::Visitor {
                tokio::time::sleep(self.pause).await;
            }
        }
    }

    /// Every screen of the public form posted with a tenant's answers, as
    /// a browser does (following each redirect) up to the receipt: a
    /// sample per screen, and one for the whole walk (`FILED`), failed if
    /// any screen did not move on.
    async fn file_a_signalement(&mut self, sent: &AtomicU64) -> Vec<Sample> {
        let form = histologe_core::form::Form::reference();
        let mut walk = Vec::new();
        let mut location = Ok("/signalement".to_string());
        let mut filed = false;
        for step in 0..100 {
            let Ok(path) = location else { break };
            if path.ends_with("/confirmation") {
                filed = true;
                break;
            }
            let request = if step == 0 {
                self.http
                    .post(format!("{}{path}", self.base))
                    .form(&[("profil", "locataire")])
            } else {
                let slug = path.rsplit('/').next().unwrap_or_default();
                let body = form
                    .posted_fields(slug, &self.answers)
                    .into_iter()
                    .fold(reqwest::multipart::Form::new(), |body, (key, value)| {
                        body.text(key, value)
                    })
                    .text("_action", "suivant");
                self.http
                    .post(format!("{}{path}", self.base))
                    .multipart(body)
            };
            sent.fetch_add(1, Ordering::Relaxed);
            let at = Instant::now();
            location = match request.send().await {
                Ok(r) if r.status() == reqwest::StatusCode::SEE_OTHER => r
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_string)
                    .ok_or(false),
                // A refused screen: the answers no longer fit the form.
                Ok(r) => Err(r.status().is_client_error()),
                Err(_) => Err(false),
            };
            walk.push(Sample {
                route: FORM_STEP,
                elapsed: at.elapsed(),
                ok: location.is_ok() || location == Err(true),
                refused: location == Err(true),
            });
            tokio::time::sleep(self.pause).await;
        }
        // The server's time for one signalement: the visitor's pauses aside.
        let busy = walk.iter().map(|s| s.elapsed).sum();
        walk.push(Sample {
            route: FILED,
            elapsed: busy,
            ok: filed,
            refused: false,
        });
        walk
    }

    fn next_request(&mut self) -> (&'static str, reqwest::RequestBuilder) {
        let base = &self.base;
        let get = |path: String| self.http.get(format!("{base}{path}"));
        if self.persona == Persona::Visitor {
            let roll = self.rng.random_range(0..10);
            return match (roll, self.codes.choose(&mut self.rng)) {
                (0..=5, Some(code)) => (
                    "suivi usager",
                    get(format!("/suivre-mon-signalement/{code}")),
                ),
                (6..=7, _) => ("formulaire", get("/signalement".to_string())),
                _ => ("accueil", get("/".to_string())),
            };
        }
        let id = self.ids.choose(&mut self.rng).cloned();
        let roll = self.rng.random_range(0..100);
        match (roll, id) {
            (0..=9, _) => ("tableau de bord", get("/bo".to_string())),
            (10..=29, _) => ("liste", get("/bo/signalements".to_string())),
            (30..=44, _) => {
                let page = self.rng.random_range(1..=40);
                (
                    "liste page au hasard",
                    get(format!("/bo/signalements?page={page}")),
                )
            }
            (45..=49, _) => (
                "liste filtrée",
                get("/bo/signalements?statut=ACTIVE".to_string()),
            ),
            (50..=54, _) => ("carte", get("/bo/cartographie".to_string())),
            (55..=59, _) => ("statistiques", get("/bo/statistiques".to_string())),
            (60..=64, Some(id)) => (
                "suivi posté",
                self.http
                    .post(format!("{base}/bo/signalements/{id}/suivis"))
                    .form(&[(
                        "message",
                        "Point d'étape du test de charge : visite à prévoir.",
                    )]),
            ),
            (_, Some(id)) => ("signalement", get(format!("/bo/signalements/{id}"))),
            (_, None) => ("liste", get("/bo/signalements".to_string())),
        }
    }
}

/// The list's and the view's main reads, run directly: the floor the
/// pages are compared with.
struct Floor {
    list: Figures,
    view: Figures,
}

async fn sql_floor(
    store: &SqlStore,
    cast: &Cast,
    samples: usize,
) -> Result<Floor, histologe_ports::RepoError> {
    let scope = ListScope::Territories(vec![cast.territory.clone()]);
    let filter = SignalementFilter::default();
    let mut rng = StdRng::seed_from_u64(11);
    let mut list = Vec::new();
    let mut ids: Vec<SignalementId> = Vec::new();
    for _ in 0..samples.max(1) {
        let offset = u64::from(rng.random_range(0..40u32) * LIST_PAGE);
        let started = Instant::now();
        let page = SignalementRepository::list(store, &scope, &filter, offset, LIST_PAGE).await?;
        let shown: Vec<SignalementId> = page.items.iter().map(|s| s.id).collect();
        SignalementRepository::affectations_of(store, &shown).await?;
        list.push(started.elapsed());
        ids.extend(shown);
    }
    let mut view = Vec::new();
    for _ in 0..samples.max(1) {
        let Some(id) = ids.choose(&mut rng).copied() else {
            break;
        };
        let started = Instant::now();
        SignalementRepository::case(store, id).await?;
        FileRepository::of_signalement(store, id).await?;
        HistoryRepository::of_signalement(store, id).await?;
        view.push(started.elapsed());
    }
    Ok(Floor {
        list: figures(list, 0),
        view: figures(view, 0),
    })
}

/// `VmHWM` of the process, in KiB: its peak resident memory so far.
fn peak_memory_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (sorted.len() * p).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

fn report(
    options: &Options,
    samples: &[Sample],
    elapsed: Duration,
    floor: &Floor,
    memory: Option<u64>,
) -> String {
    let mut by_route: BTreeMap<&str, (Vec<Duration>, usize, usize)> = BTreeMap::new();
    for s in samples {
        let entry = by_route.entry(s.route).or_default();
        entry.0.push(s.elapsed);
        entry.1 += usize::from(!s.ok);
        entry.2 += usize::from(s.refused);
    }
    let seconds = elapsed.as_secs_f64().max(f64::EPSILON);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Charge : {} clients, {:.1} s, {} requêtes ({:.1} req/s), {}",
        options.clients,
        seconds,
        samples.len(),
        samples.len() as f64 / seconds,
        options.base_url
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| route | requêtes | req/s | p50 (ms) | p95 (ms) | p99 (ms) | erreurs | refus (4xx) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    let mut p50_of = BTreeMap::new();
    for (route, (mut times, errors, refused)) in by_route {
        times.sort();
        p50_of.insert(route, percentile(&times, 50));
        let _ = writeln!(
            out,
            "| {route} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {errors} | {refused} |",
            times.len(),
            times.len() as f64 / seconds,
            percentile(&times, 50),
            percentile(&times, 95),
            percentile(&times, 99),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| lectures SQL directes | p50 (ms) | p95 (ms) | page p50 / SQL p50 |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for (label, route, sql) in [
        (
            "liste (page au hasard parmi 40 + affectations)",
            "liste page au hasard",
            &floor.list,
        ),
        (
            "signalement (dossier + fichiers + historique)",
            "signalement",
            &floor.view,
        ),
    ] {
        let ratio = p50_of
            .get(route)
            .filter(|_| sql.p50 > 0.0)
            .map_or_else(|| "—".to_string(), |page| format!("{:.1}", page / sql.p50));
        let _ = writeln!(
            out,
            "| {label} | {:.1} | {:.1} | {ratio} |",
            sql.p50, sql.p95
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Mémoire du processus web (VmHWM) : {}",
        memory.map_or_else(
            || "non mesurée (--web-pid)".to_string(),
            |kib| format!("{:.0} Mio", kib as f64 / 1024.0)
        )
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids_are_read_from_the_links_of_a_list_page() {
        let body = r#"<a href="/bo/signalements/0190a1b2-0000-7000-8000-000000000001">2024-1</a>
            <a href="/bo/signalements?page=2">2</a>
            <a href="/bo/signalements/export.csv?">CSV</a>"#;
        assert_eq!(
            case_ids(body),
            vec!["0190a1b2-0000-7000-8000-000000000001".to_string()]
        );
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let times: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert!((percentile(&times, 50) - 50.0).abs() < 1e-9);
        assert!((percentile(&times, 99) - 99.0).abs() < 1e-9);
        assert!((percentile(&[], 95)).abs() < 1e-9);
    }
}
