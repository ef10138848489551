//! The platform's periodic tasks (domain.md §7.1, §7.2) and their one
//! table of schedules. The clock of the runtime parses the cron strings of
//! [`ScheduledTask::default_schedule`] (or their override from the
//! environment) and queues a job at each tick; the worker that claims it
//! calls [`App::run_scheduled`].
//!
//! Every task is idempotent within its period: what it did is recorded in
//! the state it changes (a suivi, a column, a status) or in the
//! idempotency key of the job it queues, so a second run in the same
//! period finds nothing due. A tick run twice (two clocks, a retry after a
//! crash) therefore has one effect. Each run is bounded: what is left is
//! for the next tick.

mod accounts;
mod feedback;
mod injonction;
mod purge;
mod visits;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::app::App;
use crate::error::AppError;

pub use accounts::{ACTIVATION_REMINDER_EVERY, ARCHIVING_NOTICE, INACTIVITY};
pub use feedback::FEEDBACK_BATCH;
pub use injonction::INJONCTION_RESPONSE_WINDOW;

/// Every periodic task of the platform (closed list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScheduledTask {
    /// Partner messages whose 20-minute edit window is over get their
    /// notifications (rule 21).
    ReleaseHeldSuivis,
    /// Today's digest job, once its hour has passed.
    DailyDigest,
    /// Staff accounts never activated are reminded every 10 days.
    RemindUnactivatedAccounts,
    /// Usagers of cases without news are asked for some (§7.2).
    AskFeedbackUsager,
    /// Visit reminders two days before, conclusion requests two days after.
    NotifyVisits,
    /// Accounts unused for a year: notice, then archiving 15 days later.
    NotifyAndArchiveInactiveAccounts,
    /// Expired sessions and links, abandoned drafts, old seen notifications.
    Purge,
    /// Injonction cases left unanswered for three weeks go back to
    /// validation (§3.5).
    ResetInjonctionNoResponse,
}

impl ScheduledTask {
    pub const ALL: &'static [ScheduledTask] = &[
        Self::ReleaseHeldSuivis,
        Self::DailyDigest,
        Self::RemindUnactivatedAccounts,
        Self::AskFeedbackUsager,
        Self::NotifyVisits,
        Self::NotifyAndArchiveInactiveAccounts,
        Self::Purge,
        Self::ResetInjonctionNoResponse,
    ];

    /// Stable name: logs, the tick's job key, environment overrides.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReleaseHeldSuivis => "release_held_suivis",
            Self::DailyDigest => "daily_digest",
            Self::RemindUnactivatedAccounts => "remind_unactivated_accounts",
            Self::AskFeedbackUsager => "ask_feedback_usager",
            Self::NotifyVisits => "notify_visits",
            Self::NotifyAndArchiveInactiveAccounts => "notify_and_archive_inactive_accounts",
            Self::Purge => "purge",
            Self::ResetInjonctionNoResponse => "reset_injonction_no_response",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    /// For the back-office.
    pub fn label(self) -> &'static str {
        match self {
            Self::ReleaseHeldSuivis => "Envoi des notifications des suivis partenaires",
            Self::DailyDigest => "Récapitulatif quotidien",
            Self::RemindUnactivatedAccounts => "Relance des comptes non activés",
            Self::AskFeedbackUsager => "Demandes de nouvelles aux usagers",
            Self::NotifyVisits => "Rappels de visite et conclusions à renseigner",
            Self::NotifyAndArchiveInactiveAccounts => {
                "Avertissement puis archivage des comptes inactifs"
            }
            Self::Purge => "Purge des données expirées",
            Self::ResetInjonctionNoResponse => {
                "Retour en validation des démarches accélérées sans réponse"
            }
        }
    }

    /// Six fields, `sec min hour day month weekday`, Europe/Paris wall
    /// time. The daily ones are spread over the night and the morning so
    /// that they do not all hit the database at once.
    pub fn default_schedule(self) -> &'static str {
        match self {
            Self::ReleaseHeldSuivis => "0 */10 * * * *",
            // The digest's own hour (`DigestSchedule`,
            // `HISTOLOGE_DIGEST_AT`) decides when the day's digest is due;
            // this tick only looks every quarter of an hour, so that any
            // digest hour is honoured within 15 minutes without a second
            // setting to keep in step (the day's key makes it one job).
            Self::DailyDigest => "0 */15 * * * *",
            Self::RemindUnactivatedAccounts => "0 0 7 */10 * *",
            Self::AskFeedbackUsager => "0 0 6 * * *",
            Self::NotifyVisits => "0 0 5 * * *",
            Self::NotifyAndArchiveInactiveAccounts => "0 0 4 * * *",
            Self::Purge => "0 0 0 * * *",
            Self::ResetInjonctionNoResponse => "0 0 0 * * *",
        }
    }
}

