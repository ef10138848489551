//! The usager's access to one dossier after the identity check: a cookie
//! signed and encrypted with the site key (so every web process reads it
//! without a shared store), valid for a few hours, scoped to the tracking
//! pages, HttpOnly and SameSite=Lax.

use axum_extra::extract::PrivateCookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::{DateTime, Duration, Utc};
use histologe_core::Actor;
use histologe_core::actor::UsagerSession;
use histologe_core::enums::UsagerSide;
use histologe_core::ids::SignalementId;
use serde::{Deserialize, Serialize};

const COOKIE: &str = "histologe_suivi";
/// Long enough to read and answer, short enough for a shared computer.
const LIFETIME_HOURS: i64 = 4;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    code: String,
    signalement: SignalementId,
    side: String,
    expires: DateTime<Utc>,
}

/// The session for the tracking code `code`, if the cookie holds one that
/// has not expired.
pub fn actor_for(jar: &PrivateCookieJar, code: &str, now: DateTime<Utc>) -> Option<Actor> {
    let stored: Stored = serde_json::from_str(jar.get(COOKIE)?.value()).ok()?;
    if stored.code != code || stored.expires <= now {
        return None;
    }
    Some(Actor::Usager(UsagerSession {
        signalement_id: stored.signalement,
        side: UsagerSide::parse(&stored.side)?,
    }))
}

/// Opens the session of `actor` (an usager) on the dossier `code`.
pub fn open(
    jar: PrivateCookieJar,
    code: &str,
    session: &UsagerSession,
    now: DateTime<Utc>,
    secure: bool,
) -> PrivateCookieJar {
    let stored = Stored {
        code: code.to_string(),
        signalement: session.signalement_id,
        side: session.side.as_str().to_string(),
        expires: now + Duration::hours(LIFETIME_HOURS),
    };
    let value = serde_json::to_string(&stored).unwrap_or_default();
    jar.add(
        Cookie::build((COOKIE, value))
            .path("/suivre-mon-signalement")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .build(),
    )
}

pub fn close(jar: PrivateCookieJar) -> PrivateCookieJar {
    jar.remove(Cookie::build(COOKIE).path("/suivre-mon-signalement"))
}
