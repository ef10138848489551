//! The site in process for the route tests: `web::router` over the memory
//! adapters with the real reference data (territories and communes), the
//! reference form, a fresh cookie key and an empty assets directory; and
//! what a browser does with it (GET, posted forms, multipart bodies,
//! following redirects, reading what the page shows). `world` is the
//! back-office most route tests start from.
//!
//! Every test binary compiles this module and uses a part of it.
#![allow(dead_code)]

pub mod world;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum_extra::extract::cookie::Key;
use histologe_adapters_memory::MemoryAdapters;
use histologe_application::jobs::Runner;
use histologe_application::{App, Ports, Settings};
use histologe_core::form::{Answers, Form};
use histologe_core::ids::DraftId;
use histologe_core::territory_code::{LYON_METROPOLE, TerritoryCode};
use histologe_ports::Repositories;
use histologe_runtime::config::Secret;
use histologe_runtime::mail_config::WebhookConfig;
use histologe_runtime::reference_data::{self, Reload};
use histologe_web::web::{self, WebSettings, WebState};
use tower::ServiceExt;

pub const BASE_URL: &str = "https://signal-logement.test";
/// The secret Brevo's webhook must present on the test site.
pub const WEBHOOK_SECRET: &str = "secret-du-webhook-de-test-0123456789";
pub const HOST: &str = "signal-logement.test";

/// The tenant's payload of the reference platform (as in core's form tests).
pub const LOCATAIRE_JSON: &str = include_str!("../../../core/src/form/testdata/locataire.json");

/// The public site, and the handles to look behind it.
pub struct Site {
    pub router: Router,
    pub state: WebState,
    pub adapters: MemoryAdapters,
    /// The ports the application runs on, to look behind it.
    pub ports: Ports,
    pub runner: Runner,
    _assets: tempfile::TempDir,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Site")
    }
}

impl Site {
    pub async fn new() -> Site {
        Site::build(None, None).await
    }

    /// The site on a SQL store (migrated) instead of the memory one; files
    /// and e-mails stay in memory.
    pub async fn on_sql(store: histologe_adapters_sql::SqlStore) -> Site {
        Site::build(None, Some(store)).await
    }

    /// The site with e-mails sent through `mailer` instead of the memory
    /// adapters' (the outbox of the embedded default, say).
    pub async fn with_mailer(mailer: Arc<dyn histologe_ports::Mailer>) -> Site {
        Site::build(Some(mailer), None).await
    }

    async fn build(
        mailer: Option<Arc<dyn histologe_ports::Mailer>>,
        sql: Option<histologe_adapters_sql::SqlStore>,
    ) -> Site {
        let adapters = MemoryAdapters::new();
        // Either store serves every repository port: wiring's `Store` bound.
        let stores = match &sql {
            Some(sql) => Repositories::of(Arc::new(sql.clone())),
            None => Repositories::of(Arc::new(adapters.store.clone())),
        };
        reference_data::load(&stores, Reload::IfChanged)
            .await
            .expect("reference data loads into the memory store");
        let lyon = TerritoryCode::parse(LYON_METROPOLE).expect("69A");
        let lyon_metropole_insee = stores
            .territories
            .get(&lyon)
            .await
            .expect("territories")
            .map(|t| t.authorized_insee)
            .unwrap_or_default();
        let mut ports = adapters.ports_with_images(Arc::new(histologe_adapters_images::Images));
        if let Some(mailer) = mailer {
            ports.mailer = mailer;
        }
        if sql.is_some() {
            ports.repositories = stores.clone();
        }
        let app = App::new(
            ports.clone(),
            Settings {
                injonction_territories: Vec::new(),
                lyon_metropole_insee,
            },
        );
        let assets = tempfile::tempdir().expect("assets dir");
        let state = WebState {
            app: app.clone(),
            form: Form::reference(),
            cookie_key: Key::generate(),
            settings: Arc::new(WebSettings {
                platform_name: "Signal Logement".into(),
                base_url: BASE_URL.into(),
                secure_cookies: true,
                assets_dir: assets.path().to_path_buf(),
                upload_max_bytes: 10 * 1024 * 1024,
                brevo_webhook: Some(WebhookConfig {
                    secret: Secret::new(WEBHOOK_SECRET),
                    allowed: Vec::new(),
                }),
            }),
        };
        let runner = Runner::new(app, BASE_URL);
        Site {
            router: web::router(state.clone()),
            state,
            adapters,
            ports,
            runner,
            _assets: assets,
        }
    }

    pub fn app(&self) -> &App {
        &self.state.app
    }

