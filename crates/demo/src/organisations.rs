//! The people and organisations of the demo: three territories, their
//! partners with the default competences of their type and their real
//! perimeters, one account per role, and the auto-affectation rules of the
//! Gironde.
//!
//! There is no use case yet for creating partners, users or rules (the
//! back-office issue brings them), so they are written through the
//! repositories.
//!
//! Accounts are stored **without credentials**: the core `User` has no
//! password yet. The back-office issue adds them (argon2id) and gives the
//! demo accounts the password of `HISTOLOGE_DEMO_PASSWORD`.

use histologe_core::actor::Actor;
use histologe_core::enums::{PartnerType, Role, UserStatus};
use histologe_core::ids::{AutoAffectationRuleId, PartnerId, UserId};
use histologe_core::model::{
    AutoAffectationRule, Membership, Partner, RuleAllocataire, RuleParc, RuleProfile, RuleStatus,
    User,
};
use histologe_core::territory_code::TerritoryCode;

use super::DemoError;
use histologe_ports::Ports;

/// A partner of the demo, before it has an id.
#[derive(Debug, Clone, Copy)]
struct PartnerSpec {
    key: &'static str,
    nom: &'static str,
    partner_type: PartnerType,
    insee: &'static [&'static str],
    bailleur_id: Option<&'static str>,
}

const fn partner(
    key: &'static str,
    nom: &'static str,
    partner_type: PartnerType,
    insee: &'static [&'static str],
) -> PartnerSpec {
    PartnerSpec {
        key,
        nom,
        partner_type,
        insee,
        bailleur_id: None,
    }
}

const fn bailleur(key: &'static str, nom: &'static str, bailleur_id: &'static str) -> PartnerSpec {
    PartnerSpec {
        key,
        nom,
        partner_type: PartnerType::BailleurSocial,
        insee: &[],
        bailleur_id: Some(bailleur_id),
    }
}

const MARSEILLE: &[&str] = &[
    "13201", "13202", "13203", "13204", "13205", "13206", "13207", "13208", "13209", "13210",
    "13211", "13212", "13213", "13214", "13215", "13216",
];
const LYON: &[&str] = &[
    "69381", "69382", "69383", "69384", "69385", "69386", "69387", "69388", "69389",
];

/// A territory of the demo and who administers it.
#[derive(Debug, Clone, Copy)]
struct TerritorySpec {
    code: &'static str,
    /// Suffix of the role accounts' e-mails (`rt13@…`, `agent69a@…`).
    suffix: &'static str,
    /// The partner of the territory's RT.
    rt_partner: &'static str,
    /// The partner of the role accounts "partner admin" and "agent".
    role_partner: &'static str,
    /// Whether the agent of the role partner may affect partners.
    agent_affects: bool,
    partners: &'static [PartnerSpec],
}

