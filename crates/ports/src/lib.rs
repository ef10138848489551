//! Outbound ports of Histologe: one async trait per thing outside the
//! domain. The application holds them as `Arc<dyn Trait>`; adapters
//! implement them (memory, SQLite, MariaDB, S3, Brevo, Esabora…).
//!
//! Each method documents its error contract so that every adapter maps its
//! failures to the same variants. With the `mock` feature every trait gets
//! a mockall mock (`MockClock`, `MockMailer`…) for use-case unit tests.

pub mod account_tokens;
pub mod accounts;
pub mod antivirus;
pub mod bundle;
pub mod clock;
pub mod deliverability;
pub mod error;
pub mod files;
pub mod images;
pub mod jobs;
pub mod list_keys;
pub mod lookups;
pub mod mail;
pub mod repositories;
pub mod saved_searches;
pub mod settings;
pub mod shared_state;
pub mod statistics;
pub mod tags;
pub mod transaction;

pub use account_tokens::{AccountToken, AccountTokenKind, AccountTokenRepository};
pub use accounts::{CredentialRepository, PasswordHashError, PasswordHasher, SessionRepository};
pub use antivirus::{ScanError, ScanVerdict, VirusScanner};
pub use bundle::{Ports, Repositories, Services, Store};
pub use clock::{Clock, ErrorReporter, IdGenerator};
pub use deliverability::{
    AccountRef, DeliveryEvent, DeliveryIssue, DeliveryIssueRepository, UndeliverableAccount,
    delivery_key, undeliverable_among,
};
pub use error::RepoError;
pub use files::{FileStore, FileStoreError};
pub use images::{ImageError, ImageProcessor, ImageVariants};
pub use jobs::{Job, JobKind, JobQueue, JobStatus, KindCount, NewJob, QueueOverview};
pub use lookups::{
    AddressCandidate, AddressLookup, Building, BuildingLookup, DpeInfo, EnergyLookup,
    EsaboraDossier, EsaboraGateway, EsaboraState, LookupError, Lookups, OilhiNotifier,
};
pub use mail::{Attachment, MailError, MailOutbox, Mailer, OutboxEntry, OutgoingEmail};
pub use repositories::{
    AutoAffectationRuleRepository, CommuneRepository, DraftRepository, FileRepository, GeoBounds,
    HistoryRepository, ListOrder, NotificationRepository, Page, PartnerFilter, PartnerRepository,
    SignalementFilter, SignalementRepository, TerritoryRepository, UserRepository,
};
pub use saved_searches::{SAVED_SEARCH_NAME_MAX, SavedSearch, SavedSearchRepository};
pub use settings::{SETTING_VALUE_MAX, SettingRepository};
pub use shared_state::{SharedState, SharedStateError};
pub use statistics::{StatisticsRepository, StatsFilter, StatsRow};
pub use tags::TagRepository;
pub use transaction::{Transaction, UnitOfWork};
