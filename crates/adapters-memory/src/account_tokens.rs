//! Account tokens (activation, reset, login codes) in memory.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::ids::UserId;
use histologe_ports::{AccountToken, AccountTokenKind, AccountTokenRepository, RepoError};

use crate::store::MemoryStore;

fn works(t: &AccountToken, kind: AccountTokenKind, now: DateTime<Utc>) -> bool {
    t.kind == kind && t.used_at.is_none() && now < t.expires_at
}

#[async_trait]
impl AccountTokenRepository for MemoryStore {
    async fn create_token(&self, token: &AccountToken) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        if !state.users.contains_key(&token.user_id) {
            return Err(RepoError::NotFound(format!("user {}", token.user_id)));
        }
        if state.account_tokens.contains_key(&token.token_hash) {
            return Err(RepoError::Duplicate("account token".into()));
        }
        state
            .account_tokens
            .insert(token.token_hash.clone(), token.clone());
        Ok(())
    }

    async fn valid_token(
        &self,
        token_hash: &str,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, RepoError> {
        let state = self.shared.state().await?;
        Ok(state
            .account_tokens
            .get(token_hash)
            .filter(|t| works(t, kind, now))
            .map(|t| t.user_id))
    }

    async fn consume_token(
        &self,
        token_hash: &str,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, RepoError> {
        // One lock for the check and the mark: two callers cannot both win.
        let mut state = self.shared.state().await?;
        match state.account_tokens.get_mut(token_hash) {
            Some(t) if works(t, kind, now) => {
                t.used_at = Some(now);
                Ok(Some(t.user_id))
            }
            _ => Ok(None),
        }
    }

    async fn purge_tokens(&self, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let before = state.account_tokens.len();
        state
            .account_tokens
            .retain(|_, t| t.used_at.is_none() && now < t.expires_at);
        Ok((before - state.account_tokens.len()) as u64)
    }

    async fn revoke_tokens(
        &self,
        user: UserId,
        kind: AccountTokenKind,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let mut revoked = 0;
        for t in state.account_tokens.values_mut() {
            if t.user_id == user && t.kind == kind && t.used_at.is_none() {
                t.used_at = Some(now);
                revoked += 1;
            }
        }
        Ok(revoked)
    }
}
