//! Platform settings in memory.

use async_trait::async_trait;
use histologe_ports::{RepoError, SettingRepository};

use crate::store::MemoryStore;

#[async_trait]
impl SettingRepository for MemoryStore {
    async fn get_setting(&self, key: &str) -> Result<Option<String>, RepoError> {
        Ok(self.shared.state().await?.settings.get(key).cloned())
    }

    async fn put_setting(&self, key: &str, value: &str) -> Result<(), RepoError> {
        let mut state = self.shared.state().await?;
        state.settings.insert(key.to_string(), value.to_string());
        Ok(())
    }

    async fn remove_setting(&self, key: &str) -> Result<(), RepoError> {
        self.shared.state().await?.settings.remove(key);
        Ok(())
    }
}
