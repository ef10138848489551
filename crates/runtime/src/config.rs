//! Typed configuration read from the environment (twelve-factor).
//!
//! Every variable is optional: with none set, the binary runs the embedded
//! default (SQLite in `./var`). A variable that is set but malformed stops
//! the start with a message naming it, because a typo silently replaced by
//! a default would run production on the wrong database.

use std::fmt;

use histologe_application::DigestSchedule;
use histologe_core::territory_code::TerritoryCode;
use thiserror::Error;

pub const DATABASE_URL: &str = "DATABASE_URL";
pub const DEMO_PASSWORD: &str = "HISTOLOGE_DEMO_PASSWORD";
pub const INJONCTION_BAILLEUR_DEPTS: &str = "INJONCTION_BAILLEUR_DEPTS";
pub const UPLOAD_MAX_BYTES: &str = "UPLOAD_MAX_BYTES";
pub const LISTEN: &str = "HISTOLOGE_LISTEN";
pub const BASE_URL: &str = "HISTOLOGE_BASE_URL";
pub const SECRET_KEY: &str = "HISTOLOGE_SECRET_KEY";
pub const ASSETS_DIR: &str = "HISTOLOGE_ASSETS_DIR";
pub const OUTBOX_DIR: &str = "HISTOLOGE_OUTBOX_DIR";
pub const EMAIL_2FA: &str = "HISTOLOGE_2FA";
pub const REDIS_URL: &str = "REDIS_URL";
pub const DIGEST_AT: &str = "HISTOLOGE_DIGEST_AT";
pub const INPROCESS_JOBS: &str = "HISTOLOGE_INPROCESS_JOBS";
pub const SHUTDOWN_GRACE: &str = "HISTOLOGE_SHUTDOWN_GRACE";
pub const JOB_LEASE: &str = "HISTOLOGE_JOB_LEASE";
pub const BAN_URL: &str = "BAN_URL";
pub const RNB_URL: &str = "RNB_URL";
pub const DPE_URL: &str = "DPE_URL";
/// Prefix of the variables that override a scheduled task's cron
/// expression: `HISTOLOGE_SCHEDULE_` + the task's name in capitals
/// (`HISTOLOGE_SCHEDULE_PURGE="0 30 3 * * *"`).
pub const SCHEDULE_PREFIX: &str = "HISTOLOGE_SCHEDULE_";

