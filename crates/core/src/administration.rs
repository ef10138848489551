//! The set-up of a territory (features.md §2.14–§2.16): the forms of
//! partners, territories and auto-affectation rules are checked here, so
//! that every way in (pages, API, command line) keeps the same rules; and
//! the audit entries they write, which never carry a secret.
//!
//! Who may submit them is the policy's business (`EditPartner`,
//! `CreatePartner`, `ManageTerritories`, `ManageAutoAffectationRules`).

use serde_json::Value;

use crate::enums::{HistoryEvent, PartnerType, Qualification};
use crate::events::HistoryChange;
use crate::history;
use crate::ids::PartnerId;
use crate::model::{
    AutoAffectationRule, Partner, RuleAllocataire, RuleParc, RuleProfile, Secret, Territory,
};
use crate::territory_code::{LYON_METROPOLE, TerritoryCode, territory_for_insee};
use crate::validation::{CodeInsee, Email, FieldError, ValidationErrors};

/// Longest partner name (the reference platform's column).
pub const PARTNER_NAME_MAX_CHARS: usize = 255;
/// Longest interconnection address or token.
pub const SETTING_MAX_CHARS: usize = 255;
/// What the audit log shows in place of a token.
const MASKED: &str = "***";

/// Whether the commune `code` lies in `territory`. The Métropole de Lyon
/// takes its communes among the Rhône's (`69…`); which ones is its own
/// list of authorised codes.
pub fn insee_in_territory(code: &CodeInsee, territory: &TerritoryCode) -> bool {
    match territory_for_insee(code.as_str(), &[]) {
        Some(found) if &found == territory => true,
        Some(found) => found.as_str() == "69" && territory.as_str() == LYON_METROPOLE,
        None => false,
    }
}

/// A list of INSEE codes as typed (commas, semicolons, spaces or new
/// lines between them), each checked and made canonical (`2a004` is
/// `2A004`), without repeats, in the order typed. Every code must be a
/// commune of `territory`.
pub fn parse_insee_list(text: &str, territory: &TerritoryCode) -> Result<Vec<String>, FieldError> {
    let mut codes: Vec<String> = Vec::new();
    for raw in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let code = CodeInsee::parse(raw).map_err(|_| {
            FieldError::new(
                "insee.invalid",
                format!(
                    "« {raw} » n'est pas un code INSEE : saisissez des codes à 5 caractères, par exemple 13202 ou 2A004."
                ),
            )
        })?;
        if !insee_in_territory(&code, territory) {
            return Err(FieldError::new(
                "insee.other_territory",
                format!(
                    "La commune {} n'appartient pas au territoire {}.",
                    code.as_str(),
                    territory.as_str()
                ),
            ));
        }
        let code = code.as_str().to_string();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// The message for a well-formed code that names no commune.
pub fn unknown_commune(code: &str) -> FieldError {
    FieldError::new(
        "insee.unknown",
        format!("Aucune commune n'a le code INSEE {code}."),
    )
}

/// What the partner form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerInput {
    pub nom: String,
    pub partner_type: Option<PartnerType>,
    pub email: String,
    pub email_notifiable: bool,
    pub competences: Vec<Qualification>,
    /// The perimeter's INSEE codes, as typed; blank = the whole territory.
    pub insee: String,
    pub esabora_active: bool,
    pub esabora_url: String,
    /// A new token; blank keeps the stored one.
    pub esabora_token: String,
    /// Remove the stored token.
    pub forget_esabora_token: bool,
    pub idoss_active: bool,
    pub idoss_url: String,
}

/// The competences a form may give: every one but DANGER, which only the
/// désordres suggest (features.md §2.14).
pub fn offered_competences() -> impl Iterator<Item = Qualification> {
    Qualification::ALL
        .iter()
        .copied()
        .filter(|q| *q != Qualification::Danger)
}

fn optional_url(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    // https only: the partner's token travels with every call.
    let shaped = value.starts_with("https://")
        && value.len() > "https://".len()
        && !value.chars().any(char::is_whitespace)
        && value.chars().count() <= SETTING_MAX_CHARS;
    if !shaped {
        errors.add(
            field,
            FieldError::new(
                "url.invalid",
                "Saisissez une adresse qui commence par https://, par exemple https://esabora.exemple.fr/ws/rest.",
            ),
        );
        return None;
    }
    Some(value.trim_end_matches('/').to_string())
}

