//! The usager's identity check on the tracking page (rule 23).

use std::time::Duration;

use histologe_core::Actor;
use histologe_core::actor::UsagerSession;
use histologe_core::enums::SignalementStatus;
use histologe_core::usager_access::{ExpectedIdentity, IdentityClaim, PersonNames, check_identity};

use crate::app::App;
use crate::error::AppError;

/// Attempts allowed per tracking code and per window before the check
/// answers "too many attempts" whatever is typed.
pub const MAX_ATTEMPTS: u64 = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// What the visitor types on the tracking page.
#[derive(Debug, Clone)]
pub struct IdentityCheck {
    pub code_suivi: String,
    pub claim: IdentityClaim,
}

impl App {
    /// Opens an usager session for one case when the code, the initials and
    /// the postal code match. A wrong code and wrong initials get the same
    /// answer, so the page reveals nothing.
    ///
    /// Only failures count towards the limit: an usager who opens his
    /// dossier from his phone and then his computer is not locked out.
    pub async fn usager_login(&self, check: IdentityCheck) -> Result<Actor, AppError> {
        let unavailable = |e: histologe_ports::SharedStateError| {
            AppError::Repo(histologe_ports::RepoError::Unavailable(e.to_string()))
        };
        let key = format!("usager-login:{}", check.code_suivi);
        if self.ports.shared.count(&key).await.map_err(unavailable)? >= MAX_ATTEMPTS {
            return Err(AppError::TooManyAttempts);
        }
        let result = self.check_usager_identity(&check).await;
        if matches!(result, Err(AppError::NotFound(_))) {
            self.ports
                .shared
                .hit(&key, WINDOW)
                .await
                .map_err(unavailable)?;
        }
        result
    }

    async fn check_usager_identity(&self, check: &IdentityCheck) -> Result<Actor, AppError> {
        let case = self
            .ports
            .signalements
            .case_by_code_suivi(&check.code_suivi)
            .await?
            .filter(|c| {
                !matches!(
                    c.signalement.status,
                    SignalementStatus::Draft
                        | SignalementStatus::DraftArchived
                        | SignalementStatus::Archived
                )
            })
            .ok_or(AppError::NotFound("Signalement"))?;
        let s = &case.signalement;
        let expected = ExpectedIdentity {
            occupant: PersonNames {
                prenom: s.occupant.prenom.as_deref(),
                nom: s.occupant.nom.as_deref(),
            },
            declarant: PersonNames {
                prenom: s.declarant.prenom.as_deref(),
                nom: s.declarant.nom.as_deref(),
            },
            declarant_is_tiers: s.is_tiers_declarant(),
            cp_occupant: Some(s.adresse.code_postal.as_str()),
        };
        check_identity(&check.claim, &expected).map_err(|_| AppError::NotFound("Signalement"))?;
        Ok(Actor::Usager(UsagerSession {
            signalement_id: s.id,
            side: check.claim.side(),
        }))
    }
}
