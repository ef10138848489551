//! Asking usagers for news (§7.2 ask-feedback-usager): on an active case
//! the usager has heard nothing about for 45 days, a first request; 30
//! days after it a second, 30 more a third, then one every 90 days. Each
//! request is a technical ASK_FEEDBACK_SENT suivi (nobody is notified of
//! it) and one e-mail per usager address.
//!
//! The suivis are the record: the rank and the date of the next request
//! follow from them, re-read under the case's lock, so a second run the
//! same day finds the request just written and nothing due.

use chrono::{DateTime, Utc};
use histologe_core::Actor;
use histologe_core::enums::{SuiviCategory, UsagerSide};
use histologe_core::events::{DomainEvent, NewSuivi, SuiviAuthor};
use histologe_core::ids::SignalementId;
use histologe_core::model::Case;

use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailFeedbackRequest};

/// Requests sent per run, as the reference platform.
pub const FEEDBACK_BATCH: u64 = 275;

/// The rank of the request due on this case at `now`, if one is
/// (`histologe_core::feedback`: calendar days in Paris).
pub(crate) fn feedback_due(case: &Case, now: DateTime<Utc>) -> Option<u32> {
    histologe_core::feedback::next_request(case)
        .filter(|(due, _)| *due <= now)
        .map(|(_, rank)| rank)
}

impl App {
    /// The storage hands out exactly the cases whose next request is due,
    /// most overdue first (`SignalementRepository::feedback_due`): cases
    /// in the 90-day loop are only read on the day they are due again, so
    /// they never crowd out a case waiting for its first request.
    pub(crate) async fn ask_feedback_usagers(&self) -> Result<u64, AppError> {
        let now = self.now();
        let limit = u32::try_from(FEEDBACK_BATCH).unwrap_or(u32::MAX);
        let candidates = self.ports.signalements.feedback_due(now, limit).await?;
        let mut asked = 0;
        for id in candidates {
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
