//! Undeliverable addresses in memory.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{
    DeliveryEvent, DeliveryIssue, DeliveryIssueRepository, RepoError, UndeliverableAccount,
    delivery_key, undeliverable_among,
};

use crate::store::MemoryStore;

#[async_trait]
impl DeliveryIssueRepository for MemoryStore {
    async fn apply_delivery_event(
        &self,
        event: &DeliveryEvent,
        received_at: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let mut state = self.shared.state().await?;
        if let Some(key) = &event.key {
            if state.delivery_events.contains_key(key) {
                return Ok(false);
            }
            state.delivery_events.insert(key.clone(), received_at);
        }
        let email = delivery_key(&event.email);
        let later_known = state
            .delivery_issues
            .get(&email)
            .is_some_and(|known| known.occurred_at > event.occurred_at);
        if event.failure {
            if !later_known {
                state.delivery_issues.insert(
                    email.clone(),
                    DeliveryIssue {
                        email,
                        event: event.event.clone(),
                        reason: event.reason.clone(),
                        occurred_at: event.occurred_at,
                    },
                );
            }
        } else if !later_known {
            state.delivery_issues.remove(&email);
        }
        Ok(true)
    }

    async fn delivery_issues(&self, emails: &[String]) -> Result<Vec<DeliveryIssue>, RepoError> {
        let state = self.shared.state().await?;
        Ok(emails
            .iter()
            .filter_map(|e| state.delivery_issues.get(&delivery_key(e)).cloned())
            .collect())
    }

    async fn undeliverable_accounts(
        &self,
        territories: Option<Vec<TerritoryCode>>,
    ) -> Result<Vec<UndeliverableAccount>, RepoError> {
        let state = self.shared.state().await?;
        Ok(undeliverable_among(
            &state.delivery_issues,
            state.users.values(),
            state.partners.values(),
            territories.as_deref(),
        ))
    }

    async fn purge_delivery_events(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        let mut state = self.shared.state().await?;
        let old: Vec<String> = state
            .delivery_events
            .iter()
            .filter(|(_, at)| **at < before)
            .map(|(key, _)| key.clone())
            .take(limit as usize)
            .collect();
        for key in &old {
            state.delivery_events.remove(key);
        }
        Ok(old.len() as u64)
    }
}
