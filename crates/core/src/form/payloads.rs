//! The reference platform's form payloads (`testdata/`, copied from the
//! shared data) as answers of this form, completed the way a person would
//! go on. Test support only: core's form tests and the web app's route
//! tests (feature `test-support`) share it rather than each keeping a copy.

use chrono::NaiveDate;
use serde_json::Value;

use super::{Answers, Form, Question, QuestionKind, REVIEW_SLUG, precision_key};
use crate::desordres::DesordreGrid;
use crate::enums::DesordreZone;

/// The reference platform's payload as answers of this form: scalar values
/// as they are, its `categorieDisorders` and `<critère> = 1` as our
/// catégorie and critère checkboxes, the précision deduced from the
/// payload's `<critère>_details_*` answers or else the first one.
pub fn payload_answers(json: &str) -> Answers {
    let grid = DesordreGrid::reference();
    let payload: serde_json::Map<String, Value> = serde_json::from_str(json).expect("payload");
    let mut answers = Answers::new();
    for (key, value) in &payload {
        match value {
            Value::String(s) => answers.set_one(key.clone(), s.clone()),
            Value::Number(n) => answers.set_one(key.clone(), n.to_string()),
            _ => {}
        }
    }
    if let Some(Value::Object(zones)) = payload.get("categorieDisorders") {
        for (zone, categories) in zones {
            for category in categories.as_array().into_iter().flatten() {
                if let Some(slug) = category.as_str() {
                    answers.push(format!("desordres_categories_{zone}"), slug);
                }
            }
        }
    }
    for critere in grid.criteres() {
        if payload.get(&critere.slug).and_then(Value::as_i64) != Some(1) {
            continue;
        }
        let list = match critere.zone {
            DesordreZone::Batiment => "desordres_categories_batiment",
            DesordreZone::Logement => "desordres_categories_logement",
        };
        if !answers.has(list, &critere.categorie_slug) {
            answers.push(list, critere.categorie_slug.clone());
        }
        answers.push(critere.categorie_slug.clone(), critere.slug.clone());
        if critere.precisions.len() > 1 {
            let deduced = payload.iter().find_map(|(key, value)| {
                let value = value.as_str()?;
                key.starts_with(&format!("{}_", critere.slug))
                    .then(|| format!("{key}_{value}"))
                    .filter(|slug| critere.precisions.iter().any(|p| &p.slug == slug))
            });
            let chosen = deduced.unwrap_or_else(|| critere.precisions[0].slug.clone());
            answers.set_one(precision_key(&critere.slug), chosen);
        }
    }
    answers
}

/// A plausible answer for a question the (unfinished) payload left out.
fn default_answer(question: &Question) -> String {
    match question.kind {
        QuestionKind::Radio | QuestionKind::Select | QuestionKind::Checkboxes => {
            question.choices[0].value.clone()
        }
        QuestionKind::Email => format!("{}@exemple.fr", question.key.replace('_', "-")),
        QuestionKind::Phone => "0612345678".into(),
        QuestionKind::Integer if question.key.contains("enfants") => "0".into(),
        QuestionKind::Integer => "2".into(),
        QuestionKind::Decimal => "30".into(),
        QuestionKind::Date => "2020-01-15".into(),
        QuestionKind::MonthYear => "01/2024".into(),
        QuestionKind::Consent => "1".into(),
        QuestionKind::Textarea => "Le logement a plusieurs problèmes.".into(),
        _ => "Valeur de test".into(),
    }
}

/// Completes the payload the way a person would go on: every missing or
/// refused answer is replaced by a default one (or dropped when optional).
/// Returns the keys it touched.
pub fn complete(answers: &mut Answers, today: NaiveDate) -> Vec<String> {
    let form = Form::reference();
    let mut touched = Vec::new();
    for _ in 0..60 {
        let (slug, errors) = match form.validate_all_on(answers, Some(today)) {
            Ok(()) => {
                // The review's consents.
                let review = form.screen(REVIEW_SLUG).expect("review");
                let errors = form.validate_screen_on(review, answers, Some(today));
                if errors.is_empty() {
                    return touched;
                }
                (REVIEW_SLUG.to_string(), errors)
            }
            Err(e) => e,
        };
        let screen = form.screen(&slug).expect("screen");
        for (key, _) in errors.iter() {
            let question = form
                .visible_questions(screen, answers)
                .into_iter()
                .find(|q| q.key == key)
                .expect("question of the error");
            if question.required || answers.get(key).is_none() {
                answers.set_one(key, default_answer(question));
            } else {
                answers.remove(key);
            }
            touched.push(key.to_string());
        }
    }
    panic!("the payload does not complete: {answers:?}");
}
