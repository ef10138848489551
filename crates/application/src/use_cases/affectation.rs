//! Affecting partners and their answers.

use histologe_core::Actor;
use histologe_core::ids::{AffectationId, PartnerId, SignalementId, UserId};
use histologe_core::model::{Case, Partner};
use histologe_core::workflow::affectation::{self, ClosingForm};

use crate::app::App;
use crate::error::AppError;

impl App {
    async fn partner(&self, id: PartnerId) -> Result<Partner, AppError> {
        self.ports
            .partners
            .get(id)
            .await?
            .ok_or(AppError::NotFound("Partenaire"))
    }

    /// The partners the territory's active auto-affectation rules would
    /// give the case, offered first (and ticked) in the affect form. Empty
    /// for an actor who may not affect partners, or when no rule applies.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn suggested_partners(
        &self,
        actor: &Actor,
        id: SignalementId,
    ) -> Result<Vec<PartnerId>, AppError> {
        let case = self.view_case(actor, id).await?;
        Ok(self.case_partners(actor, &case).await?.suggested)
    }

    /// The partner of an affectation, for an actor who may see the case
    /// (nothing is revealed to anyone else).
    async fn partner_of(
        &self,
        actor: &Actor,
        signalement: SignalementId,
        affectation: AffectationId,
    ) -> Result<Partner, AppError> {
        let case = self
            .ports
            .signalements
            .case(signalement)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        crate::app::check_view(actor, &case)?;
        let partner_id = case
            .affectation(affectation)
            .map(|a| a.partner_id)
            .ok_or(AppError::NotFound("Affectation"))?;
        self.partner(partner_id).await
    }

    /// Affects each partner (already affected ones are left as they are).
    pub async fn affect_partners(
        &self,
        actor: &Actor,
        id: SignalementId,
        partners: &[PartnerId],
    ) -> Result<Case, AppError> {
        if partners.is_empty() {
            return Err(histologe_core::DomainError::invalid(
                "partenaires",
                "Choisissez au moins un partenaire à affecter.",
            )
            .into());
        }
        let mut chosen = Vec::with_capacity(partners.len());
        for p in partners {
            chosen.push(self.partner(*p).await?);
        }
        let ids = self.ports.ids.clone();
        self.change_case(actor, id, |case, now| {
            let mut events = Vec::new();
            for partner in &chosen {
                events.extend(affectation::affect(
                    case,
                    actor,
                    partner,
                    AffectationId(ids.uuid()),
                    now,
                )?);
            }
            Ok(events)
        })
        .await
    }

    pub async fn unaffect_partner(
        &self,
        actor: &Actor,
        id: SignalementId,
        partner: PartnerId,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, _| {
            affectation::unaffect(case, actor, partner)
        })
        .await
    }

    pub async fn accept_affectation(
        &self,
        actor: &Actor,
        id: SignalementId,
        affectation_id: AffectationId,
        colleagues: Vec<UserId>,
    ) -> Result<Case, AppError> {
        let partner = self.partner_of(actor, id, affectation_id).await?;
        let members: Vec<_> = self
            .ports
            .users
            .of_partner(partner.id)
            .await?
            .into_iter()
            .filter(|u| u.is_active() && u.role != histologe_core::enums::Role::ApiUser)
            .collect();
        let colleagues = if matches!(actor, Actor::Api(_)) {
            // §3.3: an acceptance through the API subscribes the partner's people.
            members.iter().map(|u| u.id).collect()
        } else {
            // Only people of the same partner can be asked to follow the case.
            if let Some(stranger) = colleagues
                .iter()
                .find(|c| !members.iter().any(|m| m.id == **c))
            {
                return Err(histologe_core::DomainError::invalid(
                    "collegues",
                    format!("{stranger} n'est pas un membre actif de {}.", partner.nom),
                )
                .into());
            }
            colleagues
        };
        self.change_case(actor, id, |case, now| {
            affectation::accept(case, actor, affectation_id, colleagues.clone(), now)
        })
        .await
    }

    pub async fn refuse_affectation(
        &self,
        actor: &Actor,
        id: SignalementId,
        affectation_id: AffectationId,
        motif: Option<histologe_core::enums::MotifRefus>,
        message: &str,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            affectation::refuse(case, actor, affectation_id, motif, message, now)
        })
        .await
    }

    pub async fn close_affectation(
        &self,
        actor: &Actor,
        id: SignalementId,
        affectation_id: AffectationId,
        form: ClosingForm,
    ) -> Result<Case, AppError> {
        self.change_case(actor, id, |case, now| {
            affectation::close(case, actor, affectation_id, form.clone(), now)
        })
        .await
    }

    pub async fn reopen_affectation(
        &self,
        actor: &Actor,
        id: SignalementId,
        affectation_id: AffectationId,
        public: bool,
    ) -> Result<Case, AppError> {
        let partner = self.partner_of(actor, id, affectation_id).await?;
        self.change_case(actor, id, |case, now| {
            affectation::reopen(case, actor, affectation_id, &partner.nom, public, now)
        })
        .await
    }

    pub async fn reinit_affectation(
        &self,
        actor: &Actor,
        id: SignalementId,
        affectation_id: AffectationId,
    ) -> Result<Case, AppError> {
        let partner = self.partner_of(actor, id, affectation_id).await?;
        let new_id = AffectationId(self.ports.ids.uuid());
        self.change_case(actor, id, |case, now| {
            affectation::reinit(case, actor, affectation_id, &partner, new_id, now)
        })
        .await
    }
}
