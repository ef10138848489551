//! `/bo/courriels`: the e-mails of the local outbox, for super admins,
//! when the embedded default writes them there instead of sending them.
//! Each one is shown as it would be read: its HTML in a sandboxed frame
//! (no script, no request out, its own strict policy) and its text part.
//! Routed only while the outbox is the transport (`web::router`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use histologe_application::AppError;
use histologe_core::time::date_time_fr;

use super::super::WebState;
use super::super::errors::{WebError, render};
use super::role_label;
use super::session::Staff;

/// The most recent e-mails listed.
const SHOWN: usize = 200;

/// What the frame of one e-mail may do: show its inline styles and
/// embedded images, nothing else; framed by this site only.
const FRAME_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                         frame-ancestors 'self'; sandbox";

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/bo/courriels", get(list))
        .route("/bo/courriels/{id}", get(show))
        .route("/bo/courriels/{id}/html", get(frame))
}

struct Line {
    id: String,
    to: String,
    subject: String,
    template: String,
    date: String,
}

#[derive(Template)]
#[template(path = "bo/courriels.html")]
struct ListPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    lines: Vec<Line>,
    shown: usize,
}

#[derive(Template)]
#[template(path = "bo/courriel.html")]
struct ShowPage<'a> {
    platform: &'a str,
    role: &'a str,
    section: &'a str,
    id: String,
    to: String,
    subject: String,
    template: String,
    tag: String,
    date: String,
    has_html: bool,
    /// The text part cut into plain runs and links (`true`), so that a
    /// link of the e-mail can be followed from the page.
    text: Vec<(String, bool)>,
}

/// `text` as runs of plain text and of `http(s)://` links.
fn linkify(text: &str) -> Vec<(String, bool)> {
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
    {
        plain.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        // A sentence's final punctuation is not part of the link.
        let link = tail[..end].trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
        if !plain.is_empty() {
            runs.push((std::mem::take(&mut plain), false));
        }
        runs.push((link.to_string(), true));
        rest = &tail[link.len()..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        runs.push((plain, false));
    }
    runs
}

async fn list(State(state): State<WebState>, Staff(actor): Staff) -> Result<Response, WebError> {
    let lines = state
        .app
        .mail_outbox(&actor, SHOWN)
        .await?
        .into_iter()
        .map(|e| Line {
            id: e.id,
            to: e.to.join(", "),
            subject: e.subject,
            template: e.template,
            date: date_time_fr(e.sent_at),
        })
        .collect();
    Ok(render(&ListPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "taches",
        lines,
        shown: SHOWN,
    }))
}

async fn entry(
    state: &WebState,
    actor: &histologe_core::Actor,
    id: &str,
) -> Result<histologe_ports::OutboxEntry, WebError> {
    state
        .app
        .mail_outbox_entry(actor, id)
        .await?
        .ok_or(WebError(AppError::NotFound("e-mail")))
}

async fn show(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let e = entry(&state, &actor, &id).await?;
    Ok(render(&ShowPage {
        platform: &state.settings.platform_name,
        role: role_label(&actor),
        section: "taches",
        id: e.id,
        to: e.to.join(", "),
        subject: e.subject,
        template: e.template,
        tag: e.tag,
        date: date_time_fr(e.sent_at),
        has_html: e.html.is_some(),
        text: linkify(&e.text),
    }))
}

/// The HTML part alone, for the frame of `show`.
async fn frame(
    State(state): State<WebState>,
    Staff(actor): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let e = entry(&state, &actor, &id).await?;
    let mut response = Html(e.html.unwrap_or_default()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FRAME_CSP),
    );
    // `security::headers` would deny every frame: this one is framed by
    // the page above, on this site only (the policy's frame-ancestors).
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::linkify;

    #[test]
    fn links_of_the_text_part_become_links() {
        assert_eq!(
            linkify("Ouvrez https://x.fr/activation/abc. Merci\nhttp://y.fr"),
            vec![
                ("Ouvrez ".to_string(), false),
                ("https://x.fr/activation/abc".to_string(), true),
                (". Merci\n".to_string(), false),
                ("http://y.fr".to_string(), true),
            ]
        );
        assert_eq!(linkify("rien"), vec![("rien".to_string(), false)]);
        assert_eq!(linkify(""), Vec::<(String, bool)>::new());
    }
}
