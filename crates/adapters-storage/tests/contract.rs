//! The `FileStore` contract suite on the three backends of
//! `ObjectFileStore`: memory, a local directory, and an S3-compatible
//! server (moto; see `support`). Plus the outage test: the S3 server
//! stopped in the middle of a run.

mod support;

use std::sync::Arc;

use histologe_adapters_storage::ObjectFileStore;
use histologe_contract_tests::{FileStoreBackend, async_trait};
use histologe_ports::{FileStore, FileStoreError};

struct Memory;

#[async_trait]
impl FileStoreBackend for Memory {
    async fn fresh(&self) -> Arc<dyn FileStore> {
        Arc::new(ObjectFileStore::memory())
    }
}

/// A new directory per contract, removed when the test process ends
/// (`TempDir` is leaked into a static list so that it outlives the store).
struct LocalDir;

static DIRS: std::sync::Mutex<Vec<tempfile::TempDir>> = std::sync::Mutex::new(Vec::new());

#[async_trait]
impl FileStoreBackend for LocalDir {
    async fn fresh(&self) -> Arc<dyn FileStore> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = ObjectFileStore::local(dir.path().join("var/files")).expect("local store");
        DIRS.lock().expect("dirs").push(dir);
        Arc::new(store)
    }
}

struct S3;

#[async_trait]
impl FileStoreBackend for S3 {
    async fn fresh(&self) -> Arc<dyn FileStore> {
        let endpoint = support::server().await.expect("S3 server is available");
        Arc::new(support::fresh_store(endpoint).await)
    }

    async fn available(&self) -> bool {
        support::server().await.is_some()
    }
}

mod memory {
    histologe_contract_tests::file_store_contract_suite!(super::Memory);
}

mod local_dir {
    histologe_contract_tests::file_store_contract_suite!(super::LocalDir);
}

mod s3 {
    histologe_contract_tests::file_store_contract_suite!(super::S3);
}

/// The S3 server stopped mid-run: what was stored stays readable until
/// then, the next put answers `Unavailable` quickly (the caller keeps its
/// bytes and tells the person to retry), and once the server is back a put
/// succeeds. A dedicated moto process, so the shared one is untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_server_stopped_mid_run_answers_unavailable_then_recovers() {
    if !S3.available().await {
        return;
    }
    let port = support::free_port();
    let moto = support::Moto::start(port).await.expect("dedicated moto");
    let bucket = support::unique_bucket();
    support::create_bucket(&moto.endpoint, &bucket).await;
    let store = ObjectFileStore::s3(&support::settings(&moto.endpoint, &bucket)).expect("store");
    let first = "signalements/outage/avant.pdf";
    store
        .put(first, b"%PDF-1.4 avant".to_vec(), "application/pdf")
        .await
        .expect("put while the server runs");
    assert_eq!(store.get(first).await, Ok(b"%PDF-1.4 avant".to_vec()));

    moto.stop().await;
    let started = std::time::Instant::now();
    let during = store
        .put(
            "signalements/outage/pendant.pdf",
            b"%PDF-1.4 pendant".to_vec(),
            "application/pdf",
        )
        .await;
    assert!(
        matches!(during, Err(FileStoreError::Unavailable(_))),
        "a put on a stopped server answers Unavailable, got {during:?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "the failure is quick enough to answer a form ({:?})",
        started.elapsed()
    );
    assert!(
        matches!(store.get(first).await, Err(FileStoreError::Unavailable(_))),
        "a read on a stopped server is Unavailable, not NotFound"
    );

    // moto keeps its state in memory: the restarted server has no bucket.
    let moto = support::Moto::start(port).await.expect("moto restarts");
    support::create_bucket(&moto.endpoint, &bucket).await;
    store
        .put(
            "signalements/outage/pendant.pdf",
            b"%PDF-1.4 pendant".to_vec(),
            "application/pdf",
        )
        .await
        .expect("the retried put succeeds once the server is back");
    assert_eq!(
        store.get("signalements/outage/pendant.pdf").await,
        Ok(b"%PDF-1.4 pendant".to_vec())
    );
}

/// The content type reaches the bucket (whoever inspects it sees it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_config_memory_and_local_open() {
    use histologe_adapters_storage::StorageConfig;
    let dir = tempfile::tempdir().expect("tempdir");
    for config in [
        StorageConfig::Memory,
        StorageConfig::Local(dir.path().join("files")),
    ] {
        let store = ObjectFileStore::from_config(&config).expect("opens");
        store
            .put("a/b.txt", b"bonjour".to_vec(), "text/plain")
            .await
            .expect("put");
        assert_eq!(store.get("a/b.txt").await, Ok(b"bonjour".to_vec()));
    }
    assert!(
        dir.path().join("files/a/b.txt").is_file(),
        "a plain file on disk"
    );
}
