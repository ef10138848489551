use chrono::{DateTime, Utc};
use histologe_core::desordres::DesordreGrid;
use histologe_core::ids::SignalementId;
use histologe_core::model::Case;
use histologe_core::territory_code::TerritoryCode;
use histologe_core::upload::UploadRules;
use histologe_core::workflow::Events;
use histologe_core::{Actor, DomainError};

use crate::error::AppError;

pub use histologe_ports::{Ports, Repositories, Services};

/// Deployment choices the rules depend on.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Territories where the landlord injunction procedure is open
    /// (`INJONCTION_BAILLEUR_DEPTS`).
    pub injonction_territories: Vec<TerritoryCode>,
    /// INSEE codes of the Métropole de Lyon (territory 69A).
    pub lyon_metropole_insee: Vec<String>,
}

/// The application: use cases over the ports.
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) ports: Ports,
    pub(crate) grid: &'static DesordreGrid,
    pub(crate) settings: Settings,
    /// Upload limits: 10 Mo per file unless [`App::with_upload_rules`].
    pub(crate) upload: UploadRules,
    /// Whether super admins also need a code e-mailed at login
    /// (`HISTOLOGE_2FA`; off unless [`App::with_email_2fa`]).
    pub(crate) email_2fa: bool,
    /// The maintenance mode as last read, shared by the clones of this
    /// application (see `use_cases::maintenance`).
    pub(crate) maintenance_cache: crate::use_cases::maintenance::Cache,
    /// When the daily digest goes out (08:00 Europe/Paris unless
    /// [`App::with_digest_schedule`]).
    pub(crate) digest: crate::use_cases::digest::DigestSchedule,
    /// The dashboard's counts, shared by the clones of this application.
    pub(crate) counts_cache: crate::use_cases::read_cache::CountsCache,
    /// The statistics, per scope and filter, shared likewise.
    pub(crate) statistics_cache:
        crate::use_cases::read_cache::ReadCache<crate::use_cases::statistics::Statistics>,
}

impl App {
    /// An application on the reference désordres grid.
    pub fn new(ports: Ports, settings: Settings) -> Self {
        Self::with_grid(ports, settings, DesordreGrid::reference())
    }

    /// An application on another grid (a revised one brings its own maxima).
    pub fn with_grid(ports: Ports, settings: Settings, grid: &'static DesordreGrid) -> Self {
        App {
            ports,
            grid,
            settings,
            upload: UploadRules::default(),
            email_2fa: false,
            maintenance_cache: crate::use_cases::maintenance::Cache::default(),
            digest: crate::use_cases::digest::DigestSchedule::default(),
            counts_cache: crate::use_cases::read_cache::CountsCache::new(
                crate::use_cases::read_cache::COUNTS_TTL,
            ),
            statistics_cache: crate::use_cases::read_cache::ReadCache::new(
                crate::use_cases::read_cache::STATISTICS_TTL,
            ),
        }
    }

    /// Another time (or zone) for the daily digest (`HISTOLOGE_DIGEST_AT`).
    pub fn with_digest_schedule(
        mut self,
        schedule: crate::use_cases::digest::DigestSchedule,
    ) -> Self {
        self.digest = schedule;
        self
    }

    /// Another size limit per uploaded file (`UPLOAD_MAX_BYTES`).
    pub fn with_upload_rules(mut self, rules: UploadRules) -> Self {
        self.upload = rules;
        self
    }

    /// Super admins need a code e-mailed at login when `on`.
    pub fn with_email_2fa(mut self, on: bool) -> Self {
        self.email_2fa = on;
        self
    }

    pub fn upload_rules(&self) -> &UploadRules {
        &self.upload
    }

    pub fn grid(&self) -> &'static DesordreGrid {
        self.grid
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Counts one more of `what` for `client` in the current minute;
    /// `false` past `per_minute`. For limits that protect a service or a
    /// log, not a secret: a shared state that fails lets the call through.
    pub async fn within_minute_limit(&self, what: &str, client: &str, per_minute: u64) -> bool {
        let window = std::time::Duration::from_secs(60);
        match self
            .ports
            .shared
            .hit(&format!("{what}:{client}"), window)
            .await
        {
            Ok(n) => n <= per_minute,
            Err(e) => {
                tracing::warn!(error = %e, limit = what, "rate-limit counter unavailable");
                true
            }
        }
    }

    /// A v4 UUID from the secure random source, for ids that are
    /// credentials on their own (a draft's link, a tracking code): the
    /// time-ordered ids of `IdGenerator::uuid` keep fewer random bits.
    pub(crate) fn secret_uuid(&self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(self.ports.ids.random_bytes()).into_uuid()
    }

    /// The application's clock (the wall clock in production).
    pub fn now(&self) -> DateTime<Utc> {
        self.ports.clock.now()
    }

    /// The shape of almost every use case: lock the case, let core change
    /// it, then write the change, its effects and its jobs in the same
    /// transaction. A transaction the database sacrificed to a concurrent
    /// one (deadlock, lock timeout) is run again from the start, on the
    /// case as the winner left it.
    pub(crate) async fn change_case(
        &self,
        actor: &Actor,
        id: SignalementId,
        op: impl Fn(&mut Case, DateTime<Utc>) -> Result<Events, DomainError>,
    ) -> Result<Case, AppError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.change_case_once(actor, id, &op).await {
                Err(AppError::Repo(histologe_ports::RepoError::Conflict)) if attempt < 3 => {}
                other => return other,
            }
        }
    }

    async fn change_case_once(
        &self,
        actor: &Actor,
        id: SignalementId,
        op: &impl Fn(&mut Case, DateTime<Utc>) -> Result<Events, DomainError>,
    ) -> Result<Case, AppError> {
        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        let mut case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        // Whatever the operation, nothing happens to (nor is returned of) a
        // case the actor may not see, not even a no-op.
        check_view(actor, &case)?;
        let events = op(&mut case, now)?;
        if events.is_empty() {
            return Ok(case.redacted_for(actor));
        }
        case.signalement.modified_at = Some(now);
        self.apply_events(tx.as_mut(), &mut case, actor, events, now)
            .await?;
        tx.save_case(&case).await?;
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(case.redacted_for(actor))
    }

    /// Reads a case for an actor, through the policy, showing only what
    /// that actor may see of it.
    pub async fn view_case(&self, actor: &Actor, id: SignalementId) -> Result<Case, AppError> {
        let case = self
            .ports
            .signalements
            .case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        check_view(actor, &case)?;
        Ok(case.redacted_for(actor))
    }
}

/// The view right every use case on a case starts from. The platform itself
/// (auto-affectation, timers) sees every case.
pub(crate) fn check_view(actor: &Actor, case: &Case) -> Result<(), AppError> {
    let action = match actor {
        Actor::System => return Ok(()),
        Actor::Usager(_) => histologe_core::Action::UsagerView,
        _ => histologe_core::Action::ViewSignalement,
    };
    histologe_core::can(actor, action, histologe_core::Resource::Signalement(case))?;
    Ok(())
}
