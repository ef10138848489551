//! One stylesheet with only the DSFR the pages use: its core, the color
//! scheme, the components the templates name, and the rules of the icons
//! they show, built once at start from the files npm installed.
//!
//! The whole `dsfr.min.css` and its icon sheet are 1 MB (120 kB
//! compressed) of render-blocking CSS; a phone on a slow link waits for
//! all of it before the first paint. This bundle is about a third lighter,
//! in the order the DSFR itself concatenates its parts (later rules win
//! ties). Relative `url(…)`s (fonts, icons) are rewritten to the versioned
//! paths of the files they name, since the bundle lives elsewhere.

use std::path::Path;

/// The components the templates use, in the DSFR's own order
/// (`dsfr.min.css`). `tests::every_component_a_template_uses_is_bundled`
/// fails when a template starts using another one.
pub const COMPONENTS: &[&str] = &[
    "upload",
    "badge",
    "logo",
    "button",
    "breadcrumb",
    "form",
    "stepper",
    "link",
    "callout",
    "pagination",
    "tag",
    "alert",
    "notice",
    "radio",
    "card",
    "checkbox",
    "input",
    "skiplink",
    "select",
    "navigation",
    "footer",
    "tile",
    "password",
    "table",
    "header",
];

/// Components only back-office pages use: the public pages' bundle goes
/// without them (a phone on the public form downloads less CSS).
pub const BACK_OFFICE_ONLY: &[&str] = &[
    "breadcrumb",
    "tag",
    "navigation",
    "password",
    "table",
    "pagination",
];

/// Which pages a bundle serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// The public site: the form, the tracking pages, the legal pages.
    Public,
    /// The back-office: every component of [`COMPONENTS`].
    BackOffice,
}

/// The icons the templates and scripts show (`fr-icon-…`), checked by
/// `tests::every_icon_a_template_uses_is_bundled`.
pub const ICONS: &[&str] = &[
    "account-circle-line",
    "add-line",
    "arrow-left-line",
    "arrow-right-line",
    "delete-line",
    "download-line",
    "edit-line",
    "list-unordered",
    "logout-box-r-line",
    "mail-line",
    "map-pin-2-line",
    "user-add-line",
];

/// The bundle, `None` when the DSFR is not installed (the pages are then
/// unstyled, as `assets` warns). `asset_url` turns a path under the DSFR's
/// `dist` into the URL it is served at.
pub fn build(dsfr_dist: &Path, pages: Pages, asset_url: impl Fn(&str) -> String) -> Option<String> {
    let mut parts = vec![
        "core/core.min.css".to_string(),
        "scheme/scheme.min.css".to_string(),
    ];
    parts.extend(
        COMPONENTS
            .iter()
            .filter(|c| pages == Pages::BackOffice || !BACK_OFFICE_ONLY.contains(c))
            .map(|c| format!("component/{c}/{c}.min.css")),
    );
    let mut out = String::from("@charset \"UTF-8\";\n");
    for part in &parts {
        let css = std::fs::read_to_string(dsfr_dist.join(part)).ok()?;
        out.push_str(&absolute_urls(strip_header(&css), part, &asset_url));
        out.push('\n');
    }
    let icons_path = "utility/icons/icons.min.css";
    let icons = std::fs::read_to_string(dsfr_dist.join(icons_path)).ok()?;
    let kept = keep_rules(strip_header(&icons), &|selector| {
        selector.split(',').any(|s| {
            let s = s.trim();
            ICONS.iter().any(|icon| {
                s.strip_prefix(".fr-icon-")
                    .and_then(|rest| rest.strip_prefix(icon))
                    .is_some_and(|after| after.starts_with(':'))
            })
        })
    });
    out.push_str(&absolute_urls(&kept, icons_path, &asset_url));
    Some(out)
}

/// Without the licence banner (kept once, by the core) and the charset
/// (one for the whole bundle, first).
fn strip_header(css: &str) -> &str {
    let css = css.trim_start();
    let css = match css.strip_prefix("/*!") {
        Some(rest) if !rest.is_empty() => rest.find("*/").map_or(css, |end| &rest[end + 2..]),
        _ => css,
    };
    css.trim_start()
        .strip_prefix("@charset \"UTF-8\";")
        .unwrap_or(css)
}