    /// The same site, its application on ports changed by `change` (the
    /// address services, say): the router and the runner follow.
    pub fn rewired(mut self, change: impl FnOnce(&mut Ports)) -> Site {
        change(&mut self.ports);
        let settings = Settings {
            injonction_territories: Vec::new(),
            lyon_metropole_insee: self.state.app.settings().lyon_metropole_insee.clone(),
        };
        let app = App::new(self.ports.clone(), settings);
        self.state.app = app.clone();
        self.router = web::router(self.state.clone());
        self.runner = Runner::new(app, BASE_URL);
        self
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router always answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 10 * 1024 * 1024)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.get_with(path, None).await
    }

    /// A GET, with the `Cookie` header a browser would send.
    pub async fn get_with(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    /// A form posted from a page of the site (`application/x-www-form-urlencoded`).
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        let mut request = same_origin_post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(
            request
                .body(Body::from(urlencode(fields)))
                .expect("request"),
        )
        .await
    }

    /// A form posted from a page of the site as `multipart/form-data`.
    pub async fn post_multipart(&self, path: &str, body: Multipart, cookie: Option<&str>) -> Reply {
        let (content_type, bytes) = body.finish();
        let mut request = same_origin_post(path).header(header::CONTENT_TYPE, content_type);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(bytes)).expect("request"))
            .await
    }

    /// "Faire un signalement" as `profil`: the draft and the step the
    /// redirect names.
    pub async fn start_draft(&self, profil: &str) -> (DraftId, String) {
        let reply = self
            .post_form("/signalement", &[("profil", profil)], None)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let location = reply.location();
        (draft_of(&location), location)
    }

    /// Posts the answers of `slug` taken from `answers` (the questions the
    /// form shows for them), with the button `action`.
    pub async fn post_step(
        &self,
        draft: DraftId,
        slug: &str,
        answers: &Answers,
        action: &str,
    ) -> Reply {
        self.post_multipart(
            &step_path(draft, slug),
            step_body(slug, answers, action),
            None,
        )
        .await
    }

    /// The form's "today": the adapters' stopped clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.app().now().date_naive()
    }

    /// The tenant's answers of the reference payload, completed for today.
    pub fn locataire_answers(&self) -> Answers {
        let mut answers = payload_answers(LOCATAIRE_JSON);
        complete(&mut answers, self.today());
        answers
    }

    /// `n` more cases like `model`, filed the day before it, straight into
    /// the store: a list or a map as full as a busy territory's, at once.
    pub async fn copies_of(&self, model: &histologe_core::model::Signalement, n: usize) {
        use histologe_core::ids::SignalementId;
        let mut tx = self.ports.uow.begin().await.expect("begin");
        for i in 0..n {
            let mut copy = histologe_core::model::Case::new(model.clone());
            copy.signalement.id = SignalementId(uuid::Uuid::new_v4());
            copy.signalement.code_suivi = copy.signalement.id.0.simple().to_string();
            copy.signalement.reference = format!("2024-{}", i + 1);
            copy.signalement.created_at = model.created_at - chrono::Duration::days(1);
            tx.insert_case(&copy).await.expect("insert_case");
        }
        tx.commit().await.expect("commit");
    }

    /// Runs the queued jobs; the e-mails sent (forgotten afterwards).
    pub async fn mails(&self) -> Vec<histologe_ports::OutgoingEmail> {
        self.runner.drain().await.expect("jobs run");
        let sent = self.adapters.mailer.sent();
        self.adapters.mailer.clear();
        sent
    }

    /// The jobs queued so far.
    pub async fn jobs(&self) -> Vec<histologe_ports::Job> {
        self.ports.jobs.all().await.expect("jobs")
    }
}

/// The body a browser posts from the screen `slug`: the answers of the
/// questions it shows for `answers` (photos aside), and the button `action`.
pub fn step_body(slug: &str, answers: &Answers, action: &str) -> Multipart {
    Form::reference()
        .posted_fields(slug, answers)
        .into_iter()
        .fold(Multipart::new(), |body, (key, value)| {
            body.text(&key, &value)
        })
        .text("_action", action)
}

/// The street, postal code and commune of the housing, as typed on the
/// address screen (the form finds the INSEE code).
pub fn address(street: &str, postal_code: &str, commune: &str) -> Answers {
    Answers::from_pairs([
        ("adresse_logement_adresse_detail_numero", street),
        ("adresse_logement_adresse_detail_code_postal", postal_code),
        ("adresse_logement_adresse_detail_commune", commune),
    ])
}

