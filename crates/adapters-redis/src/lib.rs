//! Redis for what every web process must see alike when there are several
//! of them: the `SharedState` port (rate-limit counters, short locks) and
//! back-office sessions (`SessionRepository`). Enabled by `REDIS_URL`;
//! without it the database keeps sessions and the process keeps counters
//! (docs/decisions/0023-redis-sessions-and-shared-state.md).
//!
//! Every key starts with a prefix (`histologe:` by default) so that one
//! Redis can serve several deployments, and tests can isolate themselves:
//!
//! - `<prefix>counter:<key>`: a rate-limit counter (integer, expires at
//!   the end of its window);
//! - `<prefix>lock:<key>`: a lock (the owner's random token, expires with
//!   the lock);
//! - `<prefix>session:<id_hash>`: a session (hash: `user_id`, `created_at`,
//!   `expires_at`, `last_seen_at`), expiring shortly after `expires_at`;
//! - `<prefix>user-sessions:<user_id>`: the `id_hash` of the user's
//!   sessions (set), so that "log out everywhere" finds them.
//!
//! Multi-key updates run as Lua scripts, atomic on a standalone Redis (the
//! scripts build key names from the prefix, so Redis Cluster is not
//! supported). A Redis that is down or silent gives an error within
//! [`OPERATION_DEADLINE`], never a hang nor a panic.

mod connection;
mod sessions;
mod shared_state;

pub use connection::{
    CONNECTION_TIMEOUT, DEFAULT_PREFIX, InvalidRedisUrl, OPERATION_DEADLINE, RESPONSE_TIMEOUT,
    Redis,
};
pub use sessions::{RedisSessions, SESSION_GRACE};
pub use shared_state::RedisSharedState;
