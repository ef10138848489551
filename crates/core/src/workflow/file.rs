//! A document or photo added to a case (§1.8, §2.11): who may add it, who
//! sees it, and the NEW_DOCUMENT suivi it causes.

use chrono::{DateTime, Utc};

use super::{Events, author_of, check, suivi, tracked};
use crate::actor::Actor;
use crate::enums::{DocumentType, SuiviCategory};
use crate::error::DomainError;
use crate::model::Case;
use crate::policy::{Action, Resource};

/// Whether the usager sees a file: always his own; of the partners' files,
/// the "situation" documents, photos and visit reports, not the
/// "procédure" ones nor the internal kinds (export, other, landlord
/// messages).
pub fn visible_for_usager(document_type: DocumentType, by_usager: bool) -> bool {
    use DocumentType as D;
    by_usager
        || matches!(
            document_type,
            D::SituationFoyerBail
                | D::SituationFoyerDpe
                | D::SituationFoyerEtatDesLieux
                | D::SituationDiagnosticPlombAmiante
                | D::PhotoSituation
                | D::PhotoVisite
                | D::ProcedureRapportDeVisite
        )
}

/// Checks that `actor` may add a file to the case (before any byte is
/// read or stored) — the same rule as [`add_document`].
///
/// # Errors
/// The policy's refusal.
pub fn may_add(actor: &Actor, case: &Case) -> Result<(), DomainError> {
    check(actor, Action::AddFile, Resource::Signalement(case))
}

/// The file `title` of `document_type` was stored for the case: the
/// NEW_DOCUMENT suivi, public when the usager sees the file (§2.11:
/// situation files, visit reports and photos; not procédure files).
/// Exports make no suivi.
///
/// # Errors
/// The policy's refusal (checked again under the case's lock).
pub fn add_document(
    case: &mut Case,
    actor: &Actor,
    title: &str,
    document_type: DocumentType,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    let public = visible_for_usager(document_type, matches!(actor, Actor::Usager(_)));
    add_document_shown(case, actor, title, document_type, public, now)
}

/// [`add_document`] for a file whose visibility the uploader chose: the
/// NEW_DOCUMENT suivi is public exactly when the usager sees the file.
///
/// # Errors
/// The policy's refusal (checked again under the case's lock).
pub fn add_document_shown(
    case: &mut Case,
    actor: &Actor,
    title: &str,
    document_type: DocumentType,
    public: bool,
    now: DateTime<Utc>,
) -> Result<Events, DomainError> {
    may_add(actor, case)?;
    if document_type == DocumentType::Export {
        return Ok(Vec::new());
    }
    let what = if matches!(
        document_type,
        DocumentType::PhotoSituation | DocumentType::PhotoVisite
    ) {
        "Ajout de photo"
    } else {
        "Ajout de document"
    };
    let text = format!("{what} : {title}");
    tracked(case, |case, events| {
        let author = author_of(actor, case);
        events.push(suivi(
            case,
            SuiviCategory::NewDocument,
            text,
            public,
            author,
            now,
        ));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §2.11: of a partner's uploads, the usager sees the situation
    /// documents, the photos and the visit reports; the procédure
    /// documents and the other kinds stay internal unless the agent says
    /// otherwise. An usager's own files are always his.
    #[test]
    fn a_partners_upload_is_shown_to_the_usager_only_for_the_situation_kinds() {
        use DocumentType as D;
        let shown = [
            D::SituationFoyerBail,
            D::SituationFoyerDpe,
            D::SituationFoyerEtatDesLieux,
            D::SituationDiagnosticPlombAmiante,
            D::PhotoSituation,
            D::PhotoVisite,
            D::ProcedureRapportDeVisite,
        ];
        for t in DocumentType::ALL {
            assert_eq!(
                visible_for_usager(*t, false),
                shown.contains(t),
                "a partner's {t:?}"
            );
            assert!(visible_for_usager(*t, true), "the usager's own {t:?}");
        }
        assert!(!visible_for_usager(D::ProcedureMiseEnDemeure, false));
        assert!(!visible_for_usager(D::Autre, false));
    }
}
