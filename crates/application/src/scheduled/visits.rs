//! Visit reminders (§7.2 notify-visits), on active cases: two days before
//! a planned visit the usager is reminded of it (a public suivi and an
//! e-mail per address); two days after, a visit still planned needs its
//! conclusion, asked of the agents of the partner that made it.
//!
//! The visit records each one (`reminder_before_sent_at`,
//! `reminder_conclusion_sent_at`, reset when it is rescheduled), set under
//! the case's lock with the suivi and the e-mails: a second run finds it.
//!
//! Fifteen days after a partner competent for visits accepted the case,
//! if the case still has no visit at all, a technical
//! INTERVENTION_IS_REQUIRED suivi is written and the partner's people
//! following the case are asked to plan one; the suivi, written after the
//! acceptance, is the record.

use chrono::{DateTime, Utc};
use histologe_core::Actor;
use histologe_core::enums::{
    AffectationStatus, InterventionStatus, Qualification, Role, SignalementStatus, SuiviCategory,
    UsagerSide,
};
use histologe_core::events::{DomainEvent, NewSuivi, SuiviAuthor};
use histologe_core::ids::{AffectationId, InterventionId, SignalementId, UserId};

use super::paris_day;
use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailVisitConclusion, EmailVisitReminder, EmailVisitRequired};

/// Days between the reminder and the visit, and between the visit and the
/// request for its conclusion.
pub const VISIT_REMINDER_DAYS: i64 = 2;
/// A conclusion request missed (the clock was down) is still made within
/// this many days of the visit.
const CONCLUSION_CATCH_UP_DAYS: i64 = 7;
const VISITS_PER_RUN: u32 = 500;
/// Days after an acceptance without any visit before one is asked for.
pub const VISIT_REQUIRED_AFTER_DAYS: i64 = 15;

impl App {
    pub(crate) async fn notify_visits(&self) -> Result<u64, AppError> {
        let now = self.now();
        let mut effects = 0;
        let (from, to) = paris_day(now, VISIT_REMINDER_DAYS);
        for (case, visit) in self
            .ports
            .signalements
            .planned_visits_between(from, to, VISITS_PER_RUN)
            .await?
        {
            effects += u64::from(self.remind_visit(case, visit, now).await?);
        }
        let (from, _) = paris_day(now, -CONCLUSION_CATCH_UP_DAYS);
        let (_, to) = paris_day(now, -VISIT_REMINDER_DAYS);
        for (case, visit) in self
            .ports
            .signalements
            .planned_visits_between(from, to, VISITS_PER_RUN)
            .await?
        {
            effects += u64::from(self.ask_visit_conclusion(case, visit, now).await?);
        }
        let (from, to) = paris_day(now, -VISIT_REQUIRED_AFTER_DAYS);
        for (case, affectation) in self
            .ports
            .signalements
            .accepted_affectations_answered_between(from, to, VISITS_PER_RUN)
            .await?
        {
            effects += u64::from(self.require_visit(case, affectation, now).await?);
        }
        Ok(effects)
    }

