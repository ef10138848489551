//! Submitting a signalement: public form, back-office professional form,
//! API (§3.1). The case is numbered, stored, auto-affected or announced to
//! the territory's admins, and acknowledged, in one transaction (with the
//! draft it comes from marked sent, for `App::submit_draft`).

use chrono::{DateTime, Datelike, Utc};
use histologe_core::auto_affectation::matching_partners;
use histologe_core::creation::{self, NewSignalement, Secrets};
use histologe_core::enums::{DraftStatus, NotificationType, SignalementStatus};
use histologe_core::events::{Audience, DomainEvent};
use histologe_core::ids::{AffectationId, SignalementId};
use histologe_core::model::{Case, SignalementDraft};
use histologe_core::reference::{next_injonction_number, next_reference};
use histologe_core::territory_code::normalize_insee_for_postcode;
use histologe_core::{Action, Actor, DomainError, Resource, can, workflow};
use histologe_ports::{RepoError, Transaction};

use crate::app::App;
use crate::error::AppError;

impl App {
    /// Files a new signalement. `wants_injonction` is the usager's choice of
    /// the landlord injunction procedure where it is open.
    pub async fn submit_signalement(
        &self,
        actor: &Actor,
        input: NewSignalement,
        wants_injonction: bool,
    ) -> Result<Case, AppError> {
        self.file_signalement(actor, input, wants_injonction, None)
            .await
    }

