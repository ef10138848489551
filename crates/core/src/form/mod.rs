//! The public signalement form as data: its screens, their questions and
//! the conditions that show them, evaluated here on the server
//! (decision 0016).
//!
//! `data/form/screens.json` holds the screens; the désordres screens are
//! generated from the grid. Everything reads the answers through a "walk"
//! of the form in order, which keeps only the answers of the questions
//! currently shown: an answer left behind by a changed profile or zone
//! neither shows a screen, nor is checked, nor reaches the signalement.

pub mod answers;
pub mod condition;
mod definition;
mod desordres_screens;
mod mapping;
mod recap;
mod validate;

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::desordres::DesordreGrid;
use crate::validation::ValidationErrors;

pub use answers::Answers;
pub use definition::{Choice, FormError, Question, QuestionKind, REVIEW_SLUG, Screen, ScreenKind};
pub use desordres_screens::precision_key;
pub use mapping::FormOutcome;
pub use recap::RecapSection;

use definition::{RawEntry, RawForm};

/// The screens of the reference form, embedded so that core reads no file.
const SCREENS_JSON: &str = include_str!("../../../../data/form/screens.json");

#[derive(Debug)]
pub struct Form {
    screens: Vec<Screen>,
    /// The grid the désordres screens were generated from.
    grid: DesordreGrid,
}

/// The form walked in order for some answers.
pub(crate) struct Walk<'a> {
    /// Every screen with whether it is shown and its shown questions.
    pub screens: Vec<(&'a Screen, bool, Vec<&'a Question>)>,
    /// The answers of shown questions on shown screens only.
    pub effective: Answers,
}

impl<'a> Walk<'a> {
    pub fn shown(&self) -> impl Iterator<Item = (&'a Screen, &[&'a Question])> {
        self.screens
            .iter()
            .filter(|(_, shown, _)| *shown)
            .map(|(s, _, q)| (*s, q.as_slice()))
    }

    pub fn questions_of(&self, slug: &str) -> Vec<&'a Question> {
        self.screens
            .iter()
            .find(|(s, _, _)| s.slug == slug)
            .map(|(_, _, q)| q.clone())
            .unwrap_or_default()
    }

    pub fn is_shown(&self, slug: &str) -> bool {
        self.screens
            .iter()
            .any(|(s, shown, _)| *shown && s.slug == slug)
    }
}

