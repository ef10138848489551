//! The entities of the domain (domain.md §1), as plain values.

mod affectation;
mod case;
mod draft;
mod file;
mod intervention;
mod misc;
mod partner;
mod session;
mod signalement;
mod suivi;
mod user;

pub use affectation::Affectation;
pub use case::Case;
pub use draft::SignalementDraft;
pub use file::FileMeta;
pub use intervention::Intervention;
pub use misc::{
    AutoAffectationRule, Commune, HistoryEntry, Notification, RuleAllocataire, RuleParc,
    RuleProfile, RuleStatus, Subscription, Tag, Territory,
};
pub use partner::{GeoPoint, Interconnection, Partner, Secret, Zone};
pub use session::StaffSession;
pub use signalement::{
    Adresse, Allocataire, Declarant, DpeAdeme, Logement, Occupant, Proprio, Signalement,
};
pub use suivi::Suivi;
pub use user::{MailingPreference, Membership, User};
