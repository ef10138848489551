//! What the form's templates show, computed from the form's definition,
//! the answers and the errors, so templates only lay it out.

use askama::Template;
use histologe_core::form::{Answers, Question, QuestionKind, RecapSection, Screen, ScreenKind};
use histologe_core::model::SignalementDraft;
use histologe_core::validation::ValidationErrors;

use super::super::WebState;
use super::STAGED_PHOTOS;
use histologe_application::StagedPhoto;

#[derive(Template)]
#[template(path = "signalement/intro.html")]
pub struct IntroPage<'a> {
    pub platform: &'a str,
    pub profil: &'a str,
}

#[derive(Template)]
#[template(path = "signalement/closed.html")]
pub struct ClosedTerritoryPage<'a> {
    pub platform: &'a str,
    pub message: &'a str,
    pub back: String,
}

#[derive(Template)]
#[template(path = "signalement/later.html")]
pub struct LaterPage<'a> {
    pub platform: &'a str,
    pub sent: bool,
    pub link: String,
}

#[derive(Template)]
#[template(path = "signalement/confirmation.html")]
pub struct ConfirmationPage<'a> {
    pub platform: &'a str,
    pub reference: &'a str,
    pub tracking_url: String,
    pub tracking_path: String,
}

#[derive(Template)]
#[template(path = "signalement/step.html")]
pub struct StepPage<'a> {
    pub platform: &'a str,
    pub step: StepView<'a>,
}

/// A step of the form as its partial (`signalement/_step_form.html`)
/// shows it, in the public layout or the back-office's.
pub struct StepView<'a> {
    pub action: String,
    pub preview: String,
    pub title: &'a str,
    pub intro: Option<&'a str>,
    pub category: &'a str,
    pub step_number: usize,
    pub step_count: usize,
    pub next_category: Option<&'a str>,
    pub questions: Vec<QuestionView>,
    pub errors: Vec<(String, String)>,
    pub has_previous: bool,
    pub is_review: bool,
    pub recap: Vec<RecapView>,
    pub staged_photos: Vec<String>,
    /// htmx re-renders the questions when an answer changes (not on
    /// screens with a file input, whose file would be sent each time).
    pub enhance: bool,
    pub can_finish_later: bool,
    /// The last step's button.
    pub submit_label: &'static str,
    /// The button that keeps the draft for later.
    pub later_label: &'static str,
}

pub struct RecapView {
    pub title: String,
    pub edit: String,
    pub items: Vec<(String, String)>,
}

pub struct QuestionView {
    pub key: String,
    pub id: String,
    pub label: String,
    pub hint: Option<String>,
    /// `text`, `textarea`, `radio`, `select`, `checkboxes`, `consent`,
    /// `photos`, `info`.
    pub widget: &'static str,
    pub input_type: &'static str,
    pub inputmode: &'static str,
    pub required: bool,
    pub value: String,
    pub max_length: Option<usize>,
    pub autocomplete: Option<String>,
    pub placeholder: &'static str,
    pub choices: Vec<ChoiceView>,
    pub error: Option<String>,
    pub autofocus: bool,
}

impl QuestionView {
    /// `aria-describedby` of the input: its hint and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

pub struct ChoiceView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
    pub checked: bool,
}

fn html_id(key: &str) -> String {
    format!(
        "q-{}",
        key.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
            "-"
        )
    )
}