impl Form {
    /// The reference form, parsed and checked once.
    pub fn reference() -> &'static Form {
        static FORM: OnceLock<Form> = OnceLock::new();
        FORM.get_or_init(|| {
            Form::from_json(SCREENS_JSON, DesordreGrid::reference())
                // The file is part of the build and a unit test loads it.
                .unwrap_or_else(|e| panic!("data/form/screens.json: {e}"))
        })
    }

    /// Reads a form definition and generates its désordres screens from `grid`.
    pub fn from_json(json: &str, grid: &DesordreGrid) -> Result<Form, FormError> {
        let raw: RawForm = serde_json::from_str(json)?;
        let mut screens = Vec::new();
        for entry in raw.screens {
            match entry {
                RawEntry::Screen(screen) => screens.push(screen),
                RawEntry::Generated { generate } => {
                    screens.extend(desordres_screens::generate(grid, generate));
                }
            }
        }
        Ok(Form {
            screens: definition::compile(screens)?,
            grid: grid.clone(),
        })
    }

    /// Every screen, shown or not, in order.
    pub fn screens(&self) -> &[Screen] {
        &self.screens
    }

    pub fn first(&self) -> &Screen {
        // `compile` guarantees at least the review screen.
        &self.screens[0]
    }

    pub fn screen(&self, slug: &str) -> Option<&Screen> {
        self.screens.iter().find(|s| s.slug == slug)
    }

    pub(crate) fn walk(&self, answers: &Answers) -> Walk<'_> {
        let mut effective = Answers::new();
        let mut screens = Vec::with_capacity(self.screens.len());
        for screen in &self.screens {
            let shown = screen.is_shown(&effective);
            // Questions of a hidden screen are still worked out (the web
            // layer may show one), on a copy that does not leak.
            let mut scratch = if shown { None } else { Some(effective.clone()) };
            let target = scratch.as_mut().unwrap_or(&mut effective);
            let mut visible = Vec::new();
            for question in &screen.questions {
                if question.is_shown(target) {
                    visible.push(question);
                    if question.takes_answer() && !answers.values(&question.key).is_empty() {
                        target.set(question.key.clone(), answers.values(&question.key).to_vec());
                    }
                }
            }
            screens.push((screen, shown, visible));
        }
        Walk { screens, effective }
    }

    /// Shown screens, in order.
    pub fn visible_screens(&self, answers: &Answers) -> Vec<&Screen> {
        self.walk(answers).shown().map(|(s, _)| s).collect()
    }

    /// The next shown screen after `slug` (which need not be shown).
    pub fn next(&self, slug: &str, answers: &Answers) -> Option<&Screen> {
        let walk = self.walk(answers);
        let at = self.screens.iter().position(|s| s.slug == slug)?;
        walk.screens[at + 1..]
            .iter()
            .find(|(_, shown, _)| *shown)
            .map(|(s, _, _)| *s)
    }

    pub fn previous(&self, slug: &str, answers: &Answers) -> Option<&Screen> {
        let walk = self.walk(answers);
        let at = self.screens.iter().position(|s| s.slug == slug)?;
        walk.screens[..at]
            .iter()
            .rev()
            .find(|(_, shown, _)| *shown)
            .map(|(s, _, _)| *s)
    }

    /// The fields a browser posts from the screen `slug` for `answers`:
    /// each answer of a question it shows (photos aside, they are files).
    /// Test support and the load generator walk the form with it.
    pub fn posted_fields(&self, slug: &str, answers: &Answers) -> Vec<(String, String)> {
        let Some(screen) = self.screen(slug) else {
            return Vec::new();
        };
        self.visible_questions(screen, answers)
            .into_iter()
            .filter(|q| q.takes_answer() && q.kind != QuestionKind::Photos)
            .flat_map(|q| {
                answers
                    .values(&q.key)
                    .iter()
                    .map(|v| (q.key.clone(), v.clone()))
            })
            .collect()
    }

    pub fn visible_questions<'a>(
        &'a self,
        screen: &'a Screen,
        answers: &Answers,
    ) -> Vec<&'a Question> {
        if self
            .screen(&screen.slug)
            .is_some_and(|s| std::ptr::eq(s, screen))
        {
            return self.walk(answers).questions_of(&screen.slug);
        }
        // A screen from elsewhere: its own conditions on the raw answers.
        screen
            .questions
            .iter()
            .filter(|q| q.is_shown(answers))
            .collect()
    }

    /// Replaces the answers of `screen`'s questions by `posted` (so an
    /// unticked box is cleared), keeps every other answer. Photos are the
    /// web layer's business and are left alone.
    pub fn merge_screen(&self, screen: &Screen, answers: &mut Answers, posted: &Answers) {
        for question in screen.questions.iter().filter(|q| q.takes_answer()) {
            let values: Vec<String> = posted
                .values(&question.key)
                .iter()
                .filter(|v| !v.trim().is_empty())
                .cloned()
                .collect();
            if values.is_empty() {
                answers.remove(&question.key);
            } else {
                answers.set(question.key.clone(), values);
            }
        }
    }

    /// The errors of `screen`'s shown questions. Without a date, dates are
    /// not checked against today: see [`Form::validate_screen_on`].
    pub fn validate_screen(&self, screen: &Screen, answers: &Answers) -> ValidationErrors {
        self.validate_screen_on(screen, answers, None)
    }

    /// As [`Form::validate_screen`], refusing dates after `today` (core has
    /// no clock: the caller passes its own).
    pub fn validate_screen_on(
        &self,
        screen: &Screen,
        answers: &Answers,
        today: Option<NaiveDate>,
    ) -> ValidationErrors {
        let walk = self.walk(answers);
        let questions = self.visible_questions(screen, answers);
        validate::questions(&questions, &walk.effective, today)
    }

    /// Every shown screen up to the review: the first one with errors.
    pub fn validate_all(&self, answers: &Answers) -> Result<(), (String, ValidationErrors)> {
        self.validate_all_on(answers, None)
    }

    pub fn validate_all_on(
        &self,
        answers: &Answers,
        today: Option<NaiveDate>,
    ) -> Result<(), (String, ValidationErrors)> {
        let walk = self.walk(answers);
        for (screen, questions) in walk.shown() {
            if screen.kind == ScreenKind::Review {
                continue;
            }
            let errors = validate::questions(questions, &walk.effective, today);
            if !errors.is_empty() {
                return Err((screen.slug.clone(), errors));
            }
        }
        mapping::check_some_desordre(&walk, &self.grid)
    }

    pub fn recap(&self, answers: &Answers) -> Vec<RecapSection> {
        recap::build(&self.walk(answers))
    }

    /// The answers mapped to the domain input; errors keyed by question key.
    pub fn to_new_signalement(&self, answers: &Answers) -> Result<FormOutcome, ValidationErrors> {
        self.to_new_signalement_on(answers, None)
    }

    pub fn to_new_signalement_on(
        &self,
        answers: &Answers,
        today: Option<NaiveDate>,
    ) -> Result<FormOutcome, ValidationErrors> {
        mapping::to_new_signalement(&self.walk(answers), &self.grid, today)
    }
}

#[cfg(any(test, feature = "test-support"))]
pub mod payloads;
#[cfg(test)]
mod tests;
