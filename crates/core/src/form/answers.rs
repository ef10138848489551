//! What a declarant has answered so far, as the form posts it: each key
//! (a question's key) holds one value, or several for checkboxes. Kept as
//! strings, exactly as typed, so a draft gives back what was typed even
//! when it does not validate yet.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(BTreeMap<String, Vec<String>>);

impl Answers {
    pub fn new() -> Self {
        Self::default()
    }

    /// The first value of `key`, trimmed, when it is not blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .and_then(|values| values.first())
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every value of `key` (the ticked boxes of a checkbox group).
    pub fn values(&self, key: &str) -> &[String] {
        self.0.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether `key` holds `value` among its values.
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.values(key).iter().any(|v| v == value)
    }

    pub fn set(&mut self, key: impl Into<String>, values: Vec<String>) {
        self.0.insert(key.into(), values);
    }

    pub fn set_one(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.insert(key.into(), vec![value.into()]);
    }

    /// Adds one value to `key` (form posts repeat a key per ticked box).
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.entry(key.into()).or_default().push(value.into());
    }

    pub fn remove(&mut self, key: &str) -> Option<Vec<String>> {
        self.0.remove(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0
            .values()
            .all(|v| v.iter().all(|s| s.trim().is_empty()))
    }

    /// Builds answers from `(key, value)` pairs in posting order.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut answers = Answers::new();
        for (k, v) in pairs {
            answers.push(k, v);
        }
        answers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_values_read_as_absent_but_are_kept() {
        let answers =
            Answers::from_pairs([("nom", "  "), ("pieces", "cuisine"), ("pieces", "sdb")]);
        assert_eq!(answers.get("nom"), None);
        assert_eq!(answers.values("nom"), ["  "]);
        assert!(answers.has("pieces", "sdb"));
        assert_eq!(answers.values("pieces").len(), 2);
    }

    #[test]
    fn serialises_as_a_plain_object() {
        let answers = Answers::from_pairs([("profil", "locataire")]);
        let json = serde_json::to_string(&answers).expect("json");
        assert_eq!(json, r#"{"profil":["locataire"]}"#);
        let back: Answers = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, answers);
    }
}
