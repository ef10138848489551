//! Every port in memory, wired together once: the concrete handles for
//! tests to steer and inspect, and the trait objects the application
//! takes.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use histologe_ports::{
    AddressLookup, AutoAffectationRuleRepository, Clock, CredentialRepository, DraftRepository,
    EnergyLookup, ErrorReporter, EsaboraGateway, FileRepository, FileStore, HistoryRepository,
    IdGenerator, JobQueue, Mailer, NotificationRepository, OilhiNotifier, PartnerRepository,
    PasswordHasher, SessionRepository, SharedState, SignalementRepository, TerritoryRepository,
    UnitOfWork, UserRepository,
};

use crate::accounts::FakePasswordHasher;
use crate::clock::FixedClock;
use crate::errors::RecordingErrorReporter;
use crate::files::MemoryFileStore;
use crate::ids::SequentialIds;
use crate::lookups::{MemoryAddressLookup, MemoryEnergyLookup, MemoryEsabora, MemoryOilhi};
use crate::mail::MemoryMailer;
use crate::shared_state::MemorySharedState;
use crate::store::MemoryStore;

/// One of each memory adapter, sharing one `FixedClock`: the store stamps
/// jobs with it and the shared state measures windows with it, so moving
/// the clock moves everything. Ids are sequential, so a run is
/// reproducible.
///
/// ```
/// # use histologe_adapters_memory::MemoryAdapters;
/// let adapters = MemoryAdapters::new();
/// let ports = adapters.ports();
/// // hand `ports.uow`, `ports.signalements`… to the application, then
/// // steer and inspect through the concrete handles:
/// adapters.mailer.fail_next(1);
/// assert!(adapters.mailer.sent().is_empty());
/// # let _ = ports;
/// ```
#[derive(Debug, Clone)]
pub struct MemoryAdapters {
    /// Every repository, the unit of work and the job queue.
    pub store: MemoryStore,
    pub file_store: Arc<MemoryFileStore>,
    pub mailer: Arc<MemoryMailer>,
    pub shared_state: Arc<MemorySharedState>,
    pub clock: Arc<FixedClock>,
    pub ids: Arc<SequentialIds>,
    pub errors: Arc<RecordingErrorReporter>,
    /// Knows no address until replaced (see [`MemoryAdapters::with_addresses`]).
    pub addresses: Arc<MemoryAddressLookup>,
    pub energy: Arc<MemoryEnergyLookup>,
    pub esabora: Arc<MemoryEsabora>,
    pub oilhi: Arc<MemoryOilhi>,
}

impl Default for MemoryAdapters {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryAdapters {
    /// Everything empty, the clock at [`FixedClock::DEFAULT_NOW`].
    pub fn new() -> Self {
        Self::at(FixedClock::DEFAULT_NOW)
    }

    /// Everything empty, the clock at `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        let clock = Arc::new(FixedClock::new(now));
        let as_clock: Arc<dyn Clock> = clock.clone();
        MemoryAdapters {
            store: MemoryStore::with_clock(Arc::clone(&as_clock)),
            file_store: Arc::new(MemoryFileStore::new()),
            mailer: Arc::new(MemoryMailer::new()),
            shared_state: Arc::new(MemorySharedState::with_clock(as_clock)),
            clock,
            ids: Arc::new(SequentialIds::new()),
            errors: Arc::new(RecordingErrorReporter::new()),
            addresses: Arc::new(MemoryAddressLookup::default()),
            energy: Arc::new(MemoryEnergyLookup::new()),
            esabora: Arc::new(MemoryEsabora::new()),
            oilhi: Arc::new(MemoryOilhi::new()),
        }
    }

    /// The same bundle with an address base answering from `lookup`.
    pub fn with_addresses(mut self, lookup: MemoryAddressLookup) -> Self {
        self.addresses = Arc::new(lookup);
        self
    }

    /// Every port as the trait object the application takes. The objects
    /// share state with the handles of `self`.
    pub fn ports(&self) -> DynPorts {
        let store = Arc::new(self.store.clone());
        DynPorts {
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
            sessions: store.clone(),
            account_tokens: store.clone(),
            saved_searches: store.clone(),
            platform_settings: store.clone(),
            statistics: store.clone(),
            jobs: store,
            passwords: Arc::new(FakePasswordHasher),
            file_store: self.file_store.clone(),
            mailer: self.mailer.clone(),
            shared: self.shared_state.clone(),
            clock: self.clock.clone(),
            ids: self.ids.clone(),
            errors: self.errors.clone(),
            addresses: self.addresses.clone(),
            energy: self.energy.clone(),
            esabora: self.esabora.clone(),
            oilhi: self.oilhi.clone(),
        }
    }
}

/// Every outbound port as `Arc<dyn Trait>`. The fields the application's
/// `Ports` has carry the same names, so it is filled field by field.
#[derive(Clone)]
pub struct DynPorts {
    pub uow: Arc<dyn UnitOfWork>,
    pub signalements: Arc<dyn SignalementRepository>,
    pub users: Arc<dyn UserRepository>,
    pub partners: Arc<dyn PartnerRepository>,
    pub territories: Arc<dyn TerritoryRepository>,
    pub rules: Arc<dyn AutoAffectationRuleRepository>,
    /// File metadata (the bytes are in `file_store`).
    pub files: Arc<dyn FileRepository>,
    pub history: Arc<dyn HistoryRepository>,
    pub notifications: Arc<dyn NotificationRepository>,
    /// The territories' étiquettes.
    pub tags: Arc<dyn histologe_ports::TagRepository>,
    /// Drafts of the public form.
    pub drafts: Arc<dyn DraftRepository>,
    /// Password hashes of back-office accounts.
    pub credentials: Arc<dyn CredentialRepository>,
    /// Back-office sessions.
    pub sessions: Arc<dyn SessionRepository>,
    /// Activation and reset links, login codes.
    pub account_tokens: Arc<dyn histologe_ports::AccountTokenRepository>,
    /// Saved searches of the back-office list.
    pub saved_searches: Arc<dyn histologe_ports::SavedSearchRepository>,
    /// Platform settings (the maintenance mode).
    pub platform_settings: Arc<dyn histologe_ports::SettingRepository>,
    /// The columns of the back-office statistics.
    pub statistics: Arc<dyn histologe_ports::StatisticsRepository>,
    pub jobs: Arc<dyn JobQueue>,
    /// [`FakePasswordHasher`]: instant, for tests. Wire
    /// `histologe-adapters-argon2` anywhere real passwords are kept.
    pub passwords: Arc<dyn PasswordHasher>,
    pub file_store: Arc<dyn FileStore>,
    pub mailer: Arc<dyn Mailer>,
    pub shared: Arc<dyn SharedState>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub errors: Arc<dyn ErrorReporter>,
    pub addresses: Arc<dyn AddressLookup>,
    pub energy: Arc<dyn EnergyLookup>,
    pub esabora: Arc<dyn EsaboraGateway>,
    pub oilhi: Arc<dyn OilhiNotifier>,
}

impl std::fmt::Debug for DynPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DynPorts (memory)")
    }
}
