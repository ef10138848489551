//! Locating a signalement after it is filed (integrations.md §11–12), and
//! the agent's edit of its address. The reference does it in one handler
//! after submission: geocode, then run the auto-affectation rules, which
//! need the point. Here the submission enqueues [`GeocodeSignalement`] and
//! leaves the routing to it, so that a slow or absent address service
//! never holds a person on the form's last page.
//!
//! [`GeocodeSignalement`]: crate::jobs::GeocodeSignalement

use histologe_core::enums::SignalementStatus;
use histologe_core::events::DomainEvent;
use histologe_core::geocoding::{self, AddressCandidate, AddressEdit, Building, Uncertainty};
use histologe_core::ids::SignalementId;
use histologe_core::model::{Case, DpeAdeme};
use histologe_core::nde::ClasseEnergetique;
use histologe_core::{Action, Actor, DomainError, Resource, can};
use histologe_ports::LookupError;

use crate::app::App;
use crate::error::AppError;

/// What the BAN made of a case's address.
#[derive(Debug, Clone, PartialEq)]
pub enum Located {
    /// Located (and routed, when it was waiting for it).
    Sure,
    /// Flagged "adresse à vérifier", with the reason.
    Uncertain(Uncertainty),
    /// The address service did not answer: try again later.
    Retry(String),
    /// Nothing to do (no such case, or no address service).
    Skipped,
}

/// Suggestions one client may ask per minute: a person typing an address
/// asks a few dozen; more is a script, and the BAN's own limit (50 per
/// second for the whole platform) must not be spent on it.
pub const SUGGESTIONS_PER_MINUTE: u64 = 120;

/// The BAN's answer to one address, as the job and the correction read it.
enum Answer {
    Sure(AddressCandidate),
    Unsure(Uncertainty),
    Failed(LookupError),
}

impl App {
    /// Whether the forms may propose addresses (an address service is on).
    pub fn suggests_addresses(&self) -> bool {
        self.ports.lookups.addresses.is_some()
    }

    /// Up to five addresses for what a person typed, for the forms'
    /// autocomplete. An address service down answers none: the person
    /// types the address by hand, as without the service.
    ///
    /// # Errors
    /// `TooManyAttempts` past [`SUGGESTIONS_PER_MINUTE`] for `client`.
    pub async fn suggest_addresses(
        &self,
        client: &str,
        query: &str,
    ) -> Result<Vec<AddressCandidate>, AppError> {
        let Some(addresses) = &self.ports.lookups.addresses else {
            return Ok(Vec::new());
        };
        if !self
            .within_minute_limit("address-suggestions", client, SUGGESTIONS_PER_MINUTE)
            .await
        {
            return Err(AppError::TooManyAttempts);
        }
        match addresses.search(query, 5).await {
            Ok(found) => Ok(found),
            Err(e) => {
                tracing::warn!(error = %e, "address suggestions unavailable");
                Ok(Vec::new())
            }
        }
    }

    /// Whether a new case is located by a job before it is routed: when an
    /// address service is configured and the form gave no point.
    pub(crate) fn geocodes_after_filing(&self, case: &Case) -> bool {
        self.ports.lookups.addresses.is_some() && case.signalement.adresse.geoloc.is_none()
    }

