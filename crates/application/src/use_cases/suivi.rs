//! Suivis: messages of partners, usagers and API clients; the author's
//! edit window; the release of held notifications (rule 21).

use histologe_core::Actor;
use histologe_core::ids::{SignalementId, SuiviId};
use histologe_core::model::Case;
use histologe_core::policy::SUIVI_EDIT_WINDOW;
use histologe_core::workflow::suivi::{self, Deletion};

use crate::app::App;
use crate::error::AppError;

impl App {
    /// A message on the timeline: public (the usager reads it) or internal.
    /// An usager's message is always visible to him.
    pub async fn add_suivi(
        &self,
        actor: &Actor,
        id: SignalementId,
        text: &str,
        public: bool,
        send_mail: bool,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            suivi::add_message(case, actor, text, public, send_mail, now)
        })
        .await
    }

    pub async fn edit_suivi(
        &self,
        actor: &Actor,
        id: SignalementId,
        suivi_id: SuiviId,
        text: &str,
    ) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        let case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        let edited = suivi::edit(&case, actor, suivi_id, text, now)?;
        tx.update_suivi(&edited).await?;
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(())
    }

    pub async fn delete_suivi(
        &self,
        actor: &Actor,
        id: SignalementId,
        suivi_id: SuiviId,
    ) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        let case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        match suivi::delete(&case, actor, suivi_id, now)? {
            Deletion::Hard(id) => tx.delete_suivi(id).await?,
            Deletion::Soft(s) => tx.update_suivi(&s).await?,
        }
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(())
    }

    /// The clock's job every ten minutes: partner messages whose edit
    /// window is over get their notifications now (rule 21). Returns how
    /// many were released.
    pub async fn release_held_suivis(&self) -> Result<usize, AppError> {
        let now = self.now();
        let due = self
            .ports
            .signalements
            .suivis_to_release(now - SUIVI_EDIT_WINDOW)
            .await?;
        let mut released = 0;
        for (signalement_id, suivi_id) in due {
            let mut tx = self.ports.uow.begin().await?;
            let Some(case) = tx.lock_case(signalement_id).await? else {
                continue;
            };
            let Some(mut held) = case.suivis.iter().find(|s| s.id == suivi_id).cloned() else {
                continue;
            };
            if !held.waiting_notification || held.is_deleted() {
                continue;
            }
            held.waiting_notification = false;
            tx.update_suivi(&held).await?;
            self.notify_suivi(tx.as_mut(), &case, &held, true, true, now)
                .await?;
            tx.commit().await?;
            self.counts_cache.forget();
            released += 1;
        }
        Ok(released)
    }
}