/// Applies the form to `partner`, whose id and territory are already set
/// (a new partner carries them, an existing one keeps them). On a new
/// partner, no competence ticked means the defaults of its type (§2.7).
///
/// # Errors
/// Every rejected field, in the order the form shows them.
pub fn apply_partner_input(
    partner: &mut Partner,
    input: &PartnerInput,
    is_new: bool,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let nom = input.nom.split_whitespace().collect::<Vec<_>>().join(" ");
    if nom.is_empty() {
        errors.add(
            "nom",
            FieldError::new("nom.required", "Saisissez le nom du partenaire."),
        );
    } else if nom.chars().count() > PARTNER_NAME_MAX_CHARS {
        errors.add(
            "nom",
            FieldError::new(
                "nom.too_long",
                format!("Le nom ne doit pas dépasser {PARTNER_NAME_MAX_CHARS} caractères."),
            ),
        );
    }
    if input.partner_type.is_none() {
        errors.add(
            "type",
            FieldError::new("type.required", "Choisissez le type du partenaire."),
        );
    }
    let email = if input.email.trim().is_empty() {
        None
    } else {
        errors
            .check("email", Email::parse(&input.email))
            .map(|e| e.as_str().to_string())
    };
    if input.competences.contains(&Qualification::Danger) {
        errors.add(
            "competences",
            FieldError::new(
                "competence.danger",
                "La compétence « Danger » ne s'attribue pas : elle est déduite des désordres.",
            ),
        );
    }
    let insee = errors
        .check("insee", parse_insee_list(&input.insee, &partner.territory))
        .unwrap_or_default();
    let esabora_url = optional_url(&mut errors, "esabora_url", &input.esabora_url);
    let new_token = input.esabora_token.trim();
    if new_token.chars().count() > SETTING_MAX_CHARS || new_token.chars().any(char::is_whitespace) {
        errors.add(
            "esabora_token",
            FieldError::new(
                "token.invalid",
                format!(
                    "Le jeton ne doit contenir ni espace ni plus de {SETTING_MAX_CHARS} caractères."
                ),
            ),
        );
    }
    // The stored token goes only where it went: a new address needs the
    // token typed again, or whoever may edit the partner could send it to
    // a server of his own.
    let url_changed = esabora_url != partner.interconnection.esabora_url;
    let token = if !new_token.is_empty() {
        Some(Secret::new(new_token))
    } else if input.forget_esabora_token {
        None
    } else if url_changed && partner.interconnection.esabora_token.is_some() {
        errors.add(
            "esabora_token",
            FieldError::new(
                "token.retype",
                "L'adresse d'Esabora a changé : saisissez de nouveau le jeton pour cette adresse.",
            ),
        );
        None
    } else {
        partner.interconnection.esabora_token.clone()
    };
    if input.esabora_active {
        if input.esabora_url.trim().is_empty() {
            errors.add(
                "esabora_url",
                FieldError::new(
                    "url.required",
                    "Saisissez l'adresse d'Esabora pour activer la synchronisation.",
                ),
            );
        }
        if token.is_none() {
            errors.add(
                "esabora_token",
                FieldError::new(
                    "token.required",
                    "Saisissez le jeton d'Esabora pour activer la synchronisation.",
                ),
            );
        }
    }
    let idoss_url = optional_url(&mut errors, "idoss_url", &input.idoss_url);
    if input.idoss_active && input.idoss_url.trim().is_empty() {
        errors.add(
            "idoss_url",
            FieldError::new(
                "url.required",
                "Saisissez l'adresse d'IDOSS pour activer la synchronisation.",
            ),
        );
    }
    let Some(partner_type) = input.partner_type.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    partner.nom = nom;
    partner.partner_type = partner_type;
    partner.email = email;
    partner.email_notifiable = input.email_notifiable;
    let mut competences: Vec<Qualification> = offered_competences()
        .filter(|q| input.competences.contains(q))
        .collect();
    if is_new && competences.is_empty() {
        competences = partner_type.default_competences().to_vec();
    }
    partner.competences = competences;
    partner.insee = insee;
    partner.esabora_active = input.esabora_active;
    partner.interconnection.esabora_url = esabora_url;
    partner.interconnection.esabora_token = token;
    partner.interconnection.idoss_active = input.idoss_active;
    partner.interconnection.idoss_url = idoss_url;
    Ok(())
}

/// What the territory form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerritoryInput {
    pub is_active: bool,
    /// Blank = every commune of the territory.
    pub authorized_insee: String,
}

