//! Metadata removal by segment, per format.

use histologe_ports::ImageError;
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::{Bytes, ImageEXIF};

/// PNG chunks that carry metadata: EXIF, text (often XMP), and time.
const PNG_METADATA: &[[u8; 4]] = &[*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];

pub(crate) fn strip(bytes: &[u8], mime: &str) -> Result<Vec<u8>, ImageError> {
    match mime {
        "image/jpeg" => jpeg(bytes),
        "image/png" => png(bytes),
        "image/gif" => crate::gif::strip(bytes),
        other => Err(ImageError::Unreadable(format!(
            "not an image type: {other}"
        ))),
    }
}

/// Keeps APP0 (JFIF), APP2 only when it is an ICC colour profile and
/// APP14 (Adobe colour transform): without them colours change. Drops
/// APP1 (EXIF and XMP), APP13 (IPTC), the other APPn and comments, then
/// writes back an EXIF holding the orientation alone.
fn jpeg(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(bytes))
        .map_err(|e| ImageError::Unreadable(format!("JPEG: {e}")))?;
    let orientation = jpeg.exif().and_then(|exif| crate::orientation::read(&exif));
    jpeg.set_exif(None);
    jpeg.segments_mut().retain(|segment| {
        let marker = segment.marker();
        let is_app = (markers::APP0..=markers::APP15).contains(&marker);
        if marker == markers::COM {
            return false;
        }
        if !is_app {
            return true;
        }
        match marker {
            markers::APP0 | markers::APP14 => true,
            markers::APP2 => segment.contents().starts_with(b"ICC_PROFILE\0"),
            _ => false,
        }
    });
    // Only the orientation survives, so the photo still shows upright.
    if let Some(orientation) = orientation.filter(|o| *o != 1) {
        jpeg.set_exif(Some(Bytes::from(crate::orientation::exif_with(
            orientation,
        ))));
    }
    Ok(jpeg.encoder().bytes().to_vec())
}

fn png(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut png = Png::from_bytes(Bytes::copy_from_slice(bytes))
        .map_err(|e| ImageError::Unreadable(format!("PNG: {e}")))?;
    png.chunks_mut()
        .retain(|chunk| !PNG_METADATA.contains(&chunk.kind()));
    Ok(png.encoder().bytes().to_vec())
}
