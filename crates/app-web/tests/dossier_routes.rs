//! The actions of the signalement view in the back-office, in process:
//! visits, documents, reopen, unaffect, reinit, archive, and a suivi's
//! edit window. Each test does what a person does in a browser (posts the
//! form the page shows, follows the redirect) and checks what the page
//! then says.

mod support;

use std::ops::Deref;

use axum::http::StatusCode;
use chrono::TimeDelta;
use histologe_core::Actor;
use histologe_core::enums::{MotifCloture, Role, SignalementStatus, TravauxMiseEnConformite};
use histologe_core::ids::{FileId, SignalementId, SuiviId};
use histologe_core::model::Case;
use histologe_core::workflow::affectation::ClosingForm;
use support::world::{BoWorld, Staff};
use support::{Multipart, Reply, assert_contains};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The back-office world with a case of the Bouches-du-Rhône validated by
/// the RT of the 13 and affected to the SCHS de Marseille (whose agent
/// accepted) and to the CAF (which has not answered).
struct Dossier {
    bo: BoWorld,
    id: SignalementId,
    code: String,
    /// An agent of the CAF 13.
    caf_agent: Staff,
    /// An agent of the ARS 13, a partner that is not affected.
    stranger: Staff,
}

impl Deref for Dossier {
    type Target = BoWorld;
    fn deref(&self) -> &BoWorld {
        &self.bo
    }
}

async fn dossier() -> Dossier {
    let bo = BoWorld::new().await;
    let caf_agent = bo
        .staff("agent@caf.test", Role::Agent, Some(&bo.caf13))
        .await;
    let stranger = bo
        .staff("agent@ars.test", Role::Agent, Some(&bo.ars13))
        .await;
    let case = bo
        .affected_case(&bo.site.locataire_answers(), &[&bo.schs13, &bo.caf13])
        .await;
    bo.accept(&bo.agent13, &case, &bo.schs13).await;
    Dossier {
        id: case.signalement.id,
        code: case.signalement.code_suivi.clone(),
        caf_agent,
        stranger,
        bo,
    }
}

impl Dossier {
    fn path(&self, rest: &str) -> String {
        format!("/bo/signalements/{}{rest}", self.id)
    }

