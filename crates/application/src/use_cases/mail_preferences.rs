//! How a back-office user hears of his notifications by e-mail: one per
//! event, a daily digest, or none (features.md §2.11). Each chooses his
//! own, whatever his role; nobody chooses for someone else.

use histologe_core::model::{MailingPreference, User};
use histologe_core::policy::Refusal;
use histologe_core::{Action, Actor, Resource, can};

use crate::app::App;
use crate::error::AppError;

impl App {
    async fn own_account(&self, actor: &Actor) -> Result<User, AppError> {
        let Some(staff) = actor.as_staff() else {
            return Err(Refusal::NotAuthenticated.into());
        };
        self.ports
            .users
            .get(staff.id)
            .await?
            .ok_or(AppError::NotFound("Utilisateur"))
    }

    /// The actor's current choice.
    pub async fn mailing_preference(&self, actor: &Actor) -> Result<MailingPreference, AppError> {
        let me = self.own_account(actor).await?;
        can(actor, Action::SetMailingPreference, Resource::User(&me))?;
        Ok(me.mailing_preference())
    }

    /// Records the actor's choice. Notifications already waiting for a
    /// digest still go out in the next one, unless he turned e-mails off
    /// (the digest then clears them, see `jobs::digest`).
    pub async fn set_mailing_preference(
        &self,
        actor: &Actor,
        preference: MailingPreference,
    ) -> Result<(), AppError> {
        let me = self.own_account(actor).await?;
        can(actor, Action::SetMailingPreference, Resource::User(&me))?;
        let (active, summary) = preference.flags();
        self.ports
            .users
            .set_mailing_preference(me.id, active, summary)
            .await?;
        Ok(())
    }
}
