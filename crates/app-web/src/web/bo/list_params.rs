//! The list's query string (`/bo/signalements?…`, also the CSV export's):
//! read into a `SignalementFilter` with a French message for each value it
//! cannot read (that filter is dropped, the others kept), and written back
//! for pagination links, removable filter tags and dashboard links.

use chrono::{DateTime, NaiveDate, Utc};
use histologe_application::{FilterChoices, NO_SUIVI_DAYS};
use histologe_core::enums::{AffectationStatus, Qualification, SignalementStatus};
use histologe_core::ids::PartnerId;
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{ListOrder, PartnerFilter, SignalementFilter};
use serde::Deserialize;

/// Statuses offered in the filter (drafts, archives and injonctions are
/// never in this list).
pub const STATUSES: &[SignalementStatus] = &[
    SignalementStatus::NeedValidation,
    SignalementStatus::Active,
    SignalementStatus::Closed,
    SignalementStatus::Refused,
];

pub const AFFECTATION_STATUSES: &[(&str, AffectationStatus, &str)] = &[
    ("acceptee", AffectationStatus::Accepted, "Acceptée"),
    ("en_attente", AffectationStatus::Wait, "En attente"),
    ("refusee", AffectationStatus::Refused, "Refusée"),
    ("cloturee", AffectationStatus::Closed, "Clôturée"),
];

pub const ORDERS: &[(&str, ListOrder, &str)] = &[
    (
        "depot_desc",
        ListOrder::CreatedDesc,
        "Dépôt : plus récent d'abord",
    ),
    (
        "depot_asc",
        ListOrder::CreatedAsc,
        "Dépôt : plus ancien d'abord",
    ),
    (
        "reference_desc",
        ListOrder::ReferenceDesc,
        "Référence décroissante",
    ),
    (
        "reference_asc",
        ListOrder::ReferenceAsc,
        "Référence croissante",
    ),
    ("occupant_asc", ListOrder::OccupantAsc, "Occupant : A à Z"),
    ("occupant_desc", ListOrder::OccupantDesc, "Occupant : Z à A"),
    ("commune_asc", ListOrder::CommuneAsc, "Commune : A à Z"),
    ("commune_desc", ListOrder::CommuneDesc, "Commune : Z à A"),
];

/// The value of `partenaire` for « sans affectation ».
pub const NO_PARTNER: &str = "aucun";

/// The query string as typed (every value kept as text, so that the form
/// shows back what was typed even when it is wrong).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListParams {
    pub q: String,
    pub statut: String,
    pub territoire: String,
    pub partenaire: String,
    pub affectation: String,
    pub commune: String,
    pub depot_du: String,
    pub depot_au: String,
    pub criticite_min: String,
    pub criticite_max: String,
    pub procedure: String,
    pub etiquette: String,
    pub sans_suivi: String,
    pub ferme_par_tous: String,
    pub abandon: String,
    pub tri: String,
    pub page: Option<u32>,
}

/// A value that could not be read: the field's name (its `id` in the
/// form) and the French message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn flag(value: &str) -> bool {
    !value.trim().is_empty() && value.trim() != "0"
}

fn date(value: &str) -> Result<Option<NaiveDate>, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

/// The start of a day as agents count days: in French legal time.
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    let start = chrono::NaiveTime::MIN;
    histologe_core::time::from_local(day, start).unwrap_or_else(|| day.and_time(start).and_utc())
}

fn percent(value: &str) -> Result<Option<u32>, ()> {
    let value = value.trim().trim_end_matches('%').trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<u32>() {
        Ok(n) if n <= 100 => Ok(Some(n)),
        _ => Err(()),
    }
}

