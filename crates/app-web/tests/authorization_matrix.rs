//! The authorization matrix: every route the web layer declares, for every
//! kind of visitor, and the answer each one gets.
//!
//! - The inventory: the `.route("…", …)` calls of `src/web/**/*.rs` are read
//!   from the sources, and their (method, path) set must be the matrix's:
//!   a new route without a line here fails, naming it.
//! - The matrix: one line per (method, path), one expected answer per
//!   visitor, checked against a fixture (a case in the Bouches-du-Rhône
//!   affected to the agent's partner, another in the Gironde that is not).
//! - The probes: a refusal on someone else's case, file or affectation
//!   reads exactly like the answer for an identifier that does not exist.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::StatusCode;
use histologe_application::UploadInput;
use histologe_core::Actor;
use histologe_core::actor::UsagerSession;
use histologe_core::enums::{DocumentType, PartnerType, Role, UsagerSide};
use histologe_core::form::{Answers, Form, QuestionKind};
use histologe_core::ids::{AffectationId, DraftId, FileId, SignalementId};
use histologe_core::model::{Case, Partner};
use histologe_ports::FileRepository;
use support::{LOCATAIRE_JSON, Multipart, Reply, Site};

const PASSWORD: &str = "Histologe-matrice-2026";

// ---------------------------------------------------------------------------
// Who asks.

/// The visitors of the matrix, in the order of its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// No cookie at all.
    Anonymous,
    /// The tracking cookie of case A (opened by the identity check).
    Usager,
    /// Agent of the SCHS de Marseille, the partner affected to case A.
    Agent,
    /// Partner admin of the same SCHS de Marseille.
    PartnerAdmin,
    /// Territory admin of the Gironde (33): another territory.
    OtherRt,
    /// Territory admin of the Bouches-du-Rhône (13).
    Rt,
    SuperAdmin,
}

const WHO: [Who; 7] = [
    Who::Anonymous,
    Who::Usager,
    Who::Agent,
    Who::PartnerAdmin,
    Who::OtherRt,
    Who::Rt,
    Who::SuperAdmin,
];

// ---------------------------------------------------------------------------
// What they get.

/// The class of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// A page (2xx), or a 303 to where the action leads.
    Allowed,
    /// A 303 to `/connexion?suite=…`.
    Login,
    /// The identity check of the tracking pages: its page, or a 303 to it
    /// that opens no session.
    Identity,
    /// 404 « Page introuvable »: a refusal that reveals nothing.
    NotFound,
    /// 403 « Accès refusé »: a visible case, an action the role may not do.
    Forbidden,
    /// Anything else (422, 500, a 303 elsewhere than expected…).
    Other,
}

const OK: Answer = Answer::Allowed;
const LOGIN: Answer = Answer::Login;
const IDENT: Answer = Answer::Identity;
const NF: Answer = Answer::NotFound;
const FORB: Answer = Answer::Forbidden;
const OTHER: Answer = Answer::Other;

