//! Values a person types, parsed once at the edge ("parse, don't validate").
//!
//! Every type here has private fields and a fallible `parse`: holding an
//! [`Email`] means holding a valid e-mail address, so nothing past the web
//! handler or the API extractor checks it again. Each failure is a
//! [`FieldError`] with a stable machine `code` (for the API and tests) and a
//! French `message` written for the person who typed the value (shown under
//! the field by the form, DSFR style).
//!
//! Optional fields: a blank input is "no value", not an error — see
//! [`parse_optional`].

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why one typed value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    /// Stable machine code such as `"email.invalid"`; never translated.
    pub code: &'static str,
    /// French sentence meant for the person who typed the value.
    pub message: String,
}

impl FieldError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The errors of a whole form, keyed by field name, in the order the fields
/// were checked (which is the order the form shows them).
///
/// Only the first error of a field is kept: a form shows one message per
/// field, and the first check is the most basic one (e.g. "required" before
/// "invalid").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    errors: Vec<(String, FieldError)>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Records `error` for `field`, unless that field already has one.
    pub fn add(&mut self, field: impl Into<String>, error: FieldError) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.errors.push((field, error));
        }
    }

    /// Keeps the value of a successful parse, or records its error under
    /// `field` and returns `None`. Lets a form parse every field and report
    /// all errors at once.
    pub fn check<T>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, FieldError>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error);
                None
            }
        }
    }

    /// The error recorded for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, error)| error)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldError)> {
        self.errors
            .iter()
            .map(|(name, error)| (name.as_str(), error))
    }

    /// `Ok(())` when no field failed, otherwise the collected errors.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl IntoIterator for ValidationErrors {
    type Item = (String, FieldError);
    type IntoIter = std::vec::IntoIter<(String, FieldError)>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (field, error) in &self.errors {
            if !first {
                f.write_str(" ; ")?;
            }
            first = false;
            write!(f, "{field} : {}", error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Parses an optional field: blank input (after trimming) is `Ok(None)`,
/// anything else must parse.
pub fn parse_optional<T>(
    input: &str,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse(input).map(Some)
    }
}

/// Implements the string plumbing of a validated string newtype: `as_str`,
/// `Display`, `AsRef<str>`, conversion back to `String`, and `TryFrom<String>`
/// through `parse` (so that serde deserialisation validates too).
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(value: String) -> Result<Self, FieldError> {
                Self::parse(&value)
            }
        }
    };
}

// ---------------------------------------------------------------------------
// E-mail

/// Longest e-mail the user table accepts (§1.5: `email` ≤ 180).
pub const EMAIL_MAX_CHARS: usize = 180;

const EMAIL_INVALID: &str = "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr";

/// An e-mail address: trimmed, one `@`, no spaces, a dot in the domain,
/// domain lower-cased, at most [`EMAIL_MAX_CHARS`] characters.
///
/// The local part keeps its case (it may matter to the receiving server);
/// comparisons between people's addresses use [`Email::same_address`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

string_newtype!(Email);

impl Email {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "email.required",
                "Saisissez une adresse e-mail",
            ));
        }
        if text.chars().count() > EMAIL_MAX_CHARS {
            return Err(FieldError::new(
                "email.too_long",
                format!("L'adresse e-mail ne doit pas dépasser {EMAIL_MAX_CHARS} caractères"),
            ));
        }
        let invalid = || FieldError::new("email.invalid", EMAIL_INVALID);
        let mut parts = text.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        if !is_valid_local_part(local) || !is_valid_domain(domain) {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// Whether both are the same mailbox for our purposes: compared without
    /// regard to case, as the reference platform does (rule 4).
    pub fn same_address(&self, other: &Email) -> bool {
        self.0.to_lowercase() == other.0.to_lowercase()
    }

    /// The part after the `@` (lower case).
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }
}

/// Characters RFC 5322 allows unquoted in a local part, plus any letter or
/// digit (internationalised addresses).
fn is_valid_local_part(local: &str) -> bool {
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

/// Dot-separated labels of letters, digits and hyphens; at least two labels;
/// the last one (the TLD) has two characters or more and is not numeric.
fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    labels_ok && tld_ok
}

