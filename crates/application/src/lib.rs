//! Use cases of Histologe: each one asks the permission policy of `core`,
//! applies the core rules, and commits the state change together with the
//! history, notifications and jobs it causes in one transaction.
//!
//! The application knows ports only (`Arc<dyn Trait>`); the binaries wire
//! adapters into [`App`]. A sibling platform can embed this crate with its
//! own adapters.

mod app;
mod effects;
mod error;
pub mod jobs;
pub mod scheduled;
mod use_cases;

pub use app::{App, Ports, Repositories, Services, Settings};
pub use error::AppError;
pub use scheduled::{ScheduledTask, TaskReport};
pub use use_cases::account_links::{
    ACTIVATION_LINK_LIFETIME, LINK_REQUEST_WINDOW, LINK_REQUESTS_MAX, LINK_REQUESTS_PER_CLIENT_MAX,
    LinkAccount, LinkPurpose, RESET_LINK_LIFETIME, enqueue_activation_link,
};
pub use use_cases::administration::{
    AdminFormError, PartnersQuery, RuleSimulation, SimulationLookup,
};
pub use use_cases::around_case::CasePartners;
pub use use_cases::auth::{
    LOGIN_MAX_FAILURES, LOGIN_WINDOW, SESSION_LIFETIME, SESSION_TOUCH_EVERY, session_id_hash,
};
pub use use_cases::back_office::{
    DashboardCard, EXPORT_PAGE_SIZE, FilterChoices, ListedCase, MAP_POINTS_MAX, NO_SUIVI_DAYS,
    PAGE_SIZE, has_active_filter,
};
pub use use_cases::deliverability::{DeliveryReport, ReportOutcome};
pub use use_cases::digest::DigestSchedule;
pub use use_cases::export::{EXPORT_INLINE_MAX, EXPORT_KEPT_DAYS, csv_bytes, csv_record};
pub use use_cases::files::{Download, UploadInput};
pub use use_cases::following::Following;
pub use use_cases::geocoding::{Located, SUGGESTIONS_PER_MINUTE};
pub use use_cases::job_queue::{DEAD_JOBS_SHOWN, JobQueueView, is_not_dead};
pub use use_cases::login_codes::{
    LOGIN_CODE_LIFETIME, LOGIN_CODE_MAX_FAILURES, LOGIN_CODE_MAX_RESENDS, PENDING_LOGIN_LIFETIME,
    SignIn,
};
pub use use_cases::maintenance::{
    MAINTENANCE_CACHE_TTL, MAINTENANCE_KEY, MAINTENANCE_MESSAGE_MAX, Maintenance,
};
pub use use_cases::notifications::{NOTIFICATIONS_PAGE_SIZE, NotificationLine};
pub use use_cases::pro_drafts::PRO_PROFILE;
pub use use_cases::public_form::{Receipt, StagedPhoto};
pub use use_cases::reading::{CaseHistory, HistoryLine, SAME_ADDRESS_LIMIT};
pub use use_cases::statistics::{Statistics, StatsChoices, StatsQuery};
pub use use_cases::usager::IdentityCheck;
pub use use_cases::users_admin::{ManagedUser, NewUser, UserFormError, UsersQuery};
pub use use_cases::visite::VisitOperator;
