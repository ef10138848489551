//! The back-office most route tests start from: the usual partners of the
//! Bouches-du-Rhône and of the Gironde, one signed-in account per role,
//! and the few steps that put a case in front of them (filed, validated,
//! affected, accepted). What a test adds to it stays in the test.

use histologe_core::Actor;
use histologe_core::enums::{PartnerType, Role};
use histologe_core::form::Answers;
use histologe_core::model::{Case, Partner, User};

use super::Site;

/// The password of every account of the world.
pub const PASSWORD: &str = "Histologe-back-office-2026";

/// A back-office account, signed in.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub actor: Actor,
    /// The session cookie, as a browser sends it back.
    pub cookie: String,
}

/// The site with, in the 13, the SCHS de Marseille (perimeter Marseille
/// 2e, 13202), the CAF 13 and the ARS 13; in the 33, the SCHS de Bordeaux
/// (perimeter 33063) and the ARS 33; and these accounts, all named Camille
/// Martin, none with the affectation permission:
///
/// | field | e-mail | role | partner |
/// | --- | --- | --- | --- |
/// | `agent13` | agent13@histologe.test | agent | SCHS de Marseille |
/// | `partner_admin13` | pa13@histologe.test | partner admin | SCHS de Marseille |
/// | `rt13` | rt13@histologe.test | RT | ARS 13 |
/// | `rt33` | rt33@histologe.test | RT | ARS 33 |
/// | `super_admin` | admin@histologe.test | super admin | none |
#[derive(Debug)]
pub struct BoWorld {
    pub site: Site,
    pub schs13: Partner,
    pub caf13: Partner,
    pub ars13: Partner,
    pub schs33: Partner,
    pub ars33: Partner,
    pub agent13: Staff,
    pub partner_admin13: Staff,
    pub rt13: Staff,
    pub rt33: Staff,
    pub super_admin: Staff,
}

impl BoWorld {
    pub async fn new() -> BoWorld {
        BoWorld::on(Site::new().await).await
    }

    /// The world on `site` (on SQL, or with address services).
    pub async fn on(site: Site) -> BoWorld {
        let schs13 = site
            .partner(
                "13",
                "SCHS de Marseille",
                PartnerType::CommuneSchs,
                &["13202"],
            )
            .await;
        let caf13 = site.partner("13", "CAF 13", PartnerType::CafMsa, &[]).await;
        let ars13 = site.partner("13", "ARS 13", PartnerType::Ars, &[]).await;
        let schs33 = site
            .partner(
                "33",
                "SCHS de Bordeaux",
                PartnerType::CommuneSchs,
                &["33063"],
            )
            .await;
        let ars33 = site.partner("33", "ARS 33", PartnerType::Ars, &[]).await;
        let mut accounts = Vec::new();
        for (email, role, partner) in [
            ("agent13@histologe.test", Role::Agent, Some(&schs13)),
            ("pa13@histologe.test", Role::PartnerAdmin, Some(&schs13)),
            ("rt13@histologe.test", Role::TerritoryAdmin, Some(&ars13)),
            ("rt33@histologe.test", Role::TerritoryAdmin, Some(&ars33)),
            ("admin@histologe.test", Role::SuperAdmin, None),
        ] {
            accounts.push(signed_in(&site, email, role, partner).await);
        }
        let [agent13, partner_admin13, rt13, rt33, super_admin]: [Staff; 5] =
            accounts.try_into().expect("five accounts");
        BoWorld {
            site,
            schs13,
            caf13,
            ars13,
            schs33,
            ars33,
            agent13,
            partner_admin13,
            rt13,
            rt33,
            super_admin,
        }
    }

    /// One more account of `role` in `partner`, with the world's password,
    /// signed in.
    pub async fn staff(&self, email: &str, role: Role, partner: Option<&Partner>) -> Staff {
        signed_in(&self.site, email, role, partner).await
    }

    /// New sessions for every account of the world: those opened by `new`
    /// end on the site's clock 8 hours later, which a test may move past.
    pub async fn sign_in_again(&mut self) {
        for staff in [
            &mut self.agent13,
            &mut self.partner_admin13,
            &mut self.rt13,
            &mut self.rt33,
            &mut self.super_admin,
        ] {
            staff.cookie = self.site.login(&staff.user.email, PASSWORD).await;
        }
    }

    /// `answers` filed through the public form: a case waiting for
    /// validation.
    pub async fn file_case(&self, answers: &Answers) -> Case {
        let (_, case) = self.site.file_through_a_draft(answers).await;
        case
    }

    /// `case` validated by the RT of the 13, then affected by him to
    /// `partners`; the case as it then is.
    pub async fn affect(&self, case: &Case, partners: &[&Partner]) -> Case {
        let app = self.site.app();
        let id = case.signalement.id;
        app.validate_signalement(&self.rt13.actor, id, Vec::new())
            .await
            .expect("validated");
        let ids: Vec<_> = partners.iter().map(|p| p.id).collect();
        app.affect_partners(&self.rt13.actor, id, &ids)
            .await
            .expect("affected")
    }

    /// `answers` filed, validated by the RT of the 13 and affected to
    /// `partners`.
    pub async fn affected_case(&self, answers: &Answers, partners: &[&Partner]) -> Case {
        let case = self.file_case(answers).await;
        self.affect(&case, partners).await
    }

    /// `staff` accepts, for `partner`, its affectation on `case`.
    pub async fn accept(&self, staff: &Staff, case: &Case, partner: &Partner) {
        let affectation = case
            .affectation_of(partner.id)
            .unwrap_or_else(|| panic!("{} affected", partner.nom))
            .id;
        self.site
            .app()
            .accept_affectation(&staff.actor, case.signalement.id, affectation, Vec::new())
            .await
            .expect("accepted");
    }
}

async fn signed_in(site: &Site, email: &str, role: Role, partner: Option<&Partner>) -> Staff {
    let (user, actor) = site
        .staff_member(email, PASSWORD, role, partner, false)
        .await;
    let cookie = site.login(email, PASSWORD).await;
    Staff {
        user,
        actor,
        cookie,
    }
}
