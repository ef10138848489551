//! The organisations of a generated data set: in every territory, thirty
//! partners of the types a real département has (the State services
//! covering the whole département, municipal hygiene services and CCAS
//! covering their commune, inter-communal bodies covering a few communes)
//! and their staff (three accounts per partner, one RT per territory).
//!
//! They are few (thousands) next to the cases, so they go through the
//! repositories, a few at a time in parallel.

use chrono::{DateTime, Utc};
use histologe_core::enums::{PartnerType, Role, UserStatus};
use histologe_core::ids::{PartnerId, UserId};
use histologe_core::model::{Commune, Membership, Partner, Territory, User};
use histologe_core::territory_code::{LYON_METROPOLE, TerritoryCode, territory_for_insee};
use histologe_ports::RepoError;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use tokio::task::JoinSet;

use super::random_uuid;
use histologe_demo::catalogue::{NOMS, PRENOMS};
use histologe_ports::Repositories;

/// Partners per territory, and accounts per partner.
pub const PARTNERS_PER_TERRITORY: usize = 30;
pub const AGENTS_PER_PARTNER: usize = 3;

/// A partner and the ids of its staff (the first is its admin).
#[derive(Debug, Clone)]
pub struct Staffed {
    pub partner: Partner,
    pub agents: Vec<(UserId, String)>,
}

/// One territory of the data set: where its cases are and who handles them.
#[derive(Debug, Clone)]
pub struct TerritoryPeople {
    pub code: TerritoryCode,
    pub is_active: bool,
    /// One entry per (postal code, commune) the territory accepts.
    pub communes: Vec<Commune>,
    pub partners: Vec<Staffed>,
    pub rt: UserId,
}

/// The communes each territory accepts, from the national base: the
/// territory of the INSEE code, restricted to the territory's authorised
/// list when it has one (Métropole de Lyon, Rhône, Finistère).
pub fn communes_by_territory(
    territories: &[Territory],
    communes: &[Commune],
) -> Vec<(Territory, Vec<Commune>)> {
    let lyon: Vec<&str> = territories
        .iter()
        .find(|t| t.code.as_str() == LYON_METROPOLE)
        .map(|t| t.authorized_insee.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<(Territory, Vec<Commune>)> = territories
        .iter()
        .map(|t| (t.clone(), Vec::new()))
        .collect();
    for commune in communes {
        let Some(code) = territory_for_insee(&commune.code_insee, &lyon) else {
            continue;
        };
        if let Some((territory, list)) = out.iter_mut().find(|(t, _)| t.code == code)
            && (territory.authorized_insee.is_empty()
                || territory.authorized_insee.contains(&commune.code_insee))
        {
            list.push(commune.clone());
        }
    }
    out.retain(|(_, list)| !list.is_empty());
    out
}

/// What a partner of the generated set is, before it has an id.
struct Spec {
    nom: String,
    partner_type: PartnerType,
    insee: Vec<String>,
    epci_insee: Vec<String>,
    bailleur_id: Option<String>,
}

fn whole(nom: String, partner_type: PartnerType) -> Spec {
    Spec {
        nom,
        partner_type,
        insee: Vec::new(),
        epci_insee: Vec::new(),
        bailleur_id: None,
    }
}

fn pick_commune<'a>(rng: &mut StdRng, distinct: &[&'a Commune], all: &'a [Commune]) -> &'a Commune {
    distinct.choose(rng).copied().unwrap_or(&all[0])
}

