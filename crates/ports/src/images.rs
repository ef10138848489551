//! Photos: metadata removed before storing, and the smaller copies pages
//! show. Synchronous: CPU work on bytes already in memory.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImageError {
    /// The bytes are not a readable image of the kind announced.
    #[error("image illisible : {0}")]
    Unreadable(String),
}

/// A resized copy and a thumbnail of a photo, both JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageVariants {
    pub resized: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
pub trait ImageProcessor: Send + Sync {
    /// The same image without EXIF (GPS position, camera, date), XMP, IPTC
    /// nor comments. `mime` is the detected type (`image/jpeg`…).
    ///
    /// # Errors
    /// `Unreadable` when the bytes are not such an image.
    fn strip_metadata(&self, bytes: &[u8], mime: &str) -> Result<Vec<u8>, ImageError>;

    /// A copy at most 1000 px on its longest side and a thumbnail at most
    /// 200 px, never enlarged.
    ///
    /// # Errors
    /// `Unreadable` when the bytes cannot be decoded.
    fn variants(&self, bytes: &[u8]) -> Result<ImageVariants, ImageError>;
}