/// Rule 4 (§1.1): a signalement needs the occupant's or the declarant's
/// e-mail, and when both are given they must differ (case-insensitively),
/// since each becomes a distinct usager account.
pub fn check_contact_emails(
    occupant: Option<&Email>,
    declarant: Option<&Email>,
) -> Result<(), FieldError> {
    match (occupant, declarant) {
        (None, None) => Err(FieldError::new(
            "contact_email.missing",
            "Renseignez au moins une adresse e-mail : celle de l'occupant ou celle du déclarant",
        )),
        (Some(occupant), Some(declarant)) if occupant.same_address(declarant) => {
            Err(FieldError::new(
                "contact_email.duplicate",
                "L'adresse e-mail de l'occupant doit être différente de celle du déclarant",
            ))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Phone

const PHONE_INVALID: &str =
    "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78";

/// Country codes of the French numbering plan whose numbers have 9 digits
/// after the country code and a trunk `0` nationally (metropole, Réunion and
/// Mayotte, Guadeloupe, Guyane, Martinique).
const FRENCH_PLAN_CODES: [&str; 5] = ["33", "262", "590", "594", "596"];

/// Other overseas codes and their subscriber-number lengths: Comoros/former
/// Mayotte code, New Caledonia, French Polynesia.
const OTHER_OVERSEAS_CODES: [(&str, usize); 3] = [("269", 7), ("687", 6), ("689", 8)];

/// Overseas departments dialled nationally as `0XXX…`: their E.164 form uses
/// their own country code, not +33 (ARCEP numbering plan).
const OVERSEAS_NATIONAL_PREFIXES: [(&str, &str); 14] = [
    ("262", "262"),
    ("263", "262"),
    ("692", "262"),
    ("693", "262"),
    ("269", "262"),
    ("639", "262"),
    ("590", "590"),
    ("690", "590"),
    ("691", "590"),
    ("594", "594"),
    ("694", "594"),
    ("596", "596"),
    ("696", "596"),
    ("697", "596"),
];

/// A phone number in E.164 form (`+33612345678`).
///
/// Accepts French numbers as people write them (`06 12 34 56 78`,
/// `06.12.34.56.78`, `+33 (0)6…`, `0033 6…`), overseas numbers (`0692…`,
/// `+262…`, `+590…`, `+594…`, `+596…`, `+269…`, `+687…`, `+689…`) and
/// any other international number `+<8 to 15 digits>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

string_newtype!(Phone);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "phone.required",
                "Saisissez un numéro de téléphone",
            ));
        }
        let invalid = || FieldError::new("phone.invalid", PHONE_INVALID);
        let (international, digits) = phone_digits(text).ok_or_else(invalid)?;
        let e164 = if international {
            international_to_e164(&digits)
        } else {
            national_to_e164(&digits)
        };
        e164.map(Self).ok_or_else(invalid)
    }

    /// The E.164 form, e.g. `+33612345678`.
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// How a French reader expects to see the number: `06 12 34 56 78` for
    /// the French numbering plan, E.164 otherwise.
    pub fn to_national(&self) -> String {
        let digits = self.0.strip_prefix('+').unwrap_or(&self.0);
        let subscriber = FRENCH_PLAN_CODES
            .iter()
            .filter_map(|code| digits.strip_prefix(code))
            .find(|subscriber| subscriber.len() == 9);
        match subscriber {
            Some(subscriber) => {
                let national = format!("0{subscriber}");
                let pairs: Vec<&str> = (0..5)
                    .filter_map(|i| national.get(2 * i..2 * i + 2))
                    .collect();
                pairs.join(" ")
            }
            None => self.0.clone(),
        }
    }
}

/// Keeps the digits, dropping the separators people type (spaces, dots,
/// dashes, slashes, parentheses). Returns whether the number is
/// international (`+` or `00` prefix) and its digits without that prefix.
fn phone_digits(text: &str) -> Option<(bool, String)> {
    let mut digits = String::new();
    let mut plus = false;
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() && !plus => plus = true,
            ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' | '\u{202f}' | '\t' => {}
            _ => return None,
        }
    }
    if plus {
        Some((true, digits))
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some((true, rest.to_owned()))
    } else {
        Some((false, digits))
    }
}

/// `0X XX XX XX XX` → E.164; overseas departments get their own code.
fn national_to_e164(digits: &str) -> Option<String> {
    let subscriber = digits.strip_prefix('0').filter(|s| s.len() == 9)?;
    french_plan_e164(subscriber)
}

/// A 9-digit French-plan subscriber number (no trunk 0) → E.164.
fn french_plan_e164(subscriber: &str) -> Option<String> {
    if subscriber.len() != 9 || subscriber.starts_with('0') {
        return None;
    }
    let code = OVERSEAS_NATIONAL_PREFIXES
        .iter()
        .find(|(prefix, _)| subscriber.starts_with(prefix))
        .map_or("33", |(_, code)| code);
    Some(format!("+{code}{subscriber}"))
}

fn international_to_e164(digits: &str) -> Option<String> {
    if digits.starts_with('0') {
        return None;
    }
    for code in FRENCH_PLAN_CODES {
        if let Some(rest) = digits.strip_prefix(code) {
            // "+33 (0)6 …": the national trunk 0 is sometimes kept.
            let subscriber = if rest.len() == 10 {
                rest.strip_prefix('0')?
            } else {
                rest
            };
            if subscriber.len() != 9 || subscriber.starts_with('0') {
                return None;
            }
            return if code == "33" {
                french_plan_e164(subscriber)
            } else {
                Some(format!("+{code}{subscriber}"))
            };
        }
    }
    for (code, length) in OTHER_OVERSEAS_CODES {
        if let Some(rest) = digits.strip_prefix(code) {
            return (rest.len() == length).then(|| format!("+{digits}"));
        }
    }
    (8..=15)
        .contains(&digits.len())
        .then(|| format!("+{digits}"))
}

