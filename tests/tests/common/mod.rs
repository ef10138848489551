//! The world the rule tests run in: the core loop on the memory adapters,
//! with a stopped clock, one open territory (Bouches-du-Rhône) with its
//! partners and people, a second one (Rhône) for scope probes, and a
//! realistic tenant's report from Marseille.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use histologe_adapters_memory::{
    FixedClock, MemoryFileStore, MemoryMailer, MemorySharedState, MemoryStore, SequentialIds,
};
use histologe_application::jobs::Runner;
use histologe_application::{App, Ports, Repositories, Services, Settings};
use histologe_core::actor::{Actor, UsagerSession};
use histologe_core::creation::NewSignalement;
use histologe_core::enums::{
    CreationSource, DebutDesordres, PartnerType, ProfileDeclarant, Qualification, Role, UsagerSide,
    UserStatus,
};
use histologe_core::ids::{AffectationId, PartnerId, SignalementId, UserId};
use histologe_core::model::{
    Adresse, Allocataire, AutoAffectationRule, Case, Declarant, GeoPoint, Logement, Membership,
    Occupant, Partner, Proprio, Territory, User,
};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{
    AutoAffectationRuleRepository, PartnerRepository, TerritoryRepository, UserRepository,
};

pub fn t(code: &str) -> TerritoryCode {
    TerritoryCode::parse(code).expect("valid territory code")
}

/// 2026-03-10 10:00 UTC: a Tuesday, away from year and month boundaries.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 10, 0, 0)
        .single()
        .expect("valid date")
}

pub const MARSEILLE_2E: GeoPoint = GeoPoint {
    lat: 43.302242,
    lng: 5.367851,
};

pub struct People {
    pub super_admin: User,
    pub rt: User,
    pub rt_other_territory: User,
    pub agent_schs: User,
    pub agent_caf: User,
    pub admin_caf: User,
    pub agent_ars_with_affectation_right: User,
    pub agent_other_territory: User,
}

pub struct Partners {
    pub schs: Partner,
    pub ars: Partner,
    pub caf: Partner,
    pub adil: Partner,
    pub archived: Partner,
    pub lyon: Partner,
}

pub struct World {
    pub app: App,
    /// The ports the application runs on.
    pub ports: Ports,
    pub store: Arc<MemoryStore>,
    pub clock: Arc<FixedClock>,
    pub mailer: Arc<MemoryMailer>,
    pub file_store: Arc<MemoryFileStore>,
    pub runner: Runner,
    pub people: People,
    pub partners: Partners,
}

fn partner(nom: &str, partner_type: PartnerType, territory: &str, insee: &[&str]) -> Partner {
    Partner {
        id: PartnerId(uuid::Uuid::new_v4()),
        nom: nom.to_string(),
        partner_type,
        territory: t(territory),
        is_archive: false,
        email: Some(format!(
            "contact@{}.example.fr",
            nom.to_lowercase().replace(' ', "-")
        )),
        email_notifiable: true,
        competences: partner_type.default_competences().to_vec(),
        insee: insee.iter().map(|s| s.to_string()).collect(),
        zones: Vec::new(),
        excluded_zones: Vec::new(),
        epci_insee: Vec::new(),
        bailleur_id: None,
        esabora_active: false,
        interconnection: Default::default(),
    }
}

fn membership(p: &Partner) -> Membership {
    Membership {
        partner_id: p.id,
        territory: p.territory.clone(),
        partner_type: p.partner_type,
        competences: p.competences.clone(),
    }
}

fn user(email: &str, role: Role, partners: &[&Partner]) -> User {
    User {
        id: UserId(uuid::Uuid::new_v4()),
        email: email.to_string(),
        prenom: "Camille".to_string(),
        nom: email.split('@').next().unwrap_or("agent").to_string(),
        role,
        status: UserStatus::Active,
        has_permission_affectation: false,
        memberships: partners.iter().map(|p| membership(p)).collect(),
        is_mailing_active: true,
        is_mailing_summary: false,
        last_login_at: None,
        created_at: start(),
    }
}

impl World {
    pub async fn new() -> World {
        Self::with_settings(Settings::default()).await
    }

