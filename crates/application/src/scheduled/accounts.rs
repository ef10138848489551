//! Staff accounts nobody uses (§7.1): the ones never activated are
//! reminded, with a fresh link, every ten days; the ones unused for a
//! year are told they will be archived, then archived fifteen days later
//! unless their owner logged in meanwhile.
//!
//! What was done is recorded beside the account (when it was reminded,
//! when it is to be archived: `UserRepository::set_activation_reminded`,
//! `set_archiving_scheduled`) and the e-mails carry the day in their key,
//! so a second run finds nothing due.

use chrono::{DateTime, TimeDelta, Utc};
use histologe_core::enums::{HistoryEvent, UserStatus};
use histologe_core::ids::HistoryEntryId;
use histologe_core::model::{HistoryEntry, User};

use super::{paris_date, paris_midnight};
use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailActivationReminder, EmailInactiveAccountNotice};

/// An account not activated is reminded this often (and first this long
/// after its creation), counted in calendar days.
pub const ACTIVATION_REMINDER_EVERY: TimeDelta = TimeDelta::days(10);
/// Without a login for this long, an account is to be archived.
pub const INACTIVITY: TimeDelta = TimeDelta::days(365);
/// Between the notice and the archiving.
pub const ARCHIVING_NOTICE: TimeDelta = TimeDelta::days(15);
/// Accounts handled per step and per run.
const ACCOUNTS_PER_RUN: u32 = 500;

/// Whether the account, as stored in full, was unused since `seen_before`.
/// The storage looks accounts up by copies of these dates; during a
/// rolling deploy an older binary may write an account without updating
/// them (a login), so the account itself has the last word before anyone
/// is told his account will be archived.
fn still_unused(user: &User, seen_before: DateTime<Utc>) -> bool {
    user.status != UserStatus::Archive
        && user.last_login_at.unwrap_or(user.created_at) < seen_before
}

impl App {
    pub(crate) async fn remind_unactivated_accounts(&self) -> Result<u64, AppError> {
        let now = self.now();
        let today = paris_date(now);
        // Calendar days: an account created, or reminded, at 07:00:01 ten
        // days ago is due at 07:00:00 today, not a second later.
        let ten_days_ago = paris_midnight(today - ACTIVATION_REMINDER_EVERY + TimeDelta::days(1));
        let due = self
            .ports
            .users
            .unactivated_to_remind(ten_days_ago, ten_days_ago, ACCOUNTS_PER_RUN)
            .await?;
        let mut reminded = 0;
        // The account itself decides (see `still_unused`).
        for user in due
            .into_iter()
            .filter(|u| u.status == UserStatus::Inactive && u.created_at < ten_days_ago)
        {
            let mut tx = self.ports.uow.begin().await?;
            jobs::enqueue(
                tx.as_mut(),
                self.ports.ids.as_ref(),
                now,
                &EmailActivationReminder {
                    user_id: user.id,
                    on: today,
                },
            )
            .await?;
            tx.commit().await?;
            // After the e-mail: if this write fails, the e-mail's key still
            // stops a second one today.
            self.ports
                .users
                .set_activation_reminded(user.id, now)
                .await?;
            reminded += 1;
        }
        Ok(reminded)
    }

    pub(crate) async fn notify_and_archive_inactive_accounts(&self) -> Result<u64, AppError> {
        let now = self.now();
        let mut effects = 0;
        let due = self
            .ports
            .users
            .archiving_due(now, ACCOUNTS_PER_RUN)
            .await?;
        for (user, at) in due {
            let logged_in_since = user
                .last_login_at
                .is_some_and(|l| l > at - ARCHIVING_NOTICE);
            if !logged_in_since {
                self.archive_inactive(user.clone(), now).await?;
            }
            // Archived, or kept by a login after the notice: either way the
            // schedule is over.
            self.ports
                .users
                .set_archiving_scheduled(user.id, None)
                .await?;
            effects += 1;
        }
        let inactive = self
            .ports
            .users
            .inactive_to_notify(now - INACTIVITY, ACCOUNTS_PER_RUN)
            .await?;
        for user in inactive
            .into_iter()
            .filter(|u| still_unused(u, now - INACTIVITY))
        {
            let archiving_at = now + ARCHIVING_NOTICE;
            let mut tx = self.ports.uow.begin().await?;
            jobs::enqueue(
                tx.as_mut(),
                self.ports.ids.as_ref(),
                now,
                &EmailInactiveAccountNotice {
                    user_id: user.id,
                    archiving_at,
                },
            )
            .await?;
            tx.commit().await?;
            self.ports
                .users
                .set_archiving_scheduled(user.id, Some(archiving_at))
                .await?;
            effects += 1;
        }
        Ok(effects)
    }

    /// What an administrator's archiving does (`archive_user`), by the
    /// platform: no more login, sessions ended, links dead; and the change
    /// in the account's history.
    async fn archive_inactive(&self, mut user: User, now: DateTime<Utc>) -> Result<(), AppError> {
        let before = user.clone();
        user.status = UserStatus::Archive;
        self.ports.users.update(&user).await?;
        self.end_account_access(user.id, now).await?;
        if let Some(change) = histologe_core::history::update("User", user.id.0, &before, &user) {
            let mut tx = self.ports.uow.begin().await?;
            tx.append_history(&HistoryEntry {
                id: HistoryEntryId(self.ports.ids.uuid()),
                event: HistoryEvent::Update,
                entity_name: change.entity_name,
                entity_id: change.entity_id,
                changes: change.changes,
                signalement_id: None,
                user_id: None,
                created_at: now,
            })
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
