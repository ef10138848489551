//! What the back-office reads: the list an agent may see, the counts of
//! his dashboard, and the partners a case may be affected to.

use histologe_core::enums::SignalementStatus;
use histologe_core::ids::SignalementId;
use histologe_core::model::{Partner, Signalement};
use histologe_core::policy::{ListScope, Refusal, list_scope};
use histologe_core::{Action, Actor, Resource, can};
use histologe_ports::{Page, SignalementFilter};

use crate::app::App;
use crate::error::AppError;

/// Rows of one page of the list.
pub const PAGE_SIZE: u32 = 25;

/// The dashboard's counts, each a link to the filtered list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DashboardCounts {
    /// New signalements (an RT's "to validate"; an agent's affectations
    /// to answer).
    pub nouveaux: u64,
    pub en_cours: u64,
    pub fermes: u64,
}

impl App {
    /// One page (from 1) of the signalements `actor` may see, newest first.
    pub async fn list_signalements(
        &self,
        actor: &Actor,
        filter: &SignalementFilter,
        page: u32,
    ) -> Result<Page<Signalement>, AppError> {
        let scope = list_scope(actor);
        if scope == ListScope::Nothing {
            return Err(Refusal::OutOfScope.into());
        }
        let offset = u64::from(page.max(1) - 1) * u64::from(PAGE_SIZE);
        Ok(self
            .ports
            .signalements
            .list(&scope, filter, offset, PAGE_SIZE)
            .await?)
    }

    pub async fn dashboard_counts(&self, actor: &Actor) -> Result<DashboardCounts, AppError> {
        let count = |status| async move {
            let filter = SignalementFilter {
                status: Some(status),
                ..SignalementFilter::default()
            };
            let scope = list_scope(actor);
            if scope == ListScope::Nothing {
                return Err(AppError::from(Refusal::OutOfScope));
            }
            Ok(self
                .ports
                .signalements
                .list(&scope, &filter, 0, 1)
                .await?
                .total)
        };
        Ok(DashboardCounts {
            nouveaux: count(SignalementStatus::NeedValidation).await?,
            en_cours: count(SignalementStatus::Active).await?,
            fermes: count(SignalementStatus::Closed).await?,
        })
    }

    /// The partners of the case's territory that `actor` may affect it to
    /// (none when he may not affect).
    pub async fn affectable_partners(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<Vec<Partner>, AppError> {
        let case = self.view_case(actor, id).await?;
        if can(
            actor,
            Action::ToggleAffectation,
            Resource::Signalement(&case),
        )
        .is_err()
        {
            return Ok(Vec::new());
        }
        let mut partners: Vec<Partner> = self
            .ports
            .partners
            .of_territory(&case.signalement.territory)
            .await?
            .into_iter()
            .filter(|p| !p.is_archive)
            .collect();
        partners.sort_by(|a, b| a.nom.cmp(&b.nom));
        Ok(partners)
    }
}
