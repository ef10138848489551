//! Back-office login and sessions: `/connexion`, `/deconnexion`,
//! `/deconnexion-partout`, and the [`Staff`] extractor every back-office
//! page takes (docs/decisions/0018-accounts-and-sessions.md).
//!
//! The cookie `histologe_session` holds the session's random token,
//! encrypted and signed with the site key (`PrivateCookieJar`); the
//! database holds only the token's SHA-256. HttpOnly, SameSite=Lax, Path=/,
//! Secure when the site is served over TLS; no Max-Age (the server's 8 h
//! sliding expiry decides).
//!
//! A super admin, when `HISTOLOGE_2FA` is on, gets a code by e-mail after
//! the right password: the browser then holds the secret of the pending
//! login in the private cookie `histologe_connexion` (path `/connexion`;
//! the server ends the pending login after 15 minutes) until `/connexion/code` opens the session
//! (docs/decisions/0019-account-links-and-login-codes.md).
//!
//! Throttling counts failures per e-mail and per client. The client is the
//! first hop of `X-Forwarded-For` only when `HISTOLOGE_TRUST_PROXY` is set
//! (behind a reverse proxy that sets it); otherwise it is the TCP peer's
//! address (`security::tag_client`), never a header the browser chose;
//! `"local"` only when neither is known (in-process tests).

use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::PrivateCookieJar;
use axum_extra::extract::cookie::{Cookie, Key, SameSite};
use histologe_application::{AppError, SignIn};
use histologe_core::DomainError;
use serde::Deserialize;

use crate::web::WebState;
use crate::web::errors::{WebError, render};

/// The session cookie's name.
pub const COOKIE: &str = "histologe_session";
/// Set (to anything) when a reverse proxy in front of the site sets
/// `X-Forwarded-For`: its first hop is then the client throttled.
pub const TRUST_PROXY_ENV: &str = "HISTOLOGE_TRUST_PROXY";
/// The pending login's cookie (second factor awaited).
pub const PENDING_COOKIE: &str = "histologe_connexion";
/// Where a login goes when it has no (acceptable) `suite`.
pub const HOME: &str = "/bo";

/// A signed-in back-office user. Without a valid session, the request is
/// answered with a 303 to `/connexion?suite=<the page asked for>`.
#[derive(Debug, Clone)]
pub struct Staff(pub histologe_core::Actor);

impl FromRequestParts<WebState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        // The header's middleware already read the session: once per request.
        if let Some(staff) = parts.extensions.get::<Staff>() {
            return Ok(staff.clone());
        }
        let jar = PrivateCookieJar::<Key>::from_headers(&parts.headers, state.cookie_key.clone());
        let Some(token) = jar.get(COOKIE).map(|c| c.value().to_string()) else {
            return Err(to_login(parts));
        };
        match state.app.staff_session(&token).await {
            Ok(Some(actor)) => {
                let staff = Staff(actor);
                parts.extensions.insert(staff.clone());
                Ok(staff)
            }
            Ok(None) => Err(to_login(parts)),
            Err(e) => Err(WebError(e).into_response()),
        }
    }
}

fn to_login(parts: &Parts) -> Response {
    let asked = parts
        .uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    Redirect::to(&format!("/connexion?suite={}", encode(&asked))).into_response()
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after login: `suite` when it is a back-office path of this
/// site (never another site: `//evil.example`, `/\evil`), else [`HOME`].
pub fn safe_suite(suite: Option<&str>) -> &str {
    match suite {
        Some(s)
            if s.starts_with(HOME)
                && matches!(
                    s.as_bytes().get(HOME.len()),
                    None | Some(b'/' | b'?' | b'#')
                )
                && !s.contains('\\')
                && !s.chars().any(char::is_control) =>
        {
            s
        }
        _ => HOME,
    }
}

/// The client whose failures are counted (see the module's doc).
pub(crate) fn client(headers: &HeaderMap) -> String {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|ip| !ip.is_empty())
            .map(str::to_string)
    };
    let forwarded = if std::env::var_os(TRUST_PROXY_ENV).is_some() {
        header("x-forwarded-for")
    } else {
        None
    };
    forwarded
        .or_else(|| header(crate::web::security::CLIENT_ADDR_HEADER))
        .unwrap_or_else(|| "local".to_string())
}

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/connexion", get(login_page).post(login))
        .route("/connexion/code", get(code_page).post(check_code))
        .route("/connexion/code/renvoyer", post(resend_code))
        .route("/deconnexion", post(logout))
        .route("/deconnexion-partout", post(logout_everywhere))
}