// ---------------------------------------------------------------------------
// Postal code, INSEE code

/// A French postal code: exactly five digits, not starting with `00`
/// (Corsica's `20xxx` and overseas `97xxx` are ordinary codes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostalCode(String);

string_newtype!(PostalCode);

impl PostalCode {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "postal_code.required",
                "Saisissez un code postal",
            ));
        }
        let valid =
            text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with("00");
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(FieldError::new(
                "postal_code.invalid",
                "Saisissez un code postal à 5 chiffres, par exemple 75001",
            ))
        }
    }
}

/// A commune's INSEE code: two digits (or `2A` / `2B` for Corsica) then
/// three digits; overseas codes are `97xxx` / `98xxx`. Letters upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CodeInsee(String);

string_newtype!(CodeInsee);

impl CodeInsee {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim().to_ascii_uppercase();
        if text.is_empty() {
            return Err(FieldError::new(
                "code_insee.required",
                "Saisissez un code INSEE",
            ));
        }
        if is_insee_shape(&text) {
            Ok(Self(text))
        } else {
            Err(FieldError::new(
                "code_insee.invalid",
                "Saisissez un code INSEE à 5 caractères, par exemple 69123 ou 2A004",
            ))
        }
    }

    /// The department part: `2A`, `69`, or the three digits of overseas codes.
    pub fn department(&self) -> &str {
        let len = if self.0.starts_with("97") || self.0.starts_with("98") {
            3
        } else {
            2
        };
        self.0.get(..len).unwrap_or_default()
    }
}

/// Upper-case 5-char INSEE shape: `NN` or `2A`/`2B`, then `NNN`; not `00…`.
pub(crate) fn is_insee_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || !bytes[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let head = text.get(..2).unwrap_or_default();
    let numeric_head = bytes[..2].iter().all(u8::is_ascii_digit) && head != "00";
    numeric_head || head == "2A" || head == "2B"
}

// ---------------------------------------------------------------------------
// Names and free text

/// Longest first or last name (§1.1: `nomDeclarant`, `prenomDeclarant` ≤ 50).
pub const PERSON_NAME_MAX_CHARS: usize = 50;

/// A first or last name: trimmed, 1 to 50 characters, made of letters,
/// spaces, apostrophes, hyphens and dots ("Jean-Édouard", "N'Diaye",
/// "St. Clair").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

string_newtype!(PersonName);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "person_name.required",
                "Saisissez le nom ou le prénom",
            ));
        }
        if text.chars().count() > PERSON_NAME_MAX_CHARS {
            return Err(FieldError::new(
                "person_name.too_long",
                format!(
                    "Le nom ou le prénom ne doit pas dépasser {PERSON_NAME_MAX_CHARS} caractères"
                ),
            ));
        }
        let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '\'' | '’' | '-' | '.');
        if !text.chars().all(allowed) || !text.chars().any(char::is_alphabetic) {
            return Err(FieldError::new(
                "person_name.invalid",
                "Le nom ou le prénom ne peut contenir que des lettres, des espaces, des apostrophes, des tirets et des points",
            ));
        }
        Ok(Self(text.to_owned()))
    }
}

/// A required free text (message, comment, description): trimmed, not
/// empty, at most `max_chars` characters. The limit depends on the field,
/// so it is a parameter rather than a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct FreeText(String);

impl FreeText {
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "free_text.required",
                "Ce champ est obligatoire",
            ));
        }
        let count = text.chars().count();
        if count > max_chars {
            return Err(FieldError::new(
                "free_text.too_long",
                format!(
                    "Ce texte ne doit pas dépasser {max_chars} caractères (il en compte {count})"
                ),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<FreeText> for String {
    fn from(value: FreeText) -> String {
        value.0
    }
}

// ---------------------------------------------------------------------------
// Numbers

/// Largest surface a dwelling form accepts, in m² (catches unit mistakes).
pub const SUPERFICIE_MAX_M2: f64 = 10_000.0;

/// A living area in m²: 0 < value ≤ 10 000. Accepts the French decimal
/// comma ("12,5"), thousands spaces ("1 200") and a trailing "m²" / "m2".
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Superficie(f64);

impl Superficie {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "superficie.required",
                "Saisissez la superficie du logement",
            ));
        }
        let text = text
            .strip_suffix("m²")
            .or_else(|| text.strip_suffix("m2"))
            .or_else(|| text.strip_suffix('m'))
            .unwrap_or(text);
        let number: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let well_formed = !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit() || c == '.')
            && number.matches('.').count() <= 1
            && number.chars().any(|c| c.is_ascii_digit());
        let value = well_formed
            .then(|| number.parse::<f64>().ok())
            .flatten()
            .ok_or_else(|| {
                FieldError::new(
                    "superficie.invalid",
                    "Saisissez une superficie en m², par exemple 35 ou 12,5",
                )
            })?;
        Self::try_from(value)
    }

    pub fn square_metres(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Superficie {
    type Error = FieldError;

    fn try_from(value: f64) -> Result<Self, FieldError> {
        if value.is_finite() && value > 0.0 && value <= SUPERFICIE_MAX_M2 {
            Ok(Self(value))
        } else {
            Err(FieldError::new(
                "superficie.out_of_range",
                "La superficie doit être supérieure à 0 et inférieure ou égale à 10 000 m²",
            ))
        }
    }
}

impl From<Superficie> for f64 {
    fn from(value: Superficie) -> f64 {
        value.0
    }
}

/// Largest household a form accepts.
pub const NB_OCCUPANTS_MAX: u32 = 50;

/// Number of people living in the dwelling: 1 to 50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct NbOccupants(u32);

impl NbOccupants {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "nb_occupants.required",
                "Saisissez le nombre de personnes vivant dans le logement",
            ));
        }
        let value = text
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse::<u32>().ok())
            .flatten()
            .ok_or_else(|| {
                FieldError::new(
                    "nb_occupants.invalid",
                    "Saisissez un nombre entier, par exemple 3",
                )
            })?;
        Self::try_from(value)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for NbOccupants {
    type Error = FieldError;

    fn try_from(value: u32) -> Result<Self, FieldError> {
        if (1..=NB_OCCUPANTS_MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(FieldError::new(
                "nb_occupants.out_of_range",
                format!("Le nombre de personnes doit être compris entre 1 et {NB_OCCUPANTS_MAX}"),
            ))
        }
    }
}

