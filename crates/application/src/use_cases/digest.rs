//! The daily digest's schedule (features.md §2.11): users in "récapitulatif
//! quotidien" mode get one e-mail a day listing their notifications, at
//! 08:00 Europe/Paris unless the deployment says otherwise.
//!
//! No lock: every process's clock calls [`App::enqueue_due_digest`] each
//! tick; once the hour has passed it enqueues `digest.run` under the key
//! `digest:<date>`, so however many processes try, one job exists per day
//! (docs/decisions/0026-daily-digest.md). The job itself is in
//! `jobs::digest`.

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use histologe_ports::RepoError;

use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, DigestRun};

/// When the daily digest goes out: a wall-clock time in a time zone (so
/// that 08:00 stays 08:00 across daylight saving changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestSchedule {
    pub at: NaiveTime,
    pub tz: Tz,
}

impl Default for DigestSchedule {
    /// 08:00, Europe/Paris.
    fn default() -> Self {
        DigestSchedule {
            at: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            tz: chrono_tz::Europe::Paris,
        }
    }
}

impl DigestSchedule {
    /// `HH:MM`, optionally followed by an IANA time zone (`07:30
    /// America/Cayenne`); Europe/Paris when none is given.
    ///
    /// # Errors
    /// A French message saying what was expected.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut words = value.split_whitespace();
        let time = words.next().unwrap_or_default();
        let at = NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| {
            format!("« {time} » n'est pas une heure (attendu HH:MM, par exemple 08:00)")
        })?;
        let tz = match words.next() {
            Some(zone) => zone.parse::<Tz>().map_err(|_| {
                format!("« {zone} » n'est pas un fuseau horaire (par exemple Europe/Paris)")
            })?,
            None => Self::default().tz,
        };
        if let Some(extra) = words.next() {
            return Err(format!(
                "« {extra} » en trop (attendu : HH:MM et un fuseau, par exemple 08:00 Europe/Paris)"
            ));
        }
        Ok(DigestSchedule { at, tz })
    }

    /// The day whose digest is due at `now`: today in the schedule's zone
    /// once its hour has passed, nothing before.
    pub fn due(&self, now: DateTime<Utc>) -> Option<NaiveDate> {
        let local = now.with_timezone(&self.tz);
        (local.time() >= self.at).then(|| local.date_naive())
    }

    /// `now` as people of the schedule's zone read it.
    pub fn local(&self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.tz)
    }
}

impl std::fmt::Display for DigestSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02} {}",
            self.at.hour(),
            self.at.minute(),
            self.tz.name()
        )
    }
}

impl App {
    pub fn digest_schedule(&self) -> DigestSchedule {
        self.digest
    }

    /// The clock's tick: once today's hour has passed, makes sure today's
    /// `digest.run` job exists; the day whose digest is queued (or already
    /// was), `None` before the hour. Cheap enough for every tick of every
    /// process: one lookup of the idempotency key once queued.
    pub async fn enqueue_due_digest(&self) -> Result<Option<NaiveDate>, AppError> {
        let now = self.now();
        let Some(date) = self.digest.due(now) else {
            return Ok(None);
        };
        let mut tx = self.ports.uow.begin().await?;
        match jobs::enqueue(
            tx.as_mut(),
            self.ports.ids.as_ref(),
            now,
            &DigestRun { date },
        )
        .await
        {
            Ok(()) => {}
            // Another process enqueued it between the key lookup and the insert.
            Err(RepoError::Duplicate(_)) => return Ok(Some(date)),
            Err(e) => return Err(e.into()),
        }
        match tx.commit().await {
            Ok(()) | Err(RepoError::Duplicate(_)) => Ok(Some(date)),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("a valid instant")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
    }

    #[test]
    fn eight_in_paris_is_seven_utc_in_winter_and_six_in_summer() {
        let paris = DigestSchedule::default();
        assert_eq!(paris.due(utc(2026, 1, 15, 6, 59)), None);
        assert_eq!(paris.due(utc(2026, 1, 15, 7, 0)), Some(day(2026, 1, 15)));
        assert_eq!(paris.due(utc(2026, 7, 15, 5, 59)), None);
        assert_eq!(paris.due(utc(2026, 7, 15, 6, 0)), Some(day(2026, 7, 15)));
        // 23:30 UTC on the 15th is already the 16th in Paris, before 08:00.
        assert_eq!(paris.due(utc(2026, 7, 15, 23, 30)), None);
        assert_eq!(paris.due(utc(2026, 7, 15, 21, 0)), Some(day(2026, 7, 15)));
    }

    #[test]
    fn the_schedule_reads_a_time_and_an_optional_zone() {
        assert_eq!(
            DigestSchedule::parse("08:00"),
            Ok(DigestSchedule::default())
        );
        let cayenne = DigestSchedule::parse(" 07:30  America/Cayenne ").expect("valid");
        assert_eq!(cayenne.to_string(), "07:30 America/Cayenne");
        // 07:30 in Cayenne is 10:30 UTC.
        assert_eq!(cayenne.due(utc(2026, 3, 10, 10, 29)), None);
        assert!(cayenne.due(utc(2026, 3, 10, 10, 30)).is_some());
        for bad in [
            "8h",
            "25:00",
            "08:00 Europe/Lutece",
            "08:00 Europe/Paris demain",
            "",
        ] {
            assert!(DigestSchedule::parse(bad).is_err(), "{bad}");
        }
    }
}
