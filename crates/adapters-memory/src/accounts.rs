//! Password hashes and staff sessions in memory, and a fake hasher.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::UserId;
use histologe_core::model::StaffSession;
use histologe_ports::{
    CredentialRepository, PasswordHashError, PasswordHasher, RepoError, SessionRepository,
};

use crate::store::MemoryStore;

#[async_trait]
impl CredentialRepository for MemoryStore {
    async fn password_hash(&self, user: UserId) -> Result<Option<String>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.credentials.get(&user).map(|(hash, _)| hash.clone()))
    }

    async fn set_password_hash(
        &self,
        user: UserId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.users.contains_key(&user) {
            return Err(RepoError::NotFound(format!("user {user}")));
        }
        state.credentials.insert(user, (hash.to_string(), now));
        Ok(())
    }
}

#[async_trait]
impl SessionRepository for MemoryStore {
    async fn create(&self, session: &StaffSession) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.users.contains_key(&session.user_id) {
            return Err(RepoError::NotFound(format!("user {}", session.user_id)));
        }
        if state.sessions.contains_key(&session.id_hash) {
            return Err(RepoError::Duplicate("session".into()));
        }
        state
            .sessions
            .insert(session.id_hash.clone(), session.clone());
        Ok(())
    }

    async fn get(&self, id_hash: &str) -> Result<Option<StaffSession>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state.sessions.get(id_hash).cloned())
    }

    async fn touch(
        &self,
        id_hash: &str,
        last_seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if let Some(session) = state.sessions.get_mut(id_hash) {
            session.last_seen_at = last_seen_at;
            session.expires_at = expires_at;
        }
        Ok(())
    }

    async fn delete(&self, id_hash: &str) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        state.sessions.remove(id_hash);
        Ok(())
    }

    async fn delete_for_user(&self, user: UserId) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let before = state.sessions.len();
        state.sessions.retain(|_, s| s.user_id != user);
        Ok((before - state.sessions.len()) as u64)
    }

    async fn purge_expired(&self, now: DateTime<Utc>, limit: u32) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let mut expired: Vec<(DateTime<Utc>, String)> = state
            .sessions
            .values()
            .filter(|s| s.is_expired(now))
            .map(|s| (s.expires_at, s.id_hash.clone()))
            .collect();
        expired.sort();
        expired.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        for (_, id) in &expired {
            state.sessions.remove(id);
        }
        Ok(expired.len() as u64)
    }
}

/// A password "hasher" for tests and demos in memory: instant, and NOT a
/// hash (the password is readable in it). Production wires
/// `histologe-adapters-argon2`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FakePasswordHasher;

const FAKE_PREFIX: &str = "$fake$";

impl PasswordHasher for FakePasswordHasher {
    fn hash(&self, password: &str) -> Result<String, PasswordHashError> {
        let hex: String = password.bytes().map(|b| format!("{b:02x}")).collect();
        Ok(format!("{FAKE_PREFIX}{hex}"))
    }

    fn verify(&self, password: &str, hash: &str) -> bool {
        hash.starts_with(FAKE_PREFIX) && self.hash(password).is_ok_and(|h| h == hash)
    }
}
