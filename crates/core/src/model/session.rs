use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// A back-office session (features.md §4.1). Only the SHA-256 of its
/// random token is stored: a copy of the database opens no session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    /// Lowercase hex SHA-256 of the token the cookie carries.
    pub id_hash: String,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    /// Sliding: moved forward as the user is active.
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl StaffSession {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }
}
