//! The `FileStore` port on [`object_store`]: documents and photos in a
//! local directory (the embedded default, `./var/files`), in memory
//! (tests), or in an S3-compatible bucket (OVH Object Storage in
//! production).
//!
//! Nothing stored here is public: the bucket needs no public policy, and
//! every download goes through the application and its permission policy
//! (docs/decisions/0012-object-store-without-aws-sdk.md).

mod config;
mod errors;
mod keys;
mod store;

pub use config::{ConfigError, S3Settings, StorageConfig};
pub use keys::validate_key;
pub use store::ObjectFileStore;