/// `base` with the housing at another address, INSEE code included.
pub fn moved(
    base: &Answers,
    street: &str,
    postal_code: &str,
    commune: &str,
    insee: &str,
) -> Answers {
    let mut answers = base.clone();
    for (key, value) in [
        (
            "adresse_logement_adresse",
            format!("{street} {postal_code} {commune}"),
        ),
        ("adresse_logement_adresse_detail_numero", street.to_string()),
        (
            "adresse_logement_adresse_detail_code_postal",
            postal_code.to_string(),
        ),
        (
            "adresse_logement_adresse_detail_commune",
            commune.to_string(),
        ),
        ("adresse_logement_adresse_detail_insee", insee.to_string()),
    ] {
        answers.set_one(key, &value);
    }
    answers
}

/// The path of the password link (activation or lost password) in `mail`.
pub fn password_link(mail: &histologe_ports::OutgoingEmail) -> String {
    let prefix = format!("{BASE_URL}/nouveau-mot-de-passe/");
    let (_, rest) = mail.text.split_once(&prefix).expect("a password link");
    let token: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
    format!("/nouveau-mot-de-passe/{token}")
}

/// Every text of `expected` is in `text`; the first missing one is named.
pub fn assert_contains(text: &str, expected: &[&str], what: &str) {
    for e in expected {
        assert!(text.contains(e), "{what}: « {e} » missing in\n{text}");
    }
}

/// The records (header first) of a CSV export, read as a spreadsheet
/// would, after its byte-order mark.
pub fn csv_records(body: &str) -> Vec<Vec<String>> {
    let body = body
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark first");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn same_origin_post(path: &str) -> axum::http::request::Builder {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("https://{HOST}"))
        .header("sec-fetch-site", "same-origin")
}

pub fn step_path(draft: DraftId, slug: &str) -> String {
    format!("/signalement/brouillon/{draft}/etape/{slug}")
}

/// The draft named in a form URL.
pub fn draft_of(location: &str) -> DraftId {
    location
        .strip_prefix("/signalement/brouillon/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no draft in {location}"))
}

/// The step named in a form URL.
pub fn slug_of(location: &str) -> &str {
    location
        .split_once("/etape/")
        .map(|(_, slug)| slug)
        .unwrap_or_else(|| panic!("no step in {location}"))
}

/// An answer as the site sent it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> String {
        self.header("location")
            .unwrap_or_else(|| panic!("no Location ({}): {}", self.status, self.body))
            .to_string()
    }

    /// The page with its entities decoded: what a reader sees (and the
    /// markup around it).
    pub fn text(&self) -> String {
        unescape(&self.body)
    }

    /// The `value` of the `<input name="…">`, decoded.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let wanted = format!(" name=\"{name}\"");
        self.body
            .split("<input")
            .skip(1)
            .filter_map(|tag| tag.split_once('>').map(|(attributes, _)| attributes))
            .find(|attributes| attributes.contains(&wanted))
            .map(|attributes| {
                attributes
                    .split_once(" value=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map_or_else(String::new, |(value, _)| unescape(value))
            })
    }

    /// The text of the `<textarea name="…">`, decoded.
    pub fn textarea(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("name=\"{name}\""))?;
        let rest = &self.body[at..];
        let (_, rest) = rest.split_once('>')?;
        rest.split_once("</textarea>")
            .map(|(value, _)| unescape(value))
    }

    /// The `Set-Cookie` headers.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    /// The `name=value` pair of the first `Set-Cookie`, as a browser sends it back.
    pub fn cookie(&self) -> String {
        let set = self
            .set_cookies()
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no Set-Cookie ({}): {}", self.status, self.body));
        set.split(';').next().unwrap_or_default().to_string()
    }
}

/// Decodes the entities askama writes (`&#39;`, `&#34;`, `&#38;`…) and
/// the named ones of the templates.
pub fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 8).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn urlencode(fields: &[(&str, &str)]) -> String {
    fn encode(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A `multipart/form-data` body, as a browser builds it from a form.
#[derive(Debug, Clone)]
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    pub fn new() -> Self {
        Multipart {
            boundary: "----histologe-route-tests-7d1f3a".into(),
            body: Vec::new(),
        }
    }

    /// A body of text fields.
    pub fn of(fields: &[(&str, &str)]) -> Self {
        fields.iter().fold(Multipart::new(), |body, (name, value)| {
            body.text(name, value)
        })
    }

    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self
    }

    pub fn file(mut self, name: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Self {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The `Content-Type` header and the bytes.
    pub fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }
}

/// The payload as answers and its completion: core's own test support,
/// shared with core's form tests.
pub use histologe_core::form::payloads::{complete, payload_answers};

impl Site {
    /// A back-office account (super admin, active) with `password`, set
    /// through the application (policy included).
    pub async fn staff_account(&self, email: &str, password: &str) -> histologe_core::ids::UserId {
        let role = histologe_core::enums::Role::SuperAdmin;
        let (user, _) = self.staff_member(email, password, role, None, true).await;
        user.id
    }

    /// Logs in through `/connexion`; the session cookie as a browser sends it back.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let reply = self.post_login(email, password).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        reply.cookie()
    }

    /// The login form posted with `email` and `password`, whatever the answer.
    pub async fn post_login(&self, email: &str, password: &str) -> Reply {
        self.post_form(
            "/connexion",
            &[("email", email), ("password", password)],
            None,
        )
        .await
    }
}

