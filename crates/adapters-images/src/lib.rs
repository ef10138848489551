//! The `ImageProcessor` port on pure-Rust crates.
//!
//! Metadata is removed at the segment level ([`strip`]): the pixels the
//! person sent are kept bit for bit, and what could locate or identify
//! them (EXIF with its GPS position, XMP, IPTC, comments) is dropped.
//! Variants ([`variants`]) are decoded, resized and re-encoded as JPEG,
//! which writes no metadata at all.

mod gif;
mod orientation;
mod strip;
mod variants;

use histologe_ports::{ImageError, ImageProcessor, ImageVariants};

/// The production image processor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Images;

impl ImageProcessor for Images {
    fn strip_metadata(&self, bytes: &[u8], mime: &str) -> Result<Vec<u8>, ImageError> {
        strip::strip(bytes, mime)
    }

    fn variants(&self, bytes: &[u8]) -> Result<ImageVariants, ImageError> {
        variants::variants(bytes)
    }
}
