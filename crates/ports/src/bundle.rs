//! The ports bundle: every port the application takes, defined once.
//!
//! One database adapter serves every repository ([`Store`]); the other
//! ports are the services around it ([`Services`]). [`Ports::new`] puts
//! them together, so that the production wiring, the memory bundle, the
//! contract suite and the test supports all build the same value, and a
//! new port is one field here and one line in each adapter's `Store`.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::{
    AccountTokenRepository, AutoAffectationRuleRepository, Clock, CommuneRepository,
    CredentialRepository, DeliveryIssueRepository, DraftRepository, FileRepository, FileStore,
    HistoryRepository, IdGenerator, ImageProcessor, JobQueue, Mailer, NotificationRepository,
    PartnerRepository, PasswordHasher, SavedSearchRepository, SessionRepository, SettingRepository,
    SharedState, SignalementRepository, StatisticsRepository, TagRepository, TerritoryRepository,
    UnitOfWork, UserRepository, VirusScanner, lookups::Lookups,
};

/// A database adapter serving every repository port at once (the SQL
/// store in production, the memory store in tests).
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
    + TagRepository
    + DraftRepository
    + CredentialRepository
    + SessionRepository
    + AccountTokenRepository
    + SavedSearchRepository
    + SettingRepository
    + StatisticsRepository
    + JobQueue
    + DeliveryIssueRepository
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
        + TagRepository
        + DraftRepository
        + CredentialRepository
        + SessionRepository
        + AccountTokenRepository
        + SavedSearchRepository
        + SettingRepository
        + StatisticsRepository
        + JobQueue
        + DeliveryIssueRepository
        + 'static
{
}

/// Every repository of one database, as the trait objects callers hold.
#[derive(Clone)]
pub struct Repositories {
    pub uow: Arc<dyn UnitOfWork>,
    pub signalements: Arc<dyn SignalementRepository>,
    pub users: Arc<dyn UserRepository>,
    pub partners: Arc<dyn PartnerRepository>,
    pub territories: Arc<dyn TerritoryRepository>,
    /// The communes and postal codes of the reference data.
    pub communes: Arc<dyn CommuneRepository>,
    pub rules: Arc<dyn AutoAffectationRuleRepository>,
    /// File metadata (the bytes are in the `FileStore`).
    pub files: Arc<dyn FileRepository>,
    pub history: Arc<dyn HistoryRepository>,
    pub notifications: Arc<dyn NotificationRepository>,
    /// The territories' étiquettes.
    pub tags: Arc<dyn TagRepository>,
    /// Drafts of the public and professional forms.
    pub drafts: Arc<dyn DraftRepository>,
    /// Password hashes of back-office accounts.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Back-office sessions (the database's, unless the wiring puts them in
    /// Redis).
    pub sessions: Arc<dyn SessionRepository>,
    /// Activation and reset links, pending logins and login codes.
    pub account_tokens: Arc<dyn AccountTokenRepository>,
    /// Saved searches of the back-office list.
    pub saved_searches: Arc<dyn SavedSearchRepository>,
    /// Platform settings every process shares (the maintenance mode).
    pub platform_settings: Arc<dyn SettingRepository>,
    /// The columns the back-office statistics read.
    pub statistics: Arc<dyn StatisticsRepository>,
    /// The job outbox.
    pub jobs: Arc<dyn JobQueue>,
    /// Addresses e-mail does not reach.
    pub delivery_issues: Arc<dyn DeliveryIssueRepository>,
}

impl Repositories {
    /// Every repository from one store, shared through one `Arc`.
    pub fn of<S: Store>(store: Arc<S>) -> Self {
        Repositories {
            uow: store.clone(),
            signalements: store.clone(),
            users: store.clone(),
            partners: store.clone(),
            territories: store.clone(),
            communes: store.clone(),
            rules: store.clone(),
            files: store.clone(),
            history: store.clone(),
            notifications: store.clone(),
            tags: store.clone(),
            drafts: store.clone(),
            credentials: store.clone(),
            sessions: store.clone(),
            account_tokens: store.clone(),
            saved_searches: store.clone(),
            platform_settings: store.clone(),
            statistics: store.clone(),
            jobs: store.clone(),
            delivery_issues: store,
        }
    }

    /// [`Repositories::of`] a store given by value.
    pub fn from_store<S: Store>(store: S) -> Self {
        Self::of(Arc::new(store))
    }
}

impl std::fmt::Debug for Repositories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Repositories")
    }
}

/// The ports that are not the database.
#[derive(Clone)]
#[expect(
    missing_debug_implementations,
    reason = "trait objects; Ports says what is wired"
)]
pub struct Services {
    /// argon2id in production.
    pub passwords: Arc<dyn PasswordHasher>,
    /// Rate-limit counters and locks: the process's, or Redis.
    pub shared: Arc<dyn SharedState>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    /// The bytes of documents and photos.
    pub file_store: Arc<dyn FileStore>,
    /// Photo metadata removal and variants.
    pub images: Arc<dyn ImageProcessor>,
    /// The antivirus, when one is configured: every upload is scanned
    /// before it is kept.
    pub scanner: Option<Arc<dyn VirusScanner>>,
    /// Where the worker sends e-mails (the outbox of the embedded default,
    /// or a real transport), chosen by the wiring.
    pub mailer: Arc<dyn Mailer>,
    /// The address, building and energy services that are configured.
    pub lookups: Lookups,
}

/// Every port of the application: the repositories of one store (reached
/// through `Deref`, as `ports.signalements`) and the services.
#[derive(Clone)]
pub struct Ports {
    pub repositories: Repositories,
    pub passwords: Arc<dyn PasswordHasher>,
    pub shared: Arc<dyn SharedState>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub file_store: Arc<dyn FileStore>,
    pub images: Arc<dyn ImageProcessor>,
    pub scanner: Option<Arc<dyn VirusScanner>>,
    pub mailer: Arc<dyn Mailer>,
    pub lookups: Lookups,
}

impl Ports {
    pub fn new(repositories: Repositories, services: Services) -> Self {
        let Services {
            passwords,
            shared,
            clock,
            ids,
            file_store,
            images,
            scanner,
            mailer,
            lookups,
        } = services;
        Ports {
            repositories,
            passwords,
            shared,
            clock,
            ids,
            file_store,
            images,
            scanner,
            mailer,
            lookups,
        }
    }
}

impl Deref for Ports {
    type Target = Repositories;
    fn deref(&self) -> &Repositories {
        &self.repositories
    }
}

impl DerefMut for Ports {
    fn deref_mut(&mut self) -> &mut Repositories {
        &mut self.repositories
    }
}

impl std::fmt::Debug for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ports")
            .field("antivirus", &self.scanner.is_some())
            .field("geocoding", &self.lookups.addresses.is_some())
            .finish_non_exhaustive()
    }
}
