//! Wires the adapters into the application: the only place that knows
//! which adapter serves which port (design.md, "Crates").
//!
//! Everything the binary does starts here: open the database, run the
//! pending migrations, load the reference data, then build the [`App`]
//! whose settings depend on that data (the communes of the Métropole de
//! Lyon).

use std::sync::Arc;

use histologe_adapters_memory::{MemorySharedState, RandomIds, SystemClock};
use histologe_adapters_redis::{Redis, RedisSessions, RedisSharedState};
use histologe_adapters_sql::SqlStore;
use histologe_application::{App, Ports, Settings};
use histologe_core::territory_code::{LYON_METROPOLE, TerritoryCode};
use histologe_ports::{
    AutoAffectationRuleRepository, CommuneRepository, CredentialRepository, DraftRepository,
    FileRepository, HistoryRepository, JobQueue, NotificationRepository, PartnerRepository,
    RepoError, SessionRepository, SignalementRepository, TerritoryRepository, UnitOfWork,
    UserRepository,
};

use crate::config::Config;
use crate::error::StartError;
use crate::reference_data::{self, Reload};

/// A database adapter serving every repository port at once (the SQL store
/// in the binary, the memory store in tests).
pub trait Store:
    UnitOfWork
    + SignalementRepository
    + UserRepository
    + PartnerRepository
    + TerritoryRepository
    + CommuneRepository
    + AutoAffectationRuleRepository
    + FileRepository
    + HistoryRepository
    + NotificationRepository
    + DraftRepository
    + CredentialRepository
    + SessionRepository
    + histologe_ports::AccountTokenRepository
    + histologe_ports::TagRepository
    + histologe_ports::SettingRepository
    + histologe_ports::StatisticsRepository
    + histologe_ports::SavedSearchRepository
    + JobQueue
    + 'static
{
}

impl<S> Store for S where
    S: UnitOfWork
        + SignalementRepository
        + UserRepository
        + PartnerRepository
        + TerritoryRepository
        + CommuneRepository
        + AutoAffectationRuleRepository
        + FileRepository
        + HistoryRepository
        + NotificationRepository
        + DraftRepository
        + CredentialRepository
        + SessionRepository
        + histologe_ports::AccountTokenRepository
        + histologe_ports::TagRepository
        + histologe_ports::SettingRepository
        + histologe_ports::StatisticsRepository
        + histologe_ports::SavedSearchRepository
        + JobQueue
        + 'static
{
}

/// The repositories that reference and demo data write directly, in bulk
/// and without the history the administration's use cases record.
#[derive(Clone)]
pub struct Stores {
    pub territories: Arc<dyn TerritoryRepository>,
    pub communes: Arc<dyn CommuneRepository>,
    pub partners: Arc<dyn PartnerRepository>,
    pub users: Arc<dyn UserRepository>,
    pub rules: Arc<dyn AutoAffectationRuleRepository>,
    pub signalements: Arc<dyn SignalementRepository>,
}

impl std::fmt::Debug for Stores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stores")
    }
}

impl Stores {
    pub fn of<S: Store>(store: Arc<S>) -> Stores {
        Stores {
            territories: store.clone(),
            communes: store.clone(),
            partners: store.clone(),
            users: store.clone(),
            rules: store.clone(),
            signalements: store,
        }
    }
}

/// The outside systems configured from the environment: object storage
/// (`STORAGE_URL`, default `./var/files`) and the optional antivirus
/// (`CLAMAV_HOST`).
pub struct Outside {
    pub file_store: Arc<dyn histologe_ports::FileStore>,
    pub scanner: Option<Arc<dyn histologe_ports::VirusScanner>>,
    /// `REDIS_URL`: sessions and shared state there instead of the
    /// database and the process.
    pub redis: Option<Redis>,
}

impl std::fmt::Debug for Outside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outside")
            .field("antivirus", &self.scanner.is_some())
            .field("redis", &self.redis)
            .finish_non_exhaustive()
    }
}

impl Outside {
    pub fn from_env() -> Result<Outside, StartError> {
        let file_store = histologe_adapters_storage::ObjectFileStore::from_env()
            .map_err(|e| StartError::Outside(e.to_string()))?;
        let scanner =
            histologe_adapters_clamav::ClamdScanner::from_env().map_err(StartError::Outside)?;
        Ok(Outside {
            file_store: Arc::new(file_store),
            scanner: scanner.map(|s| Arc::new(s) as Arc<dyn histologe_ports::VirusScanner>),
            redis: None,
        })
    }

    /// Redis when `REDIS_URL` is set. Not connected yet: a Redis that is
    /// down fails the logins (an error page) until it is back, and nothing
    /// falls back to another store.
    pub fn with_redis(mut self, config: &Config) -> Result<Outside, StartError> {
        self.redis = match &config.redis_url {
            Some(url) => Some(
                Redis::open(url.expose(), histologe_adapters_redis::DEFAULT_PREFIX).map_err(
                    |e| StartError::Outside(format!("{} — {e}", crate::config::REDIS_URL)),
                )?,
            ),
            None => None,
        };
        Ok(self)
    }
}