/// `url(../fonts/x.woff2)` in the file at `part` → its served URL.
fn absolute_urls(css: &str, part: &str, asset_url: &impl Fn(&str) -> String) -> String {
    let base: Vec<&str> = part.split('/').collect();
    let dir = &base[..base.len() - 1];
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("url(") {
        out.push_str(&rest[..start + 4]);
        rest = &rest[start + 4..];
        let Some(end) = rest.find(')') else { break };
        let raw = rest[..end].trim();
        let quote = raw.chars().next().filter(|c| *c == '"' || *c == '\'');
        let target = quote.map_or(raw, |q| raw.trim_matches(q));
        if target.starts_with("data:") || target.starts_with('/') || target.contains("://") {
            out.push_str(&rest[..end]);
        } else {
            let mut path: Vec<&str> = dir.to_vec();
            for segment in target.split('/') {
                match segment {
                    ".." => {
                        path.pop();
                    }
                    "." | "" => {}
                    s => path.push(s),
                }
            }
            out.push('"');
            out.push_str(&asset_url(&path.join("/")));
            out.push('"');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level rules (and those inside at-rule blocks, kept in their
/// block) whose selector `wanted` accepts.
fn keep_rules(css: &str, wanted: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let head = rest[..open].trim();
        let Some(close) = matching_brace(&rest[open..]) else {
            break;
        };
        let body = &rest[open + 1..open + close];
        if head.starts_with('@') {
            let inner = keep_rules(body, wanted);
            if !inner.is_empty() {
                out.push_str(head);
                out.push('{');
                out.push_str(&inner);
                out.push('}');
            }
        } else if wanted(head) {
            out.push_str(head);
            out.push('{');
            out.push_str(body);
            out.push('}');
        }
        rest = &rest[open + close + 1..];
    }
    out
}

/// The offset of the brace closing the one `text` starts with.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every template and script of the site, as written.
    fn sources() -> String {
        sources_in(&["templates", "static", "src/web"], &[])
    }

    /// The files under `dirs`, except those under `except`.
    fn sources_in(dirs: &[&str], except: &[&str]) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let skipped: Vec<_> = except.iter().map(|e| root.join(e)).collect();
        let mut text = String::new();
        for dir in dirs {
            let mut stack = vec![root.join(dir)];
            while let Some(path) = stack.pop() {
                if skipped.iter().any(|s| path.starts_with(s)) {
                    continue;
                }
                if path.is_dir() {
                    for entry in std::fs::read_dir(&path).expect("dir") {
                        stack.push(entry.expect("entry").path());
                    }
                } else if path.file_name().is_some_and(|n| n != "dsfr_bundle.rs") {
                    text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        text
    }

    fn names_after(text: &str, prefix: &str) -> std::collections::BTreeSet<String> {
        let mut found = std::collections::BTreeSet::new();
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            rest = &rest[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'
                })
                .collect();
            // A class: lowercase (`fr-FR` is a locale).
            let next = rest[name.len()..].chars().next();
            if !name.is_empty() && !next.is_some_and(|c| c.is_ascii_uppercase()) {
                found.insert(name);
            }
        }
        found
    }

    #[test]
    fn every_icon_a_template_uses_is_bundled() {
        for icon in names_after(&sources(), "fr-icon-") {
            assert!(
                ICONS.contains(&icon.as_str()),
                "fr-icon-{icon} is used: add it to dsfr_bundle::ICONS"
            );
        }
    }

    /// The block of each class the templates use (`fr-btn--sm` → `btn`),
    /// and the component of the DSFR that styles it; blocks of the core
    /// (grid, spacing, typography, utilities) need none.
    fn missing_components(text: &str, bundled: &[&str]) -> Vec<String> {
        const CORE: &[&str] = &[
            "grid",
            "col",
            "container",
            "mb",
            "mt",
            "my",
            "mr",
            "ml",
            "mx",
            "mv",
            "px",
            "py",
            "p",
            "pt",
            "pb",
            "m",
            "text",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "h",
            "display",
            "sr",
            "raw",
            "enlarge",
            "collapse",
            "hidden",
            "unhidden",
            "icon",
            "scheme",
            "responsive",
            "fi",
            "current",
            "no",
            "displayed",
            "mask",
            "artwork",
            "link",
        ];
        const OF: &[(&str, &str)] = &[
            ("btn", "button"),
            ("btns", "button"),
            ("label", "form"),
            ("fieldset", "form"),
            ("hint", "form"),
            ("error", "form"),
            ("message", "form"),
            ("messages", "form"),
            ("valid", "form"),
            ("info", "form"),
            ("input", "input"),
            ("select", "select"),
            ("checkbox", "checkbox"),
            ("radio", "radio"),
            ("nav", "navigation"),
            ("skiplinks", "skiplink"),
            ("tags", "tag"),
            ("steps", "stepper"),
            ("password", "password"),
            ("upload", "upload"),
        ];
        let mut missing = Vec::new();
        for class in names_after(text, "\"fr-")
            .into_iter()
            .chain(names_after(text, " fr-"))
        {
            let block = class.split(['-', '_']).next().unwrap_or_default();
            if CORE.contains(&block) || block.is_empty() {
                continue;
            }
            let component = OF
                .iter()
                .find(|(b, _)| *b == block)
                .map_or(block, |(_, c)| *c);
            if !bundled.contains(&component) {
                missing.push(format!("fr-{class} needs « {component} »"));
            }
        }
        missing
    }

    #[test]
    fn every_component_a_template_uses_is_bundled() {
        assert_eq!(
            missing_components(&sources(), COMPONENTS),
            Vec::<String>::new(),
            "add them to dsfr_bundle::COMPONENTS, in the DSFR's order"
        );
    }

    #[test]
    fn every_component_a_public_page_uses_is_in_the_public_bundle() {
        let public: Vec<&str> = COMPONENTS
            .iter()
            .copied()
            .filter(|c| !BACK_OFFICE_ONLY.contains(c))
            .collect();
        let mut text = sources_in(&["templates", "static/app.js"], &["templates/bo"]);
        // Back-office templates on the public stylesheet: those that
        // neither extend `bo/base.html` nor choose their stylesheet.
        let bo = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/bo");
        for entry in std::fs::read_dir(bo).expect("templates/bo") {
            let template =
                std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
            let page = template.contains("{% extends");
            if page
                && !template.contains("\"bo/base.html\"")
                && !template.contains("{% block dsfr %}")
            {
                text.push_str(&template);
            }
        }
        assert_eq!(
            missing_components(&text, &public),
            Vec::<String>::new(),
            "a public page uses a back-office-only component: take it out of dsfr_bundle::BACK_OFFICE_ONLY"
        );
    }

    #[test]
    fn a_bundle_follows_the_dsfr_order_and_the_public_one_leaves_out_the_back_office() {
        let dist = tempfile::tempdir().expect("temp dir");
        let write = |path: &str, css: &str| {
            let file = dist.path().join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("dir");
            std::fs::write(file, css).expect("write");
        };
        write(
            "core/core.min.css",
            "/*! DSFR */@charset \"UTF-8\";.core{src:url(../fonts/M.woff2)}",
        );
        write("scheme/scheme.min.css", ".scheme{}");
        for c in COMPONENTS {
            write(
                &format!("component/{c}/{c}.min.css"),
                &format!(".fr-{c}{{}}"),
            );
        }
        write(
            "utility/icons/icons.min.css",
            ".fr-icon-edit-line:before{m:url(../../icons/design/edit-line.svg)}.fr-icon-bug-line:before{m:0}",
        );
        let url = |p: &str| format!("/v/{p}");
        let all = build(dist.path(), Pages::BackOffice, url).expect("bundle");
        let public = build(dist.path(), Pages::Public, url).expect("bundle");
        assert!(all.starts_with("@charset \"UTF-8\";\n.core{src:url(\"/v/fonts/M.woff2\")}"));
        let at = |css: &str, c: &str| css.find(&format!(".fr-{c}{{")).expect(c);
        assert!(at(&all, "upload") < at(&all, "button") && at(&all, "button") < at(&all, "header"));
        assert!(all.contains(".fr-table{") && !public.contains(".fr-table{"));
        assert!(public.contains(".fr-header{"));
        assert!(
            all.contains(".fr-icon-edit-line:before{m:url(\"/v/icons/design/edit-line.svg\")}")
        );
        assert!(!all.contains("bug-line"), "only the icons shown");
        assert_eq!(
            build(&dist.path().join("nowhere"), Pages::Public, url),
            None
        );
    }

    #[test]
    fn relative_urls_become_the_served_paths() {
        let css = "@font-face{src:url(../fonts/M.woff2) format(\"woff2\")}.a{b:url(\"data:image/svg+xml;x\")}";
        let out = absolute_urls(css, "core/core.min.css", &|p| {
            format!("/static/v/1/dsfr/{p}")
        });
        assert_eq!(
            out,
            "@font-face{src:url(\"/static/v/1/dsfr/fonts/M.woff2\") format(\"woff2\")}.a{b:url(\"data:image/svg+xml;x\")}"
        );
    }

    #[test]
    fn only_the_rules_of_the_wanted_icons_are_kept() {
        let css = ".fr-icon-a-line:after,.fr-icon-a-line:before{m:1}.fr-icon-a-line-bis:before{m:2}\
                   @media (forced-colors:active){.fr-icon-a-line:before{m:3}.fr-icon-b:before{m:4}}";
        let kept = keep_rules(css, &|s| {
            s.split(',').any(|s| s.starts_with(".fr-icon-a-line:"))
        });
        assert_eq!(
            kept,
            ".fr-icon-a-line:after,.fr-icon-a-line:before{m:1}@media (forced-colors:active){.fr-icon-a-line:before{m:3}}"
        );
    }
}