/// Every variable the processes read, for `--help` and the README.
pub const VARIABLES: &[(&str, &str)] = &[
    (
        DATABASE_URL,
        "base de données : sqlite://… (défaut sqlite://var/histologe.db) ou mysql://…",
    ),
    (
        REDIS_URL,
        "Redis pour les sessions, limites et verrous partagés entre processus",
    ),
    (
        STORAGE_URL_NAME,
        "stockage des fichiers : file://dossier (défaut file://./var/files), memory:// ou s3://seau",
    ),
    (
        "STORAGE_ENDPOINT",
        "avec s3:// : adresse du service compatible S3 (par exemple OVH)",
    ),
    ("STORAGE_REGION", "avec s3:// : région du service"),
    ("STORAGE_ACCESS_KEY", "avec s3:// : identifiant d'accès"),
    (
        "STORAGE_SECRET_KEY",
        "avec s3:// : clé secrète (jamais affichée)",
    ),
    (
        CLAMAV_HOST_NAME,
        "antivirus clamd : hôte, facultatif (sans lui, pas d'analyse des fichiers)",
    ),
    ("CLAMAV_PORT", "antivirus clamd : port (défaut 3310)"),
    (
        BASE_URL,
        "adresse publique du site, pour les liens des e-mails",
    ),
    (LISTEN, "adresse d'écoute du site (défaut 127.0.0.1:8080)"),
    (
        SECRET_KEY,
        "clé des cookies chiffrés, au moins 64 caractères (obligatoire avec MySQL)",
    ),
    (
        ASSETS_DIR,
        "dossier des paquets front (défaut node_modules)",
    ),
    (
        OUTBOX_DIR,
        "dossier de la boîte d'envoi locale des e-mails (défaut var/outbox)",
    ),
    (
        EMAIL_2FA,
        "code de connexion par e-mail pour les super admins : on (défaut) ou off",
    ),
    (
        DIGEST_AT,
        "heure du récapitulatif quotidien, HH:MM [fuseau] (défaut 08:00 Europe/Paris)",
    ),
    (
        INPROCESS_JOBS,
        "on/off : le site traite aussi les tâches (défaut : on avec SQLite, off avec MySQL)",
    ),
    (
        SHUTDOWN_GRACE,
        "secondes laissées à la tâche en cours à l'arrêt (défaut 30)",
    ),
    (
        JOB_LEASE,
        "secondes de réservation d'une tâche avant qu'un autre worker la reprenne (défaut 300, plus long que HISTOLOGE_SHUTDOWN_GRACE)",
    ),
    (
        "HISTOLOGE_SCHEDULE_<TÂCHE>",
        "expression cron (6 champs, heure de Paris) remplaçant le calendrier d'une tâche planifiée",
    ),
    (
        BAN_URL,
        "géocodage et suggestions d'adresses par la Base Adresse Nationale : on (service de l'IGN) ou son adresse ; sans lui, les signalements sont orientés à la main",
    ),
    (
        RNB_URL,
        "bâtiment du Référentiel national des bâtiments : on (service public) ou son adresse ; facultatif, avec BAN_URL",
    ),
    (
        DPE_URL,
        "DPE du logement dans les données ouvertes de l'ADEME : on (jeu dpe03existant) ou son adresse ; facultatif, avec BAN_URL",
    ),
    (
        INJONCTION_BAILLEUR_DEPTS,
        "territoires où la démarche accélérée est ouverte (codes séparés par des virgules)",
    ),
    (
        UPLOAD_MAX_BYTES,
        "taille maximale d'un fichier envoyé, en octets (défaut 10 Mo)",
    ),
    (
        DEMO_PASSWORD,
        "mot de passe des comptes de démonstration (base embarquée)",
    ),
    (
        "RUST_LOG",
        "filtre des journaux (défaut info), écrits sur la sortie d'erreur",
    ),
];

/// The variables as `--help` lists them.
pub fn variables_help() -> String {
    let width = VARIABLES
        .iter()
        .chain(crate::mail_config::MAIL_VARIABLES)
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("Variables d'environnement :\n");
    for (name, what) in VARIABLES.iter().chain(crate::mail_config::MAIL_VARIABLES) {
        out.push_str(&format!("  {name:<width$}  {what}\n"));
    }
    out
}

/// Read by the storage and antivirus adapters themselves.
const STORAGE_URL_NAME: &str = "STORAGE_URL";
const CLAMAV_HOST_NAME: &str = "CLAMAV_HOST";

/// Where the embedded default listens: loopback only, so a laptop does not
/// publish a development database to its network.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The embedded default: one SQLite file under `./var`, relative to the
/// working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://var/histologe.db";

/// A variable that is set but cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(variable: &'static str, message: impl Into<String>) -> Self {
        ConfigError {
            variable,
            message: message.into(),
        }
    }
}

/// `url` with its user and password replaced by `***`, for logs.
pub fn redacted_url(url: &str) -> String {
    redact(url)
}

