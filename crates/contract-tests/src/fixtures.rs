//! Values to store: full, realistic literals (a tenant in Marseille, the
//! SCHS of the city, the ARS…) that the contracts start from and compare
//! with what they read back.
//!
//! Every timestamp is a whole second relative to [`NOW`], so that no
//! contract depends on the wall clock nor on sub-second precision. Ids are
//! fresh v4 UUIDs, so that concurrent tasks never collide; secrets derived
//! from them (tracking code, landlord code) are unique too.
//!
//! Builders take the rows they point to (`&Partner`, `&User`, `&Case`)
//! rather than bare ids, so that every reference a fixture holds names a
//! row the contract has stored first (adapters may declare foreign keys).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use histologe_core::enums::{
    AffectationStatus, CreationSource, DebutDesordres, DocumentType, HistoryEvent,
    InterventionStatus, InterventionType, NotificationType, PartnerType, ProfileDeclarant,
    ProfileOccupant, ProprioType, Qualification, QualificationStatus, Role, SignalementStatus,
    SuiviCategory, UserStatus,
};
use histologe_core::ids::{
    AffectationId, AutoAffectationRuleId, FileId, HistoryEntryId, InterventionId, JobId,
    NotificationId, PartnerId, SignalementId, SuiviId, UserId,
};
use histologe_core::model::{
    Adresse, Affectation, Allocataire, AutoAffectationRule, Case, Declarant, FileMeta, GeoPoint,
    HistoryEntry, Interconnection, Intervention, Logement, Membership, Notification, Occupant,
    Partner, Proprio, RuleAllocataire, RuleParc, RuleProfile, RuleStatus, Secret, Signalement,
    Suivi, Territory, User, Zone,
};
use histologe_core::nde::{ClasseEnergetique, DateDernierDpe, NdeDetails};
use histologe_core::qualification::SignalementQualification;
use histologe_core::reference::landlord_code;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{JobKind, NewJob};
use uuid::Uuid;

/// The moment every fixture is dated from: Wednesday 2025-03-12 09:30:00
/// UTC, far from a new year in every French time zone (reference numbers
/// count per year).
pub const NOW: DateTime<Utc> = DateTime::<Utc>::from_timestamp_nanos(1_741_771_800 * 1_000_000_000);

/// `NOW` moved by `minutes` (negative: earlier).
pub fn minutes(minutes: i64) -> DateTime<Utc> {
    NOW + TimeDelta::minutes(minutes)
}

/// `NOW` moved by `days` (negative: earlier).
pub fn days(days: i64) -> DateTime<Utc> {
    NOW + TimeDelta::days(days)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date")
}

/// A fresh random id.
pub fn uuid() -> Uuid {
    Uuid::new_v4()
}

/// A territory code known to be valid (`"13"`, `"06"`, `"2A"`, `"69A"`…).
pub fn code(code: &str) -> TerritoryCode {
    TerritoryCode::parse(code).expect("a valid territory code")
}

/// An active territory open to every commune.
pub fn territory(territory_code: &str, name: &str) -> Territory {
    Territory {
        code: code(territory_code),
        name: name.to_string(),
        is_active: true,
        authorized_insee: Vec::new(),
        timezone: "Europe/Paris".to_string(),
    }
}

pub fn bouches_du_rhone() -> Territory {
    territory("13", "Bouches-du-Rhône")
}

pub fn alpes_maritimes() -> Territory {
    territory("06", "Alpes-Maritimes")
}

/// A live partner of `territory` covering all of it, with a generic
/// mailbox when `email` is given.
pub fn partner(
    territory: &Territory,
    nom: &str,
    partner_type: PartnerType,
    email: Option<&str>,
) -> Partner {
    Partner {
        id: PartnerId(uuid()),
        nom: nom.to_string(),
        partner_type,
        territory: territory.code.clone(),
        is_archive: false,
        email: email.map(str::to_string),
        email_notifiable: email.is_some(),
        competences: Vec::new(),
        insee: Vec::new(),
        zones: Vec::new(),
        excluded_zones: Vec::new(),
        epci_insee: Vec::new(),
        bailleur_id: None,
        esabora_active: false,
        interconnection: Default::default(),
    }
}