    pub async fn with_settings(settings: Settings) -> World {
        let clock = Arc::new(FixedClock::new(start()));
        let store = Arc::new(MemoryStore::new());
        let mailer = Arc::new(MemoryMailer::new());
        let file_store = Arc::new(MemoryFileStore::new());
        let ports = Ports::new(
            Repositories::of(store.clone()),
            Services {
                passwords: Arc::new(histologe_adapters_memory::FakePasswordHasher),
                shared: Arc::new(MemorySharedState::new()),
                clock: clock.clone(),
                ids: Arc::new(SequentialIds::new()),
                file_store: file_store.clone(),
                images: Arc::new(histologe_adapters_images::Images),
                scanner: None,
                mailer: mailer.clone(),
                lookups: Default::default(),
            },
        );
        let app = App::new(ports.clone(), settings);
        let runner = Runner::new(app.clone(), "https://histologe.test");

        for (code, name, active) in [
            ("13", "Bouches-du-Rhône", true),
            ("69", "Rhône", true),
            ("05", "Hautes-Alpes", false),
        ] {
            store
                .upsert(&Territory {
                    code: t(code),
                    name: name.to_string(),
                    is_active: active,
                    authorized_insee: Vec::new(),
                    timezone: "Europe/Paris".to_string(),
                })
                .await
                .expect("territory");
        }
        // The communes of the cases the tests file (the address edit
        // finds the INSEE code there).
        let commune = |cp: &str, insee: &str, nom: &str| histologe_core::model::Commune {
            code_postal: cp.into(),
            code_insee: insee.into(),
            nom: nom.into(),
        };
        histologe_ports::CommuneRepository::replace_all(
            store.as_ref(),
            &[
                commune("13001", "13201", "Marseille 1er Arrondissement"),
                commune("13002", "13202", "Marseille 2e Arrondissement"),
                commune("69002", "69382", "Lyon 2e Arrondissement"),
            ],
        )
        .await
        .expect("communes");
        let partners = Partners {
            schs: partner(
                "SCHS Marseille",
                PartnerType::CommuneSchs,
                "13",
                &["13201", "13202", "13203"],
            ),
            ars: partner("ARS PACA", PartnerType::Ars, "13", &[]),
            caf: partner("CAF 13", PartnerType::CafMsa, "13", &[]),
            adil: partner("ADIL 13", PartnerType::Adil, "13", &[]),
            archived: Partner {
                is_archive: true,
                ..partner("Ancien partenaire", PartnerType::Ccas, "13", &[])
            },
            lyon: partner("SCHS Lyon", PartnerType::CommuneSchs, "69", &[]),
        };
        for p in [
            &partners.schs,
            &partners.ars,
            &partners.caf,
            &partners.adil,
            &partners.archived,
            &partners.lyon,
        ] {
            PartnerRepository::insert(store.as_ref(), p)
                .await
                .expect("partner");
        }
        let people = People {
            super_admin: user("admin@histologe.test", Role::SuperAdmin, &[]),
            rt: user("rt13@ars.test", Role::TerritoryAdmin, &[&partners.ars]),
            rt_other_territory: user("rt69@lyon.test", Role::TerritoryAdmin, &[&partners.lyon]),
            agent_schs: user("agent@schs.test", Role::Agent, &[&partners.schs]),
            agent_caf: user("agent@caf.test", Role::Agent, &[&partners.caf]),
            admin_caf: user("admin@caf.test", Role::PartnerAdmin, &[&partners.caf]),
            agent_ars_with_affectation_right: User {
                has_permission_affectation: true,
                ..user("agent@ars.test", Role::Agent, &[&partners.ars])
            },
            agent_other_territory: user("agent@lyon.test", Role::Agent, &[&partners.lyon]),
        };
        for u in [
            &people.super_admin,
            &people.rt,
            &people.rt_other_territory,
            &people.agent_schs,
            &people.agent_caf,
            &people.admin_caf,
            &people.agent_ars_with_affectation_right,
            &people.agent_other_territory,
        ] {
            UserRepository::insert(store.as_ref(), u)
                .await
                .expect("user");
        }
        World {
            app,
            ports,
            store,
            clock,
            mailer,
            file_store,
            runner,
            people,
            partners,
        }
    }

    pub fn actor(&self, user: &User) -> Actor {
        Actor::from_user(user).expect("active staff user")
    }

