//! Wires the adapters into the application: the only place that knows
//! which adapter serves which port (design.md, "Crates").
//!
//! Every process starts here: open the database, apply the migrations or
//! check that none is pending ([`Schema`]), then build the [`App`] whose
//! settings depend on the reference data (the communes of the Métropole
//! de Lyon) and whose ports come from the environment.

use std::sync::Arc;

use histologe_adapters_brevo::{BrevoConfig, BrevoMailer, OutboxMailer, SmtpConfig, SmtpMailer};
use histologe_adapters_redis::{Redis, RedisSessions, RedisSharedState};
use histologe_adapters_sql::SqlStore;
use histologe_adapters_system::{ProcessSharedState, SystemClock, TimeOrderedIds};
use histologe_application::{App, Ports, Repositories, Services, Settings};
use histologe_core::territory_code::{LYON_METROPOLE, TerritoryCode};
use histologe_ports::{
    Mailer, RepoError, SessionRepository, SharedState, Store, TerritoryRepository,
};

use crate::config::Config;
use crate::error::StartError;
use crate::mail_config::{self, MailTransport};
use crate::reference_data::{self, Reload};

/// What a process does with the schema when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// Apply the pending migrations and load the reference data: `migrate`,
    /// and `serve` on the embedded SQLite file, which no other process
    /// shares.
    Migrate,
    /// Refuse to start on a database with pending migrations, naming the
    /// command that applies them: every other process, so that two
    /// processes started together never race on the schema.
    Require,
}

/// The outside systems configured from the environment: object storage
/// (`STORAGE_URL`, default `./var/files`), the optional antivirus
/// (`CLAMAV_HOST`), Redis (`REDIS_URL`) and the mail transport.
pub struct Outside {
    pub file_store: Arc<dyn histologe_ports::FileStore>,
    pub scanner: Option<Arc<dyn histologe_ports::VirusScanner>>,
    /// `REDIS_URL`: sessions and shared state there instead of the
    /// database and the process.
    pub redis: Option<Redis>,
    pub mailer: Arc<dyn Mailer>,
    /// The address services that are on (built in [`ports`], which holds
    /// the shared state their cache lives in).
    pub geo: histologe_adapters_geo::GeoConfig,
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
    pub fn from_env(config: &Config) -> Result<Outside, StartError> {
        let file_store = histologe_adapters_storage::ObjectFileStore::from_env()
            .map_err(|e| StartError::Outside(e.to_string()))?;
        let scanner =
            histologe_adapters_clamav::ClamdScanner::from_env().map_err(StartError::Outside)?;
        Ok(Outside {
            file_store: Arc::new(file_store),
            scanner: scanner.map(|s| Arc::new(s) as Arc<dyn histologe_ports::VirusScanner>),
            redis: redis(config)?,
            mailer: mailer(config)?,
            geo: config.geo.clone(),
        })
    }
}

/// Redis when `REDIS_URL` is set. Not connected yet: a Redis that is down
/// fails the logins (an error page) until it is back, and nothing falls
/// back to another store.
pub fn redis(config: &Config) -> Result<Option<Redis>, StartError> {
    config
        .redis_url
        .as_ref()
        .map(|url| {
            Redis::open(url.expose(), histologe_adapters_redis::DEFAULT_PREFIX)
                .map_err(|e| StartError::Outside(format!("{} — {e}", crate::config::REDIS_URL)))
        })
        .transpose()
}

/// The one mail transport of the deployment (`mail_config`): the local
/// outbox unless `BREVO_API_KEY` or `SMTP_URL` is set. Logged at start,
/// without the key or the relay's password.
fn mailer(config: &Config) -> Result<Arc<dyn Mailer>, StartError> {
    let mail = &config.mail;
    let outside = |variable: &str, e: String| StartError::Outside(format!("{variable} : {e}"));
    let mailer: Arc<dyn Mailer> = match &mail.transport {
        MailTransport::Outbox => {
            tracing::info!(
                transport = "outbox",
                dir = %config.outbox_dir.display(),
                "e-mails are written to the local outbox (read them on /bo/courriels)"
            );
            Arc::new(OutboxMailer::new(&config.outbox_dir))
        }
        MailTransport::Brevo { api_key, api_url } => {
            let mut brevo = BrevoConfig::new(api_key.expose(), &mail.from_email, &mail.from_name);
            brevo.api_url = api_url.clone();
            brevo.reply_to = mail.reply_to.clone();
            tracing::info!(transport = "brevo", api_url = %api_url, from = %mail.from_email, "e-mails are sent through Brevo");
            Arc::new(BrevoMailer::new(brevo).map_err(|e| outside(mail_config::BREVO_API_KEY, e))?)
        }
        MailTransport::Smtp { url } => {
            let mut smtp = SmtpConfig::new(&mail.from_email, &mail.from_name);
            smtp.reply_to = mail.reply_to.clone();
            let mailer = SmtpMailer::from_url(url.expose(), smtp)
                .map_err(|e| outside(mail_config::SMTP_URL, e))?;
            tracing::info!(transport = "smtp", relay = %crate::config::redacted_url(url.expose()), from = %mail.from_email, "e-mails are sent through the SMTP relay");
            Arc::new(mailer)
        }
    };
    Ok(mailer)
}

