//! Asking usagers for news (§7.2 ask-feedback-usager): on an active case
//! the usager has heard nothing about for 45 days, a first request; 30
//! days after it a second, 30 more a third, then one every 90 days. Each
//! request is a technical ASK_FEEDBACK_SENT suivi (nobody is notified of
//! it) and one e-mail per usager address.
//!
//! The suivis are the record: the rank and the date of the next request
//! follow from them, re-read under the case's lock, so a second run the
//! same day finds the request just written and nothing due.

use chrono::{DateTime, TimeDelta, Utc};
use histologe_core::Actor;
use histologe_core::enums::{SignalementStatus, SuiviCategory, UsagerSide};
use histologe_core::events::{DomainEvent, NewSuivi, SuiviAuthor};
use histologe_core::ids::SignalementId;
use histologe_core::model::Case;
use histologe_core::policy::ListScope;
use histologe_ports::{ListOrder, SignalementFilter};

use super::{paris_date, paris_midnight};
use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailFeedbackRequest};

/// Requests sent per run, as the reference platform.
pub const FEEDBACK_BATCH: u64 = 275;
/// Cases looked at per run.
const SCANNED_PER_RUN: u64 = 5000;
const PAGE: u32 = 200;

/// Calendar days to wait before the request after `sent` earlier ones.
fn wait_after(sent: usize) -> i64 {
    match sent {
        0 => 45,
        1 | 2 => 30,
        _ => 90,
    }
}

fn is_eligible(case: &Case) -> bool {
    let s = &case.signalement;
    s.status == SignalementStatus::Active
        && !s.is_imported
        && !s.is_logement_vacant()
        && !s.is_usager_abandon_procedure
}

/// The rank of the request due on this case at `now`, if one is.
pub(crate) fn feedback_due(case: &Case, now: DateTime<Utc>) -> Option<u32> {
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
    let days = (paris_date(now) - paris_date(since)).num_days();
    (days >= wait_after(asked.len())).then(|| u32::try_from(asked.len() + 1).unwrap_or(u32::MAX))
}

impl App {
    pub(crate) async fn ask_feedback_usagers(&self) -> Result<u64, AppError> {
        let now = self.now();
        // Nothing written on the case for the shortest wait: every request
        // is itself a suivi, so a case asked recently is not a candidate.
        let quiet_since = paris_midnight(paris_date(now) - TimeDelta::days(wait_after(1) - 1));
        let filter = SignalementFilter {
            status: Some(SignalementStatus::Active),
            no_suivi_since: Some(quiet_since),
            order: ListOrder::CreatedAsc,
            ..SignalementFilter::default()
        };
        let mut candidates: Vec<SignalementId> = Vec::new();
        let mut offset = 0u64;
        while offset < SCANNED_PER_RUN {
            let page = self
                .ports
                .signalements
                .list(&ListScope::All, &filter, offset, PAGE)
                .await?;
            let fetched = page.items.len();
            candidates.extend(page.items.iter().filter(|s| !s.is_imported).map(|s| s.id));
            offset += u64::try_from(fetched).unwrap_or(u64::MAX);
            if fetched < PAGE as usize || offset >= page.total {
                break;
            }
        }
        let mut asked = 0;
        for id in candidates {
            if asked >= FEEDBACK_BATCH {
                break;
            }
            if self.ask_feedback(id, now).await? {
                asked += 1;
            }
        }
        Ok(asked)
    }

    /// One request on one case, if it is due under the case's lock.
    async fn ask_feedback(&self, id: SignalementId, now: DateTime<Utc>) -> Result<bool, AppError> {
        let mut tx = self.ports.uow.begin().await?;
        let Some(mut case) = tx.lock_case(id).await? else {
            return Ok(false);
        };
        let Some(rank) = feedback_due(&case, now) else {
            return Ok(false);
        };
        let event = DomainEvent::Suivi(NewSuivi {
            category: SuiviCategory::AskFeedbackSent,
            description: format!("Demande de nouvelles n°{rank} envoyée à l'usager."),
            is_public: false,
            author: SuiviAuthor::System,
            send_mail: false,
        });
        self.apply_events(tx.as_mut(), &mut case, &Actor::System, vec![event], now)
            .await?;
        let Some(suivi) = case
            .suivis
            .iter()
            .rev()
            .find(|s| s.category == SuiviCategory::AskFeedbackSent)
        else {
            return Ok(false);
        };
        let suivi_id = suivi.id;
        for side in UsagerSide::ALL {
            jobs::enqueue(
                tx.as_mut(),
                self.ports.ids.as_ref(),
                now,
                &EmailFeedbackRequest {
                    signalement_id: id,
                    side: *side,
                    rank,
                    suivi_id,
                },
            )
            .await?;
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        Ok(true)
    }
}
