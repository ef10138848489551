//! `SettingRepository`: platform settings every process reads.

use crate::Backend;

/// A key reads back what was last put, until it is removed; other keys
/// are untouched, and removing an unset key is no error.
pub async fn settings_put_replace_and_remove(backend: &dyn Backend) {
    let stores = backend.fresh().await;
    let repo = &stores.platform_settings;
    assert_eq!(repo.get_setting("maintenance").await.expect("get"), None);
    repo.put_setting("maintenance", "Retour prévu à 14 h.")
        .await
        .expect("put");
    repo.put_setting("other", "x").await.expect("put");
    assert_eq!(
        repo.get_setting("maintenance")
            .await
            .expect("get")
            .as_deref(),
        Some("Retour prévu à 14 h.")
    );
    repo.put_setting("maintenance", "").await.expect("replace");
    assert_eq!(
        repo.get_setting("maintenance")
            .await
            .expect("get")
            .as_deref(),
        Some(""),
        "an empty value is a value"
    );
    repo.remove_setting("maintenance").await.expect("remove");
    assert_eq!(repo.get_setting("maintenance").await.expect("get"), None);
    assert_eq!(
        repo.get_setting("other").await.expect("get").as_deref(),
        Some("x")
    );
    repo.remove_setting("maintenance")
        .await
        .expect("removing twice is fine");
}

/// A long message in any script survives the round trip.
pub async fn settings_keep_long_unicode_values(backend: &dyn Backend) {
    let stores = backend.fresh().await;
    let value = "Opération de maintenance « planifiée » – 数据 🛠 ".repeat(40);
    assert!(value.chars().count() <= histologe_ports::SETTING_VALUE_MAX);
    stores
        .platform_settings
        .put_setting("maintenance", &value)
        .await
        .expect("put");
    assert_eq!(
        stores
            .platform_settings
            .get_setting("maintenance")
            .await
            .expect("get"),
        Some(value)
    );
}
