//! Where the files go, read from the environment:
//!
//! | variable | meaning |
//! | --- | --- |
//! | `STORAGE_URL` | `file://./var/files` (default), `memory://`, or `s3://<bucket>` |
//! | `STORAGE_ENDPOINT` | S3 only: e.g. `https://s3.gra.io.cloud.ovh.net` (AWS when unset) |
//! | `STORAGE_REGION` | S3 only, required: e.g. `gra` |
//! | `STORAGE_ACCESS_KEY`, `STORAGE_SECRET_KEY` | S3 only, required |
//!
//! Each error names the variable, in French then English, because the
//! person reading it is an operator starting the binary.

use std::path::PathBuf;

use thiserror::Error;

/// The default of the embedded deployment: a directory next to the database.
pub const DEFAULT_STORAGE_URL: &str = "file://./var/files";

/// An S3-compatible bucket (OVH Object Storage, MinIO, AWS, moto in tests).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// `None` for AWS itself; the server's URL otherwise.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
    /// Plain HTTP: test servers only (moto on 127.0.0.1).
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    /// Never prints the keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("allow_http", &self.allow_http)
            .finish_non_exhaustive()
    }
}

/// Which backend `STORAGE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageConfig {
    Local(PathBuf),
    Memory,
    S3(S3Settings),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error(
        "{variable} : valeur invalide « {value} » ({expected}) / invalid value {value:?} ({expected})"
    )]
    Invalid {
        variable: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(
        "{variable} manquante (requise pour {reason}) / {variable} is missing (required for {reason})"
    )]
    Missing {
        variable: &'static str,
        reason: &'static str,
    },
    #[error("stockage inaccessible : {0} / storage cannot be opened: {0}")]
    Open(String),
}

impl StorageConfig {
    /// Reads the process environment.
    ///
    /// # Errors
    /// A malformed `STORAGE_URL`, or an S3 variable missing.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads variables through `var` (tests pass a map).
    ///
    /// # Errors
    /// As [`StorageConfig::from_env`].
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            var(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let url = get("STORAGE_URL").unwrap_or_else(|| DEFAULT_STORAGE_URL.to_string());
        if let Some(path) = url.strip_prefix("file://") {
            if path.is_empty() {
                return Err(invalid_url(&url));
            }
            return Ok(StorageConfig::Local(PathBuf::from(path)));
        }
        if url == "memory://" {
            return Ok(StorageConfig::Memory);
        }
        let Some(bucket) = url.strip_prefix("s3://") else {
            return Err(invalid_url(&url));
        };
        let bucket = bucket.trim_end_matches('/');
        if bucket.is_empty() || bucket.contains('/') {
            return Err(invalid_url(&url));
        }
        let required = |variable: &'static str| {
            get(variable).ok_or(ConfigError::Missing {
                variable,
                reason: "STORAGE_URL=s3://…",
            })
        };
        let endpoint = get("STORAGE_ENDPOINT");
        if let Some(e) = &endpoint
            && !(e.starts_with("https://") || e.starts_with("http://"))
        {
            return Err(ConfigError::Invalid {
                variable: "STORAGE_ENDPOINT",
                value: e.clone(),
                expected: "https://…",
            });
        }
        Ok(StorageConfig::S3(S3Settings {
            allow_http: endpoint
                .as_deref()
                .is_some_and(|e| e.starts_with("http://")),
            endpoint,
            region: required("STORAGE_REGION")?,
            bucket: bucket.to_string(),
            access_key: required("STORAGE_ACCESS_KEY")?,
            secret_key: required("STORAGE_SECRET_KEY")?,
        }))
    }
}

fn invalid_url(value: &str) -> ConfigError {
    ConfigError::Invalid {
        variable: "STORAGE_URL",
        value: value.to_string(),
        expected: "file://<dossier>, s3://<bucket> ou memory://",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<StorageConfig, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        StorageConfig::from_vars(|name| map.get(name).cloned())
    }

    #[test]
    fn the_default_is_the_local_directory() {
        assert_eq!(read(&[]), Ok(StorageConfig::Local("./var/files".into())));
    }

    #[test]
    fn s3_reads_every_variable() {
        let config = read(&[
            ("STORAGE_URL", "s3://histologe-prod"),
            ("STORAGE_ENDPOINT", "https://s3.gra.io.cloud.ovh.net"),
            ("STORAGE_REGION", "gra"),
            ("STORAGE_ACCESS_KEY", "ak"),
            ("STORAGE_SECRET_KEY", "sk"),
        ]);
        let Ok(StorageConfig::S3(s3)) = config else {
            panic!("s3 expected: {config:?}");
        };
        assert_eq!(s3.bucket, "histologe-prod");
        assert_eq!(s3.region, "gra");
        assert!(!s3.allow_http);
        assert!(!format!("{s3:?}").contains("sk"));
    }

    #[test]
    fn a_missing_key_is_named() {
        let error = read(&[
            ("STORAGE_URL", "s3://b"),
            ("STORAGE_REGION", "gra"),
            ("STORAGE_ACCESS_KEY", "ak"),
        ])
        .expect_err("missing secret");
        assert!(error.to_string().contains("STORAGE_SECRET_KEY manquante"));
    }

    #[test]
    fn an_unknown_scheme_is_refused() {
        let error = read(&[("STORAGE_URL", "ftp://x")]).expect_err("ftp");
        assert!(error.to_string().contains("STORAGE_URL"));
    }
}