const TERRITORIES: &[TerritorySpec] = &[
    TerritorySpec {
        code: "13",
        suffix: "13",
        rt_partner: "ars13",
        role_partner: "schs-marseille",
        agent_affects: false,
        partners: &[
            partner(
                "schs-marseille",
                "SCHS de Marseille",
                PartnerType::CommuneSchs,
                MARSEILLE,
            ),
            partner(
                "schs-aix",
                "SCHS d'Aix-en-Provence",
                PartnerType::CommuneSchs,
                &["13001"],
            ),
            partner(
                "ars13",
                "ARS PACA – Délégation départementale des Bouches-du-Rhône",
                PartnerType::Ars,
                &[],
            ),
            partner(
                "caf13",
                "CAF des Bouches-du-Rhône",
                PartnerType::CafMsa,
                &[],
            ),
            partner(
                "adil13",
                "ADIL des Bouches-du-Rhône",
                PartnerType::Adil,
                &[],
            ),
            partner(
                "ccas-aubagne",
                "CCAS d'Aubagne",
                PartnerType::Ccas,
                &["13005"],
            ),
            bailleur("13-habitat", "13 Habitat", "13-habitat"),
            partner(
                "ddtm13",
                "DDTM des Bouches-du-Rhône",
                PartnerType::DdtM,
                &[],
            ),
            partner(
                "police13",
                "Police nationale – DDSP des Bouches-du-Rhône",
                PartnerType::PoliceGendarmerie,
                &[],
            ),
        ],
    },
    TerritorySpec {
        code: "69A",
        suffix: "69a",
        rt_partner: "metropole-lyon",
        role_partner: "schs-lyon",
        agent_affects: false,
        partners: &[
            partner(
                "schs-lyon",
                "Ville de Lyon – Direction de l'écologie urbaine",
                PartnerType::CommuneSchs,
                LYON,
            ),
            partner(
                "schs-villeurbanne",
                "SCHS de Villeurbanne",
                PartnerType::CommuneSchs,
                &["69266"],
            ),
            partner(
                "ars69",
                "ARS Auvergne-Rhône-Alpes – Délégation du Rhône et de la Métropole de Lyon",
                PartnerType::Ars,
                &[],
            ),
            partner("caf69", "CAF du Rhône", PartnerType::CafMsa, &[]),
            partner(
                "adil69",
                "ADIL du Rhône et de la Métropole de Lyon",
                PartnerType::Adil,
                &[],
            ),
            bailleur("lmh", "Lyon Métropole Habitat", "lyon-metropole-habitat"),
            partner(
                "metropole-lyon",
                "Métropole de Lyon – Direction de l'habitat et du logement",
                PartnerType::Epci,
                &[],
            ),
            partner(
                "maisons-metropole",
                "Métropole de Lyon – Maisons de la Métropole",
                PartnerType::ConseilDepartemental,
                &[],
            ),
        ],
    },
    TerritorySpec {
        code: "33",
        suffix: "33",
        rt_partner: "ars33",
        role_partner: "schs-bordeaux",
        agent_affects: true,
        partners: &[
            partner(
                "schs-bordeaux",
                "SCHS de Bordeaux",
                PartnerType::CommuneSchs,
                &["33063"],
            ),
            partner(
                "ars33",
                "ARS Nouvelle-Aquitaine – Délégation départementale de la Gironde",
                PartnerType::Ars,
                &[],
            ),
            partner("caf33", "CAF de la Gironde", PartnerType::CafMsa, &[]),
            partner("adil33", "ADIL de la Gironde", PartnerType::Adil, &[]),
            partner(
                "ccas-merignac",
                "CCAS de Mérignac",
                PartnerType::Ccas,
                &["33281"],
            ),
            bailleur("gironde-habitat", "Gironde Habitat", "gironde-habitat"),
            partner(
                "soliha33",
                "Soliha Gironde",
                PartnerType::OperateurVisitesEtTravaux,
                &[],
            ),
            partner(
                "cd33",
                "Département de la Gironde – Pôle solidarités",
                PartnerType::ConseilDepartemental,
                &[],
            ),
            partner(
                "gendarmerie33",
                "Groupement de gendarmerie départementale de la Gironde",
                PartnerType::PoliceGendarmerie,
                &[],
            ),
        ],
    },
];

/// The e-mail of the super admin account.
pub const SUPER_ADMIN_EMAIL: &str = "admin@histologe.test";

/// The e-mails of the accounts made for each role: the super admin, then
/// per territory its admin, a partner admin and an agent.
pub fn role_account_emails() -> Vec<String> {
    let mut emails = vec![SUPER_ADMIN_EMAIL.to_string()];
    for spec in TERRITORIES {
        for prefix in ["rt", "partenaire", "agent"] {
            emails.push(format!("{prefix}{}@histologe.test", spec.suffix));
        }
    }
    emails
}

/// A partner of the demo with the agent who answers for it.
#[derive(Debug, Clone)]
pub struct DemoPartner {
    pub partner: Partner,
    pub agent: Actor,
}

/// A territory of the demo, ready for the scenarios.
#[derive(Debug, Clone)]
pub struct Organisation {
    pub code: TerritoryCode,
    pub rt: Actor,
    pub partners: Vec<DemoPartner>,
}

