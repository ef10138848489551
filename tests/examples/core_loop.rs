//! The core loop end to end on the embedded memory adapters, printed as a
//! story: what `scripts/run.sh` shows until the web app lands.
//!
//! A tenant in Marseille reports her flat, the territory admin validates
//! and affects the municipal hygiene service, its agent accepts and writes
//! to her, she answers, the agent plans and concludes a visit, closes his
//! affectation, and the admin closes the case for all.

use std::sync::Arc;

use chrono::{Duration, Utc};
use histologe_adapters_memory::{
    FixedClock, MemoryMailer, MemorySharedState, MemoryStore, SequentialIds,
};
use histologe_application::jobs::Runner;
use histologe_application::{App, Ports, Repositories, Services, Settings};
use histologe_core::actor::{Actor, UsagerSession};
use histologe_core::creation::NewSignalement;
use histologe_core::enums::{
    CreationSource, MotifCloture, PartnerType, ProcedureType, ProfileDeclarant, Role, UsagerSide,
    UserStatus,
};
use histologe_core::ids::{PartnerId, UserId};
use histologe_core::model::{
    Adresse, Case, Declarant, GeoPoint, Logement, Membership, Occupant, Partner, Territory, User,
};
use histologe_core::territory_code::TerritoryCode;
use histologe_core::workflow::affectation::ClosingForm;
use histologe_core::workflow::visite::Conclusion;
use histologe_ports::{IdGenerator, PartnerRepository, TerritoryRepository, UserRepository};

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

