//! Turns the domain events of a transition into writes of the same
//! transaction: history, suivis, subscriptions, in-app notifications and
//! queued jobs (e-mails, interconnections). Nothing is sent from here.

use chrono::{DateTime, Utc};
use histologe_core::Actor;
use histologe_core::enums::{AffectationStatus, NotificationType, Role, UsagerSide};
use histologe_core::events::{Audience, DomainEvent, NewSuivi, SuiviAuthor};
use histologe_core::ids::{
    AffectationId, HistoryEntryId, NotificationId, PartnerId, SuiviId, UserId,
};
use histologe_core::model::{Case, HistoryEntry, Notification, Suivi, User};
use histologe_core::notification::{SuiviFacts, on_new_suivi, subscribes_author};
use histologe_core::workflow::{self, Events};
use histologe_ports::Transaction;

use crate::app::App;
use crate::error::AppError;
use crate::jobs::{self, EmailToPartner, EmailToUser, EsaboraPush};

impl App {
    pub(crate) async fn apply_events(
        &self,
        tx: &mut dyn Transaction,
        case: &mut Case,
        actor: &Actor,
        events: Events,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        for event in events {
            match event {
                DomainEvent::History(change) => {
                    tx.append_history(&HistoryEntry {
                        id: HistoryEntryId(self.ports.ids.uuid()),
                        event: change.event,
                        entity_name: change.entity_name,
                        entity_id: change.entity_id,
                        changes: change.changes,
                        signalement_id: Some(case.signalement.id),
                        user_id: actor.user_id(),
                        created_at: now,
                    })
                    .await?;
                }
                DomainEvent::Suivi(new) => self.write_suivi(tx, case, actor, new, now).await?,
                DomainEvent::AffectationCreated {
                    affectation_id,
                    partner_id,
                } => {
                    self.notify_new_affectation(tx, case, actor, affectation_id, partner_id, now)
                        .await?
                }
                DomainEvent::AffectationRemoved { .. } => {}
                DomainEvent::Subscribe(users) => {
                    for user in users {
                        subscribe(tx, case, user).await?;
                    }
                }
                DomainEvent::SubscribeTerritoryAdmins => {
                    let admins = self
                        .ports
                        .users
                        .territory_admins(&case.signalement.territory)
                        .await?;
                    for admin in admins.iter().filter(|u| u.is_active()) {
                        subscribe(tx, case, admin.id).await?;
                    }
                }
                DomainEvent::UnsubscribePartnerUsers { partner_id } => {
                    let users = self.ports.users.of_partner(partner_id).await?;
                    for user in users.iter().filter(|u| u.role != Role::TerritoryAdmin) {
                        tx.unsubscribe(user.id, case.signalement.id).await?;
                        case.subscribers.retain(|s| *s != user.id);
                    }
                }
                DomainEvent::Notify { kind, audience } => {
                    self.notify_audience(tx, case, actor, kind, audience, now)
                        .await?
                }
                DomainEvent::DeleteCaseNotifications => {
                    tx.delete_notifications_of(case.signalement.id).await?
                }
                DomainEvent::UsagerAcknowledgement => {
                    jobs::enqueue_usager_emails(
                        tx,
                        self.ports.ids.as_ref(),
                        now,
                        case.signalement.id,
                        jobs::UsagerTemplate::AccuseReception,
                        None,
                    )
                    .await?
                }
            }
        }
        Ok(())
    }

