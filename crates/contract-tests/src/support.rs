//! What the contracts share: a seeded world of reference data, the retry
//! loop callers wrap around a unit of work, a timeout that turns a
//! deadlock into a failure, and the canonical forms compared after a round
//! trip.

use std::future::Future;
use std::time::Duration;

use histologe_core::enums::{PartnerType, Role};
use histologe_core::model::{AutoAffectationRule, Case, Partner, Territory, User};
use histologe_ports::{RepoError, Transaction};

use crate::fixtures::{alpes_maritimes, bouches_du_rhone, partner, schs_marseille, user};
use crate::{Backend, Stores};

/// How many times a caller runs a unit of work that keeps answering
/// [`RepoError::Conflict`] before it gives up.
pub const MAX_ATTEMPTS: u32 = 10;

/// How long any single step of a contract may wait: far more than a
/// correct adapter needs, so that reaching it means a deadlock or a lock
/// never released.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Runs `step`, failing the contract if it has not finished within
/// [`PATIENCE`].
pub async fn within<F: Future>(what: &str, step: F) -> F::Output {
    tokio::time::timeout(PATIENCE, step)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after {PATIENCE:?} (deadlock?)"))
}

/// Runs the unit of work `attempt` (begin … commit) again while it answers
/// [`RepoError::Conflict`], as callers do, up to [`MAX_ATTEMPTS`] times
/// with a short growing pause; any other error fails the contract.
///
/// `attempt` must start from `begin` each time: the transaction of a
/// failed attempt has been dropped, hence rolled back.
pub async fn retry_on_conflict<T, F, Fut>(what: &str, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RepoError>>,
{
    for n in 1..=MAX_ATTEMPTS {
        match within(what, attempt()).await {
            Ok(value) => return value,
            Err(RepoError::Conflict) if n < MAX_ATTEMPTS => {
                tokio::time::sleep(Duration::from_millis(u64::from(n) * 5)).await;
            }
            Err(error) => panic!("{what}: attempt {n} failed: {error}"),
        }
    }
    unreachable!("the last attempt returns or panics")
}

/// Reference data most contracts start from: two territories, four
/// partners and four users, stored through the ports.
#[derive(Debug, Clone)]
pub struct World {
    pub stores: Stores,
    /// Bouches-du-Rhône (13).
    pub bdr: Territory,
    /// Alpes-Maritimes (06).
    pub am: Territory,
    /// The SCHS of Marseille (13), every field filled in.
    pub schs: Partner,
    /// The ARS (13).
    pub ars: Partner,
    /// The ADIL (13), without a generic mailbox.
    pub adil: Partner,
    /// The CAF of the Alpes-Maritimes (06).
    pub caf: Partner,
    /// A super admin, member of no partner.
    pub admin: User,
    /// The territory admin of the 13, member of the ARS.
    pub rt: User,
    /// An agent of the SCHS.
    pub agent: User,
    /// An agent of the CAF (06).
    pub agent_caf: User,
}

/// A fresh database of `backend` holding the [`World`]'s reference data.
pub async fn world(backend: &dyn Backend) -> World {
    let stores = within("Backend::fresh", backend.fresh()).await;
    let (bdr, am) = (bouches_du_rhone(), alpes_maritimes());
    let schs = schs_marseille(&bdr);
    let ars = partner(
        &bdr,
        "ARS Provence-Alpes-Côte d'Azur",
        PartnerType::Ars,
        Some("ars-paca-dd13-lhi@ars.sante.fr"),
    );
    let adil = partner(&bdr, "ADIL des Bouches-du-Rhône", PartnerType::Adil, None);
    let caf = partner(
        &am,
        "CAF des Alpes-Maritimes",
        PartnerType::CafMsa,
        Some("logement@caf06.fr"),
    );
    let admin = user("admin@histologe.beta.gouv.fr", Role::SuperAdmin, &[]);
    let rt = user("rt13@ars.sante.fr", Role::TerritoryAdmin, &[&ars]);
    let agent = user("c.rousseau@marseille.fr", Role::Agent, &[&schs]);
    let agent_caf = user("agent@caf06.fr", Role::Agent, &[&caf]);
    for territory in [&bdr, &am] {
        stores
            .territories
            .upsert(territory)
            .await
            .expect("seeding a territory");
    }
    for partner in [&schs, &ars, &adil, &caf] {
        stores
            .partners
            .insert(partner)
            .await
            .expect("seeding a partner");
    }
    for user in [&admin, &rt, &agent, &agent_caf] {
        stores.users.insert(user).await.expect("seeding a user");
    }
    World {
        stores,
        bdr,
        am,
        schs,
        ars,
        adil,
        caf,
        admin,
        rt,
        agent,
        agent_caf,
    }
}

/// Opens a transaction, which must not take longer than [`PATIENCE`].
pub async fn begin(stores: &Stores) -> Box<dyn Transaction> {
    within("UnitOfWork::begin", stores.uow.begin())
        .await
        .expect("UnitOfWork::begin")
}

/// Commits `tx`, which must succeed.
pub async fn commit(tx: Box<dyn Transaction>) {
    within("Transaction::commit", tx.commit())
        .await
        .expect("Transaction::commit");
}

/// Inserts `cases` in one transaction and commits it.
pub async fn commit_cases(stores: &Stores, cases: &[&Case]) {
    let mut tx = begin(stores).await;
    for case in cases {
        tx.insert_case(case)
            .await
            .unwrap_or_else(|error| panic!("insert_case {}: {error}", case.signalement.reference));
    }
    commit(tx).await;
}

/// The committed case `id`, which must exist.
pub async fn stored_case(stores: &Stores, case: &Case) -> Case {
    stores
        .signalements
        .case(case.signalement.id)
        .await
        .expect("SignalementRepository::case")
        .unwrap_or_else(|| panic!("case {} should exist", case.signalement.reference))
}

/// `case` with the collections the domain treats as sets in one order:
/// affectations and visits by id, qualifications by kind and status,
/// subscribers, tags, désordre précisions, visit conclusions and the files
/// of each suivi. Suivis keep their order (oldest first is promised).
pub fn canonical_case(case: &Case) -> Case {
    let mut case = case.clone();
    case.affectations.sort_by_key(|a| a.id);
    case.interventions.sort_by_key(|i| i.id);
    for intervention in &mut case.interventions {
        intervention.concluded_procedures.sort();
    }
    case.qualifications
        .sort_by_key(|q| (q.qualification, q.status));
    for qualification in &mut case.qualifications {
        qualification.precision_slugs.sort();
    }
    case.subscribers.sort();
    case.signalement.tags.sort();
    case.signalement.desordre_precisions.sort();
    for suivi in &mut case.suivis {
        suivi.files.sort();
    }
    case
}

/// `user` with its memberships (and their competences) in one order.
pub fn canonical_user(user: &User) -> User {
    let mut user = user.clone();
    user.memberships.sort_by_key(|m| m.partner_id);
    for membership in &mut user.memberships {
        membership.competences.sort();
    }
    user
}

/// `partner` with its competences and perimeter codes in one order (zones
/// keep theirs: a polygon is an ordered ring).
pub fn canonical_partner(partner: &Partner) -> Partner {
    let mut partner = partner.clone();
    partner.competences.sort();
    partner.insee.sort();
    partner.epci_insee.sort();
    partner
}

/// `territory` with its authorised communes in one order.
pub fn canonical_territory(territory: &Territory) -> Territory {
    let mut territory = territory.clone();
    territory.authorized_insee.sort();
    territory
}

/// `rule` with its lists in one order.
pub fn canonical_rule(rule: &AutoAffectationRule) -> AutoAffectationRule {
    let mut rule = rule.clone();
    rule.insee_to_include.sort();
    rule.insee_to_exclude.sort();
    rule.partner_to_exclude.sort();
    rule.procedures_suspectees.sort();
    rule
}

/// The keys of `items`, sorted: to compare results whose order the port
/// does not promise.
pub fn sorted<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<K> {
    let mut keys: Vec<K> = items.iter().map(key).collect();
    keys.sort();
    keys
}
