//! Third-party lookups and interconnections answered from tables given by
//! the test, recording what was sent out; each can be switched off to
//! exercise the callers' fallbacks.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use histologe_core::ids::AffectationId;
use histologe_ports::{
    AddressCandidate, AddressLookup, DpeInfo, EnergyLookup, EsaboraDossier, EsaboraGateway,
    EsaboraState, LookupError, OilhiNotifier,
};

use crate::sync::{Switch, lock};

fn check(switch: &Switch, service: &str) -> Result<(), LookupError> {
    if switch.is_on() {
        Err(LookupError::Unavailable(format!("{service} switched off")))
    } else {
        Ok(())
    }
}

/// The BAN from a fixed list of addresses.
#[derive(Debug, Default)]
pub struct MemoryAddressLookup {
    candidates: Vec<AddressCandidate>,
    unavailable: Switch,
}

impl MemoryAddressLookup {
    /// `search` answers from `candidates`, in this order.
    pub fn new(candidates: Vec<AddressCandidate>) -> Self {
        MemoryAddressLookup {
            candidates,
            unavailable: Switch::default(),
        }
    }

    /// While on, `search` fails with `Unavailable` (BAN down).
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }
}

#[async_trait]
impl AddressLookup for MemoryAddressLookup {
    /// The candidates whose label contains the query (case-insensitive,
    /// surrounding spaces ignored), at most `limit`.
    async fn search(&self, query: &str, limit: u8) -> Result<Vec<AddressCandidate>, LookupError> {
        check(&self.unavailable, "address lookup")?;
        let needle = query.trim().to_lowercase();
        Ok(self
            .candidates
            .iter()
            .filter(|c| c.label.to_lowercase().contains(&needle))
            .take(usize::from(limit))
            .cloned()
            .collect())
    }
}

/// The ADEME DPE base from a table keyed by BAN id.
#[derive(Debug, Default)]
pub struct MemoryEnergyLookup {
    by_ban_id: Mutex<HashMap<String, Vec<DpeInfo>>>,
    unavailable: Switch,
}

impl MemoryEnergyLookup {
    pub fn new() -> Self {
        Self::default()
    }

    /// What `dpe_for_ban_id(ban_id)` answers from now on.
    pub fn insert(&self, ban_id: &str, dpe: Vec<DpeInfo>) {
        lock(&self.by_ban_id).insert(ban_id.to_string(), dpe);
    }

    /// While on, lookups fail with `Unavailable`.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }
}

#[async_trait]
impl EnergyLookup for MemoryEnergyLookup {
    /// Empty for an unknown BAN id, as the open data answers.
    async fn dpe_for_ban_id(&self, ban_id: &str) -> Result<Vec<DpeInfo>, LookupError> {
        check(&self.unavailable, "energy lookup")?;
        Ok(lock(&self.by_ban_id)
            .get(ban_id)
            .cloned()
            .unwrap_or_default())
    }
}

#[derive(Debug, Default)]
struct EsaboraBook {
    pushed: Vec<EsaboraDossier>,
    states: HashMap<AffectationId, EsaboraState>,
}

/// Esabora (SI-SH or SCHS): records pushed dossiers, answers the states
/// the test configured.
#[derive(Debug, Default)]
pub struct MemoryEsabora {
    book: Mutex<EsaboraBook>,
    unavailable: Switch,
}

impl MemoryEsabora {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every dossier pushed so far, oldest first (failed pushes excluded).
    pub fn pushed(&self) -> Vec<EsaboraDossier> {
        lock(&self.book).pushed.clone()
    }

    /// What `state(affectation)` answers from now on.
    pub fn set_state(&self, affectation: AffectationId, state: EsaboraState) {
        lock(&self.book).states.insert(affectation, state);
    }

    /// While on, pushes and state requests fail with `Unavailable`.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }
}

#[async_trait]
impl EsaboraGateway for MemoryEsabora {
    async fn push(&self, dossier: &EsaboraDossier) -> Result<(), LookupError> {
        check(&self.unavailable, "esabora")?;
        lock(&self.book).pushed.push(dossier.clone());
        Ok(())
    }

    /// `None` until the test configures a state for the affectation.
    async fn state(&self, affectation: AffectationId) -> Result<Option<EsaboraState>, LookupError> {
        check(&self.unavailable, "esabora")?;
        Ok(lock(&self.book).states.get(&affectation).cloned())
    }
}

/// The Zapier hook towards OILHI: records payloads.
#[derive(Debug, Default)]
pub struct MemoryOilhi {
    payloads: Mutex<Vec<serde_json::Value>>,
    unavailable: Switch,
}

impl MemoryOilhi {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every payload notified so far, oldest first.
    pub fn notified(&self) -> Vec<serde_json::Value> {
        lock(&self.payloads).clone()
    }

    /// While on, `notify` fails with `Unavailable`.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }
}

#[async_trait]
impl OilhiNotifier for MemoryOilhi {
    async fn notify(&self, payload: &serde_json::Value) -> Result<(), LookupError> {
        check(&self.unavailable, "oilhi")?;
        lock(&self.payloads).push(payload.clone());
        Ok(())
    }
}
