//! Identifiers for production: time-ordered UUIDs and secure random bytes.

use histologe_ports::IdGenerator;
use uuid::Uuid;

/// UUIDv7 ids (48 bits of milliseconds, then random bits, RFC 9562): two
/// rows created one after the other get neighbouring keys, so MariaDB's
/// clustered primary keys grow at their end instead of splitting random
/// pages. They keep fewer random bits than v4: an id that is a credential
/// on its own (a draft's link, a tracking code) is made from
/// `random_bytes` instead, by the application.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeOrderedIds;

impl IdGenerator for TimeOrderedIds {
    fn uuid(&self) -> Uuid {
        Uuid::now_v7()
    }

    /// From `getrandom`. The port cannot report a failure, and handing out
    /// predictable bytes (they become login codes and link tokens) would be
    /// a hole, so should the OS source fail, the bytes come from two v4
    /// UUIDs: the same source behind uuid's generator, which aborts rather
    /// than return weak bytes.
    fn random_bytes(&self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            bytes = bytes_from_uuids(Uuid::new_v4(), Uuid::new_v4());
        }
        bytes
    }
}

/// 128 random bits out of two v4 UUIDs: the first with its version byte
/// (6) and variant byte (8) replaced by random bytes of the second.
fn bytes_from_uuids(first: Uuid, second: Uuid) -> [u8; 16] {
    let mut bytes = first.into_bytes();
    let spare = second.into_bytes();
    bytes[6] = spare[0];
    bytes[8] = spare[1];
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_7_and_sort_by_creation_time() {
        let ids = TimeOrderedIds;
        let first = ids.uuid();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = ids.uuid();
        assert_eq!(first.get_version_num(), 7);
        assert!(
            first.to_string() < second.to_string(),
            "a later id sorts after an earlier one, as text and as bytes"
        );
        assert!(first.as_bytes() < second.as_bytes());
    }

    #[test]
    fn random_bytes_differ_between_calls() {
        let ids = TimeOrderedIds;
        assert_ne!(ids.random_bytes(), ids.random_bytes());
    }

    #[test]
    fn the_fallback_keeps_no_fixed_uuid_byte() {
        let a = Uuid::from_bytes([1; 16]);
        let b = Uuid::from_bytes([2; 16]);
        let bytes = bytes_from_uuids(a, b);
        assert_eq!(bytes[6], 2);
        assert_eq!(bytes[8], 2);
        assert_eq!(bytes[0], 1);
    }
}
