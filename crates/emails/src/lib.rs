//! The e-mails of the platform, rendered from our own templates: one
//! layout in HTML (tables and inline styles, as mail clients need, in the
//! State's sober style) and one in plain text, both filled with the blocks
//! of a [`Message`] — the paragraphs, quoted messages, action buttons and
//! per-case sections each e-mail type of the application builds from what
//! it read. Every e-mail names the configured platform ([`Platform`]),
//! never a hard-coded one, and carries Brevo's tag for its type.
//!
//! Subjects carry no personal data: a signalement's reference at most,
//! never a name, an address nor a code.

use askama::Template;

pub mod format;

/// The name the platform goes by when its configuration names none.
pub const DEFAULT_PLATFORM_NAME: &str = "Signal Logement";

/// What every e-mail says of the platform that sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    name: String,
    base_url: String,
}

impl Platform {
    /// `base_url` without its trailing slash, e.g. `https://signal-logement.beta.gouv.fr`.
    pub fn new(name: impl Into<String>, base_url: impl Into<String>) -> Self {
        let base_url: String = base_url.into();
        Platform {
            name: name.into(),
            base_url: base_url.trim_end_matches('/').to_string(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `path` (starting with `/`) on the platform's site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// One block of an e-mail's body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Text(String),
    /// Someone's words, quoted as written (a suivi's message).
    Quote { label: String, text: String },
    /// The action the e-mail asks for: a button, its address also written
    /// in full for clients that hide buttons.
    Button { label: String, url: String },
    /// A group of lines under a heading (a case in the daily digest), with
    /// an optional link.
    Section {
        heading: String,
        lines: Vec<String>,
        link: Option<(String, String)>,
    },
    /// A small print: why one receives it, how long a link lasts.
    Note(String),
}

/// An e-mail before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The type's name, snake_case (`usager_accuse_reception`).
    pub template: String,
    /// Brevo's tag for the type.
    pub tag: &'static str,
    pub subject: String,
    /// `Bonjour Camille,`; `Bonjour,` when the name is not known.
    pub greeting: String,
    pub blocks: Vec<Block>,
}

impl Message {
    pub fn new(template: impl Into<String>, tag: &'static str, subject: impl Into<String>) -> Self {
        Message {
            template: template.into(),
            tag,
            subject: subject.into(),
            greeting: "Bonjour,".to_string(),
            blocks: Vec::new(),
        }
    }

    /// Greets `name` (a first name; blank: a plain "Bonjour,").
    pub fn hello(mut self, name: &str) -> Self {
        let name = name.trim();
        self.greeting = if name.is_empty() {
            "Bonjour,".to_string()
        } else {
            format!("Bonjour {name},")
        };
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    pub fn quote(mut self, label: impl Into<String>, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Quote {
            label: label.into(),
            text: text.into(),
        });
        self
    }

    pub fn button(mut self, label: impl Into<String>, url: impl Into<String>) -> Self {
        self.blocks.push(Block::Button {
            label: label.into(),
            url: url.into(),
        });
        self
    }

    pub fn section(
        mut self,
        heading: impl Into<String>,
        lines: Vec<String>,
        link: Option<(String, String)>,
    ) -> Self {
        self.blocks.push(Block::Section {
            heading: heading.into(),
            lines,
            link,
        });
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Note(text.into()));
        self
    }

    /// The e-mail for `platform`, HTML and text.
    ///
    /// # Errors
    /// A template that fails to render: a bug, never a condition to retry.
    pub fn render(&self, platform: &Platform) -> Result<Rendered, askama::Error> {
        let html = HtmlLayout {
            m: self,
            p: platform,
        }
        .render()?;
        let text = TextLayout {
            m: self,
            p: platform,
        }
        .render()?;
        Ok(Rendered {
            subject: self.subject.clone(),
            html,
            text: tidy_text(&text),
            template: self.template.clone(),
            tag: self.tag,
        })
    }
}

/// An e-mail ready for the `Mailer` port, but its recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
    pub template: String,
    pub tag: &'static str,
}

#[derive(Template)]
#[template(path = "layout.html")]
struct HtmlLayout<'a> {
    m: &'a Message,
    p: &'a Platform,
}

#[derive(Template)]
#[template(path = "layout.txt")]
struct TextLayout<'a> {
    m: &'a Message,
    p: &'a Platform,
}

/// Plain text as a mail client shows it best: no trailing spaces, at most
/// one blank line in a row, one final newline.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.trim().lines().map(str::trim_end) {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