    /// The one path of every submission. With `draft`, the draft it comes
    /// from is marked sent (with the new signalement's id) in the same
    /// transaction as the case: both are written, or neither.
    pub(crate) async fn file_signalement(
        &self,
        actor: &Actor,
        mut input: NewSignalement,
        wants_injonction: bool,
        draft: Option<&SignalementDraft>,
    ) -> Result<Case, AppError> {
        let insee = input
            .adresse
            .insee
            .as_deref()
            .map(|i| normalize_insee_for_postcode(i, &input.adresse.code_postal))
            .and_then(|i| canonical_insee(&i))
            .ok_or_else(|| {
                DomainError::invalid("adresse", "Choisissez l'adresse du logement dans la liste proposée, ou indiquez sa commune.")
            })?;
        input.adresse.insee = Some(insee.clone());
        let territory = self.open_territory_for(&insee).await?;
        let action = match actor {
            Actor::Staff(_) | Actor::Api(_) => Action::CreateSignalementPro,
            _ => Action::SubmitPublicForm,
        };
        can(actor, action, Resource::Territory(&territory))?;
        provenance_from(actor, &territory, &mut input)?;

        let now = self.now();
        let secrets = Secrets {
            id: SignalementId(self.ports.ids.uuid()),
            code_suivi: self.secret_uuid().to_string(),
            landlord_random: self.ports.ids.random_bytes(),
        };
        let case = creation::build(territory.clone(), input, secrets, self.grid, now)?;
        let injonction = case.signalement.status == SignalementStatus::NeedValidation
            && creation::is_injonction_eligible(
                &case,
                wants_injonction,
                &self.settings.injonction_territories,
            );
        // Read before the transaction: reference data, not locked.
        let rules = self.ports.rules.active(&territory).await?;
        let partners = self.ports.partners.of_territory(&territory).await?;

        // Numbering races on its counter row (a deadlock on MySQL when two
        // first reports of a year arrive together): the losing transaction
        // is run again rather than the report lost.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self
                .store_new_case(
                    actor,
                    case.clone(),
                    injonction,
                    &rules,
                    &partners,
                    draft,
                    now,
                )
                .await
            {
                Err(AppError::Repo(RepoError::Conflict)) if attempt < 5 => continue,
                other => return other.map(|case| case.redacted_for(actor)),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn store_new_case(
        &self,
        actor: &Actor,
        mut case: Case,
        injonction: bool,
        rules: &[histologe_core::model::AutoAffectationRule],
        partners: &[histologe_core::model::Partner],
        draft: Option<&SignalementDraft>,
        now: DateTime<Utc>,
    ) -> Result<Case, AppError> {
        let territory = case.signalement.territory.clone();
        let mut tx = self.ports.uow.begin().await?;
        let mut events = Vec::new();
        if injonction {
            let number = next_injonction_number(tx.max_injonction_number().await?);
            events.extend(creation::start_injonction(&mut case, number, now));
        } else if case.signalement.status != SignalementStatus::Draft {
            let max = tx.max_reference_number(&territory, now.year()).await?;
            creation::assign_reference(&mut case, next_reference(now.year(), max));
        }
        tx.insert_case(&case).await?;
        let mut all = creation::created_events(&case);
        all.append(&mut events);
        self.apply_events(tx.as_mut(), &mut case, actor, all, now)
            .await?;
        let waits_for_point = self.geocodes_after_filing(&case);
        let route_now = case.signalement.status == SignalementStatus::NeedValidation;
        if waits_for_point {
            // The rules need the point: the job routes the case once it
            // is located (or flagged, or the BAN given up on).
            let job = crate::jobs::GeocodeSignalement {
                signalement_id: case.signalement.id,
                route: route_now,
            };
            crate::jobs::enqueue(tx.as_mut(), self.ports.ids.as_ref(), now, &job).await?;
        } else if route_now {
            self.auto_assign_or_notify(tx.as_mut(), &mut case, rules, partners, now)
                .await?;
        }
        tx.save_case(&case).await?;
        if let Some(draft) = draft {
            tx.save_draft(&SignalementDraft {
                status: DraftStatus::Envoye,
                signalement_id: Some(case.signalement.id),
                updated_at: now,
                ..draft.clone()
            })
            .await?;
        }
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(case)
    }

    /// §3.1 "auto-assign-or-notify" (rule 30): matched partners get the
    /// case at once; otherwise the territory's admins are asked to validate.
    pub(crate) async fn auto_assign_or_notify(
        &self,
        tx: &mut dyn Transaction,
        case: &mut Case,
        rules: &[histologe_core::model::AutoAffectationRule],
        partners: &[histologe_core::model::Partner],
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if self
            .auto_assign_if_matched(tx, case, rules, partners, now)
            .await?
        {
            return Ok(());
        }
        let ask_admins = vec![DomainEvent::Notify {
            kind: NotificationType::NouveauSignalement,
            audience: Audience::TerritoryAdmins,
        }];
        self.apply_events(tx, case, &Actor::System, ask_admins, now)
            .await
    }

    /// The rules' half of [`App::auto_assign_or_notify`]: the matched
    /// partners get the case; `false` (and nothing written) when none does,
    /// for a caller whose admins were asked already.
    pub(crate) async fn auto_assign_if_matched(
        &self,
        tx: &mut dyn Transaction,
        case: &mut Case,
        rules: &[histologe_core::model::AutoAffectationRule],
        partners: &[histologe_core::model::Partner],
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let Ok(ids) = matching_partners(rules, case, partners) else {
            return Ok(false);
        };
        let chosen: Vec<_> = partners
            .iter()
            .filter(|p| ids.contains(&p.id))
            .cloned()
            .collect();
        let id_source = self.ports.ids.clone();
        let mut new_id = move || AffectationId(id_source.uuid());
        let events = workflow::signalement::auto_validate(case, &chosen, &mut new_id, now)?;
        self.apply_events(tx, case, &Actor::System, events, now)
            .await?;
        Ok(true)
    }

    /// Runs the auto-affectation rules on an existing case still waiting
    /// for validation (e.g. after its address was geocoded).
    pub async fn auto_affect(&self, id: SignalementId) -> Result<Case, AppError> {
        let case = self
            .ports
            .signalements
            .case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        let territory = case.signalement.territory.clone();
        let rules = self.ports.rules.active(&territory).await?;
        let partners = self.ports.partners.of_territory(&territory).await?;
        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        let mut case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        if case.signalement.status != SignalementStatus::NeedValidation {
            return Ok(case);
        }
        self.auto_assign_or_notify(tx.as_mut(), &mut case, &rules, &partners, now)
            .await?;
        tx.save_case(&case).await?;
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(case)
    }
}

/// Who created a case is the actor's business, never the form's: the
/// public forms cannot claim an author, a partner, a draft or an import.
fn provenance_from(
    actor: &Actor,
    territory: &histologe_core::territory_code::TerritoryCode,
    input: &mut NewSignalement,
) -> Result<(), AppError> {
    use histologe_core::enums::CreationSource;
    match actor {
        // Imports and other platform paths say what they are.
        Actor::System => {}
        Actor::Staff(user) => {
            input.created_by = Some(user.id);
            // "Filed by X of partner Y" (features.md §2.6): his partner in
            // the case's territory; none for a super admin without one.
            input.created_by_partner = user.membership_in(territory).map(|m| m.partner_id);
            input.creation_source = CreationSource::FormProBo;
        }
        Actor::Api(client) => {
            let mine: Vec<_> = client
                .partners
                .iter()
                .filter(|m| &m.territory == territory)
                .map(|m| m.partner_id)
                .collect();
            let partner = match (input.created_by_partner, mine.as_slice()) {
                (Some(p), _) if mine.contains(&p) => p,
                (None, [only]) => *only,
                _ => return Err(histologe_core::policy::Refusal::OutOfScope.into()),
            };
            input.created_by = Some(client.id);
            input.created_by_partner = Some(partner);
            input.creation_source = CreationSource::Api;
            input.is_draft = false;
        }
        Actor::Anonymous | Actor::Usager(_) => {
            input.created_by = None;
            input.created_by_partner = None;
            input.is_draft = false;
            if input.creation_source != CreationSource::FormServiceSecours {
                input.creation_source = CreationSource::FormUsagerV2;
            }
        }
    }
    Ok(())
}

/// The five-character form partners' perimeters and rules are written in
/// ("1053" is "01053", "2a004" is "2A004"), or `None` for what is no INSEE code.
fn canonical_insee(code: &str) -> Option<String> {
    let code = code.trim().to_uppercase();
    let padded = if code.len() < 5 && code.chars().all(|c| c.is_ascii_digit()) {
        format!("{code:0>5}")
    } else {
        code
    };
    histologe_core::validation::CodeInsee::parse(&padded)
        .ok()
        .map(|c| c.as_str().to_string())
}
