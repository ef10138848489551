//! An `ImageProcessor` for wirings that have no image adapter: it refuses
//! every photo rather than keep one with its GPS position.

use histologe_ports::{ImageError, ImageProcessor, ImageVariants};

/// Fail-safe stand-in: photos are refused ("unreadable"), never stored
/// with their metadata. Wire `histologe-adapters-images` instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct RefusingImages;

impl ImageProcessor for RefusingImages {
    fn strip_metadata(&self, _bytes: &[u8], _mime: &str) -> Result<Vec<u8>, ImageError> {
        Err(ImageError::Unreadable("no image processor wired".into()))
    }

    fn variants(&self, _bytes: &[u8]) -> Result<ImageVariants, ImageError> {
        Err(ImageError::Unreadable("no image processor wired".into()))
    }
}
