//! Object storage in a map, with switches to simulate a full or an
//! unreachable backend.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use histologe_ports::{FileStore, FileStoreError};

use crate::sync::{Switch, lock};

#[derive(Debug, Clone, PartialEq, Eq)]
struct StoredObject {
    bytes: Vec<u8>,
    content_type: String,
}

/// A `FileStore` keeping every object in RAM.
#[derive(Debug, Default)]
pub struct MemoryFileStore {
    objects: Mutex<HashMap<String, StoredObject>>,
    unavailable: Switch,
    full: Switch,
}

impl MemoryFileStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// While on, every call fails with `Unavailable` (storage down).
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.set(unavailable);
    }

    /// While on, `put` fails with `Full` (quota reached); reads still work.
    pub fn set_full(&self, full: bool) {
        self.full.set(full);
    }

    /// The content type given at `put`, for assertions.
    pub fn content_type(&self, key: &str) -> Option<String> {
        lock(&self.objects)
            .get(key)
            .map(|object| object.content_type.clone())
    }

    /// Every stored key, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = lock(&self.objects).keys().cloned().collect();
        keys.sort();
        keys
    }

    fn check_available(&self) -> Result<(), FileStoreError> {
        if self.unavailable.is_on() {
            Err(FileStoreError::Unavailable(
                "memory file store switched off".into(),
            ))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl FileStore for MemoryFileStore {
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), FileStoreError> {
        self.check_available()?;
        if self.full.is_on() {
            return Err(FileStoreError::Full);
        }
        lock(&self.objects).insert(
            key.to_string(),
            StoredObject {
                bytes,
                content_type: content_type.to_string(),
            },
        );
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, FileStoreError> {
        self.check_available()?;
        lock(&self.objects)
            .get(key)
            .map(|object| object.bytes.clone())
            .ok_or_else(|| FileStoreError::NotFound(key.to_string()))
    }

    async fn delete(&self, key: &str) -> Result<(), FileStoreError> {
        self.check_available()?;
        lock(&self.objects).remove(key);
        Ok(())
    }
}
