//! Visits: plan, reschedule, cancel, abort, conclude (§3.4).

use chrono::{DateTime, Utc};
use histologe_core::Actor;
use histologe_core::ids::{InterventionId, PartnerId, SignalementId};
use histologe_core::model::Case;
use histologe_core::workflow::visite::{self, Conclusion, Operator};

use crate::app::App;
use crate::error::AppError;

/// Who does a visit, as the planning form chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitOperator {
    /// A partner affected to the case, competent for visits.
    Partner(PartnerId),
    /// An operator from outside the platform, by name.
    External(String),
}

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
        self.plan_visite_by(
            actor,
            id,
            VisitOperator::Partner(partner),
            scheduled_at,
            "",
            conclusion,
        )
        .await
    }

    /// Plans a visit by an affected partner or an outside operator, with
    /// a comment the usager reads.
    pub async fn plan_visite_by(
        &self,
        actor: &Actor,
        id: SignalementId,
        operator: VisitOperator,
        scheduled_at: DateTime<Utc>,
        comment: &str,
        conclusion: Option<Conclusion>,
    ) -> Result<(Case, InterventionId), AppError> {
        let partner;
        let operator = match &operator {
            VisitOperator::Partner(id) => {
                partner = self
                    .ports
                    .partners
                    .get(*id)
                    .await?
                    .ok_or(AppError::NotFound("Partenaire"))?;
                Operator::Partner(&partner)
            }
            VisitOperator::External(name) => Operator::External(name),
        };
        let visit_id = InterventionId(self.ports.ids.uuid());
        let case = self
            .change_case(actor, id, |case, now| {
                visite::plan_by(
                    case,
                    actor,
                    operator,
                    visit_id,
                    scheduled_at,
                    comment,
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
