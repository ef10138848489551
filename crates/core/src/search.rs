//! How names and addresses are compared in searches: without case nor
//! accents, the same way on every database ("helene" finds "Hélène").

/// The searchable form of a text: ASCII-folded, lower-cased.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// The form of a street address two cases are compared on ("at the same
/// address"): folded, punctuation as spaces, spaces collapsed, so that
/// "12, Rue de l'Église" and "12 rue de l eglise" match.
pub fn address_key(adresse: &str) -> String {
    fold(adresse)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_match_whatever_punctuation_accents_and_case() {
        assert_eq!(
            super::address_key("12, Rue de l'Église "),
            super::address_key("12 rue de l eglise")
        );
        assert_ne!(
            super::address_key("12 rue de l'Église"),
            super::address_key("14 rue de l'Église")
        );
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        assert_eq!(
            super::fold("Hélène LŒUVRE, Île-de-France"),
            "helene loeuvre, ile-de-france"
        );
    }
}
