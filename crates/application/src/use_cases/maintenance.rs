//! The maintenance mode (issue item 8): a super admin closes the public
//! site and the back-office (but for super admins) while the platform is
//! worked on, with an optional message for visitors.
//!
//! The switch is a row of the `settings` table, so that every web process
//! sees it. Every public request asks for it: reading the database each
//! time would add a query to every page, so the answer is kept in the
//! process for [`MAINTENANCE_CACHE_TTL`]. That bounds how long another
//! process keeps serving pages (or keeps refusing them) after the switch; the
//! process where the switch is made sees it at once.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use histologe_core::{Action, Actor, DomainError, Resource, can};

use crate::app::App;
use crate::error::AppError;

/// The key of the switch in the platform settings; set (to the message,
/// possibly empty) while the maintenance mode is on.
pub const MAINTENANCE_KEY: &str = "maintenance";
/// How long a process trusts what it last read of the switch.
pub const MAINTENANCE_CACHE_TTL: Duration = Duration::seconds(5);
/// Longest message shown to visitors.
pub const MAINTENANCE_MESSAGE_MAX: usize = 500;

/// The maintenance mode, while it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintenance {
    /// What visitors read besides the standard text, if anything.
    pub message: Option<String>,
}

/// What was read of the switch (`None`: off), and when.
type Reading = (DateTime<Utc>, Option<Maintenance>);

/// What a process last read of the switch.
#[derive(Debug, Clone, Default)]
pub struct Cache(Arc<Mutex<Option<Reading>>>);

impl Cache {
    fn fresh(&self, now: DateTime<Utc>) -> Option<Option<Maintenance>> {
        let guard = self.0.lock().ok()?;
        let (read_at, value) = guard.as_ref()?;
        // A clock that went back counts as stale.
        let age = now - *read_at;
        (age >= Duration::zero() && age < MAINTENANCE_CACHE_TTL).then(|| value.clone())
    }

    fn store(&self, now: DateTime<Utc>, value: Option<Maintenance>) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((now, value));
        }
    }
}

fn decode(value: Option<String>) -> Option<Maintenance> {
    value.map(|message| Maintenance {
        message: Some(message).filter(|m| !m.trim().is_empty()),
    })
}

impl App {
    /// The maintenance mode if it is on (as read at most
    /// [`MAINTENANCE_CACHE_TTL`] ago).
    pub async fn maintenance(&self) -> Result<Option<Maintenance>, AppError> {
        let now = self.now();
        if let Some(known) = self.maintenance_cache.fresh(now) {
            return Ok(known);
        }
        let value = decode(
            self.ports
                .platform_settings
                .get_setting(MAINTENANCE_KEY)
                .await?,
        );
        self.maintenance_cache.store(now, value.clone());
        Ok(value)
    }

    /// Whether `actor` may switch the maintenance mode.
    pub fn may_manage_maintenance(actor: &Actor) -> bool {
        can(actor, Action::ManageMaintenance, Resource::Platform).is_ok()
    }

    /// Turns the maintenance mode on (with `message`, trimmed; empty for
    /// none) or off. Super admins only.
    pub async fn set_maintenance(
        &self,
        actor: &Actor,
        on: bool,
        message: &str,
    ) -> Result<Option<Maintenance>, AppError> {
        can(actor, Action::ManageMaintenance, Resource::Platform)?;
        let message = message.trim();
        if message.chars().count() > MAINTENANCE_MESSAGE_MAX {
            return Err(DomainError::invalid(
                "message",
                format!("Le message ne doit pas dépasser {MAINTENANCE_MESSAGE_MAX} caractères."),
            )
            .into());
        }
        let settings = &self.ports.platform_settings;
        if on {
            settings.put_setting(MAINTENANCE_KEY, message).await?;
        } else {
            settings.remove_setting(MAINTENANCE_KEY).await?;
        }
        let value = on.then(|| decode(Some(message.to_string()))).flatten();
        self.maintenance_cache.store(self.now(), value.clone());
        Ok(value)
    }
}