/// `url` with its user and password replaced by `***`.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// The database the binary works on. Only the engines the SQL adapter
/// speaks are accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn parse(value: &str) -> Result<DatabaseUrl, ConfigError> {
        let value = value.trim();
        let scheme = value.split_once("://").map(|(scheme, _)| scheme);
        match scheme {
            Some("sqlite") if value.len() > "sqlite://".len() => Ok(DatabaseUrl(value.into())),
            Some("mysql") if value.len() > "mysql://".len() => Ok(DatabaseUrl(value.into())),
            Some("sqlite" | "mysql") => Err(ConfigError::new(
                DATABASE_URL,
                "l'URL est incomplète (exemples : sqlite://var/histologe.db, mysql://user:motdepasse@127.0.0.1:3306/histologe)",
            )),
            // Only the scheme is echoed: the rest may hold a password.
            Some(other) => Err(ConfigError::new(
                DATABASE_URL,
                format!(
                    "le schéma « {other} » n'est pas pris en charge (attendu : sqlite://… ou mysql://…)"
                ),
            )),
            None => Err(ConfigError::new(
                DATABASE_URL,
                "ce n'est pas une URL de base de données (attendu : sqlite://… ou mysql://…)",
            )),
        }
    }

    /// The URL, password included: for the driver only, never for a log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL without its credentials, for logs.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// The Redis that keeps sessions and shared state when several web
/// processes run (`redis://[:password@]host[:port][/db]`, or
/// `redis+unix:///path/to/socket`).
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl(String);

impl RedisUrl {
    pub fn parse(value: &str) -> Result<RedisUrl, ConfigError> {
        let value = value.trim();
        let scheme = value.split_once("://").map(|(scheme, _)| scheme);
        match scheme {
            Some("redis" | "redis+unix" | "unix") if !value.ends_with("://") => {
                Ok(RedisUrl(value.into()))
            }
            Some("redis" | "redis+unix" | "unix") => Err(ConfigError::new(
                REDIS_URL,
                "l'URL est incomplète (exemple : redis://127.0.0.1:6379)",
            )),
            Some("rediss") => Err(ConfigError::new(
                REDIS_URL,
                "Redis chiffré (rediss://) n'est pas pris en charge : passez par un réseau privé ou un tunnel (redis://…)",
            )),
            // Only the scheme is echoed: the rest may hold a password.
            Some(other) => Err(ConfigError::new(
                REDIS_URL,
                format!("le schéma « {other} » n'est pas pris en charge (attendu : redis://…)"),
            )),
            None => Err(ConfigError::new(
                REDIS_URL,
                "ce n'est pas une URL Redis (exemple : redis://127.0.0.1:6379)",
            )),
        }
    }

    /// The URL, password included: for the driver only, never for a log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL without its credentials, for logs.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A secret that never shows in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Everything the binary reads from its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub database_url: DatabaseUrl,
    /// Password of the demo accounts (`HISTOLOGE_DEMO_PASSWORD`), given to
    /// them when the embedded default loads the demo.
    pub demo_password: Option<Secret>,
    /// Territories where the landlord injunction procedure is open
    /// (domain.md §3.5).
    pub injonction_territories: Vec<TerritoryCode>,
    /// Largest file accepted per upload (10 MB by default).
    pub upload_max_bytes: u64,
    /// Address and port the web server binds.
    pub listen: std::net::SocketAddr,
    /// Public address of the site, for links in e-mails (no trailing slash).
    pub base_url: String,
    /// Key of the signed and encrypted cookies (at least 64 bytes). Every
    /// web process of a deployment must share it; the embedded default
    /// draws one at start when it is unset.
    pub secret_key: Option<Secret>,
    /// Where `npm ci` put the front-end packages (DSFR, htmx).
    pub assets_dir: std::path::PathBuf,
    /// Where the local outbox mailer writes e-mails.
    pub outbox_dir: std::path::PathBuf,
    /// Whether super admins need a code e-mailed at login (`HISTOLOGE_2FA`,
    /// on unless `off`).
    pub email_2fa: bool,
    /// When the daily digest of notifications goes out
    /// (`HISTOLOGE_DIGEST_AT`, `HH:MM` and an optional time zone; 08:00
    /// Europe/Paris by default).
    pub digest_schedule: DigestSchedule,
    /// Where sessions, rate-limit counters and locks live when set
    /// (`REDIS_URL`); unset, sessions are in the database and counters in
    /// the process.
    pub redis_url: Option<RedisUrl>,
    /// Whether the web process also runs the worker and the clock
    /// (`HISTOLOGE_INPROCESS_JOBS`); unset, it does on SQLite only.
    pub inprocess_jobs: Option<bool>,
    /// How long a stopping worker lets its current jobs finish.
    pub shutdown_grace: std::time::Duration,
    /// How long a claimed job is reserved before another worker may take
    /// it (a worker killed mid-job leaves it to the next one after this).
    pub job_lease: std::time::Duration,
    /// The platform's name, the mail transport, the sender, the webhook.
    pub mail: crate::mail_config::MailConfig,
    /// `BAN_URL`, `RNB_URL`, `DPE_URL`: the address services that are on.
    pub geo: histologe_adapters_geo::GeoConfig,
}