/// Every port of the application on one store. Sessions are the store's
/// and shared state the process's, unless Redis is configured: then both
/// are in Redis, which every process sees.
pub fn ports<S: Store>(store: Arc<S>, outside: Outside) -> Ports {
    let clock: Arc<dyn histologe_ports::Clock> = Arc::new(SystemClock);
    let mut repositories = Repositories::of(store.clone());
    let shared: Arc<dyn SharedState> = match outside.redis {
        Some(redis) => {
            let sessions: Arc<dyn SessionRepository> =
                Arc::new(RedisSessions::new(redis.clone(), store, clock.clone()));
            repositories.sessions = sessions;
            Arc::new(RedisSharedState::new(redis))
        }
        None => Arc::new(ProcessSharedState::new()),
    };
    // The URLs were checked with the configuration; what is left to fail
    // is the TLS set-up, and a platform that cannot reach the BAN still
    // takes reports (agents route them by hand).
    let lookups = outside.geo.lookups(shared.clone()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "address services off: cases will be routed by hand");
        histologe_ports::Lookups::default()
    });
    if outside.geo.ban_url.is_some() {
        tracing::info!(
            ban = ?outside.geo.ban_url,
            rnb = ?outside.geo.rnb_url,
            dpe = ?outside.geo.dpe_url,
            "new cases are geocoded, then routed"
        );
    }
    Ports::new(
        repositories,
        Services {
            passwords: Arc::new(histologe_adapters_argon2::Argon2Hasher::owasp()),
            shared,
            clock,
            ids: Arc::new(TimeOrderedIds),
            file_store: outside.file_store,
            images: Arc::new(histologe_adapters_images::Images),
            scanner: outside.scanner,
            mailer: outside.mailer,
            lookups,
        },
    )
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

/// The application on `ports`, with its settings read from the store and
/// the configuration.
pub async fn app(config: &Config, ports: Ports) -> Result<App, StartError> {
    let settings = settings(config, ports.territories.as_ref())
        .await
        .map_err(database_error(config))?;
    Ok(App::new(ports, settings)
        .with_upload_rules(histologe_core::upload::UploadRules {
            max_bytes: config.upload_max_bytes,
        })
        .with_email_2fa(config.email_2fa)
        .with_digest_schedule(config.digest_schedule))
}

/// The application on `store` with the outside systems of the environment
/// (the memory store in tests, the SQL store in the binaries).
pub async fn app_on<S: Store>(config: &Config, store: Arc<S>) -> Result<Wired, StartError> {
    let outside = Outside::from_env(config)?;
    log_where_sessions_live(&outside).await;
    let ports = ports(store, outside);
    let app = app(config, ports.clone()).await?;
    Ok(Wired { app, ports })
}

/// A process's application and the ports it was built on. The ports are
/// for the loaders of this crate's kin (demo data, generated data) and the
/// operations commands; request handlers only ever see the [`App`].
#[derive(Debug, Clone)]
pub struct Wired {
    pub app: App,
    pub ports: Ports,
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

/// Applies the migrations and loads the reference data, or checks that
/// nothing is pending, as `schema` says.
pub async fn prepare(config: &Config, store: &SqlStore, schema: Schema) -> Result<(), StartError> {
    match schema {
        Schema::Migrate => {
            store.migrate().await.map_err(database_error(config))?;
            tracing::info!("migrations up to date");
            reference_data::load(
                &Repositories::of(Arc::new(store.clone())),
                Reload::IfChanged,
            )
            .await?;
        }
        Schema::Require => {
            let pending = store
                .pending_migrations()
                .await
                .map_err(database_error(config))?;
            if !pending.is_empty() {
                return Err(StartError::PendingMigrations(format!(
                    "la base de données a {} migration(s) en attente (la plus ancienne : {}) : \
                     lancez d'abord « histologe-worker migrate » (ou « histologe-web migrate »), \
                     une seule fois par déploiement",
                    pending.len(),
                    pending[0]
                )));
            }
        }
    }
    Ok(())
}

/// What every process starts with: the database opened and prepared as
/// `schema` says, the application built on it.
pub async fn connect(config: &Config, schema: Schema) -> Result<(SqlStore, Wired), StartError> {
    let store = open(config).await?;
    prepare(config, &store, schema).await?;
    let wired = app_on(config, Arc::new(store.clone())).await?;
    Ok((store, wired))
}