/// The state of case A a line needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Filed, waiting for validation, affected to nobody.
    New,
    /// Validated and affected to the SCHS de Marseille, not answered yet.
    Waiting,
    /// … and the SCHS accepted.
    Accepted,
    /// … and the SCHS closed its affectation (the case stays open).
    PartnerClosed,
    /// … and the RT closed the case for all partners.
    Closed,
    /// Accepted, with a visit by the SCHS planned for tomorrow (`{visite}`).
    Planned,
    /// Accepted, with a visit by the SCHS whose time has passed (`{visite}`).
    Due,
    /// Accepted, with a message of the agent still in its 20 minutes (`{suivi}`).
    Written,
}
use Stage::{Accepted as ACC, New as NEW, Waiting as WAIT};
use Stage::{
    Closed as CLOSED, Due as DUE, PartnerClosed as PCLOSED, Planned as PLAN, Written as WRIT,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Method {
    Get,
    Post,
}
use Method::{Get as GET, Post as POST};

struct Line {
    method: Method,
    path: &'static str,
    stage: Stage,
    expect: [Answer; 7],
}

const fn line(method: Method, path: &'static str, stage: Stage, expect: [Answer; 7]) -> Line {
    Line {
        method,
        path,
        stage,
        expect,
    }
}

/// `{id}`: case A (13, affected to the agent's partner); `{affectation}`:
/// the SCHS de Marseille's affectation on A; `{code}`: A's tracking code;
/// `{file}`: a document of A visible to its usager; `{draft}`: a draft in
/// progress (a sent one for `/confirmation`); `{slug}`: its current step.
/// Routes of `assets.rs` are mounted under `/static`.
#[rustfmt::skip]
const MATRIX: &[Line] = &[
    //                                                                        anonymous usager agent  p.admin rt-33  rt-13  super
    line(GET,  "/",                                                    ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/mentions-legales",                                    ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/cgu",                                                 ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/politique-de-confidentialite",                        ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/accessibilite",                                       ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/healthz",                                             ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/readyz",                                              ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/app/app.css",                                         ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    // Built from the DSFR npm installed, which the matrix's site has not:
    // a bare 404 for everyone (the end-to-end suite loads them with it).
    line(GET,  "/app/dsfr.css",                                        ACC, [OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER]),
    line(GET,  "/app/dsfr-bo.css",                                     ACC, [OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER]),
    // What the Content-Security-Policy blocked: a log line, for anyone.
    line(POST, "/csp-rapport",                                         ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/app/app.js",                                          ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/app/carte.css",                                       ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/app/carte.js",                                        ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    // The public form: the draft's id is its secret, whoever holds it.
    line(GET,  "/signalement",                                         ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/signalement",                                         ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/signalement/brouillon/{draft}",                       ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/signalement/brouillon/{draft}/etape/{slug}",          ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/signalement/brouillon/{draft}/etape/{slug}",          ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/signalement/brouillon/{draft}/etape/{slug}/apercu",   ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/signalement/brouillon/{draft}/confirmation",          ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    // The forms' address suggestions, the same for everyone: no address
    // service on the matrix's site, so a bare 404 that stops the script
    // (geocoding_routes.rs has the answers with one).
    line(GET,  "/adresses/suggestions",                                ACC, [OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER]),
    // Tracking: only the usager's cookie opens the dossier; a staff
    // session is nobody there.
    line(GET,  "/suivre-mon-signalement/{code}",                       ACC, [IDENT, OK,    IDENT, IDENT, IDENT, IDENT, IDENT]),
    line(POST, "/suivre-mon-signalement/{code}",                       ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/suivre-mon-signalement/{code}/arreter",               ACC, [IDENT, OK,    IDENT, IDENT, IDENT, IDENT, IDENT]),
    line(POST, "/suivre-mon-signalement/{code}/poursuivre",            ACC, [IDENT, OK,    IDENT, IDENT, IDENT, IDENT, IDENT]),
    line(POST, "/suivre-mon-signalement/{code}/deconnexion",           ACC, [IDENT, IDENT, IDENT, IDENT, IDENT, IDENT, IDENT]),
    line(GET,  "/suivre-mon-signalement/{code}/fichiers/{file}",       ACC, [IDENT, OK,    IDENT, IDENT, IDENT, IDENT, IDENT]),
    line(POST, "/suivre-mon-signalement/{code}/messages",              ACC, [IDENT, OK,    IDENT, IDENT, IDENT, IDENT, IDENT]),
    line(POST, "/suivre-mon-signalement/{code}/documents",             ACC, [IDENT, OK,    IDENT, IDENT, IDENT, IDENT, IDENT]),
    // Back-office sessions.
    line(GET,  "/connexion",                                           ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/connexion",                                           ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/deconnexion",                                         ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/deconnexion-partout",                                 ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    // Anonymous pages: no pending login → back to the password; a dead
    // link → the same « Ce lien n'est plus valide » page for everyone.
    line(GET,  "/connexion/code",                                      ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/connexion/code",                                      ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/connexion/code/renvoyer",                             ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/mot-de-passe-perdu",                                  ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/mot-de-passe-perdu",                                  ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/activation",                                          ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/activation",                                          ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/nouveau-mot-de-passe/{token}",                        ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    line(POST, "/nouveau-mot-de-passe/{token}",                        ACC, [OK,    OK,    OK,    OK,    OK,    OK,    OK]),
    // Back-office pages, scoped by the policy.
    line(GET,  "/bo",                                                  ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/bo/signalements",                                     ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    // Without a filter a super admin may not export (no national dumps).
    // The professional form: each agent's drafts are his own (`{draft}`
    // there is the agent's).
    line(GET,  "/bo/signalements/brouillons",                          ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(POST, "/bo/signalements/brouillons",                          ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/bo/signalements/brouillons/{draft}",                  ACC, [LOGIN, LOGIN, OK,    NF,    NF,    NF,    NF]),
    line(GET,  "/bo/signalements/brouillons/{draft}/etape/{slug}",     ACC, [LOGIN, LOGIN, OK,    NF,    NF,    NF,    NF]),
    line(POST, "/bo/signalements/brouillons/{draft}/etape/{slug}",     ACC, [LOGIN, LOGIN, OK,    NF,    NF,    NF,    NF]),
    line(POST, "/bo/signalements/brouillons/{draft}/etape/{slug}/apercu", ACC, [LOGIN, LOGIN, OK, NF,    NF,    NF,    NF]),
    line(POST, "/bo/signalements/brouillons/{draft}/supprimer",        ACC, [LOGIN, LOGIN, OK,    NF,    NF,    NF,    NF]),
    line(GET,  "/bo/signalements/export.csv",                          ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    FORB]),
    line(POST, "/bo/signalements/export",                              ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    FORB]),
    // An export file is its owner's: `{export}` is nobody's.
    line(GET,  "/bo/exports/{export}",                                 ACC, [LOGIN, LOGIN, NF,    NF,    NF,    NF,    NF]),
    // Saved searches: each user's own; `{id}` is nobody's search.
    line(POST, "/bo/recherches",                                       ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(POST, "/bo/recherches/{id}/supprimer",                        ACC, [LOGIN, LOGIN, NF,    NF,    NF,    NF,    NF]),
    line(GET,  "/bo/signalements/{id}",                                ACC, [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/valider",                        NEW, [LOGIN, LOGIN, NF,    NF,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/refuser",                        NEW, [LOGIN, LOGIN, NF,    NF,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/affecter",                       ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/suivis",                         ACC, [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    // The address: whoever may edit the case (an admin, or a partner that
    // accepted it).
    line(POST, "/bo/signalements/{id}/adresse",                        ACC, [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/cloturer",                       ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    // Only members of the affected partner answer for it (rule 12).
    line(POST, "/bo/signalements/{id}/affectations/{affectation}/accepter", WAIT, [LOGIN, LOGIN, OK, OK,    NF,    FORB,  FORB]),
    line(POST, "/bo/signalements/{id}/affectations/{affectation}/refuser",  WAIT, [LOGIN, LOGIN, OK, OK,    NF,    FORB,  FORB]),
    line(POST, "/bo/signalements/{id}/affectations/{affectation}/fermer",   ACC,  [LOGIN, LOGIN, OK, OK,    NF,    FORB,  FORB]),
    // Visits: the RT, a super admin, or the accepted partner competent
    // for visits (the SCHS) plans; the visit's partner edits it.
    line(POST, "/bo/signalements/{id}/visites",                        ACC,  [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/visites/{visite}/reprogrammer",  PLAN, [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/visites/{visite}/annuler",       PLAN, [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/visites/{visite}/conclure",      DUE,  [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/visites/{visite}/fichiers",      DUE,  [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    // Documents: whoever sees the case downloads and (affected) adds.
    line(POST, "/bo/signalements/{id}/documents",                      ACC,  [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(GET,  "/bo/signalements/{id}/fichiers/{file}",                ACC,  [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    // `{file}` is the usager's: only a super admin deletes what an usager sent.
    line(POST, "/bo/signalements/{id}/fichiers/{file}/supprimer",      ACC,  [LOGIN, LOGIN, FORB,  FORB,  NF,    FORB,  OK]),
    // Reopen for all and archive: RT and super admin, closed case.
    line(POST, "/bo/signalements/{id}/rouvrir",                        CLOSED, [LOGIN, LOGIN, FORB, FORB,  NF,    OK,    OK]),
    line(GET,  "/bo/signalements/{id}/archiver",                       CLOSED, [LOGIN, LOGIN, FORB, FORB,  NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/archiver",                       CLOSED, [LOGIN, LOGIN, FORB, FORB,  NF,    OK,    OK]),
    // Reopen one's affectation: its members; reinit and unaffect: admins
    // (the fixture's agents lack the affectation permission).
    line(POST, "/bo/signalements/{id}/affectations/{affectation}/rouvrir",       PCLOSED, [LOGIN, LOGIN, OK, OK, NF, FORB, FORB]),
    line(POST, "/bo/signalements/{id}/affectations/{affectation}/reinitialiser", PCLOSED, [LOGIN, LOGIN, FORB, FORB, NF, OK, OK]),
    line(POST, "/bo/signalements/{id}/affectations/{affectation}/desaffecter",   ACC,     [LOGIN, LOGIN, FORB, FORB, NF, OK, OK]),
    // A suivi: its author for 20 minutes; a super admin also deletes.
    line(POST, "/bo/signalements/{id}/suivis/{suivi}/modifier",        WRIT, [LOGIN, LOGIN, OK,    FORB,  NF,    FORB,  FORB]),
    line(POST, "/bo/signalements/{id}/suivis/{suivi}/supprimer",       WRIT, [LOGIN, LOGIN, OK,    FORB,  NF,    FORB,  OK]),
    // Étiquettes: RT and super admin put them on cases and keep the
    // territory's list; `{tag}` is a tag of the 13.
    line(POST, "/bo/signalements/{id}/etiquettes",                     ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/etiquettes/{tag}/retirer",       ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(GET,  "/bo/etiquettes",                                       ACC, [LOGIN, LOGIN, FORB,  FORB,  OK,    OK,    OK]),
    line(POST, "/bo/etiquettes",                                       ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  OK,    OK]),
    line(POST, "/bo/etiquettes/{tag}/renommer",                        ACC, [LOGIN, LOGIN, NF,    NF,    NF,    OK,    OK]),
    line(POST, "/bo/etiquettes/{tag}/supprimer",                       ACC, [LOGIN, LOGIN, NF,    NF,    NF,    OK,    OK]),
    // Following: whoever sees the case; the agent is the last of his
    // accepted partner to follow it, so he may not leave.
    line(POST, "/bo/signalements/{id}/suivre",                         ACC, [LOGIN, LOGIN, OK,    OK,    NF,    OK,    OK]),
    line(POST, "/bo/signalements/{id}/ne-plus-suivre",                 ACC, [LOGIN, LOGIN, FORB,  OK,    NF,    OK,    OK]),
    // Notifications: one's own only; `{notification}` is the RT 13's.
    line(GET,  "/bo/notifications",                                    ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(POST, "/bo/notifications/lues",                               ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(POST, "/bo/notifications/supprimer",                          ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(POST, "/bo/notifications/{notification}/supprimer",           ACC, [LOGIN, LOGIN, NF,    NF,    NF,    OK,    NF]),
    // The e-mail preference: every staff member, his own account.
    line(GET,  "/bo/mon-compte/notifications",                         ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(POST, "/bo/mon-compte/notifications",                         ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    // The maintenance switch: super admins only (the post turns it off).
    line(GET,  "/bo/maintenance",                                      ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    line(POST, "/bo/maintenance",                                      ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    // The job queue: super admins only (`{job}` is no dead job: the
    // answer says another administrator dealt with it).
    line(GET,  "/bo/taches",                                           ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    line(POST, "/bo/taches/{job}/relancer",                            ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    line(POST, "/bo/taches/{job}/abandonner",                          ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    // The outbox page exists only while e-mails go to the local outbox;
    // this site sends through the memory mailer, so it is not routed
    // (its roles: mail_delivery_routes.rs).
    line(GET,  "/bo/courriels",                                        ACC, [NF,    NF,    NF,    NF,    NF,    NF,    NF]),
    line(GET,  "/bo/courriels/{id}",                                   ACC, [NF,    NF,    NF,    NF,    NF,    NF,    NF]),
    line(GET,  "/bo/courriels/{id}/html",                              ACC, [NF,    NF,    NF,    NF,    NF,    NF,    NF]),
    // Undeliverable addresses: territory admins (their territories) and
    // super admins.
    line(GET,  "/bo/adresses-en-erreur",                               ACC, [LOGIN, LOGIN, FORB,  FORB,  OK,    OK,    OK]),
    // Brevo's webhook: a machine's route, its secret and nothing else
    // opens it (401 for every visitor, session or not).
    line(POST, "/webhook/brevo",                                       ACC, [OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER]),
    // The map: every staff member, on his own list scope (the points'
    // URL carries a rectangle of the whole globe).
    line(GET,  "/bo/cartographie",                                     ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/bo/cartographie/points",                              ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    // Statistics: every staff member, on his own list scope.
    line(GET,  "/bo/statistiques",                                     ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    line(GET,  "/bo/statistiques/export.csv",                          ACC, [LOGIN, LOGIN, OK,    OK,    OK,    OK,    OK]),
    // Users administration: agents refused; `{user}` is an agent of the
    // SCHS de Marseille (13), archived by the RT 13 before the super admin.
    line(GET,  "/bo/utilisateurs",                                     ACC, [LOGIN, LOGIN, FORB,  OK,    OK,    OK,    OK]),
    line(POST, "/bo/utilisateurs",                                     ACC, [LOGIN, LOGIN, FORB,  OK,    NF,    OK,    OK]),
    line(GET,  "/bo/utilisateurs/nouveau",                             ACC, [LOGIN, LOGIN, FORB,  OK,    OK,    OK,    OK]),
    line(GET,  "/bo/utilisateurs/{user}",                              ACC, [LOGIN, LOGIN, FORB,  OK,    NF,    OK,    OK]),
    line(POST, "/bo/utilisateurs/{user}",                              ACC, [LOGIN, LOGIN, FORB,  OK,    NF,    OK,    OK]),
    line(POST, "/bo/utilisateurs/{user}/archiver",                     ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    // Partners administration: RT of the territory and super admins; a
    // partner admin opens his own partner read only. `{partner}` is the
    // SCHS de Marseille (13); the second archive is a no-op.
    line(GET,  "/bo/partenaires",                                      ACC, [LOGIN, LOGIN, FORB,  FORB,  OK,    OK,    OK]),
    line(POST, "/bo/partenaires",                                      ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(GET,  "/bo/partenaires/nouveau",                              ACC, [LOGIN, LOGIN, FORB,  FORB,  OK,    OK,    OK]),
    line(GET,  "/bo/partenaires/{partner}",                            ACC, [LOGIN, LOGIN, FORB,  OK,    NF,    OK,    OK]),
    line(POST, "/bo/partenaires/{partner}",                            ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(POST, "/bo/partenaires/{partner}/archiver",                   ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    // Territories: super admins only; `{territoire}` is the 13.
    line(GET,  "/bo/territoires",                                      ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    line(GET,  "/bo/territoires/{territoire}",                         ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    line(POST, "/bo/territoires/{territoire}",                         ACC, [LOGIN, LOGIN, FORB,  FORB,  FORB,  FORB,  OK]),
    // Auto-affectation rules: RT of the territory and super admins;
    // `{rule}` is a rule of the 13 (archived by the RT 13 before the
    // super admin archives it again).
    line(GET,  "/bo/regles-auto-affectation",                          ACC, [LOGIN, LOGIN, FORB,  FORB,  OK,    OK,    OK]),
    line(POST, "/bo/regles-auto-affectation",                          ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(GET,  "/bo/regles-auto-affectation/nouvelle",                 ACC, [LOGIN, LOGIN, FORB,  FORB,  OK,    OK,    OK]),
    line(GET,  "/bo/regles-auto-affectation/simulateur",               ACC, [LOGIN, LOGIN, FORB,  FORB,  OK,    OK,    OK]),
    line(GET,  "/bo/regles-auto-affectation/{rule}",                   ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(POST, "/bo/regles-auto-affectation/{rule}",                   ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
    line(POST, "/bo/regles-auto-affectation/{rule}/archiver",          ACC, [LOGIN, LOGIN, FORB,  FORB,  NF,    OK,    OK]),
];

// ---------------------------------------------------------------------------
// The fixture.

/// A PDF as the upload checks recognize it.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

struct Fixture {
    site: Site,
    /// The cookie of each visitor, in the order of [`WHO`].
    cookies: [Option<String>; 7],
    rt13: Actor,
    /// Case A: 13, affected (from `Waiting` on) to the agent's partner.
    a: SignalementId,
    code_a: String,
    /// The SCHS's affectation on A (an unknown id at `New`).
    affectation_a: AffectationId,
    /// A document of A, visible to its usager.
    file_a: FileId,
    /// A partner's document of A hidden from its usager (from `Waiting` on).
    internal_file_a: Option<FileId>,
    /// The draft A was sent from.
    draft_sent: DraftId,
    /// A draft in progress, at its step `slug`, with the step's answers.
    draft_open: DraftId,
    /// The agent's draft of the professional form, at the same step.
    pro_draft: DraftId,
    slug: String,
    answers: Answers,
    /// Case B: 33, affected to the SCHS de Bordeaux; with a document.
    b: SignalementId,
    file_b: FileId,
    /// Case C: 13, affected to the CAF only (another partner of the agent's
    /// territory).
    c: SignalementId,
    affectation_c: AffectationId,
    caf13: Partner,
    /// The SCHS de Marseille, the partner affected to A.
    schs13: Partner,
    /// A visit of A by the SCHS (an unknown id before `Planned`).
    visite_a: histologe_core::ids::InterventionId,
    /// The agent's message on A (an unknown id before `Written`).
    suivi_a: histologe_core::ids::SuiviId,
    /// A tag of the 13 (`{tag}`).
    tag_13: histologe_core::ids::TagId,
    /// A notification of the RT 13 (`{notification}`).
    notification_rt13: histologe_core::ids::NotificationId,
    /// An agent of the SCHS de Marseille nobody logs in as (`{user}`).
    user_13: histologe_core::ids::UserId,
    /// An auto-affectation rule of the 13 (`{rule}`), for a partner type
    /// no partner of the fixture has.
    rule_13: histologe_core::ids::AutoAffectationRuleId,
}

fn usager(id: SignalementId) -> Actor {
    Actor::Usager(UsagerSession {
        signalement_id: id,
        side: UsagerSide::Occupant,
    })
}

fn locataire_answers(site: &Site) -> Answers {
    let mut answers = support::payload_answers(LOCATAIRE_JSON);
    support::complete(&mut answers, site.ports.clock.now().date_naive());
    answers
}

async fn upload(site: &Site, actor: &Actor, id: SignalementId, name: &str) -> FileId {
    site.app()
        .upload_file(
            actor,
            id,
            UploadInput {
                bytes: PDF.to_vec(),
                file_name: name.into(),
                document_type: DocumentType::SituationFoyerBail,
                desordre_slug: None,
                title: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{name} uploaded: {e}"))
        .id
}

fn affectation_of(case: &Case, partner: &Partner) -> AffectationId {
    case.affectation_of(partner.id).expect("affected").id
}

async fn fixture(stage: Stage) -> Fixture {
    let site = Site::new().await;
    let schs = site
        .partner(
            "13",
            "SCHS de Marseille",
            PartnerType::CommuneSchs,
            &["13202"],
        )
        .await;
    let ars13 = site.partner("13", "ARS 13", PartnerType::Ars, &[]).await;
    let caf13 = site.partner("13", "CAF 13", PartnerType::CafMsa, &[]).await;
    let ars33 = site.partner("33", "ARS 33", PartnerType::Ars, &[]).await;
    let schs33 = site
        .partner(
            "33",
            "SCHS de Bordeaux",
            PartnerType::CommuneSchs,
            &["33063"],
        )
        .await;
    let staff = [
        ("agent13@histologe.test", Role::Agent, Some(&schs)),
        (
            "partenaire13@histologe.test",
            Role::PartnerAdmin,
            Some(&schs),
        ),
        ("rt33@histologe.test", Role::TerritoryAdmin, Some(&ars33)),
        ("rt13@histologe.test", Role::TerritoryAdmin, Some(&ars13)),
        ("admin@histologe.test", Role::SuperAdmin, None),
    ];
    let mut actors = Vec::new();
    for (email, role, partner) in staff {
        let (_, actor) = site
            .staff_member(email, PASSWORD, role, partner, false)
            .await;
        actors.push(actor);
    }
    let (agent, rt33, rt13) = (actors[0].clone(), actors[2].clone(), actors[3].clone());
    let (user_13, _) = site
        .staff_member(
            "cible13@histologe.test",
            PASSWORD,
            Role::Agent,
            Some(&schs),
            false,
        )
        .await;

    let answers = locataire_answers(&site);
    let (draft_sent, a) = site.file_through_a_draft(&answers).await;
    let (_, c) = site.file_through_a_draft(&answers).await;
    let mut bordeaux = answers.clone();
    for (key, value) in [
        (
            "adresse_logement_adresse",
            "10 Rue Sainte-Catherine 33000 Bordeaux",
        ),
        (
            "adresse_logement_adresse_detail_numero",
            "10 Rue Sainte-Catherine",
        ),
        ("adresse_logement_adresse_detail_code_postal", "33000"),
        ("adresse_logement_adresse_detail_commune", "Bordeaux"),
        ("adresse_logement_adresse_detail_insee", "33063"),
    ] {
        bordeaux.set_one(key, value);
    }
    let (_, b) = site.file_through_a_draft(&bordeaux).await;
    assert_eq!(b.signalement.territory.to_string(), "33");
    assert_eq!(a.signalement.territory.to_string(), "13");

    let app = site.app();
    app.validate_signalement(&rt33, b.signalement.id, Vec::new())
        .await
        .expect("B validated");
    app.affect_partners(&rt33, b.signalement.id, &[schs33.id])
        .await
        .expect("B affected");
    app.validate_signalement(&rt13, c.signalement.id, Vec::new())
        .await
        .expect("C validated");
    let c_case = app
        .affect_partners(&rt13, c.signalement.id, &[caf13.id])
        .await
        .expect("C affected");
    let affectation_c = affectation_of(&c_case, &caf13);

    let id = a.signalement.id;
    let file_a = upload(&site, &usager(id), id, "bail.pdf").await;
    let file_b = upload(
        &site,
        &usager(b.signalement.id),
        b.signalement.id,
        "bail-b.pdf",
    )
    .await;
    let mut affectation_a = AffectationId(uuid::Uuid::new_v4());
    let mut internal_file_a = None;
    if stage != Stage::New {
        app.validate_signalement(&rt13, id, Vec::new())
            .await
            .expect("A validated");
        let case = app
            .affect_partners(&rt13, id, &[schs.id])
            .await
            .expect("A affected");
        affectation_a = affectation_of(&case, &schs);
        // The agent's document, as one not shown to the usager (the
        // repository's copy of it, the flag off).
        let shown = upload(&site, &agent, id, "rapport-interne.pdf").await;
        let store = &site.adapters.store;
        let mut internal = FileRepository::get(store, shown)
            .await
            .expect("files")
            .expect("the agent's document");
        internal.id = FileId(uuid::Uuid::new_v4());
        internal.is_visible_for_usager = false;
        FileRepository::insert(store, &internal)
            .await
            .expect("internal document");
        internal_file_a = Some(internal.id);
    }
    if !matches!(stage, Stage::New | Stage::Waiting) {
        app.accept_affectation(&agent, id, affectation_a, Vec::new())
            .await
            .expect("A accepted");
    }
    let mut visite_a = histologe_core::ids::InterventionId(uuid::Uuid::new_v4());
    let mut suivi_a = histologe_core::ids::SuiviId(uuid::Uuid::new_v4());
    let closing = || histologe_core::workflow::affectation::ClosingForm {
        motif: histologe_core::enums::MotifCloture::parse("TRAVAUX_FAITS_OU_EN_COURS")
            .expect("a motif"),
        travaux: histologe_core::enums::TravauxMiseEnConformite::parse("OUI"),
        precisions: "Les travaux ont été faits par le propriétaire.".into(),
    };
    match stage {
        Stage::PartnerClosed => {
            app.close_affectation(&agent, id, affectation_a, closing())
                .await
                .expect("A closed for the SCHS");
        }
        Stage::Closed => {
            app.close_signalement(&rt13, id, closing().motif, "Travaux faits.", false)
                .await
                .expect("A closed for all");
        }
        Stage::Planned | Stage::Due => {
            let now = app.now();
            let ahead = if stage == Stage::Planned {
                chrono::TimeDelta::days(1)
            } else {
                chrono::TimeDelta::hours(1)
            };
            visite_a = app
                .plan_visite(&rt13, id, schs.id, now + ahead, None)
                .await
                .expect("a visit of A")
                .1;
            if stage == Stage::Due {
                site.adapters.clock.advance(chrono::TimeDelta::hours(2));
            }
        }
        Stage::Written => {
            let text = "Rendez-vous pris avec le bailleur pour jeudi.";
            suivi_a = app
                // Notified, so held for its author's window (rule 21).
                .add_suivi(&agent, id, text, false, true)
                .await
                .expect("the agent's message")
                .suivis
                .iter()
                .find(|s| s.description == text)
                .expect("the message")
                .id;
        }
        _ => {}
    }

    let tag_13 = app
        .create_tag(&rt13, &a.signalement.territory, "Péril")
        .await
        .expect("a tag of the 13")
        .id;
    let rule_13 = app
        .create_rule(
            &rt13,
            &a.signalement.territory,
            &histologe_core::administration::RuleInput {
                partner_type: "TRIBUNAL".into(),
                profile: "all".into(),
                parc: "all".into(),
                allocataire: "all".into(),
                ..Default::default()
            },
        )
        .await
        .expect("a rule of the 13")
        .id;
    let notification_rt13 = site
        .ports
        .notifications
        .of_user(rt13.user_id().expect("a user"))
        .await
        .expect("notifications")
        .first()
        .expect("the RT 13 was told of the new cases")
        .id;
    let (draft_open, location) = site.start_draft("locataire").await;
    let slug = support::slug_of(&location).to_string();
    let pro_draft = site
        .app()
        .start_pro_draft(&agent, &slug)
        .await
        .expect("the agent begins a professional draft")
        .id;

    let mut cookies: [Option<String>; 7] = Default::default();
    cookies[1] = Some(
        site.usager_login(&a.signalement.code_suivi, "L", "L", "13002")
            .await,
    );
    for (i, (email, _, _)) in staff.iter().enumerate() {
        cookies[2 + i] = Some(site.login(email, PASSWORD).await);
    }
    Fixture {
        cookies,
        rt13,
        a: id,
        code_a: a.signalement.code_suivi.clone(),
        affectation_a,
        file_a,
        internal_file_a,
        draft_sent,
        draft_open,
        pro_draft,
        slug,
        answers,
        b: b.signalement.id,
        file_b,
        c: c.signalement.id,
        affectation_c,
        caf13,
        schs13: schs,
        visite_a,
        suivi_a,
        tag_13,
        notification_rt13,
        user_13: user_13.id,
        rule_13,
        site,
    }
}

impl Fixture {
    fn cookie(&self, who: Who) -> Option<&str> {
        let at = WHO.iter().position(|w| *w == who).expect("a visitor");
        self.cookies[at].as_deref()
    }

    /// The URL of a declared path, with the fixture's identifiers.
    fn url(&self, path: &str) -> String {
        let draft = if path.ends_with("/confirmation") {
            self.draft_sent
        } else if path.starts_with("/bo/signalements/brouillons/") {
            self.pro_draft
        } else {
            self.draft_open
        };
        let url = path
            .replace("{id}", &self.a.to_string())
            .replace("{affectation}", &self.affectation_a.to_string())
            .replace("{code}", &self.code_a)
            .replace("{file}", &self.file_a.to_string())
            .replace("{visite}", &self.visite_a.to_string())
            .replace("{suivi}", &self.suivi_a.to_string())
            .replace("{draft}", &draft.to_string())
            .replace("{slug}", &self.slug)
            .replace("{tag}", &self.tag_13.to_string())
            .replace("{notification}", &self.notification_rt13.to_string())
            .replace("{user}", &self.user_13.to_string())
            .replace("{partner}", &self.schs13.id.to_string())
            .replace("{territoire}", "13")
            .replace("{rule}", &self.rule_13.to_string())
            .replace("{job}", "0190a1b2-0000-7000-8000-00000000abcd");
        if path.starts_with("/app/") {
            format!("/static{url}")
        } else if path == "/bo/cartographie/points" {
            format!("{url}?bbox=-180,-90,180,90")
        } else {
            url
        }
    }

    /// The answers of the open draft's step, as its form posts them.
    fn step_body(&self) -> Multipart {
        let form = Form::reference();
        let screen = form.screen(&self.slug).expect("a screen of the form");
        let mut body = Multipart::new();
        for question in form.visible_questions(screen, &self.answers) {
            if !question.takes_answer() || question.kind == QuestionKind::Photos {
                continue;
            }
            for value in self.answers.values(&question.key) {
                body = body.text(&question.key, value);
            }
        }
        body.text("_action", "suivant")
    }

    /// What each form posts: something valid, so that only the right to
    /// do it decides.
    fn body(&self, path: &str) -> Body {
        let form = |fields: &[(&str, &str)]| {
            Body::Form(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        let closing = [
            ("motif", "TRAVAUX_FAITS_OU_EN_COURS"),
            ("travaux", "OUI"),
            (
                "commentaire",
                "Les travaux ont été faits par le propriétaire.",
            ),
        ];
        match path {
            "/signalement" => form(&[("profil", "locataire")]),
            "/signalement/brouillon/{draft}/etape/{slug}"
            | "/signalement/brouillon/{draft}/etape/{slug}/apercu"
            | "/bo/signalements/brouillons/{draft}/etape/{slug}"
            | "/bo/signalements/brouillons/{draft}/etape/{slug}/apercu" => {
                Body::Multipart(self.step_body())
            }
            "/suivre-mon-signalement/{code}" => form(&[
                ("side", "OCCUPANT"),
                ("prenom", "L"),
                ("nom", "L"),
                ("code_postal", "13002"),
            ]),
            "/suivre-mon-signalement/{code}/arreter" => form(&[
                ("motif", "AUTRE"),
                ("details", "Je souhaite arrêter la procédure en cours."),
            ]),
            "/suivre-mon-signalement/{code}/poursuivre" => {
                form(&[("commentaire", "Je souhaite que la procédure continue.")])
            }
            "/suivre-mon-signalement/{code}/messages" => Body::Multipart(Multipart::of(&[(
                "message",
                "Le chauffage ne marche toujours pas, merci de venir voir.",
            )])),
            "/suivre-mon-signalement/{code}/documents" => {
                Body::Multipart(Multipart::of(&[("type", "AUTRE")]).file(
                    "fichiers",
                    "quittance.pdf",
                    "application/pdf",
                    PDF,
                ))
            }
            "/connexion" => form(&[("email", "agent13@histologe.test"), ("password", PASSWORD)]),
            "/mot-de-passe-perdu" | "/activation" => form(&[("email", "agent13@histologe.test")]),
            "/nouveau-mot-de-passe/{token}" => form(&[
                ("password", "Nouveau-Chemin-42"),
                ("confirmation", "Nouveau-Chemin-42"),
            ]),
            "/connexion/code" => form(&[("code", "123456")]),
            "/bo/signalements/{id}/refuser" => form(&[
                ("motif", "DOUBLON"),
                (
                    "message",
                    "Ce signalement est le doublon d'un autre dossier.",
                ),
            ]),
            "/bo/signalements/{id}/affecter" => {
                form(&[("partenaires", &self.caf13.id.to_string())])
            }
            "/bo/signalements/{id}/adresse" => form(&[
                ("adresse", "8 boulevard Longchamp"),
                ("code_postal", "13001"),
                ("ville", "Marseille"),
                ("latitude", "43,30"),
                ("longitude", "5,39"),
            ]),
            "/bo/signalements/{id}/suivis" => form(&[(
                "message",
                "Visite prévue la semaine prochaine avec le bailleur.",
            )]),
            "/bo/signalements/{id}/cloturer"
            | "/bo/signalements/{id}/affectations/{affectation}/fermer" => form(&closing),
            "/bo/signalements/{id}/affectations/{affectation}/refuser" => form(&[
                ("motif", "HORS_COMPETENCE"),
                ("message", "Ce dossier ne relève pas de notre compétence."),
            ]),
            "/bo/signalements/{id}/etiquettes" => form(&[("etiquette", &self.tag_13.to_string())]),
            // A label of its own at each post: creating one twice is refused.
            "/bo/etiquettes" => form(&[
                ("territoire", "13"),
                ("label", &format!("Étiquette {}", uuid::Uuid::new_v4())),
            ]),
            "/bo/etiquettes/{tag}/renommer" => form(&[("label", "Péril imminent")]),
            "/bo/maintenance" => form(&[("mode", "off"), ("message", "")]),
            "/bo/mon-compte/notifications" => form(&[("preference", "recapitulatif_quotidien")]),
            // An address of its own at each post: an e-mail is taken once.
            "/bo/utilisateurs" => form(&[
                ("partenaire", &self.schs13.id.to_string()),
                ("email", &format!("{}@histologe.test", uuid::Uuid::new_v4())),
                ("prenom", "Lucie"),
                ("nom", "Bernard"),
                ("role", "ROLE_USER_PARTNER"),
            ]),
            "/bo/utilisateurs/{user}" => form(&[("role", "ROLE_USER_PARTNER")]),
            // A name of its own at each post.
            "/bo/partenaires" => form(&[
                ("territoire", "13"),
                ("nom", &format!("Partenaire {}", uuid::Uuid::new_v4())),
                ("type", "ADIL"),
            ]),
            "/bo/partenaires/{partner}" => form(&[
                ("nom", "SCHS de Marseille"),
                ("type", "COMMUNE_SCHS"),
                ("competences", "VISITES"),
                ("insee", "13202"),
            ]),
            "/bo/territoires/{territoire}" => form(&[("ouvert", "oui"), ("authorized_insee", "")]),
            "/bo/regles-auto-affectation" | "/bo/regles-auto-affectation/{rule}" => form(&[
                ("territoire", "13"),
                ("partner_type", "TRIBUNAL"),
                ("profile", "all"),
                ("parc", "all"),
                ("allocataire", "all"),
            ]),
            "/bo/recherches" => form(&[("nom", "Dossiers en cours"), ("query", "statut=ACTIVE")]),
            "/bo/signalements/{id}/visites" => form(&[
                ("date", "2025-03-03"),
                ("heure", "10:00"),
                ("operateur", &self.schs13.id.to_string()),
                ("commentaire", "Merci de prévoir l'accès à la cave."),
            ]),
            "/bo/signalements/{id}/visites/{visite}/reprogrammer" => {
                form(&[("date", "2025-03-10"), ("heure", "14:00")])
            }
            "/bo/signalements/{id}/visites/{visite}/annuler" => {
                form(&[("motif", "Le locataire a demandé un report.")])
            }
            "/bo/signalements/{id}/visites/{visite}/conclure" => form(&[
                ("resultat", "faite"),
                ("procedures", "NON_DECENCE"),
                ("occupant_present", "oui"),
                ("details", "Humidité constatée dans la chambre."),
            ]),
            "/bo/signalements/{id}/visites/{visite}/fichiers" => Body::Multipart(
                Multipart::of(&[("type", "PROCEDURE_RAPPORT_DE_VISITE")]).file(
                    "fichier",
                    "rapport-de-visite.pdf",
                    "application/pdf",
                    PDF,
                ),
            ),
            "/bo/signalements/{id}/documents" => Body::Multipart(
                Multipart::of(&[("type", "PROCEDURE_MISE_EN_DEMEURE")]).file(
                    "fichier",
                    "mise-en-demeure.pdf",
                    "application/pdf",
                    PDF,
                ),
            ),
            "/bo/signalements/{id}/suivis/{suivi}/modifier" => form(&[(
                "message",
                "Rendez-vous pris avec le bailleur pour vendredi.",
            )]),
            _ => form(&[]),
        }
    }

    async fn send(&self, method: Method, path: &str, who: Who) -> Reply {
        let url = self.url(path);
        let cookie = self.cookie(who);
        match method {
            Method::Get => self.site.get_with(&url, cookie).await,
            Method::Post => match self.body(path) {
                Body::Form(fields) => {
                    let fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    self.site.post_form(&url, &fields, cookie).await
                }
                Body::Multipart(body) => self.site.post_multipart(&url, body, cookie).await,
            },
        }
    }

    /// The class of `reply` to a request on `path`.
    fn classify(&self, path: &str, reply: &Reply) -> Answer {
        let location = reply.header("location").unwrap_or_default();
        let tracking = format!("/suivre-mon-signalement/{}", self.code_a);
        let opens_session = reply
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("histologe_suivi=") && !c.starts_with("histologe_suivi=;"));
        let text = reply.text();
        match reply.status {
            StatusCode::SEE_OTHER if location.starts_with("/connexion?suite=") => Answer::Login,
            StatusCode::SEE_OTHER if location == tracking && !opens_session => Answer::Identity,
            StatusCode::OK if text.contains("Accéder à mon dossier") => Answer::Identity,
            StatusCode::NOT_FOUND if text.contains("Page introuvable") => Answer::NotFound,
            StatusCode::FORBIDDEN if text.contains("Accès refusé") => Answer::Forbidden,
            // The page of a dead account link (the matrix has no live one).
            StatusCode::GONE if text.contains("Ce lien n'est plus valide") => Answer::Allowed,
            // A back-office action leads back to the case, saying what it did.
            StatusCode::SEE_OTHER if path.starts_with("/bo/signalements/{id}/") => {
                // An archived case leaves the view: back to the list.
                if location.starts_with(&format!("/bo/signalements/{}?fait=", self.a))
                    || location == "/bo/signalements?fait=archive"
                {
                    Answer::Allowed
                } else {
                    Answer::Other
                }
            }
            s if s.is_success() || s == StatusCode::SEE_OTHER => Answer::Allowed,
            _ => Answer::Other,
        }
    }

    async fn case_a(&self) -> Case {
        self.site
            .app()
            .view_case(&self.rt13, self.a)
            .await
            .expect("case A")
    }
}

enum Body {
    Form(Vec<(String, String)>),
    Multipart(Multipart),
}

fn describe(reply: &Reply) -> String {
    let location = reply.header("location").unwrap_or_default();
    let text = reply.text();
    let title = text
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map_or("", |(title, _)| title);
    format!("{} {location}{title}", reply.status.as_u16())
}

// ---------------------------------------------------------------------------
// 1. The inventory.

/// The (method, path) of every `.route("…", …)` of `src/web`.
fn declared_routes() -> BTreeSet<(Method, String)> {
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/web is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"),
        &mut files,
    );
    let mut routes = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("a source file");
        let mut rest = source.as_str();
        while let Some(at) = rest.find(".route(") {
            let args = rest[at + ".route(".len()..].trim_start();
            let literal = args
                .strip_prefix('"')
                .and_then(|a| a.split_once('"'))
                .map(|(path, _)| path)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: a route whose path is not a string literal",
                        file.display()
                    )
                });
            // The arguments, up to the parenthesis closing `.route(`.
            let mut depth = 1;
            let end = args
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(args.len(), |(i, _)| i);
            let handlers = &args[..end];
            let mut methods = 0;
            for (name, method) in [("get(", Method::Get), ("post(", Method::Post)] {
                for (i, _) in handlers.match_indices(name) {
                    let before = handlers[..i].chars().next_back();
                    if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        routes.insert((method, literal.to_string()));
                        methods += 1;
                    }
                }
            }
            for other in ["put(", "patch(", "delete(", "any("] {
                assert!(
                    !handlers.contains(other),
                    "{literal}: a method the matrix does not know ({other}), add it"
                );
            }
            assert!(methods > 0, "{literal}: no method found in {handlers}");
            rest = &args[end..];
        }
    }
    routes
}

#[test]
fn every_declared_route_has_a_line_in_the_matrix() {
    let declared = declared_routes();
    let mut listed = BTreeSet::new();
    for line in MATRIX {
        assert!(
            listed.insert((line.method, line.path.to_string())),
            "{:?} {} is listed twice",
            line.method,
            line.path
        );
    }
    let missing: Vec<_> = declared.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a line in the matrix: {missing:?}; lines without a route: {stale:?}"
    );
    // The reader found the routes it should (a broken reader finds none).
    assert!(declared.len() >= 39, "{declared:?}");
    assert!(declared.contains(&(Method::Post, "/bo/signalements/{id}/valider".into())));
}

// ---------------------------------------------------------------------------
// 2. The matrix.

/// Back-office actions change case A: each visitor allowed to do one does
/// it on a fixture of its own, after the refused ones (which must leave
/// the case as it was) on a shared one.
fn changes_the_case(line: &Line) -> bool {
    line.method == Method::Post && line.path.starts_with("/bo/signalements/{id}/")
}

/// Lines whose allowed visitors each get a fixture of their own: the
/// actions on case A, and the identity check (every attempt on a tracking
/// code counts, five per quarter of an hour, successes included).
fn needs_own_fixture(line: &Line) -> bool {
    changes_the_case(line)
        || (line.method == Method::Post && line.path == "/suivre-mon-signalement/{code}")
        // Link requests: three per address and hour.
        || (line.method == Method::Post
            && matches!(line.path, "/mot-de-passe-perdu" | "/activation"))
}

#[tokio::test]
async fn every_route_answers_each_visitor_as_the_matrix_says() {
    let mut failures = Vec::new();
    let mut report = Vec::new();
    for line in MATRIX {
        let shared = fixture(line.stage).await;
        let before = shared.case_a().await;
        let mut observed = Vec::new();
        for (who, expected) in WHO.iter().zip(line.expect) {
            let isolated = needs_own_fixture(line) && expected == OK;
            if isolated {
                continue;
            }
            let reply = shared.send(line.method, line.path, *who).await;
            observed.push((*who, expected, shared.classify(line.path, &reply), reply));
        }
        if changes_the_case(line) {
            let after = shared.case_a().await;
            if after != before {
                failures.push(format!(
                    "{:?} {}: a refused visitor changed case A",
                    line.method, line.path
                ));
            }
        }
        if needs_own_fixture(line) {
            for (who, expected) in WHO.iter().zip(line.expect) {
                if expected == OK {
                    let own = fixture(line.stage).await;
                    let reply = own.send(line.method, line.path, *who).await;
                    observed.push((*who, expected, own.classify(line.path, &reply), reply));
                }
            }
        }
        observed.sort_by_key(|(who, ..)| WHO.iter().position(|w| w == who));
        let mut cells = Vec::new();
        for (who, expected, got, reply) in &observed {
            cells.push(format!("{got:?}"));
            if got != expected {
                failures.push(format!(
                    "{:?} {} as {who:?}: expected {expected:?}, got {got:?} ({})",
                    line.method,
                    line.path,
                    describe(reply)
                ));
            }
        }
        report.push(format!(
            "{:<5} {:<62} {}",
            format!("{:?}", line.method),
            line.path,
            cells.join(" ")
        ));
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// 3. Probes: someone else's case, file or affectation reads like nothing.

/// Two answers a visitor cannot tell apart.
fn assert_same(reply: &Reply, baseline: &Reply, what: &str) {
    assert_eq!(reply.status, baseline.status, "{what}: {}", describe(reply));
    assert_eq!(
        reply.header("location"),
        baseline.header("location"),
        "{what}"
    );
    assert_eq!(reply.body, baseline.body, "{what}: the pages differ");
}

#[tokio::test]
async fn an_agent_asking_for_another_partners_case_gets_what_an_unknown_id_gets() {
    let f = fixture(Stage::Accepted).await;
    let agent = f.cookie(Who::Agent);
    let unknown = SignalementId(uuid::Uuid::new_v4());
    let baseline = f
        .site
        .get_with(&format!("/bo/signalements/{unknown}"), agent)
        .await;
    assert_eq!(baseline.status, StatusCode::NOT_FOUND);
    assert!(baseline.text().contains("Page introuvable"));
    let c_before = f.site.app().view_case(&f.rt13, f.c).await.expect("case C");
    for (id, what) in [
        (f.b.to_string(), "B, another territory"),
        (f.c.to_string(), "C, another partner of the territory"),
        ("pas-un-identifiant".to_string(), "a malformed id"),
    ] {
        let reply = f
            .site
            .get_with(&format!("/bo/signalements/{id}"), agent)
            .await;
        assert_same(&reply, &baseline, what);
        // The actions on it, form by form.
        for action in ["valider", "refuser", "affecter", "suivis", "cloturer"] {
            let path = format!("/bo/signalements/{{id}}/{action}");
            let Body::Form(fields) = f.body(&path) else {
                unreachable!()
            };
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let on = |target: &str| format!("/bo/signalements/{target}/{action}");
            let reply = f.site.post_form(&on(&id), &fields, agent).await;
            let unknown_reply = f
                .site
                .post_form(&on(&unknown.to_string()), &fields, agent)
                .await;
            assert_eq!(unknown_reply.status, StatusCode::NOT_FOUND, "{action}");
            assert_same(&reply, &unknown_reply, &format!("{action} on {what}"));
        }
    }
    // The territory admin of the Gironde on A, the same.
    let rt33 = f.cookie(Who::OtherRt);
    let rt_baseline = f
        .site
        .get_with(&format!("/bo/signalements/{unknown}"), rt33)
        .await;
    let rt_a = f
        .site
        .get_with(&format!("/bo/signalements/{}", f.a), rt33)
        .await;
    assert_same(&rt_a, &rt_baseline, "A for the RT of another territory");
    let c_after = f.site.app().view_case(&f.rt13, f.c).await.expect("case C");
    assert_eq!(c_before, c_after, "the refused actions changed nothing");
}

#[tokio::test]
async fn an_affectation_of_another_partner_reads_like_an_unknown_one() {
    let f = fixture(Stage::Accepted).await;
    let agent = f.cookie(Who::Agent);
    let unknown_case = SignalementId(uuid::Uuid::new_v4());
    let unknown_affectation = AffectationId(uuid::Uuid::new_v4());
    for action in ["accepter", "refuser", "fermer"] {
        let path = format!("/bo/signalements/{{id}}/affectations/{{affectation}}/{action}");
        let Body::Form(fields) = f.body(&path) else {
            unreachable!()
        };
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let url = |case: &dyn std::fmt::Display, affectation: &dyn std::fmt::Display| {
            format!("/bo/signalements/{case}/affectations/{affectation}/{action}")
        };
        let baseline = f
            .site
            .post_form(&url(&unknown_case, &unknown_affectation), &fields, agent)
            .await;
        assert_eq!(baseline.status, StatusCode::NOT_FOUND, "{action}");
        for (target, what) in [
            (
                url(&f.c, &f.affectation_c),
                "the CAF's affectation on C, a case the agent does not see",
            ),
            (
                url(&f.a, &f.affectation_c),
                "the CAF's affectation on C, named under A (a case he sees)",
            ),
            (
                url(&f.a, &unknown_affectation),
                "an unknown affectation under A",
            ),
            (
                url(&unknown_case, &f.affectation_a),
                "his own affectation under an unknown case",
            ),
        ] {
            let reply = f.site.post_form(&target, &fields, agent).await;
            assert_same(&reply, &baseline, &format!("{action}: {what}"));
        }
    }
    let case = f.site.app().view_case(&f.rt13, f.c).await.expect("case C");
    assert_eq!(
        case.affectations[0].status,
        histologe_core::enums::AffectationStatus::Wait,
        "the CAF's affectation was not touched"
    );
}

#[tokio::test]
async fn a_file_of_another_case_reads_like_an_unknown_file() {
    let f = fixture(Stage::Accepted).await;
    let usager = f.cookie(Who::Usager);
    let download = |file: &dyn std::fmt::Display| {
        format!("/suivre-mon-signalement/{}/fichiers/{file}", f.code_a)
    };
    let own = f.site.get_with(&download(&f.file_a), usager).await;
    assert_eq!(own.status, StatusCode::OK, "{}", describe(&own));
    assert_eq!(own.body.as_bytes(), PDF);

    let unknown = FileId(uuid::Uuid::new_v4());
    let baseline = f.site.get_with(&download(&unknown), usager).await;
    assert_eq!(baseline.status, StatusCode::NOT_FOUND);
    assert_same(
        &f.site.get_with(&download(&f.file_b), usager).await,
        &baseline,
        "B's document through A's tracking page",
    );
    assert_same(
        &f.site.get_with(&download(&"pas-un-fichier"), usager).await,
        &baseline,
        "a malformed file id",
    );
    // A partner's document of A hidden from the usager is not his to download.
    let internal = f.internal_file_a.expect("an internal document");
    assert_same(
        &f.site.get_with(&download(&internal), usager).await,
        &baseline,
        "a partner's internal document of A",
    );
    // A staff session opens no tracking page: the agent who sees A is sent
    // to the identity check like anyone.
    let anonymous = f.site.get_with(&download(&f.file_a), None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    for who in [Who::Agent, Who::Rt, Who::SuperAdmin] {
        let reply = f.site.get_with(&download(&f.file_a), f.cookie(who)).await;
        assert_same(&reply, &anonymous, &format!("A's document for {who:?}"));
    }
    // Nor does another dossier's tracking cookie (the code in the URL
    // decides): the usager of A with B's file id under B's code.
    let case_b = f
        .site
        .app()
        .view_case(&self::usager(f.b), f.b)
        .await
        .expect("case B");
    let b_download = format!(
        "/suivre-mon-signalement/{}/fichiers/{}",
        case_b.signalement.code_suivi, f.file_b
    );
    let reply = f.site.get_with(&b_download, usager).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location(),
        format!("/suivre-mon-signalement/{}", case_b.signalement.code_suivi)
    );
}

#[tokio::test]
async fn lists_show_each_visitor_only_the_cases_of_his_scope() {
    let f = fixture(Stage::Accepted).await;
    let link = |id: SignalementId| format!("/bo/signalements/{id}\"");
    for (who, shown, hidden) in [
        (Who::Agent, vec![f.a], vec![f.b, f.c]),
        (Who::PartnerAdmin, vec![f.a], vec![f.b, f.c]),
        (Who::OtherRt, vec![f.b], vec![f.a, f.c]),
        (Who::Rt, vec![f.a, f.c], vec![f.b]),
        (Who::SuperAdmin, vec![f.a, f.b, f.c], vec![]),
    ] {
        let list = f.site.get_with("/bo/signalements", f.cookie(who)).await;
        assert_eq!(list.status, StatusCode::OK, "{who:?}");
        for id in shown {
            assert!(list.body.contains(&link(id)), "{who:?} should see {id}");
        }
        for id in hidden {
            assert!(!list.body.contains(&link(id)), "{who:?} must not see {id}");
        }
    }
}