impl Config {
    /// Whether this database is the embedded SQLite file.
    pub fn is_embedded(&self) -> bool {
        self.database_url.expose().starts_with("sqlite:")
    }

    /// Whether the web process runs the jobs and the clock itself.
    pub fn runs_jobs_in_process(&self) -> bool {
        self.inprocess_jobs.unwrap_or_else(|| self.is_embedded())
    }
}

fn on_off(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_lowercase().as_str() {
        "on" | "true" | "1" => Ok(true),
        "off" | "false" | "0" => Ok(false),
        other => Err(ConfigError::new(
            variable,
            format!("« {other} » : attendu on ou off"),
        )),
    }
}

/// Whole seconds, optionally followed by `s`.
fn seconds(variable: &'static str, value: &str) -> Result<std::time::Duration, ConfigError> {
    value
        .trim()
        .trim_end_matches('s')
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| {
            ConfigError::new(
                variable,
                format!("« {value} » n'est pas un nombre de secondes positif (exemple : 30)"),
            )
        })
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(()),
        })
    }

    /// Reads the variables through `lookup` (`Err` = not valid UTF-8), so
    /// tests need not touch the process environment. A variable set to an
    /// empty value counts as unset, as in most shells' `VAR=` idiom.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Result<Option<String>, ()>,
    ) -> Result<Config, ConfigError> {
        let get = |name: &'static str| -> Result<Option<String>, ConfigError> {
            lookup(name)
                .map_err(|()| ConfigError::new(name, "la valeur n'est pas de l'UTF-8 valide"))
                .map(|v| v.filter(|v| !v.trim().is_empty()))
        };
        let database_url = match get(DATABASE_URL)? {
            Some(url) => DatabaseUrl::parse(&url)?,
            None => DatabaseUrl(DEFAULT_DATABASE_URL.to_string()),
        };
        let demo_password = get(DEMO_PASSWORD)?.map(Secret);
        let injonction_territories = match get(INJONCTION_BAILLEUR_DEPTS)? {
            Some(list) => parse_territory_list(&list)?,
            None => Vec::new(),
        };
        let upload_max_bytes = match get(UPLOAD_MAX_BYTES)? {
            Some(value) => value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    ConfigError::new(
                        UPLOAD_MAX_BYTES,
                        format!(
                            "« {value} » n'est pas un nombre d'octets positif (exemple : 10485760)"
                        ),
                    )
                })?,
            None => histologe_core::upload::UploadRules::default().max_bytes,
        };
        let listen: std::net::SocketAddr = match get(LISTEN)? {
            Some(value) => value.trim().parse().map_err(|_| {
                ConfigError::new(
                    LISTEN,
                    format!(
                        "« {value} » n'est pas une adresse et un port (exemple : 0.0.0.0:8080)"
                    ),
                )
            })?,
            None => DEFAULT_LISTEN
                .parse()
                .map_err(|_| ConfigError::new(LISTEN, "adresse par défaut invalide"))?,
        };
        let base_url = match get(BASE_URL)? {
            Some(value) if value.starts_with("http://") || value.starts_with("https://") => {
                value.trim().trim_end_matches('/').to_string()
            }
            Some(value) => {
                return Err(ConfigError::new(
                    BASE_URL,
                    format!("« {value} » doit commencer par http:// ou https://"),
                ));
            }
            None => format!("http://{listen}"),
        };
        let secret_key = match get(SECRET_KEY)? {
            Some(value) if value.trim().len() >= 64 => Some(Secret(value.trim().to_string())),
            Some(_) => {
                return Err(ConfigError::new(
                    SECRET_KEY,
                    "la clé doit compter au moins 64 caractères (par exemple : openssl rand -hex 32)",
                ));
            }
            None => None,
        };
        let assets_dir = get(ASSETS_DIR)?.map_or_else(|| "node_modules".into(), Into::into);
        let outbox_dir = get(OUTBOX_DIR)?.map_or_else(|| "var/outbox".into(), Into::into);
        let email_2fa = match get(EMAIL_2FA)? {
            Some(value) => on_off(EMAIL_2FA, &value)?,
            None => true,
        };
        let inprocess_jobs = get(INPROCESS_JOBS)?
            .map(|v| on_off(INPROCESS_JOBS, &v))
            .transpose()?;
        let shutdown_grace = match get(SHUTDOWN_GRACE)? {
            Some(value) => seconds(SHUTDOWN_GRACE, &value)?,
            None => std::time::Duration::from_secs(30),
        };
        let job_lease = match get(JOB_LEASE)? {
            Some(value) => seconds(JOB_LEASE, &value)?,
            None => histologe_application::jobs::LEASE,
        };
        // A job still finishing in its grace period past its lease would be
        // claimed by a second worker meanwhile and run twice at once.
        if shutdown_grace >= job_lease {
            return Err(ConfigError::new(
                SHUTDOWN_GRACE,
                format!(
                    "{} s : le délai d'arrêt doit être plus court que la réservation d'une tâche ({JOB_LEASE} = {} s)",
                    shutdown_grace.as_secs(),
                    job_lease.as_secs()
                ),
            ));
        }
        let digest_schedule = match get(DIGEST_AT)? {
            Some(value) => DigestSchedule::parse(&value)
                .map_err(|message| ConfigError::new(DIGEST_AT, message))?,
            None => DigestSchedule::default(),
        };
        let redis_url = get(REDIS_URL)?.map(|v| RedisUrl::parse(&v)).transpose()?;
        let mail = crate::mail_config::MailConfig::from_lookup(&get, &base_url)?;
        let geo = histologe_adapters_geo::GeoConfig {
            ban_url: service_url(
                BAN_URL,
                get(BAN_URL)?,
                histologe_adapters_geo::DEFAULT_BAN_URL,
            )?,
            rnb_url: service_url(
                RNB_URL,
                get(RNB_URL)?,
                histologe_adapters_geo::DEFAULT_RNB_URL,
            )?,
            dpe_url: service_url(
                DPE_URL,
                get(DPE_URL)?,
                histologe_adapters_geo::DEFAULT_DPE_URL,
            )?,
            timeout: None,
        };
        if geo.ban_url.is_none() && (geo.rnb_url.is_some() || geo.dpe_url.is_some()) {
            return Err(ConfigError::new(
                BAN_URL,
                "RNB_URL et DPE_URL cherchent le bâtiment et le DPE à partir de l'identifiant BAN : activez aussi BAN_URL (par exemple BAN_URL=on)",
            ));
        }
        Ok(Config {
            database_url,
            demo_password,
            injonction_territories,
            upload_max_bytes,
            listen,
            base_url,
            secret_key,
            assets_dir,
            outbox_dir,
            email_2fa,
            digest_schedule,
            redis_url,
            inprocess_jobs,
            shutdown_grace,
            job_lease,
            mail,
            geo,
        })
    }
}

