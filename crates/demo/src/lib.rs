//! The demo data set of the embedded default: three territories
//! (Bouches-du-Rhône, Métropole de Lyon, Gironde), their partners, one
//! account per role, auto-affectation rules in the Gironde, and about a
//! hundred reports in every status.
//!
//! Reports are built **through the use cases** of the application, not
//! written as rows: each status carries the suivis, history, subscriptions,
//! notifications and queued e-mails the rules put with it, and the data set
//! breaks if a rule changes in a way the demo does not follow, which its
//! test then says.
//!
//! The application runs on the wall clock (`SystemClock`), so every report
//! is created "now", within the seconds of the load; visits are spread over
//! the weeks around that moment. Choices (addresses, people, situations,
//! which partner answers what) come from a seeded generator: two loads give
//! the same story, with fresh ids.
//!
//! The e-mails the use cases queue stay in the outbox; they go to `.test`
//! addresses, which never receive mail.

pub mod catalogue;
mod organisations;
mod reports;
mod scenarios;

use std::collections::BTreeMap;

use histologe_application::{App, AppError, Settings};
use histologe_core::enums::{AffectationStatus, InterventionStatus, Role, SignalementStatus};
use histologe_core::policy::ListScope;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{RepoError, SignalementFilter};
use rand::SeedableRng;
use rand::rngs::StdRng;
use thiserror::Error;

pub use organisations::{DemoAccount, SUPER_ADMIN_EMAIL, role_account_emails};

/// The demo accounts' password when `HISTOLOGE_DEMO_PASSWORD` is unset.
pub const DEFAULT_DEMO_PASSWORD: &str = "Histologe-demo-2026";

/// The demo's accounts of each role (one per role and territory) as the
/// database holds them: printed at every start of the embedded default.
pub async fn accounts(stores: &Repositories) -> Result<Vec<DemoAccount>, RepoError> {
    let mut accounts = Vec::new();
    for email in role_account_emails() {
        if let Some(user) = stores.users.by_email(&email).await? {
            accounts.push(DemoAccount {
                email: user.email,
                role: user.role,
                partner: None,
            });
        }
    }
    Ok(accounts)
}

use histologe_ports::{Ports, Repositories};

/// The seed of the demo's choices.
const SEED: u64 = 20_24_11_24;

impl From<DemoError> for histologe_runtime::StartError {
    fn from(e: DemoError) -> Self {
        histologe_runtime::StartError::Step {
            step: "données de démonstration",
            message: e.to_string(),
        }
    }
}

#[derive(Debug, Error)]
pub enum DemoError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// A use case refused a step: the demo no longer follows the rules.
    #[error("{step} ({reference}) : {source}")]
    Step {
        step: &'static str,
        reference: String,
        source: AppError,
    },
    #[error("{0}")]
    Unexpected(String),
}

/// What the demo data set holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub territories: usize,
    pub partners: usize,
    pub rules: usize,
    pub accounts: Vec<DemoAccount>,
    pub signalements: usize,
    pub by_status: BTreeMap<SignalementStatus, usize>,
    pub affectations: BTreeMap<AffectationStatus, usize>,
    pub visits: BTreeMap<InterventionStatus, usize>,
    pub suivis: usize,
}

impl DemoSummary {
    pub fn count(&self, status: SignalementStatus) -> usize {
        self.by_status.get(&status).copied().unwrap_or_default()
    }

    pub fn account(&self, role: Role) -> Option<&DemoAccount> {
        self.accounts.iter().find(|a| a.role == role)
    }
}

/// Whether the database is one nobody has used yet: no signalement, and
/// no super admin either. The second test keeps a database whose
/// signalements were all archived, or a half-loaded demo, from getting a
/// second set of accounts (e-mails are unique).
pub async fn is_empty(stores: &Repositories) -> Result<bool, RepoError> {
    let listed = stores
        .signalements
        .list(&ListScope::All, &SignalementFilter::default(), 0, 1)
        .await?;
    if listed.total > 0 {
        return Ok(false);
    }
    Ok(stores.users.super_admins().await?.is_empty())
}

/// Gives the accounts of `emails` the password `password` (the demo's:
/// `DEMO_PASSWORD` or [`DEFAULT_DEMO_PASSWORD`]), skipping the accounts
/// that already have one when `only_missing`. One hash serves them all
/// (same password): argon2 is slow on purpose. Unknown e-mails are
/// skipped. How many accounts got it.
pub async fn set_demo_passwords(
    ports: &Ports,
    emails: &[String],
    password: &str,
    only_missing: bool,
) -> Result<usize, DemoError> {
    let mut hash = None;
    let mut set = 0;
    for email in emails {
        let Some(user) = ports.users.by_email(email).await? else {
            continue;
        };
        if only_missing && ports.credentials.password_hash(user.id).await?.is_some() {
            continue;
        }
        let hash = match &hash {
            Some(h) => h,
            None => hash.insert(
                ports
                    .passwords
                    .hash(password)
                    .map_err(|e| DemoError::Unexpected(e.to_string()))?,
            ),
        };
        ports
            .credentials
            .set_password_hash(user.id, hash, ports.clock.now())
            .await?;
        set += 1;
    }
    Ok(set)
}

