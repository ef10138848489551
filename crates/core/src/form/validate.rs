//! Checks of the answers to shown questions, with French messages for the
//! person filling the form. Parsing reuses `crate::validation`, so an
//! e-mail accepted here is one the signalement accepts.

use chrono::{Datelike, NaiveDate};

use super::answers::Answers;
use super::condition::parse_number;
use super::definition::{Question, QuestionKind};
use crate::validation::{Email, FieldError, Phone, PostalCode, ValidationErrors};

pub(crate) const REQUIRED: &str = "Ce champ est obligatoire.";

/// Checks `questions` (the shown ones of a screen) against `answers` (the
/// effective answers, which cross-field rules read too).
pub(crate) fn questions(
    questions: &[&Question],
    answers: &Answers,
    today: Option<NaiveDate>,
) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    for question in questions {
        if let Some(error) = question_error(question, answers, today) {
            errors.add(question.key.clone(), error);
        }
    }
    errors
}

fn question_error(q: &Question, answers: &Answers, today: Option<NaiveDate>) -> Option<FieldError> {
    if !q.takes_answer() {
        return None;
    }
    let values: Vec<&str> = answers
        .values(&q.key)
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let Some(first) = values.first().copied() else {
        return q.required.then(|| {
            let message = q.rules.message.clone().unwrap_or_else(|| match q.kind {
                QuestionKind::Checkboxes => "Cochez au moins une case.".to_string(),
                QuestionKind::Consent => "Cochez cette case pour continuer.".to_string(),
                QuestionKind::Radio | QuestionKind::Select => "Choisissez une réponse.".to_string(),
                _ => REQUIRED.to_string(),
            });
            FieldError::new("required", message)
        });
    };
    if let Some(max) = q.max_length
        && values.iter().any(|v| v.chars().count() > max)
    {
        return Some(FieldError::new(
            "too_long",
            format!("Ce champ ne doit pas dépasser {max} caractères."),
        ));
    }
    if let Some(min) = q.rules.min_length
        && first.chars().count() < min
    {
        return Some(FieldError::new(
            "too_short",
            format!("Écrivez au moins {min} caractères."),
        ));
    }
    match q.kind {
        QuestionKind::Text | QuestionKind::Textarea => {
            if q.rules.postal_code {
                return PostalCode::parse(first).err();
            }
            None
        }
        QuestionKind::Email => {
            let email = match Email::parse(first) {
                Ok(email) => email,
                Err(e) => return Some(e),
            };
            let other = q
                .rules
                .differs_from
                .as_deref()
                .and_then(|k| answers.get(k))
                .and_then(|v| Email::parse(v).ok());
            other.filter(|o| o.same_address(&email)).map(|_| {
                FieldError::new(
                    "email.same",
                    "Indiquez une adresse différente de la vôtre : chacun reçoit son propre lien de suivi.",
                )
            })
        }
        QuestionKind::Phone => Phone::parse(first).err(),
        QuestionKind::Integer | QuestionKind::Decimal => number_error(q, first, answers),
        QuestionKind::Date => date_error(first, today),
        QuestionKind::MonthYear => month_year_error(first, today),
        QuestionKind::Radio | QuestionKind::Select | QuestionKind::Checkboxes => {
            let unknown = values.iter().any(|v| q.choice_label(v).is_none());
            let too_many = q.kind != QuestionKind::Checkboxes && values.len() > 1;
            (unknown || too_many).then(|| {
                FieldError::new("choice.invalid", "Choisissez parmi les réponses proposées.")
            })
        }
        QuestionKind::Consent => (!is_ticked(first))
            .then(|| FieldError::new("consent.invalid", "Cochez cette case pour continuer.")),
        QuestionKind::Photos | QuestionKind::Info => None,
    }
}

/// What a ticked checkbox posts ("1" from our forms, "on" by default).
pub(crate) fn is_ticked(value: &str) -> bool {
    matches!(value.trim(), "1" | "on" | "true" | "oui")
}