fn show(step: &str, case: &Case) {
    let s = &case.signalement;
    println!(
        "\n== {step}\n   {} · statut {} · criticité {:.1}",
        s.displayed_reference(),
        s.status.label(),
        s.score
    );
    for a in &case.affectations {
        println!(
            "   affectation : {} ({})",
            a.partner_type.label(),
            a.status.label()
        );
    }
    if let Some(last) = case.suivis.last() {
        let public = if last.is_visible_for_usager {
            "public"
        } else {
            "interne"
        };
        println!(
            "   dernier suivi [{public}] {} — {}",
            last.author_label, last.description
        );
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Fallible<()> {
    let ids = Arc::new(SequentialIds::new());
    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(FixedClock::new(Utc::now()));
    let mailer = Arc::new(MemoryMailer::new());
    let ports = Ports::new(
        Repositories::of(store.clone()),
        Services {
            passwords: Arc::new(histologe_adapters_memory::FakePasswordHasher),
            shared: Arc::new(MemorySharedState::new()),
            clock: clock.clone(),
            ids: ids.clone(),
            file_store: Arc::new(histologe_adapters_memory::MemoryFileStore::new()),
            images: Arc::new(histologe_adapters_images::Images),
            scanner: None,
            mailer: mailer.clone(),
            lookups: Default::default(),
        },
    );
    let app = App::new(ports, Settings::default());
    let runner = Runner::new(app.clone(), "http://127.0.0.1:8080");

    let bdr = TerritoryCode::parse("13")?;
    store
        .upsert(&Territory {
            code: bdr.clone(),
            name: "Bouches-du-Rhône".into(),
            is_active: true,
            authorized_insee: Vec::new(),
            timezone: "Europe/Paris".into(),
        })
        .await?;
    let partner = |nom: &str, partner_type: PartnerType| Partner {
        id: PartnerId(ids.uuid()),
        nom: nom.into(),
        partner_type,
        territory: bdr.clone(),
        is_archive: false,
        email: None,
        email_notifiable: true,
        competences: partner_type.default_competences().to_vec(),
        insee: Vec::new(),
        zones: Vec::new(),
        excluded_zones: Vec::new(),
        epci_insee: Vec::new(),
        bailleur_id: None,
        esabora_active: false,
        interconnection: Default::default(),
    };
    let ars = partner("ARS PACA", PartnerType::Ars);
    let schs = partner("SCHS de Marseille", PartnerType::CommuneSchs);
    for p in [&ars, &schs] {
        PartnerRepository::insert(store.as_ref(), p).await?;
    }
    let user = |email: &str, prenom: &str, role: Role, p: &Partner| User {
        id: UserId(ids.uuid()),
        email: email.into(),
        prenom: prenom.into(),
        nom: "Démo".into(),
        role,
        status: UserStatus::Active,
        has_permission_affectation: false,
        memberships: vec![Membership {
            partner_id: p.id,
            territory: p.territory.clone(),
            partner_type: p.partner_type,
            competences: p.competences.clone(),
        }],
        is_mailing_active: true,
        is_mailing_summary: false,
        last_login_at: None,
        created_at: Utc::now(),
    };
    let rt_user = user("rt@ars.example.fr", "Rachida", Role::TerritoryAdmin, &ars);
    let agent_user = user("agent@schs.example.fr", "Marc", Role::Agent, &schs);
    for u in [&rt_user, &agent_user] {
        UserRepository::insert(store.as_ref(), u).await?;
    }
    let rt = Actor::from_user(&rt_user).ok_or("inactive user")?;
    let agent = Actor::from_user(&agent_user).ok_or("inactive user")?;

    let form = NewSignalement {
        creation_source: CreationSource::FormUsagerV2,
        created_by: None,
        created_by_partner: None,
        declarant: Declarant {
            profile: Some(ProfileDeclarant::Locataire),
            ..Declarant::default()
        },
        occupant: Occupant {
            nom: Some("Martin".into()),
            prenom: Some("Léa".into()),
            email: Some("lea.martin@example.fr".into()),
            nb_occupants: Some(3),
            has_enfants: true,
            ..Occupant::default()
        },
        proprio: Default::default(),
        adresse: Adresse {
            adresse: "33 rue des Phocéens".into(),
            code_postal: "13002".into(),
            ville: "Marseille".into(),
            insee: Some("13202".into()),
            geoloc: Some(GeoPoint {
                lat: 43.302242,
                lng: 5.367851,
            }),
            ..Adresse::default()
        },
        logement: Logement {
            superficie: Some(45.0),
            nb_pieces: Some(2),
            ..Logement::default()
        },
        desordre_precisions: vec![
            "desordres_logement_humidite_piece_a_vivre_details_moisissure_apres_nettoyage_oui"
                .into(),
            "desordres_logement_electricite_installation_dangereuse".into(),
        ],
        debut_desordres: None,
        details: "Moisissures dans la chambre des enfants, prises qui chauffent.".into(),
        is_cgu_accepted: true,
        is_draft: false,
    };
    let case = app
        .submit_signalement(&Actor::Anonymous, form, false)
        .await?;
    let id = case.signalement.id;
    show("Léa dépose son signalement", &case);

    let case = app.validate_signalement(&rt, id, vec![]).await?;
    show("La responsable de territoire valide", &case);
    let case = app.affect_partners(&rt, id, &[schs.id]).await?;
    show("… et affecte le service d'hygiène", &case);
    let affectation = case.affectation_of(schs.id).ok_or("no affectation")?.id;
    app.accept_affectation(&agent, id, affectation, vec![])
        .await?;
    let case = app
        .add_suivi(
            &agent,
            id,
            "Bonjour, je viendrai constater les désordres.",
            true,
            true,
        )
        .await?;
    show("L'agent accepte et écrit à Léa", &case);

    let usager = Actor::Usager(UsagerSession {
        signalement_id: id,
        side: UsagerSide::Occupant,
    });
    let case = app
        .add_suivi(&usager, id, "Merci, je suis là le matin.", true, true)
        .await?;
    show("Léa répond depuis son lien de suivi", &case);

    clock.advance(Duration::days(8));
    let (case, _) = app
        .plan_visite(
            &agent,
            id,
            schs.id,
            clock_now(&clock) - Duration::hours(2),
            Some(Conclusion {
                procedures: vec![ProcedureType::Insalubrite],
                details: "Humidité généralisée, tableau électrique à remplacer.".into(),
                occupant_present: Some(true),
                proprietaire_present: Some(false),
                notify_usager: true,
            }),
        )
        .await?;
    show("La visite a eu lieu", &case);

    clock.advance(Duration::days(60));
    let case = app
        .close_affectation(
            &agent,
            id,
            affectation,
            ClosingForm {
                motif: MotifCloture::Insalubrite,
                travaux: None,
                precisions: "Arrêté d'insalubrité pris, travaux engagés.".into(),
            },
        )
        .await?;
    show("L'agent clôt son affectation", &case);
    let case = app
        .close_signalement(
            &rt,
            id,
            MotifCloture::Insalubrite,
            "Procédure d'insalubrité menée à terme.",
            true,
        )
        .await?;
    show("La responsable de territoire clôt pour tous", &case);

    clock.advance(Duration::minutes(30));
    app.release_held_suivis().await?;
    runner.drain().await?;
    println!("\n== E-mails envoyés (boîte locale)");
    for email in mailer.sent() {
        println!("   à {} : {}", email.to.join(", "), email.subject);
    }
    Ok(())
}

fn clock_now(clock: &FixedClock) -> chrono::DateTime<Utc> {
    use histologe_ports::Clock;
    clock.now()
}
