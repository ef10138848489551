//! Instants as the people of the platform read and type them: in the
//! legal time of metropolitan France, whatever the server's zone. Stored
//! instants stay UTC; only what is shown or typed is local.
//!
//! Overseas territories (Guadeloupe, La Réunion…) keep their own legal
//! time; their pages still show metropolitan time (not done yet: the zone
//! would follow the case's territory).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Metropolitan France.
pub const ZONE: Tz = chrono_tz::Europe::Paris;

/// `03/12/2026`.
pub fn date_fr(at: DateTime<Utc>) -> String {
    at.with_timezone(&ZONE).format("%d/%m/%Y").to_string()
}

/// `03/12/2026 à 09:15`.
pub fn date_time_fr(at: DateTime<Utc>) -> String {
    at.with_timezone(&ZONE)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// The local day and time of an instant, as a form's date (`2026-12-03`)
/// and time (`09:15`) inputs hold them.
pub fn form_day_and_time(at: DateTime<Utc>) -> (String, String) {
    let local = at.with_timezone(&ZONE);
    (
        local.format("%Y-%m-%d").to_string(),
        local.format("%H:%M").to_string(),
    )
}

/// The instant of a local day and time typed in a form; `None` for a time
/// that does not exist that day (the hour skipped when clocks go forward).
/// A time that happens twice (when clocks go back) is the first one.
pub fn from_local(day: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    ZONE.from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn winter_and_summer_times_are_shown_as_in_paris() {
        assert_eq!(
            date_time_fr(utc("2026-12-03T08:15:00Z")),
            "03/12/2026 à 09:15"
        );
        assert_eq!(
            date_time_fr(utc("2026-07-14T08:15:00Z")),
            "14/07/2026 à 10:15"
        );
        // Late in the evening in UTC is already the next day in Paris.
        assert_eq!(date_fr(utc("2026-12-31T23:30:00Z")), "01/01/2027");
    }

    #[test]
    fn a_typed_local_time_round_trips() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 3).expect("day");
        let time = NaiveTime::from_hms_opt(10, 0, 0).expect("time");
        let at = from_local(day, time).expect("a time that exists");
        assert_eq!(at, utc("2026-03-03T09:00:00Z"));
        assert_eq!(
            form_day_and_time(at),
            ("2026-03-03".to_string(), "10:00".to_string())
        );
    }

    #[test]
    fn the_skipped_hour_does_not_exist_and_the_repeated_one_is_the_first() {
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).expect("day");
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).expect("day");
        let half_past_two = NaiveTime::from_hms_opt(2, 30, 0).expect("time");
        assert_eq!(from_local(spring, half_past_two), None);
        assert_eq!(
            from_local(autumn, half_past_two),
            Some(utc("2026-10-25T00:30:00Z"))
        );
    }
}
