//! The e-mails of the scheduled jobs (`crate::scheduled`): activation
//! reminders, inactivity notices, feedback requests to usagers, visit
//! reminders and conclusion requests. Each key names its period, so that
//! a task run twice in one period queues one e-mail.

use chrono::{DateTime, NaiveDate, Utc};
use histologe_core::enums::UsagerSide;
use histologe_core::ids::{AffectationId, InterventionId, SignalementId, SuiviId, UserId};
use serde::{Deserialize, Serialize};

use super::{Failure, JobPayload, Runner};
use crate::use_cases::account_links::LinkPurpose;

fn transient(e: impl std::fmt::Display) -> Failure {
    Failure::Transient(e.to_string())
}

/// Reminder to a staff account never activated, with a fresh activation
/// link (the first one may have expired).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailActivationReminder {
    pub user_id: UserId,
    /// The day of the reminder (Europe/Paris).
    pub on: NaiveDate,
}

impl JobPayload for EmailActivationReminder {
    const KIND: &'static str = "email.activation_reminder";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}:{}", Self::KIND, self.user_id, self.on))
    }
}

/// Notice to an account unused for a year that it will be archived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailInactiveAccountNotice {
    pub user_id: UserId,
    pub archiving_at: DateTime<Utc>,
}

impl JobPayload for EmailInactiveAccountNotice {
    const KIND: &'static str = "email.inactive_account_notice";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!(
            "{}:{}:{}",
            Self::KIND,
            self.user_id,
            self.archiving_at.date_naive()
        ))
    }
}

/// "Avez-vous des nouvelles ?" to one usager of a case without news: the
/// `rank`-th request since the last public suivi (4 and more: the loop).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailFeedbackRequest {
    pub signalement_id: SignalementId,
    pub side: UsagerSide,
    pub rank: u32,
    /// The ASK_FEEDBACK_SENT suivi that records the request.
    pub suivi_id: SuiviId,
}

impl JobPayload for EmailFeedbackRequest {
    const KIND: &'static str = "email.feedback_request";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!("{}:{}:{}", Self::KIND, self.suivi_id, self.side))
    }
}

/// Reminder to one usager of a visit two days ahead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailVisitReminder {
    pub signalement_id: SignalementId,
    pub intervention_id: InterventionId,
    pub side: UsagerSide,
    /// The date reminded of: a rescheduled visit gets its own reminder.
    pub scheduled_at: DateTime<Utc>,
}

impl JobPayload for EmailVisitReminder {
    const KIND: &'static str = "email.visit_reminder";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!(
            "{}:{}:{}:{}",
            Self::KIND,
            self.intervention_id,
            self.side,
            self.scheduled_at.timestamp()
        ))
    }
}

/// To an agent of the visit's partner: the visit took place two days ago
/// and still has no conclusion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailVisitConclusion {
    pub signalement_id: SignalementId,
    pub intervention_id: InterventionId,
    pub user_id: UserId,
    pub scheduled_at: DateTime<Utc>,
}

impl JobPayload for EmailVisitConclusion {
    const KIND: &'static str = "email.visit_conclusion";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!(
            "{}:{}:{}:{}",
            Self::KIND,
            self.intervention_id,
            self.user_id,
            self.scheduled_at.timestamp()
        ))
    }
}

/// To an agent of a partner that accepted a case fifteen days ago and
/// follows it: no visit is planned yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailVisitRequired {
    pub signalement_id: SignalementId,
    pub affectation_id: AffectationId,
    pub user_id: UserId,
}

impl JobPayload for EmailVisitRequired {
    const KIND: &'static str = "email.visit_required";
    fn idempotency_key(&self) -> Option<String> {
        Some(format!(
            "{}:{}:{}",
            Self::KIND,
            self.affectation_id,
            self.user_id
        ))
    }
}