impl Site {
    /// A partner of `territory` (opened for reports if it was not), with
    /// the default competences of its type, written through the repository
    /// as the demo does (no super admin needed to set up a test).
    pub async fn partner(
        &self,
        territory: &str,
        nom: &str,
        partner_type: histologe_core::enums::PartnerType,
        insee: &[&str],
    ) -> histologe_core::model::Partner {
        use histologe_core::ids::PartnerId;
        use histologe_core::model::Partner;
        let code = TerritoryCode::parse(territory).expect("territory code");
        let mut open = self
            .ports
            .territories
            .get(&code)
            .await
            .expect("territories")
            .expect("a territory of the reference data");
        if !open.is_active {
            open.is_active = true;
            self.ports
                .territories
                .upsert(&open)
                .await
                .expect("territory opened");
        }
        let partner = Partner {
            id: PartnerId(uuid::Uuid::new_v4()),
            nom: nom.to_string(),
            partner_type,
            territory: code,
            is_archive: false,
            email: None,
            email_notifiable: false,
            competences: partner_type.default_competences().to_vec(),
            insee: insee.iter().map(|s| s.to_string()).collect(),
            zones: Vec::new(),
            excluded_zones: Vec::new(),
            epci_insee: Vec::new(),
            bailleur_id: None,
            esabora_active: false,
            interconnection: Default::default(),
        };
        self.ports
            .partners
            .insert(&partner)
            .await
            .expect("partner inserted");
        partner
    }

    /// An active back-office account of `role`, member of `partner` (none
    /// for a super admin), with `password`; the user and the actor it is.
    pub async fn staff_member(
        &self,
        email: &str,
        password: &str,
        role: histologe_core::enums::Role,
        partner: Option<&histologe_core::model::Partner>,
        has_permission_affectation: bool,
    ) -> (histologe_core::model::User, histologe_core::Actor) {
        use histologe_core::enums::UserStatus;
        use histologe_core::ids::UserId;
        use histologe_core::model::{Membership, User};
        let user = User {
            id: UserId(uuid::Uuid::new_v4()),
            email: email.to_string(),
            prenom: "Camille".into(),
            nom: "Martin".into(),
            role,
            status: UserStatus::Active,
            has_permission_affectation,
            memberships: partner
                .map(|p| Membership {
                    partner_id: p.id,
                    territory: p.territory.clone(),
                    partner_type: p.partner_type,
                    competences: p.competences.clone(),
                })
                .into_iter()
                .collect(),
            is_mailing_active: true,
            is_mailing_summary: false,
            last_login_at: None,
            created_at: chrono::Utc::now(),
        };
        self.ports.users.insert(&user).await.expect("user inserted");
        self.app()
            .set_password(user.id, password)
            .await
            .expect("password set");
        let actor = histologe_core::Actor::from_user(&user).expect("an active staff account");
        (user, actor)
    }

    /// Files `answers` as the public form does when "Envoyer" is pressed:
    /// a draft, then the draft sent (the use cases of the form's routes,
    /// without walking every screen). The sent draft and the new case.
    pub async fn file_through_a_draft(
        &self,
        answers: &Answers,
    ) -> (DraftId, histologe_core::model::Case) {
        let today = self.app().now().date_naive();
        let draft = self
            .app()
            .save_draft(
                None,
                answers.clone(),
                histologe_core::form::REVIEW_SLUG.into(),
                None,
            )
            .await
            .expect("draft saved");
        let outcome = Form::reference()
            .to_new_signalement_on(answers, Some(today))
            .unwrap_or_else(|e| panic!("answers of a complete form: {e:?}"));
        let case = self
            .app()
            .submit_draft(
                &histologe_core::Actor::Anonymous,
                draft.id,
                outcome.signalement,
                outcome.wants_injonction,
            )
            .await
            .expect("draft sent");
        (draft.id, case)
    }

    /// Opens the usager's session on the dossier `code` through the
    /// identity check; the tracking cookie as a browser sends it back.
    pub async fn usager_login(&self, code: &str, prenom: &str, nom: &str, cp: &str) -> String {
        let reply = self
            .post_form(
                &format!("/suivre-mon-signalement/{code}"),
                &[
                    ("side", "OCCUPANT"),
                    ("prenom", prenom),
                    ("nom", nom),
                    ("code_postal", cp),
                ],
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        reply.cookie()
    }
}
