//! The clock: queues each tick of each scheduled task as a `scheduled.run`
//! job, which a worker then runs.
//!
//! The calendars are the application's table
//! (`ScheduledTask::default_schedule`), each overridable by
//! `HISTOLOGE_SCHEDULE_<TASK>`, read in Paris wall time so that "04:00"
//! stays 04:00 across daylight saving. A tick is queued under the key
//! `scheduled:<task>:<instant>`, unique in the jobs table: however many
//! clocks run, and whether or not they tick at the same moment, a tick is
//! one job (decision 0028). The job, not the clock, runs the task: a clock
//! that dies after queuing loses nothing, and a task that fails is retried
//! with the other jobs.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use croner::Cron;
use croner::parser::{CronParser, Seconds};
use histologe_application::jobs::{self as app_jobs};
use histologe_application::scheduled::ScheduledTask;
use histologe_ports::{Ports, RepoError};

use crate::config::{ConfigError, SCHEDULE_PREFIX};
use crate::probe::ScheduledRun;
use crate::shutdown::Shutdown;

/// How often the clock looks whether a tick is due.
pub const TICK: Duration = Duration::from_secs(1);
/// A tick missed while no clock ran is still queued if it is this recent
/// (a clock restarted at 08:01 still sends the 08:00 digest); older ones
/// are skipped.
const CATCH_UP: chrono::TimeDelta = chrono::TimeDelta::hours(6);

/// One calendar per task.
#[derive(Debug, Clone)]
pub struct Schedule {
    entries: Vec<(ScheduledTask, Cron)>,
}

fn parser() -> CronParser {
    CronParser::builder().seconds(Seconds::Required).build()
}

/// The variable overriding `task`'s calendar.
pub fn variable(task: ScheduledTask) -> String {
    format!("{SCHEDULE_PREFIX}{}", task.as_str().to_uppercase())
}

impl Schedule {
    /// The application's calendars, with the overrides `lookup` finds.
    ///
    /// # Errors
    /// The variable whose expression does not parse (a message naming it).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Schedule, String> {
        let mut entries = Vec::new();
        for task in ScheduledTask::ALL {
            let name = variable(*task);
            let (expression, source) = match lookup(&name).filter(|v| !v.trim().is_empty()) {
                Some(v) => (v, name.as_str()),
                None => (task.default_schedule().to_string(), "default"),
            };
            let cron = parser().parse(expression.trim()).map_err(|e| {
                ConfigError {
                    variable: "HISTOLOGE_SCHEDULE_*",
                    message: format!(
                        "{source} : « {expression} » n'est pas une expression cron à 6 champs (seconde minute heure jour mois jour-de-semaine) : {e}"
                    ),
                }
                .to_string()
            })?;
            entries.push((*task, cron));
        }
        Ok(Schedule { entries })
    }

    /// The process environment's calendars.
    pub fn from_env() -> Result<Schedule, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Each task's calendar as written, for the start log and the admin page.
    pub fn describe(&self) -> Vec<(ScheduledTask, String)> {
        self.entries
            .iter()
            .map(|(task, cron)| (*task, cron.as_str().to_string()))
            .collect()
    }

    /// The last tick of `task` at or before `now`, if within the catch-up
    /// window.
    fn due(&self, cron: &Cron, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&Paris);
        let tick = cron.find_previous_occurrence(&local, true).ok()?;
        let tick = tick.with_timezone(&Utc);
        (now - tick <= CATCH_UP).then_some(tick)
    }
}

/// Queues the tick of `task` due at `tick` (nothing when another clock
/// already did).
pub async fn enqueue_tick(
    ports: &Ports,
    task: ScheduledTask,
    tick: DateTime<Utc>,
) -> Result<(), RepoError> {
    let run = ScheduledRun {
        task: task.as_str().to_string(),
        period: tick.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let mut tx = ports.uow.begin().await?;
    app_jobs::enqueue(tx.as_mut(), ports.ids.as_ref(), tick, &run).await?;
    tx.commit().await
}

/// Queues what is due, every [`TICK`], until `shutdown`.
pub async fn run(ports: Ports, schedule: Schedule, shutdown: Shutdown) {
    for (task, cron) in schedule.describe() {
        tracing::info!(task = task.as_str(), cron = %cron, "scheduled (Europe/Paris)");
    }
    let mut queued: HashMap<ScheduledTask, DateTime<Utc>> = HashMap::new();
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = shutdown.wait() => break,
        }
        let now = ports.clock.now();
        for (task, cron) in &schedule.entries {
            let Some(tick) = schedule.due(cron, now) else {
                continue;
            };
            if queued.get(task) == Some(&tick) {
                continue;
            }
            match enqueue_tick(&ports, *task, tick).await {
                Ok(()) => {
                    tracing::debug!(task = task.as_str(), tick = %tick, "tick queued");
                    queued.insert(*task, tick);
                }
                Err(e) => {
                    tracing::error!(task = task.as_str(), error = %e, "clock: the tick could not be queued; tried again next second");
                }
            }
        }
    }
    tracing::info!("clock stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn every_default_calendar_parses() {
        let schedule = Schedule::from_lookup(|_| None).unwrap();
        assert_eq!(schedule.entries.len(), ScheduledTask::ALL.len());
    }

    #[test]
    fn an_override_is_read_and_a_bad_one_named() {
        let purge = variable(ScheduledTask::Purge);
        let schedule =
            Schedule::from_lookup(|name| (name == purge).then(|| "*/2 * * * * *".to_string()))
                .unwrap();
        let described = schedule.describe();
        assert!(
            described
                .iter()
                .any(|(t, c)| *t == ScheduledTask::Purge && c == "*/2 * * * * *")
        );
        let err = Schedule::from_lookup(|name| (name == purge).then(|| "tous les jours".into()))
            .unwrap_err();
        assert!(err.contains(&purge), "{err}");
    }

    #[test]
    fn a_daily_tick_is_in_paris_time_across_daylight_saving() {
        let schedule = Schedule::from_lookup(|_| None).unwrap();
        let cron = parser().parse("0 0 4 * * *").unwrap();
        // Winter: 04:00 in Paris is 03:00 UTC; summer: 02:00 UTC.
        assert_eq!(
            schedule.due(&cron, at("2026-01-15T03:30:00Z")),
            Some(at("2026-01-15T03:00:00Z"))
        );
        assert_eq!(
            schedule.due(&cron, at("2026-07-15T02:30:00Z")),
            Some(at("2026-07-15T02:00:00Z"))
        );
    }

    #[test]
    fn a_tick_older_than_the_catch_up_window_is_skipped() {
        let schedule = Schedule::from_lookup(|_| None).unwrap();
        let cron = parser().parse("0 0 4 * * *").unwrap();
        assert_eq!(schedule.due(&cron, at("2026-01-15T12:00:00Z")), None);
    }
}