    async fn author_label(&self, author: &SuiviAuthor, case: &Case) -> Result<String, AppError> {
        let partner_name = |id: Option<PartnerId>| async move {
            match id {
                Some(id) => Ok::<_, AppError>(self.ports.partners.get(id).await?.map(|p| {
                    if p.is_archive {
                        "Partenaire supprimé".to_string()
                    } else {
                        p.nom
                    }
                })),
                None => Ok(None),
            }
        };
        Ok(match author {
            SuiviAuthor::System => "Suivi automatique".to_string(),
            SuiviAuthor::Bailleur => "Bailleur".to_string(),
            SuiviAuthor::Usager(UsagerSide::Occupant) => "OCCUPANT".to_string(),
            SuiviAuthor::Usager(UsagerSide::Declarant) => {
                let d = &case.signalement.declarant;
                let name = [d.prenom.as_deref(), d.nom.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("DECLARANT : {name}")
            }
            SuiviAuthor::Staff {
                user_id,
                partner_id,
            } => {
                let user = self.ports.users.get(*user_id).await?;
                let name = user
                    .map(|u| format!("{} {}", u.prenom, u.nom))
                    .unwrap_or_default();
                match partner_name(*partner_id).await? {
                    Some(partner) => format!("{partner} : {name}"),
                    None => name,
                }
            }
            SuiviAuthor::Api { partner_id, .. } => partner_name(*partner_id)
                .await?
                .map_or_else(|| "API".to_string(), |p| format!("{p} (API)")),
        })
    }

    async fn write_suivi(
        &self,
        tx: &mut dyn Transaction,
        case: &mut Case,
        actor: &Actor,
        new: NewSuivi,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let author_label = self.author_label(&new.author, case).await?;
        let created_by = new.author.user_id();
        let suivi = Suivi {
            id: SuiviId(self.ports.ids.uuid()),
            signalement_id: case.signalement.id,
            created_at: now,
            created_by,
            partner_id: new.author.partner_id(),
            author_label: author_label.clone(),
            description: new.description,
            category: new.category,
            is_visible_for_usager: new.is_public,
            is_visible_for_bailleur: false,
            // A suivi its author chose not to notify is not held either: there
            // is nothing to release later (rule 20).
            waiting_notification: new.send_mail
                && workflow::suivi::is_held(new.category, created_by),
            deleted_at: None,
            deleted_by: None,
            files: Vec::new(),
        };
        tx.insert_suivi(&suivi).await?;
        case.signalement.last_suivi_at = Some(now);
        case.signalement.last_suivi_by = Some(author_label);
        case.signalement.last_suivi_is_visible_for_usager = Some(suivi.is_visible_for_usager);
        case.suivis.push(suivi.clone());
        // Rule 19.
        let role = actor.as_staff().map(|s| s.role);
        if let Some(user) = created_by
            && subscribes_author(role, suivi.category, case.signalement.status)
        {
            subscribe(tx, case, user).await?;
        }
        self.notify_suivi(tx, case, &suivi, new.send_mail, false, now)
            .await
    }

    /// Rule 20 and §7.4; also called when a held suivi is released.
    pub(crate) async fn notify_suivi(
        &self,
        tx: &mut dyn Transaction,
        case: &Case,
        suivi: &Suivi,
        send_mail: bool,
        released_after_hold: bool,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let notice = on_new_suivi(SuiviFacts {
            category: suivi.category,
            is_public: suivi.is_visible_for_usager,
            send_mail,
            waiting_notification: suivi.waiting_notification,
            case_status: case.signalement.status,
            logement_vacant: case.signalement.is_logement_vacant(),
            written_by_usager: suivi.category.is_submitted_by_usager(),
            released_after_hold,
        });
        if let Some(kind) = notice.agents {
            let mut people = self.ports.users.many(&case.subscribers).await?;
            let mut also = self.ports.users.super_admins().await?;
            if kind == NotificationType::DemandeAbandonProcedure {
                // The territory's RTs decide what becomes of the case.
                also.extend(
                    self.ports
                        .users
                        .territory_admins(&case.signalement.territory)
                        .await?,
                );
            }
            for admin in also {
                if !people.iter().any(|u| u.id == admin.id) {
                    people.push(admin);
                }
            }
            // Authors are never notified of their own suivi.
            people.retain(|u| u.is_active() && Some(u.id) != suivi.created_by);
            for user in &people {
                self.notify_user(
                    tx,
                    user,
                    kind,
                    case,
                    Some(suivi.id),
                    None,
                    notice.agents_email,
                    now,
                )
                .await?;
            }
            if notice.agents_email {
                let closing = kind == NotificationType::ClotureSignalement;
                for a in &case.affectations {
                    let concerned = closing
                        || matches!(
                            a.status,
                            AffectationStatus::Wait | AffectationStatus::Accepted
                        );
                    if concerned && Some(a.partner_id) != suivi.partner_id {
                        self.email_partner(tx, case, a.partner_id, kind, now)
                            .await?;
                    }
                }
            }
        }
        if notice.usager {
            jobs::enqueue_usager_emails(
                tx,
                self.ports.ids.as_ref(),
                now,
                case.signalement.id,
                jobs::UsagerTemplate::for_suivi(suivi.category),
                Some(suivi.id),
            )
            .await?;
        }
        Ok(())
    }

    /// In-app notification, and an e-mail job unless the person reads a
    /// daily digest or turned e-mails off.
    #[allow(clippy::too_many_arguments)]
    async fn notify_user(
        &self,
        tx: &mut dyn Transaction,
        user: &User,
        kind: NotificationType,
        case: &Case,
        suivi: Option<SuiviId>,
        affectation: Option<AffectationId>,
        email: bool,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let notification = Notification {
            id: NotificationId(self.ports.ids.uuid()),
            user_id: user.id,
            notification_type: kind,
            signalement_id: Some(case.signalement.id),
            suivi_id: suivi,
            affectation_id: affectation,
            created_at: now,
            is_seen: false,
            wait_mailing_summary: user.is_mailing_active && user.is_mailing_summary,
        };
        tx.insert_notification(&notification).await?;
        if email && user.is_mailing_active && !user.is_mailing_summary {
            jobs::enqueue(
                tx,
                self.ports.ids.as_ref(),
                now,
                &EmailToUser {
                    notification_id: notification.id,
                    user_id: user.id,
                    signalement_id: case.signalement.id,
                    kind,
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn email_partner(
        &self,
        tx: &mut dyn Transaction,
        case: &Case,
        partner_id: PartnerId,
        kind: NotificationType,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        match self.ports.partners.get(partner_id).await? {
            Some(partner) => self.email_partner_of(tx, case, &partner, kind, now).await,
            None => Ok(()),
        }
    }

    async fn email_partner_of(
        &self,
        tx: &mut dyn Transaction,
        case: &Case,
        partner: &histologe_core::model::Partner,
        kind: NotificationType,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if partner.notifiable_email().is_none() {
            return Ok(());
        }
        jobs::enqueue(
            tx,
            self.ports.ids.as_ref(),
            now,
            &EmailToPartner {
                partner_id: partner.id,
                signalement_id: case.signalement.id,
                kind,
            },
        )
        .await?;
        Ok(())
    }

    /// §3.3: the partner's active agents and its generic mailbox hear of a
    /// new affectation; an interconnected partner gets the case pushed.
    async fn notify_new_affectation(
        &self,
        tx: &mut dyn Transaction,
        case: &Case,
        actor: &Actor,
        affectation_id: AffectationId,
        partner_id: PartnerId,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let kind = NotificationType::NouvelleAffectation;
        let Some(partner) = self.ports.partners.get(partner_id).await? else {
            return Ok(());
        };
        let users = self.ports.users.of_partner(partner_id).await?;
        let acting_member = actor
            .user_id()
            .is_some_and(|me| users.iter().any(|u| u.id == me));
        for user in users
            .iter()
            .filter(|u| u.is_active() && matches!(u.role, Role::Agent | Role::PartnerAdmin))
        {
            self.notify_user(tx, user, kind, case, None, Some(affectation_id), true, now)
                .await?;
        }
        if !acting_member {
            self.email_partner_of(tx, case, &partner, kind, now).await?;
        }
        if partner.esabora_active && partner.partner_type.is_interconnected() {
            jobs::enqueue(
                tx,
                self.ports.ids.as_ref(),
                now,
                &EsaboraPush {
                    affectation_id,
                    signalement_id: case.signalement.id,
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn notify_audience(
        &self,
        tx: &mut dyn Transaction,
        case: &Case,
        actor: &Actor,
        kind: NotificationType,
        audience: Audience,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut people: Vec<User> = match &audience {
            Audience::TerritoryAdmins => {
                let mut p = self.ports.users.super_admins().await?;
                p.extend(
                    self.ports
                        .users
                        .territory_admins(&case.signalement.territory)
                        .await?,
                );
                p
            }
            Audience::Subscribers => self.ports.users.many(&case.subscribers).await?,
            // The partner's own people, as for a new affectation (§3.3).
            Audience::Partner(partner) => self
                .ports
                .users
                .of_partner(*partner)
                .await?
                .into_iter()
                .filter(|u| matches!(u.role, Role::Agent | Role::PartnerAdmin))
                .collect(),
        };
        people.retain(|u| u.is_active() && Some(u.id) != actor.user_id());
        people.dedup_by_key(|u| u.id);
        for user in &people {
            self.notify_user(tx, user, kind, case, None, None, true, now)
                .await?;
        }
        if let Audience::Partner(partner) = audience {
            self.email_partner(tx, case, partner, kind, now).await?;
        }
        Ok(())
    }
}

async fn subscribe(
    tx: &mut dyn Transaction,
    case: &mut Case,
    user: UserId,
) -> Result<(), AppError> {
    if !case.subscribers.contains(&user) {
        tx.subscribe(user, case.signalement.id).await?;
        case.subscribers.push(user);
    }
    Ok(())
}