/// Loads the demo data set into an empty database (see [`is_empty`]) that
/// has its reference data; every demo account gets `password`.
pub async fn load_demo_data(
    app: &App,
    stores: &Ports,
    password: &str,
) -> Result<DemoSummary, DemoError> {
    let directory = organisations::create(stores).await?;
    let emails: Vec<String> = directory.accounts.iter().map(|a| a.email.clone()).collect();
    set_demo_passwords(stores, &emails, password, false).await?;

    let lyon = TerritoryCode::parse("69A").map_err(|e| DemoError::Unexpected(e.message))?;
    let gironde = TerritoryCode::parse(scenarios::INJONCTION_TERRITORY)
        .map_err(|e| DemoError::Unexpected(e.message))?;
    let lyon_metropole_insee = stores
        .territories
        .get(&lyon)
        .await?
        .map(|t| t.authorized_insee)
        .unwrap_or_default();
    let injonction_app = App::new(
        stores.clone(),
        Settings {
            injonction_territories: vec![gironde],
            lyon_metropole_insee,
        },
    );

    let mut driver =
        scenarios::Driver::new(app, injonction_app, &directory, StdRng::seed_from_u64(SEED));
    driver.play_all().await?;

    let mut summary = DemoSummary {
        territories: directory.territories.len(),
        partners: directory.territories.iter().map(|t| t.partners.len()).sum(),
        rules: directory.rules,
        accounts: directory.accounts.clone(),
        signalements: driver.cases.len(),
        ..DemoSummary::default()
    };
    for case in &driver.cases {
        *summary
            .by_status
            .entry(case.signalement.status)
            .or_default() += 1;
        for a in &case.affectations {
            *summary.affectations.entry(a.status).or_default() += 1;
        }
        for v in &case.interventions {
            *summary.visits.entry(v.status).or_default() += 1;
        }
        summary.suivis += case.suivis.len();
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use histologe_adapters_memory::MemoryStore;
    use histologe_core::enums::{AffectationStatus, InterventionStatus};

    use histologe_runtime::config::Config;
    use histologe_runtime::reference_data::{self, Reload};
    use histologe_runtime::wiring;

    use super::*;

    async fn loaded() -> (Repositories, DemoSummary) {
        let store = Arc::new(MemoryStore::new());
        let stores = Repositories::of(store.clone());
        reference_data::load(&stores, Reload::IfChanged)
            .await
            .unwrap();
        let config = Config::from_lookup(|_| Ok(None)).unwrap();
        let wired = wiring::app_on(&config, store).await.unwrap();
        assert!(is_empty(&stores).await.unwrap());
        let summary = load_demo_data(&wired.app, &wired.ports, DEFAULT_DEMO_PASSWORD)
            .await
            .unwrap();
        (stores, summary)
    }

    #[tokio::test]
    async fn the_demo_covers_every_status_and_role() {
        let (stores, summary) = loaded().await;

        assert!(summary.signalements >= 100, "{summary:#?}");
        for status in [
            SignalementStatus::NeedValidation,
            SignalementStatus::Active,
            SignalementStatus::Closed,
            SignalementStatus::Refused,
            SignalementStatus::Archived,
            SignalementStatus::InjonctionBailleur,
        ] {
            assert!(summary.count(status) > 0, "{status}: {summary:#?}");
        }
        for status in AffectationStatus::ALL {
            assert!(
                summary
                    .affectations
                    .get(status)
                    .copied()
                    .unwrap_or_default()
                    > 0,
                "{status}: {summary:#?}"
            );
        }
        for status in [
            InterventionStatus::Planned,
            InterventionStatus::Done,
            InterventionStatus::Canceled,
        ] {
            assert!(
                summary.visits.get(&status).copied().unwrap_or_default() > 0,
                "{status}: {summary:#?}"
            );
        }
        assert!(summary.suivis > summary.signalements);
        assert_eq!(summary.territories, 3);
        assert_eq!(summary.rules, 3);

        for role in [
            Role::SuperAdmin,
            Role::TerritoryAdmin,
            Role::PartnerAdmin,
            Role::Agent,
        ] {
            let account = summary.account(role).unwrap_or_else(|| panic!("{role}"));
            let user = stores
                .users
                .by_email(&account.email)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(user.role, role);
        }
        for email in [
            "admin@histologe.test",
            "rt13@histologe.test",
            "rt69a@histologe.test",
            "rt33@histologe.test",
        ] {
            assert!(
                stores.users.by_email(email).await.unwrap().is_some(),
                "{email}"
            );
        }
        assert!(!is_empty(&stores).await.unwrap());
    }

    #[tokio::test]
    async fn reports_land_in_their_territories() {
        let (stores, _) = loaded().await;
        for code in ["13", "69A", "33"] {
            let territory = TerritoryCode::parse(code).unwrap();
            let page = stores
                .signalements
                .list(
                    &ListScope::All,
                    &SignalementFilter {
                        territory: Some(territory),
                        ..SignalementFilter::default()
                    },
                    0,
                    200,
                )
                .await
                .unwrap();
            assert!(page.total >= 25, "{code}: {}", page.total);
        }
    }
}