fn question_view(
    question: &Question,
    answers: &Answers,
    errors: &ValidationErrors,
) -> QuestionView {
    let (widget, input_type, inputmode, placeholder) = match question.kind {
        QuestionKind::Text => ("text", "text", "", ""),
        QuestionKind::Textarea => ("textarea", "text", "", ""),
        QuestionKind::Email => ("text", "email", "email", ""),
        QuestionKind::Phone => ("text", "tel", "tel", ""),
        QuestionKind::Integer => ("text", "text", "numeric", ""),
        QuestionKind::Decimal => ("text", "text", "decimal", ""),
        QuestionKind::Date => ("text", "date", "", ""),
        QuestionKind::MonthYear => ("text", "text", "numeric", "MM/AAAA"),
        QuestionKind::Radio => ("radio", "", "", ""),
        QuestionKind::Select => ("select", "", "", ""),
        QuestionKind::Checkboxes => ("checkboxes", "", "", ""),
        QuestionKind::Consent => ("consent", "", "", ""),
        QuestionKind::Photos => ("photos", "file", "", ""),
        QuestionKind::Info => ("info", "", "", ""),
    };
    let id = html_id(&question.key);
    let choices = question
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| ChoiceView {
            id: format!("{id}-{i}"),
            value: c.value.clone(),
            label: c.label.clone(),
            hint: c.hint.clone(),
            checked: answers.has(&question.key, &c.value),
        })
        .collect();
    QuestionView {
        key: question.key.clone(),
        id,
        label: question.label.clone(),
        hint: question.hint.clone(),
        widget,
        input_type,
        inputmode,
        required: question.required,
        value: answers
            .values(&question.key)
            .first()
            .cloned()
            .unwrap_or_default(),
        max_length: question.max_length,
        autocomplete: question.autocomplete.clone(),
        placeholder,
        choices,
        error: errors.get(&question.key).map(|e| e.message.clone()),
        autofocus: false,
    }
}

impl<'a> StepPage<'a> {
    pub fn new(
        state: &'a WebState,
        draft: &SignalementDraft,
        screen: &'a Screen,
        answers: &Answers,
        errors: &ValidationErrors,
    ) -> StepPage<'a> {
        let base = format!("/signalement/brouillon/{}", draft.id);
        StepPage {
            platform: &state.settings.platform_name,
            step: StepView::under(state, &base, screen, answers, errors),
        }
    }
}

impl<'a> StepView<'a> {
    /// The step of the draft whose pages are under `draft_path` (the
    /// public form's, or the back-office's professional form).
    pub fn under(
        state: &'a WebState,
        draft_path: &str,
        screen: &'a Screen,
        answers: &Answers,
        errors: &ValidationErrors,
    ) -> StepView<'a> {
        let form = state.form;
        let mut questions: Vec<QuestionView> = form
            .visible_questions(screen, answers)
            .into_iter()
            .map(|q| question_view(q, answers, errors))
            .collect();
        // Without JavaScript, the browser puts the cursor on the first
        // field to correct.
        if let Some(first) = questions.iter_mut().find(|q| q.error.is_some()) {
            first.autofocus = true;
        }
        let mut listed: Vec<(String, String)> = questions
            .iter()
            .filter_map(|q| {
                q.error
                    .clone()
                    .map(|e| (format!("#{}", q.id), format!("{} : {e}", q.label)))
            })
            .collect();
        // Errors on answers of another screen (a final check) still show.
        for (key, error) in errors.iter() {
            if !questions.iter().any(|q| q.key == key) {
                listed.push((String::new(), error.message.clone()));
            }
        }
        let visible = form.visible_screens(answers);
        let mut categories: Vec<&str> = Vec::new();
        for s in &visible {
            if categories.last() != Some(&s.category.as_str())
                && !categories.contains(&s.category.as_str())
            {
                categories.push(&s.category);
            }
        }
        let position = categories
            .iter()
            .position(|c| *c == screen.category)
            .unwrap_or(0);
        let base = format!("{draft_path}/etape/{}", screen.slug);
        let is_review = screen.kind == ScreenKind::Review;
        let recap = if is_review {
            form.recap(answers)
                .into_iter()
                .map(
                    |RecapSection {
                         screen,
                         title,
                         items,
                     }| RecapView {
                        edit: format!("{draft_path}/etape/{screen}"),
                        title,
                        items,
                    },
                )
                .collect()
        } else {
            Vec::new()
        };
        let enhance = !questions.iter().any(|q| q.widget == "photos");
        StepView {
            preview: format!("{base}/apercu"),
            action: base,
            title: &screen.title,
            intro: screen.intro.as_deref(),
            category: &screen.category,
            step_number: position + 1,
            step_count: categories.len().max(1),
            next_category: categories.get(position + 1).copied(),
            questions,
            errors: listed,
            has_previous: form.previous(&screen.slug, answers).is_some(),
            is_review,
            recap,
            staged_photos: answers
                .values(STAGED_PHOTOS)
                .iter()
                .filter_map(|v| StagedPhoto::from_answer(v))
                .map(|p| p.file_name)
                .collect(),
            enhance,
            can_finish_later: true,
            submit_label: "Envoyer mon signalement",
            later_label: "Finir plus tard",
        }
    }
}
