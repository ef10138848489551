//! Platform settings shared by every web process (the maintenance mode):
//! a small key/value table, read often and written by hand.

use async_trait::async_trait;

use crate::error::RepoError;

/// Longest value a setting holds (a maintenance message is a few lines).
pub const SETTING_VALUE_MAX: usize = 2000;

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait SettingRepository: Send + Sync {
    /// The value of `key`, `None` when it is not set.
    async fn get_setting(&self, key: &str) -> Result<Option<String>, RepoError>;
    /// Sets `key` to `value`, replacing what it held.
    async fn put_setting(&self, key: &str, value: &str) -> Result<(), RepoError>;
    /// Unsets `key`; unsetting a key that is not set is not an error.
    async fn remove_setting(&self, key: &str) -> Result<(), RepoError>;
}