impl From<NbOccupants> for u32 {
    fn from(value: NbOccupants) -> u32 {
        value.0
    }
}

// ---------------------------------------------------------------------------
// Dates

/// Earliest date any form accepts: older dates are typing mistakes
/// ("0202" for "2020").
fn earliest_date() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1900, 1, 1)
}

/// Reads `dd/mm/yyyy` (what people type; day and month may have one digit)
/// or `yyyy-mm-dd` (what a browser's date input sends).
fn parse_calendar_date(text: &str) -> Option<NaiveDate> {
    let numbers = |parts: &[&str], widths: [(usize, usize); 3]| -> Option<[u32; 3]> {
        let mut out = [0u32; 3];
        for ((part, (min, max)), slot) in parts.iter().zip(widths).zip(out.iter_mut()) {
            if part.len() < min || part.len() > max || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = part.parse().ok()?;
        }
        Some(out)
    };
    let slash: Vec<&str> = text.split('/').collect();
    let dash: Vec<&str> = text.split('-').collect();
    let (year, month, day) = if slash.len() == 3 {
        let [d, m, y] = numbers(&slash, [(1, 2), (1, 2), (4, 4)])?;
        (y, m, d)
    } else if dash.len() == 3 {
        let [y, m, d] = numbers(&dash, [(4, 4), (2, 2), (2, 2)])?;
        (y, m, d)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Shared checks of past dates; `prefix` completes "Saisissez …" when the
/// field is blank, `codes` are the required/invalid/future/too-old codes.
fn parse_past_date(
    input: &str,
    today: NaiveDate,
    prefix: &'static str,
    codes: [&'static str; 4],
) -> Result<NaiveDate, FieldError> {
    let [required, invalid, future, too_old] = codes;
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::new(required, format!("Saisissez {prefix}")));
    }
    let date = parse_calendar_date(text).ok_or_else(|| {
        FieldError::new(
            invalid,
            "Saisissez une date valide au format jj/mm/aaaa, par exemple 25/03/1984",
        )
    })?;
    if date > today {
        return Err(FieldError::new(
            future,
            "La date ne peut pas être dans le futur",
        ));
    }
    if earliest_date().is_some_and(|earliest| date < earliest) {
        return Err(FieldError::new(
            too_old,
            "La date doit être postérieure au 1er janvier 1900",
        ));
    }
    Ok(date)
}

/// A date of birth: a real calendar date, not after `today`, not before
/// 1900. `today` comes from the caller's clock (core has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "NaiveDate")]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, FieldError> {
        parse_past_date(
            input,
            today,
            "la date de naissance",
            [
                "birth_date.required",
                "birth_date.invalid",
                "birth_date.future",
                "birth_date.too_old",
            ],
        )
        .map(Self)
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// Age in whole years on `today`.
    pub fn age_on(self, today: NaiveDate) -> u32 {
        let years = today.year() - self.0.year();
        let before_birthday = (today.month(), today.day()) < (self.0.month(), self.0.day());
        u32::try_from(years - i32::from(before_birthday)).unwrap_or(0)
    }
}

impl From<BirthDate> for NaiveDate {
    fn from(value: BirthDate) -> NaiveDate {
        value.0
    }
}

/// A date that has already happened (move-in date, date the landlord was
/// told…): same formats and bounds as [`BirthDate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "NaiveDate")]
pub struct PastDate(NaiveDate);