    pub fn usager(&self, id: SignalementId) -> Actor {
        Actor::Usager(UsagerSession {
            signalement_id: id,
            side: UsagerSide::Occupant,
        })
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub async fn add_rule(&self, rule: AutoAffectationRule) {
        AutoAffectationRuleRepository::insert(self.store.as_ref(), &rule)
            .await
            .expect("rule");
    }

    /// A report filed on the public form, read back whole (the submitter
    /// himself is only shown what an usager may see).
    pub async fn submit(&self, form: NewSignalement) -> Case {
        self.submit_as(&Actor::Anonymous, form).await
    }

    pub async fn submit_as(&self, actor: &Actor, form: NewSignalement) -> Case {
        let shown = self
            .app
            .submit_signalement(actor, form, false)
            .await
            .expect("signalement submitted");
        self.case(shown.signalement.id).await
    }

    /// Submitted, validated by the RT.
    pub async fn active_case(&self) -> Case {
        let case = self.submit(form()).await;
        self.app
            .validate_signalement(&self.actor(&self.people.rt), case.signalement.id, vec![])
            .await
            .expect("validated")
    }

    /// Active and affected to the SCHS, which accepted.
    pub async fn accepted_case(&self) -> Case {
        let case = self.active_case().await;
        let id = case.signalement.id;
        let rt = self.actor(&self.people.rt);
        let case = self
            .app
            .affect_partners(&rt, id, &[self.partners.schs.id])
            .await
            .expect("affected");
        let affectation = case
            .affectation_of(self.partners.schs.id)
            .expect("affectation")
            .id;
        self.app
            .accept_affectation(
                &self.actor(&self.people.agent_schs),
                id,
                affectation,
                vec![],
            )
            .await
            .expect("accepted")
    }

    /// The RT affects these partners; their affectations, in the same order.
    pub async fn affect_all<const N: usize>(
        &self,
        id: SignalementId,
        partners: [PartnerId; N],
    ) -> [AffectationId; N] {
        let case = self
            .app
            .affect_partners(&self.actor(&self.people.rt), id, &partners)
            .await
            .expect("affected");
        partners.map(|p| case.affectation_of(p).expect("affectation").id)
    }

    /// The RT closes the case for all, then archives it.
    pub async fn close_and_archive(&self, id: SignalementId) {
        let rt = self.actor(&self.people.rt);
        self.app
            .close_signalement(
                &rt,
                id,
                histologe_core::enums::MotifCloture::Autre,
                "Clôture avant archivage.",
                false,
            )
            .await
            .expect("closed");
        self.app
            .archive_signalement(&rt, id)
            .await
            .expect("archived");
    }

    pub async fn case(&self, id: SignalementId) -> Case {
        use histologe_ports::SignalementRepository;
        self.store
            .case(id)
            .await
            .expect("read")
            .expect("case exists")
    }
}

/// The tenant of `locataire.json` (shared/data/form-payloads): Marseille
/// 2e, 3 people with a child, CAF allocataire, cockroaches, bedbugs,
/// dangerous wiring and noise.
pub fn form() -> NewSignalement {
    NewSignalement {
        creation_source: CreationSource::FormUsagerV2,
        created_by: None,
        created_by_partner: None,
        declarant: Declarant {
            profile: Some(ProfileDeclarant::Locataire),
            ..Declarant::default()
        },
        occupant: Occupant {
            civilite: Some("mme".into()),
            nom: Some("Locataire Nom".into()),
            prenom: Some("Locataire Prénom".into()),
            telephone: Some("+33644784515".into()),
            email: Some("locataire-01@signal-logement.fr".into()),
            nb_occupants: Some(3),
            has_enfants: true,
            allocataire: Some(Allocataire::Caf),
            ..Occupant::default()
        },
        proprio: Proprio {
            nom: Some("13 HABITAT".into()),
            prenom: Some("Sandrine".into()),
            email: Some("sandrine@signal-logement.fr".into()),
            adresse: Some("10 rue du 14 juillet 64000 Pau".into()),
            is_averti: Some(true),
            ..Proprio::default()
        },
        adresse: Adresse {
            adresse: "33 Rue des Phocéens".into(),
            code_postal: "13002".into(),
            ville: "Marseille".into(),
            insee: Some("13202".into()),
            etage: Some("5".into()),
            escalier: Some("A".into()),
            num_appart: Some("124".into()),
            geoloc: Some(MARSEILLE_2E),
            ..Adresse::default()
        },
        logement: Logement {
            nature: Some("appartement".into()),
            superficie: Some(45.0),
            nb_pieces: Some(2),
            is_logement_social: Some(false),
            ..Logement::default()
        },
        desordre_precisions: vec![
            "desordres_batiment_bruit_interieur".into(),
            "desordres_logement_nuisibles_cafards_details_date_after_movein".into(),
            "desordres_logement_nuisibles_punaises_details_date_after_movein".into(),
            "desordres_logement_electricite_installation_dangereuse".into(),
        ],
        debut_desordres: Some(DebutDesordres::Months6To12),
        details: "Installation électrique dangereuse et insectes ; un enfant en bas âge vit ici."
            .into(),
        is_cgu_accepted: true,
        is_draft: false,
    }
}

/// Qualifications a case currently suggests.
pub fn active(case: &Case) -> Vec<Qualification> {
    histologe_core::qualification::active_qualifications(&case.qualifications).collect()
}