impl Runner {
    /// A visit planned since needs no reminder.
    pub(super) async fn email_visit_required(&self, p: EmailVisitRequired) -> Result<(), Failure> {
        let Some(case) = self.case(p.signalement_id).await? else {
            return Ok(());
        };
        let user = self
            .app
            .ports
            .users
            .get(p.user_id)
            .await
            .map_err(transient)?;
        let Some(user) = user.filter(|u| u.is_active() && u.is_mailing_active) else {
            return Ok(());
        };
        if !case.interventions.is_empty() {
            return Ok(());
        }
        let reference = case.signalement.displayed_reference();
        let message = histologe_emails::Message::new(
            "visite_a_programmer",
            "Pro Date de visite à renseigner",
            format!("[{reference}] Visite à programmer"),
        )
        .hello(&user.prenom)
        .text(format!(
            "Votre partenaire a accepté le signalement {reference} il y a 15 jours et aucune \
             visite n'est encore programmée."
        ))
        .button(
            "Programmer la visite",
            self.platform()
                .url(&format!("/bo/signalements/{}", case.signalement.id)),
        );
        self.send_message(vec![user.email.clone()], message).await
    }

    /// An account activated or archived since gets nothing.
    pub(super) async fn email_activation_reminder(
        &self,
        p: EmailActivationReminder,
    ) -> Result<(), Failure> {
        let user = self
            .app
            .ports
            .users
            .get(p.user_id)
            .await
            .map_err(transient)?;
        let Some(user) = user.filter(|u| LinkPurpose::Activation.fits(u)) else {
            return Ok(());
        };
        let link = self.issue_link(user.id, LinkPurpose::Activation).await?;
        let name = self.platform().name().to_string();
        let message = histologe_emails::Message::new(
            "account_activation_reminder",
            "Pre Reactivation de Compte",
            format!("Rappel : activez votre compte {name}"),
        )
        .hello(&user.prenom)
        .text(format!(
            "Un compte vous attend sur {name} avec l'adresse {}, mais il n'est pas encore activé : \
             les signalements de mal-logement qui vous sont affectés ne peuvent pas être traités \
             tant que vous ne vous connectez pas.",
            user.email
        ))
        .button("Choisir mon mot de passe", link)
        .note(self.activation_note());
        self.send_message(vec![user.email.clone()], message).await
    }

    /// An account that logged in since, or was archived, gets nothing.
    pub(super) async fn email_inactive_account_notice(
        &self,
        p: EmailInactiveAccountNotice,
    ) -> Result<(), Failure> {
        let user = self
            .app
            .ports
            .users
            .get(p.user_id)
            .await
            .map_err(transient)?;
        let notice_at = p.archiving_at - crate::scheduled::ARCHIVING_NOTICE;
        let Some(user) = user.filter(|u| {
            u.status != histologe_core::enums::UserStatus::Archive
                && u.last_login_at.is_none_or(|at| at <= notice_at)
        }) else {
            return Ok(());
        };
        let name = self.platform().name().to_string();
        let message = histologe_emails::Message::new(
            "account_inactive_notice",
            "Pro Compte Bientot Archive",
            format!("Votre compte {name} va être archivé"),
        )
        .hello(&user.prenom)
        .text(format!(
            "Vous ne vous êtes pas connecté à {name} depuis plus d'un an. Sans connexion de votre \
             part, votre compte ({}) sera archivé le {}.",
            user.email,
            histologe_emails::format::day(p.archiving_at)
        ))
        .button(
            "Me connecter pour garder mon compte",
            self.platform().url("/connexion"),
        );
        self.send_message(vec![user.email.clone()], message).await
    }

    fn usager_address(case: &histologe_core::Case, side: UsagerSide) -> Option<String> {
        let s = &case.signalement;
        if s.is_logement_vacant() {
            return None;
        }
        match side {
            UsagerSide::Occupant => s.occupant.email.clone(),
            UsagerSide::Declarant => s.declarant.email.clone(),
        }
    }

