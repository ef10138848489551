//! The désordres screens, generated from the grid rather than written in
//! `screens.json`: the grid is the one list of catégories, critères and
//! précisions (decision 0002), so a revised grid changes the form with it.
//!
//! Per zone: one screen listing the zone's catégories, then one screen per
//! catégorie, shown when it is ticked, with a checkbox per critère and, for
//! a critère with several précisions, a radio of its précisions shown when
//! the critère is ticked.

use crate::desordres::{DesordreCritere, DesordreGrid};
use crate::enums::DesordreZone;

use super::definition::{Choice, GeneratedZone, QuestionKind, RawQuestion, RawScreen};

pub(crate) const ZONE_KEY: &str = "zone_concernee_zone";
pub(crate) const CATEGORY: &str = "Désordres";

/// Catégories the form does not offer: the composition ones follow from the
/// "type et composition" answers (see `mapping`), the service de secours
/// ones belong to that service's own form.
fn is_offered(categorie_slug: &str) -> bool {
    !categorie_slug.starts_with("desordres_type_composition") && categorie_slug != "service_secours"
}

pub(crate) struct ZoneInfo {
    pub zone: DesordreZone,
    /// Slug of the screen listing the catégories.
    pub list_slug: &'static str,
    /// Key of the checkbox question listing the catégories.
    pub list_key: &'static str,
    /// Values of `zone_concernee_zone` that show the zone.
    pub zone_values: &'static str,
    pub only_value: &'static str,
    pub title: &'static str,
    pub suffix: &'static str,
}

pub(crate) fn zone_info(zone: GeneratedZone) -> ZoneInfo {
    match zone {
        GeneratedZone::DesordresBatiment => ZoneInfo {
            zone: DesordreZone::Batiment,
            list_slug: "desordres_batiment",
            list_key: "desordres_categories_batiment",
            zone_values: "['batiment', 'batiment_logement']",
            only_value: "batiment",
            title: "Les problèmes du bâtiment et des parties communes",
            suffix: "dans le bâtiment",
        },
        GeneratedZone::DesordresLogement => ZoneInfo {
            zone: DesordreZone::Logement,
            list_slug: "desordres_logement",
            list_key: "desordres_categories_logement",
            zone_values: "['logement', 'batiment_logement']",
            only_value: "logement",
            title: "Les problèmes du logement",
            suffix: "dans le logement",
        },
    }
}

/// Key of the radio choosing the précision of a critère. Not the critère
/// slug itself: `desordres_logement_proprete` is both a catégorie and its
/// only critère.
pub fn precision_key(critere_slug: &str) -> String {
    format!("{critere_slug}_precision")
}

/// The catégories of `zone` the form offers, in grid order, with their critères.
pub(crate) fn categories(
    grid: &DesordreGrid,
    zone: DesordreZone,
) -> Vec<(String, String, Vec<&DesordreCritere>)> {
    let mut out: Vec<(String, String, Vec<&DesordreCritere>)> = Vec::new();
    for critere in grid
        .criteres()
        .iter()
        .filter(|c| c.zone == zone && is_offered(&c.categorie_slug))
    {
        match out
            .iter_mut()
            .find(|(slug, _, _)| *slug == critere.categorie_slug)
        {
            Some((_, _, criteres)) => criteres.push(critere),
            None => out.push((
                critere.categorie_slug.clone(),
                critere.categorie_label.clone(),
                vec![critere],
            )),
        }
    }
    out
}

