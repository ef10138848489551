//! Back-office sessions on Redis: one hash per session, expiring with it,
//! and one set per user listing the hashes of his sessions.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use histologe_core::ids::UserId;
use histologe_core::model::StaffSession;
use histologe_ports::{Clock, RepoError, SessionRepository, UserRepository};
use redis::Script;

use crate::connection::{Redis, millis};

/// How long a session stays readable after `expires_at`. The port promises
/// the session "expired or not" and lets the caller compare; this margin
/// keeps that promise for processes whose clocks lag a little, then Redis
/// forgets the session by itself.
pub const SESSION_GRACE: Duration = Duration::from_secs(60);

const USER: &str = "user_id";
const CREATED: &str = "created_at";
const EXPIRES: &str = "expires_at";
const SEEN: &str = "last_seen_at";

/// KEYS: session, user's set. ARGV: id_hash, user, created, expires, seen,
/// ttl (ms), session key prefix. 0 when the id is taken. Members of the set
/// whose session is gone (expired) are removed on the way; the set lives at
/// least as long as its longest session.
static CREATE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'user_id', ARGV[2], 'created_at', ARGV[3],
  'expires_at', ARGV[4], 'last_seen_at', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
for _, member in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[7] .. member) == 0 then
    redis.call('SREM', KEYS[2], member)
  end
end
redis.call('SADD', KEYS[2], ARGV[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[6]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
return 1
",
    )
});

/// KEYS: session. ARGV: seen, expires, ttl (ms), user set prefix. Nothing
/// when the session is gone (a touch never brings one back).
static TOUCH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local user = redis.call('HGET', KEYS[1], 'user_id')
if not user then return 0 end
redis.call('HSET', KEYS[1], 'last_seen_at', ARGV[1], 'expires_at', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local set = ARGV[4] .. user
if redis.call('PTTL', set) < tonumber(ARGV[3]) then
  redis.call('PEXPIRE', set, ARGV[3])
end
return 1
",
    )
});

/// KEYS: session. ARGV: id_hash, user set prefix.
static DELETE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local user = redis.call('HGET', KEYS[1], 'user_id')
redis.call('DEL', KEYS[1])
if user then redis.call('SREM', ARGV[2] .. user, ARGV[1]) end
return 1
",
    )
});

/// KEYS: user's set. ARGV: user, session key prefix. Counts the sessions
/// that still exist and belong to the user (the set may hold expired ones).
static DELETE_FOR_USER: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local n = 0
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[2] .. member
  if redis.call('HGET', key, 'user_id') == ARGV[1] then
    redis.call('DEL', key)
    n = n + 1
  end
end
redis.call('DEL', KEYS[1])
return n
",
    )
});

/// `SessionRepository` on Redis. The clock turns `expires_at` into a TTL
/// (the application's clock, so that tests with a fixed clock work); the
/// user repository refuses sessions of unknown accounts, as the database's
/// foreign key does.
pub struct RedisSessions {
    redis: Redis,
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for RedisSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSessions")
            .field("redis", &self.redis)
            .finish_non_exhaustive()
    }
}

fn unavailable(message: String) -> RepoError {
    RepoError::Unavailable(message)
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl RedisSessions {
    pub fn new(redis: Redis, users: Arc<dyn UserRepository>, clock: Arc<dyn Clock>) -> Self {
        RedisSessions {
            redis,
            users,
            clock,
        }
    }

    fn session_key(&self, id_hash: &str) -> String {
        self.redis.key("session", id_hash)
    }

    fn session_prefix(&self) -> String {
        self.redis.key("session", "")
    }

    fn user_key(&self, user: UserId) -> String {
        self.redis.key("user-sessions", &user.0.to_string())
    }

    fn user_prefix(&self) -> String {
        self.redis.key("user-sessions", "")
    }

    /// Until `expires_at` plus [`SESSION_GRACE`], in milliseconds.
    fn ttl(&self, expires_at: DateTime<Utc>) -> u64 {
        let left = (expires_at - self.clock.now()).to_std().unwrap_or_default();
        millis(left.saturating_add(SESSION_GRACE))
    }
}

/// A session read back from its hash; an error names the broken field.
fn parse(id_hash: &str, fields: &HashMap<String, String>) -> Result<StaffSession, RepoError> {
    let field = |name: &str| {
        fields
            .get(name)
            .ok_or_else(|| RepoError::Unavailable(format!("session {id_hash} in Redis: no {name}")))
    };
    let time = |name: &str| -> Result<DateTime<Utc>, RepoError> {
        DateTime::parse_from_rfc3339(field(name)?)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| RepoError::Unavailable(format!("session {id_hash} in Redis: {name}: {e}")))
    };
    let user_id = uuid::Uuid::parse_str(field(USER)?)
        .map_err(|e| RepoError::Unavailable(format!("session {id_hash} in Redis: {USER}: {e}")))?;
    Ok(StaffSession {
        id_hash: id_hash.to_string(),
        user_id: UserId(user_id),
        created_at: time(CREATED)?,
        expires_at: time(EXPIRES)?,
        last_seen_at: time(SEEN)?,
    })
}