/// Applies the form to the territory.
///
/// # Errors
/// The rejected field.
pub fn apply_territory_input(
    territory: &mut Territory,
    input: &TerritoryInput,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let codes = errors.check(
        "authorized_insee",
        parse_insee_list(&input.authorized_insee, &territory.code),
    );
    let Some(codes) = codes else {
        return Err(errors);
    };
    territory.is_active = input.is_active;
    territory.authorized_insee = codes;
    Ok(())
}

/// What the rule form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleInput {
    pub partner_type: String,
    pub profile: String,
    pub insee_to_include: String,
    pub insee_to_exclude: String,
    pub partner_to_exclude: Vec<String>,
    pub parc: String,
    pub allocataire: String,
    pub procedures: Vec<String>,
}

/// Applies the form to the rule, whose id, territory and status are set.
/// `partners` are the partners of the rule's territory: only they can be
/// excluded.
///
/// # Errors
/// Every rejected field, in the order the form shows them.
pub fn apply_rule_input(
    rule: &mut AutoAffectationRule,
    input: &RuleInput,
    partners: &[PartnerId],
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let partner_type = PartnerType::parse(&input.partner_type);
    if partner_type.is_none() {
        errors.add(
            "partner_type",
            FieldError::new(
                "type.required",
                "Choisissez le type des partenaires à affecter.",
            ),
        );
    }
    let profile = RuleProfile::parse(&input.profile);
    if profile.is_none() {
        errors.add(
            "profile",
            FieldError::new("profile.required", "Choisissez les déclarants visés."),
        );
    }
    let include = errors
        .check(
            "insee_to_include",
            parse_insee_list(&input.insee_to_include, &rule.territory),
        )
        .unwrap_or_default();
    let exclude = errors
        .check(
            "insee_to_exclude",
            parse_insee_list(&input.insee_to_exclude, &rule.territory),
        )
        .unwrap_or_default();
    let mut excluded_partners = Vec::new();
    for raw in &input.partner_to_exclude {
        match raw.parse::<PartnerId>() {
            Ok(id) if partners.contains(&id) => {
                if !excluded_partners.contains(&id) {
                    excluded_partners.push(id);
                }
            }
            _ => errors.add(
                "partner_to_exclude",
                FieldError::new(
                    "partner.unknown",
                    "Choisissez des partenaires de ce territoire.",
                ),
            ),
        }
    }
    let parc = RuleParc::parse(&input.parc);
    if parc.is_none() {
        errors.add(
            "parc",
            FieldError::new("parc.required", "Choisissez le parc visé."),
        );
    }
    let allocataire = RuleAllocataire::parse(&input.allocataire);
    if allocataire.is_none() {
        errors.add(
            "allocataire",
            FieldError::new(
                "allocataire.required",
                "Choisissez la situation d'allocataire visée.",
            ),
        );
    }
    let mut procedures = Vec::new();
    for raw in &input.procedures {
        match Qualification::parse(raw).filter(|q| Qualification::PROCEDURES_SUSPECTEES.contains(q))
        {
            Some(q) if !procedures.contains(&q) => procedures.push(q),
            Some(_) => {}
            None => errors.add(
                "procedures",
                FieldError::new(
                    "procedure.invalid",
                    "Choisissez des procédures suspectées de la liste.",
                ),
            ),
        }
    }
    let (Some(partner_type), Some(profile), Some(parc), Some(allocataire), true) =
        (partner_type, profile, parc, allocataire, errors.is_empty())
    else {
        return Err(errors);
    };
    rule.partner_type = partner_type;
    rule.profile_declarant = profile;
    rule.insee_to_include = include;
    rule.insee_to_exclude = exclude;
    rule.partner_to_exclude = excluded_partners;
    rule.parc = parc;
    rule.allocataire = allocataire;
    rule.procedures_suspectees = procedures;
    Ok(())
}

/// The partner as the audit log keeps it: the token masked.
fn partner_audit_view(partner: &Partner) -> Value {
    let mut value = serde_json::to_value(partner).unwrap_or(Value::Null);
    if let Some(token) = value
        .get_mut("interconnection")
        .and_then(|i| i.get_mut("esabora_token"))
        .filter(|t| !t.is_null())
    {
        *token = Value::String(MASKED.into());
    }
    value
}

/// The audit entry of a new partner.
pub fn partner_created(partner: &Partner) -> HistoryChange {
    history::whole(
        "Partner",
        partner.id.0,
        HistoryEvent::Create,
        &partner_audit_view(partner),
    )
}