/// Thirty partners: sixteen covering the département, fourteen local ones
/// on communes drawn from the territory.
fn specs(rng: &mut StdRng, code: &TerritoryCode, name: &str, communes: &[Commune]) -> Vec<Spec> {
    let mut distinct: Vec<&Commune> = Vec::new();
    for c in communes {
        if !distinct.iter().any(|d| d.code_insee == c.code_insee) {
            distinct.push(c);
        }
    }
    let pick = |rng: &mut StdRng| pick_commune(rng, &distinct, communes);
    let chef_lieu = pick(rng).nom.clone();
    let mut list = vec![
        whole(
            format!("ARS – Délégation départementale {name}"),
            PartnerType::Ars,
        ),
        whole(format!("CAF – {name}"), PartnerType::CafMsa),
        whole(format!("MSA – {name}"), PartnerType::CafMsa),
        whole(format!("ADIL – {name}"), PartnerType::Adil),
        whole(format!("DDT(M) – {name}"), PartnerType::DdtM),
        whole(format!("Préfecture – {name}"), PartnerType::Prefecture),
        whole(
            format!("Conseil départemental – {name}"),
            PartnerType::ConseilDepartemental,
        ),
        whole(format!("DDETS – {name}"), PartnerType::Ddets),
        whole(
            format!("Police nationale – DDSP {name}"),
            PartnerType::PoliceGendarmerie,
        ),
        whole(
            format!("Tribunal judiciaire de {chef_lieu}"),
            PartnerType::Tribunal,
        ),
        whole(
            format!("Conciliateurs de justice – {name}"),
            PartnerType::Conciliateurs,
        ),
        whole(
            format!("SOLIHA – {name}"),
            PartnerType::OperateurVisitesEtTravaux,
        ),
        whole(
            format!("Droit au logement – {name}"),
            PartnerType::Association,
        ),
        whole(
            format!("France Rénov' – {name}"),
            PartnerType::DispositifRenovationHabitat,
        ),
    ];
    for bailleur in [format!("{name} Habitat"), format!("Logis {chef_lieu}")] {
        let mut spec = whole(bailleur, PartnerType::BailleurSocial);
        spec.bailleur_id = Some(format!("{}-{}", code.as_str(), list.len()));
        list.push(spec);
    }
    for _ in 0..8 {
        let c = pick(rng);
        list.push(Spec {
            nom: format!("SCHS de {}", c.nom),
            partner_type: PartnerType::CommuneSchs,
            insee: vec![c.code_insee.clone()],
            epci_insee: Vec::new(),
            bailleur_id: None,
        });
    }
    for _ in 0..4 {
        let c = pick(rng);
        list.push(Spec {
            nom: format!("CCAS de {}", c.nom),
            partner_type: PartnerType::Ccas,
            insee: vec![c.code_insee.clone()],
            epci_insee: Vec::new(),
            bailleur_id: None,
        });
    }
    for _ in 0..2 {
        let centre = pick(rng).nom.clone();
        let mut epci: Vec<String> = (0..12).map(|_| pick(rng).code_insee.clone()).collect();
        epci.sort();
        epci.dedup();
        list.push(Spec {
            nom: format!("Communauté d'agglomération de {centre}"),
            partner_type: PartnerType::Epci,
            insee: Vec::new(),
            epci_insee: epci,
            bailleur_id: None,
        });
    }
    list.truncate(PARTNERS_PER_TERRITORY);
    list
}

