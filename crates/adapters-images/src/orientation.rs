//! The one EXIF tag a photo needs after its metadata is gone: its
//! orientation. Phones store pictures sideways and say so in EXIF; without
//! the tag a photo of a damp wall shows on its side.

/// The Orientation tag (0x0112) of an EXIF block, when it holds one of the
/// eight valid values.
pub(crate) fn read(exif: &[u8]) -> Option<u16> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big_endian = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = tiff.get(at..at + 2)?;
        Some(if big_endian {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at + 4)?;
        Some(if big_endian {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd)?);
    (0..entries)
        .map(|i| ifd + 2 + i * 12)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
        .filter(|v| (1..=8).contains(v))
}

/// A minimal EXIF block (big-endian TIFF, IFD0 with the Orientation tag
/// alone) in the form `img_parts` stores it, without the `Exif\0\0` prefix.
pub(crate) fn exif_with(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2a"); // TIFF header, big-endian
    tiff.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // value padded to four bytes
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    tiff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_orientation_reads_back() {
        for v in 1..=8 {
            assert_eq!(read(&exif_with(v)), Some(v));
        }
        assert_eq!(read(b"nonsense"), None);
    }
}