/// The hygiene service of Marseille, with every field of a partner filled
/// in: competences, a perimeter of INSEE codes, a zone and an excluded
/// zone, an EPCI, an Esabora connection.
pub fn schs_marseille(territory: &Territory) -> Partner {
    let square = |name: &str, lat: f64, lng: f64| Zone {
        name: name.to_string(),
        polygon: vec![
            GeoPoint { lat, lng },
            GeoPoint {
                lat,
                lng: lng + 0.02,
            },
            GeoPoint {
                lat: lat + 0.02,
                lng: lng + 0.02,
            },
            GeoPoint {
                lat: lat + 0.02,
                lng,
            },
        ],
    };
    Partner {
        competences: vec![
            Qualification::Insalubrite,
            Qualification::Rsd,
            Qualification::Visites,
        ],
        insee: vec!["13201".into(), "13202".into(), "13203".into()],
        zones: vec![square("OPAH Noailles", 43.2950, 5.3780)],
        excluded_zones: vec![square("ZAC Euroméditerranée", 43.3100, 5.3650)],
        epci_insee: vec!["13055".into()],
        esabora_active: true,
        interconnection: Interconnection {
            esabora_url: Some("https://sish.example.test/ws/rest".into()),
            esabora_token: Some(Secret::new("jeton-esabora-schs-13")),
            idoss_active: true,
            idoss_url: Some("https://idoss.example.test/api".into()),
        },
        ..partner(
            territory,
            "Service Communal d'Hygiène et de Santé de Marseille",
            PartnerType::CommuneSchs,
            Some("schs@marseille.fr"),
        )
    }
}

/// A user with `role`, member of each of `partners` (at most one per
/// territory), active, created at `NOW`.
pub fn user(email: &str, role: Role, partners: &[&Partner]) -> User {
    User {
        id: UserId(uuid()),
        email: email.to_string(),
        prenom: "Camille".to_string(),
        nom: "Rousseau".to_string(),
        role,
        status: UserStatus::Active,
        has_permission_affectation: role == Role::TerritoryAdmin,
        memberships: partners.iter().map(|p| membership(p)).collect(),
        is_mailing_active: true,
        is_mailing_summary: false,
        last_login_at: Some(days(-2)),
        created_at: days(-30),
    }
}

/// The membership a user has in `partner`, with what the policy copies of
/// it.
pub fn membership(partner: &Partner) -> Membership {
    Membership {
        partner_id: partner.id,
        territory: partner.territory.clone(),
        partner_type: partner.partner_type,
        competences: partner.competences.clone(),
    }
}

/// The street address of a case in `territory` (Marseille, Nice, or a
/// generic one elsewhere).
fn adresse(territory: &TerritoryCode) -> Adresse {
    let (adresse, code_postal, ville, insee, lat, lng, ban_id) = match territory.as_str() {
        "13" => (
            "12 rue de la République",
            "13001",
            "Marseille",
            "13201",
            43.2984,
            5.3698,
            "13201_7810_00012",
        ),
        "06" => (
            "5 avenue Jean Médecin",
            "06000",
            "Nice",
            "06088",
            43.7006,
            7.2683,
            "06088_2750_00005",
        ),
        _ => (
            "3 place de la Mairie",
            "01000",
            "Bourg-en-Bresse",
            "01053",
            46.2052,
            5.2255,
            "01053_0420_00003",
        ),
    };
    Adresse {
        adresse: adresse.to_string(),
        code_postal: code_postal.to_string(),
        ville: ville.to_string(),
        insee: Some(insee.to_string()),
        etage: Some("3".to_string()),
        escalier: Some("B".to_string()),
        num_appart: Some("32".to_string()),
        complement: Some("Résidence Les Tilleuls".to_string()),
        geoloc: Some(GeoPoint { lat, lng }),
        ban_id: Some(ban_id.to_string()),
        rnb_id: Some("FQYN6F6WPEJ8".to_string()),
        a_verifier: false,
    }
}