    async fn view(&self, cookie: &str) -> String {
        let reply = self.site.get_with(&self.path(""), Some(cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.text()
    }

    /// Posts `fields` to the case's `rest`, expects the redirect back to
    /// the view and returns the view as it then reads.
    async fn act(&self, rest: &str, fields: &[(&str, &str)], cookie: &str) -> String {
        let reply = self
            .site
            .post_form(&self.path(rest), fields, Some(cookie))
            .await;
        self.followed(reply, cookie).await
    }

    async fn followed(&self, reply: Reply, cookie: &str) -> String {
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let location = reply.location();
        assert!(
            location.starts_with(&format!("/bo/signalements/{}?fait=", self.id)),
            "{location}"
        );
        let page = self.site.get_with(&location, Some(cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        page.text()
    }

    async fn case(&self) -> Case {
        self.site
            .app()
            .view_case(&self.rt13.actor, self.id)
            .await
            .expect("the case")
    }

    /// Posts a public suivi on the case's page as `cookie`; its id.
    async fn post_suivi(&self, message: &str, cookie: &str) -> SuiviId {
        self.act("/suivis", &[("message", message), ("public", "1")], cookie)
            .await;
        self.case()
            .await
            .suivis
            .iter()
            .find(|s| s.description == message)
            .expect("the suivi")
            .id
    }

    fn clock(&self) -> &histologe_adapters_memory::FixedClock {
        &self.site.adapters.clock
    }
}

// ---------------------------------------------------------------------------
// Visits.

#[tokio::test]
async fn a_visit_is_planned_rescheduled_and_cancelled_from_the_view() {
    let d = dossier().await;
    let page = d.view(&d.agent13.cookie).await;
    assert_contains(
        &page,
        &["Aucune visite n'est programmée.", "Programmer la visite"],
        "the agent of the accepted partner may plan",
    );
    // The CAF has not accepted: no planning for its agent.
    let caf_page = d.view(&d.caf_agent.cookie).await;
    assert!(!caf_page.contains("Programmer la visite"), "{caf_page}");
    // Nor is a form he may not send discussed with him.
    let reply = d
        .site
        .post_form(
            &d.path("/visites"),
            &[("date", "demain")],
            Some(&d.caf_agent.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.text().contains("Accès refusé"));

    let schs = d.schs13.id.to_string();
    let page = d
        .act(
            "/visites",
            &[
                ("date", "2025-02-10"),
                ("heure", "14:30"),
                ("operateur", &schs),
                ("commentaire", "Merci de libérer l'accès au compteur."),
            ],
            &d.agent13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &[
            "La visite est programmée.",
            "<td>10/02/2025 à 14:30</td>",
            "SCHS de Marseille",
            "Planifiée",
            "Pour l'usager : Merci de libérer l'accès au compteur.",
        ],
        "after planning",
    );
    let visit = d.case().await.interventions[0].id;

    let page = d
        .act(
            &format!("/visites/{visit}/reprogrammer"),
            &[("date", "2025-02-17"), ("heure", "09:00")],
            &d.rt13.cookie,
        )
        .await;
    // The visits table lists the new date, not the old one.
    assert_contains(
        &page,
        &["La visite est reprogrammée.", "<td>17/02/2025 à 09:00</td>"],
        "after rescheduling",
    );
    assert!(
        !page.contains("<td>10/02/2025 à 14:30</td>"),
        "the old date is gone\n{page}"
    );

    // A cancellation needs its reason: the form comes back as typed.
    let reply = d
        .site
        .post_form(
            &d.path(&format!("/visites/{visit}/annuler")),
            &[("motif", "  ")],
            Some(&d.agent13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &reply.text(),
        &[
            "Annuler la visite",
            "Le motif d'annulation",
            "fr-error-text",
        ],
        "a cancellation without reason",
    );
    let page = d
        .act(
            &format!("/visites/{visit}/annuler"),
            &[("motif", "Le locataire est hospitalisé.")],
            &d.agent13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &[
            "La visite est annulée.",
            "Annulée",
            "Le locataire est hospitalisé.",
        ],
        "after cancelling",
    );
    // The usager reads the planning, the new date and the cancellation.
    let usager = d.site.usager_login(&d.code, "L", "L", "13002").await;
    let tracking = d
        .site
        .get_with(
            &format!("/suivre-mon-signalement/{}", d.code),
            Some(&usager),
        )
        .await
        .text();
    assert_contains(
        &tracking,
        &[
            "Visite programmée le 10/02/2025",
            "17/02/2025",
            "hospitalisé",
        ],
        "the tracking page",
    );
}

#[tokio::test]
async fn a_past_visit_is_concluded_and_a_date_typed_wrong_is_kept() {
    let d = dossier().await;
    let schs = d.schs13.id.to_string();
    // A date that is not one: the planning page again, with what was typed.
    let reply = d
        .site
        .post_form(
            &d.path("/visites"),
            &[
                ("date", "10/02/2025"),
                ("heure", "14:30"),
                ("operateur", &schs),
                ("commentaire", "Sonner à l'interphone."),
            ],
            Some(&d.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.input_value("date").as_deref(), Some("10/02/2025"));
    assert_eq!(
        reply.textarea("commentaire").as_deref(),
        Some("Sonner à l'interphone.")
    );
    assert_contains(
        &reply.text(),
        &["Indiquez la date de la visite", "href=\"#programmer-date\""],
        "the error summary links the field",
    );
    assert!(d.case().await.interventions.is_empty());

    d.act(
        "/visites",
        &[
            ("date", "2025-01-01"),
            // An hour from now: the clock says 10:00 in Paris.
            ("heure", "11:00"),
            ("operateur", &schs),
        ],
        &d.rt13.cookie,
    )
    .await;
    let visit = d.case().await.interventions[0].id;
    // Two hours later (the sessions still open) the visit is due.
    d.clock().advance(TimeDelta::hours(2));
    let page = d.view(&d.agent13.cookie).await;
    assert_contains(
        &page,
        &[
            "Conclusion à renseigner",
            "Conclure la visite du 01/01/2025",
        ],
        "a due visit",
    );
    let page = d
        .act(
            &format!("/visites/{visit}/conclure"),
            &[
                ("resultat", "faite"),
                ("procedures", "NON_DECENCE"),
                ("procedures", "RSD"),
                ("occupant_present", "oui"),
                ("proprietaire_present", "non"),
                ("details", "Humidité importante dans la chambre."),
                ("notifier", "1"),
            ],
            &d.agent13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &[
            "La conclusion de la visite est enregistrée.",
            "Terminée",
            "Non décence, Infraction RSD",
            "Occupant présent, Propriétaire absent",
            "Humidité importante dans la chambre.",
        ],
        "after the conclusion",
    );
    assert!(
        !page.contains("Conclure la visite du"),
        "nothing left to conclude"
    );
}

#[tokio::test]
async fn a_visit_that_did_not_happen_and_one_by_an_outside_operator() {
    let d = dossier().await;
    let page = d
        .act(
            "/visites",
            &[
                ("date", "2025-01-01"),
                ("heure", "11:00"),
                ("operateur", "externe"),
                ("operateur_externe", "Cabinet Diag Sud"),
            ],
            &d.rt13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &["Cabinet Diag Sud (opérateur externe)", "Planifiée"],
        "an outside operator",
    );
    // Without a name, the outside operator is refused next to the select.
    let reply = d
        .site
        .post_form(
            &d.path("/visites"),
            &[
                ("date", "2025-01-05"),
                ("heure", "11:00"),
                ("operateur", "externe"),
            ],
            Some(&d.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains("nom de l'opérateur externe"));

    let visit = d.case().await.interventions[0].id;
    d.clock().advance(TimeDelta::hours(3));
    let page = d
        .act(
            &format!("/visites/{visit}/conclure"),
            &[
                ("resultat", "non_faite"),
                ("details", "Personne n'a ouvert la porte."),
            ],
            &d.rt13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &[
            "La visite est enregistrée comme non effectuée.",
            "Non effectuée",
            "Personne n'a ouvert la porte.",
        ],
        "a visit that did not happen",
    );
}

// ---------------------------------------------------------------------------
// Documents.

#[tokio::test]
async fn an_agents_document_is_listed_by_type_and_downloaded_only_by_those_who_see_the_case() {
    let d = dossier().await;
    let upload = |kind: &str, visible: &str, name: &str| {
        Multipart::of(&[("type", kind), ("visible", visible), ("titre", "")]).file(
            "fichier",
            name,
            "application/pdf",
            PDF,
        )
    };
    let reply = d
        .site
        .post_multipart(
            &d.path("/documents"),
            upload("PROCEDURE_MISE_EN_DEMEURE", "", "mise-en-demeure.pdf"),
            Some(&d.agent13.cookie),
        )
        .await;
    let page = d.followed(reply, &d.agent13.cookie).await;
    assert_contains(
        &page,
        &[
            "Le document est ajouté au dossier.",
            "Mise en demeure",
            "Télécharger « mise-en-demeure.pdf »",
            "Interne",
        ],
        "a procédure document, internal by default (§2.11)",
    );
    let reply = d
        .site
        .post_multipart(
            &d.path("/documents"),
            upload("AUTRE", "oui", "courrier.pdf"),
            Some(&d.agent13.cookie),
        )
        .await;
    d.followed(reply, &d.agent13.cookie).await;

    let files = d
        .site
        .app()
        .visible_files(&d.rt13.actor, d.id)
        .await
        .expect("files");
    let file_of = |title: &str| {
        files
            .iter()
            .find(|f| f.title == title)
            .unwrap_or_else(|| panic!("{title} stored"))
            .id
    };
    let (notice, letter) = (file_of("mise-en-demeure.pdf"), file_of("courrier.pdf"));

    // The RT downloads it, with its type and as an attachment.
    let download = |file: &dyn std::fmt::Display| d.path(&format!("/fichiers/{file}"));
    let reply = d
        .site
        .get_with(&download(&notice), Some(&d.rt13.cookie))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body.as_bytes(), PDF);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(
        reply
            .header("content-disposition")
            .is_some_and(|v| v.starts_with("attachment")),
    );
    // The agent of a partner that is not affected gets what an unknown
    // file gets.
    let unknown = download(&FileId(uuid::Uuid::new_v4()));
    let baseline = d.site.get_with(&unknown, Some(&d.stranger.cookie)).await;
    assert_eq!(baseline.status, StatusCode::NOT_FOUND);
    let refused = d
        .site
        .get_with(&download(&notice), Some(&d.stranger.cookie))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.body, baseline.body);
    // A file of another case, named under this one, reads like an unknown
    // file even for the RT who sees both.
    let other = d.file_case(&d.site.locataire_answers()).await;
    let other_id = other.signalement.id;
    let usager_of_other = Actor::Usager(histologe_core::actor::UsagerSession {
        signalement_id: other_id,
        side: histologe_core::enums::UsagerSide::Occupant,
    });
    let elsewhere = d
        .site
        .app()
        .upload_file(
            &usager_of_other,
            other_id,
            histologe_application::UploadInput {
                bytes: PDF.to_vec(),
                file_name: "bail.pdf".into(),
                document_type: histologe_core::enums::DocumentType::SituationFoyerBail,
                desordre_slug: None,
                title: None,
            },
        )
        .await
        .expect("a file of the other case")
        .id;
    let rt_baseline = d.site.get_with(&unknown, Some(&d.rt13.cookie)).await;
    let misplaced = d
        .site
        .get_with(&download(&elsewhere), Some(&d.rt13.cookie))
        .await;
    assert_eq!(misplaced.status, StatusCode::NOT_FOUND);
    assert_eq!(misplaced.body, rt_baseline.body);
    let right_place = d
        .site
        .get_with(
            &format!("/bo/signalements/{other_id}/fichiers/{elsewhere}"),
            Some(&d.rt13.cookie),
        )
        .await;
    assert_eq!(right_place.status, StatusCode::OK, "under its own case");
    // Nobody without a session reaches it.
    let anonymous = d.site.get_with(&download(&notice), None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/connexion"));

    // The usager downloads the one shown to him, not the internal one.
    let usager = d.site.usager_login(&d.code, "L", "L", "13002").await;
    let tracking = |file: &dyn std::fmt::Display| {
        format!("/suivre-mon-signalement/{}/fichiers/{file}", d.code)
    };
    let shown = d.site.get_with(&tracking(&letter), Some(&usager)).await;
    assert_eq!(shown.status, StatusCode::OK);
    let hidden = d.site.get_with(&tracking(&notice), Some(&usager)).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_upload_without_type_or_file_comes_back_with_what_was_chosen() {
    let d = dossier().await;
    let reply = d
        .site
        .post_multipart(
            &d.path("/documents"),
            Multipart::of(&[
                ("type", "SITUATION_FOYER_DPE"),
                ("visible", "non"),
                ("titre", "DPE 2024"),
            ]),
            Some(&d.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert_contains(
        &text,
        &[
            "Choisissez le fichier à ajouter.",
            "href=\"#document-fichier\"",
            "value=\"SITUATION_FOYER_DPE\" selected",
            "value=\"non\" checked",
        ],
        "the rejected upload",
    );
    assert_eq!(reply.input_value("titre").as_deref(), Some("DPE 2024"));
}

// ---------------------------------------------------------------------------
// Reopen, unaffect, reinit, archive.

#[tokio::test]
async fn the_rt_reopens_a_closed_case_for_all() {
    let d = dossier().await;
    let motif = MotifCloture::parse("TRAVAUX_FAITS_OU_EN_COURS").expect("a motif");
    d.site
        .app()
        .close_signalement(&d.rt13.actor, d.id, motif, "Travaux faits.", false)
        .await
        .expect("closed");
    // The agent of the partner sees the case, without the button.
    let agent_page = d.view(&d.agent13.cookie).await;
    assert!(!agent_page.contains("Rouvrir pour tous les partenaires"));
    let page = d.view(&d.rt13.cookie).await;
    assert_contains(
        &page,
        &[
            "Rouvrir pour tous les partenaires",
            "Supprimer le signalement",
        ],
        "a closed case for its RT",
    );
    let page = d.act("/rouvrir", &[("public", "1")], &d.rt13.cookie).await;
    assert_contains(
        &page,
        &["Le signalement est rouvert pour tous les partenaires."],
        "after reopening",
    );
    assert!(!page.contains("Rouvrir pour tous les partenaires"));
    let case = d.case().await;
    assert_eq!(case.signalement.status, SignalementStatus::Active);
}

#[tokio::test]
async fn a_partner_reopens_its_own_closed_affectation() {
    let d = dossier().await;
    let case = d.case().await;
    let affectation = case.affectation_of(d.schs13.id).expect("SCHS").id;
    d.site
        .app()
        .close_affectation(
            &d.agent13.actor,
            d.id,
            affectation,
            ClosingForm {
                motif: MotifCloture::parse("TRAVAUX_FAITS_OU_EN_COURS").expect("a motif"),
                travaux: TravauxMiseEnConformite::parse("OUI"),
                precisions: "Les travaux sont terminés.".into(),
            },
        )
        .await
        .expect("closed for the SCHS");
    let page = d.view(&d.agent13.cookie).await;
    assert!(page.contains("Rouvrir pour SCHS de Marseille"), "{page}");
    // The CAF's agent is offered nothing on the SCHS's affectation.
    assert!(
        !d.view(&d.caf_agent.cookie)
            .await
            .contains("Rouvrir pour SCHS")
    );
    let page = d
        .act(
            &format!("/affectations/{affectation}/rouvrir"),
            &[],
            &d.agent13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &["Le signalement est rouvert pour votre partenaire."],
        "after reopening the affectation",
    );
    assert!(!page.contains("Rouvrir pour SCHS de Marseille"));
    let case = d.case().await;
    assert_eq!(
        case.affectation_of(d.schs13.id).expect("SCHS").status,
        histologe_core::enums::AffectationStatus::Wait
    );
}

#[tokio::test]
async fn the_rt_unaffects_a_partner_and_reaffects_a_refused_one() {
    let d = dossier().await;
    let case = d.case().await;
    let caf = case.affectation_of(d.caf13.id).expect("CAF").id;
    d.site
        .app()
        .refuse_affectation(
            &d.caf_agent.actor,
            d.id,
            caf,
            None,
            "Ce dossier ne relève pas de la CAF.",
        )
        .await
        .expect("refused by the CAF");
    let page = d.view(&d.rt13.cookie).await;
    assert_contains(&page, &["Réaffecter", "Désaffecter"], "the RT's buttons");
    // Agents without the affectation permission see neither.
    let agent_page = d.view(&d.agent13.cookie).await;
    assert!(!agent_page.contains("Désaffecter"));
    assert!(!agent_page.contains("Réaffecter"));

    let page = d
        .act(
            &format!("/affectations/{caf}/reinitialiser"),
            &[],
            &d.rt13.cookie,
        )
        .await;
    assert!(page.contains("L'affectation est réinitialisée"), "{page}");
    let case = d.case().await;
    let renewed = case.affectation_of(d.caf13.id).expect("CAF again");
    assert_eq!(
        renewed.status,
        histologe_core::enums::AffectationStatus::Wait
    );

    let page = d
        .act(
            &format!("/affectations/{}/desaffecter", renewed.id),
            &[],
            &d.rt13.cookie,
        )
        .await;
    assert!(page.contains("Le partenaire n'est plus affecté au dossier."));
    assert!(!page.contains("<h3 class=\"fr-card__title fr-h6\">CAF 13</h3>"));
    assert!(d.case().await.affectation_of(d.caf13.id).is_none());
    // Its agent no longer sees the case.
    let gone = d
        .site
        .get_with(&d.path(""), Some(&d.caf_agent.cookie))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn archiving_asks_for_confirmation_then_the_case_leaves_the_rts_reach() {
    let d = dossier().await;
    // Not while the case is open.
    let open = d
        .site
        .get_with(&d.path("/archiver"), Some(&d.rt13.cookie))
        .await;
    assert_eq!(open.status, StatusCode::FORBIDDEN);
    let motif = MotifCloture::parse("TRAVAUX_FAITS_OU_EN_COURS").expect("a motif");
    d.site
        .app()
        .close_signalement(&d.rt13.actor, d.id, motif, "Travaux faits.", false)
        .await
        .expect("closed");
    let page = d.view(&d.rt13.cookie).await;
    assert!(page.contains(&format!("href=\"/bo/signalements/{}/archiver\"", d.id)));
    let confirm = d
        .site
        .get_with(&d.path("/archiver"), Some(&d.rt13.cookie))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_contains(
        &confirm.text(),
        &[
            "Oui, supprimer le signalement",
            "Non, revenir au signalement",
        ],
        "the confirmation page",
    );
    let reply = d
        .site
        .post_form(&d.path("/archiver"), &[], Some(&d.rt13.cookie))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/bo/signalements?fait=archive");
    let gone = d.site.get_with(&d.path(""), Some(&d.rt13.cookie)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let case = d
        .site
        .app()
        .view_case(&Actor::System, d.id)
        .await
        .expect("still stored");
    assert_eq!(case.signalement.status, SignalementStatus::Archived);
}

// ---------------------------------------------------------------------------
// A suivi's 20 minutes.

#[tokio::test]
async fn the_author_edits_his_suivi_for_twenty_minutes_then_no_more() {
    let d = dossier().await;
    let suivi = d
        .post_suivi("Visite prévue la semaine prochaine.", &d.agent13.cookie)
        .await;
    let page = d.view(&d.agent13.cookie).await;
    assert!(page.contains("Modifier ce suivi"), "the author may edit");
    // Nobody else is offered it.
    assert!(!d.view(&d.rt13.cookie).await.contains("Modifier ce suivi"));

    let page = d
        .act(
            &format!("/suivis/{suivi}/modifier"),
            &[("message", "Visite prévue mardi prochain à 10 h.")],
            &d.agent13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &[
            "Le suivi est modifié.",
            "Visite prévue mardi prochain à 10 h.",
        ],
        "after the edit",
    );
    assert!(!page.contains("Visite prévue la semaine prochaine."));

    d.clock().advance(TimeDelta::minutes(21));
    let page = d.view(&d.agent13.cookie).await;
    assert!(!page.contains("Modifier ce suivi"), "the window is over");
    let reply = d
        .site
        .post_form(
            &d.path(&format!("/suivis/{suivi}/modifier")),
            &[("message", "Trop tard pour ce texte.")],
            Some(&d.agent13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &reply.text(),
        &["Le délai pour cette action est dépassé."],
        "an edit after 20 minutes",
    );
    assert_eq!(
        reply.textarea("message").as_deref(),
        Some("Trop tard pour ce texte.")
    );
    let page = d.view(&d.agent13.cookie).await;
    assert!(page.contains("Visite prévue mardi prochain à 10 h."));
    assert!(!page.contains("Trop tard pour ce texte."));
}

#[tokio::test]
async fn the_author_deletes_his_suivi_within_its_window() {
    let d = dossier().await;
    let suivi = d
        .post_suivi("Message envoyé par erreur au dossier.", &d.agent13.cookie)
        .await;
    // Another agent's session may not delete it.
    let reply = d
        .site
        .post_form(
            &d.path(&format!("/suivis/{suivi}/supprimer")),
            &[],
            Some(&d.rt13.cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let page = d
        .act(
            &format!("/suivis/{suivi}/supprimer"),
            &[],
            &d.agent13.cookie,
        )
        .await;
    assert!(page.contains("Le suivi est supprimé."));
    assert!(!page.contains("Message envoyé par erreur au dossier."));
}

/// A rule of the territory that gives the ADIL of Marseille such cases:
/// the RT's affect form offers the ADIL first, ticked and marked, the
/// other partners not ticked; an agent without the affectation right has
/// no form at all.
#[tokio::test]
async fn the_affect_form_ticks_the_partners_the_rules_suggest() {
    use histologe_core::enums::PartnerType;
    use histologe_core::ids::AutoAffectationRuleId;
    use histologe_core::model::{
        AutoAffectationRule, RuleAllocataire, RuleParc, RuleProfile, RuleStatus,
    };
    use histologe_core::territory_code::TerritoryCode;
    let d = dossier().await;
    let adil = d
        .site
        .partner("13", "ADIL 13", PartnerType::Adil, &["13202"])
        .await;
    let before = d.view(&d.rt13.cookie).await;
    assert!(!before.contains("Suggéré par les règles"), "no rule yet");
    let territory = TerritoryCode::parse("13").expect("13");
    d.site
        .ports
        .rules
        .insert(&AutoAffectationRule {
            id: AutoAffectationRuleId(uuid::Uuid::new_v4()),
            territory: territory.clone(),
            status: RuleStatus::Active,
            partner_type: PartnerType::Adil,
            profile_declarant: RuleProfile::All,
            insee_to_include: Vec::new(),
            insee_to_exclude: Vec::new(),
            partner_to_exclude: Vec::new(),
            parc: RuleParc::All,
            allocataire: RuleAllocataire::All,
            procedures_suspectees: Vec::new(),
        })
        .await
        .expect("rule stored");
    // The ARS 13, affected to nothing, is offered unticked.
    let (adil, ars) = (adil.id, d.ars13.id);

    let page = d.view(&d.rt13.cookie).await;
    assert_contains(
        &page,
        &[
            &format!("id=\"partenaire-{adil}\" name=\"partenaires\" value=\"{adil}\" checked>"),
            &format!("id=\"partenaire-{ars}\" name=\"partenaires\" value=\"{ars}\">"),
            "ADIL 13 <span class=\"fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon\">Suggéré par les règles</span>",
            "sont proposés en premier et déjà cochés",
        ],
        "the suggested partner",
    );
    let agent_page = d.view(&d.agent13.cookie).await;
    assert!(!agent_page.contains("Affecter des partenaires"));
}

/// A document put on the case by mistake: its uploader deletes it; it
/// leaves the page and its download, the history says who deleted what;
/// another partner's agent, who sees it, may not delete it.
#[tokio::test]
async fn an_agent_deletes_the_document_he_added_by_mistake() {
    let d = dossier().await;
    let reply = d
        .site
        .post_multipart(
            &d.path("/documents"),
            Multipart::of(&[("type", "FACTURE"), ("visible", ""), ("titre", "")]).file(
                "fichier",
                "facture-erreur.pdf",
                "application/pdf",
                PDF,
            ),
            Some(&d.agent13.cookie),
        )
        .await;
    d.followed(reply, &d.agent13.cookie).await;
    let file = d
        .site
        .app()
        .visible_files(&d.rt13.actor, d.id)
        .await
        .expect("files")
        .into_iter()
        .find(|f| f.title == "facture-erreur.pdf")
        .expect("stored")
        .id;
    let delete = d.path(&format!("/fichiers/{file}/supprimer"));

    // The CAF's agent sees it but did not add it.
    let caf_page = d.view(&d.caf_agent.cookie).await;
    assert!(caf_page.contains("Télécharger « facture-erreur.pdf »"));
    assert!(!caf_page.contains(&format!("/fichiers/{file}/supprimer")));
    let refused = d
        .site
        .post_form(&delete, &[], Some(&d.caf_agent.cookie))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let own_page = d.view(&d.agent13.cookie).await;
    assert!(own_page.contains(&format!("/fichiers/{file}/supprimer")));
    let page = d
        .act(
            &format!("/fichiers/{file}/supprimer"),
            &[],
            &d.agent13.cookie,
        )
        .await;
    assert_contains(
        &page,
        &["Le document est supprimé du dossier."],
        "after the deletion",
    );
    // (The suivi that announced it stays: it is what happened.)
    assert!(!page.contains("Télécharger « facture-erreur.pdf »"));
    let gone = d
        .site
        .get_with(&d.path(&format!("/fichiers/{file}")), Some(&d.rt13.cookie))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let again = d
        .site
        .post_form(&delete, &[], Some(&d.agent13.cookie))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    let history = d.view(&d.rt13.cookie).await;
    assert_contains(
        &history,
        &[
            "Suppression d'un document",
            "Fichier : facture-erreur.pdf",
            "Type : Facture",
        ],
        "the history tells the deletion",
    );
}

/// The report of a visit: joined by the SCHS's agent once the visit has
/// taken place, listed on the visit's row, kept with it and shown to the
/// usager; refused before the visit and for another type of document.
#[tokio::test]
async fn the_visit_report_is_joined_to_the_visit_once_it_took_place() {
    let d = dossier().await;
    let schs = d.schs13.id.to_string();
    d.act(
        "/visites",
        &[
            // An hour from now (10:00 in Paris).
            ("date", "2025-01-01"),
            ("heure", "11:00"),
            ("operateur", &schs),
        ],
        &d.rt13.cookie,
    )
    .await;
    let visit = d.case().await.interventions[0].id;
    let join = d.path(&format!("/visites/{visit}/fichiers"));
    let report = |kind: &str| {
        Multipart::of(&[("type", kind)]).file("fichier", "rapport.pdf", "application/pdf", PDF)
    };
    let page = d.view(&d.agent13.cookie).await;
    assert!(!page.contains(&join), "nothing to join before the visit");
    let early = d
        .site
        .post_multipart(
            &join,
            report("PROCEDURE_RAPPORT_DE_VISITE"),
            Some(&d.agent13.cookie),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .text()
            .contains("se joignent à une visite qui a eu lieu")
    );

    d.clock().advance(TimeDelta::hours(2));
    let page = d.view(&d.agent13.cookie).await;
    assert!(page.contains(&join));
    let wrong = d
        .site
        .post_multipart(&join, report("FACTURE"), Some(&d.agent13.cookie))
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .contains("Choisissez « Rapport de visite » ou « Photo de visite ».")
    );
    // The CAF's agent does not do this visit.
    let other = d
        .site
        .post_multipart(
            &join,
            report("PROCEDURE_RAPPORT_DE_VISITE"),
            Some(&d.caf_agent.cookie),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);

    let reply = d
        .site
        .post_multipart(
            &join,
            report("PROCEDURE_RAPPORT_DE_VISITE"),
            Some(&d.agent13.cookie),
        )
        .await;
    let page = d.followed(reply, &d.agent13.cookie).await;
    assert_contains(
        &page,
        &[
            "Le fichier est joint à la visite.",
            "Télécharger « rapport.pdf »",
        ],
        "the report on the visit's row",
    );
    let files = d
        .site
        .app()
        .visible_files(&d.rt13.actor, d.id)
        .await
        .expect("files");
    let stored = files
        .iter()
        .find(|f| f.title == "rapport.pdf")
        .expect("the report is stored");
    assert_eq!(stored.intervention_id, Some(visit));
    assert!(stored.is_visible_for_usager);
}
