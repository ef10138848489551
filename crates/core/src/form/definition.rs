//! The shapes of the form (screens, questions, choices) and how
//! `data/form/screens.json` is read into them and checked.
//!
//! The file is checked as a whole when it loads (unique slugs, known keys
//! in every condition, choices where choices are needed) so that a typo in
//! the data fails a unit test rather than a visitor.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::answers::Answers;
use super::condition::Condition;

/// Slug of the final recap screen, which carries the consents.
pub const REVIEW_SLUG: &str = "validation_signalement";

#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub slug: String,
    /// Breadcrumb step, e.g. "Adresse et coordonnées".
    pub category: String,
    pub title: String,
    pub intro: Option<String>,
    pub kind: ScreenKind,
    pub questions: Vec<Question>,
    pub(crate) when: Option<Condition>,
}

impl Screen {
    /// Whether the screen's own condition holds (see `Form::visible_screens`).
    pub fn is_shown(&self, answers: &Answers) -> bool {
        self.when.as_ref().is_none_or(|c| c.eval(answers))
    }

    /// The condition as written in the definition, if any.
    pub fn condition(&self) -> Option<&str> {
        self.when.as_ref().map(Condition::source)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenKind {
    Questions,
    /// The final recap screen [`REVIEW_SLUG`], with its consents.
    Review,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub key: String,
    pub label: String,
    pub hint: Option<String>,
    pub kind: QuestionKind,
    pub required: bool,
    pub choices: Vec<Choice>,
    pub max_length: Option<usize>,
    /// HTML `autocomplete` token ("email", "tel", "family-name"…).
    pub autocomplete: Option<String>,
    pub(crate) when: Option<Condition>,
    pub(crate) rules: Rules,
}

impl Question {
    /// Whether the question's own condition holds.
    pub fn is_shown(&self, answers: &Answers) -> bool {
        self.when.as_ref().is_none_or(|c| c.eval(answers))
    }

    /// The condition as written in the definition, if any.
    pub fn condition(&self) -> Option<&str> {
        self.when.as_ref().map(Condition::source)
    }

    /// The label of `value` among the choices, if it is one.
    pub fn choice_label(&self, value: &str) -> Option<&str> {
        self.choices
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label.as_str())
    }

    /// Whether the question takes an answer at all (not a paragraph nor a
    /// file input, which the web layer handles).
    pub fn takes_answer(&self) -> bool {
        !matches!(self.kind, QuestionKind::Info | QuestionKind::Photos)
    }
}

/// Checks beyond the kind, read from the definition.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rules {
    /// Message when a required answer is missing (else a generic one).
    pub message: Option<String>,
    pub min_length: Option<usize>,
    /// Integer/Decimal strictly greater than 0.
    pub positive: bool,
    /// Integer/Decimal not greater than the answer to this key.
    pub at_most: Option<(String, String)>,
    /// E-mail different from the answer to this key (rule 4: two accounts).
    pub differs_from: Option<String>,
    pub postal_code: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Text,
    Textarea,
    Email,
    Phone,
    Integer,
    Decimal,
    /// `AAAA-MM-JJ` (HTML date input) or `JJ/MM/AAAA`.
    Date,
    /// `MM/AAAA`.
    MonthYear,
    Radio,
    Select,
    Checkboxes,
    /// A single mandatory checkbox whose value is "1".
    Consent,
    /// File input, optional, handled by the web layer.
    Photos,
    /// A paragraph only: the label is the text.
    Info,
}

impl QuestionKind {
    pub fn has_choices(self) -> bool {
        matches!(self, Self::Radio | Self::Select | Self::Checkboxes)
    }
}

/// Why the form definition does not load.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("the form definition does not match its format: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Condition(#[from] super::condition::ConditionError),
    #[error("form definition: {0}")]
    Invalid(String),
}

// ---------------------------------------------------------------------------
// The file as written.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawForm {
    pub screens: Vec<RawEntry>,
}

/// A screen, or a placeholder where the désordres screens of a zone are
/// generated from the grid.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawEntry {
    Generated { generate: GeneratedZone },
    Screen(RawScreen),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum GeneratedZone {
    DesordresBatiment,
    DesordresLogement,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScreen {
    pub slug: String,
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub intro: Option<String>,
    #[serde(default = "default_screen_kind")]
    pub kind: ScreenKind,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
}

fn default_screen_kind() -> ScreenKind {
    ScreenKind::Questions
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
    pub kind: QuestionKind,
    /// Defaults to true, except for Info and Photos.
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub autocomplete: Option<String>,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub positive: bool,
    /// `[key, message]`.
    #[serde(default)]
    pub at_most: Option<(String, String)>,
    #[serde(default)]
    pub differs_from: Option<String>,
    #[serde(default)]
    pub check: Option<Check>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Check {
    PostalCode,
}

impl RawQuestion {
    /// A question built in code (the generated désordres screens).
    pub fn new(key: impl Into<String>, label: impl Into<String>, kind: QuestionKind) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            hint: None,
            kind,
            required: None,
            choices: Vec::new(),
            max_length: None,
            min_length: None,
            autocomplete: None,
            when: None,
            message: None,
            positive: false,
            at_most: None,
            differs_from: None,
            check: None,
        }
    }
}

