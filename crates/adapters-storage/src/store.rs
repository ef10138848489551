//! [`ObjectFileStore`]: the `FileStore` port over any `ObjectStore`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use histologe_ports::{FileStore, FileStoreError};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload, RetryConfig,
};

use crate::config::{ConfigError, S3Settings, StorageConfig};
use crate::errors::map_error;
use crate::keys::validate_key;

/// Documents and photos in a local directory, in memory or in an
/// S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct ObjectFileStore {
    inner: Arc<dyn ObjectStore>,
    /// The local directory does not keep attributes; S3 and memory keep
    /// the content type (useful to whoever inspects the bucket).
    keeps_content_type: bool,
}

impl ObjectFileStore {
    /// Files under `dir`, created if missing. Writes go to a temporary
    /// file renamed into place, so a crash never leaves half a file.
    ///
    /// # Errors
    /// The directory cannot be created or opened.
    pub fn local(dir: impl AsRef<std::path::Path>) -> Result<Self, ConfigError> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)
            .map_err(|e| ConfigError::Open(format!("{}: {e}", dir.display())))?;
        let fs = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| ConfigError::Open(format!("{}: {e}", dir.display())))?;
        Ok(Self {
            inner: Arc::new(fs),
            keeps_content_type: false,
        })
    }

    /// Files in RAM, lost at exit (tests, demos).
    pub fn memory() -> Self {
        Self {
            inner: Arc::new(InMemory::new()),
            keeps_content_type: true,
        }
    }

    /// An S3-compatible bucket, path-style (what OVH, MinIO and moto
    /// expect). Requests fail fast — a few retries within ten seconds —
    /// because an upload waits on them: "retry later" beats a hung form.
    ///
    /// # Errors
    /// Settings object_store rejects (a malformed endpoint).
    pub fn s3(settings: &S3Settings) -> Result<Self, ConfigError> {
        // object_store's HTTP client is built on rustls without a bundled
        // provider: install ring once per process (an `Err` means one is
        // installed already, which is as good).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_region(&settings.region)
            .with_bucket_name(&settings.bucket)
            .with_access_key_id(&settings.access_key)
            .with_secret_access_key(&settings.secret_key)
            .with_virtual_hosted_style_request(false)
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(settings.allow_http)
                    .with_connect_timeout(Duration::from_secs(3))
                    .with_timeout(Duration::from_secs(60)),
            )
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(2),
                    base: 2.0,
                },
                max_retries: 2,
                retry_timeout: Duration::from_secs(10),
            });
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let s3 = builder
            .build()
            .map_err(|e| ConfigError::Open(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(s3),
            keeps_content_type: true,
        })
    }

    /// The backend `STORAGE_URL` and its companions name (see
    /// [`StorageConfig`]).
    ///
    /// # Errors
    /// A variable is malformed or missing, or the backend cannot be opened.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_config(&StorageConfig::from_env()?)
    }

    /// # Errors
    /// The backend cannot be opened.
    pub fn from_config(config: &StorageConfig) -> Result<Self, ConfigError> {
        match config {
            StorageConfig::Local(dir) => Self::local(dir),
            StorageConfig::Memory => Ok(Self::memory()),
            StorageConfig::S3(settings) => Self::s3(settings),
        }
    }
}

fn path(key: &str) -> Result<Path, FileStoreError> {
    validate_key(key)?;
    Path::parse(key).map_err(|e| FileStoreError::NotFound(format!("invalid key {key:?}: {e}")))
}

#[async_trait]
impl FileStore for ObjectFileStore {
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), FileStoreError> {
        let location = path(key)?;
        let mut attributes = Attributes::new();
        if self.keeps_content_type {
            attributes.insert(Attribute::ContentType, content_type.to_string().into());
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.inner
            .put_opts(&location, PutPayload::from(bytes), options)
            .await
            .map(|_| ())
            .map_err(|e| map_error(key, e))
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, FileStoreError> {
        let location = path(key)?;
        let result = self
            .inner
            .get(&location)
            .await
            .map_err(|e| map_error(key, e))?;
        let bytes = result.bytes().await.map_err(|e| map_error(key, e))?;
        Ok(bytes.to_vec())
    }

    async fn delete(&self, key: &str) -> Result<(), FileStoreError> {
        let location = path(key)?;
        match self.inner.delete(&location).await {
            Ok(()) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(map_error(key, e)),
        }
    }
}
