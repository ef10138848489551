//! The history of a case (its audit log, domain.md §1.14) as a French
//! timeline: who, when, and each field's old and new value in words.

use std::collections::HashMap;

use histologe_application::HistoryLine;
use histologe_core::enums::{
    AffectationStatus, HistoryEvent, MotifCloture, MotifRefus, SignalementStatus,
};
use serde_json::Value;

/// One change of the timeline.
#[derive(Debug)]
pub struct HistoryItem {
    pub date: String,
    pub author: String,
    pub what: String,
    /// (field, before, after) in words.
    pub changes: Vec<(String, String, String)>,
}

/// Names of the fields people care about; others keep their own name.
const FIELDS: &[(&str, &str)] = &[
    ("status", "Statut"),
    ("validated_at", "Date de validation"),
    ("closed_at", "Date de fermeture"),
    ("closed_by", "Fermé par"),
    ("motif_cloture", "Motif de fermeture"),
    ("com_cloture", "Commentaire de fermeture"),
    ("motif_refus", "Motif de refus"),
    ("tags", "Étiquettes"),
    ("answered_at", "Date de réponse"),
    ("answered_by", "Répondu par"),
    ("travaux", "Travaux de mise en conformité"),
    ("precisions_cloture", "Précisions de fermeture"),
    ("reference", "Référence"),
    ("score", "Criticité"),
    ("details", "Description"),
    ("desordre_precisions", "Désordres"),
    (
        "is_usager_abandon_procedure",
        "Demande d'arrêt de procédure",
    ),
    ("scheduled_at", "Date de visite"),
    ("fichier", "Fichier"),
    ("type", "Type"),
];

fn entity_label(entity: &str) -> &str {
    match entity {
        "Signalement" => "du signalement",
        "Affectation" => "d'une affectation",
        "Intervention" => "d'une visite",
        "Suivi" => "d'un suivi",
        "File" => "d'un document",
        _ => entity,
    }
}

fn event_label(event: HistoryEvent, entity: &str) -> String {
    let verb = match event {
        HistoryEvent::Create => "Création",
        HistoryEvent::Update => "Modification",
        HistoryEvent::Delete => "Suppression",
        HistoryEvent::Login | HistoryEvent::Login2fa => "Connexion",
    };
    format!("{verb} {}", entity_label(entity))
}

/// What one value reads as: statuses and motifs by their French label,
/// instants as dates, tag ids as their labels, nothing as "vide".
fn in_words(field: &str, value: &Value, names: &HashMap<String, String>) -> String {
    match value {
        Value::Null => "(vide)".to_string(),
        Value::Bool(true) => "oui".to_string(),
        Value::Bool(false) => "non".to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let label = match field {
                "status" => SignalementStatus::parse(s)
                    .map(|v| v.label())
                    .or_else(|| AffectationStatus::parse(s).map(|v| v.label())),
                "motif_cloture" => MotifCloture::parse(s).map(|v| v.label()),
                "motif_refus" => MotifRefus::parse(s).map(|v| v.label()),
                _ => None,
            };
            if let Some(label) = label {
                return label.to_string();
            }
            if let Some(name) = names.get(s) {
                return name.clone();
            }
            match chrono::DateTime::parse_from_rfc3339(s) {
                Ok(at) => histologe_core::time::date_time_fr(at.to_utc()),
                Err(_) => s.clone(),
            }
        }
        Value::Array(items) if items.is_empty() => "(aucune)".to_string(),
        Value::Array(items) => items
            .iter()
            .map(|v| in_words(field, v, names))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
    }
}

fn field_label(field: &str) -> String {
    FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or_else(|| field.replace('_', " "), |(_, l)| (*l).to_string())
}

/// The timeline, newest first. `names` turns ids met in values (tags,
/// partners, users) into what people know them by.
pub fn timeline(lines: &[HistoryLine], names: &HashMap<String, String>) -> Vec<HistoryItem> {
    lines
        .iter()
        .rev()
        .map(|line| {
            let e = &line.entry;
            let changes = match (e.event, &e.changes) {
                (HistoryEvent::Update, Value::Object(fields)) => fields
                    .iter()
                    .map(|(field, pair)| {
                        let (before, after) = match pair {
                            Value::Array(p) if p.len() == 2 => (&p[0], &p[1]),
                            other => (&Value::Null, other),
                        };
                        (
                            field_label(field),
                            in_words(field, before, names),
                            in_words(field, after, names),
                        )
                    })
                    .collect(),
                // A creation or deletion shows who it concerns.
                (_, Value::Object(fields)) => if e.entity_name == "File" {
                    &["fichier", "type"][..]
                } else {
                    &["partner_id", "status"][..]
                }
                .iter()
                .filter_map(|f| fields.get(*f).map(|v| (f, v)))
                .map(|(f, v)| {
                    let label = if *f == "partner_id" {
                        "Partenaire".to_string()
                    } else {
                        field_label(f)
                    };
                    (label, String::new(), in_words(f, v, names))
                })
                .collect(),
                _ => Vec::new(),
            };
            HistoryItem {
                date: histologe_core::time::date_time_fr(e.created_at),
                author: line
                    .author
                    .clone()
                    .unwrap_or_else(|| "Signal Logement (automatique)".to_string()),
                what: event_label(e.event, &e.entity_name),
                changes,
            }
        })
        .collect()
}
