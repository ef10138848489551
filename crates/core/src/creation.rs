//! A new signalement (domain.md §3.1, rules 1–4): its defaults, its
//! assessment, its reference, and whether it enters the landlord
//! injunction procedure instead of the usual one.

use chrono::{DateTime, Datelike, Utc};

use crate::assessment::assess;
use crate::desordres::DesordreGrid;
use crate::enums::{
    CreationSource, DebutDesordres, HistoryEvent, ProfileDeclarant, Qualification,
    SignalementStatus, SuiviCategory,
};
use crate::error::DomainError;
use crate::events::{DomainEvent, NewSuivi, SuiviAuthor};
use crate::history;
use crate::ids::{PartnerId, SignalementId, UserId};
use crate::model::{Adresse, Case, Declarant, Logement, Occupant, Proprio, Signalement};
use crate::qualification::active_qualifications;
use crate::reference::{Reference, landlord_code, temporary_reference};
use crate::territory_code::TerritoryCode;
use crate::validation::{Email, check_contact_emails};

/// What the form (public, professional or API) gives, already parsed at
/// the edge. The territory is not a field: it follows from the address.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSignalement {
    pub creation_source: CreationSource,
    pub created_by: Option<UserId>,
    pub created_by_partner: Option<PartnerId>,
    pub declarant: Declarant,
    pub occupant: Occupant,
    pub proprio: Proprio,
    pub adresse: Adresse,
    pub logement: Logement,
    pub desordre_precisions: Vec<String>,
    pub debut_desordres: Option<DebutDesordres>,
    pub details: String,
    pub is_cgu_accepted: bool,
    /// A back-office professional form kept as a draft.
    pub is_draft: bool,
}

/// Values drawn by the `IdGenerator` port: core never draws randomness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secrets {
    pub id: SignalementId,
    pub code_suivi: String,
    pub landlord_random: [u8; 16],
}

fn parse_email(field: &str, value: &Option<String>) -> Result<Option<Email>, DomainError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| Email::parse(v).map_err(|e| DomainError::invalid(field, e.message)))
        .transpose()
}

/// Builds the case: NEED_VALIDATION (or DRAFT), score 0 before assessment,
/// fresh secrets (rule 3); refuses what rule 4 and the grid forbid. The
/// reference is assigned afterwards, inside the transaction that numbers it.
pub fn build(
    territory: TerritoryCode,
    input: NewSignalement,
    secrets: Secrets,
    grid: &DesordreGrid,
    now: DateTime<Utc>,
) -> Result<Case, DomainError> {
    if !input.is_cgu_accepted && !input.is_draft {
        return Err(DomainError::invalid(
            "cgu",
            "Vous devez accepter les conditions d'utilisation pour envoyer le signalement.",
        ));
    }
    let occupant_email = parse_email("occupant.email", &input.occupant.email)?;
    let declarant_email = parse_email("declarant.email", &input.declarant.email)?;
    if !input.is_draft {
        check_contact_emails(occupant_email.as_ref(), declarant_email.as_ref())
            .map_err(|e| DomainError::invalid("email", e.message))?;
    }
    if let Some(unknown) = input
        .desordre_precisions
        .iter()
        .find(|slug| grid.precision(slug).is_none())
    {
        return Err(DomainError::invalid(
            "desordres",
            format!("Le désordre « {unknown} » n'existe pas dans la grille."),
        ));
    }
    let mut occupant = input.occupant;
    // §2.9: the occupant's profile follows from the declarant's when he
    // does not state it.
    if occupant.profile.is_none() {
        occupant.profile = match input.declarant.profile {
            Some(ProfileDeclarant::BailleurOccupant) => {
                Some(crate::enums::ProfileOccupant::BailleurOccupant)
            }
            Some(ProfileDeclarant::Bailleur | ProfileDeclarant::Locataire) => {
                Some(crate::enums::ProfileOccupant::Locataire)
            }
            _ => None,
        };
    }
    let signalement = Signalement {
        id: secrets.id,
        reference: String::new(),
        reference_injonction: None,
        code_suivi: secrets.code_suivi,
        login_bailleur: landlord_code(secrets.landlord_random),
        status: if input.is_draft {
            SignalementStatus::Draft
        } else {
            SignalementStatus::NeedValidation
        },
        territory,
        creation_source: input.creation_source,
        is_imported: input.creation_source == CreationSource::Import,
        created_at: now,
        created_by: input.created_by,
        created_by_partner: input.created_by_partner,
        modified_at: None,
        validated_at: None,
        closed_at: None,
        closed_by: None,
        motif_cloture: None,
        com_cloture: None,
        motif_refus: None,
        motif_cloture_usager: None,
        is_usager_abandon_procedure: false,
        last_poursuite_request_at: None,
        declarant: Declarant {
            email: declarant_email.map(|e| e.to_string()),
            ..input.declarant
        },
        occupant: Occupant {
            email: occupant_email.map(|e| e.to_string()),
            ..occupant
        },
        proprio: input.proprio,
        adresse: input.adresse,
        logement: input.logement,
        desordre_precisions: input.desordre_precisions,
        debut_desordres: input.debut_desordres,
        details: input.details.trim().to_string(),
        score: 0.0,
        score_batiment: 0.0,
        score_logement: 0.0,
        is_cgu_accepted: input.is_cgu_accepted,
        tags: Vec::new(),
        last_suivi_at: None,
        last_suivi_by: None,
        last_suivi_is_visible_for_usager: None,
    };
    let mut case = Case::new(signalement);
    assess(&mut case, grid);
    // §3.1: a report with no désordre at all has nothing to handle.
    if !case.signalement.is_draft_status()
        && case.signalement.desordre_precisions.is_empty()
        && case.signalement.score == 0.0
    {
        return Err(DomainError::invalid(
            "desordres",
            "Indiquez au moins un désordre constaté dans le logement.",
        ));
    }
    Ok(case)
}

