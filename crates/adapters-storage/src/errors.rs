//! object_store's errors in the port's words: a missing object is
//! `NotFound`; a full disk, an exceeded quota or an HTTP 507 is `Full`;
//! anything else (connection refused, timeout, 5xx, bad credentials) is
//! `Unavailable`, which the application answers with "retry later".

use histologe_ports::FileStoreError;

pub(crate) fn map_error(key: &str, error: object_store::Error) -> FileStoreError {
    match error {
        object_store::Error::NotFound { .. } => FileStoreError::NotFound(key.to_string()),
        other if is_full(&other) => FileStoreError::Full,
        other => FileStoreError::Unavailable(other.to_string()),
    }
}

/// Whether the error says that no more bytes fit: ENOSPC / EDQUOT from the
/// local directory, or an S3-compatible server answering 507 or a quota
/// error code.
fn is_full(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            )
        {
            return true;
        }
        // Each marker holds a space or angle brackets, which a URL cannot:
        // an error that quotes the request's URL (with a port or a key
        // containing "507") is not taken for a full store.
        let text = e.to_string();
        if [
            "status code: 507",
            "Insufficient Storage",
            "<Code>QuotaExceeded</Code>",
            "<Code>StorageFull</Code>",
        ]
        .iter()
        .any(|marker| text.contains(marker))
        {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::map_error;
    use histologe_ports::FileStoreError;

    #[test]
    fn a_full_disk_is_full() {
        let e = object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(std::io::Error::from(std::io::ErrorKind::StorageFull)),
        };
        assert_eq!(map_error("k", e), FileStoreError::Full);
    }

    #[test]
    fn an_http_507_is_full() {
        let e = object_store::Error::Generic {
            store: "S3",
            source: "Server returned non-2xx status code: 507 Insufficient Storage".into(),
        };
        assert_eq!(map_error("k", e), FileStoreError::Full);
    }

    #[test]
    fn a_quota_error_code_is_full() {
        let e = object_store::Error::Generic {
            store: "S3",
            source: "Server returned error response: <Error><Code>QuotaExceeded</Code></Error>"
                .into(),
        };
        assert_eq!(map_error("k", e), FileStoreError::Full);
    }

    /// Seen in CI: the test server's random port was 35071.
    #[test]
    fn a_url_holding_507_is_not_full() {
        let e = object_store::Error::Generic {
            store: "S3",
            source: "error sending request for url (http://127.0.0.1:35071/b/signalements/507.pdf)"
                .into(),
        };
        assert!(matches!(map_error("k", e), FileStoreError::Unavailable(_)));
    }

    #[test]
    fn a_refused_connection_is_unavailable() {
        let e = object_store::Error::Generic {
            store: "S3",
            source: Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        };
        assert!(matches!(map_error("k", e), FileStoreError::Unavailable(_)));
    }
}