    pub(super) async fn email_feedback_request(
        &self,
        p: EmailFeedbackRequest,
    ) -> Result<(), Failure> {
        let Some(case) = self.case(p.signalement_id).await? else {
            return Ok(());
        };
        let Some(address) = Self::usager_address(&case, p.side) else {
            return Ok(());
        };
        let s = &case.signalement;
        let reference = s.displayed_reference();
        let opening = match p.rank {
            1 => "Nous n'avons pas eu de nouvelles de votre dossier depuis un moment.",
            2 | 3 => "Nous revenons vers vous : votre dossier est toujours sans nouvelles.",
            _ => "Votre dossier est toujours ouvert et sans nouvelles depuis plusieurs mois.",
        };
        let message = histologe_emails::Message::new(
            format!("usager_demande_feedback_{}", p.rank.min(4)),
            "Usager Demande Feedback",
            format!("Avez-vous des nouvelles de votre signalement {reference} ?"),
        )
        .text(opening)
        .text(
            "La situation de votre logement a-t-elle changé ? Dites-le aux partenaires qui suivent \
             votre signalement, ou demandez l'arrêt de la procédure si le problème est réglé, \
             depuis votre dossier.",
        )
        .button(
            "Donner des nouvelles",
            self.platform()
                .url(&format!("/suivre-mon-signalement/{}", s.code_suivi)),
        );
        self.send_message(vec![address], message).await
    }

    /// A visit cancelled, moved or done since is not reminded.
    pub(super) async fn email_visit_reminder(&self, p: EmailVisitReminder) -> Result<(), Failure> {
        let Some(case) = self.case(p.signalement_id).await? else {
            return Ok(());
        };
        let Some(visit) = case.interventions.iter().find(|i| {
            i.id == p.intervention_id
                && i.status == histologe_core::enums::InterventionStatus::Planned
                && i.scheduled_at == p.scheduled_at
        }) else {
            return Ok(());
        };
        let Some(address) = Self::usager_address(&case, p.side) else {
            return Ok(());
        };
        let s = &case.signalement;
        let when = histologe_emails::format::day_and_time(visit.scheduled_at);
        let mut message = histologe_emails::Message::new(
            "usager_rappel_visite",
            "Usager Rappel Visite",
            format!(
                "Rappel : visite de votre logement le {}",
                histologe_core::time::date_fr(visit.scheduled_at)
            ),
        )
        .text(format!(
            "Une visite de votre logement est prévue le {when} (heure de Paris) dans le cadre de \
             votre signalement {}.",
            s.displayed_reference()
        ));
        if let Some(comment) = visit
            .comment_before_visite
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            message = message.quote("Informations :", comment);
        }
        let message = message
            .text("Si vous ne pouvez pas être présent, prévenez-en les partenaires depuis votre dossier.")
            .button(
                "Ouvrir mon dossier",
                self.platform().url(&format!("/suivre-mon-signalement/{}", s.code_suivi)),
            );
        self.send_message(vec![address], message).await
    }

    /// A visit concluded (or moved) since needs nothing more.
    pub(super) async fn email_visit_conclusion(
        &self,
        p: EmailVisitConclusion,
    ) -> Result<(), Failure> {
        let Some(case) = self.case(p.signalement_id).await? else {
            return Ok(());
        };
        let still_planned = case.interventions.iter().any(|i| {
            i.id == p.intervention_id
                && i.status == histologe_core::enums::InterventionStatus::Planned
                && i.scheduled_at == p.scheduled_at
        });
        let user = self
            .app
            .ports
            .users
            .get(p.user_id)
            .await
            .map_err(transient)?;
        let (true, Some(user)) = (still_planned, user) else {
            return Ok(());
        };
        if !user.is_active() || !user.is_mailing_active {
            return Ok(());
        }
        let reference = case.signalement.displayed_reference();
        let message = histologe_emails::Message::new(
            "visite_conclusion_a_renseigner",
            "Pro Conclusion de visite à renseigner",
            format!("[{reference}] Conclusion de visite à renseigner"),
        )
        .hello(&user.prenom)
        .text(format!(
            "La visite du {} sur le signalement {reference} n'a pas encore de conclusion. \
             Renseignez-la, ou indiquez qu'elle n'a pas eu lieu.",
            histologe_emails::format::day_and_time(p.scheduled_at)
        ))
        .button(
            "Renseigner la conclusion",
            self.platform()
                .url(&format!("/bo/signalements/{}", case.signalement.id)),
        );
        self.send_message(vec![user.email.clone()], message).await
    }
}
