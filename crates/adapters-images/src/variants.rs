//! The resized copy and the thumbnail of a photo.

use std::io::Cursor;

use histologe_ports::{ImageError, ImageVariants};
use image::DynamicImage;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;

/// Longest side of the copy the pages show.
pub const RESIZED_MAX: u32 = 1000;
/// Longest side of the thumbnail.
pub const THUMBNAIL_MAX: u32 = 200;
const QUALITY: u8 = 82;

/// Refuses to decode pictures above 100 megapixels (decompression bombs).
const MAX_PIXELS: u64 = 100_000_000;

pub(crate) fn variants(bytes: &[u8]) -> Result<ImageVariants, ImageError> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Unreadable(e.to_string()))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| ImageError::Unreadable(e.to_string()))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ImageError::Unreadable(format!("{w}×{h} px: too large")));
    }
    let mut image =
        image::load_from_memory(bytes).map_err(|e| ImageError::Unreadable(e.to_string()))?;
    // The copies carry no EXIF: turn their pixels upright instead.
    if let Some(orientation) = jpeg_orientation(bytes) {
        image.apply_orientation(orientation);
    }
    Ok(ImageVariants {
        resized: jpeg(&shrink(&image, RESIZED_MAX))?,
        thumbnail: jpeg(&shrink(&image, THUMBNAIL_MAX))?,
    })
}

/// Never enlarges: a small photo keeps its size.
fn shrink(image: &DynamicImage, max: u32) -> DynamicImage {
    if image.width() <= max && image.height() <= max {
        image.clone()
    } else {
        image.resize(max, max, FilterType::Triangle)
    }
}

fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, QUALITY))
        .map_err(|e| ImageError::Unreadable(e.to_string()))?;
    Ok(out)
}

/// The orientation a JPEG's EXIF declares, if any.
fn jpeg_orientation(bytes: &[u8]) -> Option<image::metadata::Orientation> {
    use img_parts::ImageEXIF;
    let jpeg = img_parts::jpeg::Jpeg::from_bytes(img_parts::Bytes::copy_from_slice(bytes)).ok()?;
    let value = crate::orientation::read(&jpeg.exif()?)?;
    image::metadata::Orientation::from_exif(u8::try_from(value).ok()?)
}
