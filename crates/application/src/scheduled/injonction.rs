//! The end of an unanswered landlord injunction (§3.5, §7.2): three weeks
//! after the case was filed without a positive answer, it takes the usual
//! procedure, through the same switch as the usager's "bascule" (the core
//! transition, a definitive reference, the INJONCTION_BAILLEUR_EXPIREE
//! public suivi, then auto-affectation or the admins' validation). Once
//! switched the case is no longer in INJONCTION_BAILLEUR: a second run finds
//! nothing.

use chrono::TimeDelta;
use histologe_core::Actor;
use histologe_core::enums::{SignalementStatus, SuiviCategory};
use histologe_core::model::Case;

use crate::app::App;
use crate::error::AppError;

/// How long a landlord has to answer (`INJONCTION_PERIOD_THRESHOLD` of
/// the reference platform).
pub const INJONCTION_RESPONSE_WINDOW: TimeDelta = TimeDelta::weeks(3);
/// Cases switched per run.
const SWITCHED_PER_RUN: u64 = 200;
/// Cases read per run: the ones a landlord accepted stay in the status,
/// oldest first, and must not hide the ones after them.
const SCANNED_PER_RUN: u32 = 5000;

/// The landlord said he will do the work (with or without help).
fn answered_yes(case: &Case) -> bool {
    [
        SuiviCategory::InjonctionBailleurReponseOui,
        SuiviCategory::InjonctionBailleurReponseOuiAvecAide,
        SuiviCategory::InjonctionBailleurReponseOuiDemarchesCommencees,
    ]
    .into_iter()
    .any(|c| case.has_suivi(c))
}

impl App {
    pub(crate) async fn reset_injonction_no_response(&self) -> Result<u64, AppError> {
        let due = self
            .ports
            .signalements
            .in_status_created_before(
                SignalementStatus::InjonctionBailleur,
                self.now() - INJONCTION_RESPONSE_WINDOW,
                SCANNED_PER_RUN,
            )
            .await?;
        let mut switched = 0;
        for id in due {
            if switched >= SWITCHED_PER_RUN {
                break;
            }
            let Some(case) = self.ports.signalements.case(id).await? else {
                continue;
            };
            // Read first so that answered cases cost no write transaction;
            // checked again under the lock.
            if answered_yes(&case) {
                continue;
            }
            match self
                .switch_unless(
                    &Actor::System,
                    id,
                    SuiviCategory::InjonctionBailleurExpiree,
                    answered_yes,
                )
                .await
            {
                Ok(Some(_)) => switched += 1,
                Ok(None) => {}
                // It left the injunction since it was read.
                Err(AppError::Domain(_) | AppError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(switched)
    }
}
