//! The back-office, `/bo`: what agents, partner admins, territory admins
//! and super admins work in. Every page takes the `Staff` extractor (a
//! valid session, or the login page) and every action is one use case,
//! whose policy check decides; pages show a form only where `can` allows.

pub mod account_links;
mod admin_forms;
pub mod adresse;
pub mod adresses_en_erreur;
pub mod brouillons;
pub mod cartographie;
pub mod courriels;
pub mod documents;
pub mod dossier;
pub mod dossier_actions;
pub mod etiquettes;
pub mod exports;
pub mod historique;
pub mod lecture;
pub mod list_params;
pub mod maintenance;
pub mod mon_compte;
pub mod notifications;
pub mod pages;
pub mod partenaires;
pub mod regles;
pub mod session;
pub mod statistiques;
pub mod taches;
pub mod territoires;
pub mod utilisateurs;
pub mod visites;

use axum::Router;
use histologe_core::Actor;
use histologe_core::enums::Role;

use super::WebState;

pub fn routes() -> Router<WebState> {
    Router::new()
        .merge(session::routes())
        .merge(account_links::routes())
        .merge(pages::routes())
        .merge(exports::routes())
        .merge(brouillons::routes())
        .merge(cartographie::routes())
        .merge(dossier::routes())
        .merge(adresse::routes())
        .merge(visites::routes())
        .merge(documents::routes())
        .merge(dossier_actions::routes())
        .merge(etiquettes::routes())
        .merge(lecture::routes())
        .merge(notifications::routes())
        .merge(mon_compte::routes())
        .merge(maintenance::routes())
        .merge(taches::routes())
        .merge(adresses_en_erreur::routes())
        .merge(statistiques::routes())
        .merge(utilisateurs::routes())
        .merge(partenaires::routes())
        .merge(territoires::routes())
        .merge(regles::routes())
}

/// What the header says of who is logged in.
/// `2 000`: a French number, thin space between thousands.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

pub fn role_label(actor: &Actor) -> &'static str {
    actor.as_staff().map_or("", |s| staff_role_label(s.role))
}

/// The header label of a role: the menu compares it to decide what the
/// holder of the label is offered.
fn staff_role_label(role: Role) -> &'static str {
    match role {
        Role::SuperAdmin => "Super administrateur",
        Role::TerritoryAdmin => "Responsable de territoire",
        Role::PartnerAdmin => "Administrateur partenaire",
        _ => "Agent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_reads_as_a_french_number() {
        assert_eq!(thousands(2_000), "2\u{202f}000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1\u{202f}234\u{202f}567");
    }
}