/// The audit entry of a changed partner, `None` when nothing changed. A
/// new token is logged as changed, never as itself.
pub fn partner_updated(before: &Partner, after: &Partner) -> Option<HistoryChange> {
    let token_changed = before.interconnection.esabora_token != after.interconnection.esabora_token;
    let mut change = history::update(
        "Partner",
        after.id.0,
        &partner_audit_view(before),
        &partner_audit_view(after),
    );
    if token_changed {
        let masked = |t: &Option<Secret>| t.as_ref().map_or(Value::Null, |_| MASKED.into());
        let entry = Value::Array(vec![
            masked(&before.interconnection.esabora_token),
            match &after.interconnection.esabora_token {
                Some(_) => Value::String(format!("{MASKED} (nouveau)")),
                None => Value::Null,
            },
        ]);
        let change = change.get_or_insert_with(|| HistoryChange {
            entity_name: "Partner".into(),
            entity_id: after.id.0,
            event: HistoryEvent::Update,
            changes: Value::Object(serde_json::Map::new()),
        });
        if let Value::Object(map) = &mut change.changes {
            map.insert("esabora_token".into(), entry);
        }
    }
    change
}

/// A territory has a code, not a uuid: its audit entries name it by a
/// uuid made of the code's bytes, stable and distinct per code.
pub fn territory_entity_id(code: &TerritoryCode) -> uuid::Uuid {
    let mut bytes = [0u8; 16];
    for (slot, b) in bytes.iter_mut().zip(code.as_str().bytes()) {
        *slot = b;
    }
    uuid::Uuid::from_bytes(bytes)
}

/// The audit entry of a changed territory, `None` when nothing changed.
pub fn territory_updated(before: &Territory, after: &Territory) -> Option<HistoryChange> {
    let mut change = history::update("Territory", territory_entity_id(&after.code), before, after)?;
    if let Value::Object(map) = &mut change.changes {
        map.insert("code".into(), Value::String(after.code.as_str().into()));
    }
    Some(change)
}

pub fn rule_created(rule: &AutoAffectationRule) -> HistoryChange {
    history::whole("AutoAffectationRule", rule.id.0, HistoryEvent::Create, rule)
}