impl ListParams {
    /// The filter, and a message for each value dropped. `now` dates the
    /// « sans suivi depuis 30 jours » flag.
    pub fn to_filter(
        &self,
        choices: &FilterChoices,
        now: DateTime<Utc>,
    ) -> (SignalementFilter, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut error = |field: &'static str, message: &str| {
            errors.push(FieldError {
                field,
                message: message.to_string(),
            });
        };
        let mut f = SignalementFilter {
            text: Some(self.q.trim().to_string()).filter(|q| !q.is_empty()),
            commune: Some(self.commune.trim().to_string()).filter(|c| !c.is_empty()),
            closed_by_all_partners: flag(&self.ferme_par_tous),
            abandon_requested: flag(&self.abandon),
            no_suivi_since: flag(&self.sans_suivi)
                .then(|| now - chrono::Duration::days(NO_SUIVI_DAYS)),
            ..SignalementFilter::default()
        };
        if !self.statut.is_empty() {
            f.status = SignalementStatus::parse(&self.statut).filter(|s| STATUSES.contains(s));
            if f.status.is_none() {
                error("statut", "Choisissez un statut de la liste.");
            }
        }
        if !self.territoire.is_empty() {
            let code = TerritoryCode::parse(&self.territoire).ok();
            f.territory = code.filter(|c| choices.territories.iter().any(|t| &t.code == c));
            if f.territory.is_none() {
                error("territoire", "Choisissez un territoire de la liste.");
            }
        }
        if self.partenaire == NO_PARTNER {
            f.partner = Some(PartnerFilter::NoAffectation);
        } else if !self.partenaire.is_empty() {
            let id = self.partenaire.parse().ok().map(PartnerId);
            f.partner = id
                .filter(|id| choices.partners.iter().any(|p| &p.id == id))
                .map(PartnerFilter::AffectedTo);
            if f.partner.is_none() {
                error("partenaire", "Choisissez un partenaire de la liste.");
            }
        }
        if !self.affectation.is_empty() {
            f.affectation_status = AFFECTATION_STATUSES
                .iter()
                .find(|(v, _, _)| *v == self.affectation)
                .map(|(_, s, _)| *s);
            if f.affectation_status.is_none() {
                error(
                    "affectation",
                    "Choisissez un statut d'affectation de la liste.",
                );
            }
        }
        if !self.procedure.is_empty() {
            f.procedure = Qualification::parse(&self.procedure)
                .filter(|q| Qualification::PROCEDURES_SUSPECTEES.contains(q));
            if f.procedure.is_none() {
                error("procedure", "Choisissez une procédure de la liste.");
            }
        }
        if !self.etiquette.is_empty() {
            // Only an étiquette the form offers: another territory's id
            // filters nothing and says so.
            f.tag = self
                .etiquette
                .parse()
                .ok()
                .map(histologe_core::ids::TagId)
                .filter(|id| choices.tags.iter().any(|t| &t.id == id));
            if f.tag.is_none() {
                error("etiquette", "Choisissez une étiquette de la liste.");
            }
        }
        match date(&self.depot_du) {
            Ok(day) => f.created_after = day.map(midnight),
            Err(()) => error("depot_du", "Saisissez une date au format JJ/MM/AAAA."),
        }
        match date(&self.depot_au) {
            // The whole last day is included.
            Ok(day) => f.created_before = day.and_then(|d| d.succ_opt()).map(midnight),
            Err(()) => error("depot_au", "Saisissez une date au format JJ/MM/AAAA."),
        }
        if let (Some(after), Some(before)) = (f.created_after, f.created_before)
            && after >= before
        {
            f.created_before = None;
            error(
                "depot_au",
                "La date de fin doit être postérieure ou égale à la date de début.",
            );
        }
        match percent(&self.criticite_min) {
            Ok(n) => f.score_min = n,
            Err(()) => error(
                "criticite_min",
                "Saisissez un nombre entier entre 0 et 100.",
            ),
        }
        match percent(&self.criticite_max) {
            Ok(n) => f.score_max = n,
            Err(()) => error(
                "criticite_max",
                "Saisissez un nombre entier entre 0 et 100.",
            ),
        }
        if let (Some(min), Some(max)) = (f.score_min, f.score_max)
            && min > max
        {
            f.score_max = None;
            error(
                "criticite_max",
                "La criticité maximale doit être supérieure ou égale à la minimale.",
            );
        }
        if !self.tri.is_empty() {
            match ORDERS.iter().find(|(v, _, _)| *v == self.tri) {
                Some((_, order, _)) => f.order = *order,
                None => error("tri", "Choisissez un tri de la liste."),
            }
        }
        (f, errors)
    }

    /// The query string's pairs, empty values left out (the page too).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", self.q.as_str()),
            ("statut", &self.statut),
            ("territoire", &self.territoire),
            ("partenaire", &self.partenaire),
            ("affectation", &self.affectation),
            ("commune", &self.commune),
            ("depot_du", &self.depot_du),
            ("depot_au", &self.depot_au),
            ("criticite_min", &self.criticite_min),
            ("criticite_max", &self.criticite_max),
            ("procedure", &self.procedure),
            ("etiquette", &self.etiquette),
            ("sans_suivi", &self.sans_suivi),
            ("ferme_par_tous", &self.ferme_par_tous),
            ("abandon", &self.abandon),
            ("tri", &self.tri),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
    }

    /// `a=1&b=2` of every set value but `without`.
    pub fn query_without(&self, without: Option<&str>) -> String {
        self.pairs()
            .into_iter()
            .filter(|(k, _)| Some(*k) != without)
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The parameters of a dashboard filter (the flags it uses).
    pub fn from_filter(filter: &SignalementFilter) -> ListParams {
        ListParams {
            statut: filter
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            affectation: filter
                .affectation_status
                .and_then(|s| AFFECTATION_STATUSES.iter().find(|(_, x, _)| *x == s))
                .map(|(v, _, _)| (*v).to_string())
                .unwrap_or_default(),
            sans_suivi: if filter.no_suivi_since.is_some() {
                "1".into()
            } else {
                String::new()
            },
            ferme_par_tous: if filter.closed_by_all_partners {
                "1".into()
            } else {
                String::new()
            },
            abandon: if filter.abandon_requested {
                "1".into()
            } else {
                String::new()
            },
            ..ListParams::default()
        }
    }

    /// The active filters in words, each with the other parameters: a
    /// button submitting them removes that filter (a form, so that it
    /// works without JavaScript, as DSFR's dismissible tags are buttons).
    pub fn tags(&self, choices: &FilterChoices) -> Vec<(String, Vec<(&'static str, String)>)> {
        let label = |key: &str, value: &str| -> String {
            match key {
                "q" => format!("Recherche : {value}"),
                "statut" => format!(
                    "Statut : {}",
                    SignalementStatus::parse(value).map_or(value, |s| s.label())
                ),
                "territoire" => format!(
                    "Territoire : {}",
                    choices
                        .territories
                        .iter()
                        .find(|t| t.code.as_str() == value)
                        .map_or(value, |t| t.name.as_str())
                ),
                "partenaire" if value == NO_PARTNER => "Sans affectation".to_string(),
                "partenaire" => format!(
                    "Partenaire : {}",
                    choices
                        .partners
                        .iter()
                        .find(|p| p.id.to_string() == value)
                        .map_or(value, |p| p.nom.as_str())
                ),
                "affectation" => format!(
                    "Affectation : {}",
                    AFFECTATION_STATUSES
                        .iter()
                        .find(|(v, _, _)| *v == value)
                        .map_or(value, |(_, _, l)| l)
                ),
                "commune" => format!("Commune : {value}"),
                "depot_du" => format!("Déposé depuis le {value}"),
                "depot_au" => format!("Déposé jusqu'au {value}"),
                "criticite_min" => format!("Criticité ≥ {value} %"),
                "criticite_max" => format!("Criticité ≤ {value} %"),
                "procedure" => format!(
                    "Procédure suspectée : {}",
                    Qualification::parse(value).map_or(value, |q| q.label())
                ),
                "etiquette" => format!(
                    "Étiquette : {}",
                    choices
                        .tags
                        .iter()
                        .find(|t| t.id.to_string() == value)
                        .map_or(value, |t| t.label.as_str())
                ),
                "sans_suivi" => format!("Sans suivi depuis {NO_SUIVI_DAYS} jours"),
                "ferme_par_tous" => "Fermé par tous les partenaires".to_string(),
                "abandon" => "Arrêt de procédure demandé".to_string(),
                other => format!("{other} : {value}"),
            }
        };
        self.pairs()
            .into_iter()
            .filter(|(k, _)| *k != "tri")
            .map(|(k, v)| {
                let rest = self
                    .pairs()
                    .into_iter()
                    .filter(|(other, _)| *other != k)
                    .map(|(other, value)| (other, value.to_string()))
                    .collect();
                (label(k, v), rest)
            })
            .collect()
    }
}

/// An option of a `<select>` of the filter form.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_string(),
        label: label.to_string(),
    }
}

