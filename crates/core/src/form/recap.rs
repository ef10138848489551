//! The review page: what was answered, screen by screen, in words.

use super::Walk;
use super::definition::{QuestionKind, ScreenKind};

/// One shown screen with its answered questions, as (label, answer) pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecapSection {
    /// Slug of the screen, for the "Modifier" link.
    pub screen: String,
    pub title: String,
    pub items: Vec<(String, String)>,
}

pub(crate) fn build(walk: &Walk<'_>) -> Vec<RecapSection> {
    let mut sections = Vec::new();
    for (screen, questions) in walk.shown() {
        if screen.kind == ScreenKind::Review {
            continue;
        }
        let items: Vec<(String, String)> = questions
            .iter()
            // Consents are ticked on the review itself.
            .filter(|q| q.takes_answer() && q.kind != QuestionKind::Consent)
            .filter_map(|q| {
                let values = walk.effective.values(&q.key);
                let shown: Vec<&str> = values
                    .iter()
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .map(|v| q.choice_label(v).unwrap_or(v))
                    .collect();
                (!shown.is_empty()).then(|| (q.label.clone(), shown.join(", ")))
            })
            .collect();
        if !items.is_empty() {
            sections.push(RecapSection {
                screen: screen.slug.clone(),
                title: screen.title.clone(),
                items,
            });
        }
    }
    sections
}
