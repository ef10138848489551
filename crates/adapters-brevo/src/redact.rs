//! What may reach a log line. A transport's error is logged and stored with
//! the job, so it must never carry a secret, and carries a recipient's
//! address only masked: enough for an operator to tell two recipients
//! apart, not enough to leak who reported a housing problem.

/// `occupant@example.test` → `o…@example.test`.
pub(crate) fn mask_address(address: &str) -> String {
    match address.trim().rsplit_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().map(String::from).unwrap_or_default();
            format!("{first}…@{domain}")
        }
        None => "…".to_string(),
    }
}

/// `text` with every recipient address masked and every secret replaced.
pub(crate) fn scrub(text: &str, recipients: &[String], secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        // A secret of a few characters would also match ordinary words.
        if secret.len() >= 6 {
            out = out.replace(secret, "***");
        }
    }
    for recipient in recipients {
        let recipient = recipient.trim();
        if recipient.contains('@') {
            out = replace_ignore_ascii_case(&out, recipient, &mask_address(recipient));
        }
    }
    out
}

/// Servers echo addresses in their own case (`<Occupant@Example.test>`).
fn replace_ignore_ascii_case(text: &str, needle: &str, with: &str) -> String {
    let lower_text = text.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    // ASCII lowercasing keeps byte offsets, so they index `text` too.
    while let Some(found) = lower_text[start..].find(&lower_needle) {
        let at = start + found;
        out.push_str(&text[start..at]);
        out.push_str(with);
        start = at + needle.len();
    }
    out.push_str(&text[start..]);
    out
}

/// At most `max` characters of `text`: an error page of a proxy in front
/// of the provider can be kilobytes of HTML.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_keeps_its_first_letter_and_its_domain() {
        assert_eq!(mask_address("occupant@example.test"), "o…@example.test");
        assert_eq!(mask_address("not-an-address"), "…");
    }

    #[test]
    fn scrubbing_masks_recipients_in_any_case_and_hides_secrets() {
        let text = "550 <Occupant@Example.TEST> unknown; key xkeysib-123456 refused";
        let scrubbed = scrub(
            text,
            &["occupant@example.test".to_string()],
            &["xkeysib-123456"],
        );
        assert_eq!(scrubbed, "550 <o…@example.test> unknown; key *** refused");
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate("été reçu", 3), "été…");
        assert_eq!(truncate("court", 10), "court");
    }
}