/// The filter form of the list, which the map shows too
/// (`bo/_filtres.html`): what was typed, the messages of what could not be
/// read, and the options offered to the actor.
#[derive(Debug)]
pub struct FilterForm {
    /// Where the form is sent (the list or the map).
    pub action: &'static str,
    /// The list's order (the map has none).
    pub show_order: bool,
    pub p: ListParams,
    pub errors: Vec<FieldError>,
    pub statuses: Vec<Choice>,
    pub territories: Vec<Choice>,
    pub partners: Vec<Choice>,
    pub affectations: Vec<Choice>,
    pub procedures: Vec<Choice>,
    pub tags: Vec<Choice>,
    pub orders: Vec<Choice>,
    pub no_partner: &'static str,
    /// « Plus d'options » starts open when one of its values is set or
    /// wrong.
    pub more_open: bool,
}

impl FilterForm {
    pub fn new(
        action: &'static str,
        show_order: bool,
        params: &ListParams,
        choices: &FilterChoices,
        errors: Vec<FieldError>,
    ) -> FilterForm {
        let more_set = [
            &params.affectation,
            &params.depot_du,
            &params.depot_au,
            &params.criticite_min,
            &params.criticite_max,
            &params.procedure,
            &params.etiquette,
            &params.sans_suivi,
            &params.ferme_par_tous,
            &params.abandon,
        ]
        .iter()
        .any(|v| !v.is_empty());
        FilterForm {
            action,
            show_order,
            p: params.clone(),
            statuses: STATUSES
                .iter()
                .map(|s| choice(s.as_str(), s.label()))
                .collect(),
            territories: choices
                .territories
                .iter()
                .map(|t| {
                    choice(
                        t.code.as_str(),
                        &format!("{} - {}", t.code.as_str(), t.name),
                    )
                })
                .collect(),
            partners: choices
                .partners
                .iter()
                .map(|p| choice(&p.id.to_string(), &p.nom))
                .collect(),
            affectations: AFFECTATION_STATUSES
                .iter()
                .map(|(v, _, l)| choice(v, l))
                .collect(),
            procedures: Qualification::PROCEDURES_SUSPECTEES
                .iter()
                .map(|q| choice(q.as_str(), q.label()))
                .collect(),
            tags: choices
                .tags
                .iter()
                .map(|t| choice(&t.id.to_string(), &t.label))
                .collect(),
            orders: ORDERS.iter().map(|(v, _, l)| choice(v, l)).collect(),
            no_partner: NO_PARTNER,
            more_open: more_set || errors.iter().any(|e| e.field != "statut"),
            errors,
        }
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Percent-encodes a query value (letters, digits and `-_.~` kept).
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
