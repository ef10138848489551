//! What the back-office reads beside a case (features.md §2.6): its audit
//! history, for those the policy lets read it, and the other cases at the
//! same address that the reader may see.

use std::collections::HashMap;

use histologe_core::model::{Case, HistoryEntry, Signalement};
use histologe_core::policy::{ListScope, list_scope};
use histologe_core::{Action, Actor, Resource, can};
use serde_json::Value;

use crate::app::App;
use crate::error::AppError;

/// At most this many other cases at one address are listed.
pub const SAME_ADDRESS_LIMIT: u32 = 20;

/// One line of a case's history, with the full name of the person who
/// made the change when there was one (the platform itself has none).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    pub entry: HistoryEntry,
    pub author: Option<String>,
}

/// A case's history and what the ids it names are called.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseHistory {
    pub lines: Vec<HistoryLine>,
    /// Tags, partners and users met in the values of `named_fields`, by
    /// id: their label, name or full name.
    pub names: HashMap<String, String>,
}

/// The ids among the values of `value` (a string or a list of them).
fn collect_ids(value: &Value, into: &mut Vec<uuid::Uuid>) {
    match value {
        Value::String(s) => into.extend(s.parse::<uuid::Uuid>().ok()),
        Value::Array(items) => items.iter().for_each(|v| collect_ids(v, into)),
        _ => {}
    }
}

impl App {
    /// The audit entries of the case and of its affectations, oldest first
    /// (`Action::ViewHistory`: the territory's RTs and super admins), with
    /// the names of their authors and of the ids found in `named_fields`:
    /// two reads, whatever the length of the history. `case` is one the
    /// actor was shown (`view_case`).
    pub async fn case_history(
        &self,
        actor: &Actor,
        case: &Case,
        named_fields: &[&str],
    ) -> Result<CaseHistory, AppError> {
        can(actor, Action::ViewHistory, Resource::Signalement(case))?;
        let entries = self
            .ports
            .history
            .of_signalement(case.signalement.id)
            .await?;
        let mut ids: Vec<uuid::Uuid> = entries
            .iter()
            .filter_map(|e| e.user_id.map(|u| u.as_uuid()))
            .collect();
        for entry in &entries {
            if let Value::Object(fields) = &entry.changes {
                for (field, value) in fields {
                    if named_fields.contains(&field.as_str()) {
                        collect_ids(value, &mut ids);
                    }
                }
            }
        }
        ids.sort();
        ids.dedup();
        let names: HashMap<String, String> = if ids.is_empty() {
            HashMap::new()
        } else {
            self.ports
                .history
                .names_of(&ids)
                .await?
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect()
        };
        let lines = entries
            .into_iter()
            .map(|entry| HistoryLine {
                author: entry
                    .user_id
                    .and_then(|u| names.get(&u.to_string()).cloned()),
                entry,
            })
            .collect();
        Ok(CaseHistory { lines, names })
    }

    /// The other cases in the commune of `case` at the same street address
    /// that `actor` may list (`list_scope`), newest first. `case` is one
    /// the actor was shown (`view_case`).
    pub async fn same_address_cases(
        &self,
        actor: &Actor,
        case: &Case,
    ) -> Result<Vec<Signalement>, AppError> {
        let scope = list_scope(actor);
        let s = &case.signalement;
        let Some(insee) = s.adresse.insee.as_deref() else {
            return Ok(Vec::new());
        };
        if scope == ListScope::Nothing {
            return Ok(Vec::new());
        }
        Ok(self
            .ports
            .signalements
            .same_address(&scope, insee, &s.adresse.adresse, s.id, SAME_ADDRESS_LIMIT)
            .await?)
    }
}
