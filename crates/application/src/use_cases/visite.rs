//! Visits: plan, reschedule, cancel, abort, conclude (§3.4).

use chrono::{DateTime, Utc};
use histologe_core::Actor;
use histologe_core::ids::{InterventionId, PartnerId, SignalementId};
use histologe_core::model::Case;
use histologe_core::workflow::visite::{self, Conclusion};

use crate::app::App;
use crate::error::AppError;

impl App {
    /// Plans a visit; with a past date it records one that took place and
    /// needs its conclusion.
    pub async fn plan_visite(
        &self,
        actor: &Actor,
        id: SignalementId,
        partner: PartnerId,
        scheduled_at: DateTime<Utc>,
        conclusion: Option<Conclusion>,
    ) -> Result<(Case, InterventionId), AppError> {
        let partner = self
            .ports
            .partners
            .get(partner)
            .await?
            .ok_or(AppError::NotFound("Partenaire"))?;
        let visit_id = InterventionId(self.ports.ids.uuid());
        let case = self
            .change_case(actor, id, |case, now| {
                visite::plan(
                    case,
                    actor,
                    &partner,
                    visit_id,
                    scheduled_at,
                    conclusion.clone(),
                    now,
                )
            })
            .await?;
        Ok((case, visit_id))
    }

    pub async fn reschedule_visite(
        &self,
        actor: &Actor,
        id: SignalementId,
        visit: InterventionId,
        scheduled_at: DateTime<Utc>,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            visite::reschedule(case, actor, visit, scheduled_at, now)
        })
        .await
    }

    pub async fn cancel_visite(
        &self,
        actor: &Actor,
        id: SignalementId,
        visit: InterventionId,
        reason: &str,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            visite::cancel(case, actor, visit, reason, now)
        })
        .await
    }

    pub async fn abort_visite(
        &self,
        actor: &Actor,
        id: SignalementId,
        visit: InterventionId,
        reason: &str,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            visite::abort(case, actor, visit, reason, now)
        })
        .await
    }

    pub async fn confirm_visite(
        &self,
        actor: &Actor,
        id: SignalementId,
        visit: InterventionId,
        conclusion: Conclusion,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            visite::confirm(case, actor, visit, conclusion.clone(), now)
        })
        .await
    }
}
