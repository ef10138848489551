//! Platform settings (`settings`, migration 8).

use crate::codec::{repo_error, text};
use crate::store::{Engine, SqlStore};
use async_trait::async_trait;
use histologe_ports::{RepoError, SettingRepository};

#[async_trait]
impl SettingRepository for SqlStore {
    async fn get_setting(&self, key: &str) -> Result<Option<String>, RepoError> {
        let row = sqlx::query("SELECT setting_value FROM settings WHERE setting_key = ?")
            .bind(key.to_string())
            .fetch_optional(&self.read)
            .await
            .map_err(repo_error("setting"))?;
        row.map(|r| text(&r, "setting_value").map_err(repo_error("setting")))
            .transpose()
    }

    async fn put_setting(&self, key: &str, value: &str) -> Result<(), RepoError> {
        let upsert = match self.engine {
            Engine::MySql => "ON DUPLICATE KEY UPDATE setting_value = VALUES(setting_value)",
            Engine::Sqlite => {
                "ON CONFLICT (setting_key) DO UPDATE SET setting_value = excluded.setting_value"
            }
        };
        sqlx::query(&format!(
            "INSERT INTO settings (setting_key, setting_value) VALUES (?, ?) {upsert}"
        ))
        .bind(key.to_string())
        .bind(value.to_string())
        .execute(&self.write)
        .await
        .map_err(repo_error("setting"))?;
        Ok(())
    }

    async fn remove_setting(&self, key: &str) -> Result<(), RepoError> {
        sqlx::query("DELETE FROM settings WHERE setting_key = ?")
            .bind(key.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("setting"))?;
        Ok(())
    }
}