impl Organisation {
    pub fn of_type(&self, partner_type: PartnerType) -> impl Iterator<Item = &DemoPartner> {
        self.partners
            .iter()
            .filter(move |p| p.partner.partner_type == partner_type)
    }

    pub fn by_id(&self, id: PartnerId) -> Option<&DemoPartner> {
        self.partners.iter().find(|p| p.partner.id == id)
    }
}

/// An account of the demo, for the listing printed at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub email: String,
    pub role: Role,
    pub partner: Option<String>,
}

/// Everything the scenarios act with.
#[derive(Debug, Clone)]
pub struct Directory {
    pub super_admin: Actor,
    pub territories: Vec<Organisation>,
    pub accounts: Vec<DemoAccount>,
    pub rules: usize,
}

fn territory_code(code: &str) -> Result<TerritoryCode, DemoError> {
    TerritoryCode::parse(code).map_err(|e| DemoError::Unexpected(format!("{code}: {}", e.message)))
}

fn membership(p: &Partner) -> Membership {
    Membership {
        partner_id: p.id,
        territory: p.territory.clone(),
        partner_type: p.partner_type,
        competences: p.competences.clone(),
    }
}

struct NewUser<'a> {
    email: String,
    prenom: &'a str,
    nom: &'a str,
    role: Role,
    partner: Option<&'a Partner>,
    has_permission_affectation: bool,
}

async fn insert_user(
    stores: &Ports,
    accounts: &mut Vec<DemoAccount>,
    new: NewUser<'_>,
) -> Result<Actor, DemoError> {
    let user = User {
        id: UserId(stores.ids.uuid()),
        email: new.email.clone(),
        prenom: new.prenom.to_string(),
        nom: new.nom.to_string(),
        role: new.role,
        // Active so that the demo can act with them; `load_demo_data`
        // gives them the demo password.
        status: UserStatus::Active,
        has_permission_affectation: new.has_permission_affectation,
        memberships: new.partner.map(membership).into_iter().collect(),
        is_mailing_active: true,
        is_mailing_summary: true,
        last_login_at: None,
        created_at: stores.clock.now(),
    };
    stores.users.insert(&user).await?;
    accounts.push(DemoAccount {
        email: new.email,
        role: new.role,
        partner: new.partner.map(|p| p.nom.clone()),
    });
    Actor::from_user(&user)
        .ok_or_else(|| DemoError::Unexpected(format!("{} cannot act", user.email)))
}

async fn insert_partner(
    stores: &Ports,
    territory: &TerritoryCode,
    spec: &PartnerSpec,
) -> Result<Partner, DemoError> {
    let partner = Partner {
        id: PartnerId(stores.ids.uuid()),
        nom: spec.nom.to_string(),
        partner_type: spec.partner_type,
        territory: territory.clone(),
        is_archive: false,
        email: Some(format!("{}@partenaires.histologe.test", spec.key)),
        email_notifiable: true,
        competences: spec.partner_type.default_competences().to_vec(),
        insee: spec.insee.iter().map(|s| s.to_string()).collect(),
        zones: Vec::new(),
        excluded_zones: Vec::new(),
        epci_insee: Vec::new(),
        bailleur_id: spec.bailleur_id.map(str::to_string),
        esabora_active: false,
        interconnection: Default::default(),
    };
    stores.partners.insert(&partner).await?;
    Ok(partner)
}

/// Makes sure the demo's territories are open for reports.
async fn open_territory(stores: &Ports, code: &TerritoryCode) -> Result<(), DemoError> {
    let Some(mut territory) = stores.territories.get(code).await? else {
        return Err(DemoError::Unexpected(format!(
            "territory {code} is missing: load the reference data first"
        )));
    };
    if !territory.is_active {
        territory.is_active = true;
        stores.territories.upsert(&territory).await?;
    }
    Ok(())
}