/// Builds (without writing) the partners and staff of every territory.
/// `run` makes the e-mails of this run distinct from earlier ones.
pub fn build(
    rng: &mut StdRng,
    territories: Vec<(Territory, Vec<Commune>)>,
    run: &str,
    now: DateTime<Utc>,
) -> (Vec<TerritoryPeople>, Vec<User>) {
    let mut people = Vec::new();
    let mut users = Vec::new();
    let mut seq = 0usize;
    let mut new_user = |rng: &mut StdRng, role: Role, partner: &Partner| -> User {
        seq += 1;
        let prenom = PRENOMS.choose(rng).copied().unwrap_or("Camille");
        let nom = NOMS.choose(rng).copied().unwrap_or("Martin");
        User {
            id: UserId(random_uuid(rng)),
            email: format!("agent{seq}.{run}@generation.histologe.test"),
            prenom: prenom.to_string(),
            nom: nom.to_string(),
            role,
            status: UserStatus::Active,
            has_permission_affectation: role == Role::PartnerAdmin,
            memberships: vec![Membership {
                partner_id: partner.id,
                territory: partner.territory.clone(),
                partner_type: partner.partner_type,
                competences: partner.competences.clone(),
            }],
            is_mailing_active: true,
            is_mailing_summary: rng.random_bool(0.5),
            last_login_at: None,
            created_at: now,
        }
    };
    for (territory, communes) in territories {
        let mut partners = Vec::new();
        for (i, spec) in specs(rng, &territory.code, &territory.name, &communes)
            .into_iter()
            .enumerate()
        {
            let partner = Partner {
                id: PartnerId(random_uuid(rng)),
                nom: spec.nom,
                partner_type: spec.partner_type,
                territory: territory.code.clone(),
                is_archive: false,
                email: Some(format!(
                    "partenaire{i}.{}.{run}@generation.histologe.test",
                    territory.code.as_str().to_lowercase()
                )),
                email_notifiable: true,
                competences: spec.partner_type.default_competences().to_vec(),
                insee: spec.insee,
                zones: Vec::new(),
                excluded_zones: Vec::new(),
                epci_insee: spec.epci_insee,
                bailleur_id: spec.bailleur_id,
                esabora_active: false,
                interconnection: Default::default(),
            };
            let mut agents = Vec::new();
            for k in 0..AGENTS_PER_PARTNER {
                let role = if k == 0 {
                    Role::PartnerAdmin
                } else {
                    Role::Agent
                };
                let user = new_user(rng, role, &partner);
                agents.push((user.id, format!("{} {}", user.prenom, user.nom)));
                users.push(user);
            }
            partners.push(Staffed { partner, agents });
        }
        // The RT belongs to the ARS, the first partner, as in the demo.
        let rt = new_user(rng, Role::TerritoryAdmin, &partners[0].partner);
        let rt_id = rt.id;
        users.push(rt);
        people.push(TerritoryPeople {
            code: territory.code,
            is_active: territory.is_active,
            communes,
            partners,
            rt: rt_id,
        });
    }
    (people, users)
}

/// Requests in flight at once: enough to hide the round trips, few enough
/// for the pool (16 connections on MariaDB, one writer on SQLite).
const IN_FLIGHT: usize = 8;

/// Writes the partners, then the users (their memberships point to them).
pub async fn write(
    stores: &Repositories,
    people: &[TerritoryPeople],
    users: Vec<User>,
) -> Result<(), RepoError> {
    let partners: Vec<Partner> = people
        .iter()
        .flat_map(|t| t.partners.iter().map(|s| s.partner.clone()))
        .collect();
    for chunk in partners.chunks(IN_FLIGHT) {
        let mut tasks = JoinSet::new();
        for p in chunk {
            let p = p.clone();
            let repo = stores.partners.clone();
            tasks.spawn(async move { retried(|| repo.insert(&p)).await });
        }
        join(tasks).await?;
    }
    for chunk in users.chunks(IN_FLIGHT) {
        let mut tasks = JoinSet::new();
        for u in chunk {
            let u = u.clone();
            let repo = stores.users.clone();
            tasks.spawn(async move { retried(|| repo.insert(&u)).await });
        }
        join(tasks).await?;
    }
    Ok(())
}

/// Concurrent inserts into the same unique indexes can deadlock on
/// MariaDB's gap locks; the loser is rolled back whole, so it is retried.
async fn retried<'a, F, Fut>(insert: F) -> Result<(), RepoError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), RepoError>> + 'a,
{
    let mut attempt = 0;
    loop {
        match insert().await {
            Err(RepoError::Conflict) if attempt < 10 => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
            }
            other => return other,
        }
    }
}

async fn join(mut tasks: JoinSet<Result<(), RepoError>>) -> Result<(), RepoError> {
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| RepoError::Unavailable(format!("insert task: {e}")))??;
    }
    Ok(())
}