pub(crate) fn parse_integer(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn number_error(q: &Question, text: &str, answers: &Answers) -> Option<FieldError> {
    let value = if q.kind == QuestionKind::Integer {
        match parse_integer(text) {
            Some(n) => f64::from(n),
            None => {
                return Some(FieldError::new(
                    "integer.invalid",
                    "Indiquez un nombre entier, sans virgule ni espace.",
                ));
            }
        }
    } else {
        match parse_number(text) {
            Some(n) if (0.0..1e9).contains(&n) => n,
            _ => {
                return Some(FieldError::new(
                    "number.invalid",
                    "Indiquez un nombre, par exemple 45 ou 45,5.",
                ));
            }
        }
    };
    if q.rules.positive && value <= 0.0 {
        return Some(FieldError::new(
            "number.not_positive",
            "Indiquez un nombre supérieur à 0.",
        ));
    }
    if let Some((other, message)) = &q.rules.at_most
        && let Some(limit) = answers.get(other).and_then(parse_number)
        && value > limit
    {
        return Some(FieldError::new("number.too_big", message.clone()));
    }
    None
}

/// `AAAA-MM-JJ` (what a date input posts) or `JJ/MM/AAAA` (what people type).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

fn date_error(text: &str, today: Option<NaiveDate>) -> Option<FieldError> {
    let Some(date) = parse_date(text) else {
        return Some(FieldError::new(
            "date.invalid",
            "Indiquez une date valide, par exemple 15/03/2020.",
        ));
    };
    if date.year() < 1900 {
        return Some(FieldError::new(
            "date.too_old",
            "Indiquez une date à partir de 1900.",
        ));
    }
    if today.is_some_and(|today| date > today) {
        return Some(FieldError::new(
            "date.future",
            "La date ne peut pas être dans le futur.",
        ));
    }
    None
}

/// `MM/AAAA`, read as the first day of that month.
pub(crate) fn parse_month_year(text: &str) -> Option<NaiveDate> {
    let (month, year) = text.trim().split_once('/')?;
    if month.len() != 2 || year.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(parse_integer(year)? as i32, parse_integer(month)?, 1)
}

fn month_year_error(text: &str, today: Option<NaiveDate>) -> Option<FieldError> {
    let Some(date) = parse_month_year(text) else {
        return Some(FieldError::new(
            "month_year.invalid",
            "Indiquez le mois et l'année sous la forme MM/AAAA, par exemple 03/2024.",
        ));
    };
    if date.year() < 1900 {
        return Some(FieldError::new(
            "date.too_old",
            "Indiquez une date à partir de 1900.",
        ));
    }
    if today.is_some_and(|today| (date.year(), date.month()) > (today.year(), today.month())) {
        return Some(FieldError::new(
            "date.future",
            "La date ne peut pas être dans le futur.",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_months() {
        assert_eq!(
            parse_date("2020-10-01"),
            NaiveDate::from_ymd_opt(2020, 10, 1)
        );
        assert_eq!(
            parse_date("01/10/2020"),
            NaiveDate::from_ymd_opt(2020, 10, 1)
        );
        assert_eq!(parse_date("2020-13-01"), None);
        assert_eq!(
            parse_month_year("11/2024"),
            NaiveDate::from_ymd_opt(2024, 11, 1)
        );
        assert_eq!(parse_month_year("13/2024"), None);
        assert_eq!(parse_month_year("1/2024"), None);
        let today = NaiveDate::from_ymd_opt(2025, 6, 15);
        assert!(date_error("2025-06-16", today).is_some());
        assert!(date_error("2025-06-15", today).is_none());
        assert!(date_error("1899-12-31", today).is_some());
        assert!(month_year_error("06/2025", today).is_none());
        assert!(month_year_error("07/2025", today).is_some());
        assert!(month_year_error("07/2025", None).is_none());
    }
}
