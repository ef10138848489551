//! Every port in memory, wired together once: the concrete handles for
//! tests to steer and inspect, and the trait objects the application
//! takes.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use histologe_ports::{Clock, ImageProcessor, Ports, Repositories, Services};

use crate::accounts::FakePasswordHasher;
use crate::clock::FixedClock;
use crate::errors::RecordingErrorReporter;
use crate::files::MemoryFileStore;
use crate::ids::SequentialIds;
use crate::images::RefusingImages;
use crate::lookups::{MemoryAddressLookup, MemoryEnergyLookup, MemoryEsabora, MemoryOilhi};
use crate::mail::MemoryMailer;
use crate::shared_state::MemorySharedState;
use crate::store::MemoryStore;

/// One of each memory adapter, sharing one `FixedClock`: the store stamps
/// jobs with it and the shared state measures windows with it, so moving
/// the clock moves everything. Ids are sequential, so a run is
/// reproducible.
///
/// ```
/// # use histologe_adapters_memory::MemoryAdapters;
/// let adapters = MemoryAdapters::new();
/// let ports = adapters.ports();
/// // hand `ports.uow`, `ports.signalements`… to the application, then
/// // steer and inspect through the concrete handles:
/// adapters.mailer.fail_next(1);
/// assert!(adapters.mailer.sent().is_empty());
/// # let _ = ports;
/// ```
#[derive(Debug, Clone)]
pub struct MemoryAdapters {
    /// Every repository, the unit of work and the job queue.
    pub store: MemoryStore,
    pub file_store: Arc<MemoryFileStore>,
    pub mailer: Arc<MemoryMailer>,
    pub shared_state: Arc<MemorySharedState>,
    pub clock: Arc<FixedClock>,
    pub ids: Arc<SequentialIds>,
    pub errors: Arc<RecordingErrorReporter>,
    /// Knows no address until replaced (see [`MemoryAdapters::with_addresses`]).
    pub addresses: Arc<MemoryAddressLookup>,
    pub energy: Arc<MemoryEnergyLookup>,
    pub esabora: Arc<MemoryEsabora>,
    pub oilhi: Arc<MemoryOilhi>,
}

impl Default for MemoryAdapters {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryAdapters {
    /// Everything empty, the clock at [`FixedClock::DEFAULT_NOW`].
    pub fn new() -> Self {
        Self::at(FixedClock::DEFAULT_NOW)
    }

    /// Everything empty, the clock at `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        let clock = Arc::new(FixedClock::new(now));
        let as_clock: Arc<dyn Clock> = clock.clone();
        MemoryAdapters {
            store: MemoryStore::with_clock(Arc::clone(&as_clock)),
            file_store: Arc::new(MemoryFileStore::new()),
            mailer: Arc::new(MemoryMailer::new()),
            shared_state: Arc::new(MemorySharedState::with_clock(as_clock)),
            clock,
            ids: Arc::new(SequentialIds::new()),
            errors: Arc::new(RecordingErrorReporter::new()),
            addresses: Arc::new(MemoryAddressLookup::default()),
            energy: Arc::new(MemoryEnergyLookup::new()),
            esabora: Arc::new(MemoryEsabora::new()),
            oilhi: Arc::new(MemoryOilhi::new()),
        }
    }

    /// The same bundle with an address base answering from `lookup`.
    pub fn with_addresses(mut self, lookup: MemoryAddressLookup) -> Self {
        self.addresses = Arc::new(lookup);
        self
    }

    /// Every port as the trait objects the application takes, sharing
    /// state with the handles of `self`. Photos are refused (no image
    /// processor in memory: wire `histologe-adapters-images` with
    /// [`MemoryAdapters::ports_with_images`]); no antivirus.
    pub fn ports(&self) -> Ports {
        self.ports_with_images(Arc::new(RefusingImages))
    }

    /// [`MemoryAdapters::ports`] with a real image processor.
    pub fn ports_with_images(&self, images: Arc<dyn ImageProcessor>) -> Ports {
        Ports::new(
            Repositories::from_store(self.store.clone()),
            Services {
                passwords: Arc::new(FakePasswordHasher),
                shared: self.shared_state.clone(),
                clock: self.clock.clone(),
                ids: self.ids.clone(),
                file_store: self.file_store.clone(),
                images,
                scanner: None,
                mailer: self.mailer.clone(),
                // Off, as in the embedded default: a test that wants them
                // sets `ports.lookups` to the handles above.
                lookups: histologe_ports::Lookups::default(),
            },
        )
    }
}