impl std::fmt::Display for ScheduledTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a run did (logged by the worker, shown in the back-office later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskReport {
    pub task: ScheduledTask,
    /// Suivis written, e-mails queued, accounts archived, rows purged…
    pub effects: u64,
    /// Why the run did nothing, when it was skipped.
    pub skipped: Option<&'static str>,
}

/// The day people of the platform's zone read at `at`.
pub(crate) fn paris_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// Midnight (Europe/Paris) starting `day`, as an instant.
pub(crate) fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::Europe::Paris
        .from_local_datetime(&midnight)
        // France changes time at 02:00 or 03:00, never at midnight.
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// `[start, end)` of the Paris day `offset` days from `now`'s.
pub(crate) fn paris_day(now: DateTime<Utc>, offset: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let day = paris_date(now) + TimeDelta::days(offset);
    (
        paris_midnight(day),
        paris_midnight(day + TimeDelta::days(1)),
    )
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl App {
    /// Runs one periodic task now. Nothing runs while the platform is in
    /// maintenance: the people it would write to could not act on it.
    pub async fn run_scheduled(&self, task: ScheduledTask) -> Result<TaskReport, AppError> {
        if self.maintenance().await?.is_some() {
            return Ok(TaskReport {
                task,
                effects: 0,
                skipped: Some("maintenance"),
            });
        }
        let effects = match task {
            ScheduledTask::ReleaseHeldSuivis => count(self.release_held_suivis().await?),
            ScheduledTask::DailyDigest => self.queue_todays_digest().await?,
            ScheduledTask::RemindUnactivatedAccounts => self.remind_unactivated_accounts().await?,
            ScheduledTask::AskFeedbackUsager => self.ask_feedback_usagers().await?,
            ScheduledTask::NotifyVisits => self.notify_visits().await?,
            ScheduledTask::NotifyAndArchiveInactiveAccounts => {
                self.notify_and_archive_inactive_accounts().await?
            }
            ScheduledTask::Purge => self.purge_expired().await?,
            ScheduledTask::ResetInjonctionNoResponse => self.reset_injonction_no_response().await?,
        };
        Ok(TaskReport {
            task,
            effects,
            skipped: None,
        })
    }

    /// 1 once today's digest job is queued (by this run or an earlier
    /// one: its key `digest:<date>` makes it one job a day), 0 before its
    /// hour.
    async fn queue_todays_digest(&self) -> Result<u64, AppError> {
        Ok(u64::from(self.enqueue_due_digest().await?.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_reads_back_from_its_name_and_has_a_six_field_schedule() {
        for task in ScheduledTask::ALL {
            assert_eq!(ScheduledTask::parse(task.as_str()), Some(*task));
            assert!(!task.label().is_empty());
            let fields: Vec<&str> = task.default_schedule().split_whitespace().collect();
            assert_eq!(fields.len(), 6, "{task}: {}", task.default_schedule());
        }
        assert_eq!(ScheduledTask::parse("purge_everything"), None);
    }

    #[test]
    fn paris_days_start_at_paris_midnight() {
        use chrono::TimeZone;
        // 23:30 UTC on 14 July is already the 15th in Paris (UTC+2).
        let now = Utc
            .with_ymd_and_hms(2026, 7, 14, 23, 30, 0)
            .single()
            .expect("instant");
        let (start, end) = paris_day(now, 2);
        assert_eq!(
            start,
            Utc.with_ymd_and_hms(2026, 7, 16, 22, 0, 0)
                .single()
                .expect("instant")
        );
        assert_eq!(end - start, TimeDelta::days(1));
    }
}
