//! Étiquettes (territory tags) on a case (features.md §2.6, §2.15). The
//! case's own list of tag ids is the one source of truth of which tags it
//! carries; the change goes through `tracked`, so the audit log records it
//! like any edit of the signalement (§1.14: "Signalement also logs M2M
//! changes of `tags`").

use super::{Events, check, tracked};
use crate::actor::Actor;
use crate::error::DomainError;
use crate::model::{Case, Tag};
use crate::policy::{Action, Resource};

/// Longest label accepted (the reference platform's column).
pub const LABEL_MAX_CHARS: usize = 255;

/// The label as kept: trimmed, inner runs of spaces collapsed; refused when
/// empty or too long.
pub fn clean_label(label: &str) -> Result<String, DomainError> {
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        return Err(DomainError::invalid(
            "label",
            "Saisissez le nom de l'étiquette.",
        ));
    }
    if label.chars().count() > LABEL_MAX_CHARS {
        return Err(DomainError::invalid(
            "label",
            format!("Le nom de l'étiquette ne doit pas dépasser {LABEL_MAX_CHARS} caractères."),
        ));
    }
    Ok(label)
}

fn usable_on(tag: &Tag, case: &Case) -> Result<(), DomainError> {
    if tag.is_archive || tag.territory != case.signalement.territory {
        return Err(DomainError::invalid(
            "etiquette",
            "Cette étiquette n'existe pas sur ce territoire.",
        ));
    }
    Ok(())
}

/// Puts the tag on the case; nothing happens when it is already there.
pub fn add(case: &mut Case, actor: &Actor, tag: &Tag) -> Result<Events, DomainError> {
    check(actor, Action::EditTags, Resource::Signalement(case))?;
    usable_on(tag, case)?;
    tracked(case, |case, _| {
        if !case.signalement.tags.contains(&tag.id) {
            case.signalement.tags.push(tag.id);
        }
        Ok(())
    })
}

/// Takes the tag off the case; nothing happens when it is not there. An
/// archived tag can still be taken off.
pub fn remove(case: &mut Case, actor: &Actor, tag: &Tag) -> Result<Events, DomainError> {
    check(actor, Action::EditTags, Resource::Signalement(case))?;
    tracked(case, |case, _| {
        case.signalement.tags.retain(|t| *t != tag.id);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::clean_label;

    #[test]
    fn labels_are_trimmed_and_never_empty() {
        assert_eq!(
            clean_label("  Péril   imminent ").expect("a label"),
            "Péril imminent"
        );
        assert!(clean_label("   ").is_err());
        assert!(clean_label(&"a".repeat(256)).is_err());
        assert!(clean_label(&"a".repeat(255)).is_ok());
    }
}
