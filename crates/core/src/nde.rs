//! Non-décence énergétique (domain.md §5.5, rule 29): whether the energy
//! performance of a logement makes it indecent, from its DPE.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::enums::QualificationStatus;

/// Final energy consumption above which a logement is indecent, in kWh per
/// m² and per year (décret 2021-19, the threshold the reference applies).
pub const SEUIL_CONSOMMATION_KWH_M2: f64 = 450.0;

/// Energy class of a DPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ClasseEnergetique {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
}

impl ClasseEnergetique {
    pub const ALL: &'static [ClasseEnergetique] = &[
        Self::A,
        Self::B,
        Self::C,
        Self::D,
        Self::E,
        Self::F,
        Self::G,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::E => "E",
            Self::F => "F",
            Self::G => "G",
        }
    }

    /// Reads a class letter, whatever its case and surrounding spaces;
    /// `None` for anything else ("nsp", empty).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(value))
    }
}

/// When the last DPE was made. DPEs before 2023 give a yearly consumption
/// for the whole logement, later ones a consumption per m² (§5.5 step 3).
/// Stored as `before2023` / `post2023`; a date (what the reference writes
/// when it builds the details itself) is read as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum DateDernierDpe {
    Before2023,
    Post2023,
    On(NaiveDate),
}

impl DateDernierDpe {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "before2023" => Some(Self::Before2023),
            "post2023" => Some(Self::Post2023),
            other => NaiveDate::parse_from_str(other, "%Y-%m-%d")
                .ok()
                .map(Self::On),
        }
    }

    pub fn is_before_2023(self) -> bool {
        match self {
            Self::Before2023 => true,
            Self::Post2023 => false,
            Self::On(date) => date.year() < 2023,
        }
    }
}

impl From<DateDernierDpe> for String {
    fn from(value: DateDernierDpe) -> String {
        match value {
            DateDernierDpe::Before2023 => "before2023".to_string(),
            DateDernierDpe::Post2023 => "post2023".to_string(),
            DateDernierDpe::On(date) => date.format("%Y-%m-%d").to_string(),
        }
    }
}

impl TryFrom<String> for DateDernierDpe {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value).ok_or_else(|| {
            format!("date_dernier_dpe must be before2023, post2023 or YYYY-MM-DD, not `{value}`")
        })
    }
}

/// What the NDE status is decided from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NdeInput {
    /// Does the logement have a DPE? `None` when the declarant does not know.
    pub dpe: Option<bool>,
    pub date_dernier_dpe: Option<DateDernierDpe>,
    /// kWh/year for a pre-2023 DPE (the form's "conso" when a surface is
    /// known), kWh/m²/year otherwise (the form's "conso finale").
    pub consommation: Option<f64>,
    /// Surface of the logement in m².
    pub superficie: Option<f64>,
    pub classe_energetique: Option<ClasseEnergetique>,
    /// Whether the NDE qualification is backed by linked précisions (§1.11).
    pub has_desordres: bool,
}

impl NdeInput {
    pub fn is_classe_g(&self) -> bool {
        self.classe_energetique == Some(ClasseEnergetique::G)
    }

    /// The details stored on the NDE qualification.
    pub fn details(&self) -> NdeDetails {
        NdeDetails {
            consommation_energie: self.consommation,
            dpe: self.dpe,
            date_dernier_dpe: self.date_dernier_dpe,
            classe_energetique: self.classe_energetique,
        }
    }

    /// Rebuilds the input from stored details, e.g. after a back-office
    /// edit of the NDE qualification (§5.5).
    pub fn from_details(
        details: &NdeDetails,
        superficie: Option<f64>,
        has_desordres: bool,
    ) -> Self {
        NdeInput {
            dpe: details.dpe,
            date_dernier_dpe: details.date_dernier_dpe,
            consommation: details.consommation_energie,
            superficie,
            classe_energetique: details.classe_energetique,
            has_desordres,
        }
    }

    /// Consumption per m² and per year, when known (§5.5 step 3): pre-2023
    /// DPEs give it for the whole logement, so it is divided by the surface
    /// when there is one.
    pub fn consommation_par_m2(&self) -> Option<f64> {
        let consommation = self.consommation.filter(|c| c.is_finite())?;
        let surface = self.superficie.filter(|s| s.is_finite() && *s > 0.0);
        match (self.date_dernier_dpe, surface) {
            (Some(date), Some(surface)) if date.is_before_2023() => Some(consommation / surface),
            _ => Some(consommation),
        }
    }
}

/// The details kept on a NON_DECENCE_ENERGETIQUE qualification (§1.11).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NdeDetails {
    #[serde(default)]
    pub consommation_energie: Option<f64>,
    #[serde(rename = "DPE", default)]
    pub dpe: Option<bool>,
    #[serde(default)]
    pub date_dernier_dpe: Option<DateDernierDpe>,
    #[serde(default)]
    pub classe_energetique: Option<ClasseEnergetique>,
}

