//! When an usager is next asked for news of his case (domain.md §7.2,
//! ask-feedback-usager): 45 calendar days (Europe/Paris) after the last
//! public suivi, then 30 days after the first request, 30 after the
//! second, and every 90 days after the third. Only the requests made
//! since the last public suivi count: a public message starts again from
//! the first one.
//!
//! One rule for the scheduled task (which re-checks it under the case's
//! lock) and for the storage adapters, which keep [`next_request`] in a
//! column written with the case so that the task reads exactly the cases
//! that are due, most overdue first.

use chrono::{DateTime, TimeDelta, Utc};

use crate::enums::{SignalementStatus, SuiviCategory};
use crate::model::Case;

/// Calendar days to wait before the request after `sent` earlier ones.
pub fn wait_after(sent: usize) -> i64 {
    match sent {
        0 => 45,
        1 | 2 => 30,
        _ => 90,
    }
}

/// Only active, non-imported cases of an occupied dwelling whose usager
/// did not ask to stop are asked.
pub fn is_eligible(case: &Case) -> bool {
    let s = &case.signalement;
    s.status == SignalementStatus::Active
        && !s.is_imported
        && !s.is_logement_vacant()
        && !s.is_usager_abandon_procedure
}

/// The next request of an eligible case: from when it is due, and its
/// rank (1 for the first). `None` when the case is not to be asked.
pub fn next_request(case: &Case) -> Option<(DateTime<Utc>, u32)> {
    if !is_eligible(case) {
        return None;
    }
    let s = &case.signalement;
    let last_public = case
        .suivis
        .iter()
        .filter(|x| x.is_visible_for_usager && !x.is_deleted())
        .map(|x| x.created_at)
        .max()
        .or(s.validated_at)
        .unwrap_or(s.created_at);
    let asked: Vec<DateTime<Utc>> = case
        .suivis
        .iter()
        .filter(|x| x.category == SuiviCategory::AskFeedbackSent && x.created_at >= last_public)
        .map(|x| x.created_at)
        .collect();
    let since = asked.iter().max().copied().unwrap_or(last_public);
    let day = since.with_timezone(&crate::time::ZONE).date_naive()
        + TimeDelta::days(wait_after(asked.len()));
    let due = crate::time::from_local(day, chrono::NaiveTime::MIN)
        // France changes time at 02:00 or 03:00, never at midnight.
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc());
    Some((due, u32::try_from(asked.len() + 1).unwrap_or(u32::MAX)))
}
