//! "Suivre le dossier" / "Ne plus suivre" (features.md §2.6): an agent
//! follows a case to get its notifications. The partner that accepted the
//! case keeps at least one of its people on it (domain.md §4.3): its last
//! follower cannot leave until a colleague follows it.

use histologe_core::ids::SignalementId;
use histologe_core::model::Case;
use histologe_core::{Action, Actor, Resource, can};

use crate::app::{App, check_view};
use crate::error::AppError;

/// What the page offers about following the case.
#[derive(Debug, Clone, PartialEq)]
pub struct Following {
    pub follows: bool,
    pub may_follow: bool,
    pub may_unfollow: bool,
    /// Why he may not leave, when he follows and may not.
    pub unfollow_refused: Option<String>,
}

impl App {
    /// Whether another active member of the actor's partner in the case's
    /// territory follows the case.
    async fn colleague_follows(&self, actor: &Actor, case: &Case) -> Result<bool, AppError> {
        let Some(staff) = actor.as_staff() else {
            return Ok(false);
        };
        let Some(membership) = staff.membership_in(&case.signalement.territory) else {
            return Ok(false);
        };
        let colleagues = self.ports.users.of_partner(membership.partner_id).await?;
        Ok(colleagues
            .iter()
            .any(|u| u.id != staff.id && u.is_active() && case.subscribers.contains(&u.id)))
    }

    async fn unfollow_action(&self, actor: &Actor, case: &Case) -> Result<Action, AppError> {
        Ok(Action::Unsubscribe {
            colleague_follows: self.colleague_follows(actor, case).await?,
        })
    }

    /// What `actor` may do about following `case` (a case he was shown
    /// whole: staff see its subscribers).
    pub async fn following(&self, actor: &Actor, case: &Case) -> Result<Following, AppError> {
        let Some(user) = actor.user_id() else {
            return Ok(Following {
                follows: false,
                may_follow: false,
                may_unfollow: false,
                unfollow_refused: None,
            });
        };
        let follows = case.subscribers.contains(&user);
        let resource = Resource::Signalement(case);
        // Whether he may leave asks who else follows: only for a follower.
        let leave = if follows {
            can(actor, self.unfollow_action(actor, case).await?, resource)
        } else {
            Ok(())
        };
        Ok(Following {
            follows,
            may_follow: !follows && can(actor, Action::Subscribe, resource).is_ok(),
            may_unfollow: follows && leave.is_ok(),
            unfollow_refused: leave.err().filter(|_| follows).map(|r| r.to_string()),
        })
    }

    pub async fn follow_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<(), AppError> {
        self.change_following(actor, id, true).await
    }

    pub async fn unfollow_signalement(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<(), AppError> {
        self.change_following(actor, id, false).await
    }

    async fn change_following(
        &self,
        actor: &Actor,
        id: SignalementId,
        follow: bool,
    ) -> Result<(), AppError> {
        let user = actor
            .user_id()
            .ok_or(histologe_core::policy::Refusal::InsufficientRole)?;
        let mut tx = self.ports.uow.begin().await?;
        // Locked: two colleagues leaving at once cannot both be "the other".
        let case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        check_view(actor, &case)?;
        if follow {
            can(actor, Action::Subscribe, Resource::Signalement(&case))?;
            tx.subscribe(user, id).await?;
        } else {
            let action = self.unfollow_action(actor, &case).await?;
            can(actor, action, Resource::Signalement(&case))?;
            tx.unsubscribe(user, id).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
