//! The e-mails of the scheduled jobs (`crate::scheduled`): activation
//! reminders, inactivity notices, feedback requests to usagers, visit
//! reminders and conclusion requests. Each key names its period, so that
//! a task run twice in one period queues one e-mail.

use chrono::{DateTime, NaiveDate, Utc};
use histologe_core::enums::UsagerSide;
use histologe_core::ids::{AffectationId, InterventionId, SignalementId, SuiviId, UserId};
use histologe_ports::OutgoingEmail;
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
        self.send(OutgoingEmail {
            to: vec![user.email.clone()],
            subject: format!("[{reference}] Visite à programmer"),
            text: format!(
                "Bonjour {},\n\n\
                 Votre partenaire a accepté le signalement {reference} il y a 15 jours et aucune \
                 visite n'est encore programmée. Programmez-la : {}/bo/signalements/{}\n",
                user.prenom, self.base_url, case.signalement.id
            ),
            html: None,
            template: "visite_a_programmer".to_string(),
            ..OutgoingEmail::default()
        })
        .await
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
        self.send(OutgoingEmail {
            to: vec![user.email.clone()],
            subject: "Rappel : activez votre compte Signal Logement".to_string(),
            text: format!(
                "Bonjour {},\n\n\
                 Un compte vous attend sur Signal Logement avec l'adresse {}, mais il n'est pas \
                 encore activé : les signalements de mal-logement qui vous sont affectés ne \
                 peuvent pas être traités tant que vous ne vous connectez pas.\n\
                 Choisissez votre mot de passe en ouvrant ce lien (valable 7 jours, une seule fois) :\n\n\
                 {link}\n\n\
                 Si le lien a expiré, demandez-en un nouveau sur {}/activation.\n",
                user.prenom, user.email, self.base_url
            ),
            html: None,
            template: "account_activation_reminder".to_string(),
            ..OutgoingEmail::default()
        })
        .await
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
        self.send(OutgoingEmail {
            to: vec![user.email.clone()],
            subject: "Votre compte Signal Logement va être archivé".to_string(),
            text: format!(
                "Bonjour {},\n\n\
                 Vous ne vous êtes pas connecté à Signal Logement depuis plus d'un an. \
                 Sans connexion de votre part, votre compte ({}) sera archivé le {}.\n\n\
                 Pour le garder, connectez-vous avant cette date : {}/connexion\n",
                user.prenom,
                user.email,
                histologe_core::time::date_fr(p.archiving_at),
                self.base_url
            ),
            html: None,
            template: "account_inactive_notice".to_string(),
            ..OutgoingEmail::default()
        })
        .await
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
        self.send(OutgoingEmail {
            to: vec![address],
            subject: format!("Avez-vous des nouvelles de votre signalement {reference} ?"),
            text: format!(
                "Bonjour,\n\n{opening}\n\
                 La situation de votre logement a-t-elle changé ? Dites-le aux partenaires qui \
                 suivent votre signalement, ou demandez l'arrêt de la procédure si le problème \
                 est réglé, depuis votre dossier :\n\n{}/suivre-mon-signalement/{}\n",
                self.base_url, s.code_suivi
            ),
            html: None,
            template: format!("usager_demande_feedback_{}", p.rank.min(4)),
            ..OutgoingEmail::default()
        })
        .await
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
        self.send(OutgoingEmail {
            to: vec![address],
            subject: format!(
                "Rappel : visite de votre logement le {}",
                histologe_core::time::date_fr(visit.scheduled_at)
            ),
            text: format!(
                "Bonjour,\n\n\
                 Une visite de votre logement est prévue le {} dans le cadre de votre \
                 signalement {}.{}\n\n\
                 Si vous ne pouvez pas être présent, prévenez-en les partenaires depuis votre \
                 dossier : {}/suivre-mon-signalement/{}\n",
                histologe_core::time::date_time_fr(visit.scheduled_at),
                s.displayed_reference(),
                visit
                    .comment_before_visite
                    .as_deref()
                    .map(|c| format!("\nInformations : {c}"))
                    .unwrap_or_default(),
                self.base_url,
                s.code_suivi
            ),
            html: None,
            template: "usager_rappel_visite".to_string(),
            ..OutgoingEmail::default()
        })
        .await
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
        self.send(OutgoingEmail {
            to: vec![user.email.clone()],
            subject: format!("[{reference}] Conclusion de visite à renseigner"),
            text: format!(
                "Bonjour {},\n\n\
                 La visite du {} sur le signalement {reference} n'a pas encore de conclusion. \
                 Renseignez-la (ou indiquez qu'elle n'a pas eu lieu) : {}/bo/signalements/{}\n",
                user.prenom,
                histologe_core::time::date_fr(p.scheduled_at),
                self.base_url,
                case.signalement.id
            ),
            html: None,
            template: "visite_conclusion_a_renseigner".to_string(),
            ..OutgoingEmail::default()
        })
        .await
    }
}
