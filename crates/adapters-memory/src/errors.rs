//! An error reporter that keeps the reports for assertions.

use std::sync::Mutex;

use histologe_ports::ErrorReporter;

use crate::sync::lock;

/// One call of `ErrorReporter::report`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    pub message: String,
    pub context: Vec<(&'static str, String)>,
}

/// Records reports instead of sending them to Sentry.
#[derive(Debug, Default)]
pub struct RecordingErrorReporter {
    reports: Mutex<Vec<ErrorReport>>,
}

impl RecordingErrorReporter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every report so far, oldest first.
    pub fn reports(&self) -> Vec<ErrorReport> {
        lock(&self.reports).clone()
    }
}

impl ErrorReporter for RecordingErrorReporter {
    fn report(&self, message: &str, context: &[(&'static str, String)]) {
        lock(&self.reports).push(ErrorReport {
            message: message.to_string(),
            context: context.to_vec(),
        });
    }
}