pub fn rule_updated(
    before: &AutoAffectationRule,
    after: &AutoAffectationRule,
) -> Option<HistoryChange> {
    history::update("AutoAffectationRule", after.id.0, before, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AutoAffectationRuleId;

    fn code(c: &str) -> TerritoryCode {
        TerritoryCode::parse(c).expect("a territory code")
    }

    fn partner() -> Partner {
        Partner::new(
            PartnerId(uuid::Uuid::from_u128(1)),
            code("13"),
            "",
            PartnerType::Autre,
        )
    }

    fn input() -> PartnerInput {
        PartnerInput {
            nom: "  SCHS   de Marseille ".into(),
            partner_type: Some(PartnerType::CommuneSchs),
            email: "Hygiene@Marseille.FR".into(),
            email_notifiable: true,
            insee: "13201, 13202;13202\n13203".into(),
            ..PartnerInput::default()
        }
    }

    fn field_errors(result: Result<(), ValidationErrors>) -> Vec<(String, &'static str)> {
        result
            .expect_err("a rejected form")
            .iter()
            .map(|(f, e)| (f.to_string(), e.code))
            .collect()
    }

    #[test]
    fn insee_codes_belong_to_their_territory() {
        let c = |s: &str| CodeInsee::parse(s).expect("a code");
        assert!(insee_in_territory(&c("13202"), &code("13")));
        assert!(!insee_in_territory(&c("33063"), &code("13")));
        assert!(insee_in_territory(&c("2A004"), &code("2A")));
        assert!(insee_in_territory(&c("97411"), &code("974")));
        assert!(!insee_in_territory(&c("97411"), &code("971")));
        assert!(insee_in_territory(&c("69381"), &code("69A")));
        assert!(insee_in_territory(&c("69381"), &code("69")));
    }

    #[test]
    fn an_insee_list_is_canonical_without_repeats_and_says_which_code_is_wrong() {
        assert_eq!(
            parse_insee_list(" 2a004 2A004,2B033 ", &code("2A")).map_err(|e| e.code),
            Err("insee.other_territory")
        );
        assert_eq!(
            parse_insee_list("13201, 13202;13202\n13203", &code("13")),
            Ok(vec!["13201".into(), "13202".into(), "13203".into()])
        );
        assert_eq!(parse_insee_list("  ", &code("13")), Ok(Vec::new()));
        let wrong = parse_insee_list("13201, 1320", &code("13")).expect_err("a short code");
        assert_eq!(wrong.code, "insee.invalid");
        assert!(wrong.message.contains("« 1320 »"), "{}", wrong.message);
        let elsewhere = parse_insee_list("33063", &code("13")).expect_err("Bordeaux");
        assert!(elsewhere.message.contains("33063"));
    }

    #[test]
    fn a_new_partner_gets_its_fields_and_the_defaults_of_its_type() {
        let mut p = partner();
        apply_partner_input(&mut p, &input(), true).expect("a valid form");
        assert_eq!(p.nom, "SCHS de Marseille");
        assert_eq!(p.email.as_deref(), Some("Hygiene@marseille.fr"));
        assert_eq!(p.insee, ["13201", "13202", "13203"]);
        assert_eq!(
            p.competences,
            PartnerType::CommuneSchs.default_competences()
        );
        // An existing partner keeps "no competence" when none is ticked.
        let mut existing = partner();
        apply_partner_input(&mut existing, &input(), false).expect("a valid form");
        assert!(existing.competences.is_empty());
    }

    #[test]
    fn a_partner_form_reports_every_wrong_field() {
        let form = PartnerInput {
            nom: " ".into(),
            partner_type: None,
            email: "pas-une-adresse".into(),
            competences: vec![Qualification::Danger],
            insee: "33063".into(),
            esabora_active: true,
            idoss_url: "ftp://idoss".into(),
            ..PartnerInput::default()
        };
        assert_eq!(
            field_errors(apply_partner_input(&mut partner(), &form, true)),
            [
                ("nom".to_string(), "nom.required"),
                ("type".to_string(), "type.required"),
                ("email".to_string(), "email.invalid"),
                ("competences".to_string(), "competence.danger"),
                ("insee".to_string(), "insee.other_territory"),
                ("esabora_url".to_string(), "url.required"),
                ("esabora_token".to_string(), "token.required"),
                ("idoss_url".to_string(), "url.invalid"),
            ]
        );
    }

    /// The stored token never follows the partner to a new address, and
    /// never travels unencrypted.
    #[test]
    fn a_new_esabora_address_needs_the_token_again_and_https() {
        let mut p = partner();
        let first = PartnerInput {
            esabora_active: true,
            esabora_url: "https://esabora.example.test/ws/rest".into(),
            esabora_token: "jeton-1".into(),
            ..input()
        };
        apply_partner_input(&mut p, &first, false).expect("valid");
        let moved = PartnerInput {
            esabora_url: "https://ailleurs.example.test/ws".into(),
            esabora_token: String::new(),
            ..first.clone()
        };
        assert_eq!(
            field_errors(apply_partner_input(&mut p.clone(), &moved, false)),
            [("esabora_token".to_string(), "token.retype")]
        );
        let retyped = PartnerInput {
            esabora_token: "jeton-2".into(),
            ..moved.clone()
        };
        apply_partner_input(&mut p, &retyped, false).expect("valid");
        assert_eq!(
            p.interconnection.esabora_token.as_ref().map(Secret::expose),
            Some("jeton-2")
        );
        let plain = PartnerInput {
            esabora_url: "http://esabora.example.test/ws/rest".into(),
            ..retyped
        };
        assert_eq!(
            field_errors(apply_partner_input(&mut p.clone(), &plain, false)),
            [("esabora_url".to_string(), "url.invalid")]
        );
    }

    #[test]
    fn a_blank_token_keeps_the_stored_one_and_forgetting_removes_it() {
        let mut p = partner();
        let with_token = PartnerInput {
            esabora_active: true,
            esabora_url: "https://esabora.example.test/ws/rest/".into(),
            esabora_token: "jeton-1".into(),
            ..input()
        };
        apply_partner_input(&mut p, &with_token, false).expect("valid");
        assert_eq!(
            p.interconnection.esabora_url.as_deref(),
            Some("https://esabora.example.test/ws/rest")
        );
        assert!(p.can_sync_with_esabora());
        let blank = PartnerInput {
            esabora_token: String::new(),
            ..with_token.clone()
        };
        apply_partner_input(&mut p, &blank, false).expect("valid");
        assert_eq!(
            p.interconnection.esabora_token.as_ref().map(Secret::expose),
            Some("jeton-1")
        );
        let forget = PartnerInput {
            esabora_active: false,
            forget_esabora_token: true,
            ..blank
        };
        apply_partner_input(&mut p, &forget, false).expect("valid");
        assert_eq!(p.interconnection.esabora_token, None);
    }

    #[test]
    fn the_audit_log_never_holds_a_token() {
        let before = partner();
        let mut after = before.clone();
        after.interconnection.esabora_token = Some(Secret::new("jeton-secret"));
        let change = partner_updated(&before, &after).expect("the token changed");
        let text = change.changes.to_string();
        assert!(!text.contains("jeton-secret"), "{text}");
        assert!(text.contains("esabora_token"), "{text}");
        let created = partner_created(&after).changes.to_string();
        assert!(!created.contains("jeton-secret"), "{created}");
        assert_eq!(partner_updated(&after, &after.clone()), None);
        assert!(format!("{after:?}").contains("Secret(***)"));
    }

    #[test]
    fn a_territory_form_opens_and_sets_its_communes() {
        let mut t = Territory {
            code: code("13"),
            name: "Bouches-du-Rhône".into(),
            is_active: true,
            authorized_insee: Vec::new(),
            timezone: "Europe/Paris".into(),
        };
        let before = t.clone();
        apply_territory_input(
            &mut t,
            &TerritoryInput {
                is_active: false,
                authorized_insee: "13202 13201".into(),
            },
        )
        .expect("valid");
        assert!(!t.is_active);
        assert_eq!(t.authorized_insee, ["13202", "13201"]);
        let change = territory_updated(&before, &t).expect("changed");
        assert_eq!(change.changes["code"], "13");
        assert_eq!(
            change.changes["is_active"],
            serde_json::json!([true, false])
        );
        assert_ne!(
            territory_entity_id(&code("13")),
            territory_entity_id(&code("2A"))
        );
        let wrong = apply_territory_input(
            &mut t,
            &TerritoryInput {
                is_active: true,
                authorized_insee: "06088".into(),
            },
        );
        assert_eq!(
            field_errors(wrong),
            [("authorized_insee".to_string(), "insee.other_territory")]
        );
    }

    #[test]
    fn a_rule_form_takes_only_the_territorys_partners_and_the_listed_procedures() {
        let mut rule = AutoAffectationRule::new(
            AutoAffectationRuleId(uuid::Uuid::from_u128(9)),
            code("13"),
            PartnerType::Autre,
        );
        let ours = PartnerId(uuid::Uuid::from_u128(1));
        let form = RuleInput {
            partner_type: "COMMUNE_SCHS".into(),
            profile: "LOCATAIRE".into(),
            insee_to_include: "13202".into(),
            insee_to_exclude: String::new(),
            partner_to_exclude: vec![ours.to_string()],
            parc: "prive".into(),
            allocataire: "caf".into(),
            procedures: vec!["INSALUBRITE".into()],
        };
        apply_rule_input(&mut rule, &form, &[ours]).expect("valid");
        assert_eq!(rule.partner_type, PartnerType::CommuneSchs);
        assert_eq!(
            rule.profile_declarant,
            RuleProfile::Exactly(crate::enums::ProfileDeclarant::Locataire)
        );
        assert_eq!(rule.partner_to_exclude, [ours]);
        assert_eq!(rule.parc, RuleParc::Prive);
        assert_eq!(rule.allocataire, RuleAllocataire::Caf);
        assert_eq!(rule.procedures_suspectees, [Qualification::Insalubrite]);
        let wrong = RuleInput {
            partner_type: "PAS_UN_TYPE".into(),
            partner_to_exclude: vec![uuid::Uuid::from_u128(3).to_string()],
            procedures: vec!["VISITES".into()],
            parc: "tout".into(),
            ..form
        };
        assert_eq!(
            field_errors(apply_rule_input(&mut rule, &wrong, &[ours])),
            [
                ("partner_type".to_string(), "type.required"),
                ("partner_to_exclude".to_string(), "partner.unknown"),
                ("parc".to_string(), "parc.required"),
                ("procedures".to_string(), "procedure.invalid"),
            ]
        );
    }

    #[test]
    fn rule_choices_read_back_what_they_write() {
        for profile in RuleProfile::choices() {
            assert_eq!(RuleProfile::parse(profile.as_str()), Some(profile));
        }
        for parc in RuleParc::ALL {
            assert_eq!(RuleParc::parse(parc.as_str()), Some(*parc));
        }
        for a in RuleAllocataire::ALL {
            assert_eq!(RuleAllocataire::parse(a.as_str()), Some(*a));
        }
    }
}
