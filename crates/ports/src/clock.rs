use chrono::{DateTime, Utc};

/// The time, so that tests can stop it and move it.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Identifiers and secrets. Core never draws randomness: it gets these.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait IdGenerator: Send + Sync {
    /// A fresh random (v4) UUID.
    fn uuid(&self) -> uuid::Uuid;
    /// 16 bytes from a cryptographically secure source.
    fn random_bytes(&self) -> [u8; 16];
}

/// Where unexpected errors go (Sentry in production, the log otherwise).
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait ErrorReporter: Send + Sync {
    /// Never fails: a reporter that cannot report drops the report.
    fn report(&self, message: &str, context: &[(&'static str, String)]);
}