impl PastDate {
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, FieldError> {
        parse_past_date(
            input,
            today,
            "une date",
            [
                "date.required",
                "date.invalid",
                "date.future",
                "date.too_old",
            ],
        )
        .map(Self)
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

impl From<PastDate> for NaiveDate {
    fn from(value: PastDate) -> NaiveDate {
        value.0
    }
}

// ---------------------------------------------------------------------------
// Password

/// Minimum password length (§1.5).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Maximum length, so that hashing a pasted novel cannot tie up a server.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A password meeting the policy of §1.5: at least 12 characters with an
/// upper-case letter, a lower-case letter, a digit and a special character,
/// and different from the account's e-mail. Never trimmed (spaces are
/// characters too) and never printed.
///
/// The "not in breach lists" part of §1.5 needs a lookup outside core; the
/// application does it after this parse.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(********)")
    }
}

impl Password {
    /// Checks `candidate` against the policy; one message lists everything
    /// missing so the person fixes it in one go.
    pub fn parse(candidate: &str, email: &str) -> Result<Self, FieldError> {
        let count = candidate.chars().count();
        if count > PASSWORD_MAX_CHARS {
            return Err(FieldError::new(
                "password.too_long",
                format!("Le mot de passe ne doit pas dépasser {PASSWORD_MAX_CHARS} caractères"),
            ));
        }
        let mut missing: Vec<String> = Vec::new();
        if count < PASSWORD_MIN_CHARS {
            missing.push(format!("au moins {PASSWORD_MIN_CHARS} caractères"));
        }
        let rules: [(CharTest, &str); 4] = [
            (char::is_uppercase, "une majuscule"),
            (char::is_lowercase, "une minuscule"),
            (|c| c.is_ascii_digit(), "un chiffre"),
            (
                |c| !c.is_alphanumeric() && !c.is_whitespace(),
                "un caractère spécial",
            ),
        ];
        for (present, label) in rules {
            if !candidate.chars().any(present) {
                missing.push(label.to_owned());
            }
        }
        let is_email = !email.trim().is_empty()
            && candidate.trim().to_lowercase() == email.trim().to_lowercase();
        let message = match (missing.is_empty(), is_email) {
            (true, false) => return Ok(Self(candidate.to_owned())),
            (true, true) => "Le mot de passe ne doit pas être votre adresse e-mail".to_owned(),
            (false, false) => format!("Le mot de passe doit contenir {}", join_french(&missing)),
            (false, true) => format!(
                "Le mot de passe doit contenir {} et ne doit pas être votre adresse e-mail",
                join_french(&missing)
            ),
        };
        let code = if missing.is_empty() {
            "password.is_email"
        } else {
            "password.too_weak"
        };
        Err(FieldError::new(code, message))
    }