pub(crate) fn generate(grid: &DesordreGrid, which: GeneratedZone) -> Vec<RawScreen> {
    let info = zone_info(which);
    let in_zone = format!("{ZONE_KEY} in {}", info.zone_values);
    let categories = categories(grid, info.zone);
    let category_choices: Vec<Choice> = categories
        .iter()
        .map(|(slug, label, _)| Choice {
            value: slug.clone(),
            label: label.clone(),
            hint: None,
        })
        .collect();

    // Required when the declarant chose this zone only; with both zones,
    // one of them may be empty (the final check wants one désordre at least).
    let mut only = RawQuestion::new(
        info.list_key,
        "Quels types de problèmes constatez-vous ?",
        QuestionKind::Checkboxes,
    );
    only.choices = category_choices.clone();
    only.hint = Some("Cochez tout ce qui s'applique.".into());
    only.when = Some(format!("{ZONE_KEY} == '{}'", info.only_value));
    only.message = Some("Cochez au moins un type de problème.".into());
    let mut both = only.clone();
    both.required = Some(false);
    both.hint =
        Some("Cochez tout ce qui s'applique. Laissez vide s'il n'y a rien à signaler.".into());
    both.when = Some(format!("{ZONE_KEY} == 'batiment_logement'"));

    let mut screens = vec![RawScreen {
        slug: info.list_slug.into(),
        category: CATEGORY.into(),
        title: info.title.into(),
        intro: None,
        kind: super::definition::ScreenKind::Questions,
        when: Some(in_zone.clone()),
        questions: vec![only, both],
    }];

    for (slug, label, criteres) in &categories {
        let mut questions = Vec::new();
        let mut list = RawQuestion::new(
            slug.clone(),
            "Cochez ce que vous constatez",
            QuestionKind::Checkboxes,
        );
        list.message = Some("Cochez au moins une situation, ou revenez en arrière pour décocher ce type de problème.".into());
        list.choices = criteres
            .iter()
            .map(|c| Choice {
                value: c.slug.clone(),
                label: critere_label(c, criteres),
                hint: None,
            })
            .collect();
        questions.push(list);
        for critere in criteres.iter().filter(|c| c.precisions.len() > 1) {
            let mut radio = RawQuestion::new(
                precision_key(&critere.slug),
                format!("Précisez : {}", strip_html(&critere.label)),
                QuestionKind::Radio,
            );
            radio.when = Some(format!("has({slug}, '{}')", critere.slug));
            radio.message = Some("Choisissez la situation qui correspond le mieux.".into());
            radio.choices = critere
                .precisions
                .iter()
                .map(|p| Choice {
                    value: p.slug.clone(),
                    label: if p.label.trim().is_empty() {
                        strip_html(&critere.label)
                    } else {
                        strip_html(&p.label)
                    },
                    hint: None,
                })
                .collect();
            questions.push(radio);
        }
        screens.push(RawScreen {
            slug: slug.clone(),
            category: CATEGORY.into(),
            title: format!("{label} {}", info.suffix),
            intro: None,
            kind: super::definition::ScreenKind::Questions,
            when: Some(format!("{in_zone} and has({}, '{slug}')", info.list_key)),
            questions,
        });
    }
    screens
}

/// A critère's label; when several critères of the catégorie share it (the
/// humidity ones differ by room only) the room of its précisions is added.
fn critere_label(critere: &DesordreCritere, siblings: &[&DesordreCritere]) -> String {
    let label = strip_html(&critere.label);
    let shared = siblings
        .iter()
        .filter(|c| strip_html(&c.label) == label)
        .count()
        > 1;
    let room = critere
        .precisions
        .first()
        .and_then(|p| p.label.split("<b>").nth(1))
        .and_then(|rest| rest.split("</b>").next())
        .map(strip_html);
    match (shared, room) {
        (true, Some(room)) => format!("{label} ({})", room.to_lowercase()),
        _ => label,
    }
}

/// The grid's labels carry a little HTML for the back office; the form
/// shows plain text (and escapes it).
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br") {
            out.push_str(" — ");
        } else {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let text = out.replace("&nbsp;", " ").replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_grid_html() {
        assert_eq!(
            strip_html(
                "<span>Dans : <b>Tout le logement</b></span><br><span class='x'>Ventilation nettoyée : oui</span>"
            ),
            "Dans : Tout le logement — Ventilation nettoyée : oui"
        );
        assert_eq!(strip_html("Plain"), "Plain");
    }

    #[test]
    fn generated_screens_follow_the_grid() {
        let grid = DesordreGrid::reference();
        let screens = generate(grid, GeneratedZone::DesordresLogement);
        assert_eq!(screens[0].slug, "desordres_logement");
        assert!(
            screens
                .iter()
                .all(|s| !s.slug.starts_with("desordres_type_composition"))
        );
        let humidite = screens
            .iter()
            .find(|s| s.slug == "desordres_logement_humidite")
            .expect("humidité screen");
        let labels: Vec<&str> = humidite.questions[0]
            .choices
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        let unique: std::collections::HashSet<_> = labels.iter().collect();
        assert_eq!(unique.len(), labels.len(), "{labels:?}");
    }
}