/// Every port of the application on one store. Sessions are the store's
/// and shared state the process's, unless Redis is configured: then both
/// are in Redis, which every web process sees. Clock and ids are the
/// process's.
pub fn ports<S: Store>(store: Arc<S>, outside: Outside) -> Ports {
    let clock: Arc<dyn histologe_ports::Clock> = Arc::new(SystemClock);
    let (sessions, shared): (
        Arc<dyn SessionRepository>,
        Arc<dyn histologe_ports::SharedState>,
    ) = match outside.redis {
        Some(redis) => (
            Arc::new(RedisSessions::new(
                redis.clone(),
                store.clone(),
                clock.clone(),
            )),
            Arc::new(RedisSharedState::new(redis)),
        ),
        None => (store.clone(), Arc::new(MemorySharedState::new())),
    };
    Ports {
        uow: store.clone(),
        signalements: store.clone(),
        users: store.clone(),
        partners: store.clone(),
        territories: store.clone(),
        rules: store.clone(),
        files: store.clone(),
        history: store.clone(),
        notifications: store.clone(),
        tags: store.clone(),
        drafts: store.clone(),
        credentials: store.clone(),
        sessions,
        account_tokens: store.clone(),
        saved_searches: store.clone(),
        passwords: Arc::new(histologe_adapters_argon2::Argon2Hasher::owasp()),
        platform_settings: store.clone(),
        statistics: store.clone(),
        jobs: store,
        shared,
        clock,
        ids: Arc::new(RandomIds),
        file_store: outside.file_store,
        images: Arc::new(histologe_adapters_images::Images),
        scanner: outside.scanner,
    }
}

/// The rules' settings: the configuration, and the communes of the
/// Métropole de Lyon as the territory 69A lists them in the database.
pub async fn settings(
    config: &Config,
    territories: &dyn TerritoryRepository,
) -> Result<Settings, RepoError> {
    let lyon = TerritoryCode::parse(LYON_METROPOLE)
        .map_err(|e| RepoError::NotFound(format!("territory {LYON_METROPOLE}: {}", e.message)))?;
    let lyon_metropole_insee = match territories.get(&lyon).await? {
        Some(t) => t.authorized_insee,
        None => {
            tracing::warn!(
                territory = LYON_METROPOLE,
                "territory missing: the communes of the Métropole de Lyon will be filed under the Rhône"
            );
            Vec::new()
        }
    };
    Ok(Settings {
        injonction_territories: config.injonction_territories.clone(),
        lyon_metropole_insee,
    })
}

/// The application on `store`, with its settings read from it and the
/// outside systems from the environment.
pub async fn app<S: Store>(config: &Config, store: Arc<S>) -> Result<App, StartError> {
    let settings = settings(config, store.as_ref())
        .await
        .map_err(database_error(config))?;
    let outside = Outside::from_env()?.with_redis(config)?;
    log_where_sessions_live(&outside).await;
    Ok(App::new(ports(store, outside), settings)
        .with_upload_rules(histologe_core::upload::UploadRules {
            max_bytes: config.upload_max_bytes,
        })
        .with_email_2fa(config.email_2fa)
        .with_digest_schedule(config.digest_schedule))
}

/// Says at start where sessions and counters live, and whether Redis
/// answers (a Redis that is down is not fatal: it may come back).
async fn log_where_sessions_live(outside: &Outside) {
    match &outside.redis {
        Some(redis) => match redis.ping().await {
            Ok(()) => tracing::info!(
                redis = redis.address(),
                prefix = redis.prefix(),
                "sessions, rate limits and locks in Redis"
            ),
            Err(e) => tracing::error!(
                redis = redis.address(),
                error = %e,
                "sessions, rate limits and locks in Redis, which does not answer: logins fail until it does"
            ),
        },
        None => tracing::info!(
            "sessions in the database, rate limits and locks in this process (REDIS_URL unset)"
        ),
    }
}

/// Names the database (without credentials) in a failure of its adapter.
pub fn database_error(config: &Config) -> impl Fn(RepoError) -> StartError + '_ {
    |source| StartError::Database {
        url: config.database_url.redacted(),
        source,
    }
}

/// Opens the database, nothing more (`migrate --down` must not migrate up
/// first).
pub async fn open(config: &Config) -> Result<SqlStore, StartError> {
    tracing::info!(database = %config.database_url.redacted(), "opening the database");
    SqlStore::connect(config.database_url.expose())
        .await
        .map_err(database_error(config))
}

/// What every subcommand starts with: the database opened and migrated,
/// the reference data loaded, the application built on them.
pub async fn connect(config: &Config) -> Result<(SqlStore, App), StartError> {
    let store = open(config).await?;
    store.migrate().await.map_err(database_error(config))?;
    tracing::info!("migrations up to date");
    let shared = Arc::new(store.clone());
    reference_data::load(&Stores::of(shared.clone()), Reload::IfChanged).await?;
    let app = app(config, shared).await?;
    Ok((store, app))
}
