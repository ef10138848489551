//! Values to store: the full literals the tests start from.

use chrono::{DateTime, TimeDelta, Utc};
use histologe_core::enums::{
    AffectationStatus, CreationSource, HistoryEvent, NotificationType, PartnerType,
    SignalementStatus, SuiviCategory,
};
use histologe_core::ids::{
    AffectationId, HistoryEntryId, JobId, NotificationId, PartnerId, SignalementId, SuiviId, UserId,
};
use histologe_core::model::{
    Adresse, Affectation, Case, Declarant, HistoryEntry, Logement, Notification, Occupant, Proprio,
    Signalement, Suivi,
};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{JobKind, NewJob};
use uuid::Uuid;

use crate::FixedClock;

/// The default moment of the fixed clock.
pub(crate) fn now() -> DateTime<Utc> {
    FixedClock::DEFAULT_NOW
}

pub(crate) fn territory(code: &str) -> TerritoryCode {
    TerritoryCode::parse(code).expect("valid territory code")
}

/// A fresh random id, so that concurrent tasks never collide.
pub(crate) fn uuid() -> Uuid {
    Uuid::new_v4()
}

/// A new case of `territory` created at `created_at`, with a reference
/// and a unique tracking code, and nothing else filled in.
pub(crate) fn case(territory_code: &str, reference: &str, created_at: DateTime<Utc>) -> Case {
    let id = SignalementId(uuid());
    Case::new(Signalement {
        id,
        reference: reference.to_string(),
        reference_injonction: None,
        code_suivi: format!("code-{id}"),
        login_bailleur: String::new(),
        status: SignalementStatus::NeedValidation,
        territory: territory(territory_code),
        creation_source: CreationSource::FormUsagerV2,
        is_imported: false,
        created_at,
        created_by: None,
        created_by_partner: None,
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
        declarant: Declarant::default(),
        occupant: Occupant::default(),
        proprio: Proprio::default(),
        adresse: Adresse {
            adresse: "1 rue de la Paix".into(),
            code_postal: "13001".into(),
            ville: "Marseille".into(),
            ..Adresse::default()
        },
        logement: Logement::default(),
        desordre_precisions: Vec::new(),
        debut_desordres: None,
        details: String::new(),
        score: 0.0,
        score_batiment: 0.0,
        score_logement: 0.0,
        is_cgu_accepted: true,
        tags: Vec::new(),
        last_suivi_at: None,
        last_suivi_by: None,
        last_suivi_is_visible_for_usager: None,
    })
}

pub(crate) fn affectation(
    case: &Case,
    partner: PartnerId,
    status: AffectationStatus,
) -> Affectation {
    Affectation {
        id: AffectationId(uuid()),
        signalement_id: case.signalement.id,
        partner_id: partner,
        partner_type: PartnerType::Ars,
        territory: case.signalement.territory.clone(),
        status,
        created_at: case.signalement.created_at,
        affected_by: None,
        answered_by: None,
        answered_at: None,
        motif_refus: None,
        motif_cloture: None,
        travaux: None,
        precisions_cloture: None,
        is_synchronized: false,
    }
}

pub(crate) fn suivi(case: &Case, minutes_after: i64) -> Suivi {
    Suivi {
        id: SuiviId(uuid()),
        signalement_id: case.signalement.id,
        created_at: case.signalement.created_at + TimeDelta::minutes(minutes_after),
        created_by: None,
        partner_id: None,
        author_label: "Suivi automatique".into(),
        description: "Signalement validé".into(),
        category: SuiviCategory::SignalementIsActive,
        is_visible_for_usager: true,
        is_visible_for_bailleur: false,
        waiting_notification: false,
        deleted_at: None,
        deleted_by: None,
        files: Vec::new(),
    }
}

pub(crate) fn history(case: &Case) -> HistoryEntry {
    HistoryEntry {
        id: HistoryEntryId(uuid()),
        event: HistoryEvent::Create,
        entity_name: "Signalement".into(),
        entity_id: case.signalement.id.as_uuid(),
        changes: serde_json::json!({}),
        signalement_id: Some(case.signalement.id),
        user_id: None,
        created_at: case.signalement.created_at,
    }
}

pub(crate) fn notification(case: &Case, user: UserId) -> Notification {
    Notification {
        id: NotificationId(uuid()),
        user_id: user,
        notification_type: NotificationType::NouveauSignalement,
        signalement_id: Some(case.signalement.id),
        suivi_id: None,
        affectation_id: None,
        created_at: case.signalement.created_at,
        is_seen: false,
        wait_mailing_summary: false,
    }
}

pub(crate) fn job(key: Option<&str>, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        id: JobId(uuid()),
        kind: JobKind::new("send_email"),
        payload: serde_json::json!({}),
        run_at,
        idempotency_key: key.map(str::to_string),
    }
}
