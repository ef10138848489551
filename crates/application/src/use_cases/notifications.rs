//! The in-app notifications of a back-office user (features.md §2.11):
//! his own only, whoever asks.

use histologe_core::Actor;
use histologe_core::ids::{NotificationId, UserId};
use histologe_core::model::{Notification, Signalement};
use histologe_core::policy::Refusal;
use histologe_core::{Action, Resource, can};
use histologe_ports::Page;

use crate::app::App;
use crate::error::AppError;

/// Notifications on one page of `/bo/notifications`.
pub const NOTIFICATIONS_PAGE_SIZE: u32 = 20;

/// A notification and the case it is about, when that case still exists
/// and its reader may open it.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationLine {
    pub notification: Notification,
    pub signalement: Option<Signalement>,
}

fn owner(actor: &Actor) -> Result<UserId, AppError> {
    match actor {
        Actor::Staff(staff) => Ok(staff.id),
        _ => Err(Refusal::NotAuthenticated.into()),
    }
}

impl App {
    /// One page (from 1) of the actor's notifications, newest first.
    pub async fn notifications(
        &self,
        actor: &Actor,
        page: u32,
    ) -> Result<Page<NotificationLine>, AppError> {
        let user = owner(actor)?;
        let offset = u64::from(page.max(1) - 1) * u64::from(NOTIFICATIONS_PAGE_SIZE);
        let found = self
            .ports
            .notifications
            .page_of_user(user, offset, NOTIFICATIONS_PAGE_SIZE)
            .await?;
        let mut items = Vec::with_capacity(found.items.len());
        for notification in found.items {
            let signalement = match notification.signalement_id {
                Some(id) => self
                    .ports
                    .signalements
                    .case(id)
                    .await?
                    .filter(|case| {
                        can(actor, Action::ViewSignalement, Resource::Signalement(case)).is_ok()
                    })
                    .map(|case| case.signalement),
                None => None,
            };
            items.push(NotificationLine {
                notification,
                signalement,
            });
        }
        Ok(Page {
            items,
            total: found.total,
        })
    }

    /// How many of his notifications the actor has not seen (0 for anyone
    /// but staff).
    pub async fn unseen_notifications(&self, actor: &Actor) -> Result<u64, AppError> {
        match owner(actor) {
            Ok(user) => Ok(self.ports.notifications.unseen_count(user).await?),
            Err(_) => Ok(0),
        }
    }

    pub async fn mark_notifications_seen(&self, actor: &Actor) -> Result<(), AppError> {
        Ok(self
            .ports
            .notifications
            .mark_all_seen(owner(actor)?)
            .await?)
    }

    /// Someone else's notification is "not found", like an unknown one.
    pub async fn delete_notification(
        &self,
        actor: &Actor,
        id: NotificationId,
    ) -> Result<(), AppError> {
        if self
            .ports
            .notifications
            .delete_of_user(owner(actor)?, id)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("Notification"))
        }
    }

    pub async fn delete_all_notifications(&self, actor: &Actor) -> Result<u64, AppError> {
        Ok(self
            .ports
            .notifications
            .delete_all_of_user(owner(actor)?)
            .await?)
    }
}