/// Turns the raw screens into checked ones.
pub(crate) fn compile(raw: Vec<RawScreen>) -> Result<Vec<Screen>, FormError> {
    let invalid = |m: String| FormError::Invalid(m);
    let mut slugs = HashSet::new();
    // A key may repeat within one screen (variants of a question under
    // exclusive conditions), never across screens: `merge_screen` replaces
    // a screen's keys wholesale.
    let mut key_screen: HashMap<&str, &str> = HashMap::new();
    for screen in &raw {
        if !slugs.insert(screen.slug.as_str()) {
            return Err(invalid(format!("screen `{}` appears twice", screen.slug)));
        }
        for q in &screen.questions {
            match key_screen.insert(&q.key, &screen.slug) {
                Some(other) if other != screen.slug => {
                    return Err(invalid(format!(
                        "key `{}` is on screens `{other}` and `{}`",
                        q.key, screen.slug
                    )));
                }
                _ => {}
            }
        }
    }
    let known = |key: &str| key_screen.contains_key(key);
    let parse = |source: &Option<String>| -> Result<Option<Condition>, FormError> {
        source
            .as_deref()
            .map(|s| Condition::parse(s, &known))
            .transpose()
            .map_err(FormError::from)
    };
    // A condition reads answers given before it: the form is walked in
    // order, so a later answer could not be known when the screen shows.
    let mut asked: HashSet<&str> = HashSet::new();
    let check_order = |c: &Option<Condition>, asked: &HashSet<&str>, what: &str| match c
        .iter()
        .flat_map(Condition::keys)
        .find(|k| !asked.contains(k.as_str()))
    {
        Some(k) => Err(invalid(format!(
            "{what} reads `{k}`, which is not asked before it"
        ))),
        None => Ok(()),
    };
    let mut screens = Vec::with_capacity(raw.len());
    for rs in &raw {
        let screen_when = parse(&rs.when)?;
        check_order(&screen_when, &asked, &format!("screen `{}`", rs.slug))?;
        let mut questions = Vec::with_capacity(rs.questions.len());
        for rq in &rs.questions {
            let at = |m: &str| invalid(format!("question `{}`: {m}", rq.key));
            let when = parse(&rq.when)?;
            check_order(&when, &asked, &format!("question `{}`", rq.key))?;
            asked.insert(&rq.key);
            if rq.kind.has_choices() == rq.choices.is_empty() {
                return Err(at(
                    "choices are for radio, select and checkboxes only, and they need some",
                ));
            }
            let answerless = matches!(rq.kind, QuestionKind::Info | QuestionKind::Photos);
            let required = rq.required.unwrap_or(!answerless);
            if answerless && required {
                return Err(at("info and photos cannot be required"));
            }
            for other in [
                rq.at_most.as_ref().map(|(k, _)| k),
                rq.differs_from.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                if !known(other) {
                    return Err(at(&format!("unknown key `{other}`")));
                }
            }
            questions.push(Question {
                key: rq.key.clone(),
                label: rq.label.clone(),
                hint: rq.hint.clone(),
                kind: rq.kind,
                required,
                choices: rq.choices.clone(),
                max_length: rq.max_length,
                autocomplete: rq.autocomplete.clone(),
                when,
                rules: Rules {
                    message: rq.message.clone(),
                    min_length: rq.min_length,
                    positive: rq.positive,
                    at_most: rq.at_most.clone(),
                    differs_from: rq.differs_from.clone(),
                    postal_code: rq.check == Some(Check::PostalCode),
                },
            });
        }
        screens.push(Screen {
            slug: rs.slug.clone(),
            category: rs.category.clone(),
            title: rs.title.clone(),
            intro: rs.intro.clone(),
            kind: rs.kind,
            questions,
            when: screen_when,
        });
    }
    let reviews: Vec<usize> = screens
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ScreenKind::Review)
        .map(|(i, _)| i)
        .collect();
    // The review comes after every question screen, so that `validate_all`
    // checks "everything before the review".
    if reviews != [screens.len().saturating_sub(1)]
        || screens.last().map(|s| s.slug.as_str()) != Some(REVIEW_SLUG)
    {
        return Err(invalid(format!(
            "exactly one review screen `{REVIEW_SLUG}`, the last one, is expected"
        )));
    }
    Ok(screens)
}
