//! Audit log entries computed from the values before and after a change, so
//! that no transition can forget to write its history.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::enums::HistoryEvent;
use crate::events::HistoryChange;

/// Fields that change on every write and would drown the log (§1.14).
const IGNORED: &[&str] = &[
    "modified_at",
    "last_suivi_at",
    "last_suivi_by",
    "last_suivi_is_visible_for_usager",
];

fn as_object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// field → [old, new] for every top-level field that differs, or `None`
/// when nothing worth logging changed.
pub fn update<T: Serialize>(
    entity_name: &str,
    entity_id: uuid::Uuid,
    before: &T,
    after: &T,
) -> Option<HistoryChange> {
    let (old, new) = (as_object(before), as_object(after));
    let mut changes = Map::new();
    for (key, new_value) in &new {
        if IGNORED.contains(&key.as_str()) {
            continue;
        }
        let old_value = old.get(key).cloned().unwrap_or(Value::Null);
        if &old_value != new_value {
            changes.insert(
                key.clone(),
                Value::Array(vec![old_value, new_value.clone()]),
            );
        }
    }
    (!changes.is_empty()).then(|| HistoryChange {
        entity_name: entity_name.to_string(),
        entity_id,
        event: HistoryEvent::Update,
        changes: Value::Object(changes),
    })
}

/// A creation or deletion logs the whole entity.
pub fn whole<T: Serialize>(
    entity_name: &str,
    entity_id: uuid::Uuid,
    event: HistoryEvent,
    value: &T,
) -> HistoryChange {
    HistoryChange {
        entity_name: entity_name.to_string(),
        entity_id,
        event,
        changes: Value::Object(as_object(value)),
    }
}
