//! How names and addresses are compared in searches: without case nor
//! accents, the same way on every database ("helene" finds "Hélène").

/// The searchable form of a text: ASCII-folded, lower-cased.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn accents_and_case_do_not_matter() {
        assert_eq!(
            super::fold("Hélène LŒUVRE, Île-de-France"),
            "helene loeuvre, ile-de-france"
        );
    }
}