/// A signalement filed by a tenant through the public form, waiting for
/// validation, with every block of the form filled in.
pub fn signalement(
    territory: &TerritoryCode,
    reference: &str,
    created_at: DateTime<Utc>,
) -> Signalement {
    let id = SignalementId(uuid());
    Signalement {
        id,
        reference: reference.to_string(),
        reference_injonction: None,
        code_suivi: id.0.simple().to_string(),
        login_bailleur: landlord_code(*id.0.as_bytes()),
        status: SignalementStatus::NeedValidation,
        territory: territory.clone(),
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
        declarant: Declarant {
            profile: Some(ProfileDeclarant::Locataire),
            nom: Some("MARTIN".to_string()),
            prenom: Some("Sophie".to_string()),
            telephone: Some("0612345678".to_string()),
            email: Some("sophie.martin@example.fr".to_string()),
            structure: None,
            lien_occupant: None,
        },
        occupant: Occupant {
            profile: Some(ProfileOccupant::Locataire),
            civilite: Some("Mme".to_string()),
            nom: Some("MARTIN".to_string()),
            prenom: Some("Sophie".to_string()),
            telephone: Some("0612345678".to_string()),
            email: Some("sophie.martin@example.fr".to_string()),
            date_naissance: Some(date(1987, 5, 14)),
            nb_occupants: Some(3),
            has_enfants: true,
            allocataire: Some(Allocataire::Caf),
            num_allocataire: Some("1234567".to_string()),
        },
        proprio: Proprio {
            proprio_type: Some(ProprioType::Particulier),
            nom: Some("BERNARD".to_string()),
            prenom: Some("Jean-Pierre".to_string()),
            denomination: None,
            adresse: Some("8 boulevard Longchamp".to_string()),
            code_postal: Some("13001".to_string()),
            ville: Some("Marseille".to_string()),
            telephone: Some("0491000000".to_string()),
            email: Some("jp.bernard@example.fr".to_string()),
            is_averti: Some(true),
            averti_at: Some(date(2025, 2, 3)),
            bailleur_id: None,
        },
        adresse: adresse(territory),
        logement: Logement {
            nature: Some("appartement".to_string()),
            superficie: Some(48.5),
            nb_pieces: Some(3),
            nb_niveaux: Some(1),
            loyer: Some(720.0),
            is_bail_en_cours: Some(true),
            date_entree: Some(date(2019, 9, 1)),
            annee_construction: Some(1962),
            is_logement_social: Some(false),
            is_logement_vacant: false,
            assurance_contactee: Some(true),
            dpe: Some(true),
            dpe_date: Some(DateDernierDpe::Post2023),
            dpe_consommation: Some(310.0),
            dpe_classe: Some(ClasseEnergetique::E),
            dpe_ademe: Some(histologe_core::model::DpeAdeme {
                numero: "2313E0312802V".to_string(),
                classe: Some(ClasseEnergetique::E),
                consommation_kwh_m2: Some(301.2),
                date: Some(date(2023, 5, 12)),
            }),
        },
        desordre_precisions: vec![
            "desordres_batiment_securite_toit".to_string(),
            "desordres_logement_eau_eau_potable".to_string(),
        ],
        debut_desordres: Some(DebutDesordres::Months6To12),
        details: "Moisissures dans la chambre des enfants malgré l'aération ; \
                  le propriétaire ne répond plus à nos courriers."
            .to_string(),
        score: 42.5,
        score_batiment: 12.5,
        score_logement: 57.25,
        is_cgu_accepted: true,
        // Tags are rows of their own that no port writes: none here.
        tags: Vec::new(),
        last_suivi_at: None,
        last_suivi_by: None,
        last_suivi_is_visible_for_usager: None,
    }
}

/// A new case of `territory` with nothing but its signalement.
pub fn case(territory: &TerritoryCode, reference: &str, created_at: DateTime<Utc>) -> Case {
    Case::new(signalement(territory, reference, created_at))
}