#[derive(Template)]
#[template(path = "bo/connexion.html")]
struct LoginPage<'a> {
    platform: &'a str,
    email: &'a str,
    suite: &'a str,
    /// The alert above the form (wrong credentials, too many attempts).
    error: Option<&'a str>,
    /// A missing field's message, next to it.
    email_error: Option<&'a str>,
    password_error: Option<&'a str>,
    /// After a logout.
    info: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    suite: Option<String>,
    deconnexion: Option<String>,
    /// `active` after an activation link was used.
    compte: Option<String>,
    /// `change` after a reset link was used.
    #[serde(rename = "mot-de-passe")]
    mot_de_passe: Option<String>,
    /// `expire` when the pending login of the second factor is over.
    code: Option<String>,
}

async fn login_page(State(state): State<WebState>, Query(q): Query<LoginQuery>) -> Response {
    let info = if q.compte.is_some() {
        Some(
            "Votre compte est activé. Connectez-vous avec votre adresse e-mail et votre nouveau mot de passe.",
        )
    } else if q.mot_de_passe.is_some() {
        Some(
            "Votre nouveau mot de passe est enregistré. Vos autres sessions ont été fermées : connectez-vous.",
        )
    } else if q.code.is_some() {
        Some(
            "Votre demande de connexion a expiré ou n'est plus valide : saisissez à nouveau votre mot de passe pour recevoir un nouveau code.",
        )
    } else {
        q.deconnexion.as_deref().map(|which| match which {
            "partout" => "Vous êtes déconnecté(e) sur tous vos appareils.",
            _ => "Vous êtes déconnecté(e).",
        })
    };
    render(&LoginPage {
        platform: &state.settings.platform_name,
        email: "",
        suite: safe_suite(q.suite.as_deref()),
        error: None,
        email_error: None,
        password_error: None,
        info,
    })
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    suite: String,
}

const BAD_CREDENTIALS: &str =
    "Identifiants incorrects. Vérifiez votre adresse e-mail et votre mot de passe.";
const TOO_MANY: &str =
    "Trop de tentatives de connexion. Pour protéger les comptes, réessayez dans 15 minutes.";

async fn login(
    State(state): State<WebState>,
    jar: PrivateCookieJar,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let suite = safe_suite(Some(&form.suite));
    let email = form.email.trim();
    let page = |status: StatusCode,
                error: Option<&str>,
                email_error: Option<&str>,
                password_error: Option<&str>| {
        (
            status,
            render(&LoginPage {
                platform: &state.settings.platform_name,
                email,
                suite,
                error,
                email_error,
                password_error,
                info: None,
            }),
        )
            .into_response()
    };
    if email.is_empty() || form.password.is_empty() {
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            email
                .is_empty()
                .then_some("Saisissez votre adresse e-mail."),
            form.password
                .is_empty()
                .then_some("Saisissez votre mot de passe."),
        ));
    }
    match state
        .app
        .sign_in(email, &form.password, &client(&headers))
        .await
    {
        Ok(SignIn::Session { token, .. }) => {
            let jar = jar.add(session_cookie(token, state.settings.secure_cookies));
            Ok((jar, Redirect::to(suite)).into_response())
        }
        Ok(SignIn::CodeSent { pending }) => {
            let jar = jar.add(pending_cookie(pending, state.settings.secure_cookies));
            Ok((jar, Redirect::to(&code_url(suite))).into_response())
        }
        Err(AppError::BadCredentials) => Ok(page(
            StatusCode::UNAUTHORIZED,
            Some(BAD_CREDENTIALS),
            None,
            None,
        )),
        Err(AppError::TooManyAttempts) => Ok(page(
            StatusCode::TOO_MANY_REQUESTS,
            Some(TOO_MANY),
            None,
            None,
        )),
        Err(e) => Err(e.into()),
    }
}

fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

fn removal() -> Cookie<'static> {
    Cookie::build(COOKIE).path("/").build()
}

/// Ends this session (whatever state it is in) and forgets the cookie.
async fn logout(
    State(state): State<WebState>,
    jar: PrivateCookieJar,
) -> Result<Response, WebError> {
    if let Some(token) = jar.get(COOKIE) {
        state.app.logout(token.value()).await?;
    }
    Ok((
        jar.remove(removal()),
        Redirect::to("/connexion?deconnexion=ici"),
    )
        .into_response())
}