/// The three rules of the Gironde (domain.md §6): the municipal hygiene
/// service gets every report in its commune, the CAF the private-stock
/// reports of its allocataires, the social landlord those of its own stock.
fn rules_33(stores: &Ports, territory: &TerritoryCode) -> Vec<AutoAffectationRule> {
    let rule = |partner_type, parc, allocataire| AutoAffectationRule {
        id: AutoAffectationRuleId(stores.ids.uuid()),
        territory: territory.clone(),
        status: RuleStatus::Active,
        partner_type,
        profile_declarant: RuleProfile::All,
        insee_to_include: Vec::new(),
        insee_to_exclude: Vec::new(),
        partner_to_exclude: Vec::new(),
        parc,
        allocataire,
        procedures_suspectees: Vec::new(),
    };
    vec![
        rule(
            PartnerType::CommuneSchs,
            RuleParc::All,
            RuleAllocataire::All,
        ),
        rule(PartnerType::CafMsa, RuleParc::Prive, RuleAllocataire::Oui),
        rule(
            PartnerType::BailleurSocial,
            RuleParc::Public,
            RuleAllocataire::All,
        ),
    ]
}

/// First names and names of the staff accounts, one per partner.
const STAFF: &[(&str, &str)] = &[
    ("Isabelle", "Roche"),
    ("Franck", "Delmas"),
    ("Nathalie", "Costa"),
    ("Patrice", "Aubert"),
    ("Sandrine", "Vidal"),
    ("Didier", "Leroy"),
    ("Hélène", "Marchand"),
    ("Arnaud", "Pons"),
    ("Corinne", "Texier"),
];

pub async fn create(stores: &Ports) -> Result<Directory, DemoError> {
    let mut accounts = Vec::new();
    let super_admin = insert_user(
        stores,
        &mut accounts,
        NewUser {
            email: SUPER_ADMIN_EMAIL.to_string(),
            prenom: "Alice",
            nom: "Administratrice",
            role: Role::SuperAdmin,
            partner: None,
            has_permission_affectation: false,
        },
    )
    .await?;

    let mut territories = Vec::new();
    let mut rules = 0;
    for spec in TERRITORIES {
        let code = territory_code(spec.code)?;
        open_territory(stores, &code).await?;
        let mut partners = Vec::new();
        let mut rt = None;
        for (i, p) in spec.partners.iter().enumerate() {
            let partner = insert_partner(stores, &code, p).await?;
            let (prenom, nom) = STAFF[i % STAFF.len()];
            if p.key == spec.rt_partner {
                rt = Some(
                    insert_user(
                        stores,
                        &mut accounts,
                        NewUser {
                            email: format!("rt{}@histologe.test", spec.suffix),
                            prenom: "Romain",
                            nom: "Territoire",
                            role: Role::TerritoryAdmin,
                            partner: Some(&partner),
                            has_permission_affectation: false,
                        },
                    )
                    .await?,
                );
            }
            let agent_email = if p.key == spec.role_partner {
                insert_user(
                    stores,
                    &mut accounts,
                    NewUser {
                        email: format!("partenaire{}@histologe.test", spec.suffix),
                        prenom: "Paule",
                        nom: "Partenaire",
                        role: Role::PartnerAdmin,
                        partner: Some(&partner),
                        has_permission_affectation: false,
                    },
                )
                .await?;
                format!("agent{}@histologe.test", spec.suffix)
            } else {
                format!("agent.{}@histologe.test", p.key)
            };
            let agent = insert_user(
                stores,
                &mut accounts,
                NewUser {
                    email: agent_email,
                    prenom,
                    nom,
                    role: Role::Agent,
                    partner: Some(&partner),
                    has_permission_affectation: p.key == spec.role_partner && spec.agent_affects,
                },
            )
            .await?;
            partners.push(DemoPartner { partner, agent });
        }
        let rt = rt.ok_or_else(|| {
            DemoError::Unexpected(format!("territory {} has no RT partner", spec.code))
        })?;
        if spec.code == "33" {
            for rule in rules_33(stores, &code) {
                stores.rules.insert(&rule).await?;
                rules += 1;
            }
        }
        territories.push(Organisation { code, rt, partners });
    }
    Ok(Directory {
        super_admin,
        territories,
        accounts,
        rules,
    })
}
