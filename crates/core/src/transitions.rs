//! The status transitions of a signalement, an affectation and a visit
//! (domain.md §3.2–3.4), as tables a reader can audit line by line. Apart
//! from the initial status a new case gets in `creation`, a status is never
//! assigned outside `workflow`, and `workflow` only moves along these tables.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::enums::{AffectationStatus as A, InterventionStatus as I, SignalementStatus as S};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignalementTransition {
    /// An RT or super admin accepts a new case.
    Validate,
    /// Auto-affectation found partners: the platform validates.
    AutoValidate,
    Refuse,
    CloseForAll,
    ReopenForAll,
    /// "Supprimer": soft delete of a closed or refused case.
    Archive,
    /// Super admin only.
    Reactivate,
    /// A back-office draft is submitted and waits for validation.
    SubmitDraft,
    /// A back-office draft submitted by an RT, or matched by auto-affectation.
    SubmitDraftValidated,
    ArchiveDraft,
    /// The landlord injunction ends without result: normal procedure.
    SwitchToProcedure,
    CloseInjonction,
}

/// Every allowed (from, transition, to) of a signalement.
pub const SIGNALEMENT_TRANSITIONS: &[(S, SignalementTransition, S)] = {
    use SignalementTransition::*;
    &[
        (S::NeedValidation, Validate, S::Active),
        (S::NeedValidation, AutoValidate, S::Active),
        (S::NeedValidation, Refuse, S::Refused),
        (S::Active, CloseForAll, S::Closed),
        (S::Closed, ReopenForAll, S::Active),
        (S::Refused, ReopenForAll, S::Active),
        (S::Closed, Archive, S::Archived),
        (S::Refused, Archive, S::Archived),
        (S::Archived, Reactivate, S::Active),
        (S::Draft, SubmitDraft, S::NeedValidation),
        (S::Draft, SubmitDraftValidated, S::Active),
        (S::Draft, ArchiveDraft, S::DraftArchived),
        (S::InjonctionBailleur, SwitchToProcedure, S::NeedValidation),
        (S::InjonctionBailleur, CloseInjonction, S::InjonctionClosed),
    ]
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AffectationTransition {
    Accept,
    Refuse,
    /// "Annuler le refus": a refusal taken back is an acceptance.
    CancelRefusal,
    Close,
    /// Closed by the RT's close-for-all, whatever the partner had answered.
    CloseForAll,
    Reopen,
    ReopenForAll,
}

/// Every allowed (from, transition, to) of an affectation (rule 13).
pub const AFFECTATION_TRANSITIONS: &[(A, AffectationTransition, A)] = {
    use AffectationTransition::*;
    &[
        (A::Wait, Accept, A::Accepted),
        (A::Wait, Refuse, A::Refused),
        (A::Refused, CancelRefusal, A::Accepted),
        (A::Accepted, Close, A::Closed),
        (A::Wait, CloseForAll, A::Closed),
        (A::Accepted, CloseForAll, A::Closed),
        (A::Closed, Reopen, A::Wait),
        (A::Closed, ReopenForAll, A::Wait),
        (A::Refused, ReopenForAll, A::Wait),
    ]
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InterventionTransition {
    /// The visit happened (guard: its date is not in the future).
    Confirm,
    /// Called off before it happened (guard: its date is in the future).
    Cancel,
    /// It did not happen (guard: its date is not in the future).
    Abort,
    Reschedule,
}

/// The visit state machine (§3.4). The date guards are checked by
/// `workflow::visite`, which knows the clock.
pub const INTERVENTION_TRANSITIONS: &[(I, InterventionTransition, I)] = {
    use InterventionTransition::*;
    &[
        (I::Planned, Confirm, I::Done),
        (I::Planned, Cancel, I::Canceled),
        (I::Planned, Abort, I::NotDone),
        (I::Planned, Reschedule, I::Planned),
    ]
};

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("transition {transition} impossible depuis le statut {from}")]
pub struct TransitionError {
    pub from: String,
    pub transition: String,
}

fn next<St: Copy + PartialEq + std::fmt::Display, T: Copy + PartialEq + std::fmt::Debug>(
    table: &[(St, T, St)],
    from: St,
    transition: T,
) -> Result<St, TransitionError> {
    table
        .iter()
        .find(|(f, t, _)| *f == from && *t == transition)
        .map(|(_, _, to)| *to)
        .ok_or_else(|| TransitionError {
            from: from.to_string(),
            transition: format!("{transition:?}"),
        })
}

pub fn signalement_next(from: S, t: SignalementTransition) -> Result<S, TransitionError> {
    next(SIGNALEMENT_TRANSITIONS, from, t)
}

pub fn affectation_next(from: A, t: AffectationTransition) -> Result<A, TransitionError> {
    next(AFFECTATION_TRANSITIONS, from, t)
}

pub fn intervention_next(from: I, t: InterventionTransition) -> Result<I, TransitionError> {
    next(INTERVENTION_TRANSITIONS, from, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_reactivation_leaves_archived() {
        let leaving: Vec<_> = SIGNALEMENT_TRANSITIONS
            .iter()
            .filter(|(from, _, _)| *from == S::Archived)
            .collect();
        assert_eq!(
            leaving,
            vec![&(S::Archived, SignalementTransition::Reactivate, S::Active)]
        );
    }

    #[test]
    fn the_api_table_of_rule_13_is_contained() {
        use AffectationTransition::*;
        assert_eq!(affectation_next(A::Wait, Accept), Ok(A::Accepted));
        assert_eq!(affectation_next(A::Wait, Refuse), Ok(A::Refused));
        assert_eq!(affectation_next(A::Refused, CancelRefusal), Ok(A::Accepted));
        assert_eq!(affectation_next(A::Accepted, Close), Ok(A::Closed));
        assert_eq!(affectation_next(A::Closed, Reopen), Ok(A::Wait));
        assert!(affectation_next(A::Accepted, Refuse).is_err());
        assert!(affectation_next(A::Closed, Accept).is_err());
    }
}