    /// Geocodes the case's address and, when `route`, runs the rules that
    /// were waiting for the point (or asks the territory's admins when the
    /// address stays uncertain). With `give_up` (the job's last attempt) a
    /// BAN still down flags the address instead of asking for a retry, so
    /// that the case is routed by hand rather than never. A case an agent
    /// located meanwhile is only routed; one whose address changed while
    /// the BAN was asked is asked again (`Retry`), never overwritten.
    pub async fn geocode_signalement(
        &self,
        id: SignalementId,
        route: bool,
        give_up: bool,
    ) -> Result<Located, AppError> {
        let Some(read) = self.ports.signalements.case(id).await? else {
            return Ok(Located::Skipped);
        };
        let verdict = match &self.ports.lookups.addresses {
            Some(addresses) if !geocoding::is_located(&read) => {
                let query = geocoding::query_for(&read.signalement.adresse);
                Some(
                    match self.ask_ban(addresses.as_ref(), &read, &query).await? {
                        Answer::Sure(best) => Ok(best),
                        Answer::Unsure(why) => Err(why),
                        Answer::Failed(LookupError::Unavailable(e)) if !give_up => {
                            return Ok(Located::Retry(e));
                        }
                        Answer::Failed(LookupError::Unavailable(e)) => {
                            tracing::warn!(signalement = %id, error = %e, "geocoding gave up");
                            Err(Uncertainty::Unavailable)
                        }
                        Answer::Failed(LookupError::BadResponse(e)) => {
                            tracing::warn!(signalement = %id, error = %e, "the BAN's answer is unusable");
                            Err(Uncertainty::BadAnswer)
                        }
                    },
                )
            }
            _ => None,
        };
        let (building, dpe) = match &verdict {
            Some(Ok(best)) => self.around(&best.ban_id).await,
            _ => (None, None),
        };

        let territory = read.signalement.territory.clone();
        let rules = self.ports.rules.active(&territory).await?;
        let partners = self.ports.partners.of_territory(&territory).await?;
        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        let mut case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        if case.signalement.adresse != read.signalement.adresse {
            return Ok(Located::Retry(
                "the address changed while it was geocoded".into(),
            ));
        }
        let before = case.signalement.adresse.clone();
        let mut events = Vec::new();
        match &verdict {
            Some(Ok(best)) => {
                geocoding::locate(&mut case, best, building.as_ref());
                if dpe.is_some() {
                    case.signalement.logement.dpe_ademe = dpe;
                    histologe_core::assessment::assess(&mut case, self.grid);
                }
                let note = geocoding::located_note(best);
                events.push(geocoding::address_history(&before, &case, &[note]));
            }
            Some(Err(why)) => {
                geocoding::flag_uncertain(&mut case);
                let notes = geocoding::uncertain_notes(why);
                let notes = if route { &notes[..] } else { &notes[..1] };
                events.push(geocoding::address_history(&before, &case, notes));
            }
            None => {}
        }
        let events = events.into_iter().map(DomainEvent::History).collect();
        self.apply_events(tx.as_mut(), &mut case, &Actor::System, events, now)
            .await?;
        if route && case.signalement.status == SignalementStatus::NeedValidation {
            // Unlocated, the rules stop on the missing point and the
            // admins are asked: the same call either way.
            self.auto_assign_or_notify(tx.as_mut(), &mut case, &rules, &partners, now)
                .await?;
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(match verdict {
            Some(Ok(_)) => Located::Sure,
            Some(Err(why)) => Located::Uncertain(why),
            None => Located::Skipped,
        })
    }

    /// What the BAN makes of `query` for `case`: its sure answer, unless
    /// it lies in another territory than the case's (the form's commune
    /// and the BAN disagree), or why not, or why it did not answer.
    async fn ask_ban(
        &self,
        addresses: &dyn histologe_ports::AddressLookup,
        case: &Case,
        query: &str,
    ) -> Result<Answer, AppError> {
        let candidates = match addresses.search(query, 1).await {
            Ok(candidates) => candidates,
            Err(e) => return Ok(Answer::Failed(e)),
        };
        let best = match geocoding::best_sure(&candidates) {
            Ok(best) => best,
            Err(why) => return Ok(Answer::Unsure(why)),
        };
        match self.open_territory_for(&best.insee).await {
            Ok(t) if t == case.signalement.territory => Ok(Answer::Sure(best.clone())),
            Ok(_) | Err(AppError::Domain(_)) => Ok(Answer::Unsure(Uncertainty::OtherTerritory {
                insee: best.insee.clone(),
            })),
            Err(e) => Err(e),
        }
    }

    /// The building and the DPE at a sure address, each when configured.
    async fn around(&self, ban_id: &str) -> (Option<Building>, Option<DpeAdeme>) {
        (self.building(ban_id).await, self.dpe(ban_id).await)
    }

    /// The RNB building at the address; a register down or unsure leaves
    /// the BAN's point, which is good enough for the map and the rules.
    async fn building(&self, ban_id: &str) -> Option<Building> {
        let buildings = self.ports.lookups.buildings.as_ref()?;
        match buildings.building_for_ban_id(ban_id).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "RNB lookup failed; the BAN point is kept");
                None
            }
        }
    }

    /// The newest DPE at the address, when the ADEME's data is configured.
    async fn dpe(&self, ban_id: &str) -> Option<DpeAdeme> {
        let energy = self.ports.lookups.energy.as_ref()?;
        match energy.dpe_for_ban_id(ban_id).await {
            Ok(found) => found.into_iter().next().map(|d| DpeAdeme {
                numero: d.numero_dpe,
                classe: ClasseEnergetique::parse(&d.classe),
                consommation_kwh_m2: d.consommation_kwh_m2,
                date: d.date,
            }),
            Err(e) => {
                tracing::warn!(error = %e, "DPE lookup failed; the case keeps the form's answers");
                None
            }
        }
    }

    /// An agent corrects the address (§2.5 "modifier l'adresse"): the new
    /// commune must stay in the case's territory (its INSEE code is always
    /// the communes data's, whatever the browser sent); his pin, when he
    /// placed one, is the point; otherwise the BAN is asked again when
    /// configured. A case waiting for validation that is now located goes
    /// through the rules (its admins were asked already). A history line
    /// says what changed.
    pub async fn edit_address(
        &self,
        actor: &Actor,
        id: SignalementId,
        edit: AddressEdit,
    ) -> Result<Case, AppError> {
        let case = self
            .ports
            .signalements
            .case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        can(actor, Action::EditSignalement, Resource::Signalement(&case))?;
        for (field, value, message) in [
            ("adresse", &edit.adresse, "Indiquez le numéro et la voie."),
            ("code_postal", &edit.code_postal, "Indiquez le code postal."),
            ("ville", &edit.ville, "Indiquez la commune."),
        ] {
            if value.trim().is_empty() {
                return Err(DomainError::invalid(field, message).into());
            }
        }
        let mut edit = edit;
        edit.insee = self
            .insee_of(&edit.code_postal, &edit.ville, &edit.insee)
            .await?;
        let territory = match self.open_territory_for(&edit.insee).await {
            Ok(t) => t,
            Err(AppError::Domain(_)) => {
                return Err(DomainError::invalid(
                    "ville",
                    "Cette commune n'est pas ouverte au signalement : vérifiez le code postal et la commune.",
                )
                .into());
            }
            Err(e) => return Err(e),
        };
        if territory != case.signalement.territory {
            return Err(DomainError::invalid(
                "ville",
                "Cette commune est hors du territoire du signalement : un signalement ne change pas de territoire.",
            )
            .into());
        }

        let geocoder = self.ports.lookups.addresses.clone();
        let sure = match &geocoder {
            Some(addresses) if edit.point.is_none() => {
                match self
                    .ask_ban(addresses.as_ref(), &case, &edit.query())
                    .await?
                {
                    Answer::Sure(best) => Some(best),
                    Answer::Unsure(_) => None,
                    Answer::Failed(e) => {
                        tracing::warn!(signalement = %id, error = %e, "BAN unavailable during an address edit: kept as typed");
                        None
                    }
                }
            }
            _ => None,
        };
        let (building, dpe) = match &sure {
            Some(best) => self.around(&best.ban_id).await,
            None => (None, None),
        };
        let rules = self.ports.rules.active(&territory).await?;
        let partners = self.ports.partners.of_territory(&territory).await?;

        let now = self.now();
        let mut tx = self.ports.uow.begin().await?;
        let mut case = tx
            .lock_case(id)
            .await?
            .ok_or(AppError::NotFound("Signalement"))?;
        let before = case.signalement.adresse.clone();
        let moved = geocoding::moves(&case, &edit);
        if edit.point.is_none() && !moved && geocoder.is_none() {
            // Nothing to do: the same address, nothing to check it with.
            return Ok(case.redacted_for(actor));
        }
        let dpe_before = case.signalement.logement.dpe_ademe.clone();
        geocoding::edit_by_hand(&mut case, &edit);
        let mut notes = Vec::new();
        if let Some(best) = &sure {
            geocoding::locate(&mut case, best, building.as_ref());
            case.signalement.logement.dpe_ademe = dpe;
            notes.push(geocoding::located_note(best));
        } else if geocoder.is_none() && edit.point.is_none() {
            // Offline: nothing could check the new address, so nothing
            // says it is doubtful either; it is off the map until pinned.
            case.signalement.adresse.a_verifier = false;
        }
        if case.signalement.logement.dpe_ademe != dpe_before {
            histologe_core::assessment::assess(&mut case, self.grid);
        }
        let change = geocoding::address_history(&before, &case, &notes);
        self.apply_events(
            tx.as_mut(),
            &mut case,
            actor,
            vec![DomainEvent::History(change)],
            now,
        )
        .await?;
        if case.signalement.status == SignalementStatus::NeedValidation
            && geocoding::is_located(&case)
        {
            self.auto_assign_if_matched(tx.as_mut(), &mut case, &rules, &partners, now)
                .await?;
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        self.counts_cache.forget();
        Ok(case.redacted_for(actor))
    }

    /// The commune's INSEE code from the local communes data: the one the
    /// autocomplete `hint`ed when it is a commune of the postcode, else the
    /// one whose name matches (accents, case and hyphens aside), else the
    /// one commune of the postcode whose name starts with what was typed.
    async fn insee_of(
        &self,
        code_postal: &str,
        ville: &str,
        hint: &str,
    ) -> Result<String, AppError> {
        let communes = self
            .ports
            .communes
            .by_postal_code(code_postal.trim())
            .await?;
        let wanted = fold_name(ville);
        let starting: Vec<_> = communes
            .iter()
            .filter(|c| !wanted.is_empty() && fold_name(&c.nom).starts_with(&wanted))
            .collect();
        let found = communes
            .iter()
            .find(|c| !hint.trim().is_empty() && c.code_insee == hint.trim())
            .or_else(|| communes.iter().find(|c| fold_name(&c.nom) == wanted))
            .or(match starting[..] {
                [only] => Some(only),
                _ => None,
            });
        found.map(|c| c.code_insee.clone()).ok_or_else(|| {
            DomainError::invalid(
                "ville",
                "Ce code postal et cette commune ne vont pas ensemble : vérifiez-les.",
            )
            .into()
        })
    }
}

fn fold_name(name: &str) -> String {
    histologe_core::search::fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