/// Ends every session of the signed-in user, on every device.
async fn logout_everywhere(
    State(state): State<WebState>,
    Staff(actor): Staff,
    jar: PrivateCookieJar,
) -> Result<Response, WebError> {
    state.app.logout_everywhere(&actor).await?;
    Ok((
        jar.remove(removal()),
        Redirect::to("/connexion?deconnexion=partout"),
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// Second factor: the code e-mailed to super admins.

fn code_url(suite: &str) -> String {
    format!("/connexion/code?suite={}", encode(suite))
}

fn pending_cookie(pending: String, secure: bool) -> Cookie<'static> {
    Cookie::build((PENDING_COOKIE, pending))
        .path("/connexion")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

fn pending_removal() -> Cookie<'static> {
    Cookie::build(PENDING_COOKIE).path("/connexion").build()
}

fn login_again() -> Redirect {
    Redirect::to("/connexion?code=expire")
}

#[derive(Template)]
#[template(path = "bo/connexion_code.html")]
struct CodePage<'a> {
    platform: &'a str,
    suite: &'a str,
    /// Whether the form is shown (not after the last wrong try).
    open: bool,
    code: &'a str,
    info: Option<&'a str>,
    error: Option<&'a str>,
    code_error: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
struct CodeQuery {
    suite: Option<String>,
    renvoye: Option<String>,
}

async fn code_page(
    State(state): State<WebState>,
    jar: PrivateCookieJar,
    Query(q): Query<CodeQuery>,
) -> Result<Response, WebError> {
    let Some(pending) = jar.get(PENDING_COOKIE) else {
        return Ok(login_again().into_response());
    };
    if !state.app.pending_login_is_open(pending.value()).await? {
        return Ok((jar.remove(pending_removal()), login_again()).into_response());
    }
    Ok(render(&CodePage {
        platform: &state.settings.platform_name,
        suite: safe_suite(q.suite.as_deref()),
        open: true,
        code: "",
        info: q
            .renvoye
            .is_some()
            .then_some("Un nouveau code vous a été envoyé ; les précédents ne fonctionnent plus."),
        error: None,
        code_error: None,
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    suite: String,
}

const TOO_MANY_CODES: &str = "Trop de codes erronés. Pour protéger votre compte, la demande de connexion est annulée : reconnectez-vous dans 15 minutes.";

async fn check_code(
    State(state): State<WebState>,
    jar: PrivateCookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let suite = safe_suite(Some(&form.suite));
    let Some(pending) = jar.get(PENDING_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(login_again().into_response());
    };
    let page = |status: StatusCode, open: bool, error: Option<&str>, code_error: Option<&str>| {
        (
            status,
            render(&CodePage {
                platform: &state.settings.platform_name,
                suite,
                open,
                code: form.code.trim(),
                info: None,
                error,
                code_error,
            }),
        )
            .into_response()
    };
    match state.app.verify_login_code(&pending, &form.code).await {
        Ok((token, _actor)) => {
            let jar = jar
                .remove(pending_removal())
                .add(session_cookie(token, state.settings.secure_cookies));
            Ok((jar, Redirect::to(suite)).into_response())
        }
        Err(AppError::Domain(DomainError::Invalid { message, .. })) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            true,
            None,
            Some(&message),
        )),
        Err(AppError::TooManyAttempts) => Ok((
            jar.remove(pending_removal()),
            page(
                StatusCode::TOO_MANY_REQUESTS,
                false,
                Some(TOO_MANY_CODES),
                None,
            ),
        )
            .into_response()),
        Err(AppError::NoLongerValid) => {
            Ok((jar.remove(pending_removal()), login_again()).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct ResendForm {
    #[serde(default)]
    suite: String,
}

async fn resend_code(
    State(state): State<WebState>,
    jar: PrivateCookieJar,
    Form(form): Form<ResendForm>,
) -> Result<Response, WebError> {
    let suite = safe_suite(Some(&form.suite));
    let Some(pending) = jar.get(PENDING_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(login_again().into_response());
    };
    match state.app.resend_login_code(&pending).await {
        Ok(()) => Ok(Redirect::to(&format!("{}&renvoye=1", code_url(suite))).into_response()),
        Err(AppError::TooManyAttempts) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            render(&CodePage {
                platform: &state.settings.platform_name,
                suite,
                open: true,
                code: "",
                info: None,
                error: Some("Trop de codes demandés. Utilisez le dernier code reçu, ou réessayez dans 15 minutes."),
                code_error: None,
            }),
        )
            .into_response()),
        Err(AppError::NoLongerValid) => {
            Ok((jar.remove(pending_removal()), login_again()).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_stays_in_the_back_office() {
        assert_eq!(safe_suite(Some("/bo")), "/bo");
        assert_eq!(
            safe_suite(Some("/bo/signalements?page=2")),
            "/bo/signalements?page=2"
        );
        assert_eq!(safe_suite(Some("/bonjour")), "/bo");
        assert_eq!(safe_suite(Some("//evil.example/bo")), "/bo");
        assert_eq!(safe_suite(Some("https://evil.example/bo")), "/bo");
        assert_eq!(safe_suite(Some("/bo/\\evil")), "/bo");
        assert_eq!(safe_suite(Some("/bo\r\nSet-Cookie: x")), "/bo");
        assert_eq!(safe_suite(None), "/bo");
    }

    #[test]
    fn the_original_path_is_encoded() {
        assert_eq!(encode("/bo/x?a=1&b=é"), "/bo/x%3Fa%3D1%26b%3D%C3%A9");
    }
}