    /// The clear text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A character class of the password policy.
type CharTest = fn(char) -> bool;

/// "a", "a et b", "a, b et c".
fn join_french(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// Passwords too common to be accepted, whatever their length
/// (`data/common-passwords.txt`, one a line, `#` comments).
const COMMON_PASSWORDS: &str = include_str!("../../../data/common-passwords.txt");

/// Whether `password` is one of the common passwords (case ignored).
pub fn is_common_password(password: &str) -> bool {
    let lowered = password.trim().to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l.to_lowercase() == lowered)
}

/// The whole password policy of back-office accounts: [`Password::parse`]
/// (§1.5: length, character classes, not the e-mail) and not one of the
/// common passwords of `data/common-passwords.txt`.
///
/// # Errors
/// The codes of [`Password::parse`], or `password.common`, each with a
/// French message for the person choosing the password.
pub fn check_password_policy(candidate: &str, email: &str) -> Result<Password, FieldError> {
    let password = Password::parse(candidate, email)?;
    if is_common_password(candidate) {
        return Err(FieldError::new(
            "password.common",
            "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase de plusieurs mots avec un chiffre et un caractère spécial",
        ));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn password_policy_refuses_common_passwords() {
        let code = |p: &str| {
            check_password_policy(p, "a@b.fr")
                .map(|_| ())
                .map_err(|e| e.code)
        };
        assert_eq!(code("court"), Err("password.too_weak"));
        assert_eq!(code("P@ssw0rd1234"), Err("password.common"));
        assert_eq!(code("Motdepasse2026!"), Err("password.common"));
        assert!(is_common_password(" AZERTY "));
        assert_eq!(code("Tr0mbone-Vert!"), Ok(()));
        assert_eq!(code("Histologe-demo-2026"), Ok(()));
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn email(s: &str) -> Email {
        Email::parse(s).expect("valid test e-mail")
    }

    #[test]
    fn email_is_trimmed_and_its_domain_lower_cased() {
        assert_eq!(
            email("  Jean.Dupont@Exemple.FR ").as_str(),
            "Jean.Dupont@exemple.fr"
        );
        assert_eq!(
            email("a+tag@sous.domaine.gouv.fr").domain(),
            "sous.domaine.gouv.fr"
        );
    }

    #[test]
    fn email_rejects_common_mistakes_with_a_french_message() {
        for bad in [
            "jean.dupont",
            "jean@dupont",
            "jean@@exemple.fr",
            "jean@exemple@fr.fr",
            "jean dupont@exemple.fr",
            "@exemple.fr",
            "jean@.fr",
            "jean@exemple.",
            "jean@exemple..fr",
            ".jean@exemple.fr",
            "jean..d@exemple.fr",
            "jean@exemple.f",
            "jean@-exemple.fr",
            "jean@exemple.123",
        ] {
            let error = Email::parse(bad).expect_err(bad);
            assert_eq!(error.code, "email.invalid", "{bad}");
            assert_eq!(error.message, EMAIL_INVALID);
        }
        assert_eq!(
            Email::parse("   ").map_err(|e| e.code),
            Err("email.required")
        );
    }

    #[test]
    fn email_length_is_capped_at_180() {
        let local = "a".repeat(180 - "@ex.fr".len());
        assert!(Email::parse(&format!("{local}@ex.fr")).is_ok());
        let error = Email::parse(&format!("a{local}@ex.fr")).expect_err("181 chars");
        assert_eq!(error.code, "email.too_long");
    }

    #[test]
    fn email_deserialisation_validates() {
        let parsed: Result<Email, _> = serde_json::from_str("\"nom@Exemple.fr\"");
        assert_eq!(parsed.expect("valid").as_str(), "nom@exemple.fr");
        assert!(serde_json::from_str::<Email>("\"pas une adresse\"").is_err());
    }

    #[test]
    fn rule_4_needs_one_contact_email_and_two_distinct_ones() {
        let a = email("occupant@exemple.fr");
        let b = email("declarant@exemple.fr");
        let a_upper = email("OCCUPANT@EXEMPLE.FR");
        assert!(check_contact_emails(Some(&a), None).is_ok());
        assert!(check_contact_emails(None, Some(&b)).is_ok());
        assert!(check_contact_emails(Some(&a), Some(&b)).is_ok());
        assert_eq!(
            check_contact_emails(None, None).map_err(|e| e.code),
            Err("contact_email.missing")
        );
        assert_eq!(
            check_contact_emails(Some(&a), Some(&a_upper)).map_err(|e| e.code),
            Err("contact_email.duplicate")
        );
    }

    #[test]
    fn french_phone_numbers_are_normalised_to_e164() {
        for (typed, e164) in [
            ("06 12 34 56 78", "+33612345678"),
            ("06.12.34.56.78", "+33612345678"),
            ("06-12-34-56-78", "+33612345678"),
            ("0612345678", "+33612345678"),
            ("+33 6 12 34 56 78", "+33612345678"),
            ("+33 (0)6 12 34 56 78", "+33612345678"),
            ("0033 1 23 45 67 89", "+33123456789"),
            ("0692 12 34 56", "+262692123456"),
            ("02 62 12 34 56", "+262262123456"),
            ("0639 12 34 56", "+262639123456"),
            ("0690 12 34 56", "+590690123456"),
            ("0594 12 34 56", "+594594123456"),
            ("0696 12 34 56", "+596696123456"),
            ("+262 692 12 34 56", "+262692123456"),
            ("+590 590 12 34 56", "+590590123456"),
            ("+269 773 12 34", "+2697731234"),
            ("+687 12 34 56", "+687123456"),
            ("+689 87 12 34 56", "+68987123456"),
            ("+44 20 7946 0958", "+442079460958"),
            ("+1 (202) 555-0143", "+12025550143"),
        ] {
            assert_eq!(
                Phone::parse(typed).map(String::from),
                Ok(e164.to_owned()),
                "{typed}"
            );
        }
    }

    #[test]
    fn phone_rejects_wrong_lengths_and_letters() {
        for bad in [
            "06 12 34 56",
            "06 12 34 56 78 9",
            "00 12 34 56",
            "6 12 34 56 78",
            "+33 6 12 34 56",
            "+687 12 34 5",
            "+1234567",
            "+1234567890123456",
            "06 12 AB 56 78",
            "06+12345678",
        ] {
            assert_eq!(
                Phone::parse(bad).map_err(|e| e.code),
                Err("phone.invalid"),
                "{bad}"
            );
        }
        assert_eq!(Phone::parse(" ").map_err(|e| e.code), Err("phone.required"));
    }

    #[test]
    fn phone_displays_nationally_for_the_french_plan() {
        let phone = Phone::parse("+33612345678").expect("valid");
        assert_eq!(phone.to_national(), "06 12 34 56 78");
        let foreign = Phone::parse("+44 20 7946 0958").expect("valid");
        assert_eq!(foreign.to_national(), "+442079460958");
    }

    #[test]
    fn postal_codes() {
        assert_eq!(
            PostalCode::parse(" 20000 ").map(String::from),
            Ok("20000".to_owned())
        );
        assert!(PostalCode::parse("97411").is_ok());
        assert!(PostalCode::parse("01000").is_ok());
        for bad in ["00100", "7500", "750011", "75 001", "2A000", "７５００１"] {
            assert_eq!(
                PostalCode::parse(bad).map_err(|e| e.code),
                Err("postal_code.invalid"),
                "{bad}"
            );
        }
    }

    #[test]
    fn insee_codes() {
        assert_eq!(
            CodeInsee::parse("2a004").map(String::from),
            Ok("2A004".to_owned())
        );
        assert_eq!(
            CodeInsee::parse("97411").expect("valid").department(),
            "974"
        );
        assert_eq!(CodeInsee::parse("69123").expect("valid").department(), "69");
        assert_eq!(CodeInsee::parse("2B033").expect("valid").department(), "2B");
        for bad in ["2C004", "1053", "690012", "00123", "69A12", "AB123"] {
            assert_eq!(
                CodeInsee::parse(bad).map_err(|e| e.code),
                Err("code_insee.invalid"),
                "{bad}"
            );
        }
    }

    #[test]
    fn person_names() {
        for good in [
            "Élodie",
            "Jean-Édouard",
            "N'Diaye",
            "N’Diaye",
            "St. Clair",
            "Mary Ann",
            "Zoë",
        ] {
            assert_eq!(
                PersonName::parse(good).map(String::from),
                Ok(good.to_owned())
            );
        }
        assert_eq!(
            PersonName::parse("  ").map_err(|e| e.code),
            Err("person_name.required")
        );
        assert_eq!(
            PersonName::parse(&"a".repeat(51)).map_err(|e| e.code),
            Err("person_name.too_long")
        );
        assert!(PersonName::parse(&"é".repeat(50)).is_ok());
        for bad in ["Jean2", "<script>", "---", "a@b"] {
            assert_eq!(
                PersonName::parse(bad).map_err(|e| e.code),
                Err("person_name.invalid"),
                "{bad}"
            );
        }
    }

    #[test]
    fn free_text() {
        assert_eq!(
            FreeText::parse("  bonjour \n", 10).map(String::from),
            Ok("bonjour".to_owned())
        );
        assert_eq!(
            FreeText::parse(" \n ", 10).map_err(|e| e.code),
            Err("free_text.required")
        );
        let error = FreeText::parse("ééééééééééé", 10).expect_err("11 chars");
        assert_eq!(error.code, "free_text.too_long");
        assert!(error.message.contains("10"));
        assert!(FreeText::parse("éééééééééé", 10).is_ok());
    }

    #[test]
    fn superficie() {
        for (typed, value) in [
            ("12,5", 12.5),
            ("35", 35.0),
            ("1 200", 1200.0),
            ("48 m²", 48.0),
            ("10000", 10000.0),
        ] {
            assert_eq!(
                Superficie::parse(typed).map(f64::from),
                Ok(value),
                "{typed}"
            );
        }
        for (bad, code) in [
            ("0", "superficie.out_of_range"),
            ("10000,01", "superficie.out_of_range"),
            ("-5", "superficie.invalid"),
            ("1e3", "superficie.invalid"),
            ("NaN", "superficie.invalid"),
            ("12,5,3", "superficie.invalid"),
            (",", "superficie.invalid"),
            ("", "superficie.required"),
        ] {
            assert_eq!(
                Superficie::parse(bad).map_err(|e| e.code),
                Err(code),
                "{bad}"
            );
        }
    }

    #[test]
    fn nb_occupants() {
        assert_eq!(NbOccupants::parse(" 3 ").map(u32::from), Ok(3));
        assert!(NbOccupants::parse("50").is_ok());
        assert_eq!(
            NbOccupants::parse("0").map_err(|e| e.code),
            Err("nb_occupants.out_of_range")
        );
        assert_eq!(
            NbOccupants::parse("51").map_err(|e| e.code),
            Err("nb_occupants.out_of_range")
        );
        assert_eq!(
            NbOccupants::parse("+3").map_err(|e| e.code),
            Err("nb_occupants.invalid")
        );
        assert_eq!(
            NbOccupants::parse("2,5").map_err(|e| e.code),
            Err("nb_occupants.invalid")
        );
        assert!(serde_json::from_str::<NbOccupants>("0").is_err());
    }

    #[test]
    fn birth_dates() {
        let today = day(2025, 6, 15);
        assert_eq!(
            BirthDate::parse("25/03/1984", today).map(NaiveDate::from),
            Ok(day(1984, 3, 25))
        );
        assert_eq!(
            BirthDate::parse("5/3/1984", today).map(NaiveDate::from),
            Ok(day(1984, 3, 5))
        );
        assert_eq!(
            BirthDate::parse("1984-03-25", today).map(NaiveDate::from),
            Ok(day(1984, 3, 25))
        );
        assert!(BirthDate::parse("15/06/2025", today).is_ok());
        assert!(BirthDate::parse("01/01/1900", today).is_ok());
        for (bad, code) in [
            ("16/06/2025", "birth_date.future"),
            ("31/12/1899", "birth_date.too_old"),
            ("30/02/1990", "birth_date.invalid"),
            ("1984/03/25", "birth_date.invalid"),
            ("25-03-1984", "birth_date.invalid"),
            ("25/03/84", "birth_date.invalid"),
            ("hier", "birth_date.invalid"),
            ("", "birth_date.required"),
        ] {
            assert_eq!(
                BirthDate::parse(bad, today).map_err(|e| e.code),
                Err(code),
                "{bad}"
            );
        }
        let born = BirthDate::parse("16/06/1985", today).expect("valid");
        assert_eq!(born.age_on(today), 39);
        assert_eq!(born.age_on(day(2025, 6, 16)), 40);
    }

    #[test]
    fn past_dates() {
        let today = day(2025, 6, 15);
        assert_eq!(
            PastDate::parse("2024-12-31", today).map(NaiveDate::from),
            Ok(day(2024, 12, 31))
        );
        assert_eq!(
            PastDate::parse("2025-06-16", today).map_err(|e| e.code),
            Err("date.future")
        );
        assert_eq!(
            PastDate::parse("2025-13-01", today).map_err(|e| e.message),
            Err(
                "Saisissez une date valide au format jj/mm/aaaa, par exemple 25/03/1984".to_owned()
            )
        );
    }

    #[test]
    fn password_policy_lists_everything_missing() {
        assert!(Password::parse("Tr0mbone-Vert!", "jean@exemple.fr").is_ok());
        let error = Password::parse("court", "jean@exemple.fr").expect_err("weak");
        assert_eq!(error.code, "password.too_weak");
        assert_eq!(
            error.message,
            "Le mot de passe doit contenir au moins 12 caractères, une majuscule, un chiffre et un caractère spécial"
        );
        let error = Password::parse("toutenminuscule1!", "a@b.fr").expect_err("no upper");
        assert_eq!(error.message, "Le mot de passe doit contenir une majuscule");
        let error = Password::parse("AAAA aaaa 1111", "a@b.fr").expect_err("space is not special");
        assert_eq!(
            error.message,
            "Le mot de passe doit contenir un caractère spécial"
        );
    }

    #[test]
    fn password_must_differ_from_the_email() {
        let error = Password::parse("Jean.Dupont1@Exemple.fr", "jean.dupont1@exemple.fr")
            .expect_err("e-mail");
        assert_eq!(error.code, "password.is_email");
        assert!(Password::parse("Jean.Dupont1@Exemple.fr", "autre@exemple.fr").is_ok());
        assert!(Password::parse(&"Aa1!".repeat(33), "").is_err());
    }

    #[test]
    fn password_never_prints() {
        let password = Password::parse("Tr0mbone-Vert!", "").expect("valid");
        assert!(!format!("{password:?}").contains("Tr0mbone"));
        assert_eq!(password.expose(), "Tr0mbone-Vert!");
    }

    #[test]
    fn validation_errors_collect_a_form() {
        let mut errors = ValidationErrors::new();
        let email = errors.check("mailOccupant", Email::parse("pas-une-adresse"));
        let cp = errors.check("cpOccupant", PostalCode::parse("75001"));
        errors.add("mailOccupant", FieldError::new("other", "ignored"));
        assert!(email.is_none());
        assert_eq!(cp.map(String::from), Some("75001".to_owned()));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors.get("mailOccupant").map(|e| e.code),
            Some("email.invalid")
        );
        assert_eq!(
            errors.iter().map(|(field, _)| field).collect::<Vec<_>>(),
            ["mailOccupant"]
        );
        assert!(errors.clone().into_result().is_err());
        assert!(ValidationErrors::new().into_result().is_ok());
    }

    #[test]
    fn optional_fields_treat_blank_as_absent() {
        assert_eq!(parse_optional("  ", Email::parse), Ok(None));
        assert!(parse_optional("x", Email::parse).is_err());
        assert!(matches!(
            parse_optional("a@b.fr", Email::parse),
            Ok(Some(_))
        ));
    }

    proptest! {
        #[test]
        fn any_valid_email_survives_a_round_trip(
            input in "[A-Za-z0-9._%+-]{1,30}@[A-Za-z0-9-]{1,20}(\\.[A-Za-z0-9-]{1,10}){1,3}"
        ) {
            if let Ok(email) = Email::parse(&input) {
                prop_assert_eq!(Email::parse(&format!("{email}")), Ok(email.clone()));
                prop_assert_eq!(email.domain(), email.domain().to_lowercase());
            }
        }

        #[test]
        fn postal_code_accepts_exactly_five_digits_not_starting_with_00(input in "[0-9]{5}") {
            prop_assert_eq!(PostalCode::parse(&input).is_ok(), !input.starts_with("00"));
        }

        #[test]
        fn a_parsed_postal_code_is_five_ascii_digits(input in "\\PC{0,8}") {
            if let Ok(code) = PostalCode::parse(&input) {
                prop_assert_eq!(code.as_str().len(), 5);
                prop_assert!(code.as_str().bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn a_parsed_phone_is_e164(input in "\\+?[0-9 .()-]{0,20}") {
            if let Ok(phone) = Phone::parse(&input) {
                let digits = phone.as_e164().strip_prefix('+').unwrap_or("x");
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!((8..=15).contains(&digits.len()));
                prop_assert_eq!(Phone::parse(phone.as_e164()), Ok(phone.clone()));
            }
        }
    }
}
