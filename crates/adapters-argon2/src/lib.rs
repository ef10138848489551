//! Password hashing for Histologe: argon2id with the OWASP parameters
//! (19 MiB of memory, 2 passes, 1 lane), stored as PHC strings
//! (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), so that stronger
//! parameters later still verify the hashes made today.
//!
//! A hash costs a few tens of milliseconds and 19 MiB: that is the point.
//! Tests that hash many passwords use [`Argon2Hasher::fast_for_tests`] or
//! the memory adapters' fake.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use histologe_ports::{PasswordHashError, PasswordHasher};

/// OWASP Password Storage Cheat Sheet, argon2id, first configuration.
pub const OWASP_MEMORY_KIB: u32 = 19 * 1024;
pub const OWASP_ITERATIONS: u32 = 2;
pub const OWASP_PARALLELISM: u32 = 1;

/// argon2id hashing and verification.
#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    params: Params,
}

impl Default for Argon2Hasher {
    fn default() -> Self {
        Self::owasp()
    }
}

impl Argon2Hasher {
    /// The production parameters.
    pub fn owasp() -> Self {
        Self::with_params(OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM)
    }

    /// The smallest parameters argon2 accepts (8 KiB, 1 pass): the same
    /// code path in a fraction of a millisecond. Never in production.
    pub fn fast_for_tests() -> Self {
        Self::with_params(Params::MIN_M_COST, Params::MIN_T_COST, 1)
    }

    fn with_params(m_kib: u32, t: u32, p: u32) -> Self {
        let params = Params::new(m_kib, t, p, None).unwrap_or_default();
        Argon2Hasher { params }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &str) -> Result<String, PasswordHashError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| PasswordHashError(e.to_string()))
    }

    fn verify(&self, password: &str, hash: &str) -> bool {
        // The parameters come from the PHC string: a hash made with other
        // parameters still verifies.
        PasswordHash::new(hash).is_ok_and(|parsed| {
            self.argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owasp_hash_is_a_phc_string_that_verifies() {
        let hasher = Argon2Hasher::owasp();
        let hash = hasher.hash("cheval agrafe pile").expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify("cheval agrafe pile", &hash));
        assert!(!hasher.verify("cheval agrafe pilE", &hash));
    }

    #[test]
    fn salts_differ_and_other_parameters_still_verify() {
        let fast = Argon2Hasher::fast_for_tests();
        let a = fast.hash("même mot de passe").expect("hash");
        let b = fast.hash("même mot de passe").expect("hash");
        assert_ne!(a, b);
        assert!(Argon2Hasher::owasp().verify("même mot de passe", &a));
    }

    #[test]
    fn garbage_never_verifies() {
        let hasher = Argon2Hasher::fast_for_tests();
        assert!(!hasher.verify("x", "not a hash"));
        assert!(!hasher.verify("x", ""));
    }
}