/// NDE status (§5.5 steps 1–6, rule 29): NDE_CHECK when it cannot be told,
/// NDE_AVEREE when there is no DPE or the consumption exceeds 450 kWh/m²,
/// NDE_OK when the consumption is within it and the class is not G.
pub fn nde_status(input: &NdeInput) -> QualificationStatus {
    match input.dpe {
        None => return QualificationStatus::NdeCheck,
        Some(false) => return QualificationStatus::NdeAveree,
        Some(true) => {}
    }
    let classe_g = input.is_classe_g();
    match input.consommation_par_m2() {
        Some(c) if c > SEUIL_CONSOMMATION_KWH_M2 => QualificationStatus::NdeAveree,
        Some(_) if !classe_g => QualificationStatus::NdeOk,
        None if !classe_g && !input.has_desordres => QualificationStatus::NdeOk,
        _ => QualificationStatus::NdeCheck,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QualificationStatus::{NdeAveree, NdeCheck, NdeOk};

    fn with_dpe() -> NdeInput {
        NdeInput {
            dpe: Some(true),
            date_dernier_dpe: Some(DateDernierDpe::Post2023),
            ..NdeInput::default()
        }
    }

    #[test]
    fn unknown_dpe_is_to_check() {
        let input = NdeInput {
            consommation: Some(600.0),
            ..NdeInput::default()
        };
        assert_eq!(nde_status(&input), NdeCheck);
    }

    #[test]
    fn no_dpe_is_averee() {
        let input = NdeInput {
            dpe: Some(false),
            consommation: Some(100.0),
            classe_energetique: Some(ClasseEnergetique::B),
            ..NdeInput::default()
        };
        assert_eq!(nde_status(&input), NdeAveree);
    }

    #[test]
    fn threshold_450_is_ok_and_above_is_averee() {
        let at = NdeInput {
            consommation: Some(450.0),
            ..with_dpe()
        };
        assert_eq!(nde_status(&at), NdeOk);
        let above = NdeInput {
            consommation: Some(450.1),
            ..with_dpe()
        };
        assert_eq!(nde_status(&above), NdeAveree);
    }

    #[test]
    fn pre_2023_consumption_is_divided_by_the_surface() {
        // 20 000 kWh/year over 40 m² = 500 kWh/m² > 450.
        let input = NdeInput {
            date_dernier_dpe: Some(DateDernierDpe::Before2023),
            consommation: Some(20_000.0),
            superficie: Some(40.0),
            ..with_dpe()
        };
        assert_eq!(input.consommation_par_m2(), Some(500.0));
        assert_eq!(nde_status(&input), NdeAveree);
        // Over 50 m² it is 400 kWh/m².
        let larger = NdeInput {
            superficie: Some(50.0),
            ..input
        };
        assert_eq!(nde_status(&larger), NdeOk);
    }

    #[test]
    fn a_dated_dpe_before_2023_is_divided_too() {
        let input = NdeInput {
            date_dernier_dpe: DateDernierDpe::parse("1970-01-01"),
            consommation: Some(9_000.0),
            superficie: Some(20.0),
            ..with_dpe()
        };
        assert_eq!(input.consommation_par_m2(), Some(450.0));
        assert_eq!(nde_status(&input), NdeOk);
    }

    #[test]
    fn post_2023_or_surfaceless_consumption_is_not_divided() {
        let post = NdeInput {
            consommation: Some(300.0),
            superficie: Some(30.0),
            ..with_dpe()
        };
        assert_eq!(post.consommation_par_m2(), Some(300.0));
        let no_surface = NdeInput {
            date_dernier_dpe: Some(DateDernierDpe::Before2023),
            superficie: Some(0.0),
            ..post
        };
        assert_eq!(no_surface.consommation_par_m2(), Some(300.0));
    }

    #[test]
    fn low_consumption_with_class_g_is_to_check() {
        let input = NdeInput {
            consommation: Some(200.0),
            classe_energetique: Some(ClasseEnergetique::G),
            ..with_dpe()
        };
        assert_eq!(nde_status(&input), NdeCheck);
    }

    #[test]
    fn no_consumption_is_ok_only_without_class_g_nor_desordres() {
        assert_eq!(nde_status(&with_dpe()), NdeOk);
        let with_desordres = NdeInput {
            has_desordres: true,
            ..with_dpe()
        };
        assert_eq!(nde_status(&with_desordres), NdeCheck);
        let class_g = NdeInput {
            classe_energetique: Some(ClasseEnergetique::G),
            ..with_dpe()
        };
        assert_eq!(nde_status(&class_g), NdeCheck);
    }

    #[test]
    fn classe_energetique_parses_letters_only() {
        assert_eq!(ClasseEnergetique::parse(" g "), Some(ClasseEnergetique::G));
        assert_eq!(ClasseEnergetique::parse("A"), Some(ClasseEnergetique::A));
        assert_eq!(ClasseEnergetique::parse("nsp"), None);
        assert_eq!(ClasseEnergetique::parse(""), None);
    }

    #[test]
    fn details_round_trip_with_the_stored_keys() {
        let input = NdeInput {
            dpe: Some(true),
            date_dernier_dpe: Some(DateDernierDpe::Before2023),
            consommation: Some(12_000.0),
            superficie: Some(30.0),
            classe_energetique: Some(ClasseEnergetique::F),
            has_desordres: true,
        };
        let json = serde_json::to_value(input.details()).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "consommation_energie": 12000.0,
                "DPE": true,
                "date_dernier_dpe": "before2023",
                "classe_energetique": "F",
            })
        );
        let back: NdeDetails = serde_json::from_value(json).expect("deserializes");
        assert_eq!(NdeInput::from_details(&back, Some(30.0), true), input);
    }

    #[test]
    fn stored_dates_are_read() {
        let details: NdeDetails = serde_json::from_str(
            r#"{"consommation_energie":null,"DPE":null,"date_dernier_dpe":"2023-01-02"}"#,
        )
        .expect("deserializes");
        let date = details.date_dernier_dpe.expect("present");
        assert!(!date.is_before_2023());
        assert!(details.classe_energetique.is_none());
        assert!(serde_json::from_str::<NdeDetails>(r#"{"date_dernier_dpe":"hier"}"#).is_err());
    }
}