impl Signalement {
    fn is_draft_status(&self) -> bool {
        self.status == SignalementStatus::Draft
    }
}

/// §3.5: the landlord injunction ("démarche accélérée") is offered to a
/// tenant of the private stock whose landlord knows and can be reached,
/// when nothing suggests danger or insalubrité, in the departments where
/// the procedure is open.
pub fn is_injonction_eligible(
    case: &Case,
    wants_injonction: bool,
    open_in: &[TerritoryCode],
) -> bool {
    let s = &case.signalement;
    let serious = active_qualifications(&case.qualifications)
        .any(|q| matches!(q, Qualification::Danger | Qualification::Insalubrite));
    wants_injonction
        && !serious
        && s.declarant.profile == Some(ProfileDeclarant::Locataire)
        && s.logement.is_logement_social != Some(true)
        && s.proprio.is_averti == Some(true)
        && (s.proprio.email.is_some() || s.proprio.adresse.is_some())
        && open_in.contains(&s.territory)
}

/// Rule 1: the definitive reference, numbered inside the transaction.
pub fn assign_reference(case: &mut Case, reference: Reference) {
    case.signalement.reference = reference.to_string();
}

/// Rule 2: an injunction case carries a temporary reference and an INJ
/// number until it switches to the usual procedure.
pub fn start_injonction(
    case: &mut Case,
    injonction_number: u32,
    now: DateTime<Utc>,
) -> Vec<DomainEvent> {
    let s = &mut case.signalement;
    // The initial status of a new case, not a transition of an existing one.
    s.status = SignalementStatus::InjonctionBailleur;
    s.reference = temporary_reference(now.year());
    s.reference_injonction = Some(injonction_number);
    vec![DomainEvent::Suivi(NewSuivi {
        category: SuiviCategory::SignalementIsInjonction,
        description:
            "Le signalement suit la démarche accélérée : le bailleur est invité à répondre."
                .to_string(),
        is_public: true,
        author: SuiviAuthor::System,
        send_mail: true,
    })]
}

/// Events of a creation: its history, and the acknowledgement to the
/// usager (not for drafts, which nobody outside has seen).
pub fn created_events(case: &Case) -> Vec<DomainEvent> {
    let mut events = vec![DomainEvent::History(history::whole(
        "Signalement",
        case.signalement.id.as_uuid(),
        HistoryEvent::Create,
        &case.signalement,
    ))];
    if case.signalement.status != SignalementStatus::Draft {
        events.push(DomainEvent::UsagerAcknowledgement);
    }
    events
}
