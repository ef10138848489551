//! `FileStore`: the bytes of documents and photos, whatever holds them
//! (memory, a local directory, an S3-compatible bucket). Run by
//! [`crate::file_store_contract_suite!`] against a [`FileStoreBackend`].
//!
//! Every contract starts from [`FileStoreBackend::fresh`] (an empty store
//! of its own) and uses keys shaped like the application's
//! (`signalements/<id>/<uuid>.<ext>`).

use std::sync::Arc;

use async_trait::async_trait;
use histologe_ports::{FileStore, FileStoreError};

/// An object storage under test: it hands out empty stores.
#[async_trait]
pub trait FileStoreBackend: Send + Sync {
    /// A new, empty store, shared with no other contract (contracts run in
    /// parallel): a new map, a new directory, a new bucket.
    async fn fresh(&self) -> Arc<dyn FileStore>;

    /// Whether the backend can run here. An unreachable server says so
    /// loudly and returns `false` outside CI; in CI it must fail instead.
    async fn available(&self) -> bool {
        true
    }
}

fn key(name: &str) -> String {
    format!("signalements/{}/{name}", uuid::Uuid::new_v4())
}

/// Every byte value, so that no layer treats the content as text.
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// What is put is got back byte for byte, empty files included.
pub async fn file_store_put_then_get_round_trips(backend: &dyn FileStoreBackend) {
    let store = backend.fresh().await;
    let photo = key("photo.jpg");
    let bytes = binary(70_001);
    store
        .put(&photo, bytes.clone(), "image/jpeg")
        .await
        .expect("put a photo");
    assert_eq!(
        store.get(&photo).await,
        Ok(bytes),
        "get returns what put stored"
    );

    let empty = key("vide.txt");
    store
        .put(&empty, Vec::new(), "text/plain")
        .await
        .expect("put an empty file");
    assert_eq!(
        store.get(&empty).await,
        Ok(Vec::new()),
        "an empty file stays empty"
    );
}

/// A second put under the same key replaces the object entirely.
pub async fn file_store_put_replaces(backend: &dyn FileStoreBackend) {
    let store = backend.fresh().await;
    let k = key("rapport.pdf");
    store
        .put(&k, binary(5_000), "application/pdf")
        .await
        .expect("first put");
    store
        .put(&k, b"%PDF-1.7 shorter".to_vec(), "application/pdf")
        .await
        .expect("second put");
    assert_eq!(
        store.get(&k).await,
        Ok(b"%PDF-1.7 shorter".to_vec()),
        "the second put replaces the first, with nothing of it left over"
    );
}

/// A key never put is `NotFound`, not `Unavailable` (which would make the
/// caller retry for ever).
pub async fn file_store_missing_key_is_not_found(backend: &dyn FileStoreBackend) {
    let store = backend.fresh().await;
    let missing = key("absent.pdf");
    assert!(
        matches!(store.get(&missing).await, Err(FileStoreError::NotFound(_))),
        "a missing key answers NotFound"
    );
}

/// Delete removes that key and no other; deleting again, or deleting a
/// key never put, succeeds.
pub async fn file_store_delete_is_idempotent_and_precise(backend: &dyn FileStoreBackend) {
    let store = backend.fresh().await;
    let original = key("photo.jpg");
    let thumb = format!("{original}.thumb.jpg");
    store
        .put(&original, binary(100), "image/jpeg")
        .await
        .expect("put original");
    store
        .put(&thumb, binary(10), "image/jpeg")
        .await
        .expect("put thumbnail");

    store.delete(&original).await.expect("delete");
    assert!(
        matches!(store.get(&original).await, Err(FileStoreError::NotFound(_))),
        "a deleted key is gone"
    );
    assert_eq!(
        store.get(&thumb).await,
        Ok(binary(10)),
        "deleting a key leaves a key it prefixes alone"
    );
    store
        .delete(&original)
        .await
        .expect("deleting twice succeeds");
    store
        .delete(&key("jamais.pdf"))
        .await
        .expect("deleting a key never put succeeds");
}

/// Keys that would escape the store (absolute, `..`, empty segments) are
/// refused before anything is written, and never read outside it.
pub async fn file_store_escaping_keys_are_refused(backend: &dyn FileStoreBackend) {
    let store = backend.fresh().await;
    for bad in ["../evade.txt", "/etc/passwd", "a/../../b", "a//b", ""] {
        assert!(
            store.put(bad, b"x".to_vec(), "text/plain").await.is_err(),
            "put accepted the key {bad:?}"
        );
        assert!(
            matches!(store.get(bad).await, Err(FileStoreError::NotFound(_))),
            "get of the key {bad:?} must answer NotFound"
        );
    }
}

/// A file above the upload limit of 10 MB (an export, a zip) is stored
/// whole: the store itself puts no size limit.
pub async fn file_store_large_object_round_trips(backend: &dyn FileStoreBackend) {
    let store = backend.fresh().await;
    let k = key("export.zip");
    let bytes = binary(11 * 1024 * 1024 + 7);
    store
        .put(&k, bytes.clone(), "application/zip")
        .await
        .expect("put 11 MB");
    let back = store.get(&k).await.expect("get 11 MB");
    assert_eq!(back.len(), bytes.len(), "the size is kept");
    assert!(back == bytes, "every byte is kept");
}

/// Puts of different keys at the same time all land.
pub async fn file_store_concurrent_puts_all_land(backend: &dyn FileStoreBackend) {
    let store = backend.fresh().await;
    let prefix = key("lot");
    let mut tasks = Vec::new();
    for i in 0..8u8 {
        let store = store.clone();
        let k = format!("{prefix}/{i}.png");
        tasks.push(tokio::spawn(async move {
            store
                .put(&k, vec![i; 1000 + usize::from(i)], "image/png")
                .await
                .map(|()| k)
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        let k = task.await.expect("task").expect("concurrent put");
        let expected = vec![i as u8; 1000 + i];
        assert_eq!(store.get(&k).await, Ok(expected), "{k} holds its own bytes");
    }
}

#[cfg(test)]
mod tests {
    /// A contract left out of `file_store_contract_suite!` would never run.
    #[test]
    fn every_file_store_contract_is_in_the_suite() {
        let lib = include_str!("lib.rs");
        let start = lib
            .find("$backend; file_store;\n")
            .expect("file_store_contract_suite! lists its contracts");
        let list = &lib[start..];
        let list = &list[..list.find('}').expect("the list ends with a brace")];
        for line in include_str!("file_store.rs").lines() {
            if let Some(rest) = line.strip_prefix("pub async fn ") {
                let name = rest.split('(').next().expect("a function name");
                assert!(
                    list.contains(&format!("{name},")),
                    "contract {name} is missing from file_store_contract_suite!"
                );
            }
        }
    }
}
