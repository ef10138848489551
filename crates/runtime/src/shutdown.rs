//! One stop signal per process: SIGTERM (what Scalingo and systemd send)
//! or Ctrl-C cancels a token that the web server, the worker and the clock
//! all wait on.

use tokio_util::sync::CancellationToken;

/// Cloned into every loop; cancelled once.
#[derive(Debug, Clone, Default)]
pub struct Shutdown(CancellationToken);

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// A token cancelled at SIGTERM or SIGINT.
    pub fn on_signals() -> Self {
        let shutdown = Self::new();
        let token = shutdown.0.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("stop signal received: shutting down");
            token.cancel();
        });
        shutdown
    }

    pub fn trigger(&self) {
        self.0.cancel();
    }

    pub fn is_triggered(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Resolves once the stop is asked.
    pub async fn wait(&self) {
        self.0.cancelled().await;
    }
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "SIGTERM cannot be caught: only Ctrl-C stops cleanly");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