#[async_trait]
impl SessionRepository for RedisSessions {
    async fn create(&self, session: &StaffSession) -> Result<(), RepoError> {
        if self.users.get(session.user_id).await?.is_none() {
            return Err(RepoError::NotFound(format!("user {}", session.user_id.0)));
        }
        let keys = (
            self.session_key(&session.id_hash),
            self.user_key(session.user_id),
        );
        let args = [
            session.id_hash.clone(),
            session.user_id.0.to_string(),
            timestamp(session.created_at),
            timestamp(session.expires_at),
            timestamp(session.last_seen_at),
            self.ttl(session.expires_at).to_string(),
            self.session_prefix(),
        ];
        let created = self
            .redis
            .run(|mut conn| async move {
                let mut call = CREATE.prepare_invoke();
                call.key(&keys.0).key(&keys.1).arg(&args[..]);
                call.invoke_async::<u64>(&mut conn).await
            })
            .await
            .map_err(unavailable)?;
        if created == 0 {
            return Err(RepoError::Duplicate(format!("session {}", session.id_hash)));
        }
        Ok(())
    }

    async fn get(&self, id_hash: &str) -> Result<Option<StaffSession>, RepoError> {
        let key = self.session_key(id_hash);
        let fields = self
            .redis
            .run(|mut conn| async move {
                redis::cmd("HGETALL")
                    .arg(&key)
                    .query_async::<HashMap<String, String>>(&mut conn)
                    .await
            })
            .await
            .map_err(unavailable)?;
        if fields.is_empty() {
            return Ok(None);
        }
        parse(id_hash, &fields).map(Some)
    }

    async fn touch(
        &self,
        id_hash: &str,
        last_seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let key = self.session_key(id_hash);
        let args = [
            timestamp(last_seen_at),
            timestamp(expires_at),
            self.ttl(expires_at).to_string(),
            self.user_prefix(),
        ];
        self.redis
            .run(|mut conn| async move {
                let mut call = TOUCH.prepare_invoke();
                call.key(&key).arg(&args[..]);
                call.invoke_async::<u64>(&mut conn).await
            })
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn delete(&self, id_hash: &str) -> Result<(), RepoError> {
        let key = self.session_key(id_hash);
        let args = [id_hash.to_string(), self.user_prefix()];
        self.redis
            .run(|mut conn| async move {
                let mut call = DELETE.prepare_invoke();
                call.key(&key).arg(&args[..]);
                call.invoke_async::<u64>(&mut conn).await
            })
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn delete_for_user(&self, user: UserId) -> Result<u64, RepoError> {
        let key = self.user_key(user);
        let args = [user.0.to_string(), self.session_prefix()];
        self.redis
            .run(|mut conn| async move {
                let mut call = DELETE_FOR_USER.prepare_invoke();
                call.key(&key).arg(&args[..]);
                call.invoke_async::<u64>(&mut conn).await
            })
            .await
            .map_err(unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn timestamps_round_trip_to_the_nanosecond() {
        let at = DateTime::from_timestamp(1_741_771_800, 123_456_789).expect("a valid instant");
        let read = DateTime::parse_from_rfc3339(&timestamp(at)).map(|t| t.with_timezone(&Utc));
        assert_eq!(read, Ok(at));
    }

    #[test]
    fn a_damaged_session_is_an_error_naming_the_field() {
        let user = "0195a1b2-0000-7000-8000-000000000001";
        let good = [
            (USER, user),
            (CREATED, "2025-03-12T09:30:00Z"),
            (EXPIRES, "2025-03-12T17:30:00Z"),
            (SEEN, "2025-03-12T09:30:00Z"),
        ];
        assert!(parse("ab", &fields(&good)).is_ok());
        let mut bad = good;
        bad[2] = (EXPIRES, "demain");
        let e = parse("ab", &fields(&bad)).expect_err("unreadable expiry");
        assert!(
            matches!(&e, RepoError::Unavailable(m) if m.contains(EXPIRES)),
            "{e:?}"
        );
        let e = parse("ab", &fields(&good[1..])).expect_err("no user");
        assert!(
            matches!(&e, RepoError::Unavailable(m) if m.contains(USER)),
            "{e:?}"
        );
    }
}
