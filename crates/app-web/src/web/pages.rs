//! Home, legal pages and the probes of the orchestrator.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::WebState;
use super::errors::render;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home))
        .route("/mentions-legales", get(mentions_legales))
        .route("/cgu", get(cgu))
        .route("/politique-de-confidentialite", get(confidentialite))
        .route("/accessibilite", get(accessibilite))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    platform: &'a str,
    profiles: &'static [(&'static str, &'static str, &'static str)],
}

/// The six ways in, each pre-answering "who are you" in the form.
const PROFILES: &[(&str, &str, &str)] = &[
    (
        "locataire",
        "Je suis locataire",
        "Vous louez le logement où vous vivez.",
    ),
    (
        "bailleur_occupant",
        "Je suis propriétaire et j'y habite",
        "Vous vivez dans le logement dont vous êtes propriétaire.",
    ),
    (
        "tiers_particulier",
        "J'aide un proche ou un voisin",
        "Vous signalez le logement de quelqu'un d'autre, à titre personnel.",
    ),
    (
        "tiers_pro",
        "Je suis un ou une professionnelle",
        "Travailleur social, association, mairie… vous accompagnez le foyer.",
    ),
    (
        "service_secours",
        "Je suis un service de secours",
        "Pompiers, police, gendarmerie : vous êtes intervenus dans le logement.",
    ),
    (
        "bailleur",
        "Je suis le bailleur",
        "Vous louez ce logement et signalez un problème constaté.",
    ),
];

async fn home(State(state): State<WebState>) -> Response {
    render(&Home {
        platform: &state.settings.platform_name,
        profiles: PROFILES,
    })
}

#[derive(Template)]
#[template(path = "legal.html")]
struct Legal<'a> {
    platform: &'a str,
    title: &'a str,
    sections: &'a [(&'a str, &'a [&'a str])],
}

fn legal(state: &WebState, title: &str, sections: &[(&str, &[&str])]) -> Response {
    render(&Legal {
        platform: &state.settings.platform_name,
        title,
        sections,
    })
}

async fn mentions_legales(State(state): State<WebState>) -> Response {
    legal(
        &state,
        "Mentions légales",
        &[
            (
                "Éditeur",
                &[
                    "Ce service public numérique est édité par l'administration chargée de la lutte contre l'habitat indigne. Il est opéré dans chaque département avec les services de l'État, les collectivités et leurs partenaires.",
                ],
            ),
            (
                "Hébergement",
                &[
                    "Le service est hébergé en France, chez un hébergeur qualifié pour les données de santé lorsque la réglementation l'exige.",
                ],
            ),
            (
                "Signaler un problème sur le site",
                &[
                    "Si une page ne fonctionne pas ou n'est pas accessible, écrivez-nous depuis la page Accessibilité.",
                ],
            ),
        ],
    )
}

async fn cgu(State(state): State<WebState>) -> Response {
    legal(
        &state,
        "Conditions générales d'utilisation",
        &[
            (
                "À quoi sert ce service",
                &[
                    "Ce service permet de signaler un logement en mauvais état (non décent, insalubre, dangereux ou suroccupé) aux services publics compétents de votre département, puis de suivre le traitement du signalement.",
                    "Ce n'est pas une demande de logement social ni une demande de relogement.",
                ],
            ),
            (
                "Vos engagements",
                &[
                    "Vous vous engagez à donner des informations exactes. Si vous faites un signalement pour une autre personne, vous devez avoir son accord.",
                    "N'indiquez pas d'informations sur la santé des personnes : elles ne sont pas nécessaires au traitement du signalement.",
                ],
            ),
            (
                "Ce que font les services",
                &[
                    "Les services de votre département examinent le signalement, peuvent contacter le propriétaire ou le bailleur et organiser une visite du logement. Vous êtes informé de chaque étape sur votre page de suivi.",
                ],
            ),
        ],
    )
}

async fn confidentialite(State(state): State<WebState>) -> Response {
    legal(
        &state,
        "Politique de confidentialité",
        &[
            (
                "Les données collectées",
                &[
                    "Nous collectons les informations que vous indiquez dans le formulaire : adresse du logement, coordonnées des occupants, du déclarant et du bailleur, description des problèmes, photos et documents.",
                ],
            ),
            (
                "Qui y a accès",
                &[
                    "Seuls les agents des services et partenaires chargés de votre dossier dans votre département y ont accès. Le propriétaire ou le bailleur peut être informé du signalement, sans vos données personnelles au-delà de ce qui est nécessaire.",
                ],
            ),
            (
                "Durée de conservation",
                &[
                    "Les dossiers sont conservés le temps de leur traitement, puis archivés selon les règles applicables aux archives publiques. Un brouillon non envoyé est supprimé après quelques mois.",
                ],
            ),
            (
                "Vos droits",
                &[
                    "Vous pouvez accéder à vos données, les faire rectifier ou demander leur effacement en écrivant au service de votre département, depuis votre page de suivi.",
                ],
            ),
            (
                "Cookies",
                &[
                    "Ce site n'utilise qu'un cookie technique, nécessaire pour garder votre accès à la page de suivi de votre dossier. Aucun cookie de mesure d'audience ni de publicité.",
                ],
            ),
        ],
    )
}

async fn accessibilite(State(state): State<WebState>) -> Response {
    legal(
        &state,
        "Déclaration d'accessibilité",
        &[
            (
                "État de conformité",
                &[
                    "Ce site est partiellement conforme au référentiel général d'amélioration de l'accessibilité (RGAA 4.1). Le formulaire fonctionne sans JavaScript, au clavier et avec un lecteur d'écran ; chaque page est testée automatiquement avec l'outil axe-core.",
                ],
            ),
            (
                "Retour d'information et contact",
                &[
                    "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez appeler Info logement indigne au 0806 706 806 pour être aidé et faire votre signalement par un autre moyen.",
                ],
            ),
            (
                "Voies de recours",
                &[
                    "Si vous constatez un défaut d'accessibilité qui vous empêche d'accéder à un contenu et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits.",
                ],
            ),
        ],
    )
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers: the process can take traffic.
async fn readyz(State(state): State<WebState>) -> Response {
    match state.app.database_answers().await {
        Ok(_) => "ok".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "base de données injoignable",
            )
                .into_response()
        }
    }
}
