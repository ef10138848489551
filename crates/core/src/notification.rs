//! Who hears of a new suivi (domain.md §7.4, rules 19–20). Pure decisions;
//! the application resolves them to people and queues the e-mails.

use serde::{Deserialize, Serialize};

use crate::enums::{NotificationType, Role, SignalementStatus, SuiviCategory};

/// What a new suivi triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiviNotice {
    /// In-app notification kind for agents (subscribers, super admins), if any.
    pub agents: Option<NotificationType>,
    /// Agents also get an e-mail (not when the case is closed: in-app only).
    pub agents_email: bool,
    /// The usager gets an e-mail.
    pub usager: bool,
}

impl SuiviNotice {
    pub const NOTHING: SuiviNotice = SuiviNotice {
        agents: None,
        agents_email: false,
        usager: false,
    };
}

/// The facts of the suivi and its case the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct SuiviFacts {
    pub category: SuiviCategory,
    pub is_public: bool,
    pub send_mail: bool,
    pub waiting_notification: bool,
    pub case_status: SignalementStatus,
    pub logement_vacant: bool,
    pub written_by_usager: bool,
    /// A partner's message held for its edit window and released now: it
    /// was written before any closure that came meanwhile, and is sent as
    /// it would have been then.
    pub released_after_hold: bool,
}

/// Rule 20 and §7.4.
pub fn on_new_suivi(f: SuiviFacts) -> SuiviNotice {
    use SignalementStatus as S;
    if !f.send_mail
        || f.waiting_notification
        || matches!(f.case_status, S::Archived | S::Draft | S::DraftArchived)
    {
        return SuiviNotice::NOTHING;
    }
    let agents = if f.category.notifies_usager_only() || f.category.is_injonction() {
        None
    } else {
        match f.category {
            SuiviCategory::SignalementIsClosed => Some(NotificationType::ClotureSignalement),
            SuiviCategory::DemandeAbandonProcedure => {
                Some(NotificationType::DemandeAbandonProcedure)
            }
            SuiviCategory::SignalementIsActive => None,
            _ => Some(NotificationType::NouveauSuivi),
        }
    };
    // On a closed case agents are told in-app only, except of the closure
    // itself, which is the news.
    let agents_email = agents.is_some()
        && (f.released_after_hold
            || f.case_status != S::Closed
            || f.category == SuiviCategory::SignalementIsClosed);
    let dedicated_template = matches!(
        f.category,
        SuiviCategory::SignalementIsClosed
            | SuiviCategory::SignalementIsRefused
            | SuiviCategory::SignalementIsActive
    );
    let usager = f.is_public
        && !f.logement_vacant
        && !f.written_by_usager
        && (dedicated_template
            || f.released_after_hold
            || !matches!(f.case_status, S::Closed | S::Refused));
    SuiviNotice {
        agents,
        agents_email,
        usager,
    }
}

/// Rule 19: writing a suivi makes its author follow the case, except for
/// usagers, API clients and super admins, on drafts, and for categories that
/// are answers rather than involvement.
pub fn subscribes_author(
    author_role: Option<Role>,
    category: SuiviCategory,
    case_status: SignalementStatus,
) -> bool {
    matches!(
        author_role,
        Some(Role::TerritoryAdmin | Role::PartnerAdmin | Role::Agent)
    ) && !category.skips_auto_subscription()
        && case_status != SignalementStatus::Draft
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(category: SuiviCategory) -> SuiviFacts {
        SuiviFacts {
            category,
            is_public: true,
            send_mail: true,
            waiting_notification: false,
            case_status: SignalementStatus::Active,
            logement_vacant: false,
            written_by_usager: false,
            released_after_hold: false,
        }
    }

    #[test]
    fn a_held_message_released_after_the_closure_is_still_e_mailed() {
        let held = SuiviFacts {
            case_status: SignalementStatus::Closed,
            released_after_hold: true,
            ..facts(SuiviCategory::MessagePartner)
        };
        let n = on_new_suivi(held);
        assert_eq!(n.agents, Some(NotificationType::NouveauSuivi));
        assert!(n.agents_email, "written while the case was open");
        assert!(n.usager, "a public message reaches the usager");
        let fresh = on_new_suivi(SuiviFacts {
            released_after_hold: false,
            ..held
        });
        assert!(!fresh.agents_email && !fresh.usager);
    }

    #[test]
    fn a_closed_case_notifies_agents_in_app_only() {
        let n = on_new_suivi(SuiviFacts {
            case_status: SignalementStatus::Closed,
            ..facts(SuiviCategory::MessageUsagerPostCloture)
        });
        assert_eq!(n.agents, Some(NotificationType::NouveauSuivi));
        assert!(!n.agents_email);
    }

    #[test]
    fn validation_tells_the_usager_but_creates_no_agent_notification() {
        let n = on_new_suivi(facts(SuiviCategory::SignalementIsActive));
        assert_eq!(n.agents, None);
        assert!(n.usager);
    }
}