    async fn require_visit(
        &self,
        id: SignalementId,
        affectation_id: AffectationId,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let mut tx = self.ports.uow.begin().await?;
        let Some(mut case) = tx.lock_case(id).await? else {
            return Ok(false);
        };
        let Some(affectation) = case
            .affectation(affectation_id)
            .filter(|a| a.status == AffectationStatus::Accepted)
            .cloned()
        else {
            return Ok(false);
        };
        let answered_at = affectation.answered_at.unwrap_or(affectation.created_at);
        let already = case.suivis.iter().any(|s| {
            s.category == SuiviCategory::InterventionIsRequired && s.created_at >= answered_at
        });
        if case.signalement.status != SignalementStatus::Active
            || !case.interventions.is_empty()
            || already
        {
            return Ok(false);
        }
        let Some(partner) = self
            .ports
            .partners
            .get(affectation.partner_id)
            .await?
            .filter(|p| p.has_competence(Qualification::Visites))
        else {
            return Ok(false);
        };
        let event = DomainEvent::Suivi(NewSuivi {
            category: SuiviCategory::InterventionIsRequired,
            description: format!(
                "Aucune visite n'est programmée {VISIT_REQUIRED_AFTER_DAYS} jours après l'acceptation du signalement par {}.",
                partner.nom
            ),
            is_public: false,
            author: SuiviAuthor::System,
            send_mail: false,
        });
        self.apply_events(tx.as_mut(), &mut case, &Actor::System, vec![event], now)
            .await?;
        let members = self.ports.users.of_partner(partner.id).await?;
        for user in members
            .iter()
            .filter(|u| u.is_active() && case.subscribers.contains(&u.id))
        {
            jobs::enqueue(
                tx.as_mut(),
                self.ports.ids.as_ref(),
                now,
                &EmailVisitRequired {
                    signalement_id: id,
                    affectation_id,
                    user_id: user.id,
                },
            )
            .await?;
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn remind_visit(
        &self,
        id: SignalementId,
        visit_id: InterventionId,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let mut tx = self.ports.uow.begin().await?;
        let Some(mut case) = tx.lock_case(id).await? else {
            return Ok(false);
        };
        if case.signalement.status != SignalementStatus::Active {
            return Ok(false);
        }
        let Some(visit) = case.interventions.iter_mut().find(|i| {
            i.id == visit_id
                && i.status == InterventionStatus::Planned
                && i.reminder_before_sent_at.is_none()
        }) else {
            return Ok(false);
        };
        visit.reminder_before_sent_at = Some(now);
        let scheduled_at = visit.scheduled_at;
        let vacant = case.signalement.is_logement_vacant();
        let event = DomainEvent::Suivi(NewSuivi {
            category: SuiviCategory::InterventionPlannedReminder,
            description: format!(
                "Rappel de la visite prévue le {}.",
                histologe_core::time::date_time_fr(scheduled_at)
            ),
            // Rule 18: nobody lives in a vacant dwelling to read it.
            is_public: !vacant,
            author: SuiviAuthor::System,
            // The usagers get the reminder's own e-mail below.
            send_mail: false,
        });
        self.apply_events(tx.as_mut(), &mut case, &Actor::System, vec![event], now)
            .await?;
        if !vacant {
            for side in UsagerSide::ALL {
                jobs::enqueue(
                    tx.as_mut(),
                    self.ports.ids.as_ref(),
                    now,
                    &EmailVisitReminder {
                        signalement_id: id,
                        intervention_id: visit_id,
                        side: *side,
                        scheduled_at,
                    },
                )
                .await?;
            }
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn ask_visit_conclusion(
        &self,
        id: SignalementId,
        visit_id: InterventionId,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let mut tx = self.ports.uow.begin().await?;
        let Some(mut case) = tx.lock_case(id).await? else {
            return Ok(false);
        };
        if case.signalement.status != SignalementStatus::Active {
            return Ok(false);
        }
        let subscribers = case.subscribers.clone();
        let Some(visit) = case.interventions.iter_mut().find(|i| {
            i.id == visit_id
                && i.status == InterventionStatus::Planned
                && i.reminder_conclusion_sent_at.is_none()
        }) else {
            return Ok(false);
        };
        visit.reminder_conclusion_sent_at = Some(now);
        let scheduled_at = visit.scheduled_at;
        // The partner that made the visit concludes it; a visit by an
        // operator from outside is concluded by whoever follows the case.
        let people: Vec<UserId> = match visit.partner_id {
            Some(partner) => self
                .ports
                .users
                .of_partner(partner)
                .await?
                .into_iter()
                .filter(|u| u.is_active() && matches!(u.role, Role::Agent | Role::PartnerAdmin))
                .map(|u| u.id)
                .collect(),
            None => self
                .ports
                .users
                .many(&subscribers)
                .await?
                .into_iter()
                .filter(|u| u.is_active())
                .map(|u| u.id)
                .collect(),
        };
        for user_id in people {
            jobs::enqueue(
                tx.as_mut(),
                self.ports.ids.as_ref(),
                now,
                &EmailVisitConclusion {
                    signalement_id: id,
                    intervention_id: visit_id,
                    user_id,
                    scheduled_at,
                },
            )
            .await?;
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        Ok(true)
    }
}