/// A service's URL: `on` for its public address, `off` (or unset) for
/// none, or an `http(s)://` address (a mirror, a test server).
fn service_url(
    variable: &'static str,
    value: Option<String>,
    public: &str,
) -> Result<Option<String>, ConfigError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let value = value.trim();
    match value.to_lowercase().as_str() {
        "off" => Ok(None),
        "on" => Ok(Some(public.to_string())),
        _ if value.starts_with("https://") || value.starts_with("http://") => {
            Ok(Some(value.trim_end_matches('/').to_string()))
        }
        _ => Err(ConfigError::new(
            variable,
            format!("« {value} » : attendu on, off ou une adresse https://…"),
        )),
    }
}

/// `33,69A` or the reference platform's JSON form `["33", "69A"]` (numbers
/// are accepted too: `[33]`). Order kept, duplicates dropped.
pub fn parse_territory_list(value: &str) -> Result<Vec<TerritoryCode>, ConfigError> {
    let value = value.trim();
    let items: Vec<String> = if value.starts_with('[') {
        let json: Vec<serde_json::Value> = serde_json::from_str(value).map_err(|e| {
            ConfigError::new(
                INJONCTION_BAILLEUR_DEPTS,
                format!(
                    "liste JSON illisible ({e}) ; écrivez par exemple [\"33\", \"69A\"] ou 33,69A"
                ),
            )
        })?;
        json.into_iter()
            .map(|item| match item {
                serde_json::Value::String(s) => Ok(s),
                serde_json::Value::Number(n) if n.is_u64() => {
                    Ok(format!("{:0>2}", n.as_u64().unwrap_or_default()))
                }
                other => Err(ConfigError::new(
                    INJONCTION_BAILLEUR_DEPTS,
                    format!("« {other} » n'est pas un code de territoire"),
                )),
            })
            .collect::<Result<_, _>>()?
    } else {
        value.split(',').map(str::to_string).collect()
    };
    let mut codes: Vec<TerritoryCode> = Vec::with_capacity(items.len());
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let code = TerritoryCode::parse(item).map_err(|_| {
            ConfigError::new(
                INJONCTION_BAILLEUR_DEPTS,
                format!("« {item} » n'est pas un code de territoire"),
            )
        })?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn the_e_mailed_second_factor_is_on_unless_off() {
        assert!(config(&[]).unwrap().email_2fa);
        assert!(config(&[(EMAIL_2FA, "on")]).unwrap().email_2fa);
        assert!(!config(&[(EMAIL_2FA, "off")]).unwrap().email_2fa);
        assert!(!config(&[(EMAIL_2FA, " OFF ")]).unwrap().email_2fa);
        let refused = config(&[(EMAIL_2FA, "non")]).unwrap_err();
        assert_eq!(refused.variable, EMAIL_2FA);
    }

    #[test]
    fn the_digest_goes_out_at_eight_in_paris_unless_told_otherwise() {
        assert_eq!(
            config(&[]).unwrap().digest_schedule.to_string(),
            "08:00 Europe/Paris"
        );
        assert_eq!(
            config(&[(DIGEST_AT, "06:45")])
                .unwrap()
                .digest_schedule
                .to_string(),
            "06:45 Europe/Paris"
        );
        assert_eq!(
            config(&[(DIGEST_AT, "07:00 Indian/Reunion")])
                .unwrap()
                .digest_schedule
                .to_string(),
            "07:00 Indian/Reunion"
        );
        for bad in ["8h", "08:00 Paris"] {
            let refused = config(&[(DIGEST_AT, bad)]).unwrap_err();
            assert_eq!(refused.variable, DIGEST_AT, "{bad}");
        }
    }

    #[test]
    fn redis_is_optional_and_its_url_checked_without_echoing_the_password() {
        assert_eq!(config(&[]).unwrap().redis_url, None);
        assert_eq!(config(&[(REDIS_URL, " ")]).unwrap().redis_url, None);
        for url in [
            "redis://127.0.0.1:6379",
            "redis://:s3cret@redis.internal:6380/2",
            "redis+unix:///run/redis.sock",
        ] {
            let c = config(&[(REDIS_URL, url)]).unwrap();
            assert_eq!(c.redis_url.as_ref().map(RedisUrl::expose), Some(url));
            assert!(!format!("{c:?}").contains("s3cret"));
        }
        let url = RedisUrl::parse("redis://:s3cret@redis.internal:6380/2").unwrap();
        assert_eq!(url.redacted(), "redis://***@redis.internal:6380/2");
        for bad in [
            "127.0.0.1:6379",
            "redis://",
            "rediss://:s3cret@redis.internal",
            "http://:s3cret@redis.internal",
        ] {
            let e = config(&[(REDIS_URL, bad)]).unwrap_err();
            assert_eq!(e.variable, REDIS_URL, "{bad}");
            assert!(!e.to_string().contains("s3cret"), "{e}");
        }
    }

    #[test]
    fn jobs_run_in_the_web_process_on_sqlite_only_unless_told() {
        let embedded = config(&[]).unwrap();
        assert!(embedded.runs_jobs_in_process());
        let mysql = config(&[(DATABASE_URL, "mysql://root@127.0.0.1/h")]).unwrap();
        assert!(!mysql.runs_jobs_in_process());
        let forced = config(&[
            (DATABASE_URL, "mysql://root@127.0.0.1/h"),
            (INPROCESS_JOBS, "on"),
        ])
        .unwrap();
        assert!(forced.runs_jobs_in_process());
        let err = config(&[(INPROCESS_JOBS, "peut-être")]).unwrap_err();
        assert_eq!(err.variable, INPROCESS_JOBS);
    }

    #[test]
    fn the_grace_must_be_shorter_than_the_lease() {
        let err = config(&[(SHUTDOWN_GRACE, "60"), (JOB_LEASE, "60")]).unwrap_err();
        assert_eq!(err.variable, SHUTDOWN_GRACE);
        assert!(err.message.contains(JOB_LEASE), "{}", err.message);
        assert!(config(&[(SHUTDOWN_GRACE, "59"), (JOB_LEASE, "60")]).is_ok());
    }

    #[test]
    fn the_grace_and_the_lease_are_positive_seconds() {
        let c = config(&[(SHUTDOWN_GRACE, "5s"), (JOB_LEASE, "20")]).unwrap();
        assert_eq!(c.shutdown_grace, std::time::Duration::from_secs(5));
        assert_eq!(c.job_lease, std::time::Duration::from_secs(20));
        let d = config(&[]).unwrap();
        assert_eq!(d.shutdown_grace, std::time::Duration::from_secs(30));
        assert_eq!(d.job_lease, std::time::Duration::from_secs(300));
        for bad in ["0", "-3", "trente"] {
            assert_eq!(
                config(&[(SHUTDOWN_GRACE, bad)]).unwrap_err().variable,
                SHUTDOWN_GRACE
            );
        }
    }

    #[test]
    fn the_upload_limit_is_a_positive_number_of_bytes() {
        assert_eq!(config(&[]).unwrap().upload_max_bytes, 10 * 1024 * 1024);
        assert_eq!(
            config(&[(UPLOAD_MAX_BYTES, "2048")])
                .unwrap()
                .upload_max_bytes,
            2048
        );
        for bad in ["0", "10Mo", "-1"] {
            let e = config(&[(UPLOAD_MAX_BYTES, bad)]).unwrap_err();
            assert_eq!(e.variable, UPLOAD_MAX_BYTES);
        }
    }

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| Ok(vars.get(name).cloned()))
    }

    fn codes(list: &[TerritoryCode]) -> Vec<&str> {
        list.iter().map(TerritoryCode::as_str).collect()
    }

    #[test]
    fn nothing_set_gives_the_embedded_default() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url.expose(), "sqlite://var/histologe.db");
        assert_eq!(c.demo_password, None);
        assert!(c.injonction_territories.is_empty());
    }

    #[test]
    fn empty_values_count_as_unset() {
        let c = config(&[(DATABASE_URL, "  "), (INJONCTION_BAILLEUR_DEPTS, "")]).unwrap();
        assert_eq!(c.database_url.expose(), DEFAULT_DATABASE_URL);
        assert!(c.injonction_territories.is_empty());
    }

    #[test]
    fn sqlite_and_mysql_urls_are_accepted() {
        for url in [
            "sqlite:///tmp/x.db",
            "sqlite://var/h.db",
            "mysql://root@127.0.0.1:3306/histologe",
        ] {
            assert_eq!(
                config(&[(DATABASE_URL, url)])
                    .unwrap()
                    .database_url
                    .expose(),
                url
            );
        }
    }

    #[test]
    fn other_database_urls_are_refused_by_name_without_echoing_secrets() {
        let e = config(&[(DATABASE_URL, "postgres://bob:s3cret@db/x")]).unwrap_err();
        assert_eq!(e.variable, DATABASE_URL);
        assert!(e.to_string().starts_with("DATABASE_URL: "), "{e}");
        assert!(e.to_string().contains("« postgres »"), "{e}");
        assert!(!e.to_string().contains("s3cret"), "{e}");
        for bad in ["var/histologe.db", "sqlite://", "mysql://"] {
            assert_eq!(
                config(&[(DATABASE_URL, bad)]).unwrap_err().variable,
                DATABASE_URL,
                "{bad}"
            );
        }
    }

    #[test]
    fn database_url_never_prints_its_password() {
        let url = DatabaseUrl::parse("mysql://root:hunter2@127.0.0.1:3306/h").unwrap();
        assert_eq!(url.redacted(), "mysql://***@127.0.0.1:3306/h");
        assert!(!format!("{url:?}").contains("hunter2"));
        let c = config(&[(DEMO_PASSWORD, "Demo-Password-1!")]).unwrap();
        assert!(!format!("{c:?}").contains("Demo-Password"));
        assert_eq!(c.demo_password.unwrap().expose(), "Demo-Password-1!");
    }

    #[test]
    fn injonction_territories_as_a_comma_list() {
        let c = config(&[(INJONCTION_BAILLEUR_DEPTS, " 33, 69a ,2A,33,")]).unwrap();
        assert_eq!(codes(&c.injonction_territories), ["33", "69A", "2A"]);
    }

    #[test]
    fn injonction_territories_as_a_json_list() {
        let c = config(&[(INJONCTION_BAILLEUR_DEPTS, r#"["44", "974", 1]"#)]).unwrap();
        assert_eq!(codes(&c.injonction_territories), ["44", "974", "01"]);
        let c = config(&[(INJONCTION_BAILLEUR_DEPTS, "[]")]).unwrap();
        assert!(c.injonction_territories.is_empty());
    }

    #[test]
    fn malformed_territories_are_named() {
        let e = config(&[(INJONCTION_BAILLEUR_DEPTS, "33,1x")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "INJONCTION_BAILLEUR_DEPTS: « 1x » n'est pas un code de territoire"
        );
        for bad in [r#"["33""#, "[true]", r#"["20"]"#, "[-1]"] {
            let e = config(&[(INJONCTION_BAILLEUR_DEPTS, bad)]).unwrap_err();
            assert_eq!(e.variable, INJONCTION_BAILLEUR_DEPTS, "{bad}");
        }
    }

    #[test]
    fn a_variable_that_is_not_utf8_is_named() {
        let e = Config::from_lookup(|name| {
            if name == DEMO_PASSWORD {
                Err(())
            } else {
                Ok(None)
            }
        })
        .unwrap_err();
        assert_eq!(e.variable, DEMO_PASSWORD);
    }
}