/// An affectation of `case` to `partner`, made when the case was created.
pub fn affectation(case: &Case, partner: &Partner, status: AffectationStatus) -> Affectation {
    Affectation {
        id: AffectationId(uuid()),
        signalement_id: case.signalement.id,
        partner_id: partner.id,
        partner_type: partner.partner_type,
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

/// A visit of `case` by `partner`, planned at `scheduled_at`.
pub fn intervention(case: &Case, partner: &Partner, scheduled_at: DateTime<Utc>) -> Intervention {
    Intervention {
        id: InterventionId(uuid()),
        signalement_id: case.signalement.id,
        partner_id: Some(partner.id),
        intervention_type: InterventionType::Visite,
        status: InterventionStatus::Planned,
        scheduled_at,
        created_at: case.signalement.created_at,
        created_by: None,
        comment_before_visite: Some("Prévenir la gardienne, code porte 4512.".to_string()),
        details: None,
        concluded_procedures: Vec::new(),
        occupant_present: None,
        proprietaire_present: None,
        notify_usager: true,
        external_operator: None,
        reminder_before_sent_at: None,
        reminder_conclusion_sent_at: None,
    }
}

/// A qualification of a case, suspected from the form.
pub fn qualification(
    qualification: Qualification,
    status: QualificationStatus,
) -> SignalementQualification {
    SignalementQualification {
        qualification,
        status,
        precision_slugs: vec!["desordres_logement_eau_eau_potable".to_string()],
        nde_details: None,
        is_post_visit: false,
    }
}

/// The NON_DECENCE_ENERGETIQUE qualification with its details.
pub fn nde_qualification() -> SignalementQualification {
    SignalementQualification {
        qualification: Qualification::NonDecenceEnergetique,
        status: QualificationStatus::NdeCheck,
        precision_slugs: Vec::new(),
        nde_details: Some(NdeDetails {
            consommation_energie: Some(310.0),
            dpe: Some(true),
            date_dernier_dpe: Some(DateDernierDpe::Post2023),
            classe_energetique: Some(ClasseEnergetique::E),
        }),
        is_post_visit: false,
    }
}

/// An automatic suivi of `case`, written at `created_at`.
pub fn suivi(case: &Case, created_at: DateTime<Utc>) -> Suivi {
    Suivi {
        id: SuiviId(uuid()),
        signalement_id: case.signalement.id,
        created_at,
        created_by: None,
        partner_id: None,
        author_label: "Suivi automatique".to_string(),
        description: "Le signalement a été validé.".to_string(),
        category: SuiviCategory::SignalementIsActive,
        is_visible_for_usager: true,
        is_visible_for_bailleur: false,
        waiting_notification: false,
        deleted_at: None,
        deleted_by: None,
        files: Vec::new(),
    }
}

/// A message of `agent`, from his first partner, on `case`.
pub fn message(case: &Case, agent: &User, created_at: DateTime<Utc>) -> Suivi {
    Suivi {
        created_by: Some(agent.id),
        partner_id: agent.memberships.first().map(|m| m.partner_id),
        author_label: format!("{} {}", agent.prenom, agent.nom.to_uppercase()),
        description: "Visite programmée le 20 mars, merci de prévenir le propriétaire.".to_string(),
        category: SuiviCategory::MessagePartner,
        is_visible_for_usager: true,
        ..suivi(case, created_at)
    }
}

/// A notification of a new signalement for `user`.
pub fn notification(case: &Case, user: &User, created_at: DateTime<Utc>) -> Notification {
    Notification {
        id: NotificationId(uuid()),
        user_id: user.id,
        notification_type: NotificationType::NouveauSignalement,
        signalement_id: Some(case.signalement.id),
        suivi_id: None,
        affectation_id: None,
        created_at,
        is_seen: false,
        wait_mailing_summary: false,
    }
}

/// The audit line of a status change of `case`.
pub fn history_entry(case: &Case, user: Option<&User>, created_at: DateTime<Utc>) -> HistoryEntry {
    HistoryEntry {
        id: HistoryEntryId(uuid()),
        event: HistoryEvent::Update,
        entity_name: "Signalement".to_string(),
        entity_id: case.signalement.id.as_uuid(),
        changes: serde_json::json!({ "statut": ["NEED_VALIDATION", "ACTIVE"] }),
        signalement_id: Some(case.signalement.id),
        user_id: user.map(|u| u.id),
        created_at,
    }
}

/// A job sending an e-mail about a case, due at `run_at`.
pub fn new_job(run_at: DateTime<Utc>, idempotency_key: Option<&str>) -> NewJob {
    let id = JobId(uuid());
    NewJob {
        id,
        kind: JobKind::new("send_email"),
        payload: serde_json::json!({
            "template": "nouveau_signalement",
            "signalement_id": Uuid::nil(),
            "job": id,
        }),
        run_at,
        idempotency_key: idempotency_key.map(str::to_string),
    }
}

/// A photo of a désordre uploaded by `uploaded_by` on `case`.
pub fn file_meta(case: &Case, uploaded_by: &User, created_at: DateTime<Utc>) -> FileMeta {
    let id = FileId(uuid());
    FileMeta {
        id,
        signalement_id: case.signalement.id,
        intervention_id: None,
        storage_key: format!("signalements/{}/{id}.jpg", case.signalement.id),
        title: "Moisissures chambre.jpg".to_string(),
        extension: "jpg".to_string(),
        mime_type: "image/jpeg".to_string(),
        size: 482_133,
        document_type: DocumentType::PhotoSituation,
        desordre_slug: Some("desordres_logement_eau_eau_potable".to_string()),
        uploaded_by: Some(uploaded_by.id),
        partner_id: uploaded_by.memberships.first().map(|m| m.partner_id),
        is_visible_for_usager: true,
        created_at,
    }
}

/// An active rule of `territory` affecting new cases of the private parc
/// to partners of `partner_type`.
pub fn rule(territory: &Territory, partner_type: PartnerType) -> AutoAffectationRule {
    AutoAffectationRule {
        id: AutoAffectationRuleId(uuid()),
        territory: territory.code.clone(),
        status: RuleStatus::Active,
        partner_type,
        profile_declarant: RuleProfile::All,
        insee_to_include: Vec::new(),
        insee_to_exclude: Vec::new(),
        partner_to_exclude: Vec::new(),
        parc: RuleParc::Prive,
        allocataire: RuleAllocataire::All,
        procedures_suspectees: Vec::new(),
    }
}
