//! Typed identifiers. Every entity is identified by a UUID made by the
//! `IdGenerator` port, so that core never draws randomness itself and a
//! signalement id can never be passed where a partner id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map($name)
            }
        }
    )+};
}

id_type!(
    SignalementId,
    AffectationId,
    SuiviId,
    PartnerId,
    UserId,
    InterventionId,
    FileId,
    TagId,
    NotificationId,
    AutoAffectationRuleId,
    HistoryEntryId,
    JobId,
    DraftId,
);
