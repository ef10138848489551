//! Dates, times and durations as a French reader expects them written out
//! in a letter: "mardi 8 décembre 2026 à 14 h 30" (Imprimerie nationale:
//! `h` between hours and minutes, "1er" for the first of the month).
//! Instants of visits and accounts are shown in the legal time of
//! metropolitan France, whatever the server's zone.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use chrono_tz::Tz;

/// Metropolitan France.
const ZONE: Tz = chrono_tz::Europe::Paris;

const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The instant in Paris.
fn in_paris(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&ZONE)
}

/// `mardi 8 décembre 2026`, `mardi 1er décembre 2026`.
fn long_date(at: &impl Datelike) -> String {
    let weekday = WEEKDAYS[at.weekday().num_days_from_monday() as usize];
    let month = MONTHS[at.month0() as usize];
    let day = match at.day() {
        1 => "1er".to_string(),
        n => n.to_string(),
    };
    format!("{weekday} {day} {month} {}", at.year())
}

/// `14 h 30`, `9 h 05`, `14 h`.
fn time(at: &impl Timelike) -> String {
    match at.minute() {
        0 => format!("{} h", at.hour()),
        m => format!("{} h {m:02}", at.hour()),
    }
}

/// `mardi 8 décembre 2026 à 14 h 30`.
fn long_date_time(at: &(impl Datelike + Timelike)) -> String {
    format!("{} à {}", long_date(at), time(at))
}

/// The day of an instant, in Paris: `mardi 8 décembre 2026`.
pub fn day(at: DateTime<Utc>) -> String {
    long_date(&in_paris(at))
}

/// The day and time of an instant, in Paris: `mardi 8 décembre 2026 à 14 h 30`.
pub fn day_and_time(at: DateTime<Utc>) -> String {
    long_date_time(&in_paris(at))
}

/// How long a link or a code stays valid: `7 jours`, `1 heure`,
/// `10 minutes` (the largest unit that divides it).
pub fn duration(d: Duration) -> String {
    fn plural(n: i64, one: &str, many: &str) -> String {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    }
    let minutes = d.num_minutes();
    if minutes > 0 && minutes % (24 * 60) == 0 {
        plural(minutes / (24 * 60), "jour", "jours")
    } else if minutes > 0 && minutes % 60 == 0 {
        plural(minutes / 60, "heure", "heures")
    } else {
        plural(minutes, "minute", "minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn visits_are_written_out_in_paris_time_winter_and_summer() {
        assert_eq!(
            long_date_time(&in_paris(utc("2026-12-08T13:30:00Z"))),
            "mardi 8 décembre 2026 à 14 h 30"
        );
        assert_eq!(
            long_date_time(&in_paris(utc("2026-07-14T07:05:00Z"))),
            "mardi 14 juillet 2026 à 9 h 05"
        );
        // Late evening in UTC is already the next day in Paris.
        assert_eq!(
            long_date_time(&in_paris(utc("2026-12-31T23:00:00Z"))),
            "vendredi 1er janvier 2027 à 0 h"
        );
    }

    #[test]
    fn a_local_time_of_another_zone_is_written_as_it_is() {
        let at = chrono_tz::America::Guadeloupe
            .with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
            .single()
            .expect("a valid instant");
        assert_eq!(long_date_time(&at), "lundi 2 mars 2026 à 8 h");
    }

    #[test]
    fn durations_use_their_largest_whole_unit() {
        assert_eq!(duration(Duration::days(7)), "7 jours");
        assert_eq!(duration(Duration::days(1)), "1 jour");
        assert_eq!(duration(Duration::hours(1)), "1 heure");
        assert_eq!(duration(Duration::hours(36)), "36 heures");
        assert_eq!(duration(Duration::minutes(10)), "10 minutes");
    }
}
